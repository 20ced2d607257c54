import type { Coding, DiagnosisConclusion, Fact, PatientState, Source } from '../../core/index.js';
import type { CausalNetwork } from '../../knowledge/index.js';
import { CodeSystems, conceptKey, sourceKey } from '../../core/index.js';
import { fold } from '../../nlp/index.js';
import type { DiagnoseOptions, Diagnosis } from './diagnose.js';
import { diagnose } from './diagnose.js';
import type { CaseInput } from './evidence.js';
import { diagnosedDiseases } from './diagnosed.js';
import type { ResultCriterion } from './model.js';
import type { Network } from './network.js';
import type { NoteText } from './results.js';
import { measurementFinding, measures, statementFindings } from './results.js';

/**
 * A patient's fused facts as a case for a causal network: each fact is matched to a network
 * finding (or risk factor) by code in any coding, else by its folded name, synonym or the text it
 * was read from (zh or en); present or absent from the fact's assertion. Only facts about the
 * patient count (family and hypothetical mentions are set aside; "possible" is not evidence);
 * historical facts, resolved conditions and medications count only for antecedents (risk factors,
 * antecedent findings). Each finding keeps the Sources of the facts behind it, so the
 * differential's evidence clicks through to the note span or the resource.
 */
export interface CaseMatch {
  readonly factId: string;
  /** Finding or risk-factor id in the network. */
  readonly target: string;
  readonly kind: 'finding' | 'risk-factor';
  readonly present: boolean;
  /** `result`: a measurement read against its range; `statement`: an imaging or ECG report sentence. */
  readonly by: 'code' | 'name' | 'measurement' | 'result' | 'statement';
}

export interface PatientCaseOptions {
  /**
   * Further codes per finding or risk-factor id, beyond the one `coding` a network node carries
   * (a knowledge release's SNOMED CT codes, say: see `codingsFromKnowledge`).
   */
  readonly codings?: ReadonlyMap<string, readonly Coding[]>;
  /**
   * The record's note and report texts, for result findings stated in words (肺部CT 实变, 心电图
   * ST 段抬高); each match cites its span. Without them only coded measurements are read.
   */
  readonly notes?: readonly NoteText[];
}

/**
 * Every code of every concept in a release's causal network, under the ids `modelFromKnowledge`
 * gives its findings and risk factors (the concept id, or `finding:` / `risk:` + it on a clash).
 */
export function codingsFromKnowledge(cn: CausalNetwork): Map<string, Coding[]> {
  const out = new Map<string, Coding[]>();
  for (const [id, c] of cn.concepts) {
    if (!c.codes.length) continue;
    const codings = c.codes.map((k): Coding => ({ system: k.system, code: k.code }));
    for (const key of [id, `finding:${id}`, `risk:${id}`]) out.set(key, codings);
  }
  return out;
}

export interface PatientCase {
  readonly input: CaseInput;
  /** The Sources of the facts that set a finding or risk factor (empty when none did). */
  readonly sourcesOf: (findingId: string) => Source[];
  /** Which fact set which finding, for display and tests. */
  readonly matches: readonly CaseMatch[];
  /** Diseases the record already diagnoses (a Condition), with the Sources that say so. */
  readonly diagnosed: ReadonlyMap<string, readonly Source[]>;
}

interface Target {
  readonly id: string;
  readonly kind: 'finding' | 'risk-factor';
  /** Something the patient has had or is exposed to, rather than a current symptom or sign. */
  readonly antecedent: boolean;
}

interface Index {
  readonly byCode: Map<string, Target[]>;
  readonly byName: Map<string, Target[]>;
  /** Result findings (abnormal labs, imaging and ECG statements) with their criteria. */
  readonly results: readonly { readonly id: string; readonly criterion: ResultCriterion }[];
  /** The network's fever finding, for a measured body temperature. */
  readonly fever?: Target;
}

const indexes = new WeakMap<Network, Index>();

/** Folded for name lookup: case, full-width forms, spacing and trailing punctuation. */
export function nameKey(s: string): string {
  return fold(s)
    .trim()
    .replace(/\s+/g, ' ')
    .replace(/[\s.,;:!?，。；：！？、]+$/u, '');
}

function add<K>(map: Map<K, Target[]>, key: K, t: Target): void {
  const list = map.get(key);
  if (!list) map.set(key, [t]);
  else if (!list.some((x) => x.id === t.id && x.kind === t.kind)) list.push(t);
}

