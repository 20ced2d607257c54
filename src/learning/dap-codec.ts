import { invalid } from '../core/index.js';

/**
 * The DAP-09 messages the two aggregators and the collector exchange (draft-ietf-ppm-dap-09, §4), in the TLS
 * presentation language's encoding (RFC 8446 §3: big-endian integers, length-prefixed opaque vectors). The client's
 * messages (Report, HpkeConfigList, the input share's AAD and info) are encoded by @divviup/dap; this file reads them
 * and writes the rest: the aggregation job, the aggregate share and the collection (layouts checked by reading against
 * Cloudflare Daphne's draft-09 codec; no interoperability test). Only time-interval tasks and the single-round VDAFs
 * (Prio3) are supported, which is all this exchange needs.
 */
export const MEDIA = {
  report: 'application/dap-report',
  hpkeConfigList: 'application/dap-hpke-config-list',
  aggregationJobInitReq: 'application/dap-aggregation-job-init-req',
  aggregationJobResp: 'application/dap-aggregation-job-resp',
  aggregateShareReq: 'application/dap-aggregate-share-req',
  aggregateShare: 'application/dap-aggregate-share',
  collectReq: 'application/dap-collect-req',
  collection: 'application/dap-collection',
} as const;

/** QueryType time_interval (the only batch mode here). */
export const TIME_INTERVAL = 1;

/** DAP-09 §4.5.1.2 PrepareError. */
export const PrepareError = {
  batchCollected: 0,
  reportReplayed: 1,
  reportDropped: 2,
  hpkeUnknownConfigId: 3,
  hpkeDecryptError: 4,
  vdafPrepError: 5,
  batchSaturated: 6,
  taskExpired: 7,
  invalidMessage: 8,
  reportTooEarly: 9,
} as const;
export type PrepareErrorCode = (typeof PrepareError)[keyof typeof PrepareError];

export class Writer {
  private readonly parts: Buffer[] = [];
  u8(n: number): this {
    this.parts.push(Buffer.of(n));
    return this;
  }
  u16(n: number): this {
    const b = Buffer.alloc(2);
    b.writeUInt16BE(n);
    this.parts.push(b);
    return this;
  }
  u32(n: number): this {
    const b = Buffer.alloc(4);
    b.writeUInt32BE(n);
    this.parts.push(b);
    return this;
  }
  u64(n: number | bigint): this {
    const b = Buffer.alloc(8);
    b.writeBigUInt64BE(BigInt(n));
    this.parts.push(b);
    return this;
  }
  bytes(b: Uint8Array): this {
    this.parts.push(Buffer.from(b));
    return this;
  }
  opaque16(b: Uint8Array): this {
    return this.u16(b.length).bytes(b);
  }
  opaque32(b: Uint8Array): this {
    return this.u32(b.length).bytes(b);
  }
  done(): Buffer {
    return Buffer.concat(this.parts);
  }
}

export class Reader {
  private at = 0;
  constructor(
    private readonly buf: Uint8Array,
    private readonly what: string,
  ) {}
  private take(n: number): Buffer {
    if (this.at + n > this.buf.length) throw invalid(`${this.what}: truncated`, { field: 'body' });
    const out = Buffer.from(this.buf.subarray(this.at, this.at + n));
    this.at += n;
    return out;
  }
  u8 = () => this.take(1).readUInt8();
  u16 = () => this.take(2).readUInt16BE();
  u32 = () => this.take(4).readUInt32BE();
  u64 = () => Number(this.take(8).readBigUInt64BE());
  bytes = (n: number) => this.take(n);
  opaque16 = () => this.take(this.u16());
  opaque32 = () => this.take(this.u32());
  /** A vector of structs with a 32-bit byte length (`T items<0..2^32-1>`). */
  vector32<T>(item: (r: Reader) => T): T[] {
    const end = this.u32() + this.at;
    const out: T[] = [];
    while (this.at < end) out.push(item(this));
    if (this.at !== end) throw invalid(`${this.what}: a vector overran its length`, { field: 'body' });
    return out;
  }
  end(): void {
    if (this.at !== this.buf.length) throw invalid(`${this.what}: trailing bytes`, { field: 'body' });
  }
}

const vector32 = <T>(w: Writer, items: readonly T[], write: (w: Writer, x: T) => void) => {
  const inner = new Writer();
  for (const x of items) write(inner, x);
  return w.opaque32(inner.done());
};

