import { randomBytes } from 'node:crypto';
import { invalid } from '../core/index.js';
import type { Interval } from './dap-codec.js';
import { aggregateShareAad, MEDIA, readCollection, writeCollectionReq } from './dap-codec.js';
import { aggregateShareInfo, hpkeOpen, Role } from './dap-hpke.js';
import { withSlash } from './dap-leader.js';
import type { DapResponse } from './dap-request.js';
import { dapRequest } from './dap-request.js';
import type { DapSecret, DapTask } from './dap-task.js';
import { statsFromVector } from './dap-task.js';
import { decodeAggregateShare, decodeSum, sumVec } from './dap-vdaf.js';
import type { AggregatePackage } from './federated-package.js';
import { AGGREGATE_FORMAT } from './federated-package.js';
import { statsToJson } from './sufficient-stats.js';

/**
 * The collector of a DAP round (DAP-09 §4.6): it creates a collection job at the leader for a time interval holding
 * the round's reports, polls it, opens the leader's and the helper's aggregate shares (each sealed to the collector's
 * HPKE key) and unshards them with Prio3: the sum of the hospitals' quantised noised vectors, decoded exactly
 * (src/learning/dap-vdaf.ts). It writes the aggregate package `federate import` reads. Each share alone is uniformly
 * random in Field128; only the two together give the sum.
 */
export interface DapAggregate extends AggregatePackage {
  readonly dap: {
    readonly task: string;
    readonly leader: string;
    readonly helper: string;
    readonly reportCount: number;
    readonly interval: Interval;
    readonly vdaf: DapTask['vdaf'];
    readonly colluders: number;
    readonly siteSigma: number;
    readonly trust: string;
  };
}

const TRUST =
  'two non-colluding aggregators (leader and helper, DAP-09): each sees only a secret share of every report and ' +
  "checks the Prio3 proof with the other; the collector sees only the sum. The round's noise is distributed as in " +
  'the masked round: the sum is (ε, δ)-DP towards the collector and, with colluders ≥ 1, towards each hospital.';

export interface CollectOptions {
  /** The batch interval; default from the epoch to the next time-precision boundary after now. */
  readonly interval?: Interval;
  readonly pollMs?: number;
  readonly timeoutMs?: number;
}

export async function collectDap(
  task: DapTask,
  secret: DapSecret,
  o: CollectOptions = {},
): Promise<{ aggregate: DapAggregate; shares: { leader: bigint[]; helper: bigint[] } }> {
  const p = task.timePrecisionSeconds;
  const interval = o.interval ?? { start: 0, duration: (Math.floor(Date.now() / 1000 / p) + 1) * p };
  const url = new URL(
    `tasks/${task.id}/collection_jobs/${randomBytes(16).toString('base64url')}`,
    withSlash(task.leader),
  );
  const auth = { Authorization: `Bearer ${secret.collectorToken}` };
  const created = await dapRequest(
    url,
    'PUT',
    { 'Content-Type': MEDIA.collectReq, ...auth },
    writeCollectionReq(interval),
  );
  if (created.status !== 201) throw refused(created, 'the leader refused the collection job');
  const deadline = Date.now() + (o.timeoutMs ?? 600_000);
  let body: Buffer | undefined;
  while (!body) {
    // A poll is idempotent: one lost to a dropped connection is sent again.
    const res = await dapRequest(url, 'POST', auth).catch(() => ({ status: 202, body: Buffer.alloc(0) }));
    if (res.status === 200) body = res.body;
    else if (res.status !== 202) throw refused(res, 'the collection failed');
    else if (Date.now() > deadline) throw invalid('the collection job did not finish in time', { field: 'timeout' });
    else await new Promise((r) => setTimeout(r, o.pollMs ?? 200));
  }
  const collection = readCollection(body);
  const aad = aggregateShareAad(Buffer.from(task.id, 'base64url'), collection.interval);
  const vdaf = sumVec(task.vdaf);
  const open = async (role: typeof Role.leader | typeof Role.helper, c: typeof collection.leaderShare) =>
    decodeAggregateShare(vdaf, await hpkeOpen(secret.hpke, c, aggregateShareInfo(role), aad));
  const leader = await open(Role.leader, collection.leaderShare);
  const helper = await open(Role.helper, collection.helperShare);
  const n = collection.reportCount;
  const stats = statsFromVector(task, decodeSum(vdaf.unshard(null, [leader, helper], n), n, task.vdaf));
  const sumSigma = task.privacy.siteSigma * Math.sqrt(n);
  stats.noise = { diseaseCases: sumSigma / task.privacy.diseaseWeight, cells: sumSigma };
  stats.cases = Math.max(0, Math.round(stats.diseaseCases.reduce((a, b) => a + b, 0)));
  const { epsilon, delta } = task.privacy;
  const aggregate: DapAggregate = {
    format: AGGREGATE_FORMAT,
    network: task.network,
    createdAt: new Date().toISOString(),
    // DAP reports are anonymous: the aggregate knows how many hospitals reported, not which.
    sites: Array.from({ length: n }, (_, i) => ({ site: `dap report ${i + 1} of ${n}`, epsilon, delta })),
    stats: statsToJson(stats),
    dap: {
      task: task.id,
      leader: task.leader,
      helper: task.helper,
      reportCount: n,
      interval: collection.interval,
      vdaf: task.vdaf,
      colluders: task.privacy.colluders,
      siteSigma: task.privacy.siteSigma,
      trust: TRUST,
    },
  };
  return { aggregate, shares: { leader, helper } };
}

function refused(res: DapResponse, what: string): Error {
  const text = res.body.toString();
  let detail = text;
  try {
    const p = JSON.parse(text) as { type?: string; title?: string };
    detail = `${p.type?.split(':').pop()}: ${p.title}`;
  } catch {}
  return invalid(`${what} (${res.status} ${detail})`, { field: 'dap' });
}
