import type {
  Concept,
  Dosage,
  Fact,
  MedicationCourse,
  MedicationEvent,
  MedicationEventKind,
  MedicationStatus,
  Source,
} from '../core/index.js';
import { sourceKey } from '../core/index.js';
import { medicationCuesIn, medicationEventsOf } from '../nlp/index.js';
import { codeKeys, nameKeys } from './concept-match.js';
import { instant } from './fhir.js';

/**
 * Medication reconciliation over a stay: the intervention facts → one course per drug, with what
 * happened to it (started / stopped / held / resumed / one-off / PRN / dose changed / discharge), its
 * status at the moment, and whether it is on the discharge orders. Pure; works on any facts:
 * coded ones (MedicationRequest / MedicationAdministration / MedicationStatement, read by their
 * status, intent, category and note) and note ones (the NLP stage's medication-change cues, kept on
 * the fact as `qualifiers.medEvents`, and the note section a drug is listed in).
 *
 * Reading rules (each is a decision a pharmacist would make the same way):
 * - A MedicationRequest starts the drug at `authoredOn` (a `prn` one as needed); `stopped` stops it
 *   (at its period's end, else at the time its note gives, else right after it started); `on-hold`
 *   holds it; `completed` ends the course (so does an `acute` course whose boundsDuration or
 *   dispenseRequest.expectedSupplyDuration has run out); `cancelled` / `entered-in-error` / drafts say nothing
 *   about what was given; intent `plan` / `proposal` alone is not an order.
 * - Category `discharge` (http://terminology.hl7.org/CodeSystem/medicationrequest-category), a
 *   note's 出院医嘱 / 出院带药 / discharge medications list → a discharge event. "停用螺内酯" inside
 *   the discharge orders is a stop, not a discharge drug.
 * - A MedicationAdministration with no order for the drug, given once → one-off.
 * - A MedicationStatement: active → taking, stopped / on-hold / completed as said; not-taken → no course.
 * - Orders of one drug in sequence: a different dose is a dose change; an order stopped at an
 *   unknown time and re-ordered within 7 days was replaced (how EHRs change a dose), not stopped.
 * - A note's cue (停用, 暂停, 临时医嘱, 一次, 改为, discontinued, held, x1, switched to …) → its event;
 *   a plain mention of a drug being given starts it ("长期口服华法林", "予莫西沙星…").
 * - When a discharge order list exists, only drugs on it are discharge drugs; when none exists,
 *   no course has `discharge: true` (see `hasDischargeOrders`). Known from notes only, a drug the
 *   list leaves out whose last word is the course of the stay (诊疗经过) is `completed`.
 */
export interface MedicationCourseOptions {
  /** The stay: facts about drugs that ended before `start`, or began after `end`, are left out. */
  readonly window?: { readonly start?: string; readonly end?: string };
  /** The moment the statuses describe (ISO-8601); default the window's end, else every fact. */
  readonly at?: string;
}

/** Sections of a note whose drugs are the discharge orders. */
const DISCHARGE_SECTIONS = new Set(['discharge_medications', 'discharge_instructions']);

interface RawEvent {
  kind: MedicationEventKind | 'continued' | 'completed' | 'mentioned' | 'given' | 'replaced';
  /** ms; undefined when unknown. */
  readonly time?: number;
  /** The time as the record wrote it ("2024-02-22", "2024-02-22T07:10:00+08:00"). */
  readonly timeText?: string;
  /** Where it sorts when its time is unknown (ms). */
  key: number;
  readonly seq: number;
  readonly reason?: string;
  readonly reasonKind?: string;
  readonly dosage?: Dosage;
  readonly fact: Fact;
  /** From a coded resource (its status is the record's word on the drug). */
  readonly coded: boolean;
  /** The coded resource (`MedicationRequest/1`) it came from, to tell one order from another. */
  readonly resource?: string;
}

/**
 * A fact's own time, else its note's date (set by the NLP stage or fusion), as written. A time the
 * note gave only relatively ("5年前诊断心衰，平素口服呋塞米") dates the sentence, not the drug: the
 * note's date (the drug documented as taken then) is used instead.
 */
function whenOf(f: Fact): string | undefined {
  const own = f.time?.relative && f.qualifiers?.noteDate ? undefined : f.time?.start;
  return [own, f.qualifiers?.noteDate, f.time?.end].find((t) => instant(t) !== undefined);
}

