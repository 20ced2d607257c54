import { describe, expect, it } from 'vitest';
import { allergy, draft, state } from '../__fixtures__/build.js';
import { evaluateRules } from '../rule.js';
import { ALLERGY_RULES } from './allergy.js';

const ids = (facts: Parameters<typeof state>[0]) =>
  evaluateRules(state(facts), ALLERGY_RULES).map((r) => `${r.ruleId}:${r.conclusion.severity}`);

describe('drug–allergy', () => {
  it('ALG01 fires when the ordered drug is the allergen', () => {
    expect(ids([allergy('Allergy to amoxicillin'), draft('Amoxicillin 500 MG Oral Capsule')])).toEqual(['ALG01:high']);
  });
  it('ALG01 does not fire for an unrelated drug', () => {
    expect(ids([allergy('Allergy to amoxicillin'), draft('Azithromycin 250 MG Oral Tablet')])).toEqual([]);
  });
  it('ALG02 fires for a drug of the allergen class (penicillin allergy → amoxicillin)', () => {
    expect(ids([allergy('青霉素过敏'), draft('阿莫西林胶囊')])).toEqual(['ALG02:high']);
  });
  it('ALG02 does not fire when the allergy is resolved or refuted', () => {
    expect(
      ids([allergy('Penicillin allergy', { status: 'refuted' }), draft('Amoxicillin 500 MG Oral Capsule')]),
    ).toEqual([]);
    expect(
      ids([allergy('Penicillin allergy', { assertion: 'absent' }), draft('Amoxicillin 500 MG Oral Capsule')]),
    ).toEqual([]);
  });
  it('ALG03 warns on a cross-reactive class (penicillin allergy → cephalosporin) at moderate severity', () => {
    const out = evaluateRules(
      state([allergy('Allergy to penicillin'), draft('Ceftriaxone 1 G Injection')]),
      ALLERGY_RULES,
    );
    expect(out.map((r) => r.ruleId)).toEqual(['ALG03']);
    expect(out[0]!.conclusion.evidence.map((e) => e.factId).filter(Boolean)).toHaveLength(2);
  });
  it('ALG03 does not fire for a sulfonamide allergy and a cephalosporin', () => {
    expect(ids([allergy('磺胺类药物过敏'), draft('Ceftriaxone 1 G Injection')])).toEqual([]);
  });
});
