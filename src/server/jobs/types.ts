import type { AuditEvent } from '../audit/audit-log.js';

/**
 * Background jobs: work taken off the request path (imports, note extraction, QC runs, federated
 * exports, discharge summaries written by the model) and run by workers.
 * One interface, two queues: pg-boss on a PostgreSQL server (any number of `medseek worker`
 * processes on any number of machines), and an in-process queue for the embedded PGlite default
 * (the jobs run in the process that submitted them). Either way a job's state, progress, attempts and
 * result live in `medseek_jobs` (migration 0630), so a stateless API replica can report on any job.
 */

/** The kinds of job, each with its input. */
export interface JobData {
  /** Import FHIR JSON / Bulk Data NDJSON from a path every worker can read (shared storage). */
  readonly import: {
    readonly path: string;
    /** Resources per write (default 500). */
    readonly batchSize?: number;
    /** Extract the notes of the patients it touched, once the import is done (default true). */
    readonly extractNotes?: boolean;
  };
  /** Read stored notes not yet read by the active extractor into facts: all, or these patients'. */
  readonly 'extract-notes': {
    readonly patientIds?: readonly string[];
    readonly force?: boolean;
  };
  /**
   * Send the follow-up reminders due now (issue 21): submitted once per time slot by every worker's
   * reminder clock (the slot is the job's key, so several workers queue it once); see jobs/reminders.ts.
   */
  readonly 'send-reminders': {
    /** The slot's start (ISO time): informational; the pass sends everything due when it runs. */
    readonly slot?: string;
  };
  /**
   * Record quality control (as `medseek qc`): every inpatient encounter that started on or after `since`
   * (all of them without it), or the one `encounterId`; each report replaces the encounter's last one.
   */
  readonly qc: {
    readonly since?: string;
    readonly encounterId?: string;
    /** Only stays in progress (arrived, triaged, in-progress, on leave; or no status and no end): a ward round. */
    readonly current?: boolean;
    /** Every encounter, not only inpatient stays. */
    readonly all?: boolean;
    /** Whose rule configuration (default 'default'). */
    readonly hospital?: string;
  };
  /**
   * A federated-learning export (as `medseek federate export`): the confirmed cases' counts, clipped and
   * noised, written to the configured folder (MEDSEEK_FEDERATED_DIR) and charged once to its privacy ledger.
   */
  readonly 'federate-export': {
    /** The network the counts are for: release, release:<id>, ddxplus, dxy. */
    readonly kb: string;
    /** Confirmed cases, JSON lines, at a path every worker can read. */
    readonly cases: string;
    readonly site: string;
    readonly epsilon: number;
    readonly delta: number;
    readonly clip: number;
    readonly closedWorld?: boolean;
    /** The ledger's budget, used only when the folder has no ledger yet. */
    readonly budget?: { readonly epsilon: number; readonly delta: number };
  };
  /**
   * A discharge summary composed (by the model when one is configured, under its batch deadline) and
   * verified, stored as a workspace draft (`medseek_summary_drafts`) whose id is made from the job's.
   */
  readonly summarize: {
    readonly encounterId: string;
    readonly lang: 'zh' | 'en';
    /** The encounter's patient when the submitter knew it (the API): who may see the job is checked against it. */
    readonly patientId?: string;
    /** Who asked: the draft's `created_by` and the principal of its audit row (`cli:alice`, `key:…`). */
    readonly requestedBy: { readonly principal: string; readonly kind: AuditEvent['principalKind'] };
  };
}

export type JobKind = keyof JobData;
export const JOB_KINDS: readonly JobKind[] = [
  'import',
  'extract-notes',
  'send-reminders',
  'qc',
  'federate-export',
  'summarize',
];

export type JobState = 'queued' | 'active' | 'retry' | 'completed' | 'dead';

