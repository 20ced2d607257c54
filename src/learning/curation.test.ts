import { expect, it } from 'vitest';
import { forEachBackend } from '../../test/support/backends.js';
import { CodeSystems } from '../core/index.js';
import { type CorrectedFact, CurationCandidates, candidatesOf } from './curation.js';
import { parseFeedback } from './feedback.js';

const chestPain = { system: CodeSystems.snomed, code: '29857009', display: 'Chest pain', displayZh: '胸痛' };
const heartburn = { system: CodeSystems.snomed, code: '16331000', display: 'Heartburn' };
/** 烧心 read as chest pain, and 否认 … read as present: two corrections of one fact. */
const corrected = (feedbackId: string, extra: Partial<CorrectedFact> = {}): CorrectedFact => ({
  feedbackId,
  category: 'finding',
  concept: chestPain,
  assertion: 'present',
  quote: '烧心',
  span: 'DocumentReference/9[10,12)',
  correctedConcept: heartburn,
  ...extra,
});

it('a fact correction names the right concept or assertion', () => {
  const base = { targetKind: 'fact', targetId: 'f1', verdict: 'correct', reason: 'wrong', correction: 'heartburn' };
  expect(() => parseFeedback(base, 'dr.li')).toThrow(/field context/);
  expect(() => parseFeedback({ ...base, context: { concept: { code: 'x' } } }, 'dr.li')).toThrow(/context.concept/);
  expect(() => parseFeedback({ ...base, context: { assertion: 'maybe' } }, 'dr.li')).toThrow(/context.assertion/);
  expect(parseFeedback({ ...base, context: { assertion: 'absent', cue: '否认' } }, 'dr.li').context).toEqual({
    assertion: 'absent',
    cue: '否认',
  });
});

it('proposes a lexicon candidate for a wrong concept and a cue candidate for a wrong assertion, not for no change', () => {
  expect(candidatesOf(corrected('1', { correctedAssertion: 'absent', cue: '否认' }))).toEqual([
    { kind: 'lexicon', term: '烧心', target: JSON.stringify({ ...heartburn }), category: 'finding' },
    { kind: 'assertion-cue', term: '否认', target: 'absent' },
  ]);
  expect(candidatesOf(corrected('1', { correctedConcept: chestPain, correctedAssertion: 'present' }))).toEqual([]);
});

forEachBackend('curation candidates', (db) => {
  it('counts corrections once each, keeps their spans, and exports only what an administrator accepted', async () => {
    const store = new CurationCandidates(db());
    const [lex] = await store.record(corrected('1'));
    await store.record(corrected('1'));
    await store.record(corrected('2', { span: 'DocumentReference/10[3,5)' }));
    const [cue] = await store.record(
      corrected('3', {
        correctedConcept: undefined,
        correctedAssertion: 'absent',
        cue: '否认',
        cueDirection: 'forward',
      }),
    );
    await store.record(
      corrected('4', {
        assertion: 'absent',
        correctedConcept: undefined,
        correctedAssertion: 'present',
        cue: '无明显',
      }),
    );
    const listed = await store.list();
    expect(listed.map((c) => [c.kind, c.term, c.corrections])).toEqual([
      ['lexicon', '烧心', 2],
      expect.arrayContaining(['assertion-cue']),
      expect.arrayContaining(['assertion-cue']),
    ]);
    expect(listed[0]!.spans.map((s) => s.span)).toEqual(['DocumentReference/9[10,12)', 'DocumentReference/10[3,5)']);
    expect(listed[0]).toMatchObject({ lang: 'zh', target: heartburn, status: 'candidate' });

    expect((await store.exportAccepted()).lexicon).toEqual([]);
    await store.decide(lex!, 'accepted', 'admin');
    await store.decide(cue!, 'accepted', 'admin');
    const rejected = listed.find((c) => c.term === '无明显')!;
    expect(await store.decide(rejected.id, 'rejected', 'admin')).toMatchObject({
      status: 'rejected',
      decidedBy: 'admin',
    });
    const out = await store.exportAccepted();
    expect(out.lexicon).toEqual([{ term: '烧心', lang: 'zh', concept: heartburn, category: 'finding' }]);
    expect(out.lexiconTsv).toBe('finding\tsnomed:16331000\tHeartburn\t\t\t烧心\t');
    expect(out.contextTsv).toBe('否认\tNEGATED_EXISTENCE\tforward');
    await expect(store.decide('nope', 'accepted', 'admin')).rejects.toThrow(/no curation candidate/);
  });
});
