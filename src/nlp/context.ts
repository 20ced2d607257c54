import { readFileSync } from 'node:fs';
import type { Assertion, Subject } from '../core/index.js';
import { AhoCorasick, selectLongest } from './aho-corasick.js';
import type { NlpLang } from './language.js';
import { type Span, splitSentences } from './sentences.js';

/**
 * ConText (Harkema et al., J Biomed Inform 2009): trigger terms modify the targets within their
 * scope — forward to the end of the sentence, backward to its start, or both — and a termination
 * term (or, in Chinese, the end of the clause) closes the scope. Pseudo-triggers ("no increase",
 * 无明显诱因) are matched so that the shorter trigger inside them does not fire. Triggers come from
 * data files: the published NegEx list and general ConText rules for English, our own for Chinese.
 */
export type ContextCategory = 'NEGATED_EXISTENCE' | 'POSSIBLE_EXISTENCE' | 'HISTORICAL' | 'FAMILY' | 'HYPOTHETICAL' | 'PSEUDO' | 'TERMINATE';
export type ContextDirection = 'forward' | 'backward' | 'bidirectional' | 'terminate' | 'pseudo';

export interface ContextRule {
  readonly trigger: string;
  readonly category: ContextCategory;
  readonly direction: ContextDirection;
  /** For FAMILY: who (mother, father, …). */
  readonly relation?: string;
}

/** A trigger found in the text, with the scope it governs. */
export interface ContextModifier {
  readonly rule: ContextRule;
  readonly start: number;
  readonly end: number;
  readonly scope: Span;
}

export interface AssertionResult {
  readonly assertion: Assertion;
  readonly subject: Subject;
  /** The modifiers whose scope covers the target (evidence for the assertion). */
  readonly modifiers: readonly ContextModifier[];
}

const negexTags: Record<string, [ContextCategory, ContextDirection]> = {
  '[PREN]': ['NEGATED_EXISTENCE', 'forward'],
  '[POST]': ['NEGATED_EXISTENCE', 'backward'],
  '[PREP]': ['POSSIBLE_EXISTENCE', 'forward'],
  '[POSP]': ['POSSIBLE_EXISTENCE', 'backward'],
  '[PSEU]': ['PSEUDO', 'pseudo'],
  '[CONJ]': ['TERMINATE', 'terminate'],
};

function readData(name: string): string {
  return readFileSync(new URL(`./data/${name}`, import.meta.url), 'utf8');
}

/** Parses NegEx's trigger file format (`trigger<TAB><TAB>[TAG]`). */
export function parseNegexTriggers(text: string): ContextRule[] {
  const rules: ContextRule[] = [];
  for (const line of text.split('\n')) {
    if (!line.trim() || line.startsWith('#')) continue;
    const m = /^(.+?)\t+(\[[A-Z]{4}\])\s*$/.exec(line);
    const tag = m && negexTags[m[2]!];
    if (!m || !tag) continue;
    rules.push({ trigger: m[1]!.trim(), category: tag[0], direction: tag[1] });
  }
  return rules;
}

/** Parses MedSeek's ConText rule files (`trigger<TAB>category<TAB>direction[<TAB>relation]`). */
export function parseContextRules(text: string): ContextRule[] {
  const rules: ContextRule[] = [];
  for (const line of text.split('\n')) {
    if (!line.trim() || line.startsWith('#')) continue;
    const [trigger, category, direction, relation] = line.replace(/\r$/, '').split('\t');
    if (!trigger || !category || !direction) continue;
    rules.push({ trigger, category: category as ContextCategory, direction: direction as ContextDirection, ...(relation ? { relation } : {}) });
  }
  return rules;
}

/** The built-in rules for a language. */
export function contextRules(lang: NlpLang): ContextRule[] {
  return lang === 'zh'
    ? parseContextRules(readData('context-zh.tsv'))
    : [...parseNegexTriggers(readData('negex-triggers-en.txt')), ...parseContextRules(readData('context-en.tsv'))];
}

/** A compiled rule set: one automaton over all triggers, so the longest trigger wins. */
export class ContextMatcher {
  private readonly automaton = new AhoCorasick<ContextRule>();
  /** The rules in effect, one per trigger (the first rule for a trigger wins: NegEx before general rules). */
  readonly rules: readonly ContextRule[];

  constructor(rules: readonly ContextRule[]) {
    const seen = new Set<string>();
    const kept: ContextRule[] = [];
    for (const r of rules) {
      const key = r.trigger.toLowerCase();
      if (seen.has(key)) continue;
      seen.add(key);
      kept.push(r);
      this.automaton.add(r.trigger, r);
    }
    this.rules = kept;
    this.automaton.build();
  }

  /** Modifiers in a sentence, with their scopes; triggers overlapping a target are ignored. */
  modifiers(text: string, sentence: Span, targets: readonly Span[] = []): ContextModifier[] {
    const slice = text.slice(sentence.start, sentence.end);
    const hits = this.automaton.findAll(slice).map((h) => ({ rule: h.value, start: h.start + sentence.start, end: h.end + sentence.start }));
    return scopeModifiers(hits, sentence, targets);
  }
}

