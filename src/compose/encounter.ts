import type { Fact, PatientState, TimelineEvent } from '../core/index.js';
import { invalid, stableId } from '../core/index.js';
import { type AnyResource, isCurrentNote, noteText } from '../fusion/index.js';

/** The encounter a document is about, and the facts that fall within it. */
export interface EncounterWindow {
  readonly event: TimelineEvent;
  readonly encounterId: string;
  readonly start: number;
  readonly end: number;
  /** A fact standing for the encounter itself (its dates), so the dates can be cited like any fact. */
  readonly fact: Fact;
}

const ms = (t: string | undefined) => (t ? Date.parse(t) : Number.NaN);

/** The focused encounter (by id), else the latest encounter of the state. */
export function encounterWindow(state: PatientState, encounterId = state.encounterId): EncounterWindow {
  const encounters = state.timeline.filter((e) => e.kind === 'encounter');
  const idOf = (e: TimelineEvent) => e.sources.find((s) => s.kind === 'resource' && s.resourceType === 'Encounter');
  const event = encounterId
    ? encounters.find((e) => {
        const s = idOf(e);
        return s?.kind === 'resource' && s.id === encounterId;
      })
    : [...encounters].sort((a, b) => stayRank(b) - stayRank(a) || ms(b.time) - ms(a.time))[0];
  if (!event)
    throw invalid(
      encounterId
        ? `encounter ${encounterId} not found for patient ${state.patientId}`
        : `patient ${state.patientId} has no encounter`,
      { field: 'encounterId' },
    );
  const src = idOf(event);
  const id = src?.kind === 'resource' ? src.id : stableId(event.time, event.label);
  const start = ms(event.time);
  const end = Number.isNaN(ms(event.end)) ? start : ms(event.end);
  const fact: Fact = {
    id: stableId('encounter', id),
    patientId: state.patientId,
    category: 'encounter',
    concept: { system: 'urn:medseek:encounter', code: id, display: event.label },
    assertion: 'present',
    subject: { who: 'patient' },
    time: { start: event.time, ...(event.end ? { end: event.end } : {}) },
    sources: event.sources,
  };
  return { event, encounterId: id, start, end, fact };
}

/** Inpatient stays first, then emergency visits, then the rest: a discharge summary is about a stay. */
function stayRank(e: TimelineEvent): number {
  if (/\((IMP|ACUTE|NONAC|inpatient)[^)]*\)|住院/i.test(e.label)) return 2;
  if (/\((EMER|emergency)[^)]*\)|急诊/i.test(e.label)) return 1;
  return 0;
}

/** Whether a fact started within the window (a day's slack either side: orders and results cluster at the edges). */
export function startedWithin(f: Fact, w: EncounterWindow): boolean {
  const t = ms(f.time?.start);
  const day = 86_400_000;
  return !Number.isNaN(t) && t >= w.start - day && t <= w.end + day;
}

/**
 * A date-time as the record wrote it, to the minute, in the record's own clock (SY2016 第八条:
 * 入院时间 to the minute): `2024-02-20T15:10:00+08:00` → `2024-02-20 15:10`. A bare date stays a date.
 */
export function dateTime(t: string | undefined): string {
  if (!t) return '';
  const m = /^(\d{4}-\d{2}-\d{2})(?:T(\d{2}:\d{2}))?/.exec(t);
  if (!m) return t;
  return m[2] ? `${m[1]} ${m[2]}` : m[1]!;
}

/** The calendar day of a date-time in the record's own clock. */
export function day(t: string | undefined): string {
  return (t ?? '').slice(0, 10);
}

/**
 * Days in hospital the way hospital statistics count them: discharge day minus admission day, a
 * stay begun and ended on one day counting as one (卫生统计 实际住院天数: 入院日与出院日只计一天).
 */
export function stayDays(w: EncounterWindow): number | undefined {
  const a = Date.parse(day(w.event.time));
  const b = Date.parse(day(w.event.end));
  if (Number.isNaN(a) || Number.isNaN(b)) return undefined;
  return Math.max(1, Math.round((b - a) / 86_400_000));
}

/**
 * The readable notes among a patient's resources, as `composeDischargeSummary({ documents })` takes
 * them (`id` = `DocumentReference/<id>`, the name the facts' TextSources use). A note that is
 * superseded, entered in error or unreadable is left out.
 */
export function encounterDocuments(resources: readonly AnyResource[]): { id: string; text: string }[] {
  const out: { id: string; text: string }[] = [];
  for (const r of resources) {
    if (r.resourceType !== 'DocumentReference' || !r.id || !isCurrentNote(r)) continue;
    try {
      const n = noteText(r);
      if (n?.text.trim()) out.push({ id: n.document, text: n.text });
    } catch {
      // An undecodable attachment is no source to quote; extraction reports it elsewhere.
    }
  }
  return out;
}
