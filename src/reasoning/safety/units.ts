import { invalid } from '../../core/index.js';

/**
 * UCUM conversion for the analytes the safety rules read. Each analyte has one SI unit it is
 * evaluated in; a value in any other unit is converted by an exact factor (molar mass where the
 * conversion needs one) or rejected: an unknown unit is never guessed.
 */
export type Analyte =
  | 'potassium' | 'sodium' | 'glucose' | 'calcium' | 'ionized-calcium' | 'hemoglobin' | 'platelets' | 'wbc'
  | 'inr' | 'aptt' | 'fibrinogen' | 'ph' | 'pco2' | 'po2' | 'troponin' | 'creatinine' | 'egfr' | 'crcl';

/** Spellings seen in records mapped to their UCUM code (case-sensitive UCUM, so normalise first). */
const ALIASES: Record<string, string> = {
  'mmol/l': 'mmol/L', 'meq/l': 'meq/L', 'mg/dl': 'mg/dL', 'g/dl': 'g/dL', 'g/l': 'g/L', 'mg/l': 'mg/L',
  '10*9/l': '10*9/L', '10^9/l': '10*9/L', '×10^9/l': '10*9/L', 'x10^9/l': '10*9/L', '×10⁹/l': '10*9/L', '10*3/ul': '10*3/uL', '10^3/ul': '10*3/uL', 'k/ul': '10*3/uL', '/ul': '/uL', '/mm3': '/uL', '10*3/mm3': '10*3/uL',
  s: 's', sec: 's', 秒: 's', 'mm[hg]': 'mm[Hg]', mmhg: 'mm[Hg]', kpa: 'kPa', '[ph]': '[pH]', 'ph': '[pH]',
  'ng/ml': 'ng/mL', 'ug/l': 'ug/L', 'µg/l': 'ug/L', 'ng/l': 'ng/L', 'pg/ml': 'pg/mL', 'umol/l': 'umol/L', 'µmol/l': 'umol/L', 'μmol/l': 'umol/L',
  '{inr}': '{INR}', inr: '{INR}', '{ratio}': '{ratio}', '1': '1', '': '1',
  'ml/min/{1.73_m2}': 'mL/min/{1.73_m2}', 'ml/min/1.73m2': 'mL/min/{1.73_m2}', 'ml/min/1.73 m2': 'mL/min/{1.73_m2}', 'ml/min': 'mL/min',
};

/** The SI unit each analyte is evaluated in, and the factor from every accepted unit to it. */
export const ANALYTE_UNITS: Record<Analyte, { si: string; from: Record<string, number> }> = {
  potassium: { si: 'mmol/L', from: { 'mmol/L': 1, 'meq/L': 1 } },
  sodium: { si: 'mmol/L', from: { 'mmol/L': 1, 'meq/L': 1 } },
  // cds-rules.md: glucose mg/dL ÷ 18 (molar mass 180.16 g/mol ≈ 18.0 mg/dL per mmol/L).
  glucose: { si: 'mmol/L', from: { 'mmol/L': 1, 'mg/dL': 1 / 18 } },
  // cds-rules.md: total calcium mg/dL × 0.25 (40.08 g/mol).
  calcium: { si: 'mmol/L', from: { 'mmol/L': 1, 'mg/dL': 0.25 } },
  'ionized-calcium': { si: 'mmol/L', from: { 'mmol/L': 1, 'mg/dL': 0.25 } },
  hemoglobin: { si: 'g/L', from: { 'g/L': 1, 'g/dL': 10 } },
  platelets: { si: '10*9/L', from: { '10*9/L': 1, '10*3/uL': 1, '/uL': 0.001 } },
  wbc: { si: '10*9/L', from: { '10*9/L': 1, '10*3/uL': 1, '/uL': 0.001 } },
  inr: { si: '{INR}', from: { '{INR}': 1, '{ratio}': 1, '1': 1 } },
  aptt: { si: 's', from: { s: 1 } },
  fibrinogen: { si: 'g/L', from: { 'g/L': 1, 'mg/dL': 0.01 } },
  ph: { si: '[pH]', from: { '[pH]': 1, '1': 1 } },
  // Blood gases: kPa is the SI unit; 1 mm[Hg] = 0.133322 kPa.
  pco2: { si: 'kPa', from: { kPa: 1, 'mm[Hg]': 0.133322 } },
  po2: { si: 'kPa', from: { kPa: 1, 'mm[Hg]': 0.133322 } },
  troponin: { si: 'ug/L', from: { 'ug/L': 1, 'ng/mL': 1, 'ng/L': 0.001, 'pg/mL': 0.001 } },
  // Creatinine 113.12 g/mol: 1 mg/dL = 88.4 µmol/L.
  creatinine: { si: 'umol/L', from: { 'umol/L': 1, 'mg/dL': 88.4, 'mmol/L': 1000 } },
  egfr: { si: 'mL/min/{1.73_m2}', from: { 'mL/min/{1.73_m2}': 1 } },
  crcl: { si: 'mL/min', from: { 'mL/min': 1 } },
};

export function normaliseUnit(unit: string | undefined): string | undefined {
  if (unit === undefined) return undefined;
  const u = unit.trim();
  return ALIASES[u.toLowerCase()] ?? u;
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
    throw invalid(`unit '${unit}' is not known for ${analyte}; accepted: ${Object.keys(ANALYTE_UNITS[analyte].from).join(', ')}`, { where, field: 'unit' });
  }
  return v;
}
