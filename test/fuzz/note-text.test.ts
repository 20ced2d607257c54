import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { isMedSeekError } from '../../src/core/index.js';
import { extractFacts } from '../../src/nlp/index.js';
import { reportCases, RUNS, settings, TIMEOUT } from './support.js';

/**
 * Generated note text at the NLP extractor: it returns facts whose spans lie inside the text, or
 * refuses the text with a MedSeekError saying why (empty, binary, mis-encoded); it never throws
 * anything else, and no input of a few hundred characters takes pathological time.
 */
const FRAGMENTS = [
  '咳嗽三天',
  '发热',
  '体温38.5℃',
  '否认胸痛',
  '无咳嗽',
  '入院第3天',
  '3天前',
  '家族史：父亲高血压',
  'T 38.5',
  'BP 120/80 mmHg',
  'HR 88',
  'no fever',
  'denies chest pain',
  '2 weeks ago',
  'hospital day 3',
  'aspirin 100 mg po qd',
  '阿司匹林 100mg 每日一次',
  'K 6.8 mmol/L',
  '主诉：',
  'HPI:',
  '\n',
  '。',
  ', ',
  ' ',
  '1',
  '-',
  '/',
  '(',
  ')',
  '：',
  '::',
  '%',
  '℃',
  '..',
  '？',
  'possible pneumonia',
  '可能肺炎',
];

const piece = fc.oneof(
  { weight: 6, arbitrary: fc.constantFrom(...FRAGMENTS) },
  { weight: 2, arbitrary: fc.string({ maxLength: 20 }) },
  { weight: 1, arbitrary: fc.string({ unit: 'binary', maxLength: 10 }) },
  {
    weight: 1,
    arbitrary: fc.constantFrom(
      '\u0000',
      '\u0001\u0002\u0003',
      '\ufffd',
      'Ã©',
      '\ud800',
      '\u202e',
      '\t\t',
      ' '.repeat(50),
      '9'.repeat(40),
      '.'.repeat(60),
    ),
  },
);

const options = fc.record(
  {
    lang: fc.constantFrom<'zh' | 'en' | 'auto'>('zh', 'en', 'auto'),
    anchorDate: fc.oneof(fc.constant('2026-03-01'), fc.constant('2026-03-01T10:00:00Z'), fc.string({ maxLength: 12 })),
    admissionDate: fc.oneof(fc.constant('2026-02-20'), fc.string({ maxLength: 12 })),
    speech: fc.constantFrom<'clinical' | 'patient'>('clinical', 'patient'),
  },
  { requiredKeys: [] },
);

describe('fuzz: note text', () => {
  it(
    `the extractor returns facts or refuses with a reason, never throws otherwise (${RUNS} cases)`,
    () => {
      let cases = 0;
      let slowest = 0;
      extractFacts('咳嗽三天'); // the first call builds the lexicon: not an input's cost
      fc.assert(
        fc.property(fc.array(piece, { maxLength: 25 }), options, (pieces, opts) => {
          cases++;
          const text = pieces.join('');
          const start = performance.now();
          try {
            const out = extractFacts(text, opts);
            for (const f of out.facts) {
              for (const s of f.sources) {
                if (s.kind === 'text') {
                  expect(s.start).toBeGreaterThanOrEqual(0);
                  expect(s.end).toBeLessThanOrEqual(text.length);
                }
              }
            }
          } catch (e) {
            expect(isMedSeekError(e), String(e)).toBe(true);
            if (isMedSeekError(e)) expect(['invalid', 'encoding', 'too-large']).toContain(e.code);
          }
          slowest = Math.max(slowest, performance.now() - start);
        }),
        settings(),
      );
      reportCases('note text (NLP extractor)', cases);
      console.log(`fuzz: note text: slowest input took ${slowest.toFixed(1)} ms`);
      // A guard against catastrophic backtracking, far above the normal cost (a few ms at most).
      expect(slowest).toBeLessThan(2000);
    },
    TIMEOUT,
  );
});
