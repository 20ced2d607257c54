import type { Authority, Fact } from '../../../core/index.js';
import { allergyClasses, findAllergens } from '../../../knowledge/index.js';
import { DRUG_CLASSES, type DrugClassId, ingredientsOf, INGREDIENTS } from '../drugs.js';
import { activeMedications, allergies, label, text } from '../facts.js';
import { type Finding, factEvidence, type SafetyRule } from '../rule.js';

/**
 * Drug–allergy checks (qc-rules.md K14): the ordered drug's ingredient is the allergen (S1), it is
 * in the allergen's pharmacological class (S1), or in a known cross-reactive class (S2, warning
 * with an override reason). The qc-rules file marks the class and cross-reactivity tables as common
 * practice, unsourced: use a licensed drug knowledge base in production.
 */
const SOURCE: Authority = {
  name: '病历书写基本规范 (BW2010) 第十二条, 第十八条(四); TJC MM.01.01.01 — matching tables common practice, unsourced',
  document: '../shared/domain/qc-rules.md K14',
};

/** Classes an allergy is recorded against (a narrower list than DRUG_CLASSES: pharmacological families). */
const ALLERGY_CLASSES: readonly DrugClassId[] = ['penicillin', 'cephalosporin', 'carbapenem', 'sulfonamideAntibiotic', 'nsaid', 'aromaticAnticonvulsant', 'statin', 'acei', 'fluoropyrimidine', 'ssri', 'tca', 'triptan', 'ppi'];

/**
 * The allergy classes, the words that name them in allergy text ("青霉素类过敏", "sulfa allergy") and
 * the cross-reactivity between them are knowledge data (data/cds/allergy-classes.json), shared with
 * verify; these are the rule classes of drugs.ts they map to.
 */
const KNOWLEDGE_CLASS: Readonly<Record<string, DrugClassId>> = {
  penicillin: 'penicillin',
  cephalosporin: 'cephalosporin',
  carbapenem: 'carbapenem',
  'sulfonamide-antibiotic': 'sulfonamideAntibiotic',
  nsaid: 'nsaid',
  'aromatic-anticonvulsant': 'aromaticAnticonvulsant',
};

/** Known cross-reactivity between classes (allergen class → drug class): a warning, not a block. */
const CROSS_REACTIVE: readonly [DrugClassId, DrugClassId][] = allergyClasses()
  .crossReactivity.filter((x) => KNOWLEDGE_CLASS[x.from] && KNOWLEDGE_CLASS[x.to])
  .map((x) => [KNOWLEDGE_CLASS[x.from]!, KNOWLEDGE_CLASS[x.to]!]);

function classesOf(f: Fact, allergen: boolean): Set<DrugClassId> {
  const ings = ingredientsOf(f);
  const out = new Set<DrugClassId>();
  for (const c of ALLERGY_CLASSES) if ((DRUG_CLASSES[c].members as readonly string[]).some((m) => ings.has(m as keyof typeof INGREDIENTS))) out.add(c);
  if (allergen) {
    for (const m of findAllergens(text(f))) for (const k of m.classes) if (KNOWLEDGE_CLASS[k]) out.add(KNOWLEDGE_CLASS[k]);
  }
  return out;
}

type Level = 'ingredient' | 'class' | 'cross';

function allergyRule(id: string, level: Level): SafetyRule {
  const titles = {
    ingredient: { en: 'Ordered drug is a documented allergen', zh: '所开药物为已记录过敏原' },
    class: { en: 'Ordered drug in the same class as a documented allergen', zh: '所开药物与已记录过敏原同类' },
    cross: { en: 'Ordered drug in a class cross-reactive with a documented allergen', zh: '所开药物与已记录过敏原存在交叉过敏' },
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
        const medIngs = ingredientsOf(med);
        const medClasses = classesOf(med, false);
        for (const a of algs) {
          const aIngs = ingredientsOf(a);
          const aClasses = classesOf(a, true);
          const sameIng = [...medIngs].find((x) => aIngs.has(x));
          const sameClass = [...medClasses].find((c) => aClasses.has(c));
          const cross = CROSS_REACTIVE.find(([from, to]) => aClasses.has(from) && medClasses.has(to));
          let why: { en: string; zh: string } | undefined;
          if (level === 'ingredient' && sameIng) why = { en: `contains ${INGREDIENTS[sameIng].en[0]}`, zh: `含${INGREDIENTS[sameIng].zh[0]}` };
          else if (level === 'class' && !sameIng && sameClass) why = { en: `both are ${DRUG_CLASSES[sameClass].en}`, zh: `同属${DRUG_CLASSES[sameClass].zh}` };
          else if (level === 'cross' && !sameIng && !sameClass && cross) why = { en: `${DRUG_CLASSES[cross[0]].en} allergy, cross-reactive with ${DRUG_CLASSES[cross[1]].en}`, zh: `${DRUG_CLASSES[cross[0]].zh}过敏，与${DRUG_CLASSES[cross[1]].zh}存在交叉过敏` };
          if (!why) continue;
          const lm = label(med);
          const la = label(a);
          out.push({
            key: `${med.id}|${a.id}`,
            statement: { en: `${lm.en} ordered despite allergy to ${la.en} (${why.en})`, zh: `患者对${la.zh}过敏，仍开具${lm.zh}（${why.zh}）` },
            detail: level === 'cross' ? { en: 'Cross-reactivity warning: confirm or give an override reason.', zh: '交叉过敏警示：请确认或填写超越理由。' } : { en: 'Do not give; choose a drug outside the allergen class.', zh: '请勿使用，改用过敏原类别以外的药物。' },
            evidence: [factEvidence(med, { en: `Ordered ${lm.en}`, zh: `开具${lm.zh}` }), factEvidence(a, { en: `Allergy: ${la.en}`, zh: `过敏：${la.zh}` })],
            involves: [med.id],
            suggestions: [{ kind: 'remove', factId: med.id, label: { en: `Remove ${lm.en}`, zh: `撤销${lm.zh}` } }],
          });
        }
      }
      return out;
    },
  };
}

export const ALLERGY_RULES: readonly SafetyRule[] = [allergyRule('ALG01', 'ingredient'), allergyRule('ALG02', 'class'), allergyRule('ALG03', 'cross')];
