import { createHmac } from 'node:crypto';
import type { Sql } from '../core/index.js';
import { invalid } from '../core/index.js';
import { createResourceRepository } from '../store/index.js';
import type { ReminderNotifier } from './reminders.js';
import type { Reminder } from './store.js';

/**
 * The notifiers a deployment chooses with `MEDSEEK_REMINDER_NOTIFIER` (docs/followup.md):
 * - `page` (default): the reminder is delivered to the patient's follow-up page and the clinicians'
 *   queue, which read the sent reminders from the store; nothing leaves the hospital.
 * - `log`: one log line per reminder (ids and time only: no message, no phone), for a trial run.
 * - `webhook`: a JSON POST to `MEDSEEK_REMINDER_WEBHOOK_URL`, signed with `MEDSEEK_REMINDER_WEBHOOK_SECRET`:
 *   the hospital's SMS / WeChat / app gateway sits behind it. The secret and the phone are never logged
 *   nor kept in the reminder's error.
 */
export type NotifierKind = 'page' | 'log' | 'webhook';
export const NOTIFIER_KINDS: readonly NotifierKind[] = ['page', 'log', 'webhook'];

/** Delivery to the follow-up page (and the clinicians' queue): being marked sent is the delivery. */
export class PageNotifier implements ReminderNotifier {
  readonly channel = 'page';
  async send(): Promise<void> {}
}

export type ReminderLog = (fields: Record<string, unknown>, message: string) => void;

/** A log line per reminder: which, whose and when, never what it says (it names the patient's care). */
export class LogNotifier implements ReminderNotifier {
  readonly channel = 'log';
  constructor(private readonly log: ReminderLog) {}
  async send(r: Reminder): Promise<void> {
    this.log({ reminder: r.id, patient: r.patientId, item: r.itemId, remindAt: r.remindAt }, 'follow-up reminder due');
  }
}

/** Where a reminder goes: the patient's phone (Patient.telecom), when the record has one. */
export type ContactLookup = (patientId: string) => Promise<{ readonly phone?: string }>;

export interface WebhookOptions {
  readonly url: string;
  readonly secret: string;
  readonly contact: ContactLookup;
  readonly timeoutMs?: number;
  readonly fetch?: typeof fetch;
}

/** Headers the gateway checks: `X-MedSeek-Signature: sha256=<hex HMAC-SHA256 of "<timestamp>.<body>">`. */
export const SIGNATURE_HEADER = 'x-medseek-signature';
export const TIMESTAMP_HEADER = 'x-medseek-timestamp';

export function webhookSignature(secret: string, timestamp: string, body: string): string {
  return `sha256=${createHmac('sha256', secret).update(`${timestamp}.${body}`, 'utf8').digest('hex')}`;
}

/**
 * POSTs each reminder as JSON, with the reminder id as `Idempotency-Key` (a gateway that keeps it sends a
 * re-delivered reminder once) and an HMAC signature over the timestamp and body (the shared secret itself
 * never travels). A 2xx answer is delivered; anything else is an error that names the status only.
 */
export class WebhookNotifier implements ReminderNotifier {
  readonly channel = 'webhook';
  constructor(private readonly o: WebhookOptions) {}
  async send(r: Reminder): Promise<void> {
    const { phone } = await this.o.contact(r.patientId);
    const body = JSON.stringify({
      id: r.id,
      patientId: r.patientId,
      planId: r.planId,
      itemId: r.itemId,
      remindAt: r.remindAt,
      message: r.message,
      ...(phone ? { to: { phone } } : {}),
    });
    const timestamp = String(Math.floor(Date.now() / 1000));
    let res: Response;
    try {
      res = await (this.o.fetch ?? fetch)(this.o.url, {
        method: 'POST',
        headers: {
          'content-type': 'application/json',
          'idempotency-key': r.id,
          [TIMESTAMP_HEADER]: timestamp,
          [SIGNATURE_HEADER]: webhookSignature(this.o.secret, timestamp, body),
        },
        body,
        signal: AbortSignal.timeout(this.o.timeoutMs ?? 10_000),
      });
    } catch (e) {
      // The cause's code only: a message could carry the URL (and a token in it).
      const code = (e as { cause?: { code?: string }; name?: string }).cause?.code ?? (e as Error).name;
      throw new Error(`the reminder webhook could not be reached (${code})`);
    }
    await res.body?.cancel().catch(() => {});
    if (!res.ok) throw new Error(`the reminder webhook answered ${res.status}`);
  }
}

/** The patient's phone from their Patient resource: a mobile number first, else any phone. */
export function patientContacts(db: Sql): ContactLookup {
  const resources = createResourceRepository(db);
  return async (patientId) => {
    const stored = await resources.read('Patient', patientId);
    if (!stored || stored.deleted) return {};
    const telecom = (stored.resource as { telecom?: { system?: string; value?: string; use?: string }[] }).telecom;
    const phones = (telecom ?? []).filter((t) => t.system === 'phone' && typeof t.value === 'string' && t.value);
    const phone = (phones.find((t) => t.use === 'mobile') ?? phones[0])?.value;
    return phone ? { phone } : {};
  };
}

/**
 * The notifier the environment configures; a misconfiguration is an error naming the variable, said
 * when the server or worker starts, not at the first reminder.
 */
export function reminderNotifierFromEnv(
  env: NodeJS.ProcessEnv,
  deps: { readonly db: Sql; readonly log: ReminderLog; readonly fetch?: typeof fetch },
): ReminderNotifier {
  const kind = (env.MEDSEEK_REMINDER_NOTIFIER ?? 'page').trim() || 'page';
  if (!NOTIFIER_KINDS.includes(kind as NotifierKind))
    throw invalid(`'${kind}' is not a reminder notifier (one of ${NOTIFIER_KINDS.join(', ')})`, {
      field: 'MEDSEEK_REMINDER_NOTIFIER',
    });
  if (kind === 'page') return new PageNotifier();
  if (kind === 'log') return new LogNotifier(deps.log);
  const url = env.MEDSEEK_REMINDER_WEBHOOK_URL?.trim() ?? '';
  if (!/^https?:\/\/[^\s/]+/.test(url))
    throw invalid('the webhook notifier needs the gateway’s http(s) URL', { field: 'MEDSEEK_REMINDER_WEBHOOK_URL' });
  const secret = env.MEDSEEK_REMINDER_WEBHOOK_SECRET ?? '';
  if (secret.length < 16)
    throw invalid('the webhook notifier needs a shared secret of at least 16 characters', {
      field: 'MEDSEEK_REMINDER_WEBHOOK_SECRET',
    });
  return new WebhookNotifier({
    url,
    secret,
    contact: patientContacts(deps.db),
    ...(deps.fetch ? { fetch: deps.fetch } : {}),
  });
}

/** Seconds between reminder passes (`MEDSEEK_REMINDER_INTERVAL_S`, default 600: reminders go out the day before). */
export function reminderIntervalMs(env: NodeJS.ProcessEnv): number {
  const raw = env.MEDSEEK_REMINDER_INTERVAL_S;
  if (raw === undefined || raw.trim() === '') return 600_000;
  const s = Number(raw);
  if (!Number.isFinite(s) || s < 10)
    throw invalid('must be a number of seconds, at least 10', { field: 'MEDSEEK_REMINDER_INTERVAL_S' });
  return s * 1000;
}
