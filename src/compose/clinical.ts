import type { Fact, Lang, MedicationCourse, PatientState } from '../core/index.js';
import { CodeSystems, conceptLabel } from '../core/index.js';
import { fold } from '../nlp/index.js';
import type { EncounterWindow } from './encounter.js';

/**
 * What a discharge summary says about a stay, chosen from the fused state: which conditions were the
 * stay's diagnoses (principal first, each once), which results were abnormal by their own reference
 * range, which drugs went home. Pure selection; the wording is in discharge.ts.
 */

export const DAY = 86_400_000;

export const ms = (t: string | undefined): number => (t ? Date.parse(t) : Number.NaN);

/** Start of a fact (NaN when unknown). */
export const startOf = (f: Fact): number => ms(f.time?.start);

// ── Result flags ─────────────────────────────────────────────────────────────────────────────

/** How a result stands against its own reference range (or the laboratory's interpretation code). */
export type ResultFlag = 'high' | 'low' | 'abnormal' | 'critical-high' | 'critical-low' | 'critical';

/**
 * The flag of a measurement, from the result itself: a critical interpretation (HL7 v3
 * ObservationInterpretation HH / LL / AA) first, since reference ranges carry no critical limits;
 * then the result's own reference range where its unit is the value's; else the interpretation
 * code (H, L, A, and the "significantly" / "outside threshold" variants). No population default is
 * ever applied: a result without a range or a code is not flagged (eGFR 84 is abnormal only where
 * its own range or the laboratory says so).
 */
export function resultFlag(f: Fact): ResultFlag | undefined {
  if (f.category !== 'measurement' || !f.value) return undefined;
  const code = f.interpretation?.toUpperCase();
  if (code === 'HH' || code === 'H>') return 'critical-high';
  if (code === 'LL' || code === 'L<') return 'critical-low';
  if (code === 'AA') return 'critical';
  const r = f.referenceRange;
  const v = f.value.value;
  if (r && (r.low !== undefined || r.high !== undefined) && (!r.unit || r.unit === f.value.unit)) {
    if (r.low !== undefined && v < r.low) return 'low';
    if (r.high !== undefined && v > r.high) return 'high';
    return undefined;
  }
  if (code === 'H' || code === 'HU' || code === 'HX') return 'high';
  if (code === 'L' || code === 'LU' || code === 'LX') return 'low';
  if (code === 'A' || code === 'POS' || code === 'DET') return 'abnormal';
  return undefined;
}

export function isCritical(flag: ResultFlag | undefined): boolean {
  return flag === 'critical' || flag === 'critical-high' || flag === 'critical-low';
}

export function flagWord(flag: ResultFlag, lang: Lang): string {
  const zh: Record<ResultFlag, string> = {
    high: '偏高',
    low: '偏低',
    abnormal: '异常',
    'critical-high': '危急值，偏高',
    'critical-low': '危急值，偏低',
    critical: '危急值',
  };
  const en: Record<ResultFlag, string> = {
    high: 'high',
    low: 'low',
    abnormal: 'abnormal',
    'critical-high': 'critical value, high',
    'critical-low': 'critical value, low',
    critical: 'critical value',
  };
  return lang === 'zh' ? zh[flag] : en[flag];
}

/** Coded results of the patient (not a note's re-statement of them), one per resource. */
export function codedResults(facts: readonly Fact[]): Fact[] {
  return facts.filter(
    (f) =>
      f.category === 'measurement' &&
      f.value &&
      f.subject.who === 'patient' &&
      f.assertion === 'present' &&
      f.sources.some((s) => s.kind === 'resource'),
  );
}

/** The analyte a result measures (its LOINC or first code), so repeats of one test group together. */
export function analyteKey(f: Fact): string {
  const loinc = [f.concept, ...(f.concept.codings ?? [])].find((c) => c.system === CodeSystems.loinc);
  return loinc ? `loinc|${loinc.code}` : `${f.concept.system}|${f.concept.code}`;
}

// ── Diagnoses ────────────────────────────────────────────────────────────────────────────────

export interface Diagnosis {
  readonly fact: Fact;
  /** Every fact merged into this diagnosis (same concept or same code family), for citation. */
  readonly facts: readonly Fact[];
  /** Began during the stay (not present on admission). */
  readonly arose: boolean;
  /** Resolved by discharge. */
  readonly resolved: boolean;
  readonly principal: boolean;
}

const isCoded = (f: Fact) => f.sources.some((s) => s.kind === 'resource');

function icdCategory(f: Fact): string | undefined {
  const c = [f.concept, ...(f.concept.codings ?? [])].find((x) => /icd-?10/i.test(x.system));
  return c ? c.code.slice(0, 3).toUpperCase() : undefined;
}

function codesOf(f: Fact): string[] {
  return [f.concept, ...(f.concept.codings ?? [])].map((c) => `${c.system}|${c.code}`);
}

