import type { Bilingual, Sql } from '../../core/index.js';
import { MedSeekError, notFound } from '../../core/index.js';
import type { ConsultState, Turn } from './session.js';

/**
 * Sessions in the database (PGlite or PostgreSQL, migration 0400): the state as JSONB, the dialogue
 * as append-only turns. A step is saved in one transaction, guarded by the turn it started from, so
 * two answers racing for the same session cannot both land.
 */
export async function insertSession(sql: Sql, state: ConsultState, turns: readonly Turn[]): Promise<void> {
  await sql.transaction(async (tx) => {
    await tx.query(
      'insert into reasoning_consult_session (id, kb, lang, status, state, created_at, updated_at) values ($1, $2, $3, $4, $5, $6, $7)',
      [state.id, state.kb, state.lang, state.status, JSON.stringify(state), state.createdAt, state.updatedAt],
    );
    await insertTurns(tx, state.id, turns);
  });
}

export async function saveStep(
  sql: Sql,
  previousTurn: number,
  state: ConsultState,
  turns: readonly Turn[],
): Promise<void> {
  await sql.transaction(async (tx) => {
    const r = await tx.query(
      `update reasoning_consult_session set status = $2, state = $3, updated_at = $4 where id = $1 and (state->>'turn')::int = $5`,
      [state.id, state.status, JSON.stringify(state), state.updatedAt, previousTurn],
    );
    if (r.rowCount !== 1)
      throw new MedSeekError(
        'conflict',
        `session ${state.id} changed while this answer was being processed; reload and answer again`,
        { field: 'session' },
      );
    await insertTurns(tx, state.id, turns);
  });
}

async function insertTurns(sql: Sql, id: string, turns: readonly Turn[]): Promise<void> {
  for (const t of turns) {
    await sql.query(
      'insert into reasoning_consult_turn (session_id, turn, role, text, at) values ($1, $2, $3, $4, $5)',
      [id, t.turn, t.role, t.text, t.at],
    );
  }
}

export async function loadSession(sql: Sql, id: string): Promise<ConsultState> {
  const r = await sql.query<{ state: ConsultState | string }>(
    'select state from reasoning_consult_session where id = $1',
    [id],
  );
  const row = r.rows[0];
  if (!row) throw notFound(`no consultation session '${id}'`, { field: 'session' });
  return typeof row.state === 'string' ? (JSON.parse(row.state) as ConsultState) : row.state;
}

export async function loadTranscript(sql: Sql, id: string): Promise<Turn[]> {
  const r = await sql.query<{ turn: number; role: Turn['role']; text: string; at: string | Date }>(
    'select turn, role, text, at from reasoning_consult_turn where session_id = $1 order by turn',
    [id],
  );
  return r.rows.map((x) => ({
    turn: x.turn,
    role: x.role,
    text: x.text,
    at: x.at instanceof Date ? x.at.toISOString() : String(x.at),
  }));
}

const URGENT = "jsonb_array_length(coalesce(state->'redFlags'->'urgent', '[]'::jsonb))";

/** A line of the clinicians' queue: one finished (or emergency) pre-consultation, newest first. */
export interface QueuedSession {
  readonly id: string;
  readonly status: ConsultState['status'];
  readonly kb: string;
  readonly lang: ConsultState['lang'];
  readonly complaint: string;
  readonly triage?: ConsultState['triage'];
  readonly age?: number;
  readonly sex?: string;
  readonly updatedAt: string;
  /** An active session whose red flag is raised but not yet settled (urgency.ts): why it is urgent, since when. */
  readonly urgent?: { readonly redFlags: readonly string[]; readonly reason: Bilingual; readonly since: string };
}

/**
 * The queue the clinician works through: emergencies first, then active sessions with an open red-flag
 * concern (urgent), then completed sessions, newest first. Other active sessions are not queued.
 */
export async function listSessions(
  sql: Sql,
  options: { status?: ConsultState['status']; statuses?: readonly ConsultState['status'][]; limit?: number } = {},
): Promise<QueuedSession[]> {
  const statuses = options.status ? [options.status] : (options.statuses ?? ['emergency', 'complete']);
  // The default queue adds the urgent active sessions; a caller naming statuses gets those statuses only.
  const urgentToo = !options.status && !options.statuses;
  const { rows } = await sql.query<{
    id: string;
    kb: string;
    status: ConsultState['status'];
    lang: ConsultState['lang'];
    state: ConsultState | string;
    updated_at: string | Date;
  }>(
    `select id, kb, status, lang, state, updated_at from reasoning_consult_session
      where status = any($1::text[]) or ($3::boolean and status = 'active' and ${URGENT} > 0)
      order by (status = 'emergency') desc, (status = 'active') desc, updated_at desc limit $2`,
    [statuses, Math.max(1, Math.min(options.limit ?? 100, 500)), urgentToo],
  );
  return rows.map((r) => {
    const state = (typeof r.state === 'string' ? JSON.parse(r.state) : r.state) as ConsultState;
    const urgent = r.status === 'active' ? (state.redFlags.urgent ?? []) : [];
    return {
      id: r.id,
      kb: r.kb,
      status: r.status,
      lang: r.lang,
      complaint: state.complaint.text,
      ...(state.triage ? { triage: state.triage } : {}),
      ...(state.patient.age !== undefined ? { age: state.patient.age } : {}),
      ...(state.patient.sex ? { sex: state.patient.sex } : {}),
      updatedAt: new Date(r.updated_at).toISOString(),
      ...(urgent.length
        ? {
            urgent: {
              redFlags: urgent.map((u) => u.id),
              reason: {
                zh: urgent.map((u) => u.reason.zh ?? u.reason.en).join('；'),
                en: urgent.map((u) => u.reason.en).join('; '),
              },
              since: urgent[0]!.at,
            },
          }
        : {}),
    };
  });
}
