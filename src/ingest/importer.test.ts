import { mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { beforeEach, describe, expect, it } from 'vitest';
import { canonicalJson } from './canonical.js';
import { importPath } from './importer.js';
import type { FhirResource, IngestSink, WriteOutcome } from './types.js';

const fixtures = join(import.meta.dirname, '__fixtures__');

/** A sink over a Map, with the store's semantics: atomic writes are all or nothing. */
class MemorySink implements IngestSink {
  readonly rows = new Map<string, FhirResource>();
  writes = 0;
  failOn?: string;
  async write(resources: readonly FhirResource[], options: { atomic: boolean }): Promise<WriteOutcome[]> {
    this.writes++;
    const staged = new Map(this.rows);
    const out: WriteOutcome[] = [];
    for (const r of resources) {
      const key = `${r.resourceType}/${r.id}`;
      if (key === this.failOn) throw new Error(`database refused ${key}`);
      const prior = staged.get(key);
      out.push(!prior ? 'created' : canonicalJson(prior) === canonicalJson(r) ? 'unchanged' : 'updated');
      staged.set(key, r);
    }
    expect(typeof options.atomic).toBe('boolean');
    for (const [k, v] of staged) this.rows.set(k, v);
    return out;
  }
  async findByIdentifier(resourceType: string, identifiers: readonly string[]): Promise<string | undefined> {
    for (const r of this.rows.values()) {
      if (r.resourceType !== resourceType || !Array.isArray(r.identifier)) continue;
      for (const i of r.identifier as { system?: string; value?: string }[])
        if (identifiers.includes(`${i.system ?? ''}|${i.value}`)) return r.id;
    }
    return undefined;
  }
}

let dir: string;
let sink: MemorySink;
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'medseek-ingest-'));
  sink = new MemorySink();
});

const write = (name: string, content: string | Buffer): string => {
  const p = join(dir, name);
  writeFileSync(p, content);
  return p;
};
const bundle = (type: string, entries: unknown[]) => JSON.stringify({ resourceType: 'Bundle', type, entry: entries });

describe('transaction bundles', () => {
  it('assigns ids from urn:uuid fullUrls and resolves references, conditional ones included', async () => {
    const s = await importPath(join(fixtures, 'transaction.json'), sink);
    expect(s).toMatchObject({ files: 1, read: 5, created: 5, rejected: 0, errors: [] });
    expect(s.byType.Observation).toMatchObject({ read: 1, created: 1 });
    const obs = sink.rows.get('Observation/5b0a2f0e-6f0c-4b6e-9a55-0f4a1c1f0a04');
    expect(obs?.subject).toEqual({ reference: 'Patient/5b0a2f0e-6f0c-4b6e-9a55-0f4a1c1f0a01' });
    expect(obs?.encounter).toEqual({ reference: 'Encounter/5b0a2f0e-6f0c-4b6e-9a55-0f4a1c1f0a03' });
    expect(sink.rows.get('Encounter/5b0a2f0e-6f0c-4b6e-9a55-0f4a1c1f0a03')?.serviceProvider).toEqual({
      reference: 'Organization/5b0a2f0e-6f0c-4b6e-9a55-0f4a1c1f0a02',
    });
    expect(sink.rows.get('Condition/cond-hf')).toBeDefined();
  });

  it('is idempotent: importing again changes nothing and makes no duplicates', async () => {
    await importPath(join(fixtures, 'transaction.json'), sink);
    const again = await importPath(join(fixtures, 'transaction.json'), sink);
    expect(again).toMatchObject({ read: 5, created: 0, unchanged: 5, rejected: 0 });
    expect(sink.rows.size).toBe(5);
  });

  it('writes nothing when one entry has a dangling reference, naming index, fullUrl and field', async () => {
    const doc = JSON.parse(readFileSync(join(fixtures, 'transaction.json'), 'utf8'));
    doc.entry[3].resource.subject.reference = 'urn:uuid:00000000-0000-0000-0000-000000000000';
    const s = await importPath(write('tx.json', JSON.stringify(doc)), sink);
    expect(sink.rows.size).toBe(0);
    expect(s).toMatchObject({ read: 5, created: 0, rejected: 5 });
    expect(s.errors[0]).toMatchObject({
      code: 'invalid',
      where: 'Bundle.entry[3]',
      entry: 'urn:uuid:5b0a2f0e-6f0c-4b6e-9a55-0f4a1c1f0a04',
      field: 'Observation.subject.reference',
    });
    expect(s.errors.at(-1)?.message).toMatch(/transaction rolled back/);
  });

  it('rolls back when the database refuses an entry', async () => {
    sink.failOn = 'Condition/cond-hf';
    const s = await importPath(join(fixtures, 'transaction.json'), sink);
    expect(sink.rows.size).toBe(0);
    expect(s.rejected).toBe(5);
    expect(s.errors[0]?.message).toMatch(/rolled back: database refused Condition\/cond-hf/);
  });

  it('refuses duplicate fullUrls and ids, and a PUT whose url disagrees with the id', async () => {
    const p = { resourceType: 'Patient', id: 'a' };
    const s = await importPath(
      write(
        'dup.json',
        bundle('transaction', [
          {
            fullUrl: 'urn:uuid:11111111-1111-1111-1111-111111111111',
            resource: { resourceType: 'Patient' },
            request: { method: 'POST', url: 'Patient' },
          },
          {
            fullUrl: 'urn:uuid:11111111-1111-1111-1111-111111111111',
            resource: { resourceType: 'Patient' },
            request: { method: 'POST', url: 'Patient' },
          },
          { resource: p, request: { method: 'PUT', url: 'Patient/a' } },
          { resource: p, request: { method: 'PUT', url: 'Patient/a' } },
          { resource: { resourceType: 'Patient', id: 'b' }, request: { method: 'PUT', url: 'Patient/c' } },
        ]),
      ),
      sink,
    );
    expect(sink.rows.size).toBe(0);
    expect(s.errors.filter((e) => e.code === 'conflict').map((e) => [e.where, e.field])).toEqual([
      ['Bundle.entry[1]', 'Bundle.entry.fullUrl'],
      ['Bundle.entry[3]', 'Patient.id'],
      ['Bundle.entry[4]', 'Patient.id'],
    ]);
  });
});

