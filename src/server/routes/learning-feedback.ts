import { allFacts, type Assertion, type Coding, type Fact, sourceKey, stableId } from '../../core/index.js';
import { activeReleaseId } from '../../knowledge/index.js';
import { type AnyResource, buildPatientState } from '../../fusion/index.js';
import { ConfirmedCaseStore, type CueDirection, CurationCandidates, type FeedbackRow } from '../../learning/index.js';
import {
  activeReleaseNetwork,
  type CaseInput,
  diagnosedDiseases,
  knowledgeBaseResolver,
  loadSession,
  patientCase,
  type ReleaseNetwork,
} from '../../reasoning/index.js';
import type { AppContext } from '../context.js';
import { currentNoteFacts, currentNoteTexts } from './current-notes.js';

/**
 * What the learning stage takes from feedback as it is stored (src/learning; docs/learning.md):
 * - a differential row accepted (`diagnosis`, `accept`) becomes a confirmed case of the active release's network, with
 *   the findings the fused record gives now (the case the differential was computed from);
 * - a corrected fact (`fact`, `correct`, with the right concept or assertion) becomes curation candidates, with the
 *   span the fact was read from;
 * - a completed pre-consultation started through a patient link becomes a confirmed case once the visit of its
 *   appointment records exactly one diagnosis the session's network knows (`matchPreconsultations`).
 * Feedback that names nothing the record still holds (a disease of another network, a fact since re-read) teaches
 * nothing and is kept as it is.
 */
export interface Learned {
  readonly confirmedCase?: string;
  readonly candidates?: readonly string[];
}

export async function learnFromFeedback(
  ctx: AppContext,
  networkOf: (release: number) => Promise<ReleaseNetwork>,
  row: FeedbackRow,
): Promise<Learned> {
  if (!row.patientId) return {};
  if (row.targetKind === 'diagnosis' && row.verdict === 'accept') return confirmAccepted(ctx, networkOf, row);
  if (row.targetKind === 'fact' && row.verdict === 'correct') return curateCorrection(ctx, row);
  return {};
}

async function confirmAccepted(
  ctx: AppContext,
  networkOf: (release: number) => Promise<ReleaseNetwork>,
  row: FeedbackRow,
): Promise<Learned> {
  const patientId = row.patientId!;
  // No active release: no differential was shown from one, so the row names no disease to confirm.
  if ((await activeReleaseId(ctx.db)) === undefined) return {};
  const { net, codings } = await activeReleaseNetwork(ctx.db, networkOf);
  // The differential row's id is stableId('diagnosis', network, patient, disease) (reasoning/diagnosis/explain.ts).
  const disease = net.diseases.find((d) => stableId('diagnosis', net.model.id, patientId, d.id) === row.targetId);
  if (!disease) return {};
  const state = await buildPatientState(ctx.db, ctx.resources, patientId);
  const { input } = patientCase(net, state, { codings, notes: await currentNoteTexts(ctx, patientId) });
  if (input.findings.length === 0) return {};
  const department = typeof row.context?.department === 'string' ? row.context.department : undefined;
  const store = new ConfirmedCaseStore(ctx.db);
  const confirmation = {
    networkId: net.model.id,
    source: 'accepted-differential' as const,
    sourceRef: row.id,
    patientId,
    diagnosis: disease.id,
    input,
    ...(department ? { department } : {}),
    confirmedBy: row.principal,
  };
  await store.record(confirmation);
  return { confirmedCase: `accepted-differential:${row.id}:${disease.id}` };
}

const quoteOf = (f: Fact): { quote: string; span: string } => {
  const text = f.sources.find((s) => s.kind === 'text');
  const first = text ?? f.sources[0];
  return {
    quote: (text?.kind === 'text' ? text.quote : undefined) ?? f.concept.displayZh ?? f.concept.display ?? '',
    span: first ? sourceKey(first) : '',
  };
};

