import type { KnowledgeSource } from '../core/index.js';
import type { KgRelation } from './model.js';

/** A relation as core's KnowledgeSource: the edge id, its authority, and the release it came from. */
export function knowledgeSource(r: KgRelation): KnowledgeSource {
  const { id: _id, shippable: _s, note: _n, ...authority } = r.source;
  return {
    kind: 'knowledge',
    edgeId: r.id,
    authority,
    ...(r.releaseId !== undefined ? { releaseId: String(r.releaseId) } : {}),
  };
}
