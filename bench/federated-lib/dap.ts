import { seededRandom } from '../../src/core/index.js';
import type { ConfirmedCase, DapRelease, Evaluation, SufficientStats } from '../../src/learning/index.js';
import {
  collectDap,
  createDapTask,
  evaluateNetwork,
  exportDap,
  learnedModel,
  othersFromAggregate,
  PrivacyAccountant,
  startDapAggregator,
  statsFromJson,
} from '../../src/learning/index.js';
import type { Network } from '../../src/reasoning/index.js';
import { compileNetwork } from '../../src/reasoning/index.js';
import type { Hospital } from './hospitals.js';
import type { SecureRunOptions } from './secure.js';

/**
 * The secure-aggregation round run over DAP-09 instead of masked files (src/learning/dap-*.ts): a leader and a helper
 * on local HTTP, each hospital uploading its release with @divviup/dap's client (Prio3SumVec, `bits` a cell with
 * `fractionBits` of fixed point), the collector unsharding the sum. The noise is drawn from the same seed and in the
 * same order as the masked round's (bench/federated-lib/secure.ts), so the two sums differ only by quantisation
 * (2^−f per hospital and cell against the masked round's 2^−16), and each hospital learns from them the same way.
 */
export interface DapRunOptions extends SecureRunOptions {
  readonly bits: number;
  readonly fractionBits: number;
}

export async function dapRound(
  source: Network,
  hospitals: readonly Hospital<ConfirmedCase>[],
  counts: readonly SufficientStats[],
  o: DapRunOptions,
): Promise<{ evals: Evaluation[]; timing: DapTiming; reportBytes: number; cells: number }> {
  const made = await createDapTask(source, {
    ...{ leader: 'http://127.0.0.1:1/', helper: 'http://127.0.0.1:1/', hospitals: hospitals.length },
    ...{ colluders: o.colluders, epsilon: o.epsilon, delta: o.delta, clip: o.clip, diseaseWeight: o.diseaseWeight },
    ...{ closedWorld: o.closedWorld, bits: o.bits, fractionBits: o.fractionBits },
  });
  const helper = await startDapAggregator('helper', made.task, made.helper);
  const leader = await startDapAggregator('leader', { ...made.task, helper: helper.url }, made.leader);
  try {
    const task = { ...made.task, leader: leader.url, helper: helper.url };
    const uniform = seededRandom(o.seed);
    const uploadSeconds: number[] = [];
    const released: DapRelease[] = [];
    const cpu0 = process.cpuUsage();
    for (const h of hospitals) {
      const t = performance.now();
      released.push(
        await exportDap(source, h.train, task, {
          site: h.name,
          accountant: new PrivacyAccountant({ epsilon: o.epsilon, delta: o.delta }),
          uniform,
        }),
      );
      uploadSeconds.push((performance.now() - t) / 1000);
    }
    const t = performance.now();
    const { aggregate } = await collectDap(task, made.collector, { pollMs: 100 });
    const collectSeconds = (performance.now() - t) / 1000;
    const cpu = process.cpuUsage(cpu0);
    const cpuSeconds = (cpu.user + cpu.system) / 1e6;
    const sum = statsFromJson(aggregate.stats);
    const evals = hospitals.map((h, i) => {
      const others = othersFromAggregate(sum, released[i]!.own.stats);
      const label = `${h.name} + DAP aggregate of the others`;
      return evaluateNetwork(
        compileNetwork(learnedModel(source, counts[i]!, { ...o.learn, label }, others)),
        h.heldBack,
      );
    });
    const round = uploadSeconds.reduce((a, b) => a + b, 0) + collectSeconds;
    return {
      evals,
      timing: { uploadSeconds, collectSeconds, roundSeconds: round, cpuSeconds, rejected: leader.counters().rejected },
      reportBytes: released[0]!.reportBytes,
      cells: task.vdaf.length,
    };
  } finally {
    await leader.close();
    await helper.close();
  }
}

export interface DapTiming {
  /** Per hospital: noise, Prio3 sharding and proof, HPKE, upload (in turn, one process). */
  readonly uploadSeconds: readonly number[];
  /** Collection: both aggregators preparing every report (proofs checked), aggregate shares, unsharding. */
  readonly collectSeconds: number;
  readonly roundSeconds: number;
  /** CPU time of the whole round in this process (robust to other load on the machine, unlike the wall times). */
  readonly cpuSeconds: number;
  readonly rejected: Record<string, number>;
}

const mean = (xs: readonly number[]) => xs.reduce((a, b) => a + b, 0) / Math.max(1, xs.length);

/**
 * `bench federated --transport dap`: the headline secure runs (first `repeats` noise draws of each ε) again over DAP,
 * beside the masked runs of the same draws (GTPA@1 means over hospitals), with the time each round took.
 */
export async function dapFigures(
  source: Network,
  hospitals: readonly Hospital<ConfirmedCase>[],
  counts: readonly SufficientStats[],
  masked: readonly { epsilon: number; colluders: number; runs: readonly number[] }[],
  o: Omit<DapRunOptions, 'epsilon' | 'seed'> & {
    epsilons: readonly number[];
    repeats: number;
    seedOf: (r: number, epsilon: number) => number;
    log: (l: string) => void;
  },
) {
  const perEpsilon = [];
  let about = { cells: 0, reportBytes: 0 };
  for (const epsilon of o.epsilons) {
    const runs = [];
    const timings = [];
    for (let r = 0; r < o.repeats; r++) {
      const out = await dapRound(source, hospitals, counts, { ...o, epsilon, seed: o.seedOf(r, epsilon) });
      const g = Number(mean(out.evals.filter((e) => e.n > 0).map((e) => e.gtpa1)).toFixed(2));
      runs.push(g);
      timings.push(out.timing);
      about = { cells: out.cells, reportBytes: out.reportBytes };
      const { roundSeconds, cpuSeconds, uploadSeconds, collectSeconds } = out.timing;
      o.log(
        `DAP ε=${epsilon} run ${r}: GTPA@1 ${g}% in ${roundSeconds.toFixed(1)} s (CPU ${cpuSeconds.toFixed(1)} s; ` +
          `uploads ${uploadSeconds.map((s) => s.toFixed(1)).join(', ')} s, collection ${collectSeconds.toFixed(1)} s)`,
      );
    }
    const maskedRuns = masked
      .find((m) => m.epsilon === epsilon && m.colluders === o.colluders)!
      .runs.slice(0, o.repeats);
    perEpsilon.push({
      epsilon,
      colluders: o.colluders,
      gtpa1: Number(mean(runs).toFixed(2)),
      runs,
      maskedRuns,
      equalToMasked: runs.every((g, i) => g === maskedRuns[i]),
      timing: timings,
    });
  }
  return { ...about, perEpsilon };
}
