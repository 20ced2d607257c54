import { invalid } from '../core/index.js';
import type { Network } from '../reasoning/index.js';
import type { PrivateCountsOptions } from './federated.js';
import { privateCounts } from './federated.js';
import type { StatsJson, SufficientStats } from './sufficient-stats.js';
import { addStats, statsFromJson, statsLayout, statsToJson } from './sufficient-stats.js';

/**
 * What crosses a hospital's wall in federated learning: counts only (no case, id or date of a patient),
 * clipped and noised for (ε, δ)-DP (src/learning/federated.ts), with the network they are counts for.
 * A coordinator sums packages of the same network layout, each site once; the sum becomes a candidate
 * learned release at each hospital, which activates it only if it passes evaluation on held-back cases.
 *
 * These packages are the path without secure aggregation: unsigned, and the coordinator sees each site's
 * noisy counts, so each carries the full (ε, δ) noise. Rounds with secure aggregation (signed, masked, each
 * site adding a share of the noise) are src/learning/secure-aggregation.ts.
 */
export const PACKAGE_FORMAT = 'medseek-federated-counts/1';
export const AGGREGATE_FORMAT = 'medseek-federated-aggregate/1';

export interface CountsPackage {
  readonly format: typeof PACKAGE_FORMAT;
  readonly site: string;
  readonly network: { readonly id: string; readonly release?: string; readonly fingerprint: string };
  readonly createdAt: string;
  readonly privacy: {
    readonly epsilon: number;
    readonly delta: number;
    readonly clip: number;
    readonly sigma: number;
    readonly sensitivity: number;
    readonly closedWorld: boolean;
  };
  readonly stats: StatsJson;
}

export interface AggregatePackage {
  readonly format: typeof AGGREGATE_FORMAT;
  readonly network: CountsPackage['network'];
  readonly createdAt: string;
  readonly sites: readonly { readonly site: string; readonly epsilon: number; readonly delta: number }[];
  readonly stats: StatsJson;
}

export function exportPackage(
  net: Network,
  cases: Parameters<typeof privateCounts>[1],
  site: string,
  options: PrivateCountsOptions,
): CountsPackage {
  if (!site.trim()) throw invalid('the site must be named', { field: 'site' });
  if ((options.noiseShare ?? 1) !== 1)
    throw invalid('an unmasked package carries the full noise; a share of it needs secure aggregation', {
      field: 'noiseShare',
    });
  const layout = statsLayout(net);
  const released = privateCounts(net, cases, options, layout);
  return {
    format: PACKAGE_FORMAT,
    site,
    network: {
      id: net.model.id,
      ...(net.model.release ? { release: net.model.release } : {}),
      fingerprint: layout.fingerprint,
    },
    createdAt: new Date().toISOString(),
    privacy: {
      epsilon: options.epsilon,
      delta: options.delta,
      clip: options.clip,
      sigma: released.sigma,
      sensitivity: released.sensitivity,
      closedWorld: options.closedWorld ?? false,
    },
    stats: statsToJson(released.stats),
  };
}

function parseCounts(body: unknown, where: string): CountsPackage {
  const p = body as Partial<CountsPackage> | null;
  if (!p || p.format !== PACKAGE_FORMAT) throw invalid(`not a ${PACKAGE_FORMAT} package`, { where, field: 'format' });
  if (typeof p.site !== 'string' || !p.site) throw invalid('must name the site', { where, field: 'site' });
  if (!p.stats?.noise)
    throw invalid('counts without their noise level are not a private release', { where, field: 'stats.noise' });
  return p as CountsPackage;
}

/** Sums the packages of one network layout, each site once. */
export function aggregatePackages(bodies: readonly unknown[]): AggregatePackage {
  if (bodies.length === 0) throw invalid('no packages to aggregate', { field: 'packages' });
  const packages = bodies.map((b, i) => parseCounts(b, `packages[${i}]`));
  const first = packages[0]!;
  const seen = new Set<string>();
  const stats: SufficientStats[] = packages.map((p, i) => {
    const where = `packages[${i}] (${p.site})`;
    if (p.network.fingerprint !== first.network.fingerprint)
      throw invalid(`counts for another network layout than ${first.site}'s`, { where, field: 'network.fingerprint' });
    if (seen.has(p.site)) throw invalid(`site '${p.site}' appears twice`, { where, field: 'site' });
    seen.add(p.site);
    return statsFromJson(p.stats, where);
  });
  return {
    format: AGGREGATE_FORMAT,
    network: first.network,
    createdAt: new Date().toISOString(),
    sites: packages.map((p) => ({ site: p.site, epsilon: p.privacy.epsilon, delta: p.privacy.delta })),
    stats: statsToJson(addStats(stats)),
  };
}

/** The aggregate's counts, checked against the network they will update. */
export function aggregateCounts(body: unknown, net: Network): SufficientStats {
  const a = body as Partial<AggregatePackage> | null;
  if (!a || a.format !== AGGREGATE_FORMAT) throw invalid(`not a ${AGGREGATE_FORMAT} file`, { field: 'format' });
  const stats = statsFromJson(a.stats as StatsJson, 'aggregate');
  if (stats.layout.fingerprint !== statsLayout(net).fingerprint)
    throw invalid(`the aggregate is for another layout of network '${a.network?.id}'`, {
      field: 'network.fingerprint',
    });
  return stats;
}
