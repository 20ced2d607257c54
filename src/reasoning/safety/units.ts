import { analyteOf, conversionFactor, invalid, ucumOf } from '../../core/index.js';

/**
 * UCUM conversion for the analytes the safety rules read. Each analyte has one SI unit it is
 * evaluated in; a value in any other unit is converted by an exact factor (molar mass where the
 * conversion needs one) or rejected: an unknown unit is never guessed.
 */
export type Analyte =
  | 'potassium'
  | 'sodium'
  | 'glucose'
  | 'calcium'
  | 'ionized-calcium'
  | 'hemoglobin'
  | 'platelets'
  | 'wbc'
  | 'inr'
  | 'aptt'
  | 'fibrinogen'
  | 'ph'
  | 'pco2'
  | 'po2'
  | 'troponin'
  | 'creatinine'
  | 'egfr'
  | 'crcl';

/**
 * The SI unit each analyte is evaluated in and the units accepted for it. Factors come from core's
 * units table: one dimension by UCUM factors; mass ↔ molar by the analyte's molar mass (glucose
 * 180.16, calcium 40.08, creatinine 113.12 g/mol), meq ↔ mmol by its valence (K⁺, Na⁺: 1).
 */
const ACCEPTED: Record<Analyte, { si: string; units: readonly string[]; molar?: string }> = {
  potassium: { si: 'mmol/L', units: ['mmol/L', 'meq/L'], molar: 'potassium' },
  sodium: { si: 'mmol/L', units: ['mmol/L', 'meq/L'], molar: 'sodium' },
  glucose: { si: 'mmol/L', units: ['mmol/L', 'mg/dL'], molar: 'glucose' },
  // Total and ionized calcium alike.
  calcium: { si: 'mmol/L', units: ['mmol/L', 'mg/dL'], molar: 'calcium' },
  'ionized-calcium': { si: 'mmol/L', units: ['mmol/L', 'mg/dL'], molar: 'calcium' },
  hemoglobin: { si: 'g/L', units: ['g/L', 'g/dL'] },
  platelets: { si: '10*9/L', units: ['10*9/L', '10*3/uL', '/uL'] },
  wbc: { si: '10*9/L', units: ['10*9/L', '10*3/uL', '/uL'] },
  inr: { si: '{INR}', units: ['{INR}', '{ratio}', '1'] },
  aptt: { si: 's', units: ['s'] },
  fibrinogen: { si: 'g/L', units: ['g/L', 'mg/dL'] },
  ph: { si: '[pH]', units: ['[pH]', '1'] },
  // Blood gases: kPa is the SI unit (1 mm[Hg] = 0.133322 kPa).
  pco2: { si: 'kPa', units: ['kPa', 'mm[Hg]'] },
  po2: { si: 'kPa', units: ['kPa', 'mm[Hg]'] },
  troponin: { si: 'ug/L', units: ['ug/L', 'ng/mL', 'ng/L', 'pg/mL'] },
  creatinine: { si: 'umol/L', units: ['umol/L', 'mg/dL', 'mmol/L'], molar: 'creatinine' },
  egfr: { si: 'mL/min/{1.73_m2}', units: ['mL/min/{1.73_m2}'] },
  crcl: { si: 'mL/min', units: ['mL/min'] },
};

/** The SI unit each analyte is evaluated in, and the factor from every accepted unit to it. */
export const ANALYTE_UNITS: Record<Analyte, { si: string; from: Record<string, number> }> = Object.fromEntries(
  Object.entries(ACCEPTED).map(([analyte, { si, units, molar }]) => {
    const chemistry = molar ? analyteOf(molar) : undefined;
    if (molar && !chemistry) throw new Error(`safety units: core's units table has no molar mass for ${molar}`);
    const from = units.map((u) => {
      const factor = conversionFactor(u, si, chemistry);
      if (factor === undefined)
        throw new Error(`safety units: core's units cannot convert ${u} to ${si} for ${analyte}`);
      return [u, factor] as const;
    });
    return [analyte, { si, from: Object.fromEntries(from) }];
  }),
) as Record<Analyte, { si: string; from: Record<string, number> }>;

/** The UCUM code for a unit as records write it ('mmol/l', '×10^9/L', 'mmHg'); unknown units are kept as written. */
export function normaliseUnit(unit: string | undefined): string | undefined {
  if (unit === undefined) return undefined;
  const u = unit.trim();
  return ucumOf(u) ?? u;
}

/** Converts to the analyte's SI unit, or returns undefined when the unit is not one this analyte accepts. */
export function tryToSi(analyte: Analyte, value: number, unit: string | undefined): number | undefined {
  const u = normaliseUnit(unit ?? '');
  const factor = u === undefined ? undefined : ANALYTE_UNITS[analyte].from[u];
  return factor === undefined ? undefined : value * factor;
}

/** Converts to SI or throws a clear error naming the unit (for configuration input). */
export function toSi(analyte: Analyte, value: number, unit: string, where = 'threshold'): number {
  const v = tryToSi(analyte, value, unit);
  if (v === undefined) {
    throw invalid(
      `unit '${unit}' is not known for ${analyte}; accepted: ${Object.keys(ANALYTE_UNITS[analyte].from).join(', ')}`,
      { where, field: 'unit' },
    );
  }
  return v;
}
