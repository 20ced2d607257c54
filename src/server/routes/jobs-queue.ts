import type { AppContext } from '../context.js';
import { type JobQueue, jobHandlers, openJobQueue } from '../jobs/index.js';

const queues = new WeakMap<AppContext, Promise<JobQueue>>();

/**
 * Sets the queue the job routes of `ctx` submit to (tests: a queue whose handlers they control; a process
 * that opened one already). Call it before the first job route is used.
 */
export function setJobQueue(ctx: AppContext, queue: JobQueue): void {
  queues.set(ctx, Promise.resolve(queue));
}

/**
 * The queue the job routes of `ctx` submit to, opened on first use. On a PostgreSQL server (DATABASE_URL)
 * it is pg-boss, and this process only submits: `medseek worker` processes run the jobs, and any API replica
 * answers for any job from `medseek_jobs`. On the embedded database the jobs run in this process (one owns
 * the database), as `medseek worker submit` runs them there; jobs a stopped server left unfinished resume
 * when the job routes are mounted (`resumeJobs`).
 */
export function apiJobQueue(ctx: AppContext): Promise<JobQueue> {
  let queue = queues.get(ctx);
  if (!queue) {
    queue = openJobQueue(ctx.db, ctx.config.databaseUrl, {
      onError: (e) => ctx.log.warn({ err: e.message }, 'jobs: the queue reported an error'),
    }).then(async (q) => {
      // In this process a summary is written by the server's own model (the one Settings saved), as the route's is.
      const llm = ctx.llm;
      if (q.backend === 'in-process')
        await q.work(jobHandlers(ctx.db, q, undefined, llm ? { summarize: { llm: () => llm } } : {}));
      return q;
    });
    queues.set(ctx, queue);
    // A failed open is not kept: the next request tries again.
    queue.catch(() => queues.delete(ctx));
  }
  return queue;
}

/**
 * On the embedded database, runs the jobs a stopped server left queued, waiting for a retry or running;
 * on a PostgreSQL server the workers do that, and nothing is opened here until a job is submitted.
 */
export function resumeJobs(ctx: AppContext): void {
  if (ctx.db.dialect === 'postgres' && ctx.config.databaseUrl) return;
  apiJobQueue(ctx).catch((e: Error) => ctx.log.warn({ err: e.message }, 'jobs: could not resume unfinished jobs'));
}

/**
 * Stops the queue the job routes of `ctx` opened, if any (running jobs get `graceMs` to finish): before its
 * database closes, as `medseek serve` shuts down.
 */
export async function stopJobQueue(ctx: AppContext, graceMs = 10_000): Promise<void> {
  const queue = queues.get(ctx);
  queues.delete(ctx);
  const open = await queue?.catch(() => undefined);
  await open?.stop(graceMs);
}