/** Folded names in both languages (parenthesised qualifiers dropped: "肺炎（右下肺）" is 肺炎). */
function namesOf(f: Fact): string[] {
  const c = f.concept;
  return [c.display, c.displayZh, ...(c.codings ?? []).flatMap((x) => [x.display, x.displayZh])]
    .filter((n): n is string => !!n)
    .flatMap((n) => [n, n.replace(/[（(][^）)]*[）)]/g, '')])
    .map((n) => fold(n).replace(/\s+/g, ' ').trim())
    .filter((n) => n.length >= 2);
}

/**
 * Whether two condition facts name one diagnosis: a shared code, the same ICD-10 category (the
 * three-character code family, WHO ICD-10 Vol. 2 §2.4), or one's name contained in the other's
 * ("心力衰竭" within "慢性心力衰竭急性加重"), in either language.
 */
export function sameDiagnosis(a: Fact, b: Fact): boolean {
  const ca = codesOf(a);
  if (codesOf(b).some((k) => ca.includes(k))) return true;
  const ia = icdCategory(a);
  if (ia && ia === icdCategory(b)) return true;
  const na = namesOf(a);
  const nb = namesOf(b);
  return na.some((x) =>
    nb.some((y) => x === y || (Math.min(x.length, y.length) >= 3 && (x.includes(y) || y.includes(x)))),
  );
}

/** Preference among facts naming one diagnosis: coded over note, current over past, the more specific name. */
function better(a: Fact, b: Fact): Fact {
  if (isCoded(a) !== isCoded(b)) return isCoded(a) ? a : b;
  const la = Math.max(...namesOf(a).map((n) => n.length), 0);
  const lb = Math.max(...namesOf(b).map((n) => n.length), 0);
  return lb > la ? b : a;
}

/** Groups facts naming the same diagnosis; the group's representative is the best-named coded fact. */
export function dedupeDiagnoses(facts: readonly Fact[]): { fact: Fact; facts: Fact[] }[] {
  const groups: { fact: Fact; facts: Fact[] }[] = [];
  for (const f of facts) {
    const g = groups.find((x) => x.facts.some((y) => sameDiagnosis(x.fact, f) || sameDiagnosis(y, f)));
    if (g) {
      g.facts.push(f);
      g.fact = better(g.fact, f);
    } else groups.push({ fact: f, facts: [f] });
  }
  return groups;
}

/** The reason the encounter gives (its label after "— "), e.g. "慢性心力衰竭急性加重". */
export function encounterReason(w: EncounterWindow): string | undefined {
  const m = /—\s*(.+)$/.exec(w.event.label);
  return m?.[1]?.trim() || undefined;
}

/**
 * The stay's diagnoses. Coded conditions (the 病案首页 / problem list) are the list where there are
 * any; conditions read from notes only where nothing is coded. A condition belongs to the stay when
 * it was going on during it (onset by discharge, not resolved before admission). Those that began
 * during the stay `arose`; those resolved by discharge are `resolved`. The principal diagnosis
 * (the encounter's reason, else the condition that brought the patient in: began within the month
 * before admission or on the admission day) comes first, then the others by onset, latest first.
 */
export function stayDiagnoses(state: PatientState, w: EncounterWindow): Diagnosis[] {
  const conditions = state.phenotype.filter(
    (f) =>
      f.category === 'condition' &&
      f.subject.who === 'patient' &&
      (f.assertion === 'present' || f.assertion === 'historical') &&
      f.status !== 'entered-in-error' &&
      f.status !== 'refuted',
  );
  const during = (f: Fact) => {
    const start = startOf(f);
    const end = ms(f.time?.end);
    if (!Number.isNaN(start) && start > w.end + DAY) return false;
    if (!Number.isNaN(end) && end < w.start - DAY) return false;
    // A note's "historical" condition with no end (既往史) is a past problem, not this stay's.
    if (f.assertion === 'historical' && Number.isNaN(end) && !isCoded(f)) return false;
    return true;
  };
  const coded = conditions.filter((f) => isCoded(f) && during(f));
  const fromNotes = conditions.filter(
    (f) => !isCoded(f) && during(f) && (f.section === 'assessment' || f.section === 'discharge_diagnosis'),
  );
  // Note conditions are kept only when they name a coded one (for citation) or nothing is coded.
  const pool =
    coded.length > 0 ? [...coded, ...fromNotes.filter((n) => coded.some((c) => sameDiagnosis(c, n)))] : fromNotes;
  const groups = dedupeDiagnoses(pool);
  const reason = encounterReason(w);
  const reasonName = reason ? fold(reason.replace(/[（(][^）)]*[）)]/g, '')).trim() : undefined;
  const isReason = (f: Fact) =>
    !!reasonName &&
    namesOf(f).some(
      (n) =>
        n === reasonName ||
        (Math.min(n.length, reasonName.length) >= 3 && (n.includes(reasonName) || reasonName.includes(n))),
    );
  const diagnoses = groups.map((g): Diagnosis & { onset: number } => {
    const start = Math.min(...g.facts.map(startOf).filter((t) => !Number.isNaN(t)));
    const end = Math.max(...g.facts.map((f) => ms(f.time?.end)).filter((t) => !Number.isNaN(t)));
    const arose = Number.isFinite(start) && start > w.start + DAY / 4;
    // Resolved by discharge: it ended by then; a coded status alone counts only without an end date
    // (a status is the record's word today: a fracture healed weeks later reads `resolved` too).
    const resolved = Number.isFinite(end)
      ? end <= w.end + DAY
      : g.facts.some((f) => f.status === 'resolved' || f.status === 'inactive' || f.status === 'remission');
    const principal = g.facts.some(isReason);
    return { fact: g.fact, facts: g.facts, arose, resolved, principal, onset: Number.isFinite(start) ? start : 0 };
  });
  if (!diagnoses.some((d) => d.principal)) {
    // No stated reason: the condition that began closest before admission (within a month).
    const recent = diagnoses
      .filter((d) => !d.arose && d.onset >= w.start - 30 * DAY && d.onset <= w.start + DAY)
      .sort((a, b) => b.onset - a.onset)[0];
    if (recent) (recent as { principal: boolean }).principal = true;
  }
  // One principal diagnosis (WHO ICD-10 Vol. 2 §4.4: the condition chiefly responsible for the stay).
  return diagnoses
    .sort(
      (a, b) =>
        Number(b.principal) - Number(a.principal) ||
        Number(a.arose) - Number(b.arose) ||
        b.onset - a.onset ||
        conceptLabel(a.fact.concept).localeCompare(conceptLabel(b.fact.concept)),
    )
    .map(({ onset: _onset, ...d }, i) => ({ ...d, principal: d.principal && i === 0 }));
}

