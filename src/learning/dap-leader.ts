import { randomBytes } from 'node:crypto';
import type { Collection, Interval, PrepareInit, Report } from './dap-codec.js';
import {
  aggregateShareAad,
  MEDIA,
  PrepareError,
  readAggregateShare,
  readAggregationJobResp,
  readCollectionReq,
  readPingPong,
  readReport,
  writeAggregateShareReq,
  writeAggregationJobInitReq,
  writeCollection,
  writePingPong,
} from './dap-codec.js';
import { DapProblem, overlaps } from './dap-helper.js';
import { aggregateShareInfo, hpkeSeal, Role } from './dap-hpke.js';
import type { DapCounters, OutputShare } from './dap-prepare.js';
import { checksum, countRejection, inInterval, prepareReport } from './dap-prepare.js';
import type { DapSecret, DapTask } from './dap-task.js';
import { dapRequest } from './dap-request.js';
import { decodePrepMessage, sumVec } from './dap-vdaf.js';

type PrepState = Parameters<ReturnType<typeof sumVec>['prepareNext']>[0];

/**
 * The DAP-09 leader for one task, in memory: it takes the hospitals' reports (§4.4.2), and when the collector creates
 * a collection job (§4.6.1) it runs one aggregation job with the helper over the batch's reports (§4.5.1), asks the
 * helper for its aggregate share (§4.6.3), seals its own to the collector, and answers the job's poll with the
 * Collection. The batch must hold exactly the task's number of hospitals' valid reports: the noise each hospital drew
 * is a 1/(n − t) share, so a sum of fewer would carry less than the round's (ε, δ) needs (DAP's min_batch_size: the
 * job waits for them), and a batch with more is refused (a hospital's second report would count twice).
 */
export class DapLeader {
  private readonly vdaf;
  private readonly pending = new Map<string, Report>();
  private readonly outputs: OutputShare[] = [];
  private readonly collected: Interval[] = [];
  private readonly jobs = new Map<string, CollectionJob>();
  readonly counters: DapCounters = { uploaded: 0, aggregated: 0, rejected: {} };

  constructor(
    readonly task: DapTask,
    private readonly secret: DapSecret,
  ) {
    this.vdaf = sumVec(task.vdaf);
  }

  /** PUT /tasks/{task}/reports. */
  upload(body: Buffer): void {
    let report: Report;
    try {
      report = readReport(body);
    } catch (e) {
      throw new DapProblem('invalidMessage', (e as Error).message);
    }
    if (report.leaderShare.configId !== this.secret.hpke.id)
      throw new DapProblem('outdatedConfig', `unknown HPKE config id ${report.leaderShare.configId}`);
    if (this.collected.some((i) => inInterval(report.metadata.time, i)))
      throw new DapProblem('reportRejected', 'the report’s batch was already collected');
    // A replayed report id is ignored (DAP-09 §4.4.2): the first upload stands.
    const key = report.metadata.reportId.toString('hex');
    if (this.pending.has(key) || this.outputs.some((o) => o.reportId.toString('hex') === key)) return;
    this.pending.set(key, report);
    this.counters.uploaded++;
  }

  /** PUT /tasks/{task}/collection_jobs/{job}: starts collecting the batch; idempotent. */
  createCollectionJob(jobId: string, body: Buffer): void {
    if (this.jobs.has(jobId)) return;
    const interval = readCollectionReq(body);
    const p = this.task.timePrecisionSeconds;
    if (interval.start % p !== 0 || interval.duration % p !== 0 || interval.duration < p)
      throw new DapProblem('batchInvalid', `the interval must be aligned to the time precision (${p} s)`);
    if (this.collected.some((i) => overlaps(i, interval)))
      throw new DapProblem('batchQueriedTooManyTimes', 'the batch was already collected');
    const job: CollectionJob = { interval };
    this.jobs.set(jobId, job);
    this.attempt(job);
  }

  /**
   * POST /tasks/{task}/collection_jobs/{job}: the Collection, or undefined while it is not ready. A batch with fewer
   * valid reports than hospitals stays pending (a later report may complete it; each poll aggregates what came).
   */
  poll(jobId: string): Buffer | undefined {
    const job = this.jobs.get(jobId);
    if (!job) throw new DapProblem('unrecognizedCollectionJob', 'no such collection job', 404);
    if (job.result instanceof DapProblem) throw job.result;
    if (job.result) return job.result;
    if (!job.running) this.attempt(job);
    return undefined;
  }

  private attempt(job: CollectionJob): void {
    job.running = this.tryCollect(job.interval)
      .then(
        (c) => {
          if (c) job.result = c;
        },
        (e) => {
          job.result = e instanceof DapProblem ? e : new DapProblem('collectionFailed', String(e), 500);
        },
      )
      .finally(() => {
        job.running = undefined;
      });
  }

