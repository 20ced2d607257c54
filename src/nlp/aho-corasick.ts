import { foldChar, isWordChar } from './fold.js';

/** One hit of a pattern in a text: `[start, end)` in UTF-16 code units. */
export interface Hit<T> {
  readonly start: number;
  readonly end: number;
  readonly value: T;
}

/**
 * Aho–Corasick automaton over folded UTF-16 code units (see fold.ts: case and full-width
 * insensitive, offsets unchanged). Patterns that begin or end with a Latin letter or digit only
 * match at word boundaries on that side, so `no` does not fire inside `know` while Chinese terms
 * match anywhere.
 */
export class AhoCorasick<T> {
  private readonly goto: Map<number, number>[] = [new Map()];
  private fail: Int32Array = new Int32Array(1);
  /** Pattern ids ending at each state (own pattern first), filled along failure links by build(). */
  private readonly outputs: number[][] = [[]];
  private readonly patterns: { length: number; value: T; boundaryStart: boolean; boundaryEnd: boolean }[] = [];
  private built = false;

  get size(): number {
    return this.patterns.length;
  }

  add(pattern: string, value: T): void {
    if (pattern.length === 0) return;
    if (this.built) throw new Error('AhoCorasick: add() after build()');
    let state = 0;
    for (let i = 0; i < pattern.length; i++) {
      const c = foldChar(pattern.charCodeAt(i));
      let next = this.goto[state]!.get(c);
      if (next === undefined) {
        next = this.goto.length;
        this.goto.push(new Map());
        this.outputs.push([]);
        this.goto[state]!.set(c, next);
      }
      state = next;
    }
    this.outputs[state]!.push(this.patterns.length);
    this.patterns.push({
      length: pattern.length,
      value,
      boundaryStart: isWordChar(foldChar(pattern.charCodeAt(0))),
      boundaryEnd: isWordChar(foldChar(pattern.charCodeAt(pattern.length - 1))),
    });
  }

  build(): this {
    const fail = new Int32Array(this.goto.length);
    const queue: number[] = [];
    for (const s of this.goto[0]!.values()) queue.push(s);
    for (let qi = 0; qi < queue.length; qi++) {
      const r = queue[qi]!;
      for (const [c, s] of this.goto[r]!) {
        queue.push(s);
        let f = fail[r]!;
        while (f > 0 && !this.goto[f]!.has(c)) f = fail[f]!;
        const g = this.goto[f]!.get(c);
        fail[s] = g !== undefined && g !== s ? g : 0;
        const inherited = this.outputs[fail[s]!]!;
        if (inherited.length > 0) this.outputs[s] = [...this.outputs[s]!, ...inherited];
      }
    }
    this.fail = fail;
    this.built = true;
    return this;
  }

  /** Every hit (overlapping), respecting word boundaries, in order of end offset. */
  findAll(text: string): Hit<T>[] {
    if (!this.built) this.build();
    const hits: Hit<T>[] = [];
    let state = 0;
    const n = text.length;
    for (let i = 0; i < n; i++) {
      const c = foldChar(text.charCodeAt(i));
      let next = this.goto[state]!.get(c);
      while (next === undefined && state > 0) {
        state = this.fail[state]!;
        next = this.goto[state]!.get(c);
      }
      state = next ?? 0;
      const out = this.outputs[state]!;
      for (let k = 0; k < out.length; k++) {
        const p = this.patterns[out[k]!]!;
        const start = i + 1 - p.length;
        if (p.boundaryStart && start > 0 && isWordChar(foldChar(text.charCodeAt(start - 1)))) continue;
        if (p.boundaryEnd && i + 1 < n && isWordChar(foldChar(text.charCodeAt(i + 1)))) continue;
        hits.push({ start, end: i + 1, value: p.value });
      }
    }
    return hits;
  }

  /** Leftmost-longest, non-overlapping hits, in text order. */
  longest(text: string): Hit<T>[] {
    return selectLongest(this.findAll(text));
  }

  /**
   * The floor for throughput comparisons: a plain scan that only counts raw pattern ends (no word
   * boundaries, no selection).
   */
  countRaw(text: string): number {
    if (!this.built) this.build();
    let state = 0;
    let count = 0;
    for (let i = 0; i < text.length; i++) {
      const c = foldChar(text.charCodeAt(i));
      let next = this.goto[state]!.get(c);
      while (next === undefined && state > 0) {
        state = this.fail[state]!;
        next = this.goto[state]!.get(c);
      }
      state = next ?? 0;
      count += this.outputs[state]!.length;
    }
    return count;
  }
}

/** Keeps the leftmost-longest hits that do not overlap an earlier choice. */
export function selectLongest<T extends { start: number; end: number }>(hits: readonly T[]): T[] {
  const sorted = [...hits].sort((a, b) => a.start - b.start || b.end - a.end);
  const chosen: T[] = [];
  let until = -1;
  for (const h of sorted) {
    if (h.start >= until) {
      chosen.push(h);
      until = h.end;
    }
  }
  return chosen;
}
