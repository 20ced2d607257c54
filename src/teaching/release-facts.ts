import type { Bilingual } from '../core/index.js';
import {
  conceptName,
  type KgConcept,
  type KgRelation,
  type KnowledgeGraph,
  type ReleaseOption,
} from '../knowledge/index.js';

/**
 * What a knowledge release says, read once, with the full semantics the rule engines use: a drug
 * stands for itself and every class it is a member of; an interaction edge between two sides fires for
 * any member of one with any member of the other (an edge from a class to itself: any two distinct
 * members, the rule book's `anyTwoOf`). The practice-question checker asks its questions here, never
 * the generator's own shortcuts.
 */
export class ReleaseFacts {
  private constructor(
    readonly release: number,
    readonly concepts: ReadonlyMap<string, KgConcept>,
    readonly relations: ReadonlyMap<string, KgRelation>,
    private readonly byType: ReadonlyMap<string, readonly KgRelation[]>,
    private readonly classesOf: ReadonlyMap<string, readonly string[]>,
  ) {}

  static async load(kg: KnowledgeGraph, options: ReleaseOption = {}): Promise<ReleaseFacts> {
    const { releaseId } = await kg.resolveRelease(options.release);
    const types = [
      'interacts-with',
      'member-of',
      'contraindicated-in',
      'has-finding',
      'risk-factor-of',
      'pgx-recommendation',
      'phenotype-of',
    ] as const;
    const lists = await Promise.all(types.map((t) => kg.relationsOfType(t, { release: releaseId })));
    const byType = new Map<string, KgRelation[]>(types.map((t, i) => [t, lists[i]!]));
    const relations = new Map(lists.flat().map((r) => [r.id, r]));
    const ids = new Set<string>();
    for (const r of relations.values()) {
      ids.add(r.from);
      if (r.to) ids.add(r.to);
    }
    const concepts = await kg.concepts([...ids], { release: releaseId });
    const classesOf = new Map<string, string[]>();
    for (const m of byType.get('member-of') ?? []) {
      if (!m.to) continue;
      const list = classesOf.get(m.from) ?? [];
      list.push(m.to);
      classesOf.set(m.from, list);
    }
    return new ReleaseFacts(releaseId, concepts, relations, byType, classesOf);
  }

  of(type: string): readonly KgRelation[] {
    return this.byType.get(type) ?? [];
  }

  name(id: string): Bilingual {
    const c = this.concepts.get(id);
    return c ? conceptName(c) : { en: id };
  }

  /** A drug's graph ids: itself and its classes. */
  sides(drug: string): string[] {
    return [drug, ...(this.classesOf.get(drug) ?? [])];
  }

  /** The drug concepts of the release (drug:*) that are in any relation read here. */
  drugs(): string[] {
    return [...this.concepts.values()].filter((c) => c.type === 'drug').map((c) => c.id);
  }

  /** The `interacts-with` edges that fire for two distinct drugs (either direction, classes included). */
  interactionsBetween(a: string, b: string): KgRelation[] {
    if (a === b) return [];
    const sa = new Set(this.sides(a));
    const sb = new Set(this.sides(b));
    return this.of('interacts-with').filter(
      (r) => r.to !== undefined && ((sa.has(r.from) && sb.has(r.to)) || (sb.has(r.from) && sa.has(r.to))),
    );
  }

  /** The `contraindicated-in` edges of a drug or any of its classes. */
  contraindicationsOf(drug: string): KgRelation[] {
    const s = new Set(this.sides(drug));
    return this.of('contraindicated-in').filter((r) => s.has(r.from));
  }

  /** A finding's or risk factor's edges to a disease: `has-finding` (disease → it), `risk-factor-of` (it → disease). */
  findingLinks(finding: string, disease: string): KgRelation[] {
    return [
      ...this.of('has-finding').filter((r) => r.from === disease && r.to === finding),
      ...this.of('risk-factor-of').filter((r) => r.from === finding && r.to === disease),
    ];
  }

  /** The genes whose phenotypes carry a pharmacogenomic recommendation for a drug, with the recommendation edges. */
  pgxGenesOf(drug: string): Map<string, KgRelation[]> {
    const recs = this.of('pgx-recommendation').filter((r) => r.to === drug);
    const out = new Map<string, KgRelation[]>();
    for (const rec of recs)
      for (const p of this.of('phenotype-of'))
        if (p.from === rec.from && p.to) {
          const list = out.get(p.to) ?? [];
          list.push(rec);
          out.set(p.to, list);
        }
    return out;
  }
}
