import type { LexiconEntry } from '../core/index.js';
import { AhoCorasick, type Hit, hitBuffer, selectLongest } from './aho-corasick.js';
import { type ContextRule, contextMatcher, type Speech } from './context.js';
import { fold } from './fold.js';
import type { NlpLang } from './language.js';
import type { Lexicon, LexiconMatch } from './lexicon.js';
import { type CueRule, medicationCueRules } from './medication-events.js';
import { sectionHeadings } from './sections.js';

/**
 * A cue pattern (one per folded text): the ConText rule it triggers in each rule set (index:
 * `ruleSet(lang, speech)`) and the section keys it heads. Where a set has several rules with the same
 * folded trigger (`，` and `,`), only its first is kept: their hits have the same span, and ConText's
 * leftmost-longest choice of triggers (scopeModifiers) keeps the first of them and nothing of the others.
 */
interface Cue {
  readonly triggers: (ContextRule | undefined)[];
  readonly headings: string[];
}

/** What the scan of a note finds: concept names, ConText triggers, section headings and medication-change cues. */
export interface ScanResult {
  readonly concepts: LexiconMatch[];
  /** Every trigger hit (overlapping; one rule per span, see Cue), in order of end offset. */
  readonly triggers: { rule: ContextRule; start: number; end: number }[];
  readonly headings: Hit<string>[];
  /** Every medication-change cue hit (overlapping, medication-events.ts's rules), in order of end offset. */
  readonly medicationCues: Hit<CueRule>[];
}

const RULE_SETS: readonly [NlpLang, Speech][] = [
  ['zh', 'clinical'],
  ['zh', 'patient'],
  ['en', 'clinical'],
  ['en', 'patient'],
];
const ruleSet = (lang: NlpLang, speech: Speech) => (lang === 'zh' ? 0 : 2) + (speech === 'patient' ? 1 : 0);

let cues: Map<string, Cue> | undefined;

/** Every rule set's ConText triggers and the section headings, by folded pattern. */
function cuePatterns(): Map<string, Cue> {
  if (!cues) {
    const map = new Map<string, Cue>();
    const cueFor = (pattern: string) => {
      const key = fold(pattern);
      let cue = map.get(key);
      if (!cue) {
        cue = { triggers: RULE_SETS.map(() => undefined), headings: [] };
        map.set(key, cue);
      }
      return cue;
    };
    RULE_SETS.forEach(([lang, speech], set) => {
      for (const rule of contextMatcher(lang, speech).rules) {
        const cue = cueFor(rule.trigger);
        cue.triggers[set] ??= rule;
      }
    });
    for (const [heading, key] of sectionHeadings()) cueFor(heading).headings.push(key);
    cues = map;
  }
  return cues;
}

/** A pattern of the note scan: a lexicon term's entries, a cue (ConText, heading) or a medication-change cue rule. */
type ScanValue = LexiconEntry[] | Cue | CueRule;

/**
 * The note scan's automaton with, by pattern id, what each pattern is (TERM, CUE, HEADING: a cue that heads a
 * section, or MEDICATION_CUE) and the ConText rule it triggers in each rule set: the scan reads a hit's kind and
 * rule from these tables rather than testing the shape of its value (`Array.isArray`, `'kind' in`, `.triggers`:
 * lookups on objects of many shapes, once per hit, and a note's cues, its commas above all, outnumber its
 * concept names).
 */
interface ScanTables {
  readonly ac: AhoCorasick<ScanValue>;
  readonly kinds: Uint8Array;
  /** By rule set, then pattern id: the ConText rule (undefined where the pattern triggers none in that set). */
  readonly rules: readonly (ContextRule | undefined)[][];
}
const TERM = 0;
const CUE = 1;
const HEADING = 2;
const MEDICATION_CUE = 3;

/** The lexicon's term lists and every cue in one automaton, built once per lexicon (a release's: once per version). */
const automata = new WeakMap<Lexicon, ScanTables>();

function scanAutomaton(lexicon: Lexicon): ScanTables {
  let tables = automata.get(lexicon);
  if (!tables) {
    const ac = new AhoCorasick<ScanValue>();
    // the lexicon's own lists (object identity matters: the curated overlay is told by its lists)
    for (const [term, entries] of lexicon.terms()) ac.add(term, entries as LexiconEntry[]);
    for (const [pattern, cue] of cuePatterns()) ac.add(pattern, cue);
    // in file order, as medication-events.ts's own automaton has them (the order of hits with one span)
    for (const rule of medicationCueRules()) ac.add(rule.trigger, rule);
    ac.build();
    const kinds = new Uint8Array(ac.size);
    const rules = RULE_SETS.map(() => new Array<ContextRule | undefined>(ac.size).fill(undefined));
    for (let id = 0; id < ac.size; id++) {
      const value = ac.valueOf(id);
      if (Array.isArray(value)) kinds[id] = TERM;
      else if ('kind' in value) kinds[id] = MEDICATION_CUE;
      else {
        kinds[id] = value.headings.length > 0 ? HEADING : CUE;
        value.triggers.forEach((rule, set) => {
          rules[set]![id] = rule;
        });
      }
    }
    tables = { ac, kinds, rules };
    automata.set(lexicon, tables);
  }
  return tables;
}

/** The scan's raw hits (one note at a time: scanNote reads them out before it returns). */
const buffer = hitBuffer();

/**
 * One pass over a note with the lexicon's terms and the cues (ConText triggers of every rule set and
 * section headings) in a single automaton; each kind keeps its own matches (a trigger never hides a
 * concept and vice versa): concept names leftmost-longest (the curated overlay first), every trigger
 * of the note's rule set, headings leftmost-longest.
 */
export function scanNote(text: string, lexicon: Lexicon, lang: NlpLang, speech: Speech = 'clinical'): ScanResult {
  const set = ruleSet(lang, speech);
  const terms: Hit<LexiconEntry[]>[] = [];
  const triggers: ScanResult['triggers'] = [];
  const headings: Hit<string>[] = [];
  const medicationCues: Hit<CueRule>[] = [];
  const { ac, kinds, rules } = scanAutomaton(lexicon);
  const setRules = rules[set]!;
  ac.collect(text, buffer);
  const { ids, ends } = buffer;
  for (let k = 0; k < buffer.length; k++) {
    const id = ids[k]!;
    const end = ends[k]!;
    const start = end - ac.lengthOf(id);
    const kind = kinds[id];
    if (kind === TERM) terms.push({ start, end, value: ac.valueOf(id) as LexiconEntry[] });
    else if (kind === MEDICATION_CUE) medicationCues.push({ start, end, value: ac.valueOf(id) as CueRule });
    else {
      const rule = setRules[id];
      if (rule) triggers.push({ rule, start, end });
      if (kind === HEADING)
        for (const key of (ac.valueOf(id) as Cue).headings) headings.push({ start, end, value: key });
    }
  }
  return {
    concepts: lexicon.select(text, terms),
    // all trigger hits, overlapping ones included: the caller drops those inside a concept first
    triggers,
    headings: selectLongest(headings),
    medicationCues,
  };
}
