import { createHash } from 'node:crypto';
import type { Sql } from '../core/index.js';
import { invalid } from '../core/index.js';
import type { CaseInput } from '../reasoning/index.js';
import type { ConfirmedCase } from './sufficient-stats.js';

/**
 * Confirmed cases the hospital stores (migration 0730), so learning and calibration run on its own outcomes and not
 * only on files: a differential row a clinician accepted (the fused record's findings when it was accepted), and a
 * pre-consultation matched to the diagnosis recorded at the visit it prepared (the session's answers). Each case's
 * id is its source and reference, so a confirmation is stored once however often it is harvested.
 */
export type ConfirmationSource = 'accepted-differential' | 'pre-consultation';

export interface StoredConfirmation {
  readonly networkId: string;
  readonly source: ConfirmationSource;
  /** The feedback row or the consultation session it came from. */
  readonly sourceRef: string;
  readonly patientId?: string;
  readonly diagnosis: string;
  readonly input: CaseInput;
  readonly department?: string;
  readonly confirmedBy: string;
}

export interface StoredCase extends ConfirmedCase {
  readonly id: string;
  readonly networkId: string;
  readonly source: ConfirmationSource;
  readonly createdAt: string;
}

export const confirmationId = (c: Pick<StoredConfirmation, 'source' | 'sourceRef' | 'diagnosis'>): string =>
  `${c.source}:${c.sourceRef}:${c.diagnosis}`;

export class ConfirmedCaseStore {
  constructor(private readonly sql: Sql) {}

  /** Stores a confirmation; false when it was stored before (a case never changes once confirmed). */
  async record(c: StoredConfirmation): Promise<boolean> {
    if (!c.diagnosis.trim()) throw invalid('a confirmed case needs its diagnosis', { field: 'diagnosis' });
    if (c.input.findings.length === 0) throw invalid('a confirmed case needs its findings', { field: 'input' });
    const r = await this.sql.query(
      `insert into learning_confirmed_case
         (id, network_id, source, source_ref, patient_id, diagnosis, input, department, confirmed_by)
       values ($1, $2, $3, $4, $5, $6, $7, $8, $9) on conflict (id) do nothing`,
      [
        confirmationId(c),
        c.networkId,
        c.source,
        c.sourceRef,
        c.patientId ?? null,
        c.diagnosis,
        JSON.stringify(c.input),
        c.department ?? null,
        c.confirmedBy,
      ],
    );
    return (r.rowCount ?? 0) > 0;
  }

  /** A network's confirmed cases, oldest first. */
  async cases(networkId: string): Promise<StoredCase[]> {
    const { rows } = await this.sql.query<Record<string, unknown>>(
      `select * from learning_confirmed_case where network_id = $1 order by created_at, id`,
      [networkId],
    );
    return rows.map((r) => ({
      id: r.id as string,
      networkId: r.network_id as string,
      source: r.source as ConfirmationSource,
      diagnosis: r.diagnosis as string,
      input: (typeof r.input === 'string' ? JSON.parse(r.input) : r.input) as CaseInput,
      ...(r.department ? { department: r.department as string } : {}),
      createdAt: new Date(r.created_at as string).toISOString(),
    }));
  }

  /** How many cases each network holds, by source. */
  async counts(): Promise<{ networkId: string; source: ConfirmationSource; cases: number; latest: string }[]> {
    const { rows } = await this.sql.query<{
      network_id: string;
      source: ConfirmationSource;
      n: string | number;
      latest: string | Date;
    }>(
      `select network_id, source, count(*) as n, max(created_at) as latest from learning_confirmed_case
       group by network_id, source order by network_id, source`,
    );
    return rows.map((r) => ({
      networkId: r.network_id,
      source: r.source,
      cases: Number(r.n),
      latest: new Date(r.latest).toISOString(),
    }));
  }
}

/**
 * Splits stored cases into those learned or fitted on and those held back for the evaluation, by a hash of each
 * case's id: a case stays on its side however many cases are added later, so a held-back case is never learned from
 * by a later fit either.
 */
export function splitHeldBack<C extends { readonly id?: string }>(
  cases: readonly C[],
  heldBackShare: number,
): { readonly fit: C[]; readonly heldBack: C[] } {
  if (!(heldBackShare > 0 && heldBackShare < 1)) throw invalid('must lie between 0 and 1', { field: 'heldBackShare' });
  const fit: C[] = [];
  const heldBack: C[] = [];
  for (const c of cases) {
    const h = createHash('sha256')
      .update(`held-back:${c.id ?? JSON.stringify(c)}`)
      .digest()
      .readUInt32BE(0);
    (h / 2 ** 32 < heldBackShare ? heldBack : fit).push(c);
  }
  return { fit, heldBack };
}
