import { readFileSync } from 'node:fs';
import type { Dosage, Fact, MedicationEventKind } from '../core/index.js';
import { AhoCorasick, type Hit, selectLongest } from './aho-corasick.js';
import { foldChar, isWordChar } from './fold.js';
import { sentenceOf } from './context.js';
import { parseMedication } from './medication.js';
import type { Section } from './sections.js';
import type { Span } from './sentences.js';
import { parseTimes, type TimeMention } from './time.js';

/**
 * Medication-change cues in clinical text (zh, en): which drug was stopped, held, resumed, given
 * once, changed in dose, switched, continued, or listed in the discharge orders — with the cue as
 * written, the reason where the text gives one ("出现高钾血症…，停用螺内酯"; "held for bleeding"),
 * its date and the dose after the change. The cue words are data (data/medication-events.tsv).
 *
 * The NLP pipeline calls `annotateMedicationEvents` on its facts: each medication fact the cues
 * apply to gets `qualifiers.medEvents` (JSON of `MedicationCue[]`, read back with
 * `medicationEventsOf`), `medEvent` (the last cue's kind), `medEventCue` and `medEventReason`;
 * every fact in a discharge order list (出院医嘱 / 出院带药 / discharge medications) gets
 * `dischargeList: 'true'`, and medication facts get `noteDate` (the note's date) for ordering.
 * Fusion builds the medication courses from these.
 */

/** What a cue says happened; `continued` = still given (继续, continue), no change. */
export type MedicationCueKind = MedicationEventKind | 'continued';

export interface MedicationCue {
  readonly kind: MedicationCueKind;
  /** The cue as written (停用, x1, 出院医嘱). */
  readonly cue: string;
  /** Why, as written, where the text says. */
  readonly reason?: string;
  /** `condition`: the reason names a diagnosis or finding; `value`: a result; `text`: other words. */
  readonly reasonKind?: 'condition' | 'value' | 'text';
  /** A date written with the cue (ISO 8601). */
  readonly time?: string;
  /** The dose stated with the cue (改为75mg每日一次, loading dose 300 mg). */
  readonly dosage?: Dosage;
  /** For a switch, the other drug as written (换用瑞舒伐他汀 → the statin it replaced, and the reverse). */
  readonly other?: string;
}

type RuleKind =
  | MedicationCueKind
  | 'switched'
  | 'switched-from'
  | 'pseudo'
  | 'acute'
  | 'admin'
  | 'reason'
  | 'conditional';
export interface CueRule {
  readonly trigger: string;
  readonly kind: RuleKind;
  readonly direction: 'forward' | 'backward' | 'both' | 'note';
}

let automaton: AhoCorasick<CueRule> | undefined;

const KINDS = new Set<RuleKind>([
  'started',
  'stopped',
  'held',
  'resumed',
  'one-off',
  'prn',
  'dose-changed',
  'discharge',
  'continued',
  'switched',
  'switched-from',
  'pseudo',
  'acute',
  'admin',
  'reason',
  'conditional',
]);

/** Parses the cue list (data/medication-events.tsv format); throws naming the line for a bad row. */
export function parseMedicationCueRules(text: string, file = 'medication-events.tsv'): CueRule[] {
  const rules: CueRule[] = [];
  text.split('\n').forEach((raw, i) => {
    const line = raw.replace(/\r$/, '');
    if (!line.trim() || line.startsWith('#')) return;
    const [trigger, kind, direction] = line.split('\t');
    if (!trigger || !kind || !direction) throw new Error(`${file} line ${i + 1}: expected trigger, kind, direction`);
    if (!KINDS.has(kind as RuleKind)) throw new Error(`${file} line ${i + 1}: unknown kind '${kind}'`);
    if (!['forward', 'backward', 'both', 'note'].includes(direction))
      throw new Error(`${file} line ${i + 1}: unknown direction '${direction}'`);
    rules.push({ trigger, kind: kind as RuleKind, direction: direction as CueRule['direction'] });
  });
  return rules;
}

let cueRules: CueRule[] | undefined;

/** The cue rules of data/medication-events.tsv, in file order (the note scan adds them to its automaton too). */
export function medicationCueRules(): readonly CueRule[] {
  cueRules ??= parseMedicationCueRules(readFileSync(new URL('./data/medication-events.tsv', import.meta.url), 'utf8'));
  return cueRules;
}

