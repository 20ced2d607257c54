import { randomBytes } from 'node:crypto';
import { invalid } from '../core/index.js';
import type { Network } from '../reasoning/index.js';
import type { HpkeKeys } from './dap-hpke.js';
import { generateHpkeKeys } from './dap-hpke.js';
import type { SumVecParams } from './dap-vdaf.js';
import { sumVecParams, valueBound } from './dap-vdaf.js';
import { gaussianSigma } from './privacy.js';
import { noiseShare } from './secure-aggregation.js';
import type { StatsLayout, SufficientStats } from './sufficient-stats.js';
import { emptyStats, statsLayout } from './sufficient-stats.js';

/**
 * A DAP task for one federated round (draft-ietf-ppm-dap-09 §4.2: the parameters every participant agrees on):
 * its id, the leader's and the helper's URLs, the VDAF (Prio3SumVec over the released cells of the network's count
 * layout) and the round's privacy parameters, which each hospital applies to its own release (the aggregators see
 * only shares). DAP-09 leaves provisioning out of scope; here the coordinator makes the task and the secrets (each
 * aggregator's HPKE key pair, the VDAF verify key the two share, the bearer tokens leader → helper and collector →
 * leader, the collector's HPKE key pair) and hands each party its own file.
 */
export const DAP_TASK_FORMAT = 'medseek-dap-task/1';
export const DAP_SECRET_FORMAT = 'medseek-dap-secret/1';

const ALL_FIELDS = ['diseaseCases', 'strata', 'edgePresent', 'edgeMissing', 'leakPresent', 'leakMissing'] as const;
export type StatsField = (typeof ALL_FIELDS)[number];

export interface DapPrivacy {
  readonly epsilon: number;
  readonly delta: number;
  readonly clip: number;
  readonly diseaseWeight: number;
  readonly closedWorld: boolean;
  /** Hospitals in the round: the batch must hold exactly this many valid reports. */
  readonly hospitals: number;
  readonly colluders: number;
  readonly sensitivity: number;
  readonly sigma: number;
  /** The σ each hospital draws: σ √(1/(hospitals − colluders)) (distributed noise, as the masked round). */
  readonly siteSigma: number;
}

export interface DapTask {
  readonly format: typeof DAP_TASK_FORMAT;
  /** base64url of 32 bytes. */
  readonly id: string;
  readonly leader: string;
  readonly helper: string;
  readonly timePrecisionSeconds: number;
  readonly vdaf: { readonly type: 'Prio3SumVec' } & SumVecParams;
  /** The count fields sent, in order (a closed-world round leaves out the structurally zero missing counts). */
  readonly fields: readonly StatsField[];
  readonly network: { readonly id: string; readonly release?: string; readonly fingerprint: string };
  readonly layout: StatsLayout;
  readonly privacy: DapPrivacy;
  readonly collectorHpkeConfig: Pick<HpkeKeys, 'id' | 'publicKey'>;
}

/** One party's secrets for a task. */
export interface DapSecret {
  readonly format: typeof DAP_SECRET_FORMAT;
  readonly task: string;
  readonly role: 'leader' | 'helper' | 'collector';
  readonly hpke: HpkeKeys;
  /** base64 of the VDAF verify key (aggregators only). */
  readonly verifyKey?: string;
  /** Bearer token the leader presents to the helper (both aggregators). */
  readonly aggregatorToken?: string;
  /** Bearer token the collector presents to the leader (leader and collector). */
  readonly collectorToken?: string;
}

export interface DapTaskOptions {
  readonly leader: string;
  readonly helper: string;
  readonly hospitals: number;
  readonly colluders: number;
  readonly epsilon: number;
  readonly delta: number;
  readonly clip: number;
  readonly diseaseWeight?: number;
  readonly closedWorld?: boolean;
  /** Bits a cell (default 24) and fraction bits of its fixed point (default 4): see src/learning/dap-vdaf.ts. */
  readonly bits?: number;
  readonly fractionBits?: number;
  readonly timePrecisionSeconds?: number;
}

export const taskFields = (closedWorld: boolean): StatsField[] =>
  ALL_FIELDS.filter((f) => !closedWorld || (f !== 'edgeMissing' && f !== 'leakMissing'));

const token = () => randomBytes(24).toString('base64url');

