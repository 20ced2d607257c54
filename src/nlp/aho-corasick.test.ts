import { describe, expect, it } from 'vitest';
import { AhoCorasick, selectLongest } from './aho-corasick.js';
import { fold, isWordChar } from './fold.js';

/** Every occurrence of every pattern by brute force, with the automaton's word-boundary rule. */
function naive(patterns: readonly string[], text: string): string[] {
  const t = fold(text);
  const out: string[] = [];
  patterns.forEach((p, id) => {
    const f = fold(p);
    for (let i = t.indexOf(f); i >= 0; i = t.indexOf(f, i + 1)) {
      const end = i + f.length;
      if (isWordChar(f.charCodeAt(0)) && i > 0 && isWordChar(t.charCodeAt(i - 1))) continue;
      if (isWordChar(f.charCodeAt(f.length - 1)) && end < t.length && isWordChar(t.charCodeAt(end))) continue;
      out.push(`${i}-${end}:${id}`);
    }
  });
  return out.sort();
}

describe('AhoCorasick (compact)', () => {
  it('finds exactly the occurrences a brute-force search finds, on random patterns and texts', () => {
    let seed = 42;
    const rand = (n: number) => {
      seed = (Math.imul(seed, 1664525) + 1013904223) >>> 0;
      return seed % n;
    };
    const alphabet = ['a', 'b', 'A', ' ', '咳', '嗽', '胸', '闷', 'ａ'];
    const word = (max: number) => Array.from({ length: 1 + rand(max) }, () => alphabet[rand(alphabet.length)]).join('');
    for (let round = 0; round < 200; round++) {
      const patterns = Array.from({ length: 1 + rand(12) }, () => word(4)).filter((p) => p.trim() !== '');
      const text = word(40);
      const ac = new AhoCorasick<number>();
      for (const [i, p] of patterns.entries()) ac.add(p, i);
      const got = ac
        .findAll(text)
        .map((h) => `${h.start}-${h.end}:${h.value}`)
        .sort();
      expect(got, `${JSON.stringify(patterns)} in ${JSON.stringify(text)}`).toEqual(naive(patterns, text));
      expect(ac.countRaw(text)).toBeGreaterThanOrEqual(got.length);
      // collect: the same hits in the same order, as ids and end offsets (a small buffer, so that it grows)
      const buffer = { ids: new Int32Array(1), ends: new Int32Array(1), length: 0 };
      ac.collect(text, buffer);
      const collected = Array.from({ length: buffer.length }, (_, k) => {
        const id = buffer.ids[k]!;
        return `${buffer.ends[k]! - ac.lengthOf(id)}-${buffer.ends[k]}:${ac.valueOf(id)}`;
      });
      expect(collected).toEqual(ac.findAll(text).map((h) => `${h.start}-${h.end}:${h.value}`));
    }
  });

  it('keeps word boundaries for Latin terms and none for Chinese, and reports hits by end offset', () => {
    const ac = new AhoCorasick<string>();
    for (const p of ['no', 'know', '胸闷', '闷']) ac.add(p, p);
    expect(ac.findAll('I know no 胸闷').map((h) => h.value)).toEqual(['know', 'no', '胸闷', '闷']);
    expect(selectLongest(ac.findAll('胸闷')).map((h) => h.value)).toEqual(['胸闷']);
    // in order already or not, the same choice
    const hits = [
      { start: 0, end: 2 },
      { start: 3, end: 5 },
      { start: 3, end: 7 },
      { start: 6, end: 9 },
    ];
    expect(selectLongest(hits)).toEqual([hits[0], hits[2]]);
    expect(selectLongest([hits[0]!, hits[2]!, hits[3]!])).toEqual([hits[0], hits[2]]);
    expect(() => ac.add('x', 'x')).toThrow(/after build/);
  });

  it('builds a large automaton into a few typed arrays', () => {
    const ac = new AhoCorasick<number>();
    for (let i = 0; i < 20000; i++) ac.add(`术语${i.toString(36)}病`, i);
    ac.build();
    expect(ac.size).toBe(20000);
    expect(ac.findAll('诊断：术语zz病').map((h) => h.value)).toEqual([parseInt('zz', 36)]);
    expect(ac.states).toBeLessThan(20000 * 6);
  });
});
