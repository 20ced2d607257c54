import { fold, foldChar, isWordChar } from './fold.js';

/** One hit of a pattern in a text: `[start, end)` in UTF-16 code units. */
export interface Hit<T> {
  readonly start: number;
  readonly end: number;
  readonly value: T;
}

const NONE = -1;

/**
 * Aho–Corasick automaton over folded UTF-16 code units (see fold.ts: case and full-width
 * insensitive, offsets unchanged). Patterns that begin or end with a Latin letter or digit only
 * match at word boundaries on that side, so `no` does not fire inside `know` while Chinese terms
 * match anywhere.
 *
 * Compact: build() turns the trie into flat typed arrays (each state's edges sorted by code unit,
 * a direct table for the root's 65,536 code units, failure and dictionary-suffix links), so a
 * release lexicon of tens of thousands of terms builds in well under a second and takes a few
 * megabytes rather than one Map per state.
 */
export class AhoCorasick<T> {
  private readonly folded: string[] = [];
  private readonly values: T[] = [];
  private boundaryStart = new Uint8Array(0);
  private lengths = new Int32Array(0);
  // the automaton (after build)
  private rootNext = new Int32Array(0);
  private edgeStart = new Int32Array(1);
  private edgeChar = new Uint16Array(0);
  private edgeTarget = new Int32Array(0);
  private fail = new Int32Array(1);
  /** First pattern ending exactly at a state, and the next pattern with the same state. */
  private firstOut = new Int32Array(1).fill(NONE);
  private nextOut = new Int32Array(0);
  /** Nearest state along the failure chain with patterns of its own (NONE: none). */
  private dictLink = new Int32Array(1).fill(NONE);
  private built = false;

  get size(): number {
    return this.values.length;
  }

  /** Number of trie states once built (a measure of the automaton's size). */
  get states(): number {
    return this.fail.length;
  }

  add(pattern: string, value: T): void {
    if (pattern.length === 0) return;
    if (this.built) throw new Error('AhoCorasick: add() after build()');
    this.folded.push(fold(pattern));
    this.values.push(value);
  }

  build(): this {
    if (this.built) return this;
    const n = this.folded.length;
    this.lengths = Int32Array.from(this.folded, (p) => p.length);
    this.boundaryStart = Uint8Array.from(this.folded, (p) => (isWordChar(p.charCodeAt(0)) ? 1 : 0));
    // The trie from the distinct patterns in code-unit order (the native sort): each state's
    // children appear in order of their code unit, and a pattern shares its prefix with the one before.
    const ids = new Map<string, number[]>();
    for (let id = 0; id < n; id++) {
      const same = ids.get(this.folded[id]!);
      if (same) same.push(id);
      else ids.set(this.folded[id]!, [id]);
    }
    const sorted = [...ids.keys()].sort();
    const parents: number[] = [];
    const chars: number[] = [];
    const path: number[] = [0]; // states along the previous pattern
    let prev = '';
    const endState = new Int32Array(n);
    let states = 1;
    for (const p of sorted) {
      let common = 0;
      const max = Math.min(p.length, prev.length);
      while (common < max && p.charCodeAt(common) === prev.charCodeAt(common)) common++;
      path.length = common + 1;
      for (let i = common; i < p.length; i++) {
        parents.push(path[i]!);
        chars.push(p.charCodeAt(i));
        path.push(states++);
      }
      for (const id of ids.get(p)!) endState[id] = path[p.length]!;
      prev = p;
    }
    // edges grouped by parent (counting sort keeps each parent's children in code-unit order)
    const edgeStart = new Int32Array(states + 1);
    for (let s = 1; s < states; s++) edgeStart[parents[s - 1]! + 1]!++;
    for (let s = 0; s < states; s++) edgeStart[s + 1]! += edgeStart[s]!;
    const fill = edgeStart.slice(0, states);
    const edgeChar = new Uint16Array(states - 1);
    const edgeTarget = new Int32Array(states - 1);
    for (let s = 1; s < states; s++) {
      const k = fill[parents[s - 1]!]!++;
      edgeChar[k] = chars[s - 1]!;
      edgeTarget[k] = s;
    }
    this.edgeStart = edgeStart;
    this.edgeChar = edgeChar;
    this.edgeTarget = edgeTarget;
    this.rootNext = new Int32Array(65536).fill(NONE);
    for (let k = edgeStart[0]!; k < edgeStart[1]!; k++) this.rootNext[edgeChar[k]!] = edgeTarget[k]!;
    // outputs: patterns ending at each state, in the order they were added
    const firstOut = new Int32Array(states).fill(NONE);
    const nextOut = new Int32Array(n).fill(NONE);
    const lastOut = new Int32Array(states).fill(NONE);
    for (let id = 0; id < n; id++) {
      const s = endState[id]!;
      if (lastOut[s] === NONE) firstOut[s] = id;
      else nextOut[lastOut[s]!] = id;
      lastOut[s] = id;
    }
    // failure and dictionary-suffix links, breadth first
    const fail = new Int32Array(states);
    const dictLink = new Int32Array(states).fill(NONE);
    const queue = new Int32Array(states);
    let head = 0;
    let tail = 0;
    for (let k = edgeStart[0]!; k < edgeStart[1]!; k++) queue[tail++] = edgeTarget[k]!;
    while (head < tail) {
      const r = queue[head++]!;
      for (let k = edgeStart[r]!; k < edgeStart[r + 1]!; k++) {
        const s = edgeTarget[k]!;
        const c = edgeChar[k]!;
        queue[tail++] = s;
        let f = fail[r]!;
        let g = this.step(f, c);
        while (g === NONE && f > 0) {
          f = fail[f]!;
          g = this.step(f, c);
        }
        const fs = g !== NONE && g !== s ? g : 0;
        fail[s] = fs;
        dictLink[s] = firstOut[fs] !== NONE ? fs : dictLink[fs]!;
      }
    }
    this.fail = fail;
    this.firstOut = firstOut;
    this.nextOut = nextOut;
    this.dictLink = dictLink;
    this.built = true;
    return this;
  }

