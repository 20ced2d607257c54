import type { KgConcept } from '../../src/knowledge/index.js';
import { normalizeTerm } from '../../src/knowledge/batch.js';
import type { DdxKnowledge, Network } from '../../src/reasoning/index.js';

/**
 * A case set's evidence words as findings of the network, by the release's own names (never a
 * hand-made list):
 * - a DDXPlus evidence the release carries itself (`ddxplus:E_91`) is that finding, an antecedent that
 *   risk factor; otherwise a symptom is every finding that has one of the evidence concept's English or
 *   Chinese names or synonyms (Fever, pyrexia, 发热 → HPO Fever); antecedents are not read as findings
 *   (a history of asthma is not the phenotype asthma);
 * - a DXY symptom word is every finding with that Chinese name or synonym (咳嗽 → HPO Cough).
 * Names are compared after normalizeTerm (case, width, spaces). The release keeps one finding per
 * source (DDXPlus Fever, HPO Fever, Symptom Ontology fever), each with its own diseases; a word is read
 * as all of them: every finding found is widened to the findings whose English or Chinese name (not a
 * synonym) is the same.
 */
export interface Mapped {
  readonly findings: readonly string[];
  readonly risks: readonly string[];
  /** `release`: the set's own evidence in the release; `name`: through names; `none`. */
  readonly by: 'release' | 'name' | 'none';
}

export type FindingMap = (set: 'ddxplus' | 'dxy', word: string) => Mapped;

export function findingMap(
  net: Network,
  concepts: ReadonlyMap<string, KgConcept>,
  ddx: DdxKnowledge | undefined,
): FindingMap {
  const byTerm = new Map<string, string[]>();
  for (const f of net.findings)
    for (const t of new Set(
      [f.name.en, f.name.zh, ...(f.synonyms ?? [])].flatMap((x) => (x ? [normalizeTerm(x)] : [])),
    ))
      byTerm.set(t, [...(byTerm.get(t) ?? []), f.id]);
  const byName = new Map<string, string[]>();
  for (const f of net.findings)
    for (const t of new Set([f.name.en, f.name.zh].flatMap((x) => (x ? [normalizeTerm(x)] : []))))
      byName.set(t, [...(byName.get(t) ?? []), f.id]);
  const widen = (ids: readonly string[]) =>
    [
      ...new Set(
        ids.flatMap((id) => {
          const f = net.findings[net.findingIndex.get(id)!]!;
          return [id, ...[f.name.en, f.name.zh].flatMap((x) => (x ? (byName.get(normalizeTerm(x)) ?? []) : []))];
        }),
      ),
    ].sort();
  const named = (terms: readonly string[]) =>
    widen([...new Set(terms.flatMap((t) => byTerm.get(normalizeTerm(t)) ?? []))]);
  const cache = new Map<string, Mapped>();
  return (set, word) => {
    const key = `${set}|${word}`;
    const hit = cache.get(key);
    if (hit) return hit;
    let out: Mapped;
    if (set === 'dxy') {
      const findings = named([word]);
      out = { findings, risks: [], by: findings.length ? 'name' : 'none' };
    } else {
      const id = `ddxplus:${word}`;
      const risk = [id, `risk:${id}`].find((r) => net.riskIndex.has(r));
      const finding = [id, `finding:${id}`].find((f) => net.findingIndex.has(f));
      if (finding || risk)
        out = { findings: finding ? widen([finding]) : [], risks: risk ? [risk] : [], by: 'release' };
      else if (ddx?.evidences[word]?.is_antecedent) out = { findings: [], risks: [], by: 'none' };
      else {
        const c = concepts.get(id);
        const terms = c
          ? [
              c.name.en,
              c.name.zh,
              ...c.terms.filter((t) => t.kind !== 'question' && t.lang !== 'fr').map((t) => t.term),
            ]
          : [];
        const findings = named(terms.filter((t): t is string => Boolean(t)));
        out = { findings, risks: [], by: findings.length ? 'name' : 'none' };
      }
    }
    cache.set(key, out);
    return out;
  };
}
