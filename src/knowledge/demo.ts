import { fileURLToPath } from 'node:url';
import type { Sql } from '../core/index.js';
import { cdsBatch } from './importers/cds.js';
import { crosswalkBatch } from './importers/crosswalk.js';
import { readDdxplus } from './importers/ddxplus.js';
import { followupBatch } from './importers/followup.js';
import { readIcd10cn } from './importers/icd.js';
import { qcBatch } from './importers/qc.js';
import { resultsEvidenceBatch } from './importers/results-evidence.js';
import { writeBatchesBulk } from './bulk-load.js';
import { activeReleaseId, releaseWithBatch, writeBatch } from './releases.js';
import type { BatchData } from './batch.js';

const bundled = (p: string) => fileURLToPath(new URL(`./data/${p}`, import.meta.url));

const DEMO_LABEL = 'demo: DDXPlus + ICD-10 国家临床版 2.0 + CDS starter rules';

/**
 * The bundled files read once per process (≈ 1.5 s of parsing, ICD-10 most of it): they do not change while
 * it runs, and every store the process opens (a server's, or each test's) starts from the same batches.
 */
let heads: { ddxplus: ReturnType<typeof readDdxplus>; cds: BatchData; followup: BatchData } | undefined;
let all: readonly BatchData[] | undefined;
function demoHeads() {
  heads ??= { ddxplus: readDdxplus(bundled('ddxplus')), cds: cdsBatch(), followup: followupBatch() };
  return heads;
}
function demoBatches(): readonly BatchData[] {
  if (!all) {
    const { ddxplus, cds, followup } = demoHeads();
    const icd10cn = readIcd10cn(bundled('icd10cn'));
    // The results-evidence links (data/results-evidence) join DDXPlus and ICD-10 diseases by code.
    const results = resultsEvidenceBatch([ddxplus, icd10cn]).batch;
    all = [cds, ddxplus, icd10cn, crosswalkBatch(ddxplus, icd10cn), qcBatch(), results, followup];
  }
  return all;
}

/**
 * The demo release: DDXPlus (CC-BY, with MedSeek's zh/en names from `data/ddxplus-names.json`) +
 * ICD-10 国家临床版 2.0 + the CDS starter rules + the record-QC rules (`data/qc`) + the follow-up rules
 * (`data/followup`), all bundled in
 * `data/`, so it needs no external files. When a release exists already it does nothing, except
 * when the active release is an earlier demo release whose DDXPlus, CDS or follow-up batch differs from the
 * bundled one or is missing (e.g. made before the names file, or before the follow-up rules were data): then it
 * adds the current CDS, DDXPlus, crosswalk, QC, results-evidence and follow-up batches
 * on top of it as a new, active demo release (data only; older releases stay). Safe when several
 * processes start at once (one transaction, an advisory lock on PostgreSQL).
 * Returns the release id it made and activated, or undefined when it made none.
 */
export async function ensureDemoRelease(sql: Sql): Promise<number | undefined> {
  const { ddxplus, cds, followup } = demoHeads();
  const current = { ddxplus: ddxplus.contentHash, cds: cds.contentHash, followup: followup.contentHash };
  const any = await sql.query('select 1 from kg_release limit 1');
  if (any.rows.length && !(await staleDemo(sql, current))) return undefined;
  const batches = demoBatches();
  return sql.transaction(async (tx) => {
    if (tx.dialect === 'postgres') await tx.query('select pg_advisory_xact_lock(727274)');
    const again = await tx.query('select 1 from kg_release limit 1');
    if (again.rows.length) {
      const base = await staleDemo(tx, current);
      if (!base) return undefined;
      const ids: number[] = [];
      // The CDS batch too: the safety engines read their rule book from the active release.
      for (const i of [0, 1, 3, 4, 5, 6]) ids.push((await writeBatch(tx, batches[i]!)).batchId);
      return (await releaseWithBatch(tx, ids, { base, activate: true, label: DEMO_LABEL })).releaseId;
    }
    // A bulk load on PGlite (bulk-load.ts): about a second less on every first start, tests included.
    const ids = (await writeBatchesBulk(tx, batches)).map((w) => w.batchId);
    const r = await releaseWithBatch(tx, ids, { base: null, activate: true, label: DEMO_LABEL });
    return r.releaseId;
  });
}

/**
 * The active release's id when it is a demo release whose DDXPlus or CDS batch is not the bundled one, or
 * whose follow-up batch is not the bundled one or is missing.
 */
async function staleDemo(
  sql: Sql,
  current: { readonly ddxplus: string; readonly cds: string; readonly followup: string },
): Promise<number | undefined> {
  const active = await activeReleaseId(sql);
  if (active === undefined) return undefined;
  const r = await sql.query<{ label: string; hashes: string[] | null; cds: string[] | null; fu: string[] | null }>(
    `select r.label, array(select b.content_hash from kg_batch b where b.id = any(r.batch_ids) and b.kind = 'ddxplus') as hashes,
       array(select b.content_hash from kg_batch b where b.id = any(r.batch_ids) and b.kind = 'cds') as cds,
       array(select b.content_hash from kg_batch b where b.id = any(r.batch_ids) and b.kind = 'followup') as fu
     from kg_release r where r.id = $1`,
    [active],
  );
  const row = r.rows[0];
  if (!row?.label.startsWith('demo:')) return undefined;
  const hashes = row.hashes ?? [];
  const cds = row.cds ?? [];
  const stale =
    (hashes.length > 0 && !hashes.includes(current.ddxplus)) ||
    (cds.length > 0 && !cds.includes(current.cds)) ||
    !(row.fu ?? []).includes(current.followup);
  return stale ? active : undefined;
}
