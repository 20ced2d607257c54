import { seededRandom } from '../../src/core/index.js';
import type { ConfirmedCase, Evaluation, LearnOptions, SufficientStats } from '../../src/learning/index.js';
import {
  addStats,
  countCases,
  evaluateNetwork,
  learnedModel,
  PrivacyAccountant,
  privateCounts,
  statsLayout,
} from '../../src/learning/index.js';
import type { Network } from '../../src/reasoning/index.js';
import { compileNetwork } from '../../src/reasoning/index.js';
import type { Hospital } from './hospitals.js';
import { secureRound } from './secure.js';

/**
 * The four models of the federated simulation, each scored on every hospital's held-back patients:
 * local (the hospital's own counts), pooled (everyone's exact counts: the upper reference), and
 * federated at each ε: every hospital releases its counts once, clipped and noised for (ε, δ)-DP; each
 * hospital then learns from its own exact counts plus the sum of the others' releases (it knows its own
 * cases; only what crosses the hospital's wall is noised). `releasesOnly`: the coordinator's model from the
 * noisy sum alone, for comparison. `secure`: the same with secure aggregation and distributed noise
 * (bench/federated-lib/secure.ts), for each number of colluders tolerated. All start from the same source
 * network and learning options.
 */
export interface SimulationOptions {
  readonly epsilons: readonly number[];
  readonly delta: number;
  readonly clip: number;
  /** Weight of the released disease counts (src/learning/federated.ts `diseaseWeight`). */
  readonly diseaseWeight: number;
  /** Every finding of every case recorded present or absent (DDXPlus), so unobserved counts are not released. */
  readonly closedWorld: boolean;
  /** Noise draws per ε (independent simulated worlds), averaged. */
  readonly repeats: number;
  readonly seed: number;
  /** Colluding hospitals tolerated in the secure-aggregation runs (each a model). */
  readonly colluders: readonly number[];
  readonly learn: LearnOptions;
  readonly log: (line: string) => void;
}

const mean = (xs: readonly number[]) => xs.reduce((a, b) => a + b, 0) / Math.max(1, xs.length);
const r2 = (x: number) => Number(x.toFixed(2));
const r4 = (x: number) => Number(x.toFixed(4));

