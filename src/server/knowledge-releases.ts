import type { Sql } from '../core/index.js';
import { activeReleaseId, listReleases } from '../knowledge/index.js';
import { loadSafetyRules } from '../reasoning/index.js';

/** The active release's rule book as an administrator reviews it: what the safety engines cannot use. */
export interface RuleBookReview {
  readonly release: number;
  /** Edges the engines skip (a dangling drug id, a curator's edge without a severity…), each with why. */
  readonly problems: readonly string[];
}

/**
 * The knowledge releases (`GET /api/kg/releases`, `GET /api/admin/knowledge/releases`) with the
 * active release's rule-book problems, so a curator's edit the engines cannot execute is seen where
 * releases are managed, not only in the server log.
 */
export async function releasesWithReview(
  sql: Sql,
): Promise<{ releases: Awaited<ReturnType<typeof listReleases>>; ruleBook?: RuleBookReview }> {
  const [releases, active] = await Promise.all([listReleases(sql), activeReleaseId(sql)]);
  if (active === undefined) return { releases };
  const book = await loadSafetyRules(sql, active);
  return { releases, ruleBook: { release: active, problems: book.problems } };
}
