import { describe, expect, it } from 'vitest';
import {
  cdsAuthority,
  cdsRules,
  drugsInSet,
  findCdsDrug,
  interactionsBetween,
  renalBandContains,
  thresholdBreached,
} from './cds-rules.js';

describe('CDS starter rules (cds-rules.md v0.1)', () => {
  const rules = cdsRules();

  it('has the counts the document states (5 process rules, 17 threshold rows, 24 DDIs, 9 renal, 10 PGx) and the DDIs added since', () => {
    expect(rules.criticalValues.processRules).toHaveLength(5);
    // 16 analytes plus the qualitative row.
    expect(rules.criticalValues.analytes.length + 1).toBe(17);
    // The document's 24, then DDI25 (clopidogrel + omeprazole/esomeprazole, from the labels; issue 16).
    expect(rules.interactions.map((r) => r.id)).toEqual(
      Array.from({ length: 25 }, (_, i) => `DDI${String(i + 1).padStart(2, '0')}`),
    );
    expect(rules.renal).toHaveLength(9);
    expect(rules.pharmacogenomics).toHaveLength(10);
  });

  it('marks exactly the 15 ONC high-priority pairs, numbered 1 to 15', () => {
    const onc = rules.interactions.filter((r) => r.highPriority);
    expect(onc.map((r) => r.id)).toEqual(Array.from({ length: 15 }, (_, i) => `DDI${String(i + 1).padStart(2, '0')}`));
    expect(onc.map((r) => r.onc).sort((a, b) => (a ?? 0) - (b ?? 0))).toEqual(
      Array.from({ length: 15 }, (_, i) => i + 1),
    );
    for (const r of onc) expect(r.sources).toContain('ONC');
  });

  it('finds warfarin + ibuprofen as an interruptive S1 bleeding risk, in either order', () => {
    const found = interactionsBetween(rules, 'ibuprofen', 'warfarin');
    expect(found.map((r) => r.id)).toEqual(['DDI16']);
    expect(found[0]?.interruptive).toBe(true);
    expect(interactionsBetween(rules, 'warfarin', 'ibuprofen').map((r) => r.id)).toEqual(['DDI16']);
  });

  it('fires the QT rule for two QT prolongers but not for one drug with itself', () => {
    expect(interactionsBetween(rules, 'amiodarone', 'levofloxacin').map((r) => r.id)).toContain('DDI10');
    expect(interactionsBetween(rules, 'amiodarone', 'amiodarone')).toEqual([]);
  });

  it('finds simvastatin + clarithromycin under both the ONC rule and the statin myopathy rule only where it names them', () => {
    const ids = interactionsBetween(rules, 'simvastatin', 'clarithromycin').map((r) => r.id);
    expect(ids).toContain('DDI14');
    expect(ids).not.toContain('DDI21');
  });

  it('expands classes to their members', () => {
    const maoi = drugsInSet(rules, { classes: ['maoi'] });
    expect([...maoi].sort()).toEqual(['isocarboxazid', 'phenelzine', 'rasagiline', 'selegiline', 'tranylcypromine']);
  });

  it('looks drugs up by id, English or Chinese name, bracketed synonym, ATC and RxNorm, and never guesses', () => {
    expect(findCdsDrug(rules, '华法林')?.id).toBe('warfarin');
    expect(findCdsDrug(rules, 'Warfarin')?.id).toBe('warfarin');
    expect(findCdsDrug(rules, 'B01AA03')?.id).toBe('warfarin');
    expect(findCdsDrug(rules, '11289')?.id).toBe('warfarin');
    expect(findCdsDrug(rules, 'pethidine')?.id).toBe('meperidine');
    expect(findCdsDrug(rules, 'warfar')).toBeUndefined();
    // Ids from before the two drug tables were reconciled still resolve.
    expect(findCdsDrug(rules, 'rifampin')?.id).toBe('rifampicin');
    expect(findCdsDrug(rules, 'cyclosporine')?.id).toBe('ciclosporin');
    expect(findCdsDrug(rules, '丙咪嗪')?.id).toBe('imipramine');
  });

  it('keeps the kidney-function measure each source uses', () => {
    const measure = Object.fromEntries(rules.renal.map((r) => [r.id, r.function.measure]));
    expect(measure).toEqual({
      RD01: 'eGFR',
      RD02: 'CrCl',
      RD03: 'CrCl',
      RD04: 'CrCl',
      RD05: 'CrCl',
      RD06: 'eGFR',
      RD07: 'CrCl',
      RD08: 'CrCl',
      RD09: 'GFR',
    });
    for (const r of rules.renal) if (r.function.measure === 'CrCl') expect(r.function.method).toBe('Cockcroft-Gault');
  });

  it('places metformin eGFR values in the right bands', () => {
    const metformin = rules.renal.find((r) => r.id === 'RD01')!;
    const contraindicated = metformin.bands.find((b) => b.action === 'contraindicated')!;
    const doNotStart = metformin.bands.find((b) => b.action === 'do-not-start')!;
    expect(renalBandContains(contraindicated, 29.9)).toBe(true);
    expect(renalBandContains(contraindicated, 30)).toBe(false);
    expect(renalBandContains(doNotStart, 30)).toBe(true);
    expect(renalBandContains(doNotStart, 45)).toBe(false);
  });

  it('honours threshold inclusivity: potassium ≤2.8 fires at 2.8, ionized calcium <0.78 does not fire at 0.78', () => {
    const k = rules.criticalValues.analytes
      .find((a) => a.id === 'CV-K')!
      .thresholds.find((t) => t.direction === 'low')!;
    const ica = rules.criticalValues.analytes
      .find((a) => a.id === 'CV-iCa')!
      .thresholds.find((t) => t.direction === 'low')!;
    expect(thresholdBreached(k, 2.8)).toBe(true);
    expect(thresholdBreached(k, 2.81)).toBe(false);
    expect(thresholdBreached(ica, 0.78)).toBe(false);
    expect(thresholdBreached(ica, 0.77)).toBe(true);
  });

  it('gives every threshold a population, specimen and UCUM unit, and leaves troponin off by default', () => {
    for (const a of rules.criticalValues.analytes) {
      expect(a.specimen).toBeTruthy();
      expect(a.ucum).toBeTruthy();
      for (const t of a.thresholds) expect(t.population).toBeTruthy();
    }
    const trop = rules.criticalValues.analytes.find((a) => a.id === 'CV-Trop')!;
    expect(trop.enabledByDefault).toBe(false);
    expect(trop.thresholds).toEqual([]);
  });

  it('flags the pre-test PGx rules (abacavir, rasburicase) and only those', () => {
    expect(rules.pharmacogenomics.filter((p) => p.pretest).map((p) => p.id)).toEqual(['PGx09', 'PGx10']);
  });

  it('resolves every source id to an authority', () => {
    expect(cdsAuthority(rules, 'Beers2023').name).toBe('American Geriatrics Society');
    expect(() => cdsAuthority(rules, 'nope')).toThrow(/unknown CDS source/);
  });
});