  /** The goto function: the state after `c` from `state`, or NONE. */
  private step(state: number, c: number): number {
    if (state === 0) return this.rootNext[c]!;
    let lo = this.edgeStart[state]!;
    let hi = this.edgeStart[state + 1]!;
    const chars = this.edgeChar;
    if (hi - lo <= 8) {
      for (; lo < hi; lo++) if (chars[lo] === c) return this.edgeTarget[lo]!;
      return NONE;
    }
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      const x = chars[mid]!;
      if (x === c) return this.edgeTarget[mid]!;
      if (x < c) lo = mid + 1;
      else hi = mid;
    }
    return NONE;
  }

  /** The next state on folded code unit `c`. */
  private next(state: number, c: number): number {
    let next = this.step(state, c);
    while (next === NONE && state > 0) {
      state = this.fail[state]!;
      next = this.step(state, c);
    }
    return next === NONE ? 0 : next;
  }

  /** Calls `hit(start, end, value)` for every hit (overlapping), respecting word boundaries, by end offset. */
  forEachHit(text: string, hit: (start: number, end: number, value: T) => void): void {
    // A buffer of its own per call (`hit` may scan again with this automaton), taken from a pool and given back
    const out = spareBuffers.pop() ?? hitBuffer(64);
    try {
      this.collect(text, out);
      for (let k = 0; k < out.length; k++) {
        const p = out.ids[k]!;
        const end = out.ends[k]!;
        hit(end - this.lengths[p]!, end, this.values[p]!);
      }
    } finally {
      spareBuffers.push(out);
    }
  }

  /**
   * Every hit (overlapping), respecting word boundaries, by end offset, written into `out` as pattern ids and end
   * offsets: one loop with no call per hit, for the note scan.
   */
  collect(text: string, out: HitBuffer): void {
    if (!this.built) this.build();
    const { firstOut, nextOut, dictLink, lengths, boundaryStart, rootNext, edgeStart, edgeChar, edgeTarget, fail } =
      this;
    let ids = out.ids;
    let ends = out.ends;
    let count = 0;
    let state = 0;
    const n = text.length;
    let c = n > 0 ? foldChar(text.charCodeAt(0)) : 0;
    let word = n > 0 && isWordChar(c);
    for (let i = 0; i < n; i++) {
      // next(state, c), written out: this loop is the note scan's whole cost
      for (;;) {
        if (state === 0) {
          state = rootNext[c]!;
          if (state === NONE) state = 0;
          break;
        }
        let lo = edgeStart[state]!;
        let hi = edgeStart[state + 1]!;
        let to = NONE;
        if (hi - lo <= 8) {
          for (; lo < hi; lo++)
            if (edgeChar[lo] === c) {
              to = edgeTarget[lo]!;
              break;
            }
        } else
          while (lo < hi) {
            const mid = (lo + hi) >> 1;
            const x = edgeChar[mid]!;
            if (x === c) {
              to = edgeTarget[mid]!;
              break;
            }
            if (x < c) lo = mid + 1;
            else hi = mid;
          }
        if (to !== NONE) {
          state = to;
          break;
        }
        state = fail[state]!;
      }
      const wordHere = word;
      if (i + 1 < n) {
        c = foldChar(text.charCodeAt(i + 1));
        word = isWordChar(c);
      } else word = false;
      if (wordHere && word) continue;
      for (let s = firstOut[state] !== NONE ? state : dictLink[state]!; s !== NONE; s = dictLink[s]!) {
        for (let p = firstOut[s]!; p !== NONE; p = nextOut[p]!) {
          const start = i + 1 - lengths[p]!;
          if (boundaryStart[p] && start > 0 && isWordChar(foldChar(text.charCodeAt(start - 1)))) continue;
          if (count === ids.length) {
            ids = grow(ids);
            ends = grow(ends);
            out.ids = ids;
            out.ends = ends;
          }
          ids[count] = p;
          ends[count++] = i + 1;
        }
      }
    }
    out.length = count;
  }

  /** The length of pattern `id` (collect's hits start at their end less this). */
  lengthOf(id: number): number {
    return this.lengths[id]!;
  }

  /** The value of pattern `id`. */
  valueOf(id: number): T {
    return this.values[id]!;
  }

  /** Every hit (overlapping), respecting word boundaries, in order of end offset. */
  findAll(text: string): Hit<T>[] {
    const hits: Hit<T>[] = [];
    this.forEachHit(text, (start, end, value) => hits.push({ start, end, value }));
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
      state = this.next(state, foldChar(text.charCodeAt(i)));
      for (let s = this.firstOut[state] !== NONE ? state : this.dictLink[state]!; s !== NONE; s = this.dictLink[s]!)
        for (let p = this.firstOut[s]!; p !== NONE; p = this.nextOut[p]!) count++;
    }
    return count;
  }
}

