import { createReadStream } from 'node:fs';
import { createInterface } from 'node:readline';
import type { CausalEdge, CausalModel } from '../../src/reasoning/index.js';

/**
 * A causal model straight from the kg-xywy-medical crawl (寻医问药, 8,792 diseases; licence unknown,
 * research use only: see ../shared/data/kg-xywy-medical/SOURCE.md), for the latency benchmark.
 * The crawl gives no probabilities: every has_symptom edge gets 0.5, every finding a leak of 0.01,
 * and the prior is the crawl's `disease_ratio` ("0.5%", "3-5%" → lower bound) scaled by 0.1, or 1e-4.
 */
export async function xywyModel(diseasesJsonl: string): Promise<CausalModel> {
  const diseases: CausalModel['diseases'][number][] = [];
  const findings = new Map<string, CausalModel['findings'][number]>();
  const edges: CausalEdge[] = [];
  const seen = new Set<string>();
  const rl = createInterface({ input: createReadStream(diseasesJsonl, 'utf8'), crlfDelay: Number.POSITIVE_INFINITY });
  for await (const line of rl) {
    if (!line.trim()) continue;
    const d = JSON.parse(line) as { name: string; symptoms?: string[]; disease_ratio?: string };
    const id = `disease:${d.name}`;
    if (seen.has(id)) continue;
    seen.add(id);
    const ratio = /([\d.]+)\s*%/.exec(d.disease_ratio ?? '') ?? /([\d.]+)\s*-/.exec(d.disease_ratio ?? '');
    const pct = ratio ? Number(ratio[1]) / 100 : Number.NaN;
    diseases.push({
      id,
      name: { zh: d.name, en: d.name },
      prior: Number.isFinite(pct) && pct > 0 ? Math.min(pct * 0.1, 0.05) : 1e-4,
    });
    for (const s of new Set(d.symptoms ?? [])) {
      const fid = `symptom:${s}`;
      if (!findings.has(fid)) findings.set(fid, { id: fid, name: { zh: s, en: s }, kind: 'symptom', leak: 0.01 });
      edges.push({
        kind: 'causes',
        from: id,
        to: fid,
        probability: 0.5,
        source: {
          kind: 'knowledge',
          edgeId: `xywy:${d.name}->${s}`,
          authority: { name: 'xywy.com crawl (kg-xywy-medical)', licence: 'unknown; research use' },
        },
      });
    }
  }
  return { id: 'kg-xywy', release: 'kg-xywy-medical (bench only)', diseases, findings: [...findings.values()], edges };
}
