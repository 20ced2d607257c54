import type { Authority, Fact } from '../../../core/index.js';
import { DRUG_CLASSES, type DrugClassId, INGREDIENTS, ingredientsOf, inClass } from '../drugs.js';
import { activeMedications, label } from '../facts.js';
import { type Finding, factEvidence, type SafetyRule } from '../rule.js';

/**
 * Duplicate therapy: the same ingredient in two active orders (DUP01), two drugs of one
 * therapeutic class where one is the rule (DUP02), and ACE inhibitor + ARB dual blockade (DUP03).
 * Common practice, unsourced (the rule author's starter set); DUP03 follows AGS Beers 2023 Table 5.
 * Dual antiplatelet therapy and opioid long/short-acting pairs are deliberate and not listed.
 */
const UNSOURCED: Authority = { name: 'Duplicate-therapy check: common practice, unsourced (verify with the hospital pharmacy)' };
const DUP_CLASSES: readonly DrugClassId[] = ['statin', 'ppi', 'ssri', 'nsaid', 'acei', 'arb', 'betaBlocker', 'tca', 'thiazolidinedione', 'pde5'];

function pairs(meds: readonly Fact[], accept: (a: Fact, b: Fact) => string | undefined): { a: Fact; b: Fact; why: string }[] {
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
    statement: { en: `Duplicate therapy (${what.en}): ${la.en} and ${lb.en}`, zh: `重复用药（${what.zh}）：${la.zh} 与 ${lb.zh}` },
    detail: { en: 'Stop one of them unless the duplication is intended.', zh: '如非有意重复，请停用其一。' },
    evidence: [factEvidence(a, { en: `On ${la.en}`, zh: `正在使用${la.zh}` }), factEvidence(b, { en: `On ${lb.en}`, zh: `正在使用${lb.zh}` })],
    involves: [a.id, b.id],
    suggestions: [{ kind: 'remove', factId: target.id, label: { en: `Remove ${lt.en}`, zh: `撤销${lt.zh}` } }],
  };
}

const sameIngredient: SafetyRule = {
  id: 'DUP01',
  group: 'duplicate',
  title: { en: 'Same ingredient ordered twice', zh: '同一成分重复开具' },
  severity: 'moderate',
  source: UNSOURCED,
  evaluate({ state }) {
    return pairs(activeMedications(state), (a, b) => {
      const shared = [...ingredientsOf(a)].find((x) => ingredientsOf(b).has(x));
      return shared;
    }).map(({ a, b, why }) => finding(a, b, { en: INGREDIENTS[why as keyof typeof INGREDIENTS].en[0]!, zh: INGREDIENTS[why as keyof typeof INGREDIENTS].zh[0]! }));
  },
};

const sameClass: SafetyRule = {
  id: 'DUP02',
  group: 'duplicate',
  title: { en: 'Two drugs of the same therapeutic class', zh: '同类药物重复使用' },
  severity: 'moderate',
  source: UNSOURCED,
  evaluate({ state }) {
    return pairs(activeMedications(state), (a, b) => {
      if ([...ingredientsOf(a)].some((x) => ingredientsOf(b).has(x))) return undefined; // DUP01's case
      return DUP_CLASSES.find((c) => inClass(a, c) && inClass(b, c));
    }).map(({ a, b, why }) => finding(a, b, DRUG_CLASSES[why as DrugClassId]));
  },
};

const dualRas: SafetyRule = {
  id: 'DUP03',
  group: 'duplicate',
  title: { en: 'ACE inhibitor with an ARB (dual RAS blockade)', zh: 'ACEI与ARB联用（双重RAS阻断）' },
  severity: 'moderate',
  source: { name: 'AGS Beers Criteria 2023, Table 5: avoid combining RAS inhibitors (hyperkalaemia, AKI)', url: 'https://doi.org/10.1111/jgs.18372' },
  evaluate({ state }) {
    return pairs(activeMedications(state), (a, b) => ((inClass(a, 'acei') && inClass(b, 'arb')) || (inClass(a, 'arb') && inClass(b, 'acei')) ? 'ras' : undefined)).map(({ a, b }) =>
      finding(a, b, { en: 'ACE inhibitor + ARB', zh: 'ACEI + ARB' }),
    );
  },
};

export const DUPLICATE_RULES: readonly SafetyRule[] = [sameIngredient, sameClass, dualRas];
