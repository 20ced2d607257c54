import { seededRandom } from '../../src/core/index.js';
import type { ConfirmedCase, Evaluation, LearnOptions, Roster, SufficientStats } from '../../src/learning/index.js';
import {
  addToRoster,
  aggregateMasked,
  evaluateNetwork,
  exportMaskedPackage,
  learnedModel,
  othersFromAggregate,
  PrivacyAccountant,
  parseRoundKeys,
  roundKeys,
  statsFromJson,
} from '../../src/learning/index.js';
import type { Network } from '../../src/reasoning/index.js';
import { compileNetwork } from '../../src/reasoning/index.js';
import type { Hospital } from './hospitals.js';

/**
 * The federated model with secure aggregation and distributed noise, run through the real protocol
 * (src/learning/secure-aggregation.ts): fresh round keys and roster, each hospital's masked, signed package
 * with a 1/(n − colluders) share of the noise, the coordinator's unmasked sum; each hospital then learns
 * from its own exact counts plus the sum minus its own release (what it sees of the others).
 */
export interface SecureRunOptions {
  readonly epsilon: number;
  readonly delta: number;
  readonly clip: number;
  readonly diseaseWeight: number;
  readonly closedWorld: boolean;
  readonly colluders: number;
  readonly seed: number;
  readonly learn: LearnOptions;
}

export function secureRound(
  source: Network,
  hospitals: readonly Hospital<ConfirmedCase>[],
  counts: readonly SufficientStats[],
  o: SecureRunOptions,
): { evals: Evaluation[]; siteSigma: number; sumSigma: number; othersSigma: number } {
  const round = `bench-${o.seed}-e${o.epsilon}-t${o.colluders}`;
  let roster: Roster | undefined;
  const keys = hospitals.map((h) => {
    const k = roundKeys(round, h.name);
    roster = addToRoster(roster, round, k.member);
    return parseRoundKeys(k.keys);
  });
  const uniform = seededRandom(o.seed);
  const released = hospitals.map((h, i) =>
    exportMaskedPackage(source, h.train, {
      roster: roster!,
      site: h.name,
      agreementKey: keys[i]!.agreement,
      signingKey: keys[i]!.signing,
      colluders: o.colluders,
      epsilon: o.epsilon,
      delta: o.delta,
      clip: o.clip,
      diseaseWeight: o.diseaseWeight,
      uniform,
      accountant: new PrivacyAccountant({ epsilon: o.epsilon, delta: o.delta }),
      closedWorld: o.closedWorld,
    }),
  );
  const sum = statsFromJson(
    aggregateMasked(
      released.map((r) => r.package),
      roster!,
    ).stats,
  );
  let othersSigma = 0;
  const evals = hospitals.map((h, i) => {
    const others = othersFromAggregate(sum, released[i]!.own.stats);
    othersSigma = others.noise!.cells;
    const label = `${h.name} + secure aggregate of the others`;
    return evaluateNetwork(compileNetwork(learnedModel(source, counts[i]!, { ...o.learn, label }, others)), h.heldBack);
  });
  return { evals, siteSigma: released[0]!.own.drawnSigma, sumSigma: sum.noise!.cells, othersSigma };
}