function cueAutomaton(): AhoCorasick<CueRule> {
  if (!automaton) {
    const ac = new AhoCorasick<CueRule>();
    for (const r of medicationCueRules()) ac.add(r.trigger, r);
    automaton = ac.build();
  }
  return automaton;
}

/** Clause boundaries: punctuation (a list comma 、 is not one) and brackets. */
const CLAUSE_BREAK = /[，,；;。：:\n（）()！!？?]/;
const MAJOR_BREAK = /[，,；;。：:\n]/;
/** Administration by push or bolus: a single dose unless a frequency says otherwise. */
const PUSH = /静推|静注|静脉推注|静脉注射|推注|push|bolus/i;
/** Words that end a cue's scope inside a clause ("停用螺内酯并予降钾处理"; "stopped after nitroglycerin"). */
const SCOPE_END = /并|后|同时|但|而|然后|\b(?:and then|then|after|but|because|due to|with|for)\b/gi;

function clauseOf(text: string, at: number, within: Span): Span {
  let s = at;
  while (s > within.start && !CLAUSE_BREAK.test(text[s - 1]!)) s--;
  let e = at;
  while (e < within.end && !CLAUSE_BREAK.test(text[e]!)) e++;
  return { start: s, end: e };
}

/** First scope-ending word in [from, to), or `to`. */
function scopeEndAfter(text: string, from: number, to: number): number {
  SCOPE_END.lastIndex = 0;
  const slice = text.slice(from, to);
  const m = SCOPE_END.exec(slice);
  return m ? from + m.index : to;
}

/** Last scope-ending word in [from, to): the backward scope starts after it. */
function scopeStartBefore(text: string, from: number, to: number): number {
  const slice = text.slice(from, to);
  let last = from;
  SCOPE_END.lastIndex = 0;
  for (let m = SCOPE_END.exec(slice); m; m = SCOPE_END.exec(slice)) last = from + m.index + m[0].length;
  return last;
}

/** ； or ; (by code unit: no one-character string and pattern per sentence). */
function isSemicolon(c: number): boolean {
  return c === 0xff1b || c === 0x3b;
}

/** Whether `text[from, to)` holds a line break (a loop over the gap: no slice, no search past it). */
function hasNewline(text: string, from: number, to: number): boolean {
  for (let k = from; k < to; k++) if (text.charCodeAt(k) === 0x0a) return true;
  return false;
}

interface Mention extends Span {
  readonly index: number;
}

interface Found {
  readonly kind: MedicationCueKind;
  readonly cue: Hit<CueRule>;
  readonly doseFrom?: number;
  readonly doseTo?: number;
  readonly other?: string;
}

/**
 * Cue hits in a span, pseudo-cues removed (每日一次 is a frequency, not "once"). With `all`, every cue
 * hit of the whole note in order of end offset (scanNote's), the span's are taken from those: the same
 * hits as a scan of the span alone, unless a word runs across one of its ends (then a word boundary
 * there is not one in the note), where the span is scanned again.
 */
function hitsIn(text: string, span: Span, all?: readonly Hit<CueRule>[]): Hit<CueRule>[] {
  if (all && !wordJoin(text, span.start) && !wordJoin(text, span.end)) {
    let lo = 0;
    let hi = all.length;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if (all[mid]!.end <= span.start) lo = mid + 1;
      else hi = mid;
    }
    const inside: Hit<CueRule>[] = [];
    for (let k = lo; k < all.length && all[k]!.end <= span.end; k++)
      if (all[k]!.start >= span.start) inside.push(all[k]!);
    return selectLongest(inside).filter((h) => h.value.kind !== 'pseudo');
  }
  const slice = text.slice(span.start, span.end);
  return cueAutomaton()
    .longest(slice)
    .filter((h) => h.value.kind !== 'pseudo')
    .map((h) => ({ ...h, start: h.start + span.start, end: h.end + span.start }));
}

/** Whether offset `at` falls inside a word (a Latin letter or digit on both sides). */
function wordJoin(text: string, at: number): boolean {
  return (
    at > 0 &&
    at < text.length &&
    isWordChar(foldChar(text.charCodeAt(at - 1))) &&
    isWordChar(foldChar(text.charCodeAt(at)))
  );
}

const isEventCue = (h: Hit<CueRule>) =>
  h.value.kind !== 'acute' && h.value.kind !== 'admin' && h.value.kind !== 'reason' && h.value.kind !== 'conditional';