  private async tryCollect(interval: Interval): Promise<Buffer | undefined> {
    await this.aggregate(interval);
    const batch = this.outputs.filter((o) => inInterval(o.time, interval));
    const n = this.task.privacy.hospitals;
    if (batch.length < n) return undefined;
    if (batch.length > n)
      throw new DapProblem(
        'invalidBatchSize',
        `the batch holds ${batch.length} valid reports; the round's noise is calibrated for exactly ${n} hospitals`,
      );
    if (this.collected.some((i) => overlaps(i, interval)))
      throw new DapProblem('batchQueriedTooManyTimes', 'the batch was already collected');
    this.collected.push(interval);
    const ids = batch.map((o) => o.reportId);
    const helperBody = await this.helperCall(
      `aggregate_shares`,
      'POST',
      MEDIA.aggregateShareReq,
      writeAggregateShareReq({ interval, reportCount: batch.length, checksum: checksum(ids) }),
    );
    const share = Buffer.from(
      this.vdaf.encodeAggregatorShare(
        this.vdaf.aggregate(
          null,
          batch.map((o) => o.share),
        ),
      ),
    );
    const aad = aggregateShareAad(Buffer.from(this.task.id, 'base64url'), interval);
    const collection: Collection = {
      reportCount: batch.length,
      interval,
      leaderShare: await hpkeSeal(this.task.collectorHpkeConfig, share, aggregateShareInfo(Role.leader), aad),
      helperShare: readAggregateShare(helperBody),
    };
    return writeCollection(collection);
  }

  /**
   * The batch's pending reports, in aggregation jobs of JOB_REPORTS (Prio3: one round of the ping-pong topology).
   */
  private async aggregate(interval: Interval): Promise<void> {
    const batch: Report[] = [];
    for (const [key, report] of this.pending) {
      if (!inInterval(report.metadata.time, interval)) continue;
      this.pending.delete(key);
      batch.push(report);
    }
    for (let i = 0; i < batch.length; i += JOB_REPORTS) await this.aggregationJob(batch.slice(i, i + JOB_REPORTS));
  }

  private async aggregationJob(reports: readonly Report[]): Promise<void> {
    const prepared: { report: Report; state: PrepState }[] = [];
    const inits: PrepareInit[] = [];
    for (const report of reports) {
      const mine = await prepareReport(
        this.vdaf,
        this.task,
        this.secret,
        Role.leader,
        report.metadata,
        report.publicShare,
        report.leaderShare,
      );
      if ('reject' in mine) {
        countRejection(this.counters, mine.reject);
        continue;
      }
      prepared.push({ report, state: mine.preparationState });
      inits.push({
        metadata: report.metadata,
        publicShare: report.publicShare,
        encryptedInputShare: report.helperShare,
        message: writePingPong({
          type: 'initialize',
          prepShare: this.vdaf.encodePreparationShare(mine.preparationShare),
        }),
      });
    }
    if (inits.length === 0) return;
    const jobId = randomBytes(16).toString('base64url');
    const resps = readAggregationJobResp(
      await this.helperCall(
        `aggregation_jobs/${jobId}`,
        'PUT',
        MEDIA.aggregationJobInitReq,
        writeAggregationJobInitReq(inits),
      ),
    );
    const byId = new Map(resps.map((r) => [r.reportId.toString('hex'), r]));
    for (const { report, state } of prepared) {
      const r = byId.get(report.metadata.reportId.toString('hex'));
      if (!r || r.state === 'finished') {
        countRejection(this.counters, PrepareError.invalidMessage);
        continue;
      }
      if (r.state === 'reject') {
        countRejection(this.counters, r.error);
        continue;
      }
      try {
        const msg = readPingPong(r.message);
        if (msg.type !== 'finish') throw new Error('expected the helper’s finish message');
        const next = this.vdaf.prepareNext(state, decodePrepMessage(this.vdaf, msg.prepMsg));
        if (!('outputShare' in next)) throw new Error('Prio3 prepares in one round');
        this.outputs.push({ reportId: report.metadata.reportId, time: report.metadata.time, share: next.outputShare });
        this.counters.aggregated++;
      } catch {
        countRejection(this.counters, PrepareError.vdafPrepError);
      }
    }
  }

  private async helperCall(path: string, method: string, type: string, body: Buffer): Promise<Buffer> {
    const url = new URL(`tasks/${this.task.id}/${path}`, withSlash(this.task.helper));
    const headers = { 'Content-Type': type, Authorization: `Bearer ${this.secret.aggregatorToken}` };
    const res = await dapRequest(url, method, headers, body);
    if (res.status < 200 || res.status >= 300)
      throw new DapProblem('helperError', `the helper answered ${res.status}: ${res.body.toString()}`, 502);
    return res.body;
  }
}

/**
 * Reports per aggregation job. DAP-09's helper answers an aggregation job in the same HTTP exchange, and preparing one
 * report of DDXPlus's ~17,000 cells takes it tens of seconds in JavaScript: jobs of one report keep each exchange short
 * enough for the proxies and clients between the two aggregators.
 */
const JOB_REPORTS = 1;

interface CollectionJob {
  readonly interval: Interval;
  running?: Promise<void>;
  result?: Buffer | DapProblem;
}

export const withSlash = (u: string) => (u.endsWith('/') ? u : `${u}/`);
