import type { LexiconEntry } from '../core/index.js';
import { AhoCorasick, type Hit, selectLongest } from './aho-corasick.js';
import { type ContextRule, contextMatcher, type Speech } from './context.js';
import type { NlpLang } from './language.js';
import type { Lexicon, LexiconMatch } from './lexicon.js';
import { sectionHeadings } from './sections.js';

type Payload =
  | { readonly kind: 'concept'; readonly entries: readonly LexiconEntry[] }
  | { readonly kind: 'trigger'; readonly rule: ContextRule }
  | { readonly kind: 'heading'; readonly key: string };

/** What one pass over a note finds: concept names, ConText triggers and section headings. */
export interface ScanResult {
  readonly concepts: LexiconMatch[];
  /** Every trigger hit (overlapping), in order of end offset. */
  readonly triggers: { rule: ContextRule; start: number; end: number }[];
  readonly headings: Hit<string>[];
}

const cache = new WeakMap<Lexicon, Map<string, AhoCorasick<Payload>>>();

/**
 * One Aho–Corasick automaton over the lexicon's terms, the language's ConText triggers and the
 * section headings, so a note is scanned once; each kind then keeps its own leftmost-longest
 * matches (a trigger never hides a concept and vice versa). Built once per lexicon and language.
 */
function automaton(lexicon: Lexicon, lang: NlpLang, speech: Speech = 'clinical'): AhoCorasick<Payload> {
  let byLang = cache.get(lexicon);
  if (!byLang) {
    byLang = new Map();
    cache.set(lexicon, byLang);
  }
  const key = `${lang}:${speech}`;
  let ac = byLang.get(key);
  if (!ac) {
    ac = new AhoCorasick<Payload>();
    for (const [term, entries] of lexicon.terms()) ac.add(term, { kind: 'concept', entries });
    for (const rule of contextMatcher(lang, speech).rules) ac.add(rule.trigger, { kind: 'trigger', rule });
    for (const [heading, key] of sectionHeadings()) ac.add(heading, { kind: 'heading', key });
    ac.build();
    byLang.set(key, ac);
  }
  return ac;
}

export function scanNote(text: string, lexicon: Lexicon, lang: NlpLang, speech: Speech = 'clinical'): ScanResult {
  const concepts: Hit<Payload>[] = [];
  const triggers: Hit<Payload>[] = [];
  const headings: Hit<Payload>[] = [];
  for (const h of automaton(lexicon, lang, speech).findAll(text))
    (h.value.kind === 'concept' ? concepts : h.value.kind === 'trigger' ? triggers : headings).push(h);
  return {
    concepts: selectLongest(concepts).map((h) => ({
      start: h.start,
      end: h.end,
      entries: (h.value as { entries: readonly LexiconEntry[] }).entries,
    })),
    // all trigger hits, overlapping ones included: the caller drops those inside a concept first
    triggers: triggers.map((h) => ({ rule: (h.value as { rule: ContextRule }).rule, start: h.start, end: h.end })),
    headings: selectLongest(headings).map((h) => ({
      start: h.start,
      end: h.end,
      value: (h.value as { key: string }).key,
    })),
  };
}
