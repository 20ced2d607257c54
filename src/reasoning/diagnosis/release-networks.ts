import { type Coding, MedSeekError, type Sql } from '../../core/index.js';
import { activeReleaseId, KnowledgeGraph } from '../../knowledge/index.js';
import { knowledgeBaseResolver } from './knowledge-bases.js';
import type { Network } from './network.js';
import { codingsFromKnowledge } from './patient-case.js';

/** A knowledge release's compiled causal network and the codings of its findings. */
export interface ReleaseNetwork {
  readonly net: Network;
  readonly codings: Map<string, Coding[]>;
}

/**
 * The causal network of a release by its id, built once per id (releases are immutable) and shared by
 * every caller of the returned function; a build that failed is dropped so the next call tries again.
 */
export function releaseNetworks(sql: Sql): (release: number) => Promise<ReleaseNetwork> {
  const resolve = knowledgeBaseResolver({ sql });
  const networks = new Map<number, Promise<ReleaseNetwork>>();
  return (release) => {
    let p = networks.get(release);
    if (!p) {
      p = Promise.all([
        resolve(`release:${release}`),
        new KnowledgeGraph(sql).causalNetwork({ release }).then(codingsFromKnowledge),
      ]).then(([net, codings]) => ({ net, codings }));
      p.catch(() => networks.delete(release));
      networks.set(release, p);
    }
    return p;
  };
}

/** The active release's id and its network from `networks`; `unavailable`, naming the release, when none is active. */
export async function activeReleaseNetwork(
  sql: Sql,
  networks: (release: number) => Promise<ReleaseNetwork>,
): Promise<ReleaseNetwork & { readonly release: number }> {
  const release = await activeReleaseId(sql);
  if (release === undefined)
    throw new MedSeekError('unavailable', 'no knowledge release is active: import one with `medseek kg import`', {
      field: 'release',
    });
  return { release, ...(await networks(release)) };
}