/** Adds what a cue says about a mention to the mention's list (a function of its own: no closure per sentence). */
function addFound(out: Map<number, Found[]>, m: Mention, f: Found): void {
  const list = out.get(m.index);
  if (list) list.push(f);
  else out.set(m.index, [f]);
}

/**
 * Which drug each cue of a sentence applies to. A forward cue covers the drugs after it up to the
 * next cue, a scope-ending word (并, 后, and then, after) or the clause's end; a backward cue the
 * drugs before it back to the clause start or a scope-ending word — or, when none is there, the
 * nearest drug before it in the clause ("氯吡格雷负荷量300mg后改为75mg": 改为 is clopidogrel's).
 * A cue read both ways takes the drugs after it when there are any.
 */
function assign(
  text: string,
  sentence: Span,
  mentions: readonly Mention[],
  hits: readonly Hit<CueRule>[],
): Map<number, Found[]> {
  const out = new Map<number, Found[]>();
  // "如出现出血，停用华法林", "if bleeding, hold warfarin": a conditional instruction, not an event.
  const conditional = hits.find((h) => h.value.kind === 'conditional');
  const events = hits.filter((h) => isEventCue(h) && !(conditional && h.start > conditional.start));
  events.forEach((h, k) => {
    const clause = clauseOf(text, h.start, sentence);
    const nextCue = events[k + 1] && events[k + 1]!.start < clause.end ? events[k + 1]!.start : clause.end;
    const fwdEnd = scopeEndAfter(text, h.end, nextCue);
    const forward = mentions.filter((m) => m.start >= h.end && m.end <= fwdEnd);
    const prevCue = k > 0 && events[k - 1]!.end > clause.start ? events[k - 1]!.end : clause.start;
    const bwdStart = scopeStartBefore(text, prevCue, h.start);
    let backward = mentions.filter((m) => m.start >= bwdStart && m.end <= h.start);
    if (backward.length === 0) {
      const nearest = mentions.filter((m) => m.start >= clause.start && m.end <= h.start).pop();
      if (nearest) backward = [nearest];
    }
    // A clause with no drug of its own ("…口服一次，之后未再使用", "…每日一次，继续服用") speaks of the clause before.
    // A bracket that is only the cue ("(resume)", "（临时医嘱）") speaks of the drug before it; one that
    // says more ("继续二甲双胍（造影前后按规定停用）": a plan about the procedure) does not.
    const bracketed = /[（(]/.test(text[clause.start - 1] ?? '');
    const onlyCue =
      bracketed &&
      text
        .slice(clause.start, clause.end)
        .replace(text.slice(h.start, h.end), '')
        .replace(/[\s.。]/g, '').length <= 2;
    if (
      backward.length === 0 &&
      !mentions.some((m) => m.start >= clause.start && m.end <= clause.end) &&
      clause.start > sentence.start &&
      (MAJOR_BREAK.test(text[clause.start - 1]!) || onlyCue)
    ) {
      let prevStart = clause.start - 1;
      while (prevStart > sentence.start && !MAJOR_BREAK.test(text[prevStart - 1]!)) prevStart--;
      backward = mentions.filter((m) => m.start >= prevStart && m.end <= clause.start);
    }
    const dir = h.value.direction;
    const useForward = dir === 'forward' || (dir === 'both' && forward.length > 0);
    const targets = useForward ? forward : dir === 'backward' || dir === 'both' ? backward : [];
    const kind = h.value.kind;
    if (
      kind === 'switched' ||
      (kind === 'dose-changed' &&
        forward.length > 0 &&
        h.value.direction === 'both' &&
        /改为|换为|changed to/i.test(h.value.trigger))
    ) {
      // "改用/换用 Y", "switched to Y": Y starts; the drug it replaces (the nearest before it in the sentence) stops.
      if (forward.length === 0) {
        const before = mentions.filter((m) => m.start >= clause.start && m.end <= h.start).pop();
        if (before) addFound(out, before, { kind: 'dose-changed', cue: h, doseFrom: h.end, doseTo: fwdEnd });
        return;
      }
      const replaced = replacedBy(text, sentence, mentions, events, h);
      const newName = text.slice(forward[0]!.start, forward[0]!.end);
      for (const m of forward)
        addFound(out, m, {
          kind: 'started',
          cue: h,
          doseFrom: m.end,
          doseTo: fwdEnd,
          ...(replaced ? { other: text.slice(replaced.start, replaced.end) } : {}),
        });
      if (replaced) addFound(out, replaced, { kind: 'stopped', cue: h, other: newName });
      return;
    }
    if (kind === 'switched-from') {
      const [from, ...to] = forward;
      if (from)
        addFound(out, from, {
          kind: 'stopped',
          cue: h,
          ...(to[0] ? { other: text.slice(to[0].start, to[0].end) } : {}),
        });
      for (const m of to)
        addFound(out, m, {
          kind: 'started',
          cue: h,
          doseFrom: m.end,
          doseTo: fwdEnd,
          other: text.slice(from!.start, from!.end),
        });
      return;
    }
    if (kind === 'pseudo' || kind === 'acute' || kind === 'admin' || kind === 'reason' || kind === 'conditional')
      return;
    for (const m of targets) {
      const doseWindow =
        kind === 'dose-changed' || kind === 'one-off'
          ? useForward
            ? { doseFrom: m.end, doseTo: fwdEnd }
            : { doseFrom: h.end, doseTo: fwdEnd }
          : {};
      addFound(out, m, { kind, cue: h, ...doseWindow });
    }
  });
  return out;
}

/**
 * The drug a switch replaces: the nearest one before the cue, in its clause or the one before it,
 * unless that drug's own clause keeps it ("继续阿司匹林，改用替格瑞洛" does not stop aspirin).
 */
function replacedBy(
  text: string,
  sentence: Span,
  mentions: readonly Mention[],
  events: readonly Hit<CueRule>[],
  cue: Hit<CueRule>,
): Mention | undefined {
  const m = mentions.filter((x) => x.start >= sentence.start && x.end <= cue.start).pop();
  if (!m) return undefined;
  const breaks = text.slice(m.end, cue.start).match(new RegExp(MAJOR_BREAK.source, 'g'))?.length ?? 0;
  if (breaks > 1) return undefined;
  const own = clauseOf(text, m.start, sentence);
  const keeps = events.some((e) => e.start >= own.start && e.end <= own.end && e.value.kind === 'continued');
  return keeps ? undefined : m;
}

const REASON_MARKER =
  /^(?:因|由于|鉴于|考虑|due to|because of|because|secondary to|in view of|prior to|ahead of|2\/2|for)\s*/i;

/** A reason's wording trimmed of dates, "出现" and the like. */
function cleanReason(s: string): string | undefined {
  const r = s
    .replace(/^[\s，,；;。：:、.]+|[\s，,；;。：:、.]+$/g, '')
    .replace(/^\d{4}[-/年.]\d{1,2}[-/月.]\d{1,2}日?(?:\s*\d{1,2}:\d{2})?\s*/, '')
    .replace(/^(?:患者|病人|pt|patient)\s*/i, '')
    .replace(/^(?:出现|发生|发现|合并|developed|had|with)\s*/i, '')
    .replace(REASON_MARKER, '')
    .trim();
  // "for 7 days", "for the next week": a duration, not a reason.
  if (r.length < 2 || r.length > 60 || /^(?:\d|the next|next|another|a further|one|two|three|several)\b/i.test(r))
    return undefined;
  return r;
}

function reasonKindOf(text: string, span: Span, facts: readonly Fact[]): MedicationCue['reasonKind'] {
  const inside = facts.filter((f) =>
    f.sources.some((s) => s.kind === 'text' && s.start >= span.start && s.end <= span.end),
  );
  if (inside.some((f) => f.category === 'condition' || f.category === 'finding')) return 'condition';
  if (inside.some((f) => f.category === 'measurement') || /\d/.test(text.slice(span.start, span.end))) return 'value';
  return 'text';
}

/**
 * The reason for a cue on a drug: a marked cause after it (因…, due to …, a bracketed note), else the
 * clause before it in the sentence when that clause names a problem or a result
 * ("2024-02-22出现高钾血症（血钾6.5mmol/L），停用螺内酯"), else the critical value of an urgent note.
 */
function reasonFor(
  text: string,
  sentence: Span,
  mention: Span,
  cue: Hit<CueRule>,
  facts: readonly Fact[],
  hits: readonly Hit<CueRule>[],
  critical: { text: string; span: Span } | undefined,
): Pick<MedicationCue, 'reason' | 'reasonKind'> {
  const from = Math.max(mention.end, cue.end);
  const clause = clauseOf(text, from, sentence);
  // A cause between the drug and its cue: "地高辛0.125mg qd，因心率慢暂停".
  if (cue.start > mention.end) {
    const between = hits.find(
      (h) =>
        h.value.kind === 'reason' &&
        h.start >= mention.end &&
        h.end <= cue.start &&
        h.start >= clauseOf(text, cue.start, sentence).start,
    );
    if (between) {
      const r = cleanReason(text.slice(between.end, cue.start));
      if (r) return { reason: r, reasonKind: reasonKindOf(text, { start: between.end, end: cue.start }, facts) };
    }
  }
  // A marked cause after the drug: in this clause or the next one.
  const marker = hits.find(
    (h) => h.value.kind === 'reason' && h.start >= from && h.start <= Math.min(sentence.end, clause.end + 2),
  );
  if (marker) {
    const end = clauseOf(text, marker.end, sentence).end;
    const r = cleanReason(text.slice(marker.end, end));
    if (r) return { reason: r, reasonKind: reasonKindOf(text, { start: marker.end, end }, facts) };
  }
  // A bracket right after the drug or cue: 停用螺内酯（高钾血症）, "held (INR 4.2)".
  const bracket = /^\s*[（(]([^（）()]{2,40})[）)]/.exec(text.slice(from, from + 44));
  const bracketIsCue =
    bracket &&
    hits.some((h) => h.start >= from && h.end <= from + bracket.index + bracket[0].length && h.value.kind !== 'reason');
  if (bracket && !bracketIsCue && !/^\s*[\d.]+\s*(?:mg|g|ml|μg|ug|iu|u|片|粒)/i.test(bracket[1]!)) {
    const start = from + bracket.index + bracket[0].indexOf(bracket[1]!);
    const r = cleanReason(bracket[1]!);
    if (r) return { reason: r, reasonKind: reasonKindOf(text, { start, end: start + bracket[1]!.length }, facts) };
  }
  // The clause before, when it names a problem or a result (and is not itself another drug's cue).
  const first = Math.min(mention.start, cue.start);
  const own = clauseOf(text, first, sentence);
  if (own.start > sentence.start) {
    // The clause before, brackets included: "2024-02-22出现高钾血症（血钾6.5mmol/L），停用…".
    let start = own.start - 1;
    while (start > sentence.start && !MAJOR_BREAK.test(text[start - 1]!)) start--;
    const span = { start, end: own.start - 1 };
    const named = facts.some(
      (f) =>
        f.category !== 'medication' &&
        f.sources.some((s) => s.kind === 'text' && s.start >= span.start && s.end <= span.end),
    );
    const drugThere = facts.some(
      (f) =>
        f.category === 'medication' &&
        f.sources.some((s) => s.kind === 'text' && s.start >= span.start && s.end <= span.end),
    );
    const marked = REASON_MARKER.test(
      text.slice(span.start, span.end).replace(/^\d{4}[-/年.]\d{1,2}[-/月.]\d{1,2}日?\s*/, ''),
    );
    if ((named || marked) && !drugThere) {
      const r = cleanReason(text.slice(span.start, span.end));
      if (r) return { reason: r, reasonKind: reasonKindOf(text, span, facts) };
    }
  }
  if (critical) return { reason: critical.text, reasonKind: 'value' };
  return {};
}

const CRITICAL_VALUE =
  /(?:危急值|critical (?:value|result|lab))[\s:：,，]*(?:报告|回报|为|of|is|was)?[\s:：]*([^（()，,。；;\n]{3,40})/gi;

function doseIn(text: string, from: number | undefined, to: number | undefined): Dosage | undefined {
  if (from === undefined || to === undefined || to <= from) return undefined;
  const { end: _end, ...sig } = parseMedication(text.slice(from, to));
  return sig.dose || sig.frequency ? sig : undefined;
}

function nearestDate(times: readonly TimeMention[], sentence: Span, before: number): string | undefined {
  let found: string | undefined;
  for (const t of times) {
    if (t.start >= sentence.start && t.end <= before && t.kind !== 'duration' && t.time.start) found = t.time.start;
  }
  return found;
}

export interface MedicationEventOptions {
  readonly sections: readonly Section[];
  readonly sentences: readonly Span[];
  /** The note's date (ISO 8601): kept on medication facts as `noteDate`, and anchors relative dates. */
  readonly anchorDate?: string;
  /** `parseTimes(text, { anchorDate })` when the caller has it already (extractFacts), so it is not read twice. */
  readonly times?: readonly TimeMention[];
  /** Every cue hit of the note (overlapping, in order of end offset) when the caller's scan found them (scanNote). */
  readonly cueHits?: readonly Hit<CueRule>[];
}

/**
 * Whether a section is the discharge order list: 出院带药 / discharge medications always; 出院医嘱
 * (the physician's discharge orders, drugs first); "discharge instructions" in English only when it
 * names a drug (otherwise it is advice to the patient: "return if fever").
 */
function isDischargeList(section: Section | undefined, namesDrug: boolean): boolean {
  if (!section) return false;
  if (section.key === 'discharge_medications') return true;
  if (section.key !== 'discharge_instructions') return false;
  return /出院/.test(section.title) || (/discharge/i.test(section.title) && namesDrug);
}

function sectionOf(sections: readonly Section[], at: number): Section | undefined {
  return sections.find((s) => at >= s.start && at < s.end);
}

/**
 * Adds the medication-change cues of a note to its facts (pure; returns new facts, same ids). See
 * the module comment for the qualifiers written.
 */
export function annotateMedicationEvents(
  text: string,
  facts: readonly Fact[],
  options: MedicationEventOptions,
): Fact[] {
  const meds: { fact: Fact; span: Span; index: number }[] = [];
  facts.forEach((f, index) => {
    if (f.category !== 'medication') return;
    const s = f.sources.find((x) => x.kind === 'text');
    if (s?.kind === 'text') meds.push({ fact: f, span: { start: s.start, end: s.end }, index });
  });
  const withDrugs = new Set<Section>();
  for (const m of meds) {
    const sec = sectionOf(options.sections, m.span.start);
    if (sec) withDrugs.add(sec);
  }
  // only these sections can be a discharge list (isDischargeList): a note with none of them has no fact in one
  const listed = options.sections.some((s) => s.key === 'discharge_medications' || s.key === 'discharge_instructions');
  if (meds.length === 0)
    return facts.map((f) =>
      listed && inList(f, options.sections, withDrugs) ? withQualifiers(f, { dischargeList: 'true' }) : f,
    );

  const times = options.times ?? parseTimes(text, options.anchorDate ? { anchorDate: options.anchorDate } : {});
  const cueHits = options.cueHits;
  const noteHits = (cueHits ? selectLongest(cueHits) : cueAutomaton().longest(text)).filter(
    (h) => h.value.kind === 'acute',
  );
  // The critical value itself ("危急值：血钾6.5mmol/L"), not the note's title ("危急值处理记录").
  const criticalMatch = [...text.matchAll(CRITICAL_VALUE)].find((m) => /\d/.test(m[1]!));
  const critical = criticalMatch
    ? {
        text: criticalMatch[1]!.trim(),
        span: { start: criticalMatch.index!, end: criticalMatch.index! + criticalMatch[0].length },
      }
    : undefined;
  const urgentNote = noteHits.some((h) => /危急值|抢救|急救|critical value|code blue/i.test(h.value.trigger));

  const cues = new Map<number, MedicationCue[]>();
  const bySentence = new Map<Span, typeof meds>();
  for (const m of meds) {
    const s = sentenceOf(options.sentences, m.span.start);
    if (!s) continue;
    const list = bySentence.get(s);
    if (list) list.push(m);
    else bySentence.set(s, [m]);
  }
  for (const [sentence, list] of bySentence) {
    const hits = hitsIn(text, sentence, cueHits);
    const mentions: Mention[] = list.map((m) => ({ start: m.span.start, end: m.span.end, index: m.index }));
    const assigned = assign(text, sentence, mentions, hits);
    const acuteHere =
      urgentNote ||
      hits.some((h) => h.value.kind === 'acute') ||
      noteHits.some(
        (h) =>
          h.start < sentence.start &&
          /立即|急予|emergently/i.test(h.value.trigger) &&
          sectionOf(options.sections, h.start) === sectionOf(options.sections, sentence.start),
      );
    for (const m of list) {
      const found = assigned.get(m.index) ?? [];
      const result: MedicationCue[] = [];
      for (const f of found) {
        // "口服一次（临时医嘱）": two cues, one event.
        if (result.some((r) => r.kind === f.kind)) continue;
        const withReason =
          f.kind === 'stopped' ||
          f.kind === 'held' ||
          f.kind === 'dose-changed' ||
          f.kind === 'one-off' ||
          (f.kind === 'started' && f.other !== undefined);
        const reason = withReason
          ? reasonFor(
              text,
              sentence,
              m.span,
              f.cue,
              facts,
              hits,
              f.kind === 'stopped' || f.kind === 'held' || f.kind === 'one-off'
                ? urgentNote
                  ? critical
                  : undefined
                : undefined,
            )
          : {};
        const dosage = doseIn(text, f.doseFrom, f.doseTo);
        const time = nearestDate(times, sentence, f.cue.start);
        result.push({
          kind: f.kind,
          cue: text.slice(f.cue.start, f.cue.end),
          ...(f.other && !reason.reason
            ? { reason: switchReason(f.kind, f.other), reasonKind: 'text' as const }
            : reason),
          ...(time ? { time } : {}),
          ...(dosage ? { dosage } : {}),
          ...(f.other ? { other: f.other } : {}),
        });
      }
      // A drug pushed (静推, 静脉推注, IV push, bolus) with no frequency was given once; in urgent
      // treatment (危急值, 抢救, 立即) so was one given by any route (予, 静滴) with no frequency.
      if (
        result.length === 0 &&
        m.fact.assertion === 'present' &&
        !m.fact.dosage?.frequency &&
        !m.fact.dosage?.asNeeded
      ) {
        const clause = clauseOf(text, m.span.start, sentence);
        const push = hits.find(
          (h) => h.value.kind === 'admin' && h.start >= m.span.end && h.end <= clause.end && PUSH.test(h.value.trigger),
        );
        const admin =
          push ??
          (acuteHere
            ? hits.find(
                (h) =>
                  h.value.kind === 'admin' &&
                  ((h.start >= clause.start && h.end <= clause.end) ||
                    (h.value.direction !== 'backward' && h.end <= m.span.start)),
              )
            : undefined);
        if (admin) {
          const reason = urgentNote && critical ? { reason: critical.text, reasonKind: 'value' as const } : {};
          result.push({ kind: 'one-off', cue: text.slice(admin.start, admin.end), ...reason });
        }
      }
      if (result.length) cues.set(m.index, result);
    }
  }
  // "Aspirin held prior to procedure; resumed post-op day 1": a sentence that opens with a cue and
  // names no drug continues the one before it (joined by ；/;) about that sentence's drugs.
  options.sentences.forEach((sentence, k) => {
    const prev = options.sentences[k - 1];
    if (
      !prev ||
      bySentence.has(sentence) ||
      !isSemicolon(text.charCodeAt(prev.end - 1)) ||
      hasNewline(text, prev.end, sentence.start)
    )
      return;
    const before = bySentence.get(prev);
    const first = hitsIn(text, sentence, cueHits).find(isEventCue);
    if (!before || !first || first.start - sentence.start > 2) return;
    const kind = eventKindOf(first.value.kind);
    if (!kind) return;
    const clause = clauseOf(text, prev.end - 1, prev);
    const lastClause = before.filter((m) => m.span.start >= clause.start);
    for (const m of lastClause.length ? lastClause : before.slice(-1)) {
      const time = nearestDate(times, sentence, first.start);
      const cue: MedicationCue = { kind, cue: text.slice(first.start, first.end), ...(time ? { time } : {}) };
      cues.set(m.index, [...(cues.get(m.index) ?? []), cue]);
    }
  });
  return facts.map((f, i) => {
    const c = cues.get(i);
    const list = listed && inList(f, options.sections, withDrugs);
    if (!c && !list && !(f.category === 'medication' && options.anchorDate)) return f;
    const extra: Record<string, string> = {};
    if (list) extra.dischargeList = 'true';
    if (f.category === 'medication' && options.anchorDate) extra.noteDate = options.anchorDate;
    if (c) {
      extra.medEvents = JSON.stringify(c);
      extra.medEvent = c[c.length - 1]!.kind;
      extra.medEventCue = c.map((x) => x.cue).join(' ');
      const reason = c.find((x) => x.reason)?.reason;
      if (reason) extra.medEventReason = reason;
    }
    return Object.keys(extra).length ? withQualifiers(f, extra) : f;
  });
}

/** Whether a fact lies in a discharge medication list (a function of its own: no closure per note). */
function inList(f: Fact, sections: readonly Section[], withDrugs: ReadonlySet<Section>): boolean {
  const s = f.sources.find((x) => x.kind === 'text');
  const sec = s?.kind === 'text' ? sectionOf(sections, s.start) : undefined;
  return isDischargeList(sec, !!sec && withDrugs.has(sec));
}

/** What a switch says when the text gives no other reason: "改用替格瑞洛" / "replaces clopidogrel". */
function switchReason(kind: MedicationCueKind, other: string): string {
  const zh = /[\u3400-\u9fff]/.test(other);
  if (kind === 'stopped') return zh ? `改用${other}` : `switched to ${other}`;
  return zh ? `替代${other}` : `replaces ${other}`;
}

function withQualifiers(f: Fact, extra: Record<string, string>): Fact {
  return { ...f, qualifiers: { ...f.qualifiers, ...extra } };
}

/** The cues a fact carries (`qualifiers.medEvents`); none when it has none or they cannot be read. */
export function medicationEventsOf(f: Pick<Fact, 'qualifiers'>): MedicationCue[] {
  const raw = f.qualifiers?.medEvents;
  if (!raw) return [];
  try {
    const v = JSON.parse(raw) as unknown;
    return Array.isArray(v)
      ? (v.filter(
          (x) => x && typeof x === 'object' && typeof (x as MedicationCue).kind === 'string',
        ) as MedicationCue[])
      : [];
  } catch {
    return [];
  }
}

/** A cue row's event on the drug it is written about; a switch in an order's note is the order itself starting. */
function eventKindOf(kind: RuleKind): MedicationCueKind | undefined {
  switch (kind) {
    case 'switched':
    case 'switched-from':
    case 'pseudo':
    case 'acute':
    case 'admin':
    case 'reason':
    case 'conditional':
      return undefined;
    default:
      return kind;
  }
}

/**
 * The cues of a short text about one drug whose name it need not repeat (a MedicationRequest's
 * note: "PCI术前负荷量300mg后改为75mg每日一次", "2024-02-22 血钾6.5mmol/L，停用"): every event
 * cue in order, with its date, reason and dose.
 */
export function medicationCuesIn(text: string, options: { anchorDate?: string } = {}): MedicationCue[] {
  if (!text.trim()) return [];
  const whole = { start: 0, end: text.length };
  const hits = hitsIn(text, whole);
  const times = parseTimes(text, options.anchorDate ? { anchorDate: options.anchorDate } : {});
  const conditional = hits.find((h) => h.value.kind === 'conditional');
  const events = hits.filter((h) => isEventCue(h) && !(conditional && h.start > conditional.start));
  const out: MedicationCue[] = [];
  events.forEach((h, k) => {
    const kind = eventKindOf(h.value.kind);
    if (!kind) return;
    const clause = clauseOf(text, h.start, whole);
    const next = events[k + 1]?.start ?? text.length;
    const doseTo = scopeEndAfter(text, h.end, Math.min(next, clause.end));
    // "负荷量300mg", "300mg负荷量", "改为75mg每日一次".
    const dosage =
      kind === 'dose-changed' || kind === 'one-off'
        ? (doseIn(text, h.end, doseTo) ?? doseIn(text, clause.start, h.start))
        : undefined;
    let reason: string | undefined;
    if (kind === 'stopped' || kind === 'held' || kind === 'dose-changed') {
      const marker = hits.find((x) => x.value.kind === 'reason' && x.start >= h.end);
      const cueBefore = events.some((x) => x !== h && x.end <= h.start && x.start >= clause.start);
      if (marker) reason = cleanReason(text.slice(marker.end, clauseOf(text, marker.end, whole).end));
      else if (kind === 'dose-changed' || cueBefore) reason = undefined;
      else if (clause.start > 0)
        reason = cleanReason(text.slice(clauseOf(text, clause.start - 1, whole).start, clause.start - 1));
      else if (h.start > 0) reason = cleanReason(text.slice(0, h.start));
    }
    const time = nearestDate(times, whole, h.start);
    out.push({
      kind,
      cue: text.slice(h.start, h.end),
      ...(reason ? { reason, reasonKind: /\d/.test(reason) && !/[症病炎血出]$/.test(reason) ? 'value' : 'text' } : {}),
      ...(time ? { time } : {}),
      ...(dosage ? { dosage } : {}),
    });
  });
  return out;
}
