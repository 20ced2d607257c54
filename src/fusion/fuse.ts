import type { DocumentReference, Encounter, Patient } from 'fhir/r4.js';
import type { Fact, MedicationCourse, PatientState, TimelineEvent } from '../core/index.js';
import { conceptLabel, invalid, sourceKey } from '../core/index.js';
import type { Crosswalk } from './crosswalk.js';
import { demographicsOf } from './demographics.js';
import type { AnyResource } from './fhir.js';
import { factStart, instant, referenceId } from './fhir.js';
import { mergeGenotypes } from './genotype.js';
import { spaceOf } from './map-context.js';
import { encounterEvent } from './encounter.js';
import { resourceToFacts } from './map-resource.js';
import { medicationCourses } from './medication-courses.js';
import { isCurrentNote, noteDate } from './note-text.js';
import { type DatedFact, reconcile } from './reconcile.js';
import { buildTimeline } from './timeline.js';

export interface FuseOptions {
  /** The moment the state describes (ISO-8601). Default: the focused encounter's end, else now. */
  readonly at?: string;
  /** Focus on one encounter (`Encounter` id): the state as it stood at its end. */
  readonly encounterId?: string;
  /** Equivalent codes and names (from the knowledge graph's lexicon) to match concepts across code systems. */
  readonly crosswalk?: Crosswalk;
}

/** Resource element naming the patient, by type (most use `subject`). */
export function patientOf(r: AnyResource): string | undefined {
  const ref = (r.subject ?? r.patient) as { reference?: string } | undefined;
  return referenceId(ref);
}

/**
 * Records + note facts → the PatientState at one moment (pure).
 * `patient` is the Patient resource (or just its id); `resources` any FHIR resources of the
 * patient (others' are ignored); `noteFacts` what the NLP stage extracted from the patient's notes
 * (their TextSource `document` names the DocumentReference, whose date places them in time).
 * Nothing that had not happened by `at` is in the state: facts that start later, notes written later
 * (a bare date `at` covers that whole day, UTC).
 */
export function fuse(
  patient: AnyResource | string,
  resources: readonly AnyResource[],
  noteFacts: readonly Fact[],
  options: FuseOptions = {},
): PatientState {
  const patientResource =
    typeof patient === 'string'
      ? (resources.find((r) => r.resourceType === 'Patient' && r.id === patient) as AnyResource | undefined)
      : patient;
  const patientId = typeof patient === 'string' ? patient : patient.id;
  if (!patientId) throw invalid('the patient has no id', { field: 'Patient.id' });
  const own = resources.filter((r) => {
    const p = patientOf(r);
    return p === undefined || p === patientId;
  });
  const byRef = new Map<string, AnyResource>();
  for (const r of own) {
    if (r.id) byRef.set(`${r.resourceType}/${r.id}`, r);
  }
  const resolve = (reference: string): AnyResource | undefined => {
    const direct = byRef.get(reference.split('/_history/')[0]!.split('/').slice(-2).join('/'));
    if (direct) return direct;
    const id = referenceId(reference);
    return own.find((r) => r.id === id);
  };

  let encounter: (Encounter & AnyResource) | undefined;
  if (options.encounterId) {
    encounter = own.find((r) => r.resourceType === 'Encounter' && r.id === options.encounterId) as
      | (Encounter & AnyResource)
      | undefined;
    if (!encounter)
      throw invalid(`encounter '${options.encounterId}' is not in this patient's record`, { field: 'encounterId' });
  }
  const at = options.at ?? encounter?.period?.end ?? new Date().toISOString();
  const atStart = instant(at);
  if (atStart === undefined) throw invalid(`'${at}' is not a date or date-time`, { field: 'at' });
  // A bare date means the whole of that day (a state "on 2024-03-05" includes that day's results).
  const atMs = /^\d{4}(-\d{2}){0,2}$/.test(at) ? endOfPeriod(at) : atStart;
  const ctx = { patientId, at: atMs, resolve };
  const happened = (f: Fact) => {
    const t = factStart(f.time);
    return t === undefined || t <= atMs;
  };

  const enrich = (f: Fact) => options.crosswalk?.enrichFact(f) ?? f;
  const coded = mergeGenotypes(own.flatMap((r) => resourceToFacts(r, ctx)).filter(happened)).map(enrich);

  // Notes: placed at their DocumentReference's date; notes written after `at`, or retracted, are out.
  const documents = new Map<string, { date?: number; current: boolean }>();
  for (const r of own) {
    if (r.resourceType !== 'DocumentReference') continue;
    const d = r as DocumentReference & AnyResource;
    documents.set(`DocumentReference/${d.id}`, { date: instant(noteDate(d)), current: isCurrentNote(d) });
  }
  const dated: DatedFact[] = [];
  for (const f of noteFacts) {
    if (f.patientId !== patientId) continue;
    const doc = f.sources.find((s) => s.kind === 'text');
    const info = doc?.kind === 'text' ? documents.get(doc.document) : undefined;
    if (info && !info.current) continue;
    const noteTime = info?.date ?? instant(f.time?.anchor);
    if (noteTime !== undefined && noteTime > atMs) continue;
    if (!happened(f)) continue;
    dated.push({ fact: enrich(f), ...(noteTime !== undefined ? { noteTime } : {}) });
  }

  const { facts, conflicts } = reconcile(coded, dated);
  const medications = reconcileMedications(coded, dated, facts, at, encounter);
  const encounters = own
    .filter((r) => r.resourceType === 'Encounter')
    .map((r) => encounterEvent(r as Encounter & AnyResource))
    .filter((e): e is TimelineEvent => !!e && (instant(e.time) ?? 0) <= atMs);
  const noteEvents = [...documents.entries()]
    .filter(([, d]) => d.current && d.date !== undefined && d.date <= atMs)
    .map(([document, d]): TimelineEvent => {
      const ids = facts
        .filter((f) => f.sources.some((s) => s.kind === 'text' && s.document === document))
        .map((f) => f.id);
      const r = byRef.get(document) as (DocumentReference & AnyResource) | undefined;
      const label = r?.description ?? r?.type?.text ?? r?.type?.coding?.[0]?.display ?? 'Note';
      return {
        time: new Date(d.date!).toISOString(),
        kind: 'note',
        label,
        factIds: ids,
        sources: [{ kind: 'resource', resourceType: 'DocumentReference', id: document.split('/')[1]! }],
      };
    });

  return {
    patientId,
    at,
    demographics: demographicsOf(patientResource as Patient | undefined, at, facts),
    ...spacesOf(facts),
    timeline: buildTimeline(facts, [...encounters, ...noteEvents]),
    conflicts,
    ...(options.encounterId ? { encounterId: options.encounterId } : {}),
    medications,
  };
}

