import type { Network } from '../reasoning/index.js';
import { infer, resolveCase } from '../reasoning/index.js';
import type { ConfirmedCase } from './sufficient-stats.js';

/**
 * How well a network ranks and how well its probabilities are calibrated on confirmed cases.
 *
 * GTPA@k as bench ddxplus computes it (Fansi Tchango et al. 2022): the confirmed diagnosis among the k
 * diseases of highest posterior. The probability judged for calibration is the top-1 disease's share of
 * the normalised posterior marginals (as bench ddxplus normalises them for its differential); Brier score
 * = mean (p − correct)² of that top-1 probability (Brier 1950), and a reliability curve: cases binned by
 * p, mean p against the share correct in each bin, with the expected calibration error (ECE: the
 * case-weighted mean |accuracy − confidence| over bins; Guo et al. 2017).
 */
export interface CalibrationBin {
  readonly from: number;
  readonly to: number;
  readonly n: number;
  readonly meanConfidence: number;
  readonly accuracy: number;
}

export interface Calibration {
  readonly n: number;
  readonly brier: number;
  readonly ece: number;
  readonly bins: readonly CalibrationBin[];
}

export interface Evaluation extends Calibration {
  /** Percent. */
  readonly gtpa1: number;
  readonly gtpa3: number;
  readonly gtpa5: number;
  /** Confirmed diagnoses that the network does not know (scored as misses). */
  readonly unknownDiagnoses: number;
  /** Per department, where cases carry one. */
  readonly byDepartment?: Readonly<Record<string, Calibration & { readonly gtpa1: number }>>;
}

export interface Scored {
  /** Rank of the confirmed diagnosis (0 = top), −1 when the network does not know it. */
  readonly rank: number;
  readonly confidence: number;
  readonly department?: string;
}

/** Ranks one case; the posterior is normalised over the network's diseases. */
export function scoreCase(net: Network, c: ConfirmedCase): Scored {
  const post = infer(net, resolveCase(net, c.input)).posterior;
  const order = [...post.keys()].sort((a, b) => post[b]! - post[a]!);
  const total = post.reduce((a, b) => a + b, 0);
  const gold = net.diseaseIndex.get(c.diagnosis);
  return {
    rank: gold === undefined ? -1 : order.indexOf(gold),
    confidence: total > 0 ? post[order[0]!]! / total : 0,
    ...(c.department ? { department: c.department } : {}),
  };
}

const pct = (x: number, n: number) => (n ? Number(((100 * x) / n).toFixed(2)) : 0);
const r4 = (x: number) => Number(x.toFixed(4));

export function calibration(scored: readonly Scored[], nBins = 10): Calibration {
  const bins = Array.from({ length: nBins }, (_, i) => ({ from: i / nBins, to: (i + 1) / nBins, n: 0, p: 0, hit: 0 }));
  let brier = 0;
  for (const s of scored) {
    const hit = s.rank === 0 ? 1 : 0;
    brier += (s.confidence - hit) ** 2;
    const b = bins[Math.min(nBins - 1, Math.floor(s.confidence * nBins))]!;
    b.n++;
    b.p += s.confidence;
    b.hit += hit;
  }
  const n = scored.length;
  const ece = bins.reduce((a, b) => a + (b.n ? Math.abs(b.hit / b.n - b.p / b.n) * b.n : 0), 0) / Math.max(1, n);
  return {
    n,
    brier: r4(n ? brier / n : 0),
    ece: r4(ece),
    bins: bins
      .filter((b) => b.n > 0)
      .map((b) => ({ from: b.from, to: b.to, n: b.n, meanConfidence: r4(b.p / b.n), accuracy: r4(b.hit / b.n) })),
  };
}

export function summarize(scored: readonly Scored[]): Evaluation {
  const n = scored.length;
  const within = (k: number) => scored.filter((s) => s.rank >= 0 && s.rank < k).length;
  const departments = [...new Set(scored.flatMap((s) => (s.department ? [s.department] : [])))].sort();
  const byDepartment = Object.fromEntries(
    departments.map((d) => {
      const part = scored.filter((s) => s.department === d);
      return [d, { ...calibration(part), gtpa1: pct(part.filter((s) => s.rank === 0).length, part.length) }];
    }),
  );
  return {
    gtpa1: pct(within(1), n),
    gtpa3: pct(within(3), n),
    gtpa5: pct(within(5), n),
    unknownDiagnoses: scored.filter((s) => s.rank < 0).length,
    ...calibration(scored),
    ...(departments.length ? { byDepartment } : {}),
  };
}

export function evaluateNetwork(net: Network, cases: readonly ConfirmedCase[]): Evaluation {
  return summarize(cases.map((c) => scoreCase(net, c)));
}
