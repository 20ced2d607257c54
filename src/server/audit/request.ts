import type { Context } from 'hono';
import { clientAddress } from '../client-address.js';
import type { AppEnv } from '../env.js';
import type { AuditEvent } from './audit-log.js';

/** Purpose of use when a caller names none (HL7 v3 PurposeOfUse "TREAT": treatment). */
export const DEFAULT_PURPOSE = 'TREAT';

/** `X-Purpose-Of-Use` as sent (a code such as TREAT, ETREAT, HPAYMT), bounded; else the default. */
export function purposeOf(c: Context): string {
  const raw = c.req.header('x-purpose-of-use')?.trim();
  if (!raw) return DEFAULT_PURPOSE;
  return raw.replace(/[^\x20-\x7e]/g, '?').slice(0, 64);
}

/**
 * Audit events for one request: who (the principal), why, from where, and the request id are
 * taken from the request; the route says what it read and about whom (one event per patient).
 */
export function auditEvents(
  c: Context<AppEnv>,
  what: {
    action: string;
    resource: string;
    outcome: number;
    patients: readonly (string | undefined)[];
    detail?: Readonly<Record<string, unknown>>;
  },
): AuditEvent[] {
  const p = c.get('principal');
  const address = clientAddress(c);
  const patients = what.patients.length ? [...new Set(what.patients)] : [undefined];
  return patients.map((patientId) => ({
    principal: p.id,
    principalKind: p.kind,
    action: what.action,
    resource: what.resource,
    ...(patientId !== undefined ? { patientId } : {}),
    purpose: purposeOf(c),
    outcome: what.outcome,
    ...(address !== undefined ? { clientAddress: address } : {}),
    requestId: c.get('requestId'),
    ...(what.detail ? { detail: what.detail } : {}),
  }));
}
