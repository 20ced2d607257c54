import type { Fact, PatientState, TimelineEvent } from '../core/index.js';
import { invalid, stableId } from '../core/index.js';

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
  if (!event) throw invalid(encounterId ? `encounter ${encounterId} not found for patient ${state.patientId}` : `patient ${state.patientId} has no encounter`, { field: 'encounterId' });
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
