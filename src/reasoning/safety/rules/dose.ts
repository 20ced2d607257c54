import type { Fact, Quantity } from '../../../core/index.js';
import { type DrugIndex, drugIndex } from '../drugs.js';
import { activeMedications, label } from '../facts.js';
import { type Finding, factEvidence, type SafetyRule } from '../rule.js';
import { type BookDoseLimit, type SafetyRuleBook, safetyRulesFromData } from '../rulebook.js';

/**
 * Maximum daily dose checks (adult), as the rule book holds them (knowledge `dose-limits.json`: limits
 * from the product labels each rule cites, or a release a curator edited). A hospital re-thresholds
 * a rule with `params.maxDailyMg`. A daily dose is computed only from a parsed dose and frequency;
 * when either is missing the rule does not guess (no alert).
 */
const MG_PER: Record<string, number> = { mg: 1, g: 1000, ug: 0.001, mcg: 0.001, '[mg]': 1 };

/** mg per day, or undefined when the dose, its unit or the frequency is not known. */
export function dailyDoseMg(f: Fact): number | undefined {
  const dose: Quantity | undefined = f.dosage?.dose;
  const perDay = f.dosage?.frequency?.perDay;
  if (!dose || perDay === undefined) return undefined;
  const factor = MG_PER[dose.unit.toLowerCase()];
  if (factor === undefined) return undefined;
  return dose.value * factor * perDay;
}

function doseRule(spec: BookDoseLimit, ix: DrugIndex): SafetyRule {
  return {
    id: spec.id,
    group: 'dose',
    title: spec.title,
    severity: spec.severity,
    source: spec.source,
    defaults: { maxDailyMg: spec.maxDailyMg },
    evaluate({ state, params }) {
      const max = Number(params.maxDailyMg);
      const out: Finding[] = [];
      for (const med of activeMedications(state)) {
        if (!ix.hasIngredient(med, spec.drug)) continue;
        const daily = dailyDoseMg(med);
        if (daily === undefined || daily <= max) continue;
        const lm = label(med);
        const name = ix.refLabel({ ingredient: spec.drug });
        out.push({
          key: med.id,
          trigger: { param: 'maxDailyMg', value: daily, unit: 'mg/d', threshold: max, direction: 'above' },
          statement: {
            en: `${lm.en}: ${daily} mg/day exceeds the maximum of ${max} mg/day`,
            zh: `${lm.zh}：日剂量${daily} mg，超过上限${max} mg`,
          },
          detail: {
            en: `Reduce the ${name.en} dose to at most ${max} mg/day.`,
            zh: `请将${name.zh}日剂量降至${max} mg以下。`,
          },
          evidence: [
            factEvidence(med, {
              en: `Dose ${med.dosage?.dose?.value} ${med.dosage?.dose?.unit} × ${med.dosage?.frequency?.perDay}/day`,
              zh: `剂量 ${med.dosage?.dose?.value} ${med.dosage?.dose?.unit} × 每日${med.dosage?.frequency?.perDay}次`,
            }),
            {
              role: 'context',
              statement: spec.title,
              sources: [],
              knowledge: [{ kind: 'knowledge', edgeId: spec.edgeId, authority: spec.source }],
            },
          ],
          involves: [med.id],
          suggestions: [
            {
              kind: 'remove',
              factId: med.id,
              label: { en: `Remove ${lm.en} (re-order at a lower dose)`, zh: `撤销${lm.zh}（以较低剂量重开）` },
            },
          ],
        });
      }
      return out;
    },
  };
}

export function doseRules(book: SafetyRuleBook): SafetyRule[] {
  const ix = drugIndex(book);
  return book.doseLimits.map((s) => doseRule(s, ix));
}

export const DOSE_RULES: readonly SafetyRule[] = doseRules(safetyRulesFromData());
