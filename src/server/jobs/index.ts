/**
 * Background jobs (issue 20): imports, note extraction, QC runs, federated exports and model-written
 * discharge summaries off the request path. On a PostgreSQL server they go through pg-boss to any
 * number of `medseek worker` processes; on embedded PGlite they run in the process that submits them.
 * Either way `medseek_jobs` holds each job's record.
 */
export { DEFAULT_ATTEMPTS, DEFAULT_RETRY_DELAY_S, DEFAULT_LEASE_S } from './defaults.js';
export { createInProcessQueue } from './in-process-queue.js';
export { LEDGER_FILE } from './federate-job.js';
export { type JobSettings, jobHandlers } from './kinds.js';
export { openJobQueue } from './open.js';
export { createPgBossQueue, DEAD_LETTER_QUEUE, type PgBossOptions, queueName } from './pg-boss-queue.js';
export { getJob, type JobFilter, listJobs } from './records.js';
export { defaultWorkerName } from './run.js';
export type * from './types.js';
export { JOB_KINDS } from './types.js';
export { type RunningWorker, startWorker, type WorkerOptions } from './worker.js';