export interface SubmitOptions {
  /**
   * The job's id, when the caller needs it submitted once: a second submit with the same key
   * returns the same id and queues nothing (e.g. the note extraction an import hands on).
   */
  readonly key?: string;
  /** Attempts in all, the first included (default 3). */
  readonly maxAttempts?: number;
  /** Seconds before a failed attempt is tried again (default 10, doubling each time). */
  readonly retryDelaySeconds?: number;
  /**
   * Seconds an attempt's lease lasts (pg-boss `expireIn`, default 120): a running worker renews it
   * every third of that, so a worker that dies leaves its job taken at most this long before another
   * worker runs it again. An attempt that is alive is never cut off, however long it runs.
   */
  readonly leaseSeconds?: number;
}

/** A job as recorded in `medseek_jobs`. */
export interface JobRecord {
  readonly id: string;
  readonly kind: JobKind;
  readonly data: JobData[JobKind];
  readonly state: JobState;
  readonly attempts: number;
  readonly maxAttempts: number;
  readonly progress?: JobProgress;
  readonly result?: unknown;
  readonly error?: string;
  readonly createdAt: string;
  readonly updatedAt: string;
  readonly completedAt?: string;
  readonly completedBy?: string;
}

/** What a running job last reported. */
export interface JobProgress {
  /** Work units done and (when known) in all: bytes of an import, notes of an extraction, encounters of a QC run. */
  readonly done: number;
  readonly total?: number;
  /** Resources read (import) or notes read (extraction) so far. */
  readonly items: number;
  readonly message?: string;
}

/** What a handler gets for one attempt. */
export interface JobContext {
  readonly id: string;
  /** 1 for the first attempt. */
  readonly attempt: number;
  /** Attempts in all: a handler may do on the last what it would rather retry on the others. */
  readonly maxAttempts: number;
  readonly worker: string;
  /** Records progress (throttled by the caller as it likes; each call is one small write). */
  progress(p: JobProgress): Promise<void>;
}

export type JobHandler<K extends JobKind> = (data: JobData[K], ctx: JobContext) => Promise<unknown>;
export type JobHandlers = { readonly [K in JobKind]: JobHandler<K> };

export interface WorkOptions {
  /** Names this worker in `medseek_job_attempts` and `completed_by` (default host:pid:random). */
  readonly worker?: string;
  /** Jobs run at once per kind (default 1). */
  readonly concurrency?: number;
  /** Only these kinds (default all). */
  readonly kinds?: readonly JobKind[];
  /** Told of every attempt's start and end and of progress (logs). */
  readonly onEvent?: (e: JobEvent) => void;
}

export type JobEvent =
  | { readonly type: 'started'; readonly id: string; readonly kind: JobKind; readonly attempt: number }
  | { readonly type: 'progress'; readonly id: string; readonly kind: JobKind; readonly progress: JobProgress }
  | { readonly type: 'completed'; readonly id: string; readonly kind: JobKind; readonly attempt: number }
  | {
      readonly type: 'failed';
      readonly id: string;
      readonly kind: JobKind;
      readonly attempt: number;
      readonly error: string;
      readonly dead: boolean;
    };

export interface JobQueue {
  readonly backend: 'pg-boss' | 'in-process';
  /** Queues a job; returns its id at once (the work happens in a worker). */
  submit<K extends JobKind>(kind: K, data: JobData[K], options?: SubmitOptions): Promise<string>;
  /** Starts taking jobs in this process with these handlers. */
  work(handlers: JobHandlers, options?: WorkOptions): Promise<void>;
  get(id: string): Promise<JobRecord | undefined>;
  /** Jobs whose attempts are spent (newest first). */
  deadLetters(limit?: number): Promise<JobRecord[]>;
  /**
   * Puts a dead job back in the queue, same id, kind and input, with fresh attempts (DEFAULT_ATTEMPTS), and
   * returns its record. A job that is not dead is refused with a conflict naming its state; an unknown one
   * is not found.
   */
  retry(id: string): Promise<JobRecord>;
  /** Resolves with the job once it is completed or dead; rejects after `timeoutMs`. */
  settled(id: string, timeoutMs: number): Promise<JobRecord>;
  /** Stops taking jobs; waits up to `graceMs` for running ones, then closes. */
  stop(graceMs?: number): Promise<void>;
}
