import type { Authority, Bilingual, Fact, Quantity } from '../../../core/index.js';
import { type IngredientId, INGREDIENTS, hasIngredient } from '../drugs.js';
import { activeMedications, label } from '../facts.js';
import { type Finding, factEvidence, type SafetyRule } from '../rule.js';

/**
 * Maximum daily dose checks (adult). cds-rules.md has no dose table; these limits are taken from
 * the product labels named in each rule and are a starter set. A hospital re-thresholds a rule
 * with `params.maxDailyMg`. A daily dose is computed only from a parsed dose and frequency; when
 * either is missing the rule does not guess (no alert).
 */
interface DoseSpec {
  readonly id: string;
  readonly ingredient: IngredientId;
  readonly maxDailyMg: number;
  readonly severity: 'high' | 'moderate';
  readonly source: Authority;
  readonly title: Bilingual & { zh: string };
}

export const DOSE_SPECS: readonly DoseSpec[] = [
  { id: 'DOSE01', ingredient: 'acetaminophen', maxDailyMg: 4000, severity: 'high', source: { name: 'Acetaminophen FDA labels: do not exceed 4,000 mg in 24 hours (FDA 2011 prescription acetaminophen action)' }, title: { en: 'Acetaminophen above 4 g/day', zh: '对乙酰氨基酚日剂量超过4 g' } },
  { id: 'DOSE02', ingredient: 'simvastatin', maxDailyMg: 40, severity: 'moderate', source: { name: 'FDA Drug Safety Communication 2011-06-08: simvastatin 80 mg restricted (myopathy)', url: 'https://www.fda.gov/drugs/drug-safety-and-availability/fda-drug-safety-communication-new-restrictions-contraindications-and-dose-limitations-zocor-simvastatin' }, title: { en: 'Simvastatin above 40 mg/day', zh: '辛伐他汀日剂量超过40 mg' } },
  { id: 'DOSE03', ingredient: 'ibuprofen', maxDailyMg: 3200, severity: 'moderate', source: { name: 'Ibuprofen (Motrin) prescription label: do not exceed 3,200 mg/day' }, title: { en: 'Ibuprofen above 3.2 g/day', zh: '布洛芬日剂量超过3.2 g' } },
  { id: 'DOSE04', ingredient: 'metformin', maxDailyMg: 2550, severity: 'moderate', source: { name: 'Metformin (Glucophage) label: maximum recommended 2,550 mg/day in adults' }, title: { en: 'Metformin above 2,550 mg/day', zh: '二甲双胍日剂量超过2550 mg' } },
];

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

function doseRule(spec: DoseSpec): SafetyRule {
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
        if (!hasIngredient(med, spec.ingredient)) continue;
        const daily = dailyDoseMg(med);
        if (daily === undefined || daily <= max) continue;
        const lm = label(med);
        const name = INGREDIENTS[spec.ingredient];
        out.push({
          key: med.id,
          statement: { en: `${lm.en}: ${daily} mg/day exceeds the maximum of ${max} mg/day`, zh: `${lm.zh}：日剂量${daily} mg，超过上限${max} mg` },
          detail: { en: `Reduce the ${name.en[0]} dose to at most ${max} mg/day.`, zh: `请将${name.zh[0]}日剂量降至${max} mg以下。` },
          evidence: [factEvidence(med, { en: `Dose ${med.dosage?.dose?.value} ${med.dosage?.dose?.unit} × ${med.dosage?.frequency?.perDay}/day`, zh: `剂量 ${med.dosage?.dose?.value} ${med.dosage?.dose?.unit} × 每日${med.dosage?.frequency?.perDay}次` })],
          involves: [med.id],
          suggestions: [{ kind: 'remove', factId: med.id, label: { en: `Remove ${lm.en} (re-order at a lower dose)`, zh: `撤销${lm.zh}（以较低剂量重开）` } }],
        });
      }
      return out;
    },
  };
}

export const DOSE_RULES: readonly SafetyRule[] = DOSE_SPECS.map(doseRule);
