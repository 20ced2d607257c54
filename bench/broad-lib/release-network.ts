import type { BatchData } from '../../src/knowledge/batch.js';
import {
  assembleCausalNetwork,
  type CausalNetwork,
  conceptIdsOf,
  type KgCode,
  type KgConcept,
  type KgRelation,
  type KgSource,
  type KgTerm,
} from '../../src/knowledge/index.js';

/**
 * A release's causal network (`KnowledgeGraph.causalNetwork()`) read straight from its import
 * batches, without a database: the bench builds the broad release in memory in seconds instead of
 * loading it into PGlite first. Same rules as the database queries (src/knowledge/queries.ts):
 * a concept stored by several batches keeps the first batch's type and names, the union of terms
 * and codes, and attributes merged in batch order (later wins); a relation is effective unless it is
 * retracted or another relation of the release overrides it; edges are ordered by (from, to).
 */
export function causalNetworkFromBatches(batches: readonly BatchData[], releaseId = 0): CausalNetwork {
  const sources = new Map<string, KgSource>();
  for (const b of batches) for (const s of b.sources) sources.set(s.id, s);
  const relations = new Map<string, BatchData['relations'][number]>();
  for (const b of batches) for (const r of b.relations) if (!relations.has(r.id)) relations.set(r.id, r);
  const overridden = new Set<string>();
  for (const r of relations.values()) if (r.overrides) overridden.add(r.overrides);
  const byType = (type: KgRelation['type']): KgRelation[] =>
    [...relations.values()]
      .filter((r) => r.type === type && !r.retracted && !overridden.has(r.id))
      .sort((a, b) => cmp(a.from, b.from) || cmp(a.to ?? '', b.to ?? ''))
      .map((r) => {
        const source = sources.get(r.sourceId);
        if (!source) throw new Error(`relation ${r.id} names unknown source '${r.sourceId}'`);
        return {
          id: r.id,
          type: r.type,
          from: r.from,
          ...(r.to !== undefined ? { to: r.to } : {}),
          attrs: r.attrs,
          source,
          ...(r.overrides ? { overrides: r.overrides } : {}),
          releaseId,
        };
      });
  const findings = byType('has-finding');
  const riskFactors = byType('risk-factor-of');
  const priors = byType('prior');
  const concepts = mergedConcepts(batches, new Set(conceptIdsOf([...findings, ...riskFactors, ...priors])));
  return assembleCausalNetwork(releaseId, { findings, riskFactors, priors }, concepts);
}

/** Concepts by id, merged over the batches in order (see causalNetworkFromBatches); all of them without `ids`. */
export function mergedConcepts(batches: readonly BatchData[], ids?: ReadonlySet<string>): Map<string, KgConcept> {
  const out = new Map<string, { c: KgConcept; terms: Map<string, KgTerm>; codes: Map<string, KgCode> }>();
  for (const b of batches)
    for (const d of b.concepts) {
      if (ids && !ids.has(d.id)) continue;
      const prev = out.get(d.id);
      const terms = prev?.terms ?? new Map<string, KgTerm>();
      const codes = prev?.codes ?? new Map<string, KgCode>();
      for (const t of d.terms.values()) if (!terms.has(`${t.lang}|${t.term}`)) terms.set(`${t.lang}|${t.term}`, t);
      for (const k of d.codes.values()) if (!codes.has(`${k.system}|${k.code}`)) codes.set(`${k.system}|${k.code}`, k);
      const en = prev?.c.name.en ?? d.nameEn;
      const zh = prev?.c.name.zh ?? d.nameZh;
      out.set(d.id, {
        c: {
          id: d.id,
          type: prev?.c.type ?? d.type,
          name: { ...(en ? { en } : {}), ...(zh ? { zh } : {}) },
          terms: [],
          codes: [],
          attrs: { ...(prev?.c.attrs ?? {}), ...d.attrs },
        },
        terms,
        codes,
      });
    }
  return new Map(
    [...out].map(([id, v]) => [id, { ...v.c, terms: [...v.terms.values()], codes: [...v.codes.values()] }]),
  );
}

const cmp = (a: string, b: string) => (a < b ? -1 : a > b ? 1 : 0);
