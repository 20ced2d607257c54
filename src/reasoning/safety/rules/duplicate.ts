import type { Authority, Fact } from '../../../core/index.js';
import { cdsAuthority, cdsRules } from '../../../knowledge/index.js';
import { type DrugIndex, drugIndex } from '../drugs.js';
import { activeMedications, label } from '../facts.js';
import { type Finding, factEvidence, type SafetyRule } from '../rule.js';
import { type BookDuplicate, type DuplicateEdge, type SafetyRuleBook, safetyRulesFromData } from '../rulebook.js';

/**
 * Duplicate therapy: the same ingredient in two active orders (DUP01, a predicate data cannot
 * state), and the class rules of the rule book (knowledge `duplicate-classes.json`, or a release a
 * curator edited): two drugs of one class (DUP02) and one of each of a class pair, e.g. ACE
 * inhibitor + ARB dual blockade (DUP03, AGS Beers 2023 Table 5).
 */
function pairs(
  meds: readonly Fact[],
  accept: (a: Fact, b: Fact) => string | undefined,
): { a: Fact; b: Fact; why: string }[] {
  const out: { a: Fact; b: Fact; why: string }[] = [];
  for (let i = 0; i < meds.length; i++)
    for (let j = i + 1; j < meds.length; j++) {
      const why = accept(meds[i]!, meds[j]!);
      if (why) out.push({ a: meds[i]!, b: meds[j]!, why });
    }
  return out;
}

function finding(a: Fact, b: Fact, what: { en: string; zh: string }): Finding {
  const la = label(a);
  const lb = label(b);
  const target = b.status === 'draft' ? b : a.status === 'draft' ? a : b;
  const lt = label(target);
  return {
    key: [a.id, b.id].sort().join('+'),
    statement: {
      en: `Duplicate therapy (${what.en}): ${la.en} and ${lb.en}`,
      zh: `重复用药（${what.zh}）：${la.zh} 与 ${lb.zh}`,
    },
    detail: { en: 'Stop one of them unless the duplication is intended.', zh: '如非有意重复，请停用其一。' },
    evidence: [
      factEvidence(a, { en: `On ${la.en}`, zh: `正在使用${la.zh}` }),
      factEvidence(b, { en: `On ${lb.en}`, zh: `正在使用${lb.zh}` }),
    ],
    involves: [a.id, b.id],
    suggestions: [{ kind: 'remove', factId: target.id, label: { en: `Remove ${lt.en}`, zh: `撤销${lt.zh}` } }],
  };
}

const sameIngredient = (ix: DrugIndex, source: Authority): SafetyRule => ({
  id: 'DUP01',
  group: 'duplicate',
  title: { en: 'Same ingredient ordered twice', zh: '同一成分重复开具' },
  severity: 'moderate',
  source,
  evaluate({ state }) {
    return pairs(activeMedications(state), (a, b) => {
      const shared = [...ix.ingredientsOf(a)].find((x) => ix.ingredientsOf(b).has(x));
      return shared;
    }).map(({ a, b, why }) => finding(a, b, ix.refLabel({ ingredient: why })));
  },
});

/** The edge two medications fall under, if any: a pair of classes either way round, or one class twice. */
function edgeOf(rule: BookDuplicate, ix: DrugIndex, a: Fact, b: Fact): DuplicateEdge | undefined {
  let shared: boolean | undefined;
  return rule.edges.find((e) => {
    if (e.other)
      return (ix.inClass(a, e.cls) && ix.inClass(b, e.other)) || (ix.inClass(a, e.other) && ix.inClass(b, e.cls));
    // The same ingredient twice is DUP01's case.
    shared ??= [...ix.ingredientsOf(a)].some((x) => ix.ingredientsOf(b).has(x));
    return !shared && ix.inClass(a, e.cls) && ix.inClass(b, e.cls);
  });
}

function classRule(rule: BookDuplicate, ix: DrugIndex): SafetyRule {
  const first = rule.edges[0]!;
  return {
    id: rule.id,
    group: 'duplicate',
    title: first.title,
    severity: first.severity,
    source: first.source,
    evaluate({ state }) {
      const meds = activeMedications(state);
      const out: Finding[] = [];
      for (let i = 0; i < meds.length; i++)
        for (let j = i + 1; j < meds.length; j++) {
          const [a, b] = [meds[i]!, meds[j]!];
          const edge = edgeOf(rule, ix, a, b);
          if (edge)
            out.push({ ...finding(a, b, edge.label ?? ix.refLabel({ class: edge.cls })), severity: edge.severity });
        }
      return out;
    },
  };
}

export function duplicateRules(book: SafetyRuleBook): SafetyRule[] {
  const ix = drugIndex(book);
  return [
    sameIngredient(ix, cdsAuthority(cdsRules(), 'medseek-duplicate-therapy')),
    ...book.duplicates.filter((r) => r.edges.length > 0).map((r) => classRule(r, ix)),
  ];
}

export const DUPLICATE_RULES: readonly SafetyRule[] = duplicateRules(safetyRulesFromData());
