import type { Fact } from '../../../core/index.js';
import { CodeSystems } from '../../../core/index.js';
import { type DrugIndex, drugIndex, type DrugRef } from '../drugs.js';
import { activeMedications, codesIn, conditions, label, text } from '../facts.js';
import { type Finding, factEvidence, type SafetyRule } from '../rule.js';
import {
  type BookCondition,
  type BookContraindication,
  type ContraindicationEdge,
  type SafetyRuleBook,
  type SideRef,
  safetyRulesFromData,
} from '../rulebook.js';

/**
 * Drug–condition contraindications as the rule book holds them (knowledge `contraindications.json`:
 * AGS Beers 2023 Table 3 and three drug labels, or a release a curator edited): one rule per id, one
 * `contraindicated-in` edge per drug or class, each with its own severity, card text and source.
 */
function conditionMatches(f: Fact, m: BookCondition): boolean {
  const icd = [
    ...codesIn(f, CodeSystems.icd10),
    ...codesIn(f, CodeSystems.icd10cn),
    ...codesIn(f, CodeSystems.icd10cm),
  ];
  if (icd.some((c) => m.icd10.some((p) => c.toUpperCase().startsWith(p)))) return true;
  if (codesIn(f, CodeSystems.snomed).some((c) => m.snomed.includes(c))) return true;
  const t = text(f);
  return m.names.some((n) => t.includes(n));
}

const refOf = (s: SideRef): DrugRef => (s.kind === 'class' ? { class: s.id } : { ingredient: s.id });

function edgeFindings(
  edge: ContraindicationEdge,
  meds: readonly Fact[],
  conds: readonly Fact[],
  ix: DrugIndex,
): (Finding & { key: string })[] {
  const matched = conds.filter((c) => conditionMatches(c, edge.condition));
  if (matched.length === 0) return [];
  const ref = refOf(edge.drug);
  const { title } = edge;
  return meds
    .filter((med) => ix.matches(med, ref))
    .map((med) => {
      const lm = label(med);
      const cond = matched[0]!;
      return {
        key: `${med.id}|${cond.id}`,
        severity: edge.severity,
        statement: {
          en: `${title.en}: ${lm.en} with ${label(cond).en}`,
          zh: `${title.zh}：${lm.zh}，${label(cond).zh}`,
        },
        detail: edge.action,
        evidence: [
          factEvidence(med, { en: `Ordered ${lm.en}`, zh: `开具${lm.zh}` }),
          ...matched.map((c) => factEvidence(c, { en: `Condition: ${label(c).en}`, zh: `疾病：${label(c).zh}` })),
          {
            role: 'context',
            statement: title,
            sources: [],
            knowledge: [{ kind: 'knowledge', edgeId: edge.edgeId, authority: edge.source }],
          },
        ],
        involves: [med.id],
        suggestions: [{ kind: 'remove', factId: med.id, label: { en: `Remove ${lm.en}`, zh: `撤销${lm.zh}` } }],
      } satisfies Finding;
    });
}

function ciRule(rule: BookContraindication, ix: DrugIndex): SafetyRule {
  const first = rule.edges[0]!;
  return {
    id: rule.id,
    group: 'contraindication',
    title: first.title,
    severity: first.severity,
    source: first.source,
    evaluate({ state }) {
      const conds = conditions(state);
      if (conds.length === 0) return [];
      const meds = activeMedications(state);
      const seen = new Set<string>();
      const out: Finding[] = [];
      for (const edge of rule.edges) {
        for (const f of edgeFindings(edge, meds, conds, ix)) {
          if (seen.has(f.key)) continue;
          seen.add(f.key);
          out.push(f);
        }
      }
      return out;
    },
  };
}

/** The contraindication rules of a rule book (one per id, in the book's order). */
export function contraindicationRules(book: SafetyRuleBook): SafetyRule[] {
  const ix = drugIndex(book);
  return book.contraindications.filter((r) => r.edges.length > 0).map((r) => ciRule(r, ix));
}

export const CONTRAINDICATION_RULES: readonly SafetyRule[] = contraindicationRules(safetyRulesFromData());
