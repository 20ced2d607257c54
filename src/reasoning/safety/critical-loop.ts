import type { Sql } from '../../core/index.js';
import { invalid, MedSeekError, notFound, stableId } from '../../core/index.js';
import type { RuleResult } from './rule.js';

/**
 * The critical-value loop (危急值闭环), as the core-system rules require (HX2018 十四; cds-rules.md
 * CV-P1..P5): a critical result is double-checked before release, reported, received on the ward
 * and **read back**, the responsible physician is notified, and the assessment and action are
 * documented. Every step says who, when and what; the loop closes only when the receipt was read
 * back, the physician was notified and an action was documented.
 */
export type LoopStep = 'double-checked' | 'reported' | 'received' | 'physician-notified' | 'action';

export interface StepInput {
  readonly step: LoopStep;
  readonly actor: string;
  readonly actorRole?: string;
  /** ISO-8601 time of the step. */
  readonly at: string;
  /** Required (true) for `received`: the receiver read the value back. */
  readonly readBack?: boolean;
  readonly note?: string;
  readonly documentRef?: string;
}

export interface CriticalValueRecord {
  readonly id: string;
  readonly patientId: string;
  readonly ruleId: string;
  readonly resultRef: string;
  readonly analyte: string;
  readonly valueText: string;
  readonly reportedAt: string;
  readonly closedAt?: string;
  readonly steps: readonly (StepInput & { readonly loggedAt: string })[];
}

const STEPS: readonly LoopStep[] = ['double-checked', 'reported', 'received', 'physician-notified', 'action'];

/** Records the critical results among rule results (idempotent per result and rule). Returns their ids. */
export async function recordCriticalValues(
  sql: Sql,
  results: readonly RuleResult[],
  opts: { hospitalId?: string; encounterId?: string } = {},
): Promise<string[]> {
  const ids: string[] = [];
  for (const r of results) {
    if (r.group !== 'critical-value' || r.conclusion.severity === 'info') continue;
    const ev = r.conclusion.evidence.find((e) => e.factId && e.sources.some((s) => s.kind === 'resource'));
    const src = ev?.sources.find((s) => s.kind === 'resource');
    const resultRef = src && src.kind === 'resource' ? `${src.resourceType}/${src.id}` : `fact:${r.involves[0]}`;
    const id = stableId('critical-value', resultRef, r.ruleId);
    const reportedAt = r.at ?? r.conclusion.createdAt;
    await sql.query(
      `insert into reasoning_critical_value (id, hospital_id, patient_id, encounter_id, rule_id, result_ref, analyte, value_text, threshold_text, reported_at)
       values ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10) on conflict (result_ref, rule_id) do nothing`,
      [
        id,
        opts.hospitalId ?? 'default',
        r.conclusion.patientId,
        opts.encounterId ?? null,
        r.ruleId,
        resultRef,
        r.conclusion.concept?.display ?? r.ruleId,
        r.conclusion.statement.en,
        r.conclusion.detail?.en ?? null,
        reportedAt,
      ],
    );
    ids.push(id);
  }
  return ids;
}

/** Logs one step of the loop; closes the loop when it is complete. */
export async function logLoopStep(sql: Sql, criticalValueId: string, input: StepInput): Promise<CriticalValueRecord> {
  if (!STEPS.includes(input.step)) throw invalid(`step must be one of ${STEPS.join(', ')}`, { field: 'step' });
  if (!input.actor?.trim()) throw invalid('who did it is required', { field: 'actor' });
  if (!Number.isFinite(Date.parse(input.at))) throw invalid(`'${input.at}' is not a date-time`, { field: 'at' });
  if (input.step === 'received' && input.readBack !== true) {
    throw invalid(
      'a critical value is received only with read-back (HX2018 十四-5): set readBack true once the value was read back',
      { field: 'readBack' },
    );
  }
  if (input.step === 'action' && !input.note?.trim() && !input.documentRef)
    throw invalid('an action needs what was done (note) or the progress note documenting it', { field: 'note' });
  return sql.transaction(async (tx) => {
    const cv = await tx.query<{ id: string; closed_at: string | null }>(
      'select id, closed_at from reasoning_critical_value where id = $1',
      [criticalValueId],
    );
    if (!cv.rows[0]) throw notFound(`critical value ${criticalValueId} not found`, { field: 'criticalValueId' });
    if (cv.rows[0].closed_at)
      throw new MedSeekError('conflict', `critical value ${criticalValueId} is already closed`, {
        field: 'criticalValueId',
      });
    await tx.query(
      'insert into reasoning_critical_value_step (critical_value_id, step, actor, actor_role, at, read_back, note, document_ref) values ($1, $2, $3, $4, $5, $6, $7, $8)',
      [
        criticalValueId,
        input.step,
        input.actor,
        input.actorRole ?? null,
        input.at,
        input.readBack ?? null,
        input.note ?? null,
        input.documentRef ?? null,
      ],
    );
    const steps = await tx.query<{ step: LoopStep; read_back: boolean | null }>(
      'select step, read_back from reasoning_critical_value_step where critical_value_id = $1',
      [criticalValueId],
    );
    const done = new Set(steps.rows.filter((s) => s.step !== 'received' || s.read_back).map((s) => s.step));
    if (done.has('received') && done.has('physician-notified') && done.has('action')) {
      await tx.query('update reasoning_critical_value set closed_at = $2 where id = $1', [criticalValueId, input.at]);
    }
    return (await getCriticalValue(tx, criticalValueId))!;
  });
}

