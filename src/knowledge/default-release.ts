import { invalid, type Sql } from '../core/index.js';
import { buildBroadRelease } from './broad-release.js';
import { ensureDemoRelease } from './demo.js';
import type { BatchData } from './batch.js';
import { pgxAllelesBatch } from './importers/pgx-alleles.js';
import { activeReleaseId, type ProgressFn, releaseWithBatch, writeBatch } from './releases.js';

/**
 * Which release a fresh store starts with: `demo` (the default of `medseek serve`: DDXPlus + ICD-10 + CDS and QC
 * rules, ≈ 50 diseases, loaded in a second or two; what the test suites use), `broad` (every bundled shippable
 * source, 13,000+ diseases, still without prevalences: `--knowledge broad`) or `none`.
 */
export const STARTING_RELEASES = ['broad', 'demo', 'none'] as const;
export type StartingRelease = (typeof STARTING_RELEASES)[number];

/** Reads a `--knowledge` / `MEDSEEK_KNOWLEDGE` value (undefined: the caller's default). */
export function parseStartingRelease(
  value: string | undefined,
  field = 'MEDSEEK_KNOWLEDGE',
): StartingRelease | undefined {
  if (value === undefined || value.trim() === '') return undefined;
  const v = value.trim().toLowerCase();
  if (!(STARTING_RELEASES as readonly string[]).includes(v))
    throw invalid(`'${value}' is not a knowledge release to start with; one of ${STARTING_RELEASES.join(', ')}`, {
      field,
    });
  return v as StartingRelease;
}

export interface StartingReleaseResult {
  /** The release made and activated, or undefined when the store had one already (nothing changed). */
  readonly releaseId?: number;
  /** What happened, for the start-up step: `broad release 9 built and active: 107,000 concepts, …`. */
  readonly summary: string;
}

/**
 * Gives a store its starting release: on a store with no release yet, builds and activates the one asked for (the
 * broad one in one transaction: a start that fails or is stopped leaves no release, and the next start builds it
 * again). On a store that has a release it changes nothing, except that an outdated demo release is brought up to
 * date (`ensureDemoRelease`), whichever kind is asked for: the broad release is not forced on an existing store
 * (`medseek kg build --activate` does that).
 */
export async function ensureStartingRelease(
  sql: Sql,
  kind: StartingRelease,
  progress?: ProgressFn,
): Promise<StartingReleaseResult> {
  if (kind === 'none') return { summary: 'none asked for' };
  const any = await sql.query('select 1 from kg_release limit 1');
  if (kind === 'demo' || any.rows.length) {
    const made = await ensureDemoRelease(sql);
    const withPgx = await ensurePgxAlleles(sql, made !== undefined);
    const id = withPgx ?? made;
    return id !== undefined
      ? { releaseId: id, summary: `demo release ${id} imported` }
      : { summary: 'already imported' };
  }
  const built = await buildBroadRelease(sql, { activate: true, ...(progress ? { progress } : {}) });
  const id = (await ensurePgxAlleles(sql, true)) ?? built.releaseId;
  const n = (key: 'concepts' | 'relations') => built.batches.reduce((a, b) => a + b[key], 0).toLocaleString('en-US');
  const contents = `${n('concepts')} concepts, ${n('relations')} relations`;
  return { releaseId: id, summary: `broad release ${id} built and active: ${contents}` };
}

let pgxBatch: BatchData | undefined;

/**
 * Puts the bundled PGx allele definitions (importers/pgx-alleles.ts) into the active release when it lacks
 * them or holds other ones: always for a release this start made (`made`), and for an existing demo release
 * (brought up to date like its other bundled batches). A hospital's own release is left as its curators made
 * it (the VCF caller then reads the bundled files). The new release keeps the active one's label. Returns the
 * release made and activated, or undefined.
 */
async function ensurePgxAlleles(sql: Sql, made: boolean): Promise<number | undefined> {
  pgxBatch ??= pgxAllelesBatch();
  const batch = pgxBatch;
  const lacking = async (tx: Sql): Promise<{ id: number; label: string } | undefined> => {
    const active = await activeReleaseId(tx);
    if (active === undefined) return undefined;
    const r = await tx.query<{ label: string; pgx: string[] | null }>(
      `select r.label, array(select b.content_hash from kg_batch b
         where b.id = any(r.batch_ids) and b.kind = 'pgx-alleles') as pgx
       from kg_release r where r.id = $1`,
      [active],
    );
    const row = r.rows[0];
    if (!row || (row.pgx ?? []).includes(batch.contentHash)) return undefined;
    return made || row.label.startsWith('demo:') ? { id: active, label: row.label } : undefined;
  };
  if (!(await lacking(sql))) return undefined;
  return sql.transaction(async (tx) => {
    if (tx.dialect === 'postgres') await tx.query('select pg_advisory_xact_lock(727275)');
    const base = await lacking(tx);
    if (!base) return undefined;
    const { batchId } = await writeBatch(tx, batch);
    return (await releaseWithBatch(tx, batchId, { base: base.id, activate: true, label: base.label })).releaseId;
  });
}
