import * as fs from 'node:fs';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { EntityTagger } from '../../src/nlp/index.js';
import cmeee from '../cmeee.js';

// node:fs is wrapped so the test can see which files are read, and when (vitest hoists this).
vi.mock('node:fs', async (importOriginal) => {
  const actual = await importOriginal<typeof import('node:fs')>();
  return { ...actual, readFileSync: vi.fn(actual.readFileSync) };
});

// fixtures/cmeee-*.json: synthetic sentences written for these tests (a few templates × small word
// lists, CMeEE's format and types), not taken from CMeEE; no sentence of the test file is in the
// training file. cmeee-train.json has four passages (headings at sentences 0, 20, 35, 60).
const fixture = (name: string) => fileURLToPath(new URL(`./fixtures/${name}`, import.meta.url));
const trainFile = fixture('cmeee-train.json');
const testFile = fixture('cmeee-test.json');

type Row = { text: string; entities: { start_idx: number; end_idx: number; type: string; entity: string }[] };

/** Writes rows to a fresh temporary CMeEE file. */
function tempCmeee(rows: Row[]): string {
  const path = join(mkdtempSync(join(tmpdir(), 'cmeee-')), 'data.json');
  writeFileSync(path, JSON.stringify(rows));
  return path;
}

const run = (data: string, args: Record<string, string>, train?: string) =>
  cmeee.run({ data, ...(train ? { train } : {}), args, log: () => {} });

afterEach(() => vi.restoreAllMocks());

describe('--train FILE --data FILE', () => {
  it('scores the held-out file well with its true labels, and at chance with its types shuffled', async () => {
    const rows = JSON.parse(readFileSync(testFile, 'utf8')) as Row[];
    const truth = await run(testFile, { epochs: '5' }, trainFile);
    expect(truth.evaluation).toMatchObject({ mode: 'train-test', train: trainFile, data: testFile });
    expect(truth.f1).toBeGreaterThan(0.8);
    // the same spans with their types permuted among all mentions (a fixed derangement):
    // a model that learned from the training file can only agree by chance
    const types = rows.flatMap((r) => r.entities.map((e) => e.type));
    const rotated = types.map((_, i) => types[(i + 7) % types.length]!);
    let k = 0;
    const shuffled = rows.map((r) => ({ ...r, entities: r.entities.map((e) => ({ ...e, type: rotated[k++]! })) }));
    const counts = new Map<string, number>();
    for (const t of types) counts.set(t, (counts.get(t) ?? 0) + 1);
    const chance = [...counts.values()].reduce((a, c) => a + (c / types.length) ** 2, 0);
    const result = await run(tempCmeee(shuffled), { epochs: '5' }, trainFile);
    expect(result.f1).toBeLessThan((truth.f1 as number) * chance + 0.1);
    expect(result.f1).toBeGreaterThan((truth.f1 as number) * chance - 0.1);
  });

  it('trains on the training file alone and reads the scored file only after training', async () => {
    const events: string[] = [];
    const realTrain = EntityTagger.train.bind(EntityTagger);
    vi.spyOn(EntityTagger, 'train').mockImplementation((examples, options) => {
      events.push(`train ${examples.map((e) => e.text).join('|')}`);
      return realTrain(examples, options);
    });
    const read = vi.mocked(fs.readFileSync);
    read.mockClear();
    await run(testFile, { epochs: '2' }, trainFile);
    const reads = read.mock.invocationCallOrder.map((order, i) => ({ order, path: String(read.mock.calls[i]![0]) }));
    const testRead = reads.find((r) => r.path === testFile);
    expect(testRead).toBeDefined();
    const trainCalls = vi.mocked(EntityTagger.train).mock.invocationCallOrder;
    expect(trainCalls.length).toBeGreaterThan(0);
    expect(Math.max(...trainCalls)).toBeLessThan(testRead!.order);
    // and no text of the scored file was among the training examples
    const testTexts = (JSON.parse(readFileSync(testFile, 'utf8')) as Row[]).map((r) => r.text);
    const trained = new Set(events.flatMap((e) => e.slice(6).split('|')));
    expect(testTexts.filter((t) => trained.has(t))).toEqual([]);
  });

  it('refuses the same file twice, error listings of held-out data, and --half', async () => {
    await expect(run(testFile, {}, testFile)).rejects.toThrow(/same file/);
    await expect(run(testFile, { errors: 'dev' }, trainFile)).rejects.toThrow(/--errors is refused with --train/);
    await expect(run(testFile, { half: 'dev' }, trainFile)).rejects.toThrow(/--half/);
  });
});

describe('cross-validation', () => {
  it('reports both halves, f1 being the report half, with seen-mention shares', async () => {
    const r = await run(trainFile, { epochs: '2' });
    expect(r.evaluation).toMatchObject({ mode: 'cross-validation' });
    const dev = r.devHalf as unknown as Record<string, number>;
    const report = r.reportHalf as unknown as Record<string, number>;
    for (const h of [dev, report]) {
      expect(h).toEqual(
        expect.objectContaining({ f1: expect.any(Number), precision: expect.any(Number), recall: expect.any(Number) }),
      );
      expect(h.seenMentionShare).toBeGreaterThan(0);
      expect(h.seenMentionShare).toBeLessThanOrEqual(1);
    }
    expect(r.f1).toBe(report.f1);
  });

  it("refuses to print the report half's errors", async () => {
    await expect(run(trainFile, { errors: 'report' })).rejects.toThrow(/report half is scored, never studied/);
  });

  it("prints the development half's errors only", async () => {
    const lines: string[] = [];
    await cmeee.run({ data: trainFile, args: { epochs: '1', errors: 'dev', half: 'dev' }, log: (l) => lines.push(l) });
    const ids = lines.filter((l) => l.startsWith('[sentence ')).map((l) => Number(/\[sentence (\d+)\]/.exec(l)![1]));
    expect(ids.length).toBeGreaterThan(0);
    // the fixture's 80 sentences in 4 passages (0, 20, 35, 60) → blocks ⌊start·10/80⌋ = 0, 2, 4, 7;
    // the development half is the even blocks: sentences 0–59
    expect(ids.every((i) => i < 60)).toBe(true);
  });
});