function resourceOf(f: Fact): string | undefined {
  const s = f.sources.find((x) => x.kind === 'resource');
  return s?.kind === 'resource' ? `${s.resourceType}/${s.id}` : undefined;
}

function isNoteFact(f: Fact): boolean {
  return f.sources.some((s) => s.kind === 'text') && !f.sources.some((s) => s.kind === 'resource');
}

/** Whether the facts hold a discharge order list (a discharge note's orders, or a discharge MedicationRequest). */
export function hasDischargeOrders(facts: readonly Fact[]): boolean {
  return facts.some(
    (f) =>
      (f.section !== undefined && DISCHARGE_SECTIONS.has(f.section) && f.qualifiers?.dischargeList === 'true') ||
      (f.category === 'medication' && f.qualifiers?.category?.split(',').includes('discharge')),
  );
}

/** The events one fact tells of. */
function eventsOf(f: Fact, seq: () => number): RawEvent[] {
  const when = whenOf(f);
  const base = { fact: f, coded: !isNoteFact(f), ...(resourceOf(f) ? { resource: resourceOf(f)! } : {}) };
  /** An event of this fact; `timeText` given (even undefined) replaces the fact's own time. */
  const at = (kind: RawEvent['kind'], extra: Partial<RawEvent> = {}): RawEvent => {
    const text = 'timeText' in extra ? extra.timeText : when;
    const t = instant(text);
    const { timeText: _t, ...rest } = extra;
    return {
      kind,
      key: t ?? Number.NaN,
      seq: seq(),
      ...(t !== undefined ? { time: t, timeText: text } : {}),
      ...(f.dosage ? { dosage: f.dosage } : {}),
      ...base,
      ...rest,
    } as RawEvent;
  };
  const kind = f.qualifiers?.kind;
  const out: RawEvent[] = [];
  // Orders and statements; a coded fact that does not say which resource it came from is read by its status alike.
  if (kind === 'MedicationRequest' || kind === 'MedicationStatement' || (kind === undefined && !isNoteFact(f))) {
    const status = f.status ?? 'active';
    if (
      status === 'entered-in-error' ||
      status === 'cancelled' ||
      status === 'not-taken' ||
      status === 'draft' ||
      status === 'intended' ||
      status === 'not-done'
    )
      return [];
    const intent = f.qualifiers?.intent;
    if (
      kind === 'MedicationRequest' &&
      intent &&
      intent !== 'order' &&
      intent !== 'original-order' &&
      intent !== 'reflex-order' &&
      intent !== 'filler-order' &&
      intent !== 'instance-order'
    ) {
      return [at('mentioned')];
    }
    const categories = f.qualifiers?.category?.split(',') ?? [];
    const noteCues = f.qualifiers?.note ? medicationCuesIn(f.qualifiers.note) : [];
    const oneOff = f.qualifiers?.timingCount === '1' || noteCues.some((c) => c.kind === 'one-off' && !c.dosage);
    // A loading dose the order's note describes comes first ("负荷量300mg后改为75mg每日一次").
    const loading = noteCues[0]?.kind === 'one-off' && noteCues[0].dosage ? noteCues[0] : undefined;
    if (loading) out.push(at('one-off', { dosage: loading.dosage!, reason: undefined }));
    if (categories.includes('discharge')) out.push(at('discharge'));
    else if (oneOff) out.push(at('one-off'));
    else if (!loading || !noteCues.some((c) => c.kind === 'dose-changed'))
      out.push(at(f.dosage?.asNeeded ? 'prn' : loading ? 'dose-changed' : 'started'));
    // The request's own note: "负荷量300mg后改为75mg每日一次", "2024-02-22 血钾6.5mmol/L，停用".
    for (const c of noteCues) {
      if (c === loading || (c.kind === 'one-off' && !c.dosage)) continue;
      out.push(
        at(c.kind, {
          timeText: c.time,
          ...(c.reason ? { reason: c.reason } : {}),
          ...(c.reasonKind ? { reasonKind: c.reasonKind } : {}),
          ...(c.dosage ? { dosage: c.dosage } : { dosage: undefined }),
        }),
      );
    }
    const end = instant(f.time?.end) !== undefined ? f.time?.end : undefined;
    const reason = f.qualifiers?.statusReason;
    const r = reason ? { reason } : {};
    const hasNoteEvent = (k: string) => noteCues.some((c) => c.kind === k);
    if (status === 'stopped' && !hasNoteEvent('stopped')) out.push(at('stopped', { timeText: end, ...r }));
    if (status === 'on-hold' && !hasNoteEvent('held')) out.push(at('held', { timeText: undefined, ...r }));
    if (status === 'completed') out.push(at('completed', { timeText: end }));
    // An acute course (courseOfTherapyType `acute`) still marked active whose days have run out has finished.
    const days = Number(f.qualifiers?.courseDays);
    const started = instant(when);
    if (
      (status === 'active' || status === 'unknown') &&
      f.qualifiers?.courseOfTherapy === 'acute' &&
      days > 0 &&
      started !== undefined &&
      end === undefined
    ) {
      out.push(at('completed', { timeText: new Date(started + days * 86_400_000).toISOString() }));
    }
    return out;
  }
  if (kind === 'MedicationAdministration') {
    if (f.status === 'not-done' || f.status === 'entered-in-error') return [];
    return [at('given')];
  }
  // A note fact.
  if (f.assertion === 'hypothetical' || f.assertion === 'family' || f.assertion === 'possible') return [];
  const cues = medicationEventsOf(f);
  const inDischargeList =
    f.section !== undefined && DISCHARGE_SECTIONS.has(f.section) && f.qualifiers?.dischargeList === 'true';
  for (const c of cues) {
    out.push(
      at(c.kind, {
        ...(instant(c.time) !== undefined ? { timeText: c.time } : {}),
        ...(c.reason ? { reason: c.reason } : {}),
        ...(c.reasonKind ? { reasonKind: c.reasonKind } : {}),
        ...(c.dosage ? { dosage: c.dosage } : {}),
      }),
    );
  }
  const stops = cues.some((c) => c.kind === 'stopped' || c.kind === 'held');
  if (inDischargeList && !stops && f.assertion !== 'absent') out.push(at('discharge'));
  if (out.length === 0) {
    if (f.assertion === 'absent') return [];
    out.push(at(f.assertion === 'historical' ? 'mentioned' : f.dosage?.asNeeded ? 'prn' : 'mentioned'));
  }
  return out;
}

