import { beforeAll, expect, it } from 'vitest';
import { forEachBackend } from '../../test/support/backends.js';
import { demoInpatient } from './__fixtures__/demo.js';
import {
  buildFollowUpPlan,
  FollowUpStore,
  type FollowUpPlan,
  type HomeReading,
  loadFollowUpRules,
  MemoryNotifier,
  REMINDER_CLAIM_LEASE_MS,
  type Reminder,
  type ReminderNotifier,
  sendDueReminders,
  startReminderScheduler,
} from './index.js';

const rules = loadFollowUpRules();

forEachBackend('follow-up plans, readings, alerts and reminders', (db) => {
  let plan: FollowUpPlan;
  let store: FollowUpStore;
  beforeAll(() => {
    const { state, notes } = demoInpatient('zh-hf-af-warfarin.json');
    plan = buildFollowUpPlan({ state, notes, rules });
    store = new FollowUpStore(db());
  });

  it('saves a plan (again, idempotently) with one reminder per dated item', async () => {
    await store.savePlan(plan, 'user:doc');
    await store.savePlan(plan, 'user:doc');
    expect(await store.latestPlan(plan.patientId)).toEqual(plan);
    const reminders = await store.reminders(plan.patientId);
    expect(reminders.length).toBe(plan.items.filter((i) => i.due).length);
    const inr = plan.items.find((i) => i.ruleIds.includes('FU-INR-WARFARIN'))!;
    // The day before the INR is due, 09:00 Beijing time.
    expect(reminders.find((r) => r.itemId === inr.id)).toMatchObject({ remindAt: '2024-03-06T01:00:00.000Z' });
  });

  it('stores readings and their alerts once, however often the same readings are posted', async () => {
    const p = plan.patientId;
    const w = (id: string, at: string, kg: number): HomeReading => ({
      id,
      patientId: p,
      at,
      value: { kind: 'weight', kg },
    });
    const first = await store.recordReadings(rules, p, [w('w1', '2024-03-01T07:00:00+08:00', 64.5)], 'link:1');
    expect(first).toEqual([]);
    const readings = [w('w2', '2024-03-02T07:00:00+08:00', 65.2), w('w3', '2024-03-03T07:00:00+08:00', 66.8)];
    const raised = await store.recordReadings(rules, p, readings, 'link:1');
    expect(raised.map((a) => a.ruleId)).toEqual(['HR-WEIGHT-GAIN-HF']);
    expect(await store.recordReadings(rules, p, readings, 'link:1')).toEqual([]);
    const queue = await store.alerts({ status: 'open', visible: new Set([p]) });
    expect(queue.map((a) => [a.ruleId, a.readingIds])).toEqual([['HR-WEIGHT-GAIN-HF', ['w3', 'w1']]]);
    expect(await store.alerts({ visible: new Set(['someone-else']) })).toEqual([]);
    const ack = await store.acknowledge(queue[0]!.id, 'user:doc');
    expect(ack).toMatchObject({ status: 'acknowledged', acknowledgedBy: 'user:doc' });
    expect(await store.alerts({ status: 'open', patientId: p })).toEqual([]);
  });

  it('sends due reminders through the notifier once, and retries one the channel refused', async () => {
    const notifier = new MemoryNotifier();
    const all = await store.reminders(plan.patientId);
    const weight = all.find((r) => r.itemId === plan.items.find((i) => i.kind === 'self-monitoring')!.id)!;
    notifier.failing.add(weight.id);
    const report = await sendDueReminders(store, notifier, new Date('2024-03-06T02:00:00Z'));
    // Due by then: the weight (day 1, refused), the INR (day 7, reminded day 6).
    expect(report.failed.map((f) => f.id)).toEqual([weight.id]);
    expect(notifier.sent.map((r) => r.message.zh)).toEqual([expect.stringContaining('INR')]);
    notifier.failing.clear();
    const scheduler = startReminderScheduler({ store, notifier, clock: () => new Date('2024-03-06T02:00:00Z') });
    try {
      const again = await scheduler.tick();
      expect(again).toEqual({ sent: [weight.id], failed: [] });
    } finally {
      scheduler.stop();
    }
    expect((await store.reminders(plan.patientId)).find((r) => r.id === weight.id)).toMatchObject({
      channel: 'memory',
      attempts: 2,
    });
    expect((await sendDueReminders(store, notifier, new Date('2024-03-06T02:00:00Z'))).sent).toEqual([]);
  });

  it('sends each reminder once when two senders run at the same time', async () => {
    const race: FollowUpPlan = { ...plan, id: 'plan-race', patientId: 'race-patient' };
    await store.savePlan(race, 'user:doc');
    const due = (await store.reminders('race-patient')).filter((r) => r.remindAt <= '2024-03-06T02:00:00.000Z');
    expect(due.length).toBeGreaterThan(1);
    // Each sender holds its first reminder until the other has finished or is sending too: the old
    // select-then-send would have sent every reminder twice here.
    const events = new EventTarget();
    const state = { a: 'claiming', b: 'claiming' } as Record<'a' | 'b', 'claiming' | 'sending' | 'done'>;
    const gated = (me: 'a' | 'b', other: 'a' | 'b'): ReminderNotifier & { sent: Reminder[] } => {
      const sent: Reminder[] = [];
      return {
        channel: `memory-${me}`,
        sent,
        async send(r) {
          state[me] = 'sending';
          events.dispatchEvent(new Event('change'));
          await new Promise<void>((go) => {
            const check = () => {
              if (state[other] === 'claiming') return;
              events.removeEventListener('change', check);
              go();
            };
            events.addEventListener('change', check);
            check();
          });
          sent.push(r);
        },
      };
    };
    const a = gated('a', 'b');
    const b = gated('b', 'a');
    const at = new Date('2024-03-06T02:00:00Z');
    const pass = async (who: 'a' | 'b', n: ReminderNotifier) => {
      try {
        return await sendDueReminders(new FollowUpStore(db()), n, at, `sender-${who}`);
      } finally {
        state[who] = 'done';
        events.dispatchEvent(new Event('change'));
      }
    };
    const [ra, rb] = await Promise.all([pass('a', a), pass('b', b)]);
    const ids = [...ra.sent, ...rb.sent].sort();
    expect(ids).toEqual(due.map((r) => r.id).sort());
    expect([...a.sent, ...b.sent].map((r) => r.id).sort()).toEqual(ids);
    const after = (await store.reminders('race-patient')).filter((r) => ids.includes(r.id));
    expect(after.every((r) => r.attempts === 1 && r.sentAt)).toBe(true);
  });

  it('leaves a reminder another sender claimed until its claim is stale', async () => {
    const late: FollowUpPlan = { ...plan, id: 'plan-claim', patientId: 'claim-patient' };
    await store.savePlan(late, 'user:doc');
    const at = Date.parse('2024-03-06T02:00:00Z');
    const claimed = await store.claimDueReminders(new Date(at).toISOString(), 'sender-that-dies');
    expect(claimed.length).toBeGreaterThan(0);
    const soon = new MemoryNotifier();
    expect((await sendDueReminders(store, soon, new Date(at + 60_000))).sent).toEqual([]);
    const later = new MemoryNotifier();
    const report = await sendDueReminders(store, later, new Date(at + REMINDER_CLAIM_LEASE_MS + 60_000));
    expect([...report.sent].sort()).toEqual(claimed.map((r) => r.id).sort());
  });
});
