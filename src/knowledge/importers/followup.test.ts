import { cpSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { describe, expect, it } from 'vitest';
import { forEachBackend } from '../../../test/support/backends.js';
import { ensureDemoRelease } from '../demo.js';
import { activeReleaseId, releaseWithBatch } from '../releases.js';
import { FOLLOWUP_RULE, FOLLOWUP_SOURCE_PREFIX, followupBatch, READING_RULE, readFollowUpData } from './followup.js';

const dataDir = new URL('../data/followup/', import.meta.url);

/** A copy of the data folder with `change` applied to one file. */
function edited(file: string, change: (json: { rules: Record<string, unknown>[] }) => void): URL {
  const dir = mkdtempSync(join(tmpdir(), 'followup-'));
  cpSync(dataDir, dir, { recursive: true });
  const json = JSON.parse(readFileSync(join(dir, file), 'utf8'));
  change(json);
  writeFileSync(join(dir, file), JSON.stringify(json));
  return pathToFileURL(`${dir}/`);
}

describe('the follow-up batch', () => {
  it('holds one relation per rule, the whole rule as attributes, sourced by the rule authority', () => {
    const data = readFollowUpData();
    const batch = followupBatch(data);
    expect(batch.kind).toBe('followup');
    const monitoring = batch.relations.filter((r) => r.type === FOLLOWUP_RULE);
    const readings = batch.relations.filter((r) => r.type === READING_RULE);
    expect(monitoring).toHaveLength(data.monitoring.length);
    expect(readings).toHaveLength(data.readings.length);
    for (const [i, rule] of data.monitoring.entries()) {
      const rel = monitoring.find((r) => r.attrs.id === rule.id)!;
      expect(rel.attrs).toEqual({ ...rule, position: i });
      expect(rel.sourceId).toBe(`${FOLLOWUP_SOURCE_PREFIX}${rule.source}`);
    }
    const inr = batch.sources.find((s) => s.id === 'followup:cn-warfarin-2013')!;
    expect(inr.document).toMatch(/华法林抗凝治疗的中国专家共识/);
    expect(batch.concepts.find((c) => c.id === 'followup-symptoms')!.attrs.symptoms).toEqual(data.symptoms);
    expect(followupBatch().contentHash).toBe(batch.contentHash);
  });

  it('refuses a rule naming an unknown source, or an id twice, naming the rule and field', () => {
    const unknown = edited('monitoring.json', (j) => {
      j.rules[0]!.source = 'nobody-2099';
    });
    expect(() => readFollowUpData(unknown)).toThrow(
      expect.objectContaining({
        location: expect.objectContaining({ field: 'source', where: expect.stringContaining('FU-INR-WARFARIN') }),
      }),
    );
    const twice = edited('readings.json', (j) => {
      j.rules[1]!.id = j.rules[0]!.id;
    });
    expect(() => readFollowUpData(twice)).toThrow(/duplicate id HR-WEIGHT-GAIN-HF/);
  });
});

forEachBackend('the demo release and the follow-up batch', (db) => {
  const kinds = async (release: number) =>
    (
      await db().query<{ kind: string }>(
        'select b.kind from kg_batch b join kg_release r on b.id = any(r.batch_ids) where r.id = $1',
        [release],
      )
    ).rows.map((r) => r.kind);

  it('a new demo release holds it; a demo release made before it gets it added as a new active release', async () => {
    const first = (await ensureDemoRelease(db()))!;
    expect(await kinds(first)).toContain('followup');
    // An older demo release: the same batches but the follow-up one.
    const ids = await db().query<{ id: number }>(
      `select b.id from kg_batch b join kg_release r on b.id = any(r.batch_ids)
       where r.id = $1 and b.kind <> 'followup' order by b.id`,
      [first],
    );
    const old = await releaseWithBatch(
      db(),
      ids.rows.map((r) => Number(r.id)),
      { base: null, activate: true, label: 'demo: before follow-up' },
    );
    expect(await kinds(old.releaseId)).not.toContain('followup');
    const added = await ensureDemoRelease(db());
    expect(added).toBeDefined();
    expect(added).not.toBe(old.releaseId);
    expect(await activeReleaseId(db())).toBe(added);
    expect(await kinds(added!)).toContain('followup');
    // Once current, nothing more is made.
    expect(await ensureDemoRelease(db())).toBeUndefined();
  }, 240_000);
});
