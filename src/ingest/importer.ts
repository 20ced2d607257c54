import { createReadStream } from 'node:fs';
import { open, readdir, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { createGunzip } from 'node:zlib';
import { isMedSeekError, MedSeekError } from '../core/index.js';
import { readJsonStreamed, readJsonWhole } from './bundle.js';
import { bomLength, decodeUtf8, parseJson } from './encoding.js';
import { type PreparedEntry, prepareEntries, type RawEntry } from './entries.js';
import { readLines } from './lines.js';
import type { ImportOptions, ImportSummary, IngestIssue, IngestSink, TypeCounts } from './types.js';

/**
 * Imports FHIR R4 JSON (bundles of any importable type, or single resources) and Bulk Data
 * NDJSON (https://hl7.org/fhir/uv/bulkdata/) from a file or a directory tree, into a sink.
 * - A transaction bundle is all or nothing: every entry is checked first, and it is written in one
 *   `atomic` write; one bad entry rejects the bundle, naming every problem.
 * - Other bundles and NDJSON are written in batches; each bad entry or line is rejected alone.
 * - NDJSON is read line by line: memory holds one batch, whatever the file size.
 */
const DEFAULTS = {
  maxResourceBytes: 16 * 1024 * 1024,
  maxBundleBytes: 1024 * 1024 * 1024,
  streamBundleBytes: 64 * 1024 * 1024,
  batchSize: 500,
  maxErrors: 1000,
  concurrency: 2,
};

const NDJSON_NAME = /\.(ndjson|jsonl)(\.gz)?$/i;
const JSON_NAME = /\.json(\.gz)?$/i;

export async function importPath(path: string, sink: IngestSink, options: ImportOptions = {}): Promise<ImportSummary> {
  const info = await stat(path).catch(() => undefined);
  if (!info) throw new MedSeekError('not-found', `no such file or directory: ${path}`, { field: 'path' });
  const summary = emptySummary();
  let files: string[];
  if (info.isDirectory()) {
    const all = await walk(path);
    files = all.filter((f) => NDJSON_NAME.test(f) || JSON_NAME.test(f));
    summary.skippedFiles = all.length - files.length;
  } else files = [path];
  const sizes = await Promise.all(files.map(async (f) => (await stat(f)).size));
  const importer = new Importer(
    sink,
    { ...DEFAULTS, ...options },
    summary,
    sizes.reduce((a, b) => a + b, 0),
  );
  for (let i = 0; i < files.length; i++) await importer.file(files[i]!, sizes[i]!);
  return summary;
}

async function walk(dir: string): Promise<string[]> {
  const out: string[] = [];
  for (const d of (await readdir(dir, { withFileTypes: true })).sort((a, b) => a.name.localeCompare(b.name))) {
    if (d.name.startsWith('.')) continue;
    const p = join(dir, d.name);
    if (d.isDirectory()) out.push(...(await walk(p)));
    else if (d.isFile()) out.push(p);
  }
  return out;
}

export function emptySummary(): ImportSummary {
  return {
    files: 0,
    skippedFiles: 0,
    read: 0,
    created: 0,
    updated: 0,
    unchanged: 0,
    rejected: 0,
    byType: {},
    errors: [],
    errorsOmitted: 0,
  };
}

type Options = Required<Omit<ImportOptions, 'onProgress'>> & Pick<ImportOptions, 'onProgress'>;

class Importer {
  private bytesBefore = 0;
  private fileBytes = 0;
  /**
   * Writes in flight (at most `concurrency`): the next window is read and checked while the
   * database works, and a server database takes windows on several connections at once.
   */
  private inflight: Promise<void>[] = [];

  constructor(
    private readonly sink: IngestSink,
    private readonly options: Options,
    private readonly summary: ImportSummary,
    private readonly bytesTotal: number,
  ) {}

  async file(path: string, size: number): Promise<void> {
    this.summary.files++;
    this.fileBytes = 0;
    try {
      const format = await detectFormat(path);
      if (format === 'ndjson') await this.ndjson(path, /\.gz$/i.test(path));
      else await this.json(path, size, /\.gz$/i.test(path));
      await this.drain();
    } catch (e) {
      await this.drain();
      // A problem with the file as a whole (encoding, malformed JSON, wrong format): nothing of it
      // was written, except the batches of a streamed non-transaction file written before it.
      this.issue({ ...issueOf(e), file: path });
      this.count('(file)', 'rejected');
    } finally {
      this.bytesBefore += size;
      this.fileBytes = 0;
      this.progress(path);
    }
  }

  private async json(path: string, size: number, gz: boolean): Promise<void> {
    const o = this.options;
    if (size > o.maxBundleBytes) {
      throw new MedSeekError(
        'too-large',
        `the file is ${size} bytes, over the limit of ${o.maxBundleBytes} (maxBundleBytes)`,
        { where: 'file' },
      );
    }
    const onBytes = (n: number) => {
      this.fileBytes += n;
    };
    const doc =
      size > o.streamBundleBytes ? await readJsonStreamed(path, gz, onBytes) : await readJsonWhole(path, gz, onBytes);
    const checkSize = size > o.maxResourceBytes;
    const ctx = {
      kind: doc.kind,
      file: path,
      ...(this.sink.findByIdentifier ? { findByIdentifier: this.sink.findByIdentifier.bind(this.sink) } : {}),
    };
    if (doc.kind === 'transaction') {
      const raw: RawEntry[] = [];
      for await (const e of doc.entries) raw.push(this.sized(e, checkSize));
      await this.transaction(raw, ctx);
      return;
    }
    const shared = { ...ctx, fullUrls: new Map<string, string>(), keys: new Map<string, string>() };
    let window: RawEntry[] = [];
    for await (const e of doc.entries) {
      if (e.searchMode === 'outcome') continue;
      window.push(this.sized(e, checkSize));
      if (window.length >= o.batchSize) {
        await this.independent(window, shared);
        window = [];
        this.progress(path);
      }
    }
    if (window.length > 0) await this.independent(window, shared);
  }

  /** Marks a resource over the size limit, which prepare then rejects. */
  private sized(e: RawEntry, check: boolean): RawEntry {
    if (!check || e.resource === undefined) return e;
    const length = Buffer.byteLength(JSON.stringify(e.resource));
    return length <= this.options.maxResourceBytes
      ? e
      : { ...e, tooLarge: { bytes: length, limit: this.options.maxResourceBytes } };
  }

  private async ndjson(path: string, gz: boolean): Promise<void> {
    const o = this.options;
    const head = await readHead(path, gz, 4);
    const bom = bomLength(head, 'line 1');
    const raw = createReadStream(path, { highWaterMark: 1 << 20, start: gz ? 0 : bom });
    raw.on('data', (c: Buffer | string) => {
      this.fileBytes += c.length;
    });
    const stream = gz ? raw.pipe(createGunzip()) : raw;
    const shared = {
      kind: 'ndjson',
      file: path,
      fullUrls: new Map<string, string>(),
      keys: new Map<string, string>(),
      ...(this.sink.findByIdentifier ? { findByIdentifier: this.sink.findByIdentifier.bind(this.sink) } : {}),
    };
    let window: RawEntry[] = [];
    let first = true;
    for await (const line of readLines(stream as AsyncIterable<Buffer>, o.maxResourceBytes)) {
      const where = `line ${line.lineNo}`;
      if (line.kind === 'too-long') {
        this.issue({
          code: 'too-large',
          message: `the line is ${line.length} bytes, over the limit of ${o.maxResourceBytes} (maxResourceBytes)`,
          file: path,
          where,
        });
        this.count('(unknown)', 'read');
        this.count('(unknown)', 'rejected');
        continue;
      }
      let bytes = line.bytes;
      if (first && gz) bytes = bytes.subarray(bomLength(bytes, where));
      first = false;
      if (bytes.length > 0 && bytes[bytes.length - 1] === 0x0d) bytes = bytes.subarray(0, -1);
      if (bytes.every((b) => b === 0x20 || b === 0x09)) continue;
      let resource: unknown;
      try {
        resource = parseJson(decodeUtf8(bytes, where, line.offset, line.lineNo), where, line.lineNo - 1);
      } catch (e) {
        this.issue({ ...issueOf(e), file: path, where });
        this.count('(unknown)', 'read');
        this.count('(unknown)', 'rejected');
        continue;
      }
      window.push({ index: line.lineNo, where, resource });
      if (window.length >= o.batchSize) {
        await this.independent(window, shared);
        window = [];
        this.progress(path);
      }
    }
    if (window.length > 0) await this.independent(window, shared);
  }

  private async transaction(raw: RawEntry[], ctx: Parameters<typeof prepareEntries>[1]): Promise<void> {
    const prepared = await prepareEntries(raw, ctx);
    const typeOf = (e: RawEntry): string => prepared.rejectedTypes.get(e.index) ?? '(unknown)';
    for (const e of raw) this.count(typeOf(e), 'read');
    const rejectAll = (): void => {
      for (const e of raw) this.count(typeOf(e), 'rejected');
    };
    if (prepared.issues.length > 0) {
      for (const i of prepared.issues) this.issue(i);
      this.issue({
        code: 'invalid',
        message: `transaction rolled back: none of its ${raw.length} entries was written because of ${prepared.issues.length} problem(s)`,
        where: 'Bundle',
        ...(ctx.file ? { file: ctx.file } : {}),
      });
      rejectAll();
      return;
    }
    try {
      const outcomes = await this.sink.write(
        prepared.ok.map((p) => p.resource),
        { atomic: true },
      );
      for (const [i, p] of prepared.ok.entries()) this.count(p.resource.resourceType, outcomes[i] ?? 'unchanged');
    } catch (e) {
      this.issue({
        ...issueOf(e),
        ...(ctx.file ? { file: ctx.file } : {}),
        where: 'Bundle',
        message: `transaction rolled back: ${issueOf(e).message}`,
      });
      rejectAll();
    }
  }

  private async independent(raw: RawEntry[], ctx: Parameters<typeof prepareEntries>[1]): Promise<void> {
    const prepared = await prepareEntries(raw, ctx);
    for (const e of raw) this.count(prepared.rejectedTypes.get(e.index) ?? '(unknown)', 'read');
    const rejected = new Set<number>();
    for (const i of prepared.issues) {
      this.issue(i);
      if (!rejected.has(i.index)) this.count(prepared.rejectedTypes.get(i.index) ?? '(unknown)', 'rejected');
      rejected.add(i.index);
    }
    while (this.inflight.length >= this.options.concurrency) await this.inflight.shift();
    this.inflight.push(this.writeIndependent(prepared.ok, ctx.file));
  }

  private async drain(): Promise<void> {
    while (this.inflight.length > 0) await this.inflight.shift();
  }

  private async writeIndependent(entries: readonly PreparedEntry[], file: string | undefined): Promise<void> {
    if (entries.length === 0) return;
    try {
      const outcomes = await this.sink.write(
        entries.map((p) => p.resource),
        { atomic: false },
      );
      for (const [i, p] of entries.entries()) this.count(p.resource.resourceType, outcomes[i] ?? 'unchanged');
    } catch (e) {
      if (entries.length === 1) {
        const p = entries[0]!;
        this.issue({ ...issueOf(e), ...(file ? { file } : {}), where: p.where, entry: p.key });
        this.count(p.resource.resourceType, 'rejected');
        return;
      }
      // Find the entry that failed: write one at a time.
      for (const p of entries) await this.writeIndependent([p], file);
    }
  }

  private count(type: string, what: keyof TypeCounts): void {
    const t = this.summary.byType[type] ?? { read: 0, created: 0, updated: 0, unchanged: 0, rejected: 0 };
    this.summary.byType[type] = t;
    t[what]++;
    this.summary[what]++;
  }

  private issue(i: IngestIssue & { index?: number }): void {
    if (this.summary.errors.length >= this.options.maxErrors) {
      this.summary.errorsOmitted++;
      return;
    }
    const { index: _index, ...rest } = i;
    this.summary.errors.push(rest);
  }

  private progress(file: string): void {
    this.options.onProgress?.({
      file,
      fileBytes: this.fileBytes,
      bytesDone: this.bytesBefore + this.fileBytes,
      bytesTotal: this.bytesTotal,
      resources: this.summary.read,
    });
  }
}

function issueOf(e: unknown): IngestIssue {
  if (isMedSeekError(e)) {
    return {
      code: e.code,
      message: stripLocation(e),
      ...(e.location.where ? { where: e.location.where } : {}),
      ...(e.location.entry ? { entry: e.location.entry } : {}),
      ...(e.location.field ? { field: e.location.field } : {}),
    };
  }
  return { code: 'internal', message: (e as Error)?.message ?? String(e) };
}

/** The message without the location prefix MedSeekError adds (the issue names it separately). */
function stripLocation(e: MedSeekError): string {
  const { where, entry, field } = e.location;
  const prefix = [where, entry && `(${entry})`, field && `field ${field}`].filter(Boolean).join(' ');
  return prefix && e.message.startsWith(`${prefix}: `) ? e.message.slice(prefix.length + 2) : e.message;
}

async function readHead(path: string, gz: boolean, n: number): Promise<Buffer> {
  if (gz) {
    for await (const chunk of createReadStream(path).pipe(createGunzip()) as AsyncIterable<Buffer>)
      return chunk.subarray(0, n);
    return Buffer.alloc(0);
  }
  const fh = await open(path, 'r');
  try {
    const buf = Buffer.alloc(n);
    const { bytesRead } = await fh.read(buf, 0, n, 0);
    return buf.subarray(0, bytesRead);
  } finally {
    await fh.close();
  }
}

/**
 * NDJSON or JSON, by name (`.ndjson`, `.jsonl`, `.json`, each optionally `.gz`), checked against
 * the first bytes: FHIR XML, a JSON array, or binary content is refused as the wrong content type.
 */
export async function detectFormat(path: string): Promise<'ndjson' | 'json'> {
  const gz = /\.gz$/i.test(path);
  const head = await readHead(path, gz, 64 * 1024);
  const skip = bomLength(head, 'file');
  let i = skip;
  while (i < head.length && (head[i] === 0x20 || head[i] === 0x0a || head[i] === 0x0d || head[i] === 0x09)) i++;
  const c = head[i];
  if (c === undefined) throw new MedSeekError('invalid', 'the file is empty', { where: 'file' });
  if (c === 0x3c)
    throw new MedSeekError('unsupported', 'the file looks like XML; MedSeek imports FHIR JSON and NDJSON only', {
      where: 'file',
    });
  if (c === 0x5b)
    throw new MedSeekError(
      'unsupported',
      'the file is a JSON array; FHIR JSON is a resource or a Bundle, Bulk Data is NDJSON',
      { where: 'file' },
    );
  if (c !== 0x7b) {
    const shown = [...head.subarray(i, i + 4)].map((b) => b.toString(16).padStart(2, '0')).join(' ');
    throw new MedSeekError('unsupported', `the file is not FHIR JSON or NDJSON (it starts with bytes ${shown})`, {
      where: 'file',
    });
  }
  if (NDJSON_NAME.test(path)) return 'ndjson';
  if (JSON_NAME.test(path)) return 'json';
  // No telling name: NDJSON when the first line is a whole JSON object and another follows.
  const text = head.toString('utf8', i);
  const nl = text.indexOf('\n');
  if (nl > 0 && /^\s*\{/.test(text.slice(nl + 1))) {
    try {
      JSON.parse(text.slice(0, nl));
      return 'ndjson';
    } catch {
      return 'json';
    }
  }
  return 'json';
}
