import { invalid } from '../core/index.js';
import type { Interval, PrepareResp } from './dap-codec.js';
import {
  aggregateShareAad,
  PrepareError,
  readAggregateShareReq,
  readAggregationJobInitReq,
  readPingPong,
  writeAggregateShare,
  writeAggregationJobResp,
  writePingPong,
} from './dap-codec.js';
import { aggregateShareInfo, hpkeSeal, Role } from './dap-hpke.js';
import type { DapCounters, OutputShare } from './dap-prepare.js';
import { checksum, countRejection, inInterval, prepareReport } from './dap-prepare.js';
import type { DapSecret, DapTask } from './dap-task.js';
import { decodePrepShare, sumVec } from './dap-vdaf.js';

/**
 * The DAP-09 helper (§4.5.1.3, §4.6.3) for one task, in memory: it prepares the reports an aggregation job names
 * (its own input share, the leader's preparation share from the job), combines both preparation shares, which is
 * where Prio3's proof is decided (a report out of range, or malformed, fails here and is rejected with
 * vdaf_prep_error), keeps each valid report's output share, and on the leader's request returns the batch's
 * aggregate share sealed to the collector, once per batch. It never sees a report's measurement: its input share is
 * expanded from a seed and is uniformly random on its own.
 */
export class DapHelper {
  private readonly vdaf;
  private readonly seen = new Set<string>();
  private readonly outputs: OutputShare[] = [];
  private readonly collected: Interval[] = [];
  private readonly jobs = new Map<string, Buffer>();
  readonly counters: DapCounters = { uploaded: 0, aggregated: 0, rejected: {} };

  constructor(
    readonly task: DapTask,
    private readonly secret: DapSecret,
  ) {
    this.vdaf = sumVec(task.vdaf);
  }

  /** PUT /tasks/{task}/aggregation_jobs/{job}: an AggregationJobInitReq, answered with an AggregationJobResp. */
  async initJob(jobId: string, body: Buffer): Promise<Buffer> {
    // A repeated PUT of the same job is answered as before (DAP-09: aggregation job creation is idempotent).
    const done = this.jobs.get(jobId);
    if (done) return done;
    const inits = readAggregationJobInitReq(body);
    const resps: PrepareResp[] = [];
    for (const p of inits) {
      const reportId = p.metadata.reportId;
      const key = reportId.toString('hex');
      const reject = (error: (typeof PrepareError)[keyof typeof PrepareError]) => {
        countRejection(this.counters, error);
        resps.push({ reportId, state: 'reject', error });
      };
      if (this.seen.has(key)) {
        reject(PrepareError.reportReplayed);
        continue;
      }
      this.seen.add(key);
      if (this.collected.some((i) => inInterval(p.metadata.time, i))) {
        reject(PrepareError.batchCollected);
        continue;
      }
      const mine = await prepareReport(
        this.vdaf,
        this.task,
        this.secret,
        Role.helper,
        p.metadata,
        p.publicShare,
        p.encryptedInputShare,
      );
      if ('reject' in mine) {
        reject(mine.reject);
        continue;
      }
      try {
        const leader = readPingPong(p.message);
        if (leader.type !== 'initialize') throw invalid('expected the leader’s initialize message', {});
        const prepMsg = await this.vdaf.unshardPreparationShares(null, [
          decodePrepShare(this.vdaf, leader.prepShare),
          mine.preparationShare,
        ]);
        const next = this.vdaf.prepareNext(mine.preparationState, prepMsg);
        if (!('outputShare' in next)) throw invalid('Prio3 prepares in one round', {});
        this.outputs.push({ reportId, time: p.metadata.time, share: next.outputShare });
        this.counters.aggregated++;
        const message = writePingPong({ type: 'finish', prepMsg: this.vdaf.encodePreparationMessage(prepMsg) });
        resps.push({ reportId, state: 'continue', message });
      } catch {
        reject(PrepareError.vdafPrepError);
      }
    }
    const out = writeAggregationJobResp(resps);
    this.jobs.set(jobId, out);
    return out;
  }

  /** POST /tasks/{task}/aggregate_shares: the batch's aggregate share, sealed to the collector. */
  async aggregateShare(body: Buffer): Promise<Buffer> {
    const req = readAggregateShareReq(body);
    if (this.collected.some((i) => overlaps(i, req.interval)))
      throw new DapProblem('batchQueriedTooManyTimes', 'the batch was already collected');
    const batch = this.outputs.filter((o) => inInterval(o.time, req.interval));
    if (batch.length !== req.reportCount || !checksum(batch.map((o) => o.reportId)).equals(req.checksum))
      throw new DapProblem('batchMismatch', 'the leader and the helper aggregated different reports');
    this.collected.push(req.interval);
    const share = Buffer.from(
      this.vdaf.encodeAggregatorShare(
        this.vdaf.aggregate(
          null,
          batch.map((o) => o.share),
        ),
      ),
    );
    const aad = aggregateShareAad(Buffer.from(this.task.id, 'base64url'), req.interval);
    return writeAggregateShare(
      await hpkeSeal(this.task.collectorHpkeConfig, share, aggregateShareInfo(Role.helper), aad),
    );
  }
}

export const overlaps = (a: Interval, b: Interval) => a.start < b.start + b.duration && b.start < a.start + a.duration;

/** A DAP error (DAP-09 §3.2), answered as problem details of type urn:ietf:params:ppm:dap:error:<type>. */
export class DapProblem extends Error {
  constructor(
    readonly type: string,
    readonly title: string,
    readonly status = 400,
  ) {
    super(`${type}: ${title}`);
  }
}