async function curateCorrection(ctx: AppContext, row: FeedbackRow): Promise<Learned> {
  const patientId = row.patientId!;
  const state = await buildPatientState(ctx.db, ctx.resources, patientId);
  // The fused record keeps one fact per thing mentioned; the notes panel lists every mention, so a corrected
  // mention the record merged away is found among the current notes' stored facts.
  const fact =
    allFacts(state).find((f) => f.id === row.targetId) ??
    (await currentNoteFacts(ctx, patientId)).find((f) => f.id === row.targetId);
  if (!fact) return {};
  const c = row.context ?? {};
  const { quote, span } = quoteOf(fact);
  const candidates = await new CurationCandidates(ctx.db).record({
    feedbackId: row.id,
    category: fact.category,
    concept: fact.concept,
    assertion: fact.assertion,
    quote,
    span,
    ...(c.concept ? { correctedConcept: c.concept as Coding } : {}),
    ...(c.assertion ? { correctedAssertion: c.assertion as Assertion } : {}),
    ...(typeof c.cue === 'string' ? { cue: c.cue } : {}),
    ...(c.cueDirection ? { cueDirection: c.cueDirection as CueDirection } : {}),
  });
  return { candidates };
}

export interface MatchReport {
  /** Completed pre-consultations started through a patient link. */
  readonly sessions: number;
  /** Whose visit recorded exactly one diagnosis of the session's network. */
  readonly matched: number;
  /** Newly stored (a session matched before is not stored again). */
  readonly stored: number;
  /** Visits with more than one diagnosis of the network: which one the session's findings confirm is not known. */
  readonly ambiguous: number;
}

const refTo = (r: unknown, type: string): string | undefined => {
  const ref = (r as { reference?: string } | undefined)?.reference;
  return ref?.startsWith(`${type}/`) ? ref.slice(type.length + 1) : undefined;
};

/**
 * Pre-consultations matched to the diagnosis recorded at the visit they prepared: the link's Appointment, the
 * Encounters based on it, the Conditions recorded in them (not refuted or entered in error) read as the network's
 * diseases. The session's answers (present and absent findings, age and sex) are the case's findings.
 */
export async function matchPreconsultations(ctx: AppContext, by: string): Promise<MatchReport> {
  const { rows } = await ctx.db.query<{ patient_id: string; appointment_id: string; consult_session: string }>(
    `select l.patient_id, l.appointment_id, l.consult_session from server_patient_link l
     join reasoning_consult_session s on s.id = l.consult_session where s.status = 'complete'
     order by l.created_at`,
  );
  const resolve = knowledgeBaseResolver({ sql: ctx.db });
  const store = new ConfirmedCaseStore(ctx.db);
  let matched = 0;
  let stored = 0;
  let ambiguous = 0;
  for (const link of rows) {
    const resources = (await ctx.resources.everything(link.patient_id))
      .filter((e) => !e.deleted)
      .map((e) => e.resource as AnyResource & Record<string, unknown>);
    const visits = new Set(
      resources
        .filter((r) => r.resourceType === 'Encounter')
        .filter((r) =>
          ((r.appointment as unknown[]) ?? []).some((a) => refTo(a, 'Appointment') === link.appointment_id),
        )
        .map((r) => r.id),
    );
    const conditions = new Set(
      resources
        .filter((r) => r.resourceType === 'Condition' && visits.has(refTo(r.encounter, 'Encounter') ?? ''))
        .map((r) => r.id),
    );
    if (conditions.size === 0) continue;
    const session = await loadSession(ctx.db, link.consult_session);
    const net = await resolve(session.kb);
    const state = await buildPatientState(ctx.db, ctx.resources, link.patient_id);
    const atVisit = state.phenotype.filter((f) =>
      f.sources.some((s) => s.kind === 'resource' && s.resourceType === 'Condition' && conditions.has(s.id)),
    );
    const diseases = [...diagnosedDiseases(net, atVisit).keys()];
    if (diseases.length !== 1) {
      if (diseases.length > 1) ambiguous++;
      continue;
    }
    const known = (id: string) => net.findingIndex.has(id);
    const input: CaseInput = {
      ...(session.patient.age !== undefined ? { age: session.patient.age } : {}),
      ...(session.patient.sex ? { sex: session.patient.sex } : {}),
      findings: [
        ...session.present.filter(known).map((id) => ({ id })),
        ...session.absent.filter(known).map((id) => ({ id, present: false })),
      ],
    };
    if (input.findings.length === 0) continue;
    matched++;
    const added = await store.record({
      networkId: net.model.id,
      source: 'pre-consultation',
      sourceRef: session.id,
      patientId: link.patient_id,
      diagnosis: diseases[0]!,
      input,
      confirmedBy: by,
    });
    if (added) stored++;
  }
  return { sessions: rows.length, matched, stored, ambiguous };
}
