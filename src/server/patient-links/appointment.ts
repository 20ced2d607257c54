import type { ResourceRepository } from '../../store/index.js';
import { patientIdFromReference } from '../../store/index.js';

/** An Appointment as a link needs it: its patient, its time, whether it still stands. */
export interface LinkAppointment {
  readonly id: string;
  readonly patientId?: string;
  readonly status?: string;
  readonly start?: string;
  readonly end?: string;
  readonly description?: string;
}

/** Appointments that no longer take place: a link for one is not issued, and stops working. */
export const CLOSED_STATUSES: ReadonlySet<string> = new Set(['cancelled', 'entered-in-error', 'noshow']);

/** The longest a link lives, whatever the appointment (the "24–72 h"). */
export const MAX_LIFETIME_MS = 72 * 3600_000;
/** After the appointment's end, the patient may still finish (a late or overrunning visit). */
export const GRACE_AFTER_END_MS = 12 * 3600_000;
/** Without an end: this long after the start. */
const AFTER_START_MS = 24 * 3600_000;

export async function readAppointment(resources: ResourceRepository, id: string): Promise<LinkAppointment | undefined> {
  const stored = await resources.read('Appointment', id);
  if (!stored || stored.deleted) return undefined;
  const r = stored.resource as {
    status?: string;
    start?: string;
    end?: string;
    description?: string;
    participant?: { actor?: unknown }[];
  };
  const patientId = (r.participant ?? []).map((p) => patientIdFromReference(p.actor)).find((x): x is string => !!x);
  return {
    id,
    ...(patientId ? { patientId } : {}),
    ...(typeof r.status === 'string' ? { status: r.status } : {}),
    ...(typeof r.start === 'string' ? { start: r.start } : {}),
    ...(typeof r.end === 'string' ? { end: r.end } : {}),
    ...(typeof r.description === 'string' ? { description: r.description } : {}),
  };
}

/**
 * When a link for this appointment expires: the appointment's end plus a grace (or its start plus a
 * day), never more than 72 h from now, and sooner when the clinician asks (`ttlHours`).
 */
export function linkExpiry(a: LinkAppointment, now: Date, ttlHours?: number): Date {
  const cap = now.getTime() + Math.min(MAX_LIFETIME_MS, (ttlHours ?? 72) * 3600_000);
  const end = a.end
    ? Date.parse(a.end) + GRACE_AFTER_END_MS
    : a.start
      ? Date.parse(a.start) + AFTER_START_MS
      : Number.NaN;
  return new Date(Number.isFinite(end) ? Math.min(end, cap) : cap);
}
