import type { Sql } from '../../core/index.js';

/**
 * The audit entry of an export, written to the same table as every other read of patient data
 * (`medseek_audit`, migration 0600; `detail` from 0621). The server's AuditLog owns that table's
 * API, but the learning stage may not import the server (ARCHITECTURE.md, test/layering.test.ts),
 * so this writes the same columns the same way: one row per patient whose data left, each naming
 * the export kind, the number of lines and the destination. Rows are only ever inserted.
 */
export interface ExportAudit {
  /** `cli:<os user>` from the command line; a server principal id otherwise. */
  readonly principal: string;
  readonly principalKind: 'cli' | 'key' | 'jwt' | 'user';
  /** HL7 v3 PurposeOfUse; an export for model training is healthcare operations (HOPERAT) unless told otherwise. */
  readonly purpose?: string;
  /** Where the lines went (a file path), for the audit detail. */
  readonly destination?: string;
}

export async function recordExportAudit(
  sql: Sql,
  who: ExportAudit,
  kind: string,
  linesByPatient: ReadonlyMap<string | undefined, number>,
): Promise<void> {
  const rows = linesByPatient.size > 0 ? [...linesByPatient] : [[undefined, 0] as const];
  const params: unknown[] = [];
  const tuples = rows.map(([patientId, lines]) => {
    const values = [
      who.principal,
      who.principalKind,
      'export',
      `learning/export/${kind}`,
      patientId ?? null,
      who.purpose ?? 'HOPERAT',
      200,
      JSON.stringify({ kind, lines, deidentified: true, ...(who.destination ? { destination: who.destination } : {}) }),
    ];
    return `(${values.map((v) => `$${params.push(v)}`).join(', ')})`;
  });
  await sql.query(
    `insert into medseek_audit (principal, principal_kind, action, resource, patient_id, purpose, outcome, detail)
     values ${tuples.join(', ')}`,
    params,
  );
}