/** `localeCompare` with no locale or options is this collator's `compare` (ECMA-402), without making one per call. */
const byName = new Intl.Collator();

/** A fact's start (ms), parsed once per fact object: a cached fact is parsed once for all calls. */
const starts = new WeakMap<Fact, number | undefined>();
export function startOf(f: Fact): number | undefined {
  if (starts.has(f)) return starts.get(f);
  const t = factStart(f.time);
  starts.set(f, t);
  return t;
}

/**
 * The state's three spaces, each latest first and then by name (each fact's start and name worked
 * out once: sorting a large record compared names thousands of times).
 */
export function spacesOf(facts: readonly Fact[]): Pick<PatientState, 'phenotype' | 'intervention' | 'biology'> {
  const spaces = { phenotype: [] as Fact[], intervention: [] as Fact[], biology: [] as Fact[] };
  for (const f of facts) {
    const space = spaceOf(f.category);
    if (space === 'phenotype' || space === 'intervention' || space === 'biology') spaces[space].push(f);
  }
  const keys = new Map(facts.map((f) => [f, { start: startOf(f) ?? 0, label: '' }]));
  const order = (a: Fact, b: Fact) => {
    const ka = keys.get(a)!;
    const kb = keys.get(b)!;
    if (ka.start !== kb.start) return kb.start - ka.start;
    ka.label ||= conceptLabel(a.concept);
    kb.label ||= conceptLabel(b.concept);
    return byName.compare(ka.label, kb.label);
  };
  spaces.phenotype.sort(order);
  spaces.intervention.sort(order);
  spaces.biology.sort(order);
  return spaces;
}

/**
 * Medication reconciliation for the state: courses built from the facts before notes were merged
 * into orders (a note's 停用 / 出院医嘱 cue stays its own event), then pointed at the state's facts
 * (a merged note fact is known by the fact it merged into). Notes without a date of their own are
 * placed at their DocumentReference's date.
 */
export function reconcileMedications(
  coded: readonly Fact[],
  dated: readonly DatedFact[],
  facts: readonly Fact[],
  at: string,
  encounter: (Encounter & AnyResource) | undefined,
): MedicationCourse[] {
  const noteFacts = dated.map(({ fact, noteTime }) =>
    fact.category === 'medication' && noteTime !== undefined && !fact.qualifiers?.noteDate
      ? { ...fact, qualifiers: { ...fact.qualifiers, noteDate: new Date(noteTime).toISOString() } }
      : fact,
  );
  const window = encounter?.period
    ? {
        ...(encounter.period.start ? { start: encounter.period.start } : {}),
        ...(encounter.period.end ? { end: encounter.period.end } : {}),
      }
    : undefined;
  const courses = medicationCourses([...coded, ...noteFacts], { at, ...(window ? { window } : {}) });
  const ids = new Set(facts.map((f) => f.id));
  const bySource = new Map<string, string>();
  for (const f of facts) for (const s of f.sources) if (s.kind === 'text') bySource.set(sourceKey(s), f.id);
  const original = new Map(noteFacts.map((f) => [f.id, f]));
  const remap = (id: string): string => {
    if (ids.has(id)) return id;
    const f = original.get(id);
    const s = f?.sources.find((x) => x.kind === 'text');
    return (s && bySource.get(sourceKey(s))) ?? id;
  };
  const remapAll = (list: readonly string[]) => [...new Set(list.map(remap))].filter((id) => ids.has(id));
  return courses.map((c) => ({
    ...c,
    factIds: remapAll(c.factIds),
    events: c.events.map((e) => ({ ...e, factIds: remapAll(e.factIds) })),
  }));
}

/** The last millisecond of a year, month or day written as `2024`, `2024-03` or `2024-03-05` (UTC). */
export function endOfPeriod(t: string): number {
  const [y, m, d] = t.split('-').map(Number) as [number, number | undefined, number | undefined];
  if (d !== undefined) return Date.UTC(y, m! - 1, d + 1) - 1;
  if (m !== undefined) return Date.UTC(y, m, 1) - 1;
  return Date.UTC(y + 1, 0, 1) - 1;
}
