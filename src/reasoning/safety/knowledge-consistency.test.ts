import { describe, expect, it } from 'vitest';
import { cdsRules } from '../../knowledge/index.js';
import { CV_SPECS } from './rules/critical-values.js';
import { DDI_SPECS } from './rules/ddi.js';
import { PGX_SPECS } from './rules/pgx.js';
import { RENAL_SPECS } from './rules/renal.js';
import { toSi } from './units.js';

/**
 * The safety rules carry their predicates in TypeScript; the knowledge stage transcribes the same
 * document (cds-rules.md) into data (`cdsRules()`). These tests keep the two in step: same rule ids,
 * severities, ONC numbers, renal measures and critical thresholds.
 */
describe('safety rules agree with the knowledge transcription of cds-rules.md', () => {
  const k = cdsRules();

  it('has the same 24 interactions with the same severity and ONC item numbers', () => {
    const mine = DDI_SPECS.map((s) => [s.id, s.sev, s.onc ?? null]);
    const theirs = k.interactions.map((r) => [r.id, r.severity, r.onc ?? null]);
    expect(mine).toEqual(theirs);
  });

  it('uses the renal measure each source names (GFR left to the hospital)', () => {
    const measure = { eGFR: 'egfr', CrCl: 'crcl', GFR: 'choose' } as const;
    expect(RENAL_SPECS.map((s) => [s.id, s.measure])).toEqual(k.renal.map((r) => [r.id, measure[r.function.measure]]));
  });

  it('has the same 10 CPIC rules, with pre-test prompts for the same drugs', () => {
    expect(PGX_SPECS.map((s) => s.id)).toEqual(k.pharmacogenomics.map((r) => r.id));
  });

  it('uses the same adult critical thresholds (value, side, inclusivity) in SI units', () => {
    const ids: Record<string, string> = { 'CV-K': 'CV-K', 'CV-NA': 'CV-Na', 'CV-GLU': 'CV-Glu', 'CV-CA': 'CV-Ca', 'CV-ICA': 'CV-iCa', 'CV-HB': 'CV-Hb', 'CV-PLT': 'CV-Plt', 'CV-WBC': 'CV-WBC', 'CV-INR': 'CV-INR', 'CV-APTT': 'CV-APTT', 'CV-FIB': 'CV-Fib', 'CV-PH': 'CV-pH', 'CV-PCO2': 'CV-pCO2', 'CV-PO2': 'CV-pO2', 'CV-TNI': 'CV-Trop', 'CV-CREA': 'CV-Cr' };
    for (const spec of CV_SPECS) {
      const theirs = k.criticalValues.analytes.find((a) => a.id === ids[spec.id]);
      expect(theirs, spec.id).toBeDefined();
      const adultTheirs = theirs!.thresholds.filter((t) => t.population === 'adult').map((t) => [t.direction, t.inclusive, Math.round(toSi(spec.analyte, t.value, theirs!.ucum) * 1000) / 1000]);
      const adult = spec.thresholds.find((t) => t.population === 'adult');
      const adultMine = (['low', 'high'] as const).flatMap((side) => (adult?.[side] ? [[side, adult[side]!.inclusive, Math.round(toSi(spec.analyte, adult[side]!.value, adult[side]!.unit) * 1000) / 1000]] : []));
      // Troponin: the knowledge file keeps no default (assay-specific); MedSeek ships the ARUP cTnI limit, off by default.
      if (spec.id === 'CV-TNI') expect(adultTheirs).toEqual([]);
      else expect(adultMine, spec.id).toEqual(adultTheirs);
    }
  });
});