describe('batch and collection bundles', () => {
  it('writes the good entries and rejects the bad ones one by one', async () => {
    const s = await importPath(
      write(
        'batch.json',
        bundle('batch', [
          { resource: { resourceType: 'Patient', id: 'ok1' }, request: { method: 'PUT', url: 'Patient/ok1' } },
          {
            fullUrl: 'urn:uuid:22222222-2222-2222-2222-222222222222',
            resource: { resourceType: 'Patiënt', id: 'x' },
            request: { method: 'POST', url: 'Patiënt' },
          },
          { resource: { id: 'nope' } },
          { resource: { resourceType: 'Observation', id: 'bad id' } },
          {
            resource: {
              resourceType: 'Observation',
              id: 'ok2',
              status: 'final',
              code: { text: 'pulse' },
              subject: { reference: 'Patient/ok1' },
            },
          },
        ]),
      ),
      sink,
    );
    expect([...sink.rows.keys()].sort()).toEqual(['Observation/ok2', 'Patient/ok1']);
    expect(s).toMatchObject({ read: 5, created: 2, rejected: 3 });
    expect(s.errors.map((e) => [e.where, e.field])).toEqual([
      ['Bundle.entry[1]', 'resourceType'],
      ['Bundle.entry[2]', 'resourceType'],
      ['Bundle.entry[3]', 'Observation.id'],
    ]);
    expect(s.errors[0]?.entry).toBe('urn:uuid:22222222-2222-2222-2222-222222222222');
  });

  it('finds the failing entry when a batch write fails', async () => {
    sink.failOn = 'Patient/b';
    const entries = ['a', 'b', 'c'].map((id) => ({ resource: { resourceType: 'Patient', id } }));
    const s = await importPath(write('c.json', bundle('collection', entries)), sink);
    expect([...sink.rows.keys()].sort()).toEqual(['Patient/a', 'Patient/c']);
    expect(s.errors).toEqual([
      expect.objectContaining({ where: 'Bundle.entry[1]', entry: 'Patient/b', message: 'database refused Patient/b' }),
    ]);
  });

  it('reads a large bundle as a stream with the same result', async () => {
    const streamed = await importPath(join(fixtures, 'transaction.json'), sink, { streamBundleBytes: 0 });
    const whole = await importPath(join(fixtures, 'transaction.json'), new MemorySink());
    expect(streamed).toEqual(whole);
    const sink2 = new MemorySink();
    const entries = Array.from({ length: 12 }, (_, i) => ({
      fullUrl: `urn:uuid:00000000-0000-0000-0000-0000000000${String(i).padStart(2, '0')}`,
      resource: { resourceType: 'Patient' },
    }));
    const s = await importPath(write('big.json', bundle('collection', entries)), sink2, {
      streamBundleBytes: 0,
      batchSize: 5,
    });
    expect(s).toMatchObject({ read: 12, created: 12, rejected: 0 });
  });

  it('skips searchset outcome entries and imports a single resource file', async () => {
    const s = await importPath(
      write(
        'ss.json',
        bundle('searchset', [
          { resource: { resourceType: 'Patient', id: 's1' }, search: { mode: 'match' } },
          { resource: { resourceType: 'OperationOutcome', id: 'oo' }, search: { mode: 'outcome' } },
        ]),
      ),
      sink,
    );
    expect(s).toMatchObject({ read: 1, created: 1 });
    const one = await importPath(write('one.json', JSON.stringify({ resourceType: 'Patient', id: 'single' })), sink);
    expect(one).toMatchObject({ read: 1, created: 1 });
  });

  it('refuses bundles that are responses, and an unknown Bundle.type', async () => {
    const s = await importPath(write('r.json', bundle('batch-response', [])), sink);
    expect(s.errors[0]).toMatchObject({ code: 'unsupported', field: 'Bundle.type' });
    const t = await importPath(write('t.json', bundle('pile', [])), sink);
    expect(t.errors[0]).toMatchObject({ code: 'invalid', field: 'Bundle.type' });
  });
});

