import { extractFacts, type Lexicon } from '../../src/nlp/index.js';

export interface Throughput {
  notes: number;
  megabytes: number;
  facts: number;
  /** firstPassSeconds: the warm-up pass, with what is built on first use (a lexicon's scan automaton, JIT). */
  extract: { seconds: number; mbPerSecond: number; notesPerSecond: number; firstPassSeconds: number };
  /** The floor: the lexicon's automaton over the text, counting raw hits (no boundaries, no selection, no allocation). */
  ahoCorasickScan: { seconds: number; mbPerSecond: number; notesPerSecond: number; hits: number };
  /** A plain dictionary tagger: the same automaton returning leftmost-longest matches with word boundaries. */
  ahoCorasickMatch: { seconds: number; mbPerSecond: number; notesPerSecond: number; matches: number };
  ratioToScan: number;
  ratioToMatch: number;
}

/**
 * Times extractFacts over the notes against a plain Aho–Corasick scan of the same notes with the
 * same lexicon (the floor), until each side has used ≥ minSeconds of CPU. Single-threaded: the
 * figures are per core. The three sides run in turns, in blocks of a quarter second, and each side's
 * time per pass is the median over its blocks: on a shared machine the load changes within seconds,
 * and timing one side after the other put such a change into the ratio (the same code read 0.14 to
 * 0.23 of the scan from run to run); in turns, a spell of load falls on every side alike, and the
 * median leaves out the blocks a spike hit.
 */
export function measureThroughput(
  notes: readonly string[],
  lexicon: Lexicon,
  lang: 'zh' | 'en',
  minSeconds = 2,
): Throughput {
  const bytes = notes.reduce((a, n) => a + Buffer.byteLength(n, 'utf8'), 0);
  // CPU time of this process (user + system), not wall time: the figure is per core and does
  // not depend on what else the machine is running.
  const cpuSince = (c0: NodeJS.CpuUsage) => {
    const c = process.cpuUsage(c0);
    return (c.user + c.system) / 1e6;
  };
  const sides = [
    () => {
      let facts = 0;
      for (const n of notes) facts += extractFacts(n, { lang, lexicon }).facts.length;
      return facts;
    },
    () => {
      let hits = 0;
      for (const n of notes) hits += lexicon.scanCount(n);
      return hits;
    },
    () => {
      let hits = 0;
      for (const n of notes) hits += lexicon.match(n).length;
      return hits;
    },
  ].map((fn) => {
    const w0 = process.cpuUsage();
    const count = fn(); // warm up (lazy data loading, automata built on first use, JIT)
    return { fn, count, firstPass: cpuSince(w0), total: 0, blocks: [] as number[] };
  });
  const block = Math.min(0.25, minSeconds / 4);
  while (sides.some((s) => s.total < minSeconds))
    for (const side of sides) {
      let rounds = 0;
      const c0 = process.cpuUsage();
      let seconds = 0;
      do {
        side.fn();
        rounds++;
        seconds = cpuSince(c0);
      } while (seconds < block);
      side.total += seconds;
      side.blocks.push(seconds / rounds);
    }
  const [ex, scan, match] = sides.map((s) => ({ seconds: median(s.blocks), count: s.count, firstPass: s.firstPass }));
  if (!ex || !scan || !match) throw new Error('measureThroughput: no blocks timed');
  const mb = bytes / 1e6;
  return {
    notes: notes.length,
    megabytes: Math.round(mb * 1000) / 1000,
    facts: Math.round(ex.count),
    extract: {
      seconds: ex.seconds,
      mbPerSecond: mb / ex.seconds,
      notesPerSecond: notes.length / ex.seconds,
      firstPassSeconds: ex.firstPass,
    },
    ahoCorasickScan: {
      seconds: scan.seconds,
      mbPerSecond: mb / scan.seconds,
      notesPerSecond: notes.length / scan.seconds,
      hits: Math.round(scan.count),
    },
    ahoCorasickMatch: {
      seconds: match.seconds,
      mbPerSecond: mb / match.seconds,
      notesPerSecond: notes.length / match.seconds,
      matches: Math.round(match.count),
    },
    ratioToScan: scan.seconds / ex.seconds,
    ratioToMatch: match.seconds / ex.seconds,
  };
}

function median(xs: readonly number[]): number {
  const sorted = [...xs].sort((a, b) => a - b);
  const mid = sorted.length >> 1;
  return sorted.length % 2 === 1 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2;
}
