import { createServer, type IncomingHttpHeaders, type Server } from 'node:http';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createResourceRepository, type Database, migrate, openDatabase } from '../store/index.js';
import {
  FollowUpStore,
  LogNotifier,
  PageNotifier,
  type Reminder,
  reminderIntervalMs,
  reminderNotifierFromEnv,
  sendDueReminders,
  SIGNATURE_HEADER,
  TIMESTAMP_HEADER,
  WebhookNotifier,
  webhookSignature,
} from './index.js';

const SECRET = 'a-shared-secret-of-the-gateway';
const PHONE = '+86 138 0013 8000';

const reminder: Reminder = {
  id: 'rem-1',
  planId: 'plan-1',
  itemId: 'item-inr',
  patientId: 'p-phone',
  remindAt: '2024-03-06T01:00:00.000Z',
  message: { en: 'Reminder: INR blood test (due 2024-03-07)', zh: '提醒：复查INR（截止 2024-03-07）' },
  attempts: 0,
};

describe('reminder notifiers', () => {
  let db: Database;
  let server: Server;
  let url = '';
  let status = 204;
  const received: { headers: IncomingHttpHeaders; body: string }[] = [];
  const logged: string[] = [];
  const log = (fields: Record<string, unknown>, message: string) => logged.push(JSON.stringify({ ...fields, message }));

  beforeAll(async () => {
    db = await openDatabase();
    await migrate(db);
    await createResourceRepository(db).put({
      resourceType: 'Patient',
      id: 'p-phone',
      telecom: [
        { system: 'email', value: 'p@example.org' },
        { system: 'phone', value: '+86 10 0000 0000', use: 'home' },
        { system: 'phone', value: PHONE, use: 'mobile' },
      ],
    });
    server = createServer((req, res) => {
      let body = '';
      req.on('data', (d) => (body += d));
      req.on('end', () => {
        received.push({ headers: req.headers, body });
        res.writeHead(status, { 'content-type': 'application/json' }).end(JSON.stringify({ echo: body }));
      });
    });
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', () => r()));
    url = `http://127.0.0.1:${(server.address() as { port: number }).port}/reminders`;
  });
  afterAll(async () => {
    await new Promise((r) => server.close(r));
    await db.close();
  });

  it('defaults to the page notifier; says which variable is wrong and why', () => {
    expect(reminderNotifierFromEnv({}, { db, log })).toBeInstanceOf(PageNotifier);
    expect(reminderNotifierFromEnv({ MEDSEEK_REMINDER_NOTIFIER: 'log' }, { db, log })).toBeInstanceOf(LogNotifier);
    expect(() => reminderNotifierFromEnv({ MEDSEEK_REMINDER_NOTIFIER: 'sms' }, { db, log })).toThrow(
      /field MEDSEEK_REMINDER_NOTIFIER: 'sms' is not a reminder notifier \(one of page, log, webhook\)/,
    );
    expect(() => reminderNotifierFromEnv({ MEDSEEK_REMINDER_NOTIFIER: 'webhook' }, { db, log })).toThrow(
      /MEDSEEK_REMINDER_WEBHOOK_URL/,
    );
    expect(() =>
      reminderNotifierFromEnv(
        {
          MEDSEEK_REMINDER_NOTIFIER: 'webhook',
          MEDSEEK_REMINDER_WEBHOOK_URL: url,
          MEDSEEK_REMINDER_WEBHOOK_SECRET: 'short',
        },
        { db, log },
      ),
    ).toThrow(/MEDSEEK_REMINDER_WEBHOOK_SECRET: .*at least 16 characters/);
    expect(reminderIntervalMs({})).toBe(600_000);
    expect(reminderIntervalMs({ MEDSEEK_REMINDER_INTERVAL_S: '60' })).toBe(60_000);
    expect(() => reminderIntervalMs({ MEDSEEK_REMINDER_INTERVAL_S: 'often' })).toThrow(/MEDSEEK_REMINDER_INTERVAL_S/);
  });

  it('posts the reminder to the webhook, signed, with the mobile number from the record', async () => {
    const notifier = reminderNotifierFromEnv(
      {
        MEDSEEK_REMINDER_NOTIFIER: 'webhook',
        MEDSEEK_REMINDER_WEBHOOK_URL: url,
        MEDSEEK_REMINDER_WEBHOOK_SECRET: SECRET,
      },
      { db, log },
    );
    expect(notifier).toBeInstanceOf(WebhookNotifier);
    await notifier.send(reminder);
    const got = received.at(-1)!;
    expect(JSON.parse(got.body)).toEqual({
      id: 'rem-1',
      patientId: 'p-phone',
      planId: 'plan-1',
      itemId: 'item-inr',
      remindAt: reminder.remindAt,
      message: reminder.message,
      to: { phone: PHONE },
    });
    const ts = String(got.headers[TIMESTAMP_HEADER]);
    expect(got.headers[SIGNATURE_HEADER]).toBe(webhookSignature(SECRET, ts, got.body));
    expect(got.headers['idempotency-key']).toBe('rem-1');
    // The secret itself never travels.
    expect(JSON.stringify(got.headers)).not.toContain(SECRET);
  });

  it('records a refused or unreachable webhook by its status alone, and logs no phone and no secret', async () => {
    status = 502;
    const store = new FollowUpStore(db);
    await db.query(
      `insert into followup_reminder (id, plan_id, item_id, patient_id, remind_at, message)
       values ('rem-2', 'plan-1', 'item-inr', 'p-phone', '2024-03-06T01:00:00Z', $1::jsonb)`,
      [JSON.stringify(reminder.message)],
    );
    const webhook = new WebhookNotifier({
      url,
      secret: SECRET,
      contact: async () => ({ phone: PHONE }),
    });
    const report = await sendDueReminders(store, webhook, new Date('2024-03-06T02:00:00Z'));
    expect(report.failed).toEqual([{ id: 'rem-2', error: 'the reminder webhook answered 502' }]);
    const unreachable = new WebhookNotifier({
      url: 'http://127.0.0.1:1/hook?token=in-the-url',
      secret: SECRET,
      contact: async () => ({ phone: PHONE }),
    });
    await expect(unreachable.send(reminder)).rejects.toThrow(/^the reminder webhook could not be reached \(\w+\)$/);
    const [row] = (await store.reminders('p-phone')).filter((r) => r.id === 'rem-2');
    expect(row).toMatchObject({ attempts: 1, lastError: 'the reminder webhook answered 502' });
    status = 204;

    await new LogNotifier(log).send(reminder);
    expect(logged.at(-1)).toContain('rem-1');
    for (const line of logged) {
      expect(line).not.toContain(PHONE);
      expect(line).not.toContain(SECRET);
      expect(line).not.toContain('INR');
    }
  });
});