describe('NDJSON', () => {
  it('imports line by line, deriving an id from the identifier, idempotently', async () => {
    const s = await importPath(join(fixtures, 'patients.ndjson'), sink);
    expect(s).toMatchObject({ read: 3, created: 3, rejected: 0 });
    expect(sink.rows.size).toBe(3);
    const again = await importPath(join(fixtures, 'patients.ndjson'), sink);
    expect(again).toMatchObject({ read: 3, unchanged: 3 });
    expect(sink.rows.size).toBe(3);
  });

  it('reuses the id of a stored resource with the same identifier', async () => {
    sink.rows.set('Observation/existing', {
      resourceType: 'Observation',
      id: 'existing',
      identifier: [{ system: 'urn:lab', value: 'L-77' }],
    });
    await importPath(join(fixtures, 'patients.ndjson'), sink);
    expect(sink.rows.get('Observation/existing')?.status).toBe('final');
    expect(sink.rows.size).toBe(3);
  });

  it('rejects bad lines with their line and column, and keeps going', async () => {
    const lines = [
      '{"resourceType":"Patient","id":"n1"}',
      '{"resourceType":"Patient","id":"n2",}',
      '{"resourceType":"Patient"}',
      '{"resourceType":"Patient","id":"n1"}',
      '{"resourceType":"Observation","id":"o9","subject":{"reference":"urn:uuid:33333333-3333-3333-3333-333333333333"}}',
      '{"resourceType":"Patient","id":"n3"}',
    ];
    const s = await importPath(write('bad.ndjson', `${lines.join('\r\n')}\n`), sink);
    expect([...sink.rows.keys()].sort()).toEqual(['Patient/n1', 'Patient/n3']);
    expect(s).toMatchObject({ read: 6, created: 2, rejected: 4 });
    expect(s.errors.map((e) => [e.where, e.code, e.field])).toEqual([
      ['line 2', 'invalid', undefined],
      ['line 3', 'invalid', 'Patient.id'],
      ['line 4', 'conflict', 'Patient.id'],
      ['line 5', 'invalid', 'Observation.subject.reference'],
    ]);
    expect(s.errors[0]?.message).toMatch(/malformed JSON at line 2, column \d+/);
  });

  it('rejects a line over the size limit without reading it into memory', async () => {
    const big = `{"resourceType":"Patient","id":"big","text":"${'x'.repeat(5000)}"}`;
    const s = await importPath(write('big.ndjson', `${big}\n{"resourceType":"Patient","id":"small"}\n`), sink, {
      maxResourceBytes: 1000,
    });
    expect([...sink.rows.keys()]).toEqual(['Patient/small']);
    expect(s.errors[0]).toMatchObject({ code: 'too-large', where: 'line 1' });
  });

  it('rejects a line with invalid UTF-8, naming the byte', async () => {
    const bad = Buffer.concat([
      Buffer.from('{"resourceType":"Patient","id":"ok"}\n{"resourceType":"Patient","id":"u","gender":"'),
      Buffer.from([0xc3, 0x28]),
      Buffer.from('"}\n'),
    ]);
    const s = await importPath(write('u.ndjson', bad), sink);
    expect([...sink.rows.keys()]).toEqual(['Patient/ok']);
    expect(s.errors[0]).toMatchObject({ code: 'encoding', where: 'line 2' });
    expect(s.errors[0]?.message).toMatch(/invalid UTF-8 at byte 82 \(line 2\)/);
  });

  it('reads gzip-compressed NDJSON', async () => {
    const s = await importPath(write('p.ndjson.gz', gzipSync(readFileSync(join(fixtures, 'patients.ndjson')))), sink);
    expect(s).toMatchObject({ read: 3, created: 3 });
  });
});