function iso(v: unknown): string {
  return v instanceof Date ? v.toISOString() : new Date(String(v)).toISOString();
}

export async function getCriticalValue(sql: Sql, id: string): Promise<CriticalValueRecord | undefined> {
  const { rows } = await sql.query<Record<string, unknown>>('select * from reasoning_critical_value where id = $1', [
    id,
  ]);
  const r = rows[0];
  if (!r) return undefined;
  const steps = await sql.query<Record<string, unknown>>(
    'select * from reasoning_critical_value_step where critical_value_id = $1 order by at, id',
    [id],
  );
  return {
    id: String(r.id),
    patientId: String(r.patient_id),
    ruleId: String(r.rule_id),
    resultRef: String(r.result_ref),
    analyte: String(r.analyte),
    valueText: String(r.value_text),
    reportedAt: iso(r.reported_at),
    ...(r.closed_at ? { closedAt: iso(r.closed_at) } : {}),
    steps: steps.rows.map((s) => ({
      step: s.step as LoopStep,
      actor: String(s.actor),
      ...(s.actor_role ? { actorRole: String(s.actor_role) } : {}),
      at: iso(s.at),
      ...(s.read_back !== null ? { readBack: Boolean(s.read_back) } : {}),
      ...(s.note ? { note: String(s.note) } : {}),
      ...(s.document_ref ? { documentRef: String(s.document_ref) } : {}),
      loggedAt: iso(s.logged_at),
    })),
  };
}

/** Critical values whose loop is still open, oldest first, with how many minutes they have been open. */
export async function openCriticalValues(
  sql: Sql,
  hospitalId = 'default',
  now = new Date().toISOString(),
): Promise<
  { id: string; patientId: string; analyte: string; valueText: string; reportedAt: string; openMinutes: number }[]
> {
  const { rows } = await sql.query<Record<string, unknown>>(
    'select id, patient_id, analyte, value_text, reported_at from reasoning_critical_value where hospital_id = $1 and closed_at is null order by reported_at',
    [hospitalId],
  );
  return rows.map((r) => ({
    id: String(r.id),
    patientId: String(r.patient_id),
    analyte: String(r.analyte),
    valueText: String(r.value_text),
    reportedAt: iso(r.reported_at),
    openMinutes: Math.round((Date.parse(now) - Date.parse(iso(r.reported_at))) / 60_000),
  }));
}

/** A patient's critical values in a period with what their loop recorded (for QC rule C23). */
export async function criticalLoopsForPatient(
  sql: Sql,
  patientId: string,
  from: string,
  to: string,
): Promise<
  {
    id: string;
    resultRef: string;
    analyte: string;
    reportedAt: string;
    receivedAt?: string;
    readBack?: boolean;
    physicianNotifiedAt?: string;
  }[]
> {
  const { rows } = await sql.query<Record<string, unknown>>(
    'select id from reasoning_critical_value where patient_id = $1 and reported_at >= $2 and reported_at <= $3 order by reported_at',
    [patientId, from, to],
  );
  const out = [];
  for (const r of rows) {
    const cv = (await getCriticalValue(sql, String(r.id)))!;
    const received = cv.steps.find((s) => s.step === 'received');
    const notified = cv.steps.find((s) => s.step === 'physician-notified');
    out.push({
      id: cv.id,
      resultRef: cv.resultRef,
      analyte: cv.analyte,
      reportedAt: cv.reportedAt,
      ...(received ? { receivedAt: received.at, readBack: received.readBack === true } : {}),
      ...(notified ? { physicianNotifiedAt: notified.at } : {}),
    });
  }
  return out;
}
