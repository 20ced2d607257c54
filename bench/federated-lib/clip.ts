import type { ConfirmedCase } from '../../src/learning/index.js';
import { caseContribution, statsLayout } from '../../src/learning/index.js';
import type { Network } from '../../src/reasoning/index.js';

/**
 * The clip of a simulation (cells one patient may touch): its disease, its stratum, and as many findings as the
 * most any TRAINING patient of any hospital has present (held-back patients are never read), so no training
 * patient is truncated. L2 sensitivity grows with √clip, so a clip near what patients really have keeps σ small:
 * DXY's training records name at most 10 of its 41 symptoms; the vocabulary bound 2 + 41 made σ 1.9 times larger.
 * In a deployment the clip must be a public bound (e.g. what the hospitals' intake form can record), since a
 * maximum read from the private data is not itself differentially private; here it stands in for one.
 */
export function trainingClip(source: Network, hospitals: readonly { readonly train: readonly ConfirmedCase[] }[]) {
  const layout = statsLayout(source);
  let most = 0;
  for (const h of hospitals)
    h.train.forEach((c, i) => {
      const k = caseContribution(source, layout, c, `train[${i}]`);
      most = Math.max(most, k.presentEdges.length + k.presentLeaks.length);
    });
  return 2 + most;
}
