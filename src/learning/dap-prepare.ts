import { createHash } from 'node:crypto';
import type { HpkeCiphertext, Interval, PrepareErrorCode, ReportMetadata } from './dap-codec.js';
import { inputShareAad, PrepareError, readPlaintextInputShare } from './dap-codec.js';
import type { ServerRole } from './dap-hpke.js';
import { hpkeOpen, inputShareInfo, Role } from './dap-hpke.js';
import type { DapSecret, DapTask } from './dap-task.js';
import { decodeInputShare, decodePublicShare, type sumVec } from './dap-vdaf.js';

/**
 * The first preparation step both aggregators take on a report (DAP-09 §4.5.1.2–3): open its input share (HPKE),
 * decode it with the public share, and run Prio3's prepareInit with the shared verify key. A report that cannot be
 * opened or decoded is rejected with the PrepareError DAP names for it, never summed.
 */
export type Vdaf = ReturnType<typeof sumVec>;
type Prepared = Awaited<ReturnType<Vdaf['prepareInit']>>;

export async function prepareReport(
  vdaf: Vdaf,
  task: DapTask,
  secret: DapSecret,
  role: ServerRole,
  metadata: ReportMetadata,
  publicShare: Buffer,
  ciphertext: HpkeCiphertext,
): Promise<Prepared | { reject: PrepareErrorCode }> {
  if (ciphertext.configId !== secret.hpke.id) return { reject: PrepareError.hpkeUnknownConfigId };
  const taskId = Buffer.from(task.id, 'base64url');
  let payload: Buffer;
  try {
    const plain = await hpkeOpen(
      secret.hpke,
      ciphertext,
      inputShareInfo(role),
      inputShareAad(taskId, metadata, publicShare),
    );
    payload = readPlaintextInputShare(plain).payload;
  } catch {
    return { reject: PrepareError.hpkeDecryptError };
  }
  try {
    const aggregatorId = role === Role.leader ? 0 : 1;
    const input = await decodeInputShare(vdaf, aggregatorId, payload);
    const pub = decodePublicShare(vdaf, publicShare);
    return await vdaf.prepareInit(
      Buffer.from(secret.verifyKey ?? '', 'base64'),
      aggregatorId,
      null,
      metadata.reportId,
      pub,
      input,
    );
  } catch {
    return { reject: PrepareError.vdafPrepError };
  }
}

/** An aggregated report's output share, kept by each aggregator until its batch is collected. */
export interface OutputShare {
  readonly reportId: Buffer;
  readonly time: number;
  readonly share: bigint[];
}

export const inInterval = (time: number, i: Interval) => time >= i.start && time < i.start + i.duration;

/** DAP-09 §4.6.3: the XOR of SHA-256 of the batch's report ids, which the two aggregators compare. */
export function checksum(reportIds: readonly Buffer[]): Buffer {
  const out = Buffer.alloc(32);
  for (const id of reportIds) {
    const h = createHash('sha256').update(id).digest();
    for (let i = 0; i < 32; i++) out[i]! ^= h[i]!;
  }
  return out;
}

/** Counts of what an aggregator did with the reports it saw, by outcome (rejections by DAP's PrepareError name). */
export interface DapCounters {
  uploaded: number;
  aggregated: number;
  rejected: Record<string, number>;
}

const ERROR_NAMES = Object.fromEntries(Object.entries(PrepareError).map(([k, v]) => [v, k]));
export const countRejection = (c: DapCounters, code: PrepareErrorCode) => {
  const name = ERROR_NAMES[code] ?? String(code);
  c.rejected[name] = (c.rejected[name] ?? 0) + 1;
};
