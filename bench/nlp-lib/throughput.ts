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
 * same lexicon (the floor), repeating the corpus until each side has used ≥ minSeconds of CPU.
 * Single-threaded: the figures are per core.
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
  const time = (fn: () => number) => {
    const w0 = process.cpuUsage();
    fn(); // warm up (lazy data loading, automata built on first use, JIT)
    const firstPass = cpuSince(w0);
    let rounds = 0;
    let total = 0;
    const c0 = process.cpuUsage();
    let seconds = 0;
    do {
      total += fn();
      rounds++;
      seconds = cpuSince(c0);
    } while (seconds < minSeconds);
    return { seconds: seconds / rounds, count: total / rounds, firstPass };
  };
  const ex = time(() => {
    let facts = 0;
    for (const n of notes) facts += extractFacts(n, { lang, lexicon }).facts.length;
    return facts;
  });
  const scan = time(() => {
    let hits = 0;
    for (const n of notes) hits += lexicon.scanCount(n);
    return hits;
  });
  const match = time(() => {
    let hits = 0;
    for (const n of notes) hits += lexicon.match(n).length;
    return hits;
  });
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
