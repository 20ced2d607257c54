import { Task } from '@divviup/dap';
import { invalid } from '../core/index.js';
import type { Network } from '../reasoning/index.js';
import type { DapTask } from './dap-task.js';
import { checkRange, taskVector } from './dap-task.js';
import { encodeMeasurement, quantise } from './dap-vdaf.js';
import type { PrivateCounts, PrivateCountsOptions } from './federated.js';
import { privateCounts } from './federated.js';
import { noiseShare } from './secure-aggregation.js';
import type { ConfirmedCase } from './sufficient-stats.js';
import { statsLayout } from './sufficient-stats.js';

/**
 * A hospital's release in a DAP round: its counts clipped and noised as in the masked round (src/learning/federated.ts,
 * a 1/(n − t) share of the noise calibrated for the task's (ε, δ)), quantised into Prio3SumVec's range
 * (src/learning/dap-vdaf.ts), and uploaded by @divviup/dap's client: it fetches both aggregators' HPKE configs, shards
 * the measurement with Prio3 (a share and a validity proof for each aggregator), seals each share to its aggregator
 * and PUTs the report to the leader. The accountant is charged before any noise is drawn; a second release in the same
 * task, a network of another layout, or counts the report's range could not hold are refused before that.
 */
export interface DapExportOptions extends Pick<PrivateCountsOptions, 'accountant' | 'uniform'> {
  readonly site: string;
  /** The fetch @divviup/dap uses (tests may count requests); default the global one. */
  readonly fetch?: typeof fetch;
  /** Called once the accountant is charged, before anything leaves (the CLI saves the ledger there). */
  readonly onCharged?: () => void;
}

export interface DapRelease {
  /** This hospital's release, quantised as the report carries it (kept here: the aggregate minus it is the others). */
  readonly own: PrivateCounts;
  readonly reportBytes: number;
}

export async function exportDap(
  net: Network,
  cases: readonly ConfirmedCase[],
  task: DapTask,
  o: DapExportOptions,
): Promise<DapRelease> {
  const layout = statsLayout(net);
  if (layout.fingerprint !== task.layout.fingerprint)
    throw invalid(`the task counts another layout of network '${task.network.id}'`, { field: 'network' });
  const tag = `dap task ${task.id}:`;
  if (o.accountant.ledger.some((s) => s.what.startsWith(tag)))
    throw invalid(`'${o.site}' already released in DAP task ${task.id}`, { field: 'task' });
  checkRange(task, cases.length);
  const p = task.privacy;
  const own = privateCounts(
    net,
    cases,
    {
      ...{ epsilon: p.epsilon, delta: p.delta, clip: p.clip, diseaseWeight: p.diseaseWeight },
      ...{ closedWorld: p.closedWorld, accountant: o.accountant, uniform: o.uniform },
      noiseShare: noiseShare(p.hospitals, p.colluders),
      what: `${tag} ${o.site} counts of ${cases.length} cases`,
    },
    layout,
  );
  o.onCharged?.();
  // What the aggregate will sum is the quantised release: keep that, so the hospital can subtract it exactly.
  for (const f of task.fields) own.stats[f].set(Array.from(own.stats[f], (x) => quantise(x, task.vdaf)));
  const measurement = encodeMeasurement(taskVector(task, own.stats), task.vdaf);
  const client = new Task({
    type: 'sumVec',
    length: task.vdaf.length,
    bits: task.vdaf.bits,
    chunkLength: task.vdaf.chunkLength,
    id: task.id,
    leader: task.leader,
    helper: task.helper,
    timePrecisionSeconds: task.timePrecisionSeconds,
  });
  if (o.fetch) client.fetch = o.fetch as never;
  const report = await client.generateReport(measurement);
  const body = report.encode();
  await client.sendReport(report);
  return { own, reportBytes: body.length };
}