export interface HpkeCiphertext {
  readonly configId: number;
  readonly enc: Buffer;
  readonly payload: Buffer;
}
export const readCiphertext = (r: Reader): HpkeCiphertext => ({
  configId: r.u8(),
  enc: r.opaque16(),
  payload: r.opaque32(),
});
export const writeCiphertext = (w: Writer, c: HpkeCiphertext) => w.u8(c.configId).opaque16(c.enc).opaque32(c.payload);

export interface ReportMetadata {
  readonly reportId: Buffer;
  /** Seconds since the epoch, rounded down to the task's time precision. */
  readonly time: number;
}
const readMetadata = (r: Reader): ReportMetadata => ({ reportId: r.bytes(16), time: r.u64() });
const writeMetadata = (w: Writer, m: ReportMetadata) => w.bytes(m.reportId).u64(m.time);

/** The client's upload (DAP-09 §4.4.2), as @divviup/dap encodes it. */
export interface Report {
  readonly metadata: ReportMetadata;
  readonly publicShare: Buffer;
  readonly leaderShare: HpkeCiphertext;
  readonly helperShare: HpkeCiphertext;
}
export function readReport(body: Uint8Array): Report {
  const r = new Reader(body, 'Report');
  const report = {
    metadata: readMetadata(r),
    publicShare: r.opaque32(),
    leaderShare: readCiphertext(r),
    helperShare: readCiphertext(r),
  };
  r.end();
  return report;
}

/** PlaintextInputShare: extensions (none are defined for this task) and the VDAF input share. */
export function readPlaintextInputShare(body: Uint8Array): { extensions: Buffer; payload: Buffer } {
  const r = new Reader(body, 'PlaintextInputShare');
  const out = { extensions: r.opaque16(), payload: r.opaque32() };
  r.end();
  return out;
}

/** InputShareAad: task id, report metadata, public share (the AAD of both input shares' encryption). */
export const inputShareAad = (taskId: Buffer, m: ReportMetadata, publicShare: Buffer) =>
  writeMetadata(new Writer().bytes(taskId), m).opaque32(publicShare).done();

export interface Interval {
  readonly start: number;
  readonly duration: number;
}
const readInterval = (r: Reader): Interval => ({ start: r.u64(), duration: r.u64() });
const writeInterval = (w: Writer, i: Interval) => w.u64(i.start).u64(i.duration);

/** BatchSelector (and Query) of a time-interval task: the query type, then the interval. */
const readBatchInterval = (r: Reader, what: string): Interval => {
  if (r.u8() !== TIME_INTERVAL) throw invalid(`${what}: only time-interval batches are supported`, { field: 'body' });
  return readInterval(r);
};
const writeBatchInterval = (w: Writer, i: Interval) => writeInterval(w.u8(TIME_INTERVAL), i);

/**
 * The VDAF-08 ping-pong message (§5.8) carried in a PrepareInit and a PrepareResp: initialize (the leader's
 * preparation share), continue (not used by a one-round VDAF) or finish (the preparation message).
 */
export type PingPong = { type: 'initialize'; prepShare: Buffer } | { type: 'finish'; prepMsg: Buffer };
export function writePingPong(m: PingPong): Buffer {
  return m.type === 'initialize'
    ? new Writer().u8(0).opaque32(m.prepShare).done()
    : new Writer().u8(2).opaque32(m.prepMsg).done();
}
export function readPingPong(body: Uint8Array): PingPong {
  const r = new Reader(body, 'ping-pong Message');
  const type = r.u8();
  const out: PingPong =
    type === 0
      ? { type: 'initialize', prepShare: r.opaque32() }
      : type === 2
        ? { type: 'finish', prepMsg: r.opaque32() }
        : (() => {
            throw invalid(`ping-pong message type ${type} is not expected of a one-round VDAF`, { field: 'body' });
          })();
  r.end();
  return out;
}

export interface PrepareInit {
  readonly metadata: ReportMetadata;
  readonly publicShare: Buffer;
  readonly encryptedInputShare: HpkeCiphertext;
  /** The leader's ping-pong message. */
  readonly message: Buffer;
}

/** AggregationJobInitReq (DAP-09 §4.5.1.1): no aggregation parameter (Prio3), time-interval batch. */
export function writeAggregationJobInitReq(inits: readonly PrepareInit[]): Buffer {
  const w = new Writer().opaque32(Buffer.alloc(0)).u8(TIME_INTERVAL);
  return vector32(w, inits, (v, p) => {
    writeCiphertext(writeMetadata(v, p.metadata).opaque32(p.publicShare), p.encryptedInputShare).opaque32(p.message);
  }).done();
}
export function readAggregationJobInitReq(body: Uint8Array): PrepareInit[] {
  const r = new Reader(body, 'AggregationJobInitReq');
  r.opaque32();
  if (r.u8() !== TIME_INTERVAL) throw invalid('only time-interval batches are supported', { field: 'body' });
  const inits = r.vector32((v) => ({
    metadata: readMetadata(v),
    publicShare: v.opaque32(),
    encryptedInputShare: readCiphertext(v),
    message: v.opaque32(),
  }));
  r.end();
  return inits;
}

