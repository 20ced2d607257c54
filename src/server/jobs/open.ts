import type { Sql } from '../../core/index.js';
import { createInProcessQueue } from './in-process-queue.js';
import { createPgBossQueue, type PgBossOptions } from './pg-boss-queue.js';
import type { JobQueue } from './types.js';

/** The queue for this database: pg-boss when it is a PostgreSQL server (`databaseUrl`), else in-process. */
export async function openJobQueue(
  db: Sql,
  databaseUrl: string | undefined,
  options: PgBossOptions = {},
): Promise<JobQueue> {
  if (db.dialect === 'postgres' && databaseUrl) return createPgBossQueue(db, databaseUrl, options);
  return createInProcessQueue(db);
}
