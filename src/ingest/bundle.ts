import { createReadStream } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { Transform } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { createGunzip } from 'node:zlib';
import { filter } from 'stream-json/filters/filter.js';
import { pick } from 'stream-json/filters/pick.js';
import { streamArray } from 'stream-json/streamers/stream-array.js';
import { streamValues } from 'stream-json/streamers/stream-values.js';
import { MedSeekError } from '../core/index.js';
import { bomLength, decodeUtf8, firstInvalidUtf8, parseJson } from './encoding.js';
import type { RawEntry } from './entries.js';

/**
 * Reads a FHIR JSON file: a Bundle (any type) or a single resource. Files up to the streaming
 * threshold are parsed at once (JSON.parse is the fastest parser there is); larger ones are
 * streamed entry by entry with stream-json, so memory holds one entry at a time (a transaction is
 * still collected whole: it is written in one database transaction).
 */
export interface JsonFile {
  /** `transaction`, `batch`, `collection`, … for a Bundle; `resource` for a single resource. */
  readonly kind: string;
  readonly entries: AsyncIterable<RawEntry>;
}

type Json = Record<string, unknown>;

export async function readJsonWhole(path: string, gz: boolean, onBytes: (n: number) => void): Promise<JsonFile> {
  let bytes: Buffer = await readFile(path);
  if (gz) bytes = await gunzip(bytes);
  onBytes(bytes.length);
  const skip = bomLength(bytes, 'file');
  const text = decodeUtf8(skip ? bytes.subarray(skip) : bytes, 'file', skip);
  const doc = parseJson(text, 'file');
  return fromDocument(doc);
}

function fromDocument(doc: unknown): JsonFile {
  if (!doc || typeof doc !== 'object' || Array.isArray(doc)) {
    throw new MedSeekError('invalid', 'the file is not a FHIR resource (a JSON object with resourceType)', {
      where: 'file',
      field: 'resourceType',
    });
  }
  const d = doc as Json;
  if (d.resourceType !== 'Bundle') {
    return { kind: 'resource', entries: once({ index: 0, where: 'resource', resource: d }) };
  }
  const kind = bundleType(d.type);
  if (d.entry !== undefined && !Array.isArray(d.entry))
    throw new MedSeekError('invalid', 'Bundle.entry must be an array', { where: 'Bundle', field: 'Bundle.entry' });
  const list = (d.entry ?? []) as unknown[];
  return {
    kind,
    entries: (async function* () {
      for (let i = 0; i < list.length; i++) yield toRawEntry(list[i], i);
    })(),
  };
}

export function toRawEntry(e: unknown, i: number): RawEntry {
  const where = `Bundle.entry[${i}]`;
  if (!e || typeof e !== 'object') return { index: i, where, resource: undefined };
  const entry = e as Json;
  const request =
    entry.request && typeof entry.request === 'object' ? (entry.request as RawEntry['request']) : undefined;
  return {
    index: i,
    where,
    ...(typeof entry.fullUrl === 'string' ? { fullUrl: entry.fullUrl } : {}),
    resource: entry.resource,
    ...(request ? { request } : {}),
    ...(entry.search && typeof (entry.search as Json).mode === 'string'
      ? { searchMode: (entry.search as Json).mode as string }
      : {}),
  };
}

const BUNDLE_TYPES = new Set([
  'document',
  'message',
  'transaction',
  'transaction-response',
  'batch',
  'batch-response',
  'history',
  'searchset',
  'collection',
]);

/** Responses and histories are not data to import: their entries are outcomes or several versions. */
const NOT_IMPORTED = new Set(['transaction-response', 'batch-response', 'history']);

function bundleType(t: unknown): string {
  if (typeof t !== 'string' || !BUNDLE_TYPES.has(t)) {
    throw new MedSeekError(
      'invalid',
      `Bundle.type ${JSON.stringify(t)} is not a bundle type (${[...BUNDLE_TYPES].join(', ')})`,
      { where: 'Bundle', field: 'Bundle.type' },
    );
  }
  if (NOT_IMPORTED.has(t)) {
    throw new MedSeekError(
      'unsupported',
      `a '${t}' Bundle is not imported (import transaction, batch, collection, searchset, document or message bundles)`,
      { where: 'Bundle', field: 'Bundle.type' },
    );
  }
  return t;
}

/** Streams a large Bundle: a first pass finds Bundle.type, a second yields the entries one by one. */
export async function readJsonStreamed(path: string, gz: boolean, onBytes: (n: number) => void): Promise<JsonFile> {
  const head = await readHead(path, gz);
  bomLength(head, 'file');
  let top: Json = {};
  // The top level without its entries: { resourceType, type, … }.
  await pipeline(
    source(path, gz, () => {}),
    utf8Check(),
    filter.withParserAsStream({ filter: /^(resourceType|type)$/ }),
    streamValues.asStream(),
    async (values: AsyncIterable<{ value: unknown }>) => {
      for await (const { value } of values) if (value && typeof value === 'object') top = value as Json;
    },
  );
  const { resourceType, type } = top;
  if (resourceType !== 'Bundle') {
    throw new MedSeekError(
      'too-large',
      'a single resource this large is not imported; raise the limit or split the file',
      { where: 'file' },
    );
  }
  const kind = bundleType(type);
  const entries = (async function* () {
    const stream = source(path, gz, onBytes)
      .pipe(utf8Check())
      .pipe(pick.withParserAsStream({ filter: 'entry' }))
      .pipe(streamArray.asStream());
    for await (const { key, value } of stream as AsyncIterable<{ key: number; value: unknown }>)
      yield toRawEntry(value, key);
  })();
  return { kind, entries };
}

function source(path: string, gz: boolean, onBytes: (n: number) => void): NodeJS.ReadableStream {
  const raw = createReadStream(path, { highWaterMark: 1 << 20 });
  raw.on('data', (c: Buffer | string) => onBytes(c.length));
  return gz ? raw.pipe(createGunzip()) : raw;
}

async function readHead(path: string, gz: boolean): Promise<Buffer> {
  for await (const chunk of source(path, gz, () => {}) as AsyncIterable<Buffer>) return chunk;
  return Buffer.alloc(0);
}

/** Passes text through, failing with an 'encoding' error at the first invalid UTF-8 byte. */
function utf8Check(): Transform {
  const decoder = new TextDecoder('utf-8', { fatal: true });
  let offset = 0;
  return new Transform({
    readableObjectMode: false,
    transform(chunk: Buffer, _enc, done) {
      try {
        const text = decoder.decode(chunk, { stream: true });
        offset += chunk.length;
        done(null, text);
      } catch {
        const at = firstInvalidUtf8(chunk);
        done(
          new MedSeekError('encoding', `invalid UTF-8 at byte ${offset + Math.max(at, 0)}; FHIR JSON must be UTF-8`, {
            where: 'file',
          }),
        );
      }
    },
    flush(done) {
      try {
        done(null, decoder.decode());
      } catch {
        done(
          new MedSeekError('encoding', `the file ends inside a UTF-8 character (byte ${offset})`, { where: 'file' }),
        );
      }
    },
  });
}

async function gunzip(bytes: Buffer): Promise<Buffer> {
  const { gunzipSync } = await import('node:zlib');
  try {
    return gunzipSync(bytes);
  } catch (e) {
    throw new MedSeekError('invalid', `not a valid gzip file: ${(e as Error).message}`, { where: 'file' });
  }
}

async function* once<T>(value: T): AsyncGenerator<T> {
  yield value;
}
