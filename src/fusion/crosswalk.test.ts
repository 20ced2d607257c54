import type { Condition } from 'fhir/r4.js';
import { describe, expect, it } from 'vitest';
import { allFacts, CodeSystems, type LexiconEntry } from '../core/index.js';
import * as en from './__fixtures__/en-patient.js';
import { noteFact } from './__fixtures__/note-facts.js';
import { Crosswalk } from './crosswalk.js';
import type { AnyResource } from './fhir.js';
import { fuse } from './fuse.js';

const htn = {
  system: CodeSystems.snomed,
  code: '38341003',
  display: 'Hypertension',
  displayZh: '高血压',
  codings: [{ system: CodeSystems.icd10, code: 'I10' }],
};
const lexicon: LexiconEntry[] = [
  { term: 'hypertension', lang: 'en', concept: htn, category: 'condition' },
  { term: '高血压', lang: 'zh', concept: htn, category: 'condition' },
  { term: '高血压病', lang: 'zh', concept: htn, category: 'condition' },
  { term: '原发性高血压', lang: 'zh', concept: htn, category: 'condition' },
];

describe('Crosswalk', () => {
  const cw = new Crosswalk(lexicon);

  it('adds the equivalent codes and the other language’s name, keeping the primary coding', () => {
    const c = cw.enrich({ system: CodeSystems.icd10cn, code: 'I10.x00', displayZh: '高血压病' }, 'condition');
    expect(c.system).toBe(CodeSystems.icd10cn);
    expect(c.display).toBe('Hypertension');
    expect(c.codings?.map((x) => `${x.system}|${x.code}`)).toEqual([
      `${CodeSystems.snomed}|38341003`,
      `${CodeSystems.icd10}|I10`,
    ]);
  });

  it('leaves a concept it does not know unchanged', () => {
    const c = { system: CodeSystems.snomed, code: '1', display: 'Something else' };
    expect(cw.enrich(c, 'condition')).toBe(c);
  });

  it('lets fusion merge a Chinese-coded condition with a note fact coded in SNOMED CT', () => {
    const cond = {
      resourceType: 'Condition',
      id: 'c-cn',
      clinicalStatus: { coding: [{ code: 'active' }] },
      code: { coding: [{ system: CodeSystems.icd10cn, code: 'I10.x00', display: '原发性高血压' }] },
      subject: { reference: 'Patient/p1' },
    } satisfies Condition;
    const note = noteFact('高血压病史', '高血压', {
      id: 'n1',
      category: 'condition',
      concept: { system: CodeSystems.snomed, code: '38341003', displayZh: '高血压' },
    });
    const without = fuse(en.patient, [en.patient, cond] as unknown as AnyResource[], [note], { at: '2024-01-01' });
    expect(allFacts(without)).toHaveLength(2);
    const withCw = fuse(en.patient, [en.patient, cond] as unknown as AnyResource[], [note], {
      at: '2024-01-01',
      crosswalk: cw,
    });
    expect(allFacts(withCw)).toHaveLength(1);
    expect(allFacts(withCw)[0]?.sources.map((s) => s.kind)).toEqual(['resource', 'text']);
  });
});
