import { describe, expect, it } from 'vitest';
import { selectLongest } from './aho-corasick.js';
import { builtinLexicon } from './builtin-lexicon.js';
import { scanCore, scanNote } from './scanner.js';

/** selectLongest as first written: a stable sort by start (longer first), then the leftmost-longest walk. */
function reference<T extends { start: number; end: number }>(hits: readonly T[]): T[] {
  const sorted = [...hits].sort((a, b) => a.start - b.start || b.end - a.end);
  const out: T[] = [];
  let until = -1;
  for (const h of sorted)
    if (h.start >= until) {
      out.push(h);
      until = h.end;
    }
  return out;
}

describe('selectLongest', () => {
  it('chooses what a stable sort and a walk choose, in scan order, shuffled and reversed', () => {
    let seed = 7;
    const rand = (n: number) => {
      seed = (Math.imul(seed, 1664525) + 1013904223) >>> 0;
      return seed % n;
    };
    for (let round = 0; round < 300; round++) {
      const n = rand(40);
      const hits = Array.from({ length: n }, (_, id) => {
        const start = rand(60);
        return { start, end: start + 1 + rand(6), id };
      });
      const byEnd = [...hits].sort((a, b) => a.end - b.end || a.id - b.id);
      for (const order of [byEnd, hits, [...byEnd].reverse()]) expect(selectLongest(order)).toEqual(reference(order));
    }
  });
});

describe('scanCore: the one-character stops left to a character test', () => {
  it('leaves out the comma and colon stops that scanNote puts back in order', () => {
    const text = '否认高血压，糖尿病史：无发热，咳嗽3天；no fever, chills: denies cough; pain';
    for (const lang of ['zh', 'en'] as const) {
      const core = scanCore(text, builtinLexicon(), lang);
      const full = scanNote(text, builtinLexicon(), lang);
      expect(core.triggers.every((t) => t.end - t.start > 1 || !/[,，:：;；]/.test(text[t.start]!))).toBe(true);
      expect(full.triggers.length).toBeGreaterThan(core.triggers.length);
      const key = (t: { start: number; end: number; rule: { trigger: string } }) =>
        `${t.start}-${t.end}:${t.rule.trigger}`;
      const kept = new Set(core.triggers.map(key));
      const added = full.triggers.filter((t) => !kept.has(key(t)));
      expect(added.length + core.triggers.length).toBe(full.triggers.length);
      expect(added.every((t) => t.end - t.start === 1 && /[,，:：;；]/.test(text[t.start]!))).toBe(true);
    }
  });
});