/** Hits written by AhoCorasick.collect: `length` of them, by pattern id and end offset (reused from scan to scan). */
export interface HitBuffer {
  ids: Int32Array;
  ends: Int32Array;
  length: number;
}

export function hitBuffer(capacity = 1024): HitBuffer {
  return { ids: new Int32Array(capacity), ends: new Int32Array(capacity), length: 0 };
}

/** Buffers forEachHit has finished with (one per level of nesting at most). */
const spareBuffers: HitBuffer[] = [];

function grow(a: Int32Array): Int32Array {
  const b = new Int32Array(a.length * 2);
  b.set(a);
  return b;
}

/** Keeps the leftmost-longest hits that do not overlap an earlier choice. */
export function selectLongest<T extends { start: number; end: number }>(hits: readonly T[]): T[] {
  // hits come in order of end offset, which is most often the order wanted (none overlapping): sort only
  // when it is not (the sort is stable, so an already ordered list would come back as it is)
  let ordered = true;
  for (let k = 1; k < hits.length; k++) {
    const a = hits[k - 1]!;
    const b = hits[k]!;
    if (a.start > b.start || (a.start === b.start && a.end < b.end)) {
      ordered = false;
      break;
    }
  }
  const sorted = ordered ? hits : sortByStart(hits);
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

/**
 * The hits by start, the longer first at one start, keeping the order of equal ones (what a stable sort gives):
 * an insertion sort, as the hits come almost in order (by end offset, overlapping ones a little out of it).
 */
export function sortByStart<T extends { start: number; end: number }>(hits: readonly T[]): T[] {
  const out = hits.slice();
  // far out of order (not from a scan): the library sort, stable too
  let budget = 8 * out.length + 64;
  for (let i = 1; i < out.length; i++) {
    const h = out[i]!;
    let j = i - 1;
    while (j >= 0 && (out[j]!.start > h.start || (out[j]!.start === h.start && out[j]!.end < h.end))) {
      out[j + 1] = out[j]!;
      j--;
      if (--budget < 0) return [...hits].sort((a, b) => a.start - b.start || b.end - a.end);
    }
    out[j + 1] = h;
  }
  return out;
}