describe('file checks', () => {
  it('names the line and column of malformed JSON and writes nothing', async () => {
    const s = await importPath(
      write('m.json', '{\n  "resourceType": "Bundle",\n  "type": "batch"\n  "entry": []\n}'),
      sink,
    );
    expect(s.errors[0]).toMatchObject({ code: 'invalid', where: 'file' });
    expect(s.errors[0]?.message).toMatch(/malformed JSON at line 4, column 3/);
    expect(s.rejected).toBe(1);
  });

  it('refuses UTF-16 and invalid UTF-8, and tolerates a UTF-8 byte-order mark', async () => {
    const text = JSON.stringify({ resourceType: 'Patient', id: 'bom' });
    const u16 = await importPath(
      write('u16.json', Buffer.concat([Buffer.from([0xff, 0xfe]), Buffer.from(text, 'utf16le')])),
      sink,
    );
    expect(u16.errors[0]).toMatchObject({ code: 'encoding' });
    expect(u16.errors[0]?.message).toMatch(/UTF-16/);
    const u16nobom = await importPath(write('u16b.json', Buffer.from(text, 'utf16le')), sink);
    expect(u16nobom.errors[0]?.code).toBe('encoding');
    const latin1 = await importPath(
      write('l1.json', Buffer.from('{"resourceType":"Patient","id":"l","name":[{"text":"José"}]}', 'latin1')),
      sink,
    );
    expect(latin1.errors[0]?.message).toMatch(/invalid UTF-8 at byte 55 \(line 1\)/);
    const bom = await importPath(
      write('bom.json', Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), Buffer.from(text)])),
      sink,
    );
    expect(bom).toMatchObject({ created: 1, rejected: 0 });
  });

  it('refuses content that is not FHIR JSON: XML, an array, binary, an empty file', async () => {
    const cases = {
      'x.json': '<Bundle xmlns="http://hl7.org/fhir"/>',
      'a.json': '[{"resourceType":"Patient"}]',
      'b.ndjson': '%PDF-1.4',
      'e.json': '  \n',
    };
    for (const [name, content] of Object.entries(cases)) {
      const s = await importPath(write(name, content), sink);
      expect(s.rejected, name).toBe(1);
      expect(s.errors[0]?.where, name).toBe('file');
    }
    expect((await importPath(join(dir, 'x.json'), sink)).errors[0]?.message).toMatch(/XML/);
    expect(sink.rows.size).toBe(0);
  });

  it('refuses a bundle over the size limit, and a resource over it inside a bundle', async () => {
    const s = await importPath(join(fixtures, 'transaction.json'), sink, { maxBundleBytes: 100 });
    expect(s.errors[0]).toMatchObject({ code: 'too-large', where: 'file' });
    const r = await importPath(join(fixtures, 'transaction.json'), sink, { maxResourceBytes: 400 });
    expect(sink.rows.size).toBe(0);
    expect(r.errors.some((e) => e.code === 'too-large' && e.where === 'Bundle.entry[3]')).toBe(true);
  });

  it('imports a directory tree, skipping files that are not JSON or NDJSON by name', async () => {
    mkdirSync(join(dir, 'sub'));
    write('sub/a.json', readFileSync(join(fixtures, 'transaction.json')));
    write('b.ndjson', readFileSync(join(fixtures, 'patients.ndjson')));
    write('README.md', '# not data');
    const progress: number[] = [];
    const s = await importPath(dir, sink, { onProgress: (p) => progress.push(p.bytesDone) });
    expect(s).toMatchObject({ files: 2, skippedFiles: 1, read: 8, created: 8 });
    expect(progress.at(-1)).toBe(progress.length > 0 ? Math.max(...progress) : undefined);
  });

  it('says so when the path does not exist', async () => {
    await expect(importPath(join(dir, 'missing'), sink)).rejects.toThrow(/no such file/);
  });
});