/**
 * Scopes the trigger hits of one sentence: hits inside a target are dropped (无力 is a finding, not
 * 无 + 力), the leftmost-longest of the rest are kept, and each scopes forward to the sentence end
 * or the next termination term, backward to the sentence start or the previous one.
 */
export function scopeModifiers(triggerHits: readonly { rule: ContextRule; start: number; end: number }[], sentence: Span, targets: readonly Span[] = []): ContextModifier[] {
  {
    const hits = selectLongest(triggerHits.filter((h) => !overlapsAny(targets, h)));
    const stops = hits.filter((h) => h.rule.direction === 'terminate' || h.rule.direction === 'pseudo');
    const out: ContextModifier[] = [];
    for (const h of hits) {
      if (h.rule.direction === 'terminate' || h.rule.direction === 'pseudo') continue;
      let fwdEnd = sentence.end;
      let backStart = sentence.start;
      for (const s of stops) {
        if (s.rule.direction !== 'terminate') continue;
        if (s.start >= h.end && s.start < fwdEnd) fwdEnd = s.start;
        if (s.end <= h.start && s.end > backStart) backStart = s.end;
      }
      const scope: Span =
        h.rule.direction === 'forward'
          ? { start: h.end, end: fwdEnd }
          : h.rule.direction === 'backward'
            ? { start: backStart, end: h.start }
            : { start: backStart, end: fwdEnd };
      out.push({ rule: h.rule, start: h.start, end: h.end, scope });
    }
    return out;
  }
}

/** Whether a span overlaps any of the (start-sorted) targets. */
function overlapsAny(targets: readonly Span[], h: Span): boolean {
  let lo = 0;
  let hi = targets.length;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (targets[mid]!.end <= h.start) lo = mid + 1;
    else hi = mid;
  }
  // targets are non-overlapping and sorted, so ends are sorted too
  return lo < targets.length && targets[lo]!.start < h.end;
}

const matchers = new Map<NlpLang, ContextMatcher>();

export function contextMatcher(lang: NlpLang): ContextMatcher {
  let m = matchers.get(lang);
  if (!m) {
    m = new ContextMatcher(contextRules(lang));
    matchers.set(lang, m);
  }
  return m;
}

/**
 * The assertion of each target span. Precedence when several modifiers cover a target:
 * negated > hypothetical > possible > family > historical > present; the subject is the family
 * member when a FAMILY modifier covers it, whatever the assertion ("mother had no diabetes" is
 * absent, about the mother).
 */
export function detectAssertions(
  text: string,
  targets: readonly Span[],
  options: { lang: NlpLang; sentences?: readonly Span[]; matcher?: ContextMatcher },
): AssertionResult[] {
  const matcher = options.matcher ?? contextMatcher(options.lang);
  const sentences = options.sentences ?? splitSentences(text);
  const cache = new Map<Span, ContextModifier[]>();
  const sortedTargets = [...targets].sort((a, b) => a.start - b.start);
  return targets.map((t) => {
    const sentence = sentenceOf(sentences, t.start) ?? { start: 0, end: text.length };
    let mods = cache.get(sentence);
    if (!mods) {
      mods = matcher.modifiers(text, sentence, sortedTargets);
      cache.set(sentence, mods);
    }
    const covering = mods.filter((m) => m.scope.start < t.end && t.start < m.scope.end);
    return { ...assertionOf(covering), modifiers: covering };
  });
}

/** The sentence containing an offset (sentences sorted, non-overlapping). */
export function sentenceOf(sentences: readonly Span[], offset: number): Span | undefined {
  let lo = 0;
  let hi = sentences.length - 1;
  while (lo <= hi) {
    const mid = (lo + hi) >> 1;
    const s = sentences[mid]!;
    if (offset < s.start) hi = mid - 1;
    else if (offset >= s.end) lo = mid + 1;
    else return s;
  }
  return undefined;
}

const precedence: [ContextCategory, Assertion][] = [
  ['NEGATED_EXISTENCE', 'absent'],
  ['HYPOTHETICAL', 'hypothetical'],
  ['POSSIBLE_EXISTENCE', 'possible'],
  ['FAMILY', 'family'],
  ['HISTORICAL', 'historical'],
];

export function assertionOf(modifiers: readonly ContextModifier[]): { assertion: Assertion; subject: Subject } {
  const family = modifiers.find((m) => m.rule.category === 'FAMILY');
  const subject: Subject = family ? { who: 'family', ...(family.rule.relation && family.rule.relation !== 'family' ? { relation: family.rule.relation } : {}) } : { who: 'patient' };
  for (const [cat, assertion] of precedence) if (modifiers.some((m) => m.rule.category === cat)) return { assertion, subject };
  return { assertion: 'present', subject };
}
