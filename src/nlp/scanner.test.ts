import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { CodeSystems, type LexiconEntry } from '../core/index.js';
import { AhoCorasick, type Hit, selectLongest } from './aho-corasick.js';
import { builtinLexicon } from './builtin-lexicon.js';
import { type ContextRule, contextMatcher, type Speech } from './context.js';
import type { NlpLang } from './language.js';
import type { Lexicon } from './lexicon.js';
import { overlayLexicon } from './release-lexicon.js';
import { scanNote } from './scanner.js';
import { sectionHeadings } from './sections.js';

const fixture = (name: string) => readFileSync(new URL(`./__fixtures__/${name}`, import.meta.url), 'utf8');

const texts: [NlpLang, string][] = [
  ['zh', fixture('admission-zh.txt')],
  ['en', fixture('discharge-en.txt')],
  ['zh', '既往史：否认高血压，糖尿病病史，无咳嗽咳痰，不发烧，好像有点胸闷。'],
  ['en', "HISTORY: No fever, chills, or cough. I don't have chest pain; NKDA. Denies orthopnea."],
];

/** What the one combined pass must equal: each kind's own automaton, as separate passes would find it. */
function separately(text: string, lexicon: Lexicon, lang: NlpLang, speech: Speech) {
  const triggers = new AhoCorasick<ContextRule>();
  for (const rule of contextMatcher(lang, speech).rules) triggers.add(rule.trigger, rule);
  const headings = new AhoCorasick<string>();
  for (const [heading, key] of sectionHeadings()) headings.add(heading, key);
  // one rule per span: the first of a set's rules with the same folded trigger (`，` before `,`)
  const seen = new Set<string>();
  const firstPerSpan = (h: Hit<ContextRule>) => {
    const key = `${h.start}:${h.end}`;
    if (seen.has(key)) return false;
    seen.add(key);
    return true;
  };
  return {
    concepts: lexicon.match(text),
    triggers: triggers
      .findAll(text)
      .filter(firstPerSpan)
      .map((h) => ({ rule: h.value, start: h.start, end: h.end })),
    headings: selectLongest(headings.build().findAll(text)),
  };
}

const release: LexiconEntry[] = [
  {
    term: '咳嗽咳痰',
    lang: 'zh',
    concept: { system: CodeSystems.medseek, code: 'test:cough-sputum', display: 'productive cough' },
    category: 'finding',
  },
  {
    term: 'chest pain on exertion',
    lang: 'en',
    concept: { system: CodeSystems.medseek, code: 'test:angina', display: 'exertional chest pain' },
    category: 'finding',
  },
];

describe('scanNote: terms, triggers and headings in one pass', () => {
  for (const [name, lexicon] of [
    ['built-in lexicon', builtinLexicon()],
    ['release under the curated overlay', overlayLexicon(release)],
  ] as const)
    for (const speech of ['clinical', 'patient'] as const)
      it(`finds what separate passes find (${name}, ${speech} speech)`, () => {
        for (const [lang, text] of texts) {
          const scan = scanNote(text, lexicon, lang, speech);
          const expected = separately(text, lexicon, lang, speech);
          expect(scan.concepts).toEqual(expected.concepts);
          expect(scan.triggers).toEqual(expected.triggers);
          expect(scan.headings).toEqual(expected.headings);
          expect(scan.concepts.length).toBeGreaterThan(0);
          expect(scan.triggers.length).toBeGreaterThan(0);
        }
      });

  it('reads the rule set of the language and speech asked for', () => {
    const text = '不发烧，好像有点胸闷';
    const rules = (speech: Speech) => scanNote(text, builtinLexicon(), 'zh', speech).triggers.map((t) => t.rule);
    expect(rules('patient').some((r) => r.trigger === '好像')).toBe(true);
    expect(rules('clinical').some((r) => r.trigger === '好像')).toBe(false);
  });
});
