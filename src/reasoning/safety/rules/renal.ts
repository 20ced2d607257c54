import type { Bilingual, Fact } from '../../../core/index.js';
import { type DrugIndex, drugIndex, type DrugRef } from '../drugs.js';
import { activeMedications, ageYears, isDraft, label } from '../facts.js';
import { type RenalMeasure, renalFunction } from '../renal-function.js';
import { dailyDoseMg } from './dose.js';
import { type Finding, factEvidence, type SafetyRule } from '../rule.js';
import { type BookRenalRule, type SafetyRuleBook, type SideRef, safetyRulesFromData } from '../rulebook.js';

/**
 * Renal dose rules as the rule book holds them (knowledge `renal.json`, cds-rules.md §3 RD01–RD09, or
 * a release a curator edited), each with the measure its source uses: eGFR (metformin, baclofen) or
 * Cockcroft–Gault CrCl (Beers, enoxaparin label); `GFR` (RD09) is left to the hospital
 * (`params.measure`, off until set). The Beers rules apply at 65 and over (`minAge`). When the value
 * cannot be computed (no creatinine, weight, age or sex), an `info` finding says which value is
 * missing instead of staying silent. Thresholds are re-set per hospital with `params.below` (in the
 * rule's own unit). Only what data cannot state stays here: the named predicates and band wording.
 */
export const RENAL_PREDICATES: Readonly<Record<string, (f: Fact, ix: DrugIndex) => boolean>> = {
  // Lovenox label: the CrCl < 30 dose is once daily; an order already once daily needs no alert.
  'not-once-daily': (f) => (f.dosage?.frequency?.perDay ?? 2) > 1,
  // Beers 2023 Table 6 lists aspirin among the NSAIDs at analgesic doses; low-dose aspirin does not count.
  'aspirin-above-325-mg-per-day': (f, ix) =>
    !ix.matches(f, { ingredient: 'aspirin' }) || ix.matches(f, { class: 'nsaid' }) || (dailyDoseMg(f) ?? 0) > 325,
};

/** Band wording by value and order (FDA 2016 metformin: contraindicated < 30, do not start 30–45, reassess < 45). */
export const RENAL_DETAILS: Readonly<
  Record<string, (value: number, med: Fact) => { severity?: 'high'; detail: Bilingual }>
> = {
  'metformin-egfr-stages': (value, med) =>
    value < 30
      ? {
          severity: 'high',
          detail: { en: 'eGFR < 30: metformin is contraindicated; stop it.', zh: 'eGFR<30：二甲双胍禁用，请停用。' },
        }
      : isDraft(med)
        ? { detail: { en: 'eGFR 30–45: do not start metformin.', zh: 'eGFR 30–45：不宜起始二甲双胍。' } }
        : {
            detail: {
              en: 'eGFR below 45 on treatment: reassess benefit and risk.',
              zh: '治疗中eGFR低于45：重新评估获益与风险。',
            },
          },
};

const refOf = (s: SideRef): DrugRef => (s.kind === 'class' ? { class: s.id } : { ingredient: s.id });

const UNIT: Record<RenalMeasure, string> = { egfr: 'mL/min/1.73 m²', crcl: 'mL/min' };
const NAME: Record<RenalMeasure, Bilingual> = {
  egfr: { en: 'eGFR', zh: 'eGFR' },
  crcl: { en: 'creatinine clearance (Cockcroft–Gault)', zh: '肌酐清除率（Cockcroft–Gault）' },
};

