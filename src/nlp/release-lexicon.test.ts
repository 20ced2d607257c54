import { describe, expect, it } from 'vitest';
import { CodeSystems, type LexiconEntry, type LexiconSnapshot } from '../core/index.js';
import { builtinLexicon } from './builtin-lexicon.js';
import { extractFacts } from './extract.js';
import { overlayLexicon, releaseLexicon } from './release-lexicon.js';

/** A small release as KnowledgeGraph.exportLexicon gives it: names and synonyms, the MedSeek id among the codings. */
function concept(id: string, en: string, zh: string, codes: { system: string; code: string }[] = []) {
  const own = { system: CodeSystems.medseek, code: id, display: en, displayZh: zh };
  const [primary, ...rest] = codes.map((c) => ({ ...c, display: en, displayZh: zh }));
  return primary ? { ...primary, codings: [own, ...rest] } : { ...own, codings: [own] };
}
const cva = concept('local:disease:cough-variant-asthma', 'cough variant asthma', '咳嗽变异性哮喘', [
  { system: CodeSystems.icd10cn, code: 'J45.991' },
]);
const orthopnea = concept('local:finding:orthopnea', 'orthopnea', '端坐呼吸');
const oppression = concept('local:finding:chest-oppression', 'chest oppression', '胸闷');
const raisedTemp = concept('local:finding:raised-temperature', 'raised body temperature', '体温升高', [
  { system: CodeSystems.snomed, code: '386661006' },
]);
const entries: LexiconEntry[] = [
  { term: '咳嗽变异性哮喘', lang: 'zh', concept: cva, category: 'condition' },
  { term: '过敏性咳嗽', lang: 'zh', concept: cva, category: 'condition' },
  { term: 'cough variant asthma', lang: 'en', concept: cva, category: 'condition' },
  { term: '端坐呼吸', lang: 'zh', concept: orthopnea, category: 'finding' },
  { term: '不能平卧', lang: 'zh', concept: orthopnea, category: 'finding' },
  { term: 'orthopnea', lang: 'en', concept: orthopnea, category: 'finding' },
  { term: 'orthopnoea', lang: 'en', concept: orthopnea, category: 'finding' },
  { term: '胸闷', lang: 'zh', concept: oppression, category: 'finding' },
  { term: '胸闷气短', lang: 'zh', concept: oppression, category: 'finding' },
  { term: '体温升高', lang: 'zh', concept: raisedTemp, category: 'finding' },
  { term: '痛', lang: 'zh', concept: oppression, category: 'finding' },
  { term: '12', lang: 'en', concept: oppression, category: 'finding' },
];
const snapshot: LexiconSnapshot = { releaseId: 7, digest: 'fixture', entries };

const read = (text: string, lang: 'zh' | 'en' = 'zh') =>
  extractFacts(text, { lang, lexicon: releaseLexicon(snapshot) }).facts.map((f) => ({
    quote: f.sources[0]?.kind === 'text' ? f.sources[0].quote : '',
    code: f.concept.code,
    assertion: f.assertion,
  }));

describe('the release lexicon under the built-in overlay', () => {
  it("extracts a release's names and synonyms (zh and en) as the release's concepts", () => {
    expect(read('患者夜间不能平卧，诊断咳嗽变异性哮喘。')).toEqual([
      { quote: '不能平卧', code: 'local:finding:orthopnea', assertion: 'present' },
      { quote: '咳嗽变异性哮喘', code: 'J45.991', assertion: 'present' },
    ]);
    expect(read('Reports orthopnoea; history of cough variant asthma.', 'en').map((f) => f.code)).toEqual([
      'local:finding:orthopnea',
      'J45.991',
    ]);
    // the built-in list alone knows neither
    expect(extractFacts('患者夜间不能平卧', { lang: 'zh' }).facts).toEqual([]);
  });

  it('negation, history and family context apply to release terms as to built-in ones', () => {
    expect(read('否认端坐呼吸。无过敏性咳嗽。')).toEqual([
      { quote: '端坐呼吸', code: 'local:finding:orthopnea', assertion: 'absent' },
      { quote: '过敏性咳嗽', code: 'J45.991', assertion: 'absent' },
    ]);
    expect(read('Denies orthopnea.', 'en')[0]).toMatchObject({ assertion: 'absent' });
    expect(read('既往有咳嗽变异性哮喘。')[0]).toMatchObject({ assertion: 'historical' });
    expect(read('家族史：母亲有咳嗽变异性哮喘。')[0]).toMatchObject({ assertion: 'family' });
  });

  it('the curated list wins: its own terms, its concepts for shared codes, and terms that only join its terms', () => {
    // 胸闷 is the built-in chest tightness, not the release's concept of the same name
    expect(read('胸闷3天')[0]).toMatchObject({ quote: '胸闷', code: '23924001' });
    // 胸闷气短 is 胸闷 + 气短 (both curated): read as the two built-in findings
    expect(read('胸闷气短')).toEqual([
      { quote: '胸闷', code: '23924001', assertion: 'present' },
      { quote: '气短', code: '267036007', assertion: 'present' },
    ]);
    // a release concept with the built-in Fever's SNOMED code is the built-in concept
    expect(read('体温升高2天')[0]).toMatchObject({ quote: '体温升高', code: '386661006' });
    // a longer release name that adds words of its own is more specific than the curated term inside it
    expect(read('过敏性咳嗽')[0]).toMatchObject({ code: 'J45.991' });
    // one character and number-only terms are never matched
    expect(read('疼痛12处').map((f) => f.quote)).toEqual(['疼痛']);
  });

  it('is built once per digest of the names, and falls back to the built-in list without a snapshot', () => {
    // (identity compared as booleans: a failing toBe would print the whole automaton)
    const a = releaseLexicon(snapshot);
    expect(releaseLexicon({ ...snapshot }) === a).toBe(true);
    expect(releaseLexicon({ ...snapshot, digest: 'other' }) === a).toBe(false);
    // a later release with the same names (a curation edit of relations) shares the automaton
    expect(releaseLexicon({ ...snapshot, releaseId: 8 }) === a).toBe(true);
    expect(releaseLexicon(undefined) === builtinLexicon()).toBe(true);
    expect(a.size).toBeGreaterThan(builtinLexicon().size);
  });

  it('keeps the built-in entries and their ids first', () => {
    const lex = overlayLexicon(entries);
    expect(lex.entries.slice(0, builtinLexicon().entries.length)).toEqual(builtinLexicon().entries);
    expect(lex.lookup('胸闷').map((e) => e.concept.code)).toEqual(['23924001']);
    expect(lex.lookup('体温升高').map((e) => e.concept.code)).toEqual(['386661006']);
  });
});

describe('胸闷 in the built-in lexicon', () => {
  it('is chest tightness, its own concept, not chest pain', () => {
    const facts = extractFacts('胸闷、胸痛2天，无心悸', { lang: 'zh' }).facts;
    expect(facts.map((f) => [f.concept.code, f.concept.display, f.assertion])).toEqual([
      ['23924001', 'Chest tightness', 'present'],
      ['29857009', 'Chest pain', 'present'],
      ['80313002', 'Palpitations', 'absent'],
    ]);
    expect(extractFacts('Complains of chest tightness.', { lang: 'en' }).facts[0]?.concept.code).toBe('23924001');
  });
});
