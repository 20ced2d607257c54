import { describe, expect, it } from 'vitest';
import type { Fact } from '../../core/index.js';
import { CodeSystems } from '../../core/index.js';
import { diagnosedDiseases, whoIcd10 } from './diagnosed.js';
import type { CausalModel } from './model.js';
import { compileNetwork } from './network.js';

const src = (e: string) => ({ kind: 'knowledge' as const, edgeId: e, authority: { name: 'test' } });
const model: CausalModel = {
  id: 'diagnosed-test',
  diseases: [
    {
      id: 'af',
      name: { en: 'Atrial fibrillation', zh: '心房颤动' },
      prior: 0.01,
      coding: { system: CodeSystems.icd10, code: 'I48.91' },
    },
    { id: 'ua', name: { en: 'Unstable angina', zh: '不稳定型心绞痛' }, prior: 0.01 },
    { id: 'sa', name: { en: 'Stable angina', zh: '稳定型心绞痛' }, prior: 0.01 },
    { id: 'ckd', name: { en: 'CKD', zh: '慢性肾衰竭' }, prior: 0.01 },
    { id: 'urti', name: { en: 'URTI', zh: '上呼吸道感染' }, prior: 0.01 },
  ],
  findings: [{ id: 'f', name: { en: 'f' }, kind: 'symptom', leak: 0.01 }],
  edges: [{ kind: 'causes', from: 'af', to: 'f', probability: 0.5, source: src('e') }],
};
const net = compileNetwork(model);
const condition = (id: string, concept: Fact['concept'], extra: Partial<Fact> = {}): Fact => ({
  id,
  patientId: 'p',
  category: 'condition',
  concept,
  assertion: 'present',
  subject: { who: 'patient' },
  sources: [{ kind: 'resource', resourceType: 'Condition', id }],
  ...extra,
});

describe('diseases the record already diagnoses', () => {
  it('reads ICD-10 国家临床版 codes at their WHO level', () => {
    expect(whoIcd10('I50.900')).toBe('I50.9');
    expect(whoIcd10('I48.x01')).toBe('I48');
    expect(whoIcd10('J18.900x001')).toBe('J18.9');
    expect(whoIcd10('I48.91')).toBe('I48.91');
  });

  it('matches by ICD-10 code, by the 国家临床版 unspecified code of the category, and by name', () => {
    const codings = new Map([['ckd', [{ system: CodeSystems.icd10cn, code: 'N18.900' }]]]);
    const facts = [
      condition('c1', {
        system: CodeSystems.snomed,
        code: '4557003',
        display: 'Unstable angina',
        displayZh: '冠状动脉粥样硬化性心脏病 不稳定型心绞痛',
      }),
      condition('c2', { system: CodeSystems.icd10, code: 'N18.3', displayZh: '慢性肾脏病3b期' }),
      condition('c3', { system: CodeSystems.icd10, code: 'I48.91', displayZh: '房颤' }),
    ];
    const d = diagnosedDiseases(net, facts, codings);
    // 不稳定型心绞痛 contains 稳定型心绞痛: the longer name is the mention, stable angina is not diagnosed.
    expect([...d.keys()].sort()).toEqual(['af', 'ckd', 'ua']);
    expect(d.get('ua')).toEqual([{ kind: 'resource', resourceType: 'Condition', id: 'c1' }]);
  });

  it('does not count a condition mentioned in the history, a negated or a family one', () => {
    const text = (id: string, section: string, extra: Partial<Fact> = {}) =>
      condition(
        id,
        { system: CodeSystems.snomed, code: '54150009', displayZh: '上呼吸道感染' },
        { sources: [{ kind: 'text', document: 'n', start: 0, end: 2, quote: '感冒' }], section, ...extra },
      );
    expect(diagnosedDiseases(net, [text('h', 'hpi')]).size).toBe(0);
    expect(diagnosedDiseases(net, [text('a', 'assessment', { assertion: 'absent' })]).size).toBe(0);
    expect(
      diagnosedDiseases(net, [text('f', 'discharge_diagnosis', { subject: { who: 'family' } as Fact['subject'] })])
        .size,
    ).toBe(0);
    expect([...diagnosedDiseases(net, [text('d', 'discharge_diagnosis')]).keys()]).toEqual(['urti']);
  });
});
