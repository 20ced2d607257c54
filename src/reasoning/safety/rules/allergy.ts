import type { Authority, Fact } from '../../../core/index.js';
import { type AllergyClasses, findAllergens } from '../../../knowledge/index.js';
import { allergyClassesOf } from '../allergy-data.js';
import { type DrugClassId, type DrugIndex, drugIndex } from '../drugs.js';
import { activeMedications, allergies, label, text } from '../facts.js';
import { type Finding, factEvidence, type SafetyRule } from '../rule.js';
import { type SafetyRuleBook, safetyRulesFromData } from '../rulebook.js';

/**
 * Drug–allergy checks (qc-rules.md K14): the ordered drug's ingredient is the allergen (S1), it is
 * in the allergen's pharmacological class (S1), or in a known cross-reactive class (S2, warning
 * with an override reason). The qc-rules file marks the class and cross-reactivity tables as common
 * practice, unsourced: use a licensed drug knowledge base in production.
 */
const SOURCE: Authority = {
  name: '病历书写基本规范 (BW2010) 第十二条, 第十八条(四); TJC MM.01.01.01 — matching tables common practice, unsourced',
  document: 'docs/domain/qc-rules.md K14',
};

/** Classes of the rule book an allergy is recorded against (pharmacological families, not e.g. CYP inhibitors): `allergyFamily` in drugs.json. */
export function allergyFamilies(book: SafetyRuleBook): DrugClassId[] {
  return [...book.classes.values()].filter((c) => c.allergyFamily).map((c) => c.id);
}

/**
 * Class-to-class cross-reactivity between allergy families, as the rule book holds it
 * (allergy-classes.json, `cross-reactive-with` in a release). The words that name a class in
 * allergy text ("青霉素类过敏", "sulfa allergy") are found with the book's allergy classes
 * (`allergyClassesOf`: the release's classes and members, the allergy vocabulary's words).
 */
function crossReactive(book: SafetyRuleBook, families: readonly DrugClassId[]): [DrugClassId, DrugClassId][] {
  return book.crossReactivity
    .filter(
      (x) =>
        x.from.kind === 'class' && x.to.kind === 'class' && families.includes(x.from.id) && families.includes(x.to.id),
    )
    .map((x) => [x.from.id, x.to.id]);
}

function classesOf(
  ix: DrugIndex,
  families: readonly DrugClassId[],
  f: Fact,
  allergen: AllergyClasses | undefined,
): Set<DrugClassId> {
  const ings = ix.ingredientsOf(f);
  const out = new Set<DrugClassId>();
  for (const c of families) if ((ix.drugClass(c)?.members ?? []).some((m) => ings.has(m))) out.add(c);
  if (allergen) {
    for (const m of findAllergens(text(f), allergen)) for (const k of m.classes) if (families.includes(k)) out.add(k);
  }
  return out;
}

type Level = 'ingredient' | 'class' | 'cross';

function allergyRule(
  id: string,
  level: Level,
  ix: DrugIndex,
  families: readonly DrugClassId[],
  cross: readonly [DrugClassId, DrugClassId][],
  words: AllergyClasses,
): SafetyRule {
  const titles = {
    ingredient: { en: 'Ordered drug is a documented allergen', zh: '所开药物为已记录过敏原' },
    class: { en: 'Ordered drug in the same class as a documented allergen', zh: '所开药物与已记录过敏原同类' },
    cross: {
      en: 'Ordered drug in a class cross-reactive with a documented allergen',
      zh: '所开药物与已记录过敏原存在交叉过敏',
    },
  } as const;
  return {
    id,
    group: 'allergy',
    title: titles[level],
    severity: level === 'cross' ? 'moderate' : 'high',
    source: SOURCE,
    evaluate({ state }) {
      const out: Finding[] = [];
      const algs = allergies(state);
      if (algs.length === 0) return out;
      for (const med of activeMedications(state)) {
        const medIngs = ix.ingredientsOf(med);
        const medClasses = classesOf(ix, families, med, undefined);
        for (const a of algs) {
          const aIngs = ix.ingredientsOf(a);
          const aClasses = classesOf(ix, families, a, words);
          const sameIng = [...medIngs].find((x) => aIngs.has(x));
          const sameClass = [...medClasses].find((c) => aClasses.has(c));
          const crossing = cross.find(([from, to]) => aClasses.has(from) && medClasses.has(to));
          let why: { en: string; zh: string } | undefined;
          const name = (ref: Parameters<DrugIndex['refLabel']>[0]) => ix.refLabel(ref);
          if (level === 'ingredient' && sameIng)
            why = { en: `contains ${name({ ingredient: sameIng }).en}`, zh: `含${name({ ingredient: sameIng }).zh}` };
          else if (level === 'class' && !sameIng && sameClass)
            why = { en: `both are ${name({ class: sameClass }).en}`, zh: `同属${name({ class: sameClass }).zh}` };
          else if (level === 'cross' && !sameIng && !sameClass && crossing) {
            const [from, to] = [name({ class: crossing[0] }), name({ class: crossing[1] })];
            why = {
              en: `${from.en} allergy, cross-reactive with ${to.en}`,
              zh: `${from.zh}过敏，与${to.zh}存在交叉过敏`,
            };
          }
          if (!why) continue;
          const lm = label(med);
          const la = label(a);
          out.push({
            key: `${med.id}|${a.id}`,
            statement: {
              en: `${lm.en} ordered despite allergy to ${la.en} (${why.en})`,
              zh: `患者对${la.zh}过敏，仍开具${lm.zh}（${why.zh}）`,
            },
            detail:
              level === 'cross'
                ? {
                    en: 'Cross-reactivity warning: confirm or give an override reason.',
                    zh: '交叉过敏警示：请确认或填写超越理由。',
                  }
                : {
                    en: 'Do not give; choose a drug outside the allergen class.',
                    zh: '请勿使用，改用过敏原类别以外的药物。',
                  },
            evidence: [
              factEvidence(med, { en: `Ordered ${lm.en}`, zh: `开具${lm.zh}` }),
              factEvidence(a, { en: `Allergy: ${la.en}`, zh: `过敏：${la.zh}` }),
            ],
            involves: [med.id],
            suggestions: [{ kind: 'remove', factId: med.id, label: { en: `Remove ${lm.en}`, zh: `撤销${lm.zh}` } }],
          });
        }
      }
      return out;
    },
  };
}

export function allergyRules(book: SafetyRuleBook): SafetyRule[] {
  const ix = drugIndex(book);
  const families = allergyFamilies(book);
  const cross = crossReactive(book, families);
  const words = allergyClassesOf(book);
  return [
    allergyRule('ALG01', 'ingredient', ix, families, cross, words),
    allergyRule('ALG02', 'class', ix, families, cross, words),
    allergyRule('ALG03', 'cross', ix, families, cross, words),
  ];
}

/** The allergy rules over the bundled data files (tests, callers without a release). */
export const ALLERGY_RULES: readonly SafetyRule[] = allergyRules(safetyRulesFromData());
