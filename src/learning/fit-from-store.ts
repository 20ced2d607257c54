import type { Sql } from '../core/index.js';
import { invalid } from '../core/index.js';
import type { Network } from '../reasoning/index.js';
import { resolveCase } from '../reasoning/index.js';
import type { FitOptions } from './calibration-map.js';
import { type CalibrationRelease, CalibrationReleases } from './calibrations.js';
import { type StoredCase, ConfirmedCaseStore, splitHeldBack } from './confirmed-store.js';
import type { LearnOptions } from './learned-network.js';
import { caseKey, type LearnedRelease, LearnedReleases } from './releases.js';
import { countCases } from './sufficient-stats.js';

/**
 * Fits a calibration map and/or a learned candidate release from the confirmed cases the hospital stores
 * (confirmed-store.ts), and evaluates each on the stored cases held back from it (the stores' existing gate: a
 * candidate worse than what is active is refused, and only one that passed can be activated). Cases the network no
 * longer knows (a finding or disease dropped by a newer release) are set aside and counted.
 */
export interface StoreFitRequest {
  readonly network: Network;
  readonly what: 'calibration' | 'release' | 'both';
  /** Share of stored cases held back for the evaluation (by a hash of each case's id). Default 0.3. */
  readonly heldBackShare?: number;
  readonly by: string;
  /** The network release the calibration's posteriors come from, where it is a knowledge release. */
  readonly modelRelease?: string;
  readonly calibration?: FitOptions;
  readonly learn?: Omit<LearnOptions, 'label'>;
}

export interface StoreFitResult {
  readonly networkId: string;
  readonly stored: number;
  /** Cases the network cannot read any more. */
  readonly setAside: number;
  readonly fitted: number;
  readonly heldBack: number;
  readonly calibration?: CalibrationRelease;
  readonly release?: LearnedRelease;
}

const readable = (net: Network, c: StoredCase): boolean => {
  if (!net.diseaseIndex.has(c.diagnosis)) return false;
  try {
    resolveCase(net, c.input);
    return true;
  } catch {
    return false;
  }
};

export async function fitFromStore(sql: Sql, r: StoreFitRequest): Promise<StoreFitResult> {
  const networkId = r.network.model.id;
  const stored = await new ConfirmedCaseStore(sql).cases(networkId);
  const usable = stored.filter((c) => readable(r.network, c));
  const { fit, heldBack } = splitHeldBack(usable, r.heldBackShare ?? 0.3);
  if (fit.length === 0 || heldBack.length === 0)
    throw invalid(
      `${usable.length} stored confirmed cases of network '${networkId}' are too few to fit and hold back from`,
      { field: 'networkId' },
    );
  const label = `stored confirmed cases of ${networkId} (${fit.length} fitted, ${heldBack.length} held back)`;
  const held = { label: `held-back stored cases of ${networkId}`, cases: heldBack };
  let calibration: CalibrationRelease | undefined;
  let release: LearnedRelease | undefined;
  if (r.what !== 'release') {
    const store = new CalibrationReleases(sql);
    const proposed = await store.propose({
      network: r.network,
      ...(r.modelRelease ? { modelRelease: r.modelRelease } : {}),
      cases: fit,
      label,
      createdBy: r.by,
      ...(r.calibration ? { options: r.calibration } : {}),
    });
    calibration = await store.evaluate(proposed.id, r.network, held, r.by);
  }
  if (r.what !== 'calibration') {
    const store = new LearnedReleases(sql);
    const proposed = await store.propose({
      source: r.network,
      stats: countCases(r.network, fit),
      options: { ...r.learn, label },
      data: { label, cases: fit.length, caseKeys: fit.map(caseKey) },
      createdBy: r.by,
    });
    release = await store.evaluate(proposed.id, r.network, held, r.by);
  }
  return {
    networkId,
    stored: stored.length,
    setAside: stored.length - usable.length,
    fitted: fit.length,
    heldBack: heldBack.length,
    ...(calibration ? { calibration } : {}),
    ...(release ? { release } : {}),
  };
}
