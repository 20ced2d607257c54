import { seededRandom } from '../../src/core/index.js';
import type { CausalEdge, CausalModel, DiseaseNode, FindingNode } from '../../src/reasoning/index.js';

/**
 * A synthetic network shaped like a broad phenotype release (HPO annotations: ~10k diseases, a few
 * thousand phenotypes, 5–40 phenotypes per disease, a few very common phenotypes and a long tail),
 * for the latency benchmark only: nothing in it is medical. Finding popularity is Zipf-like
 * (exponent 1), edge frequencies are drawn from HPO's frequency classes (very frequent 0.9,
 * frequent 0.55, occasional 0.17, very rare 0.03), and `unknownShare` of the edges have no
 * frequency (`frequency: 'unknown'`, the default 0.5), as HPO annotations without one do. Priors:
 * uniform 1e-4 for most diseases (no prevalence), a few with a prevalence up to 1 %.
 */
export function syntheticModel(
  options: { diseases?: number; findings?: number; seed?: number; unknownShare?: number } = {},
): CausalModel {
  const nd = options.diseases ?? 10_000;
  const nf = options.findings ?? 8_000;
  const rand = seededRandom(options.seed ?? 15);
  const unknownShare = options.unknownShare ?? 0.4;
  // Zipf(1) over findings by inverse-CDF on the harmonic partial sums.
  const cdf = new Float64Array(nf);
  let h = 0;
  for (let i = 0; i < nf; i++) {
    h += 1 / (i + 1);
    cdf[i] = h;
  }
  const draw = () => {
    const u = rand() * h;
    let lo = 0;
    let hi = nf - 1;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if (cdf[mid]! < u) lo = mid + 1;
      else hi = mid;
    }
    return lo;
  };
  const classes = [0.9, 0.55, 0.17, 0.03];
  const source = (d: number, f: number) => ({
    kind: 'knowledge' as const,
    edgeId: `synthetic:${d}->${f}`,
    authority: { name: 'synthetic (bench only)' },
  });
  const findings: FindingNode[] = Array.from({ length: nf }, (_, i) => ({
    id: `f${i}`,
    name: { en: `finding ${i}`, zh: `表现${i}` },
    kind: 'symptom',
    leak: 0.01,
  }));
  const diseases: DiseaseNode[] = [];
  const edges: CausalEdge[] = [];
  for (let d = 0; d < nd; d++) {
    const common = rand() < 0.05;
    diseases.push({
      id: `d${d}`,
      name: { en: `disease ${d}`, zh: `疾病${d}` },
      prior: common ? 1e-3 + rand() * 9e-3 : 1e-4,
      ...(common ? {} : { priorBasis: 'uniform' as const }),
    });
    const k = 5 + Math.floor(rand() * 36);
    const own = new Set<number>();
    while (own.size < k) own.add(draw());
    for (const f of own) {
      const unknown = rand() < unknownShare;
      edges.push({
        kind: 'causes',
        from: `d${d}`,
        to: `f${f}`,
        probability: unknown ? 0.5 : classes[Math.floor(rand() * classes.length)]!,
        ...(unknown ? { frequency: 'unknown' as const } : {}),
        source: source(d, f),
      });
    }
  }
  return { id: 'synthetic-10k', release: 'synthetic (bench only)', diseases, findings, edges };
}
