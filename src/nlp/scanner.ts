import { AhoCorasick, type Hit, selectLongest } from './aho-corasick.js';
import { type ContextRule, contextMatcher, type Speech } from './context.js';
import type { NlpLang } from './language.js';
import type { Lexicon, LexiconMatch } from './lexicon.js';
import { sectionHeadings } from './sections.js';

type Cue =
  | { readonly kind: 'trigger'; readonly rule: ContextRule }
  | { readonly kind: 'heading'; readonly key: string };

/** What the scan of a note finds: concept names, ConText triggers and section headings. */
export interface ScanResult {
  readonly concepts: LexiconMatch[];
  /** Every trigger hit (overlapping), in order of end offset. */
  readonly triggers: { rule: ContextRule; start: number; end: number }[];
  readonly headings: Hit<string>[];
}

const cueAutomata = new Map<string, AhoCorasick<Cue>>();

/**
 * The language's ConText triggers and the section headings in one small automaton, built once per
 * language and speech. It does not depend on the lexicon, so a release lexicon of tens of thousands
 * of terms is built once (its own automaton, lexicon.ts) and shared by every language.
 */
function cueAutomaton(lang: NlpLang, speech: Speech): AhoCorasick<Cue> {
  const key = `${lang}:${speech}`;
  let ac = cueAutomata.get(key);
  if (!ac) {
    ac = new AhoCorasick<Cue>();
    for (const rule of contextMatcher(lang, speech).rules) ac.add(rule.trigger, { kind: 'trigger', rule });
    for (const [heading, key] of sectionHeadings()) ac.add(heading, { kind: 'heading', key });
    ac.build();
    cueAutomata.set(key, ac);
  }
  return ac;
}

/**
 * Two passes over a note: the lexicon's automaton for concept names (leftmost-longest, the curated
 * overlay first) and the cue automaton for triggers and headings; each kind keeps its own matches
 * (a trigger never hides a concept and vice versa).
 */
export function scanNote(text: string, lexicon: Lexicon, lang: NlpLang, speech: Speech = 'clinical'): ScanResult {
  const triggers: ScanResult['triggers'] = [];
  const headings: Hit<string>[] = [];
  cueAutomaton(lang, speech).forEachHit(text, (start, end, cue) => {
    if (cue.kind === 'trigger') triggers.push({ rule: cue.rule, start, end });
    else headings.push({ start, end, value: cue.key });
  });
  return {
    concepts: lexicon.match(text),
    // all trigger hits, overlapping ones included: the caller drops those inside a concept first
    triggers,
    headings: selectLongest(headings),
  };
}