/** Groups medication facts by drug: a shared code, or the same ingredient name (盐酸二甲双胍片 = 二甲双胍 = metformin by code). */
function groupByDrug(facts: readonly Fact[]): Fact[][] {
  const parent = facts.map((_, i) => i);
  const find = (i: number): number => {
    while (parent[i] !== i) {
      parent[i] = parent[parent[i]!]!;
      i = parent[i]!;
    }
    return i;
  };
  const owner = new Map<string, number>();
  facts.forEach((f, i) => {
    for (const k of [...codeKeys(f.concept), ...nameKeys(f.concept, 'medication').map((n) => `n|${n}`)]) {
      const j = owner.get(k);
      if (j === undefined) owner.set(k, i);
      else parent[find(i)] = find(j);
    }
  });
  const groups = new Map<number, Fact[]>();
  facts.forEach((f, i) => {
    const r = find(i);
    const g = groups.get(r);
    if (g) g.push(f);
    else groups.set(r, [f]);
  });
  return [...groups.values()];
}

/** The concept to show: a coded one (RxNorm / ATC) over a note's, with both languages where known. */
function courseConcept(facts: readonly Fact[]): Concept {
  const coded = facts.find((f) => !isNoteFact(f));
  const first = coded ?? facts[0]!;
  const zh = first.concept.displayZh ?? facts.find((f) => f.concept.displayZh)?.concept.displayZh;
  const en = first.concept.display ?? facts.find((f) => f.concept.display)?.concept.display;
  return { ...first.concept, ...(en ? { display: en } : {}), ...(zh ? { displayZh: zh } : {}) };
}

/**
 * One course per drug from the facts (any mix of coded and note facts), statuses at `options.at`
 * (default the window's end). Facts that are not medications, not about the patient, hypothetical
 * (draft orders, "如需…") or denials without a change cue ("避免使用青霉素类") start no course.
 */
