import type { Sql } from '../../core/index.js';
import type { PrincipalKind } from '../env.js';

/**
 * The audit log of patient-data access: who read what, about whom, when, why, from where, and
 * whether it was allowed. Rows are only ever inserted; nothing in MedSeek updates or deletes them.
 */
export interface AuditEvent {
  /** `key:<id>`, `jwt:<sub>`, `user:<id>`, `demo`, `anonymous`; for a refused unknown key `key-hash:<first 12 hex of its SHA-256>`. */
  readonly principal: string;
  readonly principalKind: PrincipalKind | 'anonymous' | 'cli';
  /** read, vread, history, search, everything, pull, transaction… */
  readonly action: string;
  /** What was asked for: `Observation/42`, `Observation?patient=7&code=…`. */
  readonly resource: string;
  readonly patientId?: string;
  /** Purpose of use (HL7 v3 PurposeOfUse code, e.g. TREAT), from `X-Purpose-Of-Use`. */
  readonly purpose: string;
  /** HTTP status the caller received. */
  readonly outcome: number;
  readonly clientAddress?: string;
  readonly requestId?: string;
  /** Why a request was refused; what a write changed (before/after ids). Never a credential. */
  readonly detail?: Readonly<Record<string, unknown>>;
}

export interface AuditRow extends AuditEvent {
  readonly id: number;
  readonly at: string;
}

export interface AuditQuery {
  readonly patient?: string;
  readonly principal?: string;
  readonly limit?: number;
  /** Rows with id below this (for paging back in time). */
  readonly before?: number;
}

export class AuditLog {
  readonly #sql: Sql;

  constructor(sql: Sql) {
    this.#sql = sql;
  }

  /** Writes the events in one statement (a search touching several patients writes one row each). */
  async record(events: readonly AuditEvent[]): Promise<void> {
    if (events.length === 0) return;
    const cols = [
      'principal',
      'principal_kind',
      'action',
      'resource',
      'patient_id',
      'purpose',
      'outcome',
      'client_address',
      'request_id',
      'detail',
    ] as const;
    const params: unknown[] = [];
    const tuples = events.map((e) => {
      const values = [
        e.principal,
        e.principalKind,
        e.action,
        e.resource,
        e.patientId ?? null,
        e.purpose,
        e.outcome,
        e.clientAddress ?? null,
        e.requestId ?? null,
        e.detail ? JSON.stringify(e.detail) : null,
      ];
      const placeholders = values.map((v) => {
        params.push(v);
        return `$${params.length}`;
      });
      return `(${placeholders.join(', ')})`;
    });
    await this.#sql.query(`insert into medseek_audit (${cols.join(', ')}) values ${tuples.join(', ')}`, params);
  }

  /**
   * A read made from the command line on this machine: the operating-system user is the principal
   * (`cli:<user>`), the purpose `MEDSEEK_PURPOSE` or treatment.
   */
  async recordCli(action: string, resource: string, patientIds: readonly string[]): Promise<void> {
    const user = process.env.USER ?? process.env.LOGNAME ?? 'unknown';
    const purpose = process.env.MEDSEEK_PURPOSE ?? 'TREAT';
    const patients = patientIds.length ? patientIds : [undefined];
    await this.record(
      patients.map((patientId) => ({
        principal: `cli:${user}`,
        principalKind: 'cli' as const,
        action,
        resource,
        ...(patientId ? { patientId } : {}),
        purpose,
        outcome: 200,
      })),
    );
  }

  /**
   * A change made from the command line on this machine (keys, users, knowledge releases): the
   * operating-system user is the principal, the purpose HOPERAT (healthcare operations).
   */
  async recordCliChange(action: string, resource: string, detail: Readonly<Record<string, unknown>>): Promise<void> {
    const user = process.env.USER ?? process.env.LOGNAME ?? 'unknown';
    await this.record([
      { principal: `cli:${user}`, principalKind: 'cli', action, resource, purpose: 'HOPERAT', outcome: 200, detail },
    ]);
  }

  /** Newest first. */
  async query(q: AuditQuery = {}): Promise<AuditRow[]> {
    const where: string[] = [];
    const params: unknown[] = [];
    if (q.patient !== undefined) {
      params.push(q.patient);
      where.push(`patient_id = $${params.length}`);
    }
    if (q.principal !== undefined) {
      params.push(q.principal);
      where.push(`principal = $${params.length}`);
    }
    if (q.before !== undefined) {
      params.push(q.before);
      where.push(`id < $${params.length}`);
    }
    params.push(Math.min(Math.max(q.limit ?? 100, 1), 1000));
    const r = await this.#sql.query<AuditDbRow>(
      `select id, at, principal, principal_kind, action, resource, patient_id, purpose, outcome, client_address, request_id, detail
       from medseek_audit ${where.length ? `where ${where.join(' and ')}` : ''} order by id desc limit $${params.length}`,
      params,
    );
    return r.rows.map(toAuditRow);
  }
}

/** A row of medseek_audit as the driver returns it. */
export interface AuditDbRow {
  id: number | string;
  at: Date | string;
  principal: string;
  principal_kind: AuditEvent['principalKind'];
  action: string;
  resource: string;
  patient_id: string | null;
  purpose: string;
  outcome: number;
  client_address: string | null;
  request_id: string | null;
  detail: Record<string, unknown> | string | null;
}

export function toAuditRow(r: AuditDbRow): AuditRow {
  return {
    id: Number(r.id),
    at: (r.at instanceof Date ? r.at : new Date(r.at)).toISOString(),
    principal: r.principal,
    principalKind: r.principal_kind,
    action: r.action,
    resource: r.resource,
    ...(r.patient_id !== null ? { patientId: r.patient_id } : {}),
    purpose: r.purpose,
    outcome: r.outcome,
    ...(r.client_address !== null ? { clientAddress: r.client_address } : {}),
    ...(r.request_id !== null ? { requestId: r.request_id } : {}),
    ...(r.detail !== null && r.detail !== undefined
      ? { detail: typeof r.detail === 'string' ? (JSON.parse(r.detail) as Record<string, unknown>) : r.detail }
      : {}),
  };
}
