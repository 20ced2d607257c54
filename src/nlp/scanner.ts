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

/** The lexicon's term lists and every cue in one automaton, built once per lexicon (a release's: once per version). */
const automata = new WeakMap<Lexicon, AhoCorasick<ScanValue>>();

function scanAutomaton(lexicon: Lexicon): AhoCorasick<ScanValue> {
  let ac = automata.get(lexicon);
  if (!ac) {
    ac = new AhoCorasick<ScanValue>();
    // the lexicon's own lists (object identity matters: the curated overlay is told by its lists)
    for (const [term, entries] of lexicon.terms()) ac.add(term, entries as LexiconEntry[]);
    for (const [pattern, cue] of cuePatterns()) ac.add(pattern, cue);
    // in file order, as medication-events.ts's own automaton has them (the order of hits with one span)
    for (const rule of medicationCueRules()) ac.add(rule.trigger, rule);
    ac.build();
    automata.set(lexicon, ac);
  }
  return ac;
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
  const ac = scanAutomaton(lexicon);
  ac.collect(text, buffer);
  const { ids, ends } = buffer;
  for (let k = 0; k < buffer.length; k++) {
    const id = ids[k]!;
    const end = ends[k]!;
    const start = end - ac.lengthOf(id);
    const value = ac.valueOf(id);
    if (Array.isArray(value)) terms.push({ start, end, value });
    else if ('kind' in value) medicationCues.push({ start, end, value });
    else {
      const rule = value.triggers[set];
      if (rule) triggers.push({ rule, start, end });
      for (const key of value.headings) headings.push({ start, end, value: key });
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
