import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createScratchDatabase } from '../../../test/support/backends.js';
import { demoInpatient } from '../../followup/__fixtures__/demo.js';
import {
  buildFollowUpPlan,
  type FollowUpPlan,
  FollowUpStore,
  loadFollowUpRules,
  MemoryNotifier,
} from '../../followup/index.js';
import { type Database, migrate, openDatabase } from '../../store/index.js';
import { createInProcessQueue, jobHandlers, type JobQueue, type RunningWorker, startWorker } from './index.js';
import { reminderSlot, startReminderClock } from './reminders.js';

const HOUR = 3_600_000;
let plan: FollowUpPlan;
beforeAll(() => {
  const { state, notes } = demoInpatient('zh-hf-af-warfarin.json');
  plan = buildFollowUpPlan({ state, notes, rules: loadFollowUpRules() });
});

/** The plan's reminders due by now (the demo stay is in 2024: all of them). */
async function dueIds(db: Database): Promise<string[]> {
  const all = await new FollowUpStore(db).reminders(plan.patientId);
  return all.filter((r) => Date.parse(r.remindAt) <= Date.now()).map((r) => r.id);
}

describe('the send-reminders job on the in-process queue', () => {
  let db: Database;
  let queue: JobQueue;
  const notifier = new MemoryNotifier();
  beforeAll(async () => {
    db = await openDatabase();
    await migrate(db);
    await new FollowUpStore(db).savePlan(plan, 'user:doc');
    queue = createInProcessQueue(db);
    await queue.work(
      jobHandlers(db, queue, () => notifier),
      { worker: 'w1' },
    );
  });
  afterAll(async () => {
    await queue.stop(5_000);
    await db.close();
  });

  it('is one job per slot, however many clocks submit it, and sends each due reminder once', async () => {
    const at = new Date('2026-01-05T10:07:00Z');
    expect(reminderSlot(at, HOUR)).toBe('2026-01-05T10:00:00.000Z');
    const clocks = [1, 2].map(() => startReminderClock(queue, { intervalMs: HOUR, clock: () => at }));
    try {
      const ids = await Promise.all(clocks.map((c) => c.tick()));
      expect(new Set(ids)).toEqual(new Set(['send-reminders:2026-01-05T10:00:00.000Z']));
      const job = await queue.settled(ids[0]!, 60_000);
      const due = await dueIds(db);
      expect(job).toMatchObject({ state: 'completed', result: { sent: due.length, failed: 0 } });
      expect(notifier.sent.map((r) => r.id).sort()).toEqual(due.sort());
      const { rows } = await db.query<{ n: string }>(
        `select count(*)::text as n from medseek_jobs where kind = 'send-reminders'`,
      );
      expect(rows[0]!.n).toBe('1');
    } finally {
      for (const c of clocks) c.stop();
    }
  });
});

const server = process.env.MEDSEEK_TEST_DATABASE_URL;
describe.skipIf(!server)('the send-reminders job with two pg-boss workers', () => {
  let url = '';
  let drop: (() => Promise<void>) | undefined;
  const workers: RunningWorker[] = [];
  const notifier = new MemoryNotifier();

  beforeAll(async () => {
    const fresh = await createScratchDatabase(server!);
    url = fresh.url;
    drop = fresh.drop;
    const db = await openDatabase({ databaseUrl: url, maxConnections: 2 });
    try {
      await migrate(db);
      await new FollowUpStore(db).savePlan(plan, 'user:doc');
    } finally {
      await db.close();
    }
  });
  afterAll(async () => {
    for (const w of workers) await w.stop(5_000);
    await drop?.();
  });

  it('queues the slot once from both workers; one runs it; each reminder is sent once', async () => {
    for (const name of ['worker-a', 'worker-b'])
      workers.push(
        await startWorker({
          databaseUrl: url,
          worker: name,
          pollingSeconds: 0.5,
          reminderIntervalMs: 24 * HOUR,
          handlers: (db, queue) => jobHandlers(db, queue, () => notifier),
        }),
      );
    const id = `send-reminders:${reminderSlot(new Date(), 24 * HOUR)}`;
    const job = await workers[0]!.queue.settled(id, 120_000);
    const due = await dueIds(workers[0]!.db);
    expect(job).toMatchObject({ state: 'completed', attempts: 1, result: { sent: due.length } });
    expect(['worker-a', 'worker-b']).toContain(job.completedBy);
    expect(notifier.sent.map((r) => r.id).sort()).toEqual(due.sort());
    const { rows } = await workers[0]!.db.query<{ n: string }>(
      `select count(*)::text as n from medseek_jobs where kind = 'send-reminders'`,
    );
    expect(rows[0]!.n).toBe('1');
  }, 180_000);
});