function buildIndex(net: Network, codings?: ReadonlyMap<string, readonly Coding[]>): Index {
  const byCode = new Map<string, Target[]>();
  const byName = new Map<string, Target[]>();
  for (const f of net.findings) {
    const t: Target = { id: f.id, kind: 'finding', antecedent: f.kind === 'antecedent' };
    for (const c of [...(f.coding ? [f.coding] : []), ...(codings?.get(f.id) ?? [])]) add(byCode, conceptKey(c), t);
    for (const n of [f.name.en, f.name.zh, ...(f.synonyms ?? [])]) if (n && nameKey(n)) add(byName, nameKey(n), t);
  }
  for (const r of net.model.riskFactors ?? []) {
    const t: Target = { id: r.id, kind: 'risk-factor', antecedent: true };
    for (const c of codings?.get(r.id) ?? []) add(byCode, conceptKey(c), t);
    for (const n of [r.name.en, r.name.zh]) if (n && nameKey(n)) add(byName, nameKey(n), t);
  }
  const fever = (byCode.get(`${CodeSystems.snomed}|386661006`) ?? byName.get('fever') ?? byName.get('发热') ?? []).find(
    (t) => !t.antecedent,
  );
  const results = net.findings.flatMap((f) => (f.result ? [{ id: f.id, criterion: f.result }] : []));
  return { byCode, byName, results, ...(fever ? { fever } : {}) };
}

// With a release's codings the index took ~0.5 s to build for a 13k-disease network: built once per
// (network, codings) pair, as it is without codings.
const codedIndexes = new WeakMap<Network, WeakMap<ReadonlyMap<string, readonly Coding[]>, Index>>();

function indexOf(net: Network, codings?: ReadonlyMap<string, readonly Coding[]>): Index {
  if (codings) {
    let byCodings = codedIndexes.get(net);
    if (!byCodings) {
      byCodings = new WeakMap();
      codedIndexes.set(net, byCodings);
    }
    let coded = byCodings.get(codings);
    if (!coded) {
      coded = buildIndex(net, codings);
      byCodings.set(codings, coded);
    }
    return coded;
  }
  let ix = indexes.get(net);
  if (!ix) {
    ix = buildIndex(net);
    indexes.set(net, ix);
  }
  return ix;
}

/** Body temperature (LOINC 8310-5 and its site variants) at or above 37.3 ℃ reads as fever. */
const TEMPERATURE_LOINC = new Set(['8310-5', '8331-1', '8332-9', '8333-7', '8328-7', '8329-5', '8330-3']);
const FEVER_FROM_CELSIUS = 37.3;

function isFeverMeasurement(f: Fact): boolean {
  if (f.category !== 'measurement' || !f.value) return false;
  const codes = [f.concept, ...(f.concept.codings ?? [])];
  const temperature =
    codes.some((c) => c.system === 'http://loinc.org' && TEMPERATURE_LOINC.has(c.code)) ||
    /body temperature|^temperature$|体温/i.test(f.concept.display ?? f.concept.displayZh ?? '');
  if (!temperature) return false;
  const celsius =
    f.value.unit === '[degF]' ? ((f.value.value - 32) * 5) / 9 : f.value.unit === 'Cel' ? f.value.value : Number.NaN;
  return celsius >= FEVER_FROM_CELSIUS;
}

/** Note sections whose mentions are the patient's background (allergy reactions, past illnesses, habits). */
const BACKGROUND_SECTIONS = new Set([
  'past_history',
  'allergies',
  'social_history',
  'medications',
  'discharge_medications',
  'obstetric_history',
  'family_history',
]);
/** Note sections about what to do next, not what the patient has. */
const SKIPPED_SECTIONS = new Set(['plan', 'discharge_instructions']);

/** How a fact can be read: present, absent, or only as an antecedent; undefined when not evidence. */
function polarity(f: Fact): { present: boolean; antecedentOnly: boolean } | undefined {
  if (f.subject.who !== 'patient') return undefined;
  if (f.status === 'entered-in-error' || f.status === 'refuted') return undefined;
  if (f.section && SKIPPED_SECTIONS.has(f.section)) return undefined;
  const past =
    f.category === 'medication' ||
    f.category === 'procedure' ||
    f.category === 'allergy' ||
    (f.section !== undefined && BACKGROUND_SECTIONS.has(f.section)) ||
    (f.status !== undefined && /^(resolved|inactive|remission|completed|stopped)$/i.test(f.status));
  switch (f.assertion) {
    case 'present':
      return { present: true, antecedentOnly: past };
    case 'absent':
      return { present: false, antecedentOnly: past };
    case 'historical':
      return { present: true, antecedentOnly: true };
    default:
      return undefined;
  }
}

function targetsOf(ix: Index, f: Fact): { targets: Target[]; by: 'code' | 'name' } {
  const codes = [f.concept, ...(f.concept.codings ?? [])];
  const byCode = codes.flatMap((c) => ix.byCode.get(conceptKey(c)) ?? []);
  if (byCode.length) return { targets: byCode, by: 'code' };
  const names = [
    ...codes.flatMap((c) => [c.display, c.displayZh]),
    ...f.sources.flatMap((s) =>
      s.kind === 'text' && s.quote ? [s.quote] : s.kind === 'patient-reported' && s.quote ? [s.quote] : [],
    ),
  ];
  const found: Target[] = [];
  for (const n of names) {
    if (!n) continue;
    for (const t of ix.byName.get(nameKey(n)) ?? []) if (!found.includes(t)) found.push(t);
  }
  return { targets: found, by: 'name' };
}

