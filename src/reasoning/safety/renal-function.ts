import type { Fact, PatientState } from '../../core/index.js';
import { ageYears, latestMeasurement } from './facts.js';
import { tryToSi } from './units.js';

/**
 * Kidney function, computed the way each renal rule's source asks for it (cds-rules.md §3):
 * eGFR (mL/min/1.73 m², CKD-EPI 2021 creatinine equation, race-free) or creatinine clearance
 * (Cockcroft–Gault, mL/min, actual body weight). The two are never substituted for each other.
 */
export type RenalMeasure = 'egfr' | 'crcl';

export const CREATININE_LOINC = ['2160-0', '38483-4', '14682-9', '21232-4', '77140-2'];
export const EGFR_LOINC = [
  '33914-3',
  '48642-3',
  '48643-1',
  '62238-1',
  '69405-9',
  '98979-8',
  '88293-6',
  '88294-4',
  '50044-7',
  '50210-4',
  '94677-2',
];
export const WEIGHT_LOINC = ['29463-7', '3141-9', '8335-2'];

export type RenalValue =
  | {
      readonly ok: true;
      readonly value: number;
      readonly measure: RenalMeasure;
      readonly how: string;
      readonly facts: readonly Fact[];
    }
  | {
      readonly ok: false;
      readonly measure: RenalMeasure;
      readonly missing: readonly string[];
      readonly facts: readonly Fact[];
    };

/** CKD-EPI 2021 (Inker et al., NEJM 2021;385:1737): SCr in mg/dL. */
export function ckdEpi2021(scrMgDl: number, age: number, female: boolean): number {
  const k = female ? 0.7 : 0.9;
  const a = female ? -0.241 : -0.302;
  const r = scrMgDl / k;
  return 142 * Math.min(r, 1) ** a * Math.max(r, 1) ** -1.2 * 0.9938 ** age * (female ? 1.012 : 1);
}

/** Cockcroft–Gault (Nephron 1976;16:31): CrCl = (140 − age) × weight / (72 × SCr mg/dL), × 0.85 if female. */
export function cockcroftGault(scrMgDl: number, age: number, weightKg: number, female: boolean): number {
  return (((140 - age) * weightKg) / (72 * scrMgDl)) * (female ? 0.85 : 1);
}

function scrMgDl(f: Fact): number | undefined {
  if (!f.value) return undefined;
  const umol = tryToSi('creatinine', f.value.value, f.value.unit);
  return umol === undefined ? undefined : umol / 88.4;
}

/** The renal measure a rule needs, from a reported eGFR, or from SCr + age + sex (+ weight for CrCl). */
export function renalFunction(state: PatientState, measure: RenalMeasure): RenalValue {
  const female = state.demographics.sex === 'female';
  const sexKnown = state.demographics.sex === 'female' || state.demographics.sex === 'male';
  const age = ageYears(state);
  const scr = latestMeasurement(state, { loinc: CREATININE_LOINC, names: ['creatinine', '肌酐'] });
  if (measure === 'egfr') {
    const reported = latestMeasurement(state, { loinc: EGFR_LOINC, names: ['egfr', '肾小球滤过率'] });
    const reportedValue = reported?.value ? tryToSi('egfr', reported.value.value, reported.value.unit) : undefined;
    // A reported eGFR newer than (or as new as) the latest creatinine is used as is.
    if (reported && reportedValue !== undefined && (!scr || (reported.time?.start ?? '') >= (scr.time?.start ?? ''))) {
      return { ok: true, value: reportedValue, measure, how: 'reported eGFR', facts: [reported] };
    }
    const missing = [
      !scr
        ? 'serum creatinine'
        : scrMgDl(scr) === undefined
          ? `serum creatinine in a known unit (got '${scr.value?.unit}')`
          : '',
      age === undefined ? 'age' : '',
      !sexKnown ? 'sex' : '',
    ].filter(Boolean);
    if (missing.length > 0 || !scr) return { ok: false, measure, missing, facts: scr ? [scr] : [] };
    return {
      ok: true,
      value: ckdEpi2021(scrMgDl(scr)!, age!, female),
      measure,
      how: 'CKD-EPI 2021 from serum creatinine',
      facts: [scr],
    };
  }
  const weightFact = latestMeasurement(state, { loinc: WEIGHT_LOINC, names: ['body weight', '体重'] });
  const weight =
    state.demographics.weightKg ??
    (weightFact?.value && /^(kg)$/i.test(weightFact.value.unit)
      ? weightFact.value.value
      : weightFact?.value && weightFact.value.unit === 'g'
        ? weightFact.value.value / 1000
        : undefined);
  const missing = [
    !scr
      ? 'serum creatinine'
      : scrMgDl(scr) === undefined
        ? `serum creatinine in a known unit (got '${scr.value?.unit}')`
        : '',
    age === undefined ? 'age' : '',
    !sexKnown ? 'sex' : '',
    weight === undefined ? 'body weight' : '',
  ].filter(Boolean);
  const facts = [scr, weightFact].filter((f): f is Fact => !!f);
  if (missing.length > 0 || !scr) return { ok: false, measure, missing, facts };
  return {
    ok: true,
    value: cockcroftGault(scrMgDl(scr)!, age!, weight!, female),
    measure,
    how: 'Cockcroft–Gault from serum creatinine, age, weight, sex',
    facts,
  };
}