export function medicationCourses(facts: readonly Fact[], options: MedicationCourseOptions = {}): MedicationCourse[] {
  // A bare date means the whole of that day.
  const atText = options.at ?? options.window?.end;
  const atStart = instant(atText);
  const atMs = atStart === undefined ? undefined : endOfDay(atText!, atStart);
  const windowStart = instant(options.window?.start);
  const windowEnd = instant(options.window?.end);
  const meds = facts.filter(
    (f) => f.category === 'medication' && f.subject.who === 'patient' && f.status !== 'entered-in-error',
  );
  let n = 0;
  const seq = () => n++;
  const dischargeListed = hasDischargeOrders(facts);
  const courses: MedicationCourse[] = [];
  for (const group of groupByDrug(meds)) {
    let events = group.flatMap((f) => eventsOf(f, seq));
    // In the stay: nothing that began after its end; a coded order that ended before it began is another stay's.
    events = events.filter((e) => {
      const t = e.time;
      if (t !== undefined && windowEnd !== undefined && t > endOfDay(options.window!.end!, windowEnd)) return false;
      if (t !== undefined && atMs !== undefined && t > atMs) return false;
      if (windowStart !== undefined && e.coded) {
        const end = instant(e.fact.time?.end);
        if (end !== undefined && end < windowStart) return false;
      }
      return true;
    });
    if (events.length === 0) continue;
    order(events, atMs);
    let course = fold(group, events, atMs);
    if (!course) continue;
    // Notes only, a discharge order list that leaves the drug out, and the drug last told of in the
    // course of the stay (诊疗经过: "予莫西沙星…抗感染") — a course given during the stay and finished.
    if (dischargeListed && !course.discharge && course.status === 'active' && events.every((e) => !e.coded)) {
      const last = events.filter((e) => e.kind !== 'mentioned' || e.fact.assertion === 'present').pop();
      if (last?.fact.section === 'hospital_course') course = { ...course, status: 'completed' };
    }
    courses.push(course);
  }
  return courses.sort((a, b) => rank(a.status) - rank(b.status) || label(a.concept).localeCompare(label(b.concept)));
}

function endOfDay(t: string, ms: number): number {
  return /^\d{4}-\d{2}-\d{2}$/.test(t) ? ms + 86_400_000 - 1 : ms;
}

function label(c: Concept): string {
  return c.displayZh ?? c.display ?? c.code;
}

function rank(s: MedicationStatus): number {
  return ['active', 'prn', 'held', 'one-off', 'stopped', 'completed', 'unknown'].indexOf(s);
}

const REPLACED_WITHIN = 7 * 86_400_000;

/**
 * Sorts events in time. An event whose time is unknown sorts where the record puts it: a coded
 * stop right after its own order started (or before the drug's next order), a note's event at its
 * note's place among the others.
 */
function order(events: RawEvent[], atMs: number | undefined): void {
  // Known times first, in order.
  const starts = events.filter(
    (e) =>
      e.time !== undefined &&
      e.coded &&
      (e.kind === 'started' || e.kind === 'prn' || e.kind === 'discharge' || e.kind === 'one-off'),
  );
  let lastKnown = Number.NEGATIVE_INFINITY;
  for (const e of events) if (e.time !== undefined) lastKnown = Math.max(lastKnown, e.time);
  let previous = Number.NEGATIVE_INFINITY;
  for (const e of events) {
    if (e.time !== undefined) {
      e.key = e.time;
      previous = e.time;
      continue;
    }
    if (e.coded && (e.kind === 'stopped' || e.kind === 'completed' || e.kind === 'held')) {
      const own = events.find((x) => x.resource === e.resource && x.time !== undefined);
      const from = own?.time ?? previous;
      const next = starts.filter((x) => x.resource !== e.resource && x.time! > from).map((x) => x.time!);
      // Before the drug's next order, else after everything known about it.
      e.key = next.length
        ? Math.min(...next) - 1
        : Math.max(from + 1, Math.min(lastKnown + 1, atMs ?? Number.POSITIVE_INFINITY));
      // An order stopped at an unknown time and followed within a week by a new order of the same
      // drug was replaced by it (how EHRs change a dose: discontinue and re-order), not stopped.
      if (
        next.length &&
        e.kind === 'stopped' &&
        own?.time !== undefined &&
        Math.min(...next) - own.time <= REPLACED_WITHIN
      )
        e.kind = 'replaced';
    } else {
      e.key = previous;
    }
  }
  events.sort((a, b) => a.key - b.key || a.seq - b.seq);
}

