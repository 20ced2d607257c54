import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { sharedData } from '../lib/harness.js';
import { readCcks, readCmeee } from './ccks.js';
import { ccksPlacement, cmeeePlacements, passageOf } from './splits.js';

const fixture = fileURLToPath(new URL('./fixtures/cmeee-train.json', import.meta.url));
const sharedCmeee = sharedData('cblue', 'CMeEE', 'CMeEE_dev_part1.json');
const sharedCcks = sharedData('emr-ccks2017-ner', 'ccks2017_emr_records.jsonl');

/** Each passage's sentences are consecutive and all in one fold (and so in one half). */
function expectWholePassages(texts: readonly { text: string }[]) {
  const placed = cmeeePlacements(texts);
  const foldOf = new Map<number, Set<number>>();
  placed.forEach((p, i) => {
    foldOf.set(p.passage, (foldOf.get(p.passage) ?? new Set()).add(p.fold));
    if (i > 0) expect(p.fold).toBeGreaterThanOrEqual(placed[i - 1]!.fold); // contiguous blocks
    expect(p.half).toBe(p.fold % 2 === 0 ? 'dev' : 'report');
  });
  for (const folds of foldOf.values()) expect(folds.size).toBe(1);
  return placed;
}

describe('CMeEE passage blocks', () => {
  it('starts a passage at first-level headings only', () => {
    const starts = passageOf([
      { text: '甲。' },
      { text: '（一）乙。' },
      { text: '【诊断】丙。' },
      { text: '二、丁。' },
      { text: '戊。' },
      { text: '第三节己。' },
    ]);
    expect(starts).toEqual([0, 0, 0, 3, 3, 5]);
  });

  it('never splits a passage between two folds (fixture)', () => {
    const placed = expectWholePassages(readCmeee(fixture));
    expect([...new Set(placed.map((p) => p.fold))]).toEqual([0, 2, 4, 7]);
  });

  it.runIf(existsSync(sharedCmeee))('never splits a passage between two folds (the shared CMeEE file)', () => {
    const placed = expectWholePassages(readCmeee(sharedCmeee));
    const dev = placed.filter((p) => p.half === 'dev').length;
    expect(dev / placed.length).toBeGreaterThan(0.35);
    expect(dev / placed.length).toBeLessThan(0.65);
  });
});

describe('CCKS record split', () => {
  it('keeps a record in one fold; odd records are the development half', () => {
    expect(ccksPlacement(13)).toEqual({ fold: 3, half: 'dev' });
    expect(ccksPlacement(20)).toEqual({ fold: 0, half: 'report' });
    expect(() => ccksPlacement(-1)).toThrow(/record id/);
  });

  it.runIf(existsSync(sharedCcks))('puts all sections of a shared record on one side', () => {
    const byRecord = new Map<number, Set<string>>();
    for (const t of readCcks(sharedCcks)) {
      const p = ccksPlacement(t.record);
      byRecord.set(t.record, (byRecord.get(t.record) ?? new Set()).add(`${p.fold}/${p.half}`));
    }
    for (const s of byRecord.values()) expect(s.size).toBe(1);
  });
});
