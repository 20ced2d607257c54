import type { ExportKind } from './schemas.js';

/**
 * Records an export in the audit log before its lines are handed back: which kind, and how many lines
 * of each patient's data left (`undefined`: lines tied to no patient). The caller writes it with the
 * server's AuditLog, as every other read of patient data is written (the learning stage may not
 * import the server: ARCHITECTURE.md, test/layering.test.ts).
 */
export type ExportAudit = (kind: ExportKind, linesByPatient: ReadonlyMap<string | undefined, number>) => Promise<void>;