/** PrepareResp: continue with the helper's ping-pong message, finished, or reject with a PrepareError. */
export type PrepareResp =
  | { reportId: Buffer; state: 'continue'; message: Buffer }
  | { reportId: Buffer; state: 'finished' }
  | { reportId: Buffer; state: 'reject'; error: PrepareErrorCode };
export function writeAggregationJobResp(resps: readonly PrepareResp[]): Buffer {
  return vector32(new Writer(), resps, (v, p) => {
    v.bytes(p.reportId);
    if (p.state === 'continue') v.u8(0).opaque32(p.message);
    else if (p.state === 'finished') v.u8(1);
    else v.u8(2).u8(p.error);
  }).done();
}
export function readAggregationJobResp(body: Uint8Array): PrepareResp[] {
  const r = new Reader(body, 'AggregationJobResp');
  const out = r.vector32((v): PrepareResp => {
    const reportId = v.bytes(16);
    const state = v.u8();
    if (state === 0) return { reportId, state: 'continue', message: v.opaque32() };
    if (state === 1) return { reportId, state: 'finished' };
    return { reportId, state: 'reject', error: v.u8() as PrepareErrorCode };
  });
  r.end();
  return out;
}

/** AggregateShareReq (DAP-09 §4.6.3): batch selector, aggregation parameter, report count, checksum. */
export interface AggregateShareReq {
  readonly interval: Interval;
  readonly reportCount: number;
  readonly checksum: Buffer;
}
export const writeAggregateShareReq = (q: AggregateShareReq) =>
  writeBatchInterval(new Writer(), q.interval).opaque32(Buffer.alloc(0)).u64(q.reportCount).bytes(q.checksum).done();
export function readAggregateShareReq(body: Uint8Array): AggregateShareReq {
  const r = new Reader(body, 'AggregateShareReq');
  const interval = readBatchInterval(r, 'AggregateShareReq');
  r.opaque32();
  const out = { interval, reportCount: r.u64(), checksum: r.bytes(32) };
  r.end();
  return out;
}

/** AggregateShareAad: task id, aggregation parameter, batch selector (AAD of an aggregate share's encryption). */
export const aggregateShareAad = (taskId: Buffer, interval: Interval) =>
  writeBatchInterval(new Writer().bytes(taskId).opaque32(Buffer.alloc(0)), interval).done();

export const writeAggregateShare = (c: HpkeCiphertext) => writeCiphertext(new Writer(), c).done();
export function readAggregateShare(body: Uint8Array): HpkeCiphertext {
  const r = new Reader(body, 'AggregateShare');
  const c = readCiphertext(r);
  r.end();
  return c;
}

/** CollectionReq (DAP-09 §4.6.1): the query (a time interval) and the aggregation parameter. */
export const writeCollectionReq = (interval: Interval) =>
  writeBatchInterval(new Writer(), interval).opaque32(Buffer.alloc(0)).done();
export function readCollectionReq(body: Uint8Array): Interval {
  const r = new Reader(body, 'CollectionReq');
  const interval = readBatchInterval(r, 'CollectionReq');
  r.opaque32();
  r.end();
  return interval;
}

/** Collection: partial batch selector, report count, interval, and both aggregators' encrypted aggregate shares. */
export interface Collection {
  readonly reportCount: number;
  readonly interval: Interval;
  readonly leaderShare: HpkeCiphertext;
  readonly helperShare: HpkeCiphertext;
}
export function writeCollection(c: Collection): Buffer {
  const w = writeInterval(new Writer().u8(TIME_INTERVAL).u64(c.reportCount), c.interval);
  return writeCiphertext(writeCiphertext(w, c.leaderShare), c.helperShare).done();
}
export function readCollection(body: Uint8Array): Collection {
  const r = new Reader(body, 'Collection');
  if (r.u8() !== TIME_INTERVAL)
    throw invalid('Collection: only time-interval batches are supported', { field: 'body' });
  const out = {
    reportCount: r.u64(),
    interval: readInterval(r),
    leaderShare: readCiphertext(r),
    helperShare: readCiphertext(r),
  };
  r.end();
  return out;
}
