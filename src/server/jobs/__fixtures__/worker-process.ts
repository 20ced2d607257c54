/**
 * A worker process for the kill test: `startWorker` (the body of `medseek worker`) on DATABASE_URL,
 * printing one JSON line per event. With STALL=after-first-write its import handler's database
 * connection hangs once the first batch of resources is committed (it prints `{"event":"stalled"}`),
 * so the test can kill it in the middle of a job, at a known point.
 */
import type { Sql } from '../../../core/index.js';
import { jobHandlers } from '../kinds.js';
import { startWorker } from '../worker.js';

const print = (line: Record<string, unknown>) => process.stdout.write(`${JSON.stringify(line)}\n`);

function hangingAfterFirstWrite(db: Sql): Sql {
  let wrote = false;
  let stalled = false;
  const never = () => new Promise<never>(() => {});
  const wrap = (inner: Sql, top: boolean): Sql => ({
    dialect: inner.dialect,
    async query(text, params) {
      if (stalled) return never();
      if (/insert into fhir_resources/.test(text)) wrote = true;
      return inner.query(text, params);
    },
    async exec(script) {
      if (stalled) return never();
      return inner.exec(script);
    },
    async transaction(fn) {
      if (stalled) return never();
      if (!top) return fn(this);
      const result = await inner.transaction((tx) => fn(wrap(tx, false)));
      if (wrote && !stalled) {
        stalled = true;
        print({ event: 'stalled' });
        return never();
      }
      return result;
    },
  });
  return wrap(db, true);
}

const running = await startWorker({
  databaseUrl: process.env.DATABASE_URL!,
  worker: process.env.WORKER_NAME!,
  pollingSeconds: 0.5,
  maintenanceSeconds: 1,
  log: print,
  // The kinds this test is about: no reminder clock (its slot jobs would add attempts the test counts).
  kinds: ['import', 'extract-notes'],
  handlers: (db, queue) =>
    jobHandlers(process.env.STALL === 'after-first-write' ? hangingAfterFirstWrite(db) : db, queue),
});
process.once('SIGTERM', () => {
  running.stop(5_000).then(
    () => process.exit(0),
    () => process.exit(1),
  );
});