export function simulate(source: Network, hospitals: readonly Hospital<ConfirmedCase>[], o: SimulationOptions) {
  const layout = statsLayout(source);
  const counts = hospitals.map((h) => countCases(source, h.train, layout));
  const scoreOn = (stats: SufficientStats, label: string) => {
    const net = compileNetwork(learnedModel(source, stats, { ...o.learn, label }));
    return hospitals.map((h) => evaluateNetwork(net, h.heldBack));
  };
  // Means over the hospitals that hold back any patient (a tiny fixture may leave one without).
  const summary = (all: readonly Evaluation[]) => {
    const evals = all.filter((e) => e.n > 0);
    return {
      gtpa1: r2(mean(evals.map((e) => e.gtpa1))),
      gtpa3: r2(mean(evals.map((e) => e.gtpa3))),
      brier: r4(mean(evals.map((e) => e.brier))),
      ece: r4(mean(evals.map((e) => e.ece))),
      perHospital: all.map((e, i) => ({ hospital: hospitals[i]!.name, n: e.n, gtpa1: e.gtpa1, brier: e.brier })),
    };
  };
  const sourceOnly = summary(hospitals.map((h) => evaluateNetwork(source, h.heldBack)));
  const local = summary(
    hospitals.map((h, i) => {
      const net = compileNetwork(learnedModel(source, counts[i]!, { ...o.learn, label: `${h.name} alone` }));
      return evaluateNetwork(net, h.heldBack);
    }),
  );
  o.log(`local-only: GTPA@1 ${local.gtpa1}%`);
  const pooledEvals = scoreOn(addStats(counts), 'all hospitals pooled');
  const pooled = { ...summary(pooledEvals), calibration: pooledEvals[0]!.bins };
  o.log(`pooled: GTPA@1 ${pooled.gtpa1}%`);
  const federated = o.epsilons.map((epsilon) => {
    const runs = Array.from({ length: o.repeats }, (_, r) => {
      const uniform = seededRandom(o.seed * 1000 + r * 17 + Math.round(epsilon * 100));
      const released = hospitals.map((h) =>
        privateCounts(
          source,
          h.train,
          {
            epsilon,
            delta: o.delta,
            clip: o.clip,
            diseaseWeight: o.diseaseWeight,
            uniform,
            accountant: new PrivacyAccountant({ epsilon, delta: o.delta }),
            what: `${h.name} counts`,
            closedWorld: o.closedWorld,
          },
          layout,
        ),
      );
      // Each hospital learns from its own cases exactly and from the others' private releases.
      const evals = hospitals.map((h, i) => {
        const others = addStats(released.filter((_, j) => j !== i).map((x) => x.stats));
        const model = learnedModel(source, counts[i]!, { ...o.learn, label: `${h.name} + others' releases` }, others);
        return evaluateNetwork(compileNetwork(model), h.heldBack);
      });
      const global = scoreOn(addStats(released.map((x) => x.stats)), `federated ε=${epsilon}, releases only`);
      return { released, evals, global };
    });
    const perRun = runs.map((run) => summary(run.evals));
    const perRunGlobal = runs.map((run) => summary(run.global));
    const g = perRun.map((s) => s.gtpa1);
    const sd = Math.sqrt(mean(g.map((x) => (x - mean(g)) ** 2)));
    const first = runs[0]!.released;
    o.log(`federated ε=${epsilon}: GTPA@1 ${r2(mean(g))}% (sd ${r2(sd)} over ${o.repeats} noise draws)`);
    return {
      epsilon,
      gtpa1: r2(mean(g)),
      gtpa1Sd: r2(sd),
      gtpa3: r2(mean(perRun.map((s) => s.gtpa3))),
      brier: r4(mean(perRun.map((s) => s.brier))),
      ece: r4(mean(perRun.map((s) => s.ece))),
      runs: perRun.map((s) => s.gtpa1),
      releasesOnly: {
        gtpa1: r2(mean(perRunGlobal.map((s) => s.gtpa1))),
        brier: r4(mean(perRunGlobal.map((s) => s.brier))),
      },
      sigma: r4(first[0]!.sigma),
      sensitivity: r4(first[0]!.sensitivity),
      clippedCases: first.map((x) => x.clippedCases),
    };
  });
  const secure = o.epsilons.flatMap((epsilon) =>
    o.colluders.map((colluders) => {
      const runs = Array.from({ length: o.repeats }, (_, r) =>
        secureRound(source, hospitals, counts, {
          epsilon,
          colluders,
          delta: o.delta,
          clip: o.clip,
          diseaseWeight: o.diseaseWeight,
          closedWorld: o.closedWorld,
          learn: o.learn,
          seed: secureSeed(o.seed, r, epsilon, colluders),
        }),
      );
      const perRun = runs.map((run) => summary(run.evals));
      const g = perRun.map((s) => s.gtpa1);
      const sd = Math.sqrt(mean(g.map((x) => (x - mean(g)) ** 2)));
      o.log(`secure ε=${epsilon}, colluders ${colluders}: GTPA@1 ${r2(mean(g))}% (sd ${r2(sd)})`);
      return {
        epsilon,
        colluders,
        gtpa1: r2(mean(g)),
        gtpa1Sd: r2(sd),
        gtpa3: r2(mean(perRun.map((s) => s.gtpa3))),
        brier: r4(mean(perRun.map((s) => s.brier))),
        ece: r4(mean(perRun.map((s) => s.ece))),
        runs: g,
        sigma: { perHospital: r4(runs[0]!.siteSigma), sum: r4(runs[0]!.sumSigma), others: r4(runs[0]!.othersSigma) },
      };
    }),
  );
  return { sourceOnly, local, pooled, federated, secure };
}

/** The seed of the noise of secure run `r` (the DAP runs draw the same noise from it: bench/federated-lib/dap.ts). */
export const secureSeed = (seed: number, r: number, epsilon: number, colluders: number) =>
  seed * 1000 + r * 17 + Math.round(epsilon * 100) + 7919 * (colluders + 1);

/** One hospital releases twice under a budget that covers one release: the second is refused. */
export function accountantCheck(
  source: Network,
  cases: readonly ConfirmedCase[],
  epsilon: number,
  delta: number,
  clip: number,
  diseaseWeight: number,
) {
  const accountant = new PrivacyAccountant({ epsilon, delta });
  const uniform = seededRandom(1);
  const options = { epsilon, delta, clip, diseaseWeight, accountant, uniform, what: 'counts', closedWorld: true };
  privateCounts(source, cases, options);
  try {
    privateCounts(source, cases, { ...options, what: 'counts again' });
    return { secondReleaseRefused: false, ledger: accountant.ledger.length };
  } catch (e) {
    return { secondReleaseRefused: true, message: (e as Error).message, ledger: accountant.ledger.length };
  }
}