function fold(
  group: readonly Fact[],
  events: readonly RawEvent[],
  atMs: number | undefined,
): MedicationCourse | undefined {
  let status: MedicationStatus = 'unknown';
  let dosage: Dosage | undefined;
  let discharge = false;
  let everStarted = false;
  const out: {
    kind: MedicationEventKind;
    time?: number;
    timeText?: string;
    reason?: string;
    reasonKind?: string;
    dosage?: Dosage;
    facts: Fact[];
  }[] = [];
  const push = (e: RawEvent, kind: MedicationEventKind) => {
    const last = out[out.length - 1];
    // The same event told again (the order, the progress note and the discharge note all say 停用): one event, every source.
    if (
      last &&
      last.kind === kind &&
      (kind === 'stopped' ||
        kind === 'held' ||
        kind === 'discharge' ||
        kind === 'started' ||
        kind === 'prn' ||
        (kind === 'dose-changed' && sameDose(last.dosage, e.dosage)))
    ) {
      if (!last.facts.includes(e.fact)) last.facts.push(e.fact);
      if (e.time !== undefined && (last.time === undefined || e.time < last.time)) {
        last.time = e.time;
        last.timeText = e.timeText;
      }
      if (e.reason && (!last.reason || better(e.reasonKind, last.reasonKind))) {
        last.reason = e.reason;
        last.reasonKind = e.reasonKind;
      }
      if (!last.dosage && e.dosage && kind !== 'stopped' && kind !== 'held') last.dosage = e.dosage;
      return;
    }
    // A stop or hold has no dose after it.
    const dose = kind === 'stopped' || kind === 'held' ? undefined : e.dosage;
    out.push({
      kind,
      ...(e.time !== undefined ? { time: e.time, timeText: e.timeText } : {}),
      ...(e.reason ? { reason: e.reason, reasonKind: e.reasonKind } : {}),
      ...(dose ? { dosage: dose } : {}),
      facts: [e.fact],
    });
  };
  const attach = (e: RawEvent) => {
    const last = out[out.length - 1];
    if (last && !last.facts.includes(e.fact)) last.facts.push(e.fact);
  };
  const counted = (e: RawEvent) => atMs === undefined || e.key <= atMs || Number.isNaN(e.key);
  const administrations = events.filter((e) => e.kind === 'given');
  const ordered = events.some((e) => e.coded && e.kind !== 'given' && e.kind !== 'mentioned');
  for (const e of events) {
    if (!counted(e)) continue;
    switch (e.kind) {
      case 'started':
      case 'prn': {
        if (status === 'active' || status === 'prn') {
          if (e.dosage && dosage && !sameDose(dosage, e.dosage) && e.coded) push(e, 'dose-changed');
          else attach(e);
        } else push(e, status === 'stopped' || status === 'held' ? 'resumed' : e.kind);
        status = e.kind === 'prn' ? 'prn' : 'active';
        everStarted = true;
        if (e.dosage) dosage = e.dosage;
        break;
      }
      case 'resumed':
        push(e, status === 'active' ? 'started' : 'resumed');
        status = e.dosage?.asNeeded ? 'prn' : 'active';
        everStarted = true;
        if (e.dosage) dosage = e.dosage;
        break;
      case 'continued':
      case 'mentioned': {
        if (
          e.kind === 'continued' &&
          (status === 'unknown' ||
            status === 'stopped' ||
            status === 'completed' ||
            status === 'held' ||
            status === 'one-off')
        ) {
          push(e, status === 'unknown' ? 'started' : 'resumed');
          status = e.dosage?.asNeeded ? 'prn' : 'active';
          everStarted = true;
        } else if (e.kind === 'mentioned' && status === 'unknown' && e.fact.assertion === 'present' && !e.coded) {
          push(e, e.dosage?.asNeeded ? 'prn' : 'started');
          status = e.dosage?.asNeeded ? 'prn' : 'active';
          everStarted = true;
        } else if (e.kind === 'mentioned' && status === 'unknown' && e.fact.assertion === 'historical') {
          // "长期口服华法林" in the history: taken before admission; active unless told otherwise.
          push(e, 'started');
          status = 'active';
          everStarted = true;
        } else attach(e);
        // A note restating the dose does not override an order's (a differing one is a conflict, not a change).
        if (e.dosage && (status === 'active' || status === 'prn') && e.dosage.dose && (!ordered || !dosage))
          dosage = { ...dosage, ...e.dosage };
        break;
      }
      case 'dose-changed':
        push(e, 'dose-changed');
        status = e.dosage?.asNeeded ? 'prn' : 'active';
        everStarted = true;
        if (e.dosage) dosage = e.dosage;
        break;
      case 'stopped':
        // "之后未再使用" after a single dose: still a one-off.
        if (status === 'one-off') {
          attach(e);
          if (e.reason && out.length) out[out.length - 1]!.reason ??= e.reason;
        } else {
          push(e, 'stopped');
          status = 'stopped';
        }
        discharge = false;
        break;
      case 'held':
        push(e, 'held');
        status = 'held';
        discharge = false;
        break;
      case 'replaced':
        attach(e);
        break;
      case 'completed':
        attach(e);
        if (status === 'active' || status === 'prn' || status === 'unknown') status = 'completed';
        break;
      case 'one-off':
        push(e, 'one-off');
        if (
          !everStarted ||
          status === 'one-off' ||
          status === 'unknown' ||
          status === 'stopped' ||
          status === 'completed'
        )
          status = 'one-off';
        if (!dosage && e.dosage) dosage = e.dosage;
        break;
      case 'given': {
        // An administration under an order is that order being carried out; with no order, a single one is a one-off.
        // Given under an order the facts do not hold (`request`): that order is being carried out.
        if (ordered) attach(e);
        else if (administrations.length === 1 && !e.fact.qualifiers?.request) {
          push(e, 'one-off');
          status = 'one-off';
          if (e.dosage) dosage = e.dosage;
        } else {
          if (status !== 'active') push(e, 'started');
          status = 'active';
          everStarted = true;
          if (e.dosage) dosage = e.dosage;
        }
        break;
      }
      case 'discharge':
        push(e, 'discharge');
        discharge = true;
        status = e.dosage?.asNeeded ? 'prn' : 'active';
        everStarted = true;
        if (e.dosage) dosage = e.dosage;
        break;
    }
  }
  if (out.length === 0) return undefined;
  const allFacts = [...new Set(events.map((e) => e.fact))];
  const sources = uniqueSources(allFacts.flatMap((f) => f.sources));
  const medEvents: MedicationEvent[] = out.map((e) => ({
    kind: e.kind,
    ...(e.time !== undefined ? { time: e.timeText ?? new Date(e.time).toISOString() } : {}),
    ...(e.reason ? { reason: e.reason } : {}),
    ...(e.dosage ? { dosage: e.dosage } : {}),
    factIds: e.facts.map((f) => f.id),
    sources: uniqueSources(e.facts.flatMap((f) => f.sources)),
  }));
  return {
    concept: courseConcept(group),
    status,
    discharge,
    ...(dosage ? { dosage } : {}),
    events: medEvents,
    factIds: allFacts.map((f) => f.id),
    sources,
  };
}

/** A reason that names a condition beats a value, which beats free text. */
function better(a: string | undefined, b: string | undefined): boolean {
  const r = (k: string | undefined) => (k === 'condition' ? 2 : k === 'value' ? 1 : 0);
  return r(a) > r(b);
}

function sameDose(a: Dosage | undefined, b: Dosage | undefined): boolean {
  const qa = a?.dose;
  const qb = b?.dose;
  if (!qa || !qb) return true;
  if (qa.unit !== qb.unit || Math.abs(qa.value - qb.value) > 1e-9) return false;
  const fa = a?.frequency?.perDay;
  const fb = b?.frequency?.perDay;
  return fa === undefined || fb === undefined || Math.abs(fa - fb) < 1e-9;
}

function uniqueSources(sources: readonly Source[]): Source[] {
  const seen = new Set<string>();
  return sources.filter((s) => {
    const k = sourceKey(s);
    if (seen.has(k)) return false;
    seen.add(k);
    return true;
  });
}
