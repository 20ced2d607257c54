import { beforeAll, describe, expect, it } from 'vitest';
import { cdsRules, drugsInSet, ensureDemoRelease, interactionsBetween, KnowledgeGraph } from '../knowledge/index.js';
import { migrate, openDatabase } from '../store/index.js';
import { checkQuestion, type GeneratedQuestions, generateFromFacts, QUESTION_KINDS, ReleaseFacts } from './index.js';

/**
 * Every question generated from the demo release, checked by a second route to the truth: the rule
 * book itself (data/cds through knowledge's own `interactionsBetween`, `drugsInSet`, the contraindication
 * and PGx rules) for drug questions, and the release's graph queries (KnowledgeGraph.edges) for the
 * diagnosis network — not the ReleaseFacts the generator's checker uses.
 */
describe('practice questions from the demo release', () => {
  let g: GeneratedQuestions;
  let kg: KnowledgeGraph;
  let facts: ReleaseFacts;
  const rules = cdsRules();
  const bare = (id: string) => id.replace(/^drug:/, '');

  beforeAll(async () => {
    const db = await openDatabase();
    await migrate(db);
    await ensureDemoRelease(db);
    kg = new KnowledgeGraph(db);
    facts = await ReleaseFacts.load(kg);
    g = generateFromFacts(facts);
  }, 240_000);

  it('generates questions of every kind, each with a cited source and three or four options', () => {
    for (const k of QUESTION_KINDS) expect(g.counts[k].generated, k).toBeGreaterThan(0);
    expect(g.questions.length).toBe(QUESTION_KINDS.reduce((n, k) => n + g.counts[k].generated, 0));
    for (const q of g.questions) {
      expect(q.options.length).toBeGreaterThanOrEqual(3);
      expect(q.options.filter((o) => o.id === q.answer)).toHaveLength(1);
      expect(q.source.citation.length).toBeGreaterThan(5);
      expect(q.stem.en && q.stem.zh).toBeTruthy();
    }
    expect(new Set(g.questions.map((q) => q.id)).size).toBe(g.questions.length);
  });

  it('keys every answer to a relation of the release that says it, and no distractor is a correct answer', async () => {
    for (const q of g.questions) {
      const cited = await kg.relation(q.source.relation);
      expect(cited, q.id).toBeDefined();
      const distractors = q.options.map((o) => o.id).filter((id) => id !== q.answer);
      const [x, y] = q.subject;
      switch (q.kind) {
        case 'interaction': {
          expect(interactionsBetween(rules, bare(x!), bare(q.answer)).length, q.id).toBeGreaterThan(0);
          for (const d of distractors)
            expect(interactionsBetween(rules, bare(x!), bare(d)), `${q.id} ${d}`).toEqual([]);
          break;
        }
        case 'monitoring': {
          const orders = interactionsBetween(rules, bare(x!), bare(y!)).flatMap((r) =>
            r.display.order ? [`order:${r.display.order.en}`] : [],
          );
          expect(orders, q.id).toContain(q.answer);
          for (const d of distractors) expect(orders, `${q.id} ${d}`).not.toContain(d);
          break;
        }
        case 'contraindication': {
          const ci = rules.contraindications.filter((r) => drugsInSet(rules, r.drugs).has(bare(x!)));
          const conditions = ci.map((r) => rules.conditions.get(r.condition)!);
          expect(
            conditions.map((c) => `condition:${c.id}`),
            q.id,
          ).toContain(q.answer);
          for (const d of distractors) {
            const c = rules.conditions.get(d.replace(/^condition:/, ''))!;
            expect(
              conditions.map((k) => k.id),
              `${q.id} ${d}`,
            ).not.toContain(c.id);
            // Nor a condition coded under one of them (HFrEF under heart failure).
            const shared = conditions.some((k) => k.snomed.some((s) => c.snomed.includes(s)));
            expect(shared, `${q.id} ${d} shares a SNOMED code with a contraindicated condition`).toBe(false);
          }
          break;
        }
        case 'pharmacogenomic': {
          const genes = rules.pharmacogenomics
            .filter((p) => p.drugs.includes(bare(x!)) || p.recommendations.some((r) => r.drugs?.includes(bare(x!))))
            .flatMap((p) => p.genes);
          expect(
            genes.map((gn) => `gene:${gn}`),
            q.id,
          ).toContain(q.answer);
          for (const d of distractors)
            expect(
              genes.map((gn) => `gene:${gn}`),
              `${q.id} ${d}`,
            ).not.toContain(d);
          break;
        }
        case 'finding': {
          const edges = await kg.edges([x!], { types: ['has-finding', 'risk-factor-of'] });
          const diseases = new Set(edges.map((e) => (e.type === 'has-finding' ? e.from : e.to)));
          expect(diseases.has(q.answer), q.id).toBe(true);
          for (const d of distractors) expect(diseases.has(d), `${q.id} ${d}`).toBe(false);
          break;
        }
      }
    }
  }, 240_000);

  it('refuses a question whose distractor is correct through its drug class', () => {
    const q = g.questions.find((x) => x.kind === 'interaction' && x.subject[0] === 'drug:warfarin');
    expect(q).toBeDefined();
    // Ibuprofen is named by no warfarin edge itself, only through the NSAID class (DDI16).
    const planted = {
      ...q!,
      options: [
        ...q!.options.filter((o) => o.id === q!.answer),
        { id: 'drug:ibuprofen', text: { en: 'ibuprofen' } },
        {
          id: 'drug:metformin',
          text: { en: 'metformin' },
        },
      ],
    };
    const r = checkQuestion(facts, planted);
    expect(r.ok).toBe(false);
    expect(r.problems.join(' ')).toMatch(/drug:ibuprofen is a correct answer: DDI16/);
  });

  it('refuses a question whose cited relation does not say its answer', () => {
    const q = g.questions.find((x) => x.kind === 'finding')!;
    const other = g.questions.find((x) => x.kind === 'finding' && x.answer !== q.answer)!;
    const r = checkQuestion(facts, { ...q, source: other.source });
    expect(r.ok).toBe(false);
    expect(r.problems.join(' ')).toMatch(/does not support the keyed answer/);
  });
});
