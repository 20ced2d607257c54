import type { KnowledgeSource, Sex } from '../../core/index.js';
import { seededRandom } from '../../core/index.js';
import type { CausalModel } from '../../reasoning/index.js';
import type { ConfirmedCase } from '../sufficient-stats.js';

/**
 * A "true" noisy-OR world for tests: diseases with skewed priors, each causing a few findings with
 * edge probabilities drawn at random; `source` has the same structure with every edge at 0.5 and flat
 * priors (a release that knows which findings go with which disease but not how often).
 */
export function simulatedWorld(seed: number, nDiseases = 12, nFindings = 20, perDisease = 8) {
  const r = seededRandom(seed);
  const src = (id: string): KnowledgeSource => ({ kind: 'knowledge', edgeId: id, authority: { name: 'test world' } });
  const diseases = Array.from({ length: nDiseases }, (_, i) => `D${i}`);
  const findings = Array.from({ length: nFindings }, (_, j) => `F${j}`);
  const edges: [string, string, number][] = [];
  for (const d of diseases) {
    const chosen = new Set<number>();
    while (chosen.size < perDisease) chosen.add(Math.floor(r() * nFindings));
    for (const f of chosen) edges.push([d, `F${f}`, 0.05 + 0.9 * r()]);
  }
  const weights = diseases.map((_, i) => 1 / (i + 1));
  const wsum = weights.reduce((a, b) => a + b, 0);
  const model = (edgeP: (p: number) => number, prior: (i: number) => number): CausalModel => ({
    id: 'test-world',
    release: 'test world v1',
    diseases: diseases.map((id, i) => ({ id, name: { en: id }, prior: prior(i) })),
    findings: findings.map((id) => ({ id, name: { en: id }, kind: 'symptom', leak: 0.02 })),
    edges: edges.map(([d, f, p]) => ({
      kind: 'causes',
      from: d,
      to: f,
      probability: edgeP(p),
      source: src(`${d}->${f}`),
    })),
  });
  const truth = model(
    (p) => p,
    (i) => (0.3 * weights[i]!) / wsum,
  );
  const source = model(
    () => 0.5,
    () => 0.3 / nDiseases,
  );
  /** Cases of one disease each (drawn by the true shares), every finding recorded present or absent. */
  const sample = (n: number, sampleSeed: number, department?: (d: number) => string): ConfirmedCase[] => {
    const rr = seededRandom(sampleSeed);
    return Array.from({ length: n }, (_, i) => {
      let u = rr() * wsum;
      let d = 0;
      while (u > weights[d]! && d < nDiseases - 1) u -= weights[d++]!;
      const present = new Set<string>();
      for (const f of findings) if (rr() < 0.02) present.add(f);
      for (const [dd, f, p] of edges) if (dd === diseases[d] && rr() < p) present.add(f);
      const sex: Sex = rr() < 0.5 ? 'male' : 'female';
      return {
        id: `sample-${sampleSeed}-${i}`,
        diagnosis: diseases[d]!,
        input: { age: Math.floor(rr() * 90), sex, findings: findings.map((id) => ({ id, present: present.has(id) })) },
        ...(department ? { department: department(d) } : {}),
      };
    });
  };
  return { truth, source, sample };
}
