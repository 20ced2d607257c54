import { invalid, type Sql } from '../core/index.js';
import { buildBroadRelease } from './broad-release.js';
import { ensureDemoRelease } from './demo.js';
import type { ProgressFn } from './releases.js';

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
    return made !== undefined
      ? { releaseId: made, summary: `demo release ${made} imported` }
      : { summary: 'already imported' };
  }
  const built = await buildBroadRelease(sql, { activate: true, ...(progress ? { progress } : {}) });
  const n = (key: 'concepts' | 'relations') => built.batches.reduce((a, b) => a + b[key], 0).toLocaleString('en-US');
  const contents = `${n('concepts')} concepts, ${n('relations')} relations`;
  return { releaseId: built.releaseId, summary: `broad release ${built.releaseId} built and active: ${contents}` };
}
