import type { LexiconEntry } from '../core/index.js';
import { AhoCorasick, type Hit, hitBuffer, selectLongest } from './aho-corasick.js';
import { type ContextRule, contextMatcher, type Speech } from './context.js';
import { fold, foldChar, isWordChar } from './fold.js';
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
  /** By pattern id: 1 where a term's entries come from the lexicon's curated overlay (Lexicon.isCurated). */
  readonly curated: Uint8Array;
  /** By rule set, then pattern id: the ConText rule (undefined where the pattern triggers none in that set). */
  readonly rules: readonly (ContextRule | undefined)[][];
  /** By rule set: the one-character stops (，：；) read by a character test rather than by the automaton (see StopChars). */
  readonly stops: readonly StopChars[];
}

/**
 * The cues that are one folded punctuation character and only ever a stop (a comma's `clause`, a colon's
 * `terminate`) and no heading: the most frequent cues by far (a Chinese note has a comma every dozen
 * characters). They are left out of the automaton and found by a test of the character where a sentence's
 * scopes are read (the only place they matter), as the rule each folded character triggers in a rule set.
 */
export interface StopChars {
  /** Folded code units, and the rule each triggers (same index). */
  readonly codes: readonly number[];
  readonly rules: readonly ContextRule[];
  /**
   * Bit `c` set where folded code unit `c` is one of `codes`: the one test most characters take (a Chinese set's
   * stops include ideographs, 但 现 伴 后 予, so a bound on the code does not let the others by).
   */
  readonly bits: Uint32Array;
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
    const stops = RULE_SETS.map(() => ({
      codes: [] as number[],
      rules: [] as ContextRule[],
      bits: new Uint32Array(65536 / 32),
    }));
    for (const [pattern, cue] of cuePatterns()) {
      if (isStopChar(pattern, cue)) {
        cue.triggers.forEach((rule, set) => {
          if (!rule) return;
          const code = pattern.charCodeAt(0);
          stops[set]!.codes.push(code);
          stops[set]!.rules.push(rule);
          stops[set]!.bits[code >>> 5]! |= 1 << (code & 31);
        });
        continue;
      }
      ac.add(pattern, cue);
    }
    // in file order, as medication-events.ts's own automaton has them (the order of hits with one span)
    for (const rule of medicationCueRules()) ac.add(rule.trigger, rule);
    ac.build();
    const kinds = new Uint8Array(ac.size);
    const curated = new Uint8Array(ac.size);
    const rules = RULE_SETS.map(() => new Array<ContextRule | undefined>(ac.size).fill(undefined));
    for (let id = 0; id < ac.size; id++) {
      const value = ac.valueOf(id);
      if (Array.isArray(value)) {
        kinds[id] = TERM;
        curated[id] = lexicon.isCurated(value) ? 1 : 0;
      } else if ('kind' in value) kinds[id] = MEDICATION_CUE;
      else {
        kinds[id] = value.headings.length > 0 ? HEADING : CUE;
        value.triggers.forEach((rule, set) => {
          rules[set]![id] = rule;
        });
      }
    }
    tables = { ac, kinds, curated, rules, stops };
    automata.set(lexicon, tables);
  }
  return tables;
}

/** A cue pattern of one punctuation character that is a stop in every rule set that has it, and no heading. */
function isStopChar(pattern: string, cue: Cue): boolean {
  return (
    pattern.length === 1 &&
    !isWordChar(pattern.charCodeAt(0)) &&
    cue.headings.length === 0 &&
    cue.triggers.every((r) => !r || r.direction === 'terminate' || r.direction === 'clause')
  );
}

/** The scan's raw hits (one note at a time: scanNote reads them out before it returns). */
const buffer = hitBuffer();

/** What scanCore finds: ScanResult without the one-character stops, and the stops of the note's rule set. */
export interface CoreScan extends ScanResult {
  /** The trigger hits but the one-character stops (in order of end offset). */
  readonly triggers: { rule: ContextRule; start: number; end: number }[];
  readonly stops: StopChars;
}

/**
 * One pass over a note with the lexicon's terms and the cues (ConText triggers of every rule set and
 * section headings) in a single automaton; each kind keeps its own matches (a trigger never hides a
 * concept and vice versa): concept names leftmost-longest (the curated overlay first), every trigger
 * of the note's rule set, headings leftmost-longest.
 */
export function scanNote(text: string, lexicon: Lexicon, lang: NlpLang, speech: Speech = 'clinical'): ScanResult {
  const core = scanCore(text, lexicon, lang, speech);
  return {
    concepts: core.concepts,
    triggers: withStops(core.triggers, core.stops, text, 0, text.length),
    headings: core.headings,
    medicationCues: core.medicationCues,
  };
}

/**
 * The trigger hits inside `[from, to)` (those of `triggers` that lie within it) with the one-character
 * stops there put back, in the order the automaton gives them: by end offset, a stop after the longer
 * triggers that end with it.
 */
export function withStops(
  triggers: readonly { rule: ContextRule; start: number; end: number }[],
  stops: StopChars,
  text: string,
  from: number,
  to: number,
  first = 0,
): { rule: ContextRule; start: number; end: number }[] {
  const out: { rule: ContextRule; start: number; end: number }[] = [];
  const { codes, rules, bits } = stops;
  let k = first;
  while (k < triggers.length && triggers[k]!.end <= from) k++;
  for (let i = from; i < to; i++) {
    // the triggers ending at i + 1 or before, then the stop at i
    for (; k < triggers.length && triggers[k]!.end <= i + 1; k++)
      if (triggers[k]!.start >= from) out.push(triggers[k]!);
    const c = foldChar(text.charCodeAt(i));
    if (((bits[c >>> 5]! >>> (c & 31)) & 1) === 0) continue;
    for (let j = 0; j < codes.length; j++)
      if (codes[j] === c) {
        out.push({ rule: rules[j]!, start: i, end: i + 1 });
        break;
      }
  }
  return out;
}

/** scanNote without the one-character stops (read later by a character test: withStops). */
export function scanCore(text: string, lexicon: Lexicon, lang: NlpLang, speech: Speech = 'clinical'): CoreScan {
  const set = ruleSet(lang, speech);
  const curatedTerms: Hit<LexiconEntry[]>[] = [];
  const otherTerms: Hit<LexiconEntry[]>[] = [];
  const triggers: ScanResult['triggers'] = [];
  const headings: Hit<string>[] = [];
  const medicationCues: Hit<CueRule>[] = [];
  const { ac, kinds, curated, rules, stops } = scanAutomaton(lexicon);
  const setRules = rules[set]!;
  ac.collect(text, buffer);
  const { ids, ends } = buffer;
  for (let k = 0; k < buffer.length; k++) {
    const id = ids[k]!;
    const end = ends[k]!;
    const start = end - ac.lengthOf(id);
    const kind = kinds[id];
    if (kind === TERM)
      (curated[id] ? curatedTerms : otherTerms).push({ start, end, value: ac.valueOf(id) as LexiconEntry[] });
    else if (kind === MEDICATION_CUE) medicationCues.push({ start, end, value: ac.valueOf(id) as CueRule });
    else {
      const rule = setRules[id];
      if (rule) triggers.push({ rule, start, end });
      if (kind === HEADING)
        for (const key of (ac.valueOf(id) as Cue).headings) headings.push({ start, end, value: key });
    }
  }
  return {
    concepts: lexicon.selectSplit(text, curatedTerms, otherTerms),
    // all trigger hits, overlapping ones included: the caller drops those inside a concept first
    triggers,
    headings: selectLongest(headings),
    medicationCues,
    stops: stops[set]!,
  };
}
