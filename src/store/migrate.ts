import { createHash } from 'node:crypto';
import { readdirSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import type { Sql } from '../core/index.js';
import { MedSeekError } from '../core/index.js';
import { recoverFreshLoad } from './fresh-load.js';

/**
 * One schema, one ordered set of SQL migrations for both backends, applied automatically and
 * recorded in `medseek_migrations`. Files are `NNNN_<stage>_<what>.sql`; each stage owns a range
 * (0001–0099 store, 0100 knowledge, 0200 nlp/fusion, 0300 llm, 0400 reasoning, 0500 compose/verify,
 * 0600 server, 0700 learning, 0800 followup) so stages add tables without colliding.
 */
export interface Migration {
  readonly id: string;
  readonly sql: string;
}

const MIGRATIONS_DIR = fileURLToPath(new URL('./migrations/', import.meta.url));

export function loadMigrations(dir: string = MIGRATIONS_DIR): Migration[] {
  return readdirSync(dir)
    .filter((f) => /^\d{4}_[\w-]+\.sql$/.test(f))
    .sort()
    .map((f) => ({ id: f.replace(/\.sql$/, ''), sql: readFileSync(new URL(f, `file://${dir}/`), 'utf8') }));
}

function checksum(sql: string): string {
  return createHash('sha256').update(sql).digest('hex').slice(0, 16);
}

/** Applies what has not been applied yet, each migration in its own transaction. Returns the ids applied. */
export async function migrate(db: Sql, migrations: readonly Migration[] = loadMigrations()): Promise<string[]> {
  await db.query(`create table if not exists medseek_migrations (
    id text primary key, checksum text not null, applied_at timestamptz not null default now())`);
  const applied: string[] = [];
  for (const m of migrations) {
    const done = await db.transaction(async (tx) => {
      // Several server processes may start at once: one migrates, the others wait and then skip.
      if (tx.dialect === 'postgres') await tx.query('select pg_advisory_xact_lock(727272)');
      const row = await tx.query<{ checksum: string }>('select checksum from medseek_migrations where id = $1', [m.id]);
      const existing = row.rows[0];
      if (existing) {
        if (existing.checksum !== checksum(m.sql)) {
          throw new MedSeekError(
            'conflict',
            `migration ${m.id} was changed after it was applied; add a new migration instead`,
            { where: m.id },
          );
        }
        return false;
      }
      await tx.exec(m.sql);
      await tx.query('insert into medseek_migrations (id, checksum) values ($1, $2)', [m.id, checksum(m.sql)]);
      return true;
    });
    if (done) applied.push(m.id);
  }
  // A fresh load (fresh-load.ts) that died left indexes dropped: built again before anything is served.
  await recoverFreshLoad(db);
  return applied;
}
