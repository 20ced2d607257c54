import type { Sql } from '../../core/index.js';
import { MedSeekError, notFound } from '../../core/index.js';
import type { ConsultState, Turn } from './session.js';

/**
 * Sessions in the database (PGlite or PostgreSQL, migration 0400): the state as JSONB, the dialogue
 * as append-only turns. A step is saved in one transaction, guarded by the turn it started from, so
 * two answers racing for the same session cannot both land.
 */
export async function insertSession(sql: Sql, state: ConsultState, turns: readonly Turn[]): Promise<void> {
  await sql.transaction(async (tx) => {
    await tx.query('insert into reasoning_consult_session (id, kb, lang, status, state, created_at, updated_at) values ($1, $2, $3, $4, $5, $6, $7)', [
      state.id,
      state.kb,
      state.lang,
      state.status,
      JSON.stringify(state),
      state.createdAt,
      state.updatedAt,
    ]);
    await insertTurns(tx, state.id, turns);
  });
}

export async function saveStep(sql: Sql, previousTurn: number, state: ConsultState, turns: readonly Turn[]): Promise<void> {
  await sql.transaction(async (tx) => {
    const r = await tx.query(
      `update reasoning_consult_session set status = $2, state = $3, updated_at = $4 where id = $1 and (state->>'turn')::int = $5`,
      [state.id, state.status, JSON.stringify(state), state.updatedAt, previousTurn],
    );
    if (r.rowCount !== 1) throw new MedSeekError('conflict', `session ${state.id} changed while this answer was being processed; reload and answer again`, { field: 'session' });
    await insertTurns(tx, state.id, turns);
  });
}

async function insertTurns(sql: Sql, id: string, turns: readonly Turn[]): Promise<void> {
  for (const t of turns) {
    await sql.query('insert into reasoning_consult_turn (session_id, turn, role, text, at) values ($1, $2, $3, $4, $5)', [id, t.turn, t.role, t.text, t.at]);
  }
}

export async function loadSession(sql: Sql, id: string): Promise<ConsultState> {
  const r = await sql.query<{ state: ConsultState | string }>('select state from reasoning_consult_session where id = $1', [id]);
  const row = r.rows[0];
  if (!row) throw notFound(`no consultation session '${id}'`, { field: 'session' });
  return typeof row.state === 'string' ? (JSON.parse(row.state) as ConsultState) : row.state;
}

export async function loadTranscript(sql: Sql, id: string): Promise<Turn[]> {
  const r = await sql.query<{ turn: number; role: Turn['role']; text: string; at: string | Date }>(
    'select turn, role, text, at from reasoning_consult_turn where session_id = $1 order by turn',
    [id],
  );
  return r.rows.map((x) => ({ turn: x.turn, role: x.role, text: x.text, at: x.at instanceof Date ? x.at.toISOString() : String(x.at) }));
}

export async function listSessions(sql: Sql, options: { status?: ConsultState['status']; limit?: number } = {}): Promise<{ id: string; kb: string; status: string; updatedAt: string }[]> {
  const r = await sql.query<{ id: string; kb: string; status: string; updated_at: string | Date }>(
    `select id, kb, status, updated_at from reasoning_consult_session ${options.status ? 'where status = $2' : ''} order by updated_at desc limit $1`,
    options.status ? [options.limit ?? 50, options.status] : [options.limit ?? 50],
  );
  return r.rows.map((x) => ({ id: x.id, kb: x.kb, status: x.status, updatedAt: x.updated_at instanceof Date ? x.updated_at.toISOString() : String(x.updated_at) }));
}