function renalRule(rule: BookRenalRule, ix: DrugIndex): SafetyRule {
  const spec = rule.edges[0]!;
  // An unknown predicate (a curator's typo) accepts every order: better an extra alert than none.
  const accepts = (f: Fact) =>
    rule.edges.some(
      (e) => ix.matches(f, refOf(e.drug)) && (!e.predicate || (RENAL_PREDICATES[e.predicate]?.(f, ix) ?? true)),
    );
  return {
    id: rule.id,
    group: 'renal',
    title: spec.title,
    severity: spec.severity,
    source: spec.source,
    ...(spec.measure === 'choose' ? { defaultEnabled: false } : {}),
    defaults: { below: spec.below, ...(spec.measure === 'choose' ? { measure: null } : {}) },
    evaluate({ state, params }) {
      const measure: RenalMeasure | undefined =
        spec.measure === 'choose'
          ? params.measure === 'egfr' || params.measure === 'crcl'
            ? params.measure
            : undefined
          : spec.measure;
      if (!measure) return [];
      const meds = activeMedications(state).filter(accepts);
      if (meds.length === 0) return [];
      const age = ageYears(state);
      if (spec.minAge !== undefined && age !== undefined && age < spec.minAge) return [];
      const below = Number(params.below);
      const rf = renalFunction(state, measure);
      const out: Finding[] = [];
      for (const med of meds) {
        const lm = label(med);
        const medEv = factEvidence(med, { en: `On ${lm.en}`, zh: `正在使用${lm.zh}` });
        if (!rf.ok || (spec.minAge !== undefined && age === undefined)) {
          const missing = rf.ok ? ['age'] : rf.missing;
          out.push({
            key: `${med.id}|missing`,
            severity: 'info',
            statement: {
              en: `Cannot check ${rule.id} for ${lm.en}: ${NAME[measure].en} needs ${missing.join(', ')}`,
              zh: `无法执行${rule.id}（${lm.zh}）：计算${NAME[measure].zh}缺少${missing.join('、')}`,
            },
            detail: {
              en: `This rule uses ${NAME[measure].en} as its source does; another measure is not substituted.`,
              zh: `本规则按来源要求使用${NAME[measure].zh}，不以其他指标代替。`,
            },
            evidence: [
              medEv,
              {
                role: 'missing',
                statement: { en: `Missing: ${missing.join(', ')}`, zh: `缺少：${missing.join('、')}` },
                sources: [],
              },
              ...rf.facts.map((f) => factEvidence(f, { en: 'Available value', zh: '已有数值' }, 'context')),
            ],
            involves: [med.id],
          });
          continue;
        }
        if (rf.value >= below) continue;
        const v = Math.round(rf.value * 10) / 10;
        const staged = spec.detail ? RENAL_DETAILS[spec.detail]?.(rf.value, med) : undefined;
        const severity = staged?.severity ?? spec.severity;
        const detail = staged?.detail ?? spec.action;
        out.push({
          key: med.id,
          severity,
          trigger: { param: 'below', value: v, unit: UNIT[measure], threshold: below, direction: 'below' },
          statement: {
            en: `${spec.title.en}: ${lm.en}, ${NAME[measure].en} ${v} ${UNIT[measure]} (< ${below})`,
            zh: `${spec.title.zh}：${lm.zh}，${NAME[measure].zh} ${v} ${UNIT[measure]}（<${below}）`,
          },
          detail,
          evidence: [
            medEv,
            ...rf.facts.map((f) =>
              factEvidence(f, {
                en: `${label(f).en} ${f.value?.value} ${f.value?.unit} (${rf.how})`,
                zh: `${label(f).zh} ${f.value?.value} ${f.value?.unit}（${rf.how}）`,
              }),
            ),
            {
              role: 'context',
              statement: spec.title,
              sources: [],
              knowledge: [{ kind: 'knowledge', edgeId: spec.edgeId, authority: spec.source }],
            },
          ],
          involves: [med.id],
          suggestions: [{ kind: 'remove', factId: med.id, label: { en: `Remove ${lm.en}`, zh: `撤销${lm.zh}` } }],
        });
      }
      return out;
    },
  };
}

export function renalRules(book: SafetyRuleBook): SafetyRule[] {
  const ix = drugIndex(book);
  return book.renal.filter((r) => r.edges.length > 0).map((r) => renalRule(r, ix));
}

export const RENAL_RULES: readonly SafetyRule[] = renalRules(safetyRulesFromData());
