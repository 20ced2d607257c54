import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import { demoInpatient } from '../../followup/__fixtures__/demo.js';
import { buildFollowUpPlan, type FollowUpPlan, FollowUpStore, loadFollowUpRules } from '../../followup/index.js';
import { createLogger } from '../../server/index.js';
import { type Database, migrate, openDatabase } from '../../store/index.js';
import { startServeReminders } from './serve-reminders.js';

/** `medseek serve`'s reminders: started with the server on the embedded database, stopped before it closes. */
describe('follow-up reminders of medseek serve', () => {
  let db: Database;
  let store: FollowUpStore;
  let plan: FollowUpPlan;
  const log = createLogger('silent');
  const samePlanFor = (patientId: string): FollowUpPlan => ({ ...plan, id: `plan-${patientId}`, patientId });
  const unsent = async (patientId: string) => (await store.reminders(patientId)).filter((r) => !r.sentAt).length;

  beforeAll(async () => {
    db = await openDatabase();
    await migrate(db);
    store = new FollowUpStore(db);
    const { state, notes } = demoInpatient('zh-hf-af-warfarin.json');
    plan = buildFollowUpPlan({ state, notes, rules: loadFollowUpRules() });
  });
  afterEach(() => {
    vi.useRealTimers();
  });
  afterAll(() => db.close());

  it('sends the due reminders at start and on each interval through the page notifier, until stopped', async () => {
    vi.useFakeTimers({ toFake: ['setInterval', 'clearInterval'] });
    await store.savePlan(samePlanFor('p-start'), 'user:doc');
    const reminders = startServeReminders({ db, log }, { MEDSEEK_REMINDER_INTERVAL_S: '60' });
    expect(reminders.describe).toBe('follow-up reminders: every 1 min through the page notifier');
    expect(vi.getTimerCount()).toBe(1);
    // The pass at start: every reminder of the 2024 stay is due.
    await vi.waitFor(async () => expect(await unsent('p-start')).toBe(0));
    expect((await store.reminders('p-start')).every((r) => r.channel === 'page')).toBe(true);

    await store.savePlan(samePlanFor('p-interval'), 'user:doc');
    expect(await unsent('p-interval')).toBeGreaterThan(0);
    await vi.advanceTimersByTimeAsync(60_000);
    await vi.waitFor(async () => expect(await unsent('p-interval')).toBe(0));

    await reminders.stop();
    expect(vi.getTimerCount()).toBe(0);
    await store.savePlan(samePlanFor('p-after-stop'), 'user:doc');
    // Stopped: no timer left, and a pass asked for now sends nothing.
    expect(await reminders.scheduler!.tick()).toEqual({ sent: [], failed: [] });
    expect(await unsent('p-after-stop')).toBeGreaterThan(0);
  });

  it('refuses to start with a notifier the environment misnames, before any timer', () => {
    vi.useFakeTimers({ toFake: ['setInterval', 'clearInterval'] });
    expect(() => startServeReminders({ db, log }, { MEDSEEK_REMINDER_NOTIFIER: 'pager' })).toThrow(
      /MEDSEEK_REMINDER_NOTIFIER/,
    );
    expect(vi.getTimerCount()).toBe(0);
  });

  it('leaves reminders to the workers on a PostgreSQL server', async () => {
    const onServer = { ...db, dialect: 'postgres' } as Database;
    const reminders = startServeReminders({ db: onServer, log }, {});
    expect(reminders.describe).toBe(
      'follow-up reminders: sent by `medseek worker` processes (a send-reminders job every 10 min)',
    );
    expect(reminders.scheduler).toBeUndefined();
    await reminders.stop();
  });
});