// ── Medications ──────────────────────────────────────────────────────────────────────────────

export interface DrugChange {
  readonly course: MedicationCourse;
  readonly kind: 'new' | 'stopped' | 'dose-changed' | 'held';
  readonly reason?: string;
  readonly time?: string;
}

/** Sections of an admission note that describe what the patient took before coming in. */
const HOME_SECTIONS = new Set(['hpi', 'past_history', 'medications']);

/** Whether the patient was on the drug before the stay (an admission history mentions it, or a fact predates admission). */
export function takenBefore(c: MedicationCourse, byId: ReadonlyMap<string, Fact>, w: EncounterWindow): boolean {
  return c.factIds.some((id) => {
    const f = byId.get(id);
    if (!f) return false;
    if (f.section && HOME_SECTIONS.has(f.section) && f.assertion !== 'absent') return true;
    const t = startOf(f);
    return !Number.isNaN(t) && t < w.start - DAY;
  });
}

/** The discharge drugs (on the discharge orders only) and the changes the record states. */
export function medicationPlan(state: PatientState, w: EncounterWindow, byId: ReadonlyMap<string, Fact>) {
  const courses = (state.medications ?? []).filter((c) => c.events.length > 0 || c.factIds.length > 0);
  const discharge = courses.filter((c) => c.discharge);
  const changes: DrugChange[] = [];
  for (const c of courses) {
    const stop = [...c.events].reverse().find((e) => e.kind === 'stopped');
    // A drug the patient came in on and that was stopped: a change to tell the next prescriber
    // (TJC IM.6.10 EP 7: changed or discontinued medications). One started and stopped in hospital
    // belongs to the hospital course.
    // Stopped during this stay: a coded status alone is the status today, not a change made here.
    const during =
      stop?.time !== undefined &&
      Date.parse(stop.time) >= w.start - DAY / 2 &&
      Date.parse(stop.time) <= w.end + DAY / 2;
    if (!c.discharge && stop && during && c.status === 'stopped' && takenBefore(c, byId, w)) {
      changes.push({
        course: c,
        kind: 'stopped',
        ...(stop.reason ? { reason: stop.reason } : {}),
        ...(stop.time ? { time: stop.time } : {}),
      });
      continue;
    }
    if (!c.discharge) continue;
    const changed = [...c.events].reverse().find((e) => e.kind === 'dose-changed');
    if (!takenBefore(c, byId, w)) changes.push({ course: c, kind: 'new' });
    else if (changed)
      changes.push({
        course: c,
        kind: 'dose-changed',
        ...(changed.reason ? { reason: changed.reason } : {}),
        ...(changed.time ? { time: changed.time } : {}),
      });
  }
  return { courses, discharge, changes, documented: discharge.length > 0 };
}

/** A fact standing for a course (its latest coded fact, else any), to cite and to name it. */
export function courseFact(c: MedicationCourse, byId: ReadonlyMap<string, Fact>): Fact | undefined {
  const facts = c.factIds.map((id) => byId.get(id)).filter((f): f is Fact => !!f);
  return (
    facts.find((f) => isCoded(f) && f.assertion !== 'absent') ?? facts.find((f) => f.assertion !== 'absent') ?? facts[0]
  );
}