/** Maps a PatientState's facts onto the network's findings and risk factors. */
export function patientCase(net: Network, state: PatientState, options: PatientCaseOptions = {}): PatientCase {
  const ix = indexOf(net, options.codings);
  const matches: CaseMatch[] = [];
  const facts = [...state.phenotype, ...state.intervention];
  for (const f of facts) {
    if (ix.fever && f.subject.who === 'patient' && isFeverMeasurement(f)) {
      matches.push({ factId: f.id, target: ix.fever.id, kind: ix.fever.kind, present: true, by: 'measurement' });
      continue;
    }
    if (f.category === 'measurement' && f.subject.who === 'patient' && f.assertion === 'present') {
      for (const r of ix.results) {
        if (r.criterion.kind !== 'measurement' || !measures(f, r.criterion)) continue;
        const present = measurementFinding(f, r.criterion);
        if (present !== undefined) matches.push({ factId: f.id, target: r.id, kind: 'finding', present, by: 'result' });
      }
    }
    const p = polarity(f);
    if (!p) continue;
    const { targets, by } = targetsOf(ix, f);
    for (const t of targets) {
      if (p.antecedentOnly && !t.antecedent) continue;
      matches.push({ factId: f.id, target: t.id, kind: t.kind, present: p.present, by });
    }
  }
  // Statements in the notes (imaging impressions, ECG readings), each citing its span.
  const spans = new Map<string, Source[]>();
  for (const r of ix.results) {
    if (r.criterion.kind !== 'statement' || !options.notes?.length) continue;
    for (const m of statementFindings(options.notes, r.criterion)) {
      const factId = `${m.source.document}#${m.source.start}-${m.source.end}`;
      spans.set(factId, [m.source]);
      matches.push({ factId, target: r.id, kind: 'finding', present: m.present, by: 'statement' });
    }
  }
  // Present wins over absent for the same target (a note's "no fever" beside a measured 38.5 ℃).
  const settled = new Map<string, { kind: CaseMatch['kind']; present: boolean }>();
  for (const m of matches) {
    const prev = settled.get(m.target);
    settled.set(m.target, { kind: m.kind, present: (prev?.present ?? false) || m.present });
  }
  const byId = new Map(facts.map((f) => [f.id, f]));
  const sources = new Map<string, Source[]>();
  for (const m of matches) {
    if (settled.get(m.target)!.present !== m.present) continue;
    const list = sources.get(m.target) ?? [];
    const seen = new Set(list.map(sourceKey));
    for (const s of byId.get(m.factId)?.sources ?? spans.get(m.factId) ?? []) {
      if (seen.has(sourceKey(s))) continue;
      seen.add(sourceKey(s));
      list.push(s);
    }
    sources.set(m.target, list);
  }
  const findings = [...settled].filter(([, v]) => v.kind === 'finding').map(([id, v]) => ({ id, present: v.present }));
  const riskFactors = [...settled]
    .filter(([, v]) => v.kind === 'risk-factor')
    .map(([id, v]) => ({ id, present: v.present }));
  const { age, sex } = state.demographics;
  const input: CaseInput = {
    ...(age !== undefined ? { age } : {}),
    ...(sex === 'male' || sex === 'female' ? { sex } : {}),
    findings,
    ...(riskFactors.length ? { riskFactors } : {}),
  };
  const diagnosed = diagnosedDiseases(net, state.phenotype, options.codings);
  return { input, sourcesOf: (id) => sources.get(id) ?? [], matches, diagnosed };
}

export interface PatientDiagnosis {
  readonly case: PatientCase;
  readonly diagnosis: Diagnosis;
  /** One diagnosis Conclusion per ranked disease, its evidence carrying the facts' Sources. */
  readonly conclusions: readonly DiagnosisConclusion[];
}

/**
 * The differential for a patient: `patientCase` then `diagnose`, with the explanations as Conclusions.
 * A record often holds several problems at once (heart failure, AF, CKD, hyperkalaemia), which an
 * enumeration of 2 concurrent diseases squeezes out, so beyond Quickscore's 8 positives (more make
 * its alternating sum cancel catastrophically when leaks are small) a record's enumeration considers
 * up to 4 concurrent diseases unless `maxConcurrent` says otherwise.
 */
export function diagnosePatient(
  net: Network,
  state: PatientState,
  options: Omit<DiagnoseOptions, 'sourcesOf' | 'patientId'> & PatientCaseOptions = {},
): PatientDiagnosis {
  const { codings, notes, ...rest } = options;
  const pc = patientCase(net, state, { ...(codings ? { codings } : {}), ...(notes ? { notes } : {}) });
  const diagnosis = diagnose(net, pc.input, {
    maxConcurrent: 4,
    ...rest,
    sourcesOf: pc.sourcesOf,
    patientId: state.patientId,
    diagnosed: new Set(pc.diagnosed.keys()),
  });
  return { case: pc, diagnosis, conclusions: diagnosis.differential.map((r) => r.conclusion) };
}
