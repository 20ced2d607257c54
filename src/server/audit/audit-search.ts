import type { Sql } from '../../core/index.js';
import { invalid } from '../../core/index.js';
import { type AuditDbRow, type AuditRow, toAuditRow } from './audit-log.js';

/**
 * Audit-log queries for the administrator's page: by who, about which patient, what was done,
 * with what outcome, in a time range, a page at a time with the total count. Newest first.
 */
export interface AuditFilter {
  /** Exact principal (`user:7`, `key:ab12…`, `demo`). */
  readonly principal?: string;
  readonly patient?: string;
  /** Exact action (`read`, `settings.update`), or a prefix ending in `*` (`settings.*`). */
  readonly action?: string;
  /** An HTTP status (`403`) or a class (`4xx`). */
  readonly outcome?: string;
  /** ISO date or date-time; a date alone means that whole day (`to` inclusive). */
  readonly from?: string;
  readonly to?: string;
  readonly limit?: number;
  readonly offset?: number;
}

export interface AuditPage {
  readonly entries: readonly AuditRow[];
  readonly total: number;
  readonly limit: number;
  readonly offset: number;
}

export const AUDIT_FILTERS = ['principal', 'patient', 'action', 'outcome', 'from', 'to', 'limit', 'offset'] as const;

/** Reads the filter from query parameters, refusing unknown ones and bad values with the field named. */
export function auditFilterFromQuery(params: URLSearchParams): AuditFilter {
  const out: Record<string, string | number> = {};
  for (const [name, raw] of params) {
    if (!(AUDIT_FILTERS as readonly string[]).includes(name))
      throw invalid(`unknown parameter '${name}'; supported: ${AUDIT_FILTERS.join(', ')}`, { field: name });
    const v = raw.trim();
    if (!v) continue;
    if (name === 'limit' || name === 'offset') {
      if (!/^\d{1,9}$/.test(v)) throw invalid(`${name} must be a whole number, got '${v}'`, { field: name });
      out[name] = Number(v);
    } else out[name] = v.slice(0, 200);
  }
  return out as AuditFilter;
}

const DATE = /^\d{4}-\d{2}-\d{2}$/;

function instant(name: 'from' | 'to', v: string): string {
  const isDate = DATE.test(v);
  const d = new Date(isDate ? `${v}T00:00:00Z` : v);
  if (Number.isNaN(d.getTime()) || !/^\d{4}-\d{2}-\d{2}/.test(v))
    throw invalid(`${name} must be a date (2026-12-05) or an ISO date-time, got '${v}'`, { field: name });
  // `to` as a date includes that whole day.
  if (name === 'to' && isDate) d.setUTCDate(d.getUTCDate() + 1);
  return d.toISOString();
}

export async function searchAudit(sql: Sql, f: AuditFilter): Promise<AuditPage> {
  const where: string[] = [];
  const params: unknown[] = [];
  const add = (clause: (p: string) => string, value: unknown) => {
    params.push(value);
    where.push(clause(`$${params.length}`));
  };
  if (f.principal) add((p) => `principal = ${p}`, f.principal);
  if (f.patient) add((p) => `patient_id = ${p}`, f.patient);
  if (f.action) {
    if (f.action.endsWith('*')) add((p) => `starts_with(action, ${p})`, f.action.slice(0, -1));
    else add((p) => `action = ${p}`, f.action);
  }
  if (f.outcome) {
    const cls = /^([1-5])xx$/i.exec(f.outcome);
    if (cls) add((p) => `outcome / 100 = ${p}`, Number(cls[1]));
    else if (/^\d{3}$/.test(f.outcome)) add((p) => `outcome = ${p}`, Number(f.outcome));
    else throw invalid(`outcome must be a status (403) or a class (4xx), got '${f.outcome}'`, { field: 'outcome' });
  }
  if (f.from) add((p) => `at >= ${p}::timestamptz`, instant('from', f.from));
  if (f.to) add((p) => `at ${f.to && DATE.test(f.to) ? '<' : '<='} ${p}::timestamptz`, instant('to', f.to));
  const limit = Math.min(Math.max(f.limit ?? 50, 1), 500);
  const offset = Math.max(f.offset ?? 0, 0);
  const filter = where.length ? `where ${where.join(' and ')}` : '';
  const count = await sql.query<{ n: number | string }>(`select count(*) as n from medseek_audit ${filter}`, params);
  const rows = await sql.query<AuditDbRow>(
    `select id, at, principal, principal_kind, action, resource, patient_id, purpose, outcome, client_address, request_id, detail
     from medseek_audit ${filter} order by id desc limit ${limit} offset ${offset}`,
    params,
  );
  return { entries: rows.rows.map(toAuditRow), total: Number(count.rows[0]?.n ?? 0), limit, offset };
}
