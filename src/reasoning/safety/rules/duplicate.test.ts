import { describe, expect, it } from 'vitest';
import { draft, med, state } from '../__fixtures__/build.js';
import { evaluateRules } from '../rule.js';
import { DUPLICATE_RULES } from './duplicate.js';

const run = (facts: Parameters<typeof state>[0]) => evaluateRules(state(facts), DUPLICATE_RULES).map((r) => r.ruleId);

describe('duplicate therapy', () => {
  it('DUP01 fires on the same ingredient ordered twice', () => {
    expect(run([med('Omeprazole 20 MG Oral Capsule'), draft('奥美拉唑肠溶胶囊')])).toEqual(['DUP01']);
  });
  it('DUP01 does not fire on different ingredients', () => {
    expect(run([med('Omeprazole 20 MG Oral Capsule'), draft('Metformin 500 MG Oral Tablet')])).toEqual([]);
  });
  it('DUP02 fires on two statins', () => {
    expect(run([med('Atorvastatin 20 MG Oral Tablet'), draft('Rosuvastatin 10 MG Oral Tablet')])).toEqual(['DUP02']);
  });
  it('DUP02 does not fire on dual antiplatelet therapy', () => {
    expect(run([med('Aspirin 81 MG Oral Tablet'), draft('Clopidogrel 75 MG Oral Tablet')])).toEqual([]);
  });
  it('DUP03 fires on an ACE inhibitor with an ARB', () => {
    expect(run([med('Lisinopril 10 MG Oral Tablet'), draft('Valsartan 80 MG Oral Tablet')])).toEqual(['DUP03']);
  });
  it('DUP03 does not fire on an ACE inhibitor with a calcium-channel blocker', () => {
    expect(run([med('Lisinopril 10 MG Oral Tablet'), draft('Amlodipine 5 MG Oral Tablet')])).toEqual([]);
  });
});
