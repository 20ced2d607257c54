import { describe, expect, it } from 'vitest';
import { canonicalJson } from './canonical.js';
import { demoBundlePaths } from './demo.js';
import { importPath } from './importer.js';
import type { FhirResource, IngestSink, WriteOutcome } from './types.js';

class CollectingSink implements IngestSink {
  readonly rows = new Map<string, FhirResource>();
  async write(resources: readonly FhirResource[]): Promise<WriteOutcome[]> {
    return resources.map((r) => {
      const key = `${r.resourceType}/${r.id}`;
      const prior = this.rows.get(key);
      this.rows.set(key, r);
      return !prior ? 'created' : canonicalJson(prior) === canonicalJson(r) ? 'unchanged' : 'updated';
    });
  }
}

describe('demo data', () => {
  const paths = demoBundlePaths();

  it('lists the Synthea bundles and the Chinese records', () => {
    expect(paths.filter((p) => p.includes('/synthea/'))).toHaveLength(5);
    expect(paths.filter((p) => p.includes('/zh/')).map((p) => p.split('/').at(-1))).toEqual([
      'zh-cap-pneumonia.json',
      'zh-hf-af-warfarin.json',
      'zh-t2dm-cyp2c19.json',
    ]);
  });

  it('imports every demo bundle without a rejection', async () => {
    const sink = new CollectingSink();
    for (const p of paths) {
      const s = await importPath(p, sink);
      expect(s.errors, p).toEqual([]);
    }
    const types = [...sink.rows.values()].map((r) => r.resourceType);
    expect(types.filter((t) => t === 'Patient')).toHaveLength(8);
  });

  it('carries Chinese notes as base64 UTF-8 text, and the critical potassium value', async () => {
    const sink = new CollectingSink();
    await importPath(paths.find((p) => p.endsWith('zh-hf-af-warfarin.json'))!, sink);
    const rows = [...sink.rows.values()];
    const notes = rows.filter((r) => r.resourceType === 'DocumentReference');
    const titles = notes.map((n) => (n.type as { text: string }).text);
    expect(new Set(titles)).toEqual(new Set(['入院记录', '病程记录', '出院记录']));
    const attachment = (notes[0]!.content as { attachment: { contentType: string; data: string } }[])[0]!.attachment;
    expect(attachment.contentType).toBe('text/plain; charset=utf-8');
    expect(Buffer.from(attachment.data, 'base64').toString('utf8')).toMatch(/^入院记录/);
    const potassium = rows.filter(
      (r) => r.resourceType === 'Observation' && JSON.stringify(r.code).includes('"2823-3"'),
    );
    expect(potassium.map((o) => (o.valueQuantity as { value: number }).value)).toContain(6.5);
    const patient = rows.find((r) => r.resourceType === 'Patient')!;
    for (const o of potassium) expect(o.subject).toEqual({ reference: `Patient/${patient.id}` });
  });
});