export async function createDapTask(
  net: Network,
  o: DapTaskOptions,
): Promise<{ task: DapTask; leader: DapSecret; helper: DapSecret; collector: DapSecret }> {
  if (!Number.isInteger(o.hospitals) || o.hospitals < 2)
    throw invalid(`a round needs at least 2 hospitals, not ${o.hospitals}`, { field: 'hospitals' });
  const share = noiseShare(o.hospitals, o.colluders);
  const layout = statsLayout(net);
  const closedWorld = o.closedWorld ?? false;
  const fields = taskFields(closedWorld);
  const empty = emptyStats(layout);
  const length = fields.reduce((a, f) => a + empty[f].length, 0);
  const vdaf = sumVecParams(length, o.bits ?? 24, o.fractionBits ?? 4);
  const diseaseWeight = o.diseaseWeight ?? 4;
  const sensitivity = Math.sqrt(diseaseWeight ** 2 + o.clip - 1);
  const sigma = gaussianSigma(sensitivity, o.epsilon, o.delta);
  if (o.hospitals * 2 ** vdaf.bits >= 2 ** 53)
    throw invalid('hospitals × 2^bits must stay below 2^53 (the decoded sum is read as a double)', { field: 'bits' });
  const id = randomBytes(32).toString('base64url');
  const [leaderKeys, helperKeys, collectorKeys] = await Promise.all([1, 2, 3].map((i) => generateHpkeKeys(i)));
  const verifyKey = randomBytes(16).toString('base64');
  const aggregatorToken = token();
  const collectorToken = token();
  const task: DapTask = {
    format: DAP_TASK_FORMAT,
    id,
    leader: o.leader,
    helper: o.helper,
    timePrecisionSeconds: o.timePrecisionSeconds ?? 3600,
    vdaf: { type: 'Prio3SumVec', ...vdaf },
    fields,
    network: {
      id: net.model.id,
      ...(net.model.release ? { release: net.model.release } : {}),
      fingerprint: layout.fingerprint,
    },
    layout,
    privacy: {
      epsilon: o.epsilon,
      delta: o.delta,
      clip: o.clip,
      diseaseWeight,
      closedWorld,
      hospitals: o.hospitals,
      colluders: o.colluders,
      sensitivity,
      sigma,
      siteSigma: sigma * Math.sqrt(share),
    },
    collectorHpkeConfig: { id: collectorKeys!.id, publicKey: collectorKeys!.publicKey },
  };
  const secret = (role: DapSecret['role'], hpke: HpkeKeys, extra: Partial<DapSecret>): DapSecret => ({
    format: DAP_SECRET_FORMAT,
    task: id,
    role,
    hpke,
    ...extra,
  });
  return {
    task,
    leader: secret('leader', leaderKeys!, { verifyKey, aggregatorToken, collectorToken }),
    helper: secret('helper', helperKeys!, { verifyKey, aggregatorToken }),
    collector: secret('collector', collectorKeys!, { collectorToken }),
  };
}

export function parseDapTask(body: unknown, where = 'task'): DapTask {
  const t = body as Partial<DapTask> | null;
  if (!t || t.format !== DAP_TASK_FORMAT) throw invalid(`not a ${DAP_TASK_FORMAT} file`, { where, field: 'format' });
  if (typeof t.id !== 'string' || Buffer.from(t.id, 'base64url').length !== 32)
    throw invalid('the task id must be 32 bytes, base64url', { where, field: 'id' });
  return t as DapTask;
}

export function parseDapSecret(body: unknown, task: DapTask, role: DapSecret['role'], where = 'secret'): DapSecret {
  const s = body as Partial<DapSecret> | null;
  if (!s || s.format !== DAP_SECRET_FORMAT)
    throw invalid(`not a ${DAP_SECRET_FORMAT} file`, { where, field: 'format' });
  if (s.task !== task.id) throw invalid(`the secret is for task ${s.task}, not ${task.id}`, { where, field: 'task' });
  if (s.role !== role) throw invalid(`the secret is the ${s.role}'s, not the ${role}'s`, { where, field: 'role' });
  return s as DapSecret;
}

/** The values a hospital sends: its released counts' fields, in the task's order. */
export const taskVector = (task: DapTask, stats: SufficientStats): number[] =>
  task.fields.flatMap((f) => Array.from(stats[f]));

/** Counts from a decoded vector (fields the task does not send are zero: structurally so in a closed world). */
export function statsFromVector(task: DapTask, values: readonly number[]): SufficientStats {
  const stats = emptyStats(task.layout);
  let at = 0;
  for (const f of task.fields) {
    stats[f].set(values.slice(at, at + stats[f].length));
    at += stats[f].length;
  }
  return stats;
}

/** Refuses, before any budget is spent, a round whose reports could not hold `cases` cases plus 20σ of noise. */
export function checkRange(task: DapTask, cases: number): void {
  const need = cases + 20 * task.privacy.siteSigma;
  const bound = valueBound(task.vdaf);
  if (need > bound)
    throw invalid(
      `${cases} cases plus 20σ of noise (${need.toFixed(0)}) exceed the ±${bound} a ${task.vdaf.bits}-bit report ` +
        `with ${task.vdaf.fractionBits} fraction bits holds: make a task with more bits`,
      { field: 'bits' },
    );
}
