import { readFileSync, writeFileSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { expect, it } from 'vitest';
import { forEachBackend } from '../../test/support/backends.js';
import { createResourceRepository, resourceSink } from '../store/index.js';
import { importPath } from './importer.js';

const fixtures = join(import.meta.dirname, '__fixtures__');
const patientId = '5b0a2f0e-6f0c-4b6e-9a55-0f4a1c1f0a01';

forEachBackend('import into the store', (db) => {
  it('imports a transaction bundle, searchable by patient and code, and re-imports as unchanged', async () => {
    const first = await importPath(join(fixtures, 'transaction.json'), resourceSink(db()));
    expect(first).toMatchObject({ created: 5, rejected: 0 });
    const repo = createResourceRepository(db());
    const k = await repo.search('Observation', { patient: patientId, codes: ['http://loinc.org|2823-3'] });
    expect(k.entries.map((e) => e.resource.subject)).toEqual([{ reference: `Patient/${patientId}` }]);
    expect((await repo.everything(patientId)).length).toBe(4);
    const again = await importPath(join(fixtures, 'transaction.json'), resourceSink(db()));
    expect(again).toMatchObject({ unchanged: 5, created: 0, updated: 0 });
    expect((await repo.history('Observation', '5b0a2f0e-6f0c-4b6e-9a55-0f4a1c1f0a04')).length).toBe(1);
  });

  it('leaves the store untouched when a transaction bundle is rejected', async () => {
    const doc = JSON.parse(readFileSync(join(fixtures, 'transaction.json'), 'utf8'));
    doc.entry[1].resource.name = 'changed';
    doc.entry[4].resource.subject.reference = 'urn:uuid:99999999-0000-0000-0000-000000000000';
    const file = join(mkdtempSync(join(tmpdir(), 'medseek-')), 'tx.json');
    writeFileSync(file, JSON.stringify(doc));
    const s = await importPath(file, resourceSink(db()));
    expect(s.rejected).toBe(5);
    const org = await createResourceRepository(db()).read('Organization', '5b0a2f0e-6f0c-4b6e-9a55-0f4a1c1f0a02');
    expect(org?.resource.name).toBe('示例医院');
  });

  it('makes one version per change when an NDJSON line is updated', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'medseek-'));
    writeFileSync(join(dir, 'a.ndjson'), '{"resourceType":"Patient","id":"v1","gender":"male"}\n');
    await importPath(join(dir, 'a.ndjson'), resourceSink(db()));
    writeFileSync(join(dir, 'a.ndjson'), '{"resourceType":"Patient","id":"v1","gender":"female"}\n');
    const s = await importPath(join(dir, 'a.ndjson'), resourceSink(db()));
    expect(s).toMatchObject({ updated: 1 });
    const read = await createResourceRepository(db()).read('Patient', 'v1');
    expect(read?.resource.meta?.versionId).toBe('2');
  });
});
