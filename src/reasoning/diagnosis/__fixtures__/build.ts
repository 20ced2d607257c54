import { seededRandom } from '../../../core/index.js';
import type { KnowledgeSource } from '../../../core/index.js';
import type { CausalModel } from '../model.js';

/** Test networks written compactly: diseases with priors, findings with leaks, edges `[disease, finding, q]`. */
export function tinyModel(
  diseases: Record<string, number>,
  findings: Record<string, number>,
  edges: readonly (readonly [string, string, number])[],
): CausalModel {
  const source = (id: string): KnowledgeSource => ({
    kind: 'knowledge',
    edgeId: id,
    authority: { name: 'test fixture' },
  });
  return {
    id: 'tiny',
    diseases: Object.entries(diseases).map(([id, prior]) => ({ id, name: { en: id }, prior })),
    findings: Object.entries(findings).map(([id, leak]) => ({ id, name: { en: id }, kind: 'symptom', leak })),
    edges: edges.map(([d, f, q]) => ({ kind: 'causes', from: d, to: f, probability: q, source: source(`${d}->${f}`) })),
  };
}

/** Random networks are the same on every run: the core's seeded generator. */
export const rng = seededRandom;

/** A random noisy-OR network: each disease causes each finding with probability `density`. */
export function randomModel(seed: number, nDiseases: number, nFindings: number, density = 0.4): CausalModel {
  const r = rng(seed);
  const diseases: Record<string, number> = {};
  const findings: Record<string, number> = {};
  const edges: [string, string, number][] = [];
  for (let i = 0; i < nDiseases; i++) diseases[`D${i}`] = 0.005 + r() * 0.08;
  for (let j = 0; j < nFindings; j++) findings[`F${j}`] = 0.001 + r() * 0.05;
  for (let i = 0; i < nDiseases; i++)
    for (let j = 0; j < nFindings; j++) if (r() < density) edges.push([`D${i}`, `F${j}`, 0.1 + r() * 0.85]);
  return tinyModel(diseases, findings, edges);
}
