import type pg from 'pg';
import type { Sql } from '../core/index.js';

/** One client as `Sql` (what fresh-load.ts speaks): its transactions are begin/commit on that client. */
export function clientSql(client: pg.ClientBase): Sql {
  const run = async <T>(text: string, params: readonly unknown[] = []) => {
    const r = await client.query(text, params as unknown[]);
    return { rows: r.rows as T[], rowCount: r.rowCount ?? r.rows.length };
  };
  const inTx: Sql = {
    dialect: 'postgres',
    query: run,
    exec: async (script) => {
      await client.query(script);
    },
    transaction: (fn) => fn(inTx),
  };
  return {
    ...inTx,
    async transaction(fn) {
      await client.query('begin');
      try {
        const out = await fn(inTx);
        await client.query('commit');
        return out;
      } catch (e) {
        await client.query('rollback').catch(() => {});
        throw e;
      }
    },
  };
}
