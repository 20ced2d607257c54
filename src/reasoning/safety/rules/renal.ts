import type { Authority, Bilingual, Fact } from '../../../core/index.js';
import { type DrugRef, matches } from '../drugs.js';
import { activeMedications, ageYears, isDraft, label } from '../facts.js';
import { type RenalMeasure, renalFunction } from '../renal-function.js';
import { dailyDoseMg } from './dose.js';
import { type Finding, factEvidence, type SafetyRule } from '../rule.js';

/**
 * Renal dose rules RD01–RD09 (cds-rules.md §3), each with the measure its source uses: eGFR
 * (metformin, baclofen) or Cockcroft–Gault CrCl (Beers, enoxaparin label). The Beers rules apply to
 * adults aged 65 and over only, as the file says. When the value cannot be computed (no creatinine,
 * weight, age or sex), an `info` finding says which value is missing instead of staying silent.
 * Thresholds are re-set per hospital with `params.below` (in the rule's own unit).
 */
const FDA_METFORMIN: Authority = { name: 'FDA Drug Safety Communication 2016-04-08 (metformin and kidney function)', url: 'http://www.fda.gov/Drugs/DrugSafety/ucm493244.htm' };
const LOVENOX: Authority = { name: 'Lovenox (enoxaparin) label, renal impairment (secondary summary; verify against the label)', url: 'https://www.droracle.ai/articles/420766/' };
const BEERS19: Authority = { name: 'AGS Beers Criteria 2019', url: 'https://connect.springerpub.com/content/reference-book/978-0-8261-5931-1/back-matter/bmatter0/back-matter/bmatter3' };
const BEERS23_T6: Authority = { name: 'AGS Beers Criteria 2023, Table 6 (renal dosing)', url: 'https://formweb.com/master/showpage.php?dir=iredell&whichpage=153' };
const GABA: Authority = {
  name: 'PMC7489931 Table 1 (adapted from AGS Beers 2019)',
  url: 'https://pmc.ncbi.nlm.nih.gov/articles/PMC7489931/table/T1',
  document: 'the source says "GFR" without naming eGFR or CrCl: the hospital must choose (params.measure); nothing is substituted silently',
};

interface RenalSpec {
  readonly id: string;
  readonly drugs: readonly DrugRef[];
  /** `choose`: the source does not say which; the hospital sets `params.measure` before the rule can run (off until then). */
  readonly measure: RenalMeasure | 'choose';
  readonly below: number;
  readonly beers: boolean;
  readonly title: Bilingual & { zh: string };
  readonly action: Bilingual;
  readonly severity: 'high' | 'moderate';
  readonly source: Authority;
  /** Extra condition on the drug order (analgesic aspirin dose; enoxaparin not yet once daily). */
  readonly accept?: (f: Fact) => boolean;
}

export const RENAL_SPECS: readonly RenalSpec[] = [
  { id: 'RD01', drugs: [{ ingredient: 'metformin' }], measure: 'egfr', below: 45, beers: false, title: { en: 'Metformin with reduced eGFR', zh: '肾功能下降时使用二甲双胍' }, action: { en: 'Contraindicated if eGFR < 30; do not start at eGFR 30–45; on treatment below 45 reassess, stop below 30.', zh: 'eGFR<30禁用；eGFR 30–45不宜起始；治疗中低于45需重新评估，低于30停用。' }, severity: 'moderate', source: FDA_METFORMIN },
  { id: 'RD02', drugs: [{ ingredient: 'enoxaparin' }], measure: 'crcl', below: 30, beers: false, title: { en: 'Enoxaparin with CrCl < 30', zh: 'CrCl<30时使用依诺肝素' }, action: { en: 'CrCl < 30: prophylaxis 30 mg SC once daily; treatment 1 mg/kg SC once daily instead of every 12 h.', zh: 'CrCl<30：预防剂量30 mg皮下每日一次；治疗剂量1 mg/kg皮下每日一次（而非每12小时）。' }, severity: 'moderate', source: LOVENOX, accept: (f) => (f.dosage?.frequency?.perDay ?? 2) > 1 },
  { id: 'RD03', drugs: [{ ingredient: 'nitrofurantoin' }], measure: 'crcl', below: 30, beers: true, title: { en: 'Nitrofurantoin with CrCl < 30 (age ≥ 65)', zh: '老年患者CrCl<30时使用呋喃妥因' }, action: { en: 'Avoid.', zh: '避免使用。' }, severity: 'moderate', source: BEERS19 },
  { id: 'RD04', drugs: [{ class: 'nsaid' }, { ingredient: 'aspirin' }], measure: 'crcl', below: 30, beers: true, title: { en: 'NSAID with CrCl < 30 (age ≥ 65)', zh: '老年患者CrCl<30时使用非甾体抗炎药' }, action: { en: 'Avoid (risk of acute kidney injury and further decline).', zh: '避免使用（急性肾损伤及肾功能进一步下降风险）。' }, severity: 'moderate', source: BEERS23_T6, accept: (f) => !matches(f, { ingredient: 'aspirin' }) || matches(f, { class: 'nsaid' }) || (dailyDoseMg(f) ?? 0) > 325 },
  { id: 'RD05', drugs: [{ ingredient: 'ciprofloxacin' }], measure: 'crcl', below: 30, beers: true, title: { en: 'Ciprofloxacin with CrCl < 30 (age ≥ 65)', zh: '老年患者CrCl<30时使用环丙沙星' }, action: { en: 'Reduce the dose (CNS effects, tendon rupture).', zh: '减量（中枢神经系统反应、肌腱断裂）。' }, severity: 'moderate', source: BEERS23_T6 },
  { id: 'RD06', drugs: [{ ingredient: 'baclofen' }], measure: 'egfr', below: 60, beers: true, title: { en: 'Baclofen with eGFR < 60 (age ≥ 65)', zh: '老年患者eGFR<60时使用巴氯芬' }, action: { en: 'Avoid (encephalopathy).', zh: '避免使用（脑病）。' }, severity: 'moderate', source: BEERS23_T6 },
  { id: 'RD07', drugs: [{ ingredient: 'cimetidine' }], measure: 'crcl', below: 50, beers: true, title: { en: 'Cimetidine with CrCl < 50 (age ≥ 65)', zh: '老年患者CrCl<50时使用西咪替丁' }, action: { en: 'Reduce the dose (mental-status changes).', zh: '减量（精神状态改变）。' }, severity: 'moderate', source: BEERS23_T6 },
  { id: 'RD08', drugs: [{ ingredient: 'amiloride' }], measure: 'crcl', below: 30, beers: true, title: { en: 'Amiloride with CrCl < 30 (age ≥ 65)', zh: '老年患者CrCl<30时使用阿米洛利' }, action: { en: 'Avoid (hyperkalaemia, hyponatraemia).', zh: '避免使用（高钾血症、低钠血症）。' }, severity: 'moderate', source: BEERS23_T6 },
  { id: 'RD09', drugs: [{ class: 'gabapentinoid' }], measure: 'choose', below: 60, beers: true, title: { en: 'Gabapentin/pregabalin with GFR < 60 (age ≥ 65; measure set by the hospital)', zh: '老年患者GFR<60时使用加巴喷丁/普瑞巴林（指标由医院设定）' }, action: { en: 'Reduce the dose or avoid (over-sedation).', zh: '减量或避免使用（过度镇静）。' }, severity: 'moderate', source: GABA },
];

const UNIT: Record<RenalMeasure, string> = { egfr: 'mL/min/1.73 m²', crcl: 'mL/min' };
const NAME: Record<RenalMeasure, Bilingual> = { egfr: { en: 'eGFR', zh: 'eGFR' }, crcl: { en: 'creatinine clearance (Cockcroft–Gault)', zh: '肌酐清除率（Cockcroft–Gault）' } };

function renalRule(spec: RenalSpec): SafetyRule {
  return {
    id: spec.id,
    group: 'renal',
    title: spec.title,
    severity: spec.severity,
    source: spec.source,
    ...(spec.measure === 'choose' ? { defaultEnabled: false } : {}),
    defaults: { below: spec.below, ...(spec.measure === 'choose' ? { measure: null } : {}) },
    evaluate({ state, params }) {
      const measure: RenalMeasure | undefined = spec.measure === 'choose' ? (params.measure === 'egfr' || params.measure === 'crcl' ? params.measure : undefined) : spec.measure;
      if (!measure) return [];
      const meds = activeMedications(state).filter((f) => spec.drugs.some((d) => matches(f, d)) && (!spec.accept || spec.accept(f)));
      if (meds.length === 0) return [];
      const age = ageYears(state);
      if (spec.beers && age !== undefined && age < 65) return [];
      const below = Number(params.below);
      const rf = renalFunction(state, measure);
      const out: Finding[] = [];
      for (const med of meds) {
        const lm = label(med);
        const medEv = factEvidence(med, { en: `On ${lm.en}`, zh: `正在使用${lm.zh}` });
        if (!rf.ok || (spec.beers && age === undefined)) {
          const missing = rf.ok ? ['age'] : rf.missing;
          out.push({
            key: `${med.id}|missing`,
            severity: 'info',
            statement: { en: `Cannot check ${spec.id} for ${lm.en}: ${NAME[measure].en} needs ${missing.join(', ')}`, zh: `无法执行${spec.id}（${lm.zh}）：计算${NAME[measure].zh}缺少${missing.join('、')}` },
            detail: { en: `This rule uses ${NAME[measure].en} as its source does; another measure is not substituted.`, zh: `本规则按来源要求使用${NAME[measure].zh}，不以其他指标代替。` },
            evidence: [medEv, { role: 'missing', statement: { en: `Missing: ${missing.join(', ')}`, zh: `缺少：${missing.join('、')}` }, sources: [] }, ...rf.facts.map((f) => factEvidence(f, { en: 'Available value', zh: '已有数值' }, 'context'))],
            involves: [med.id],
          });
          continue;
        }
        if (rf.value >= below) continue;
        const v = Math.round(rf.value * 10) / 10;
        let severity = spec.severity;
        let detail = spec.action;
        if (spec.id === 'RD01') {
          if (rf.value < 30) severity = 'high';
          detail = rf.value < 30 ? { en: 'eGFR < 30: metformin is contraindicated; stop it.', zh: 'eGFR<30：二甲双胍禁用，请停用。' } : isDraft(med) ? { en: 'eGFR 30–45: do not start metformin.', zh: 'eGFR 30–45：不宜起始二甲双胍。' } : { en: 'eGFR below 45 on treatment: reassess benefit and risk.', zh: '治疗中eGFR低于45：重新评估获益与风险。' };
        }
        out.push({
          key: med.id,
          severity,
          statement: { en: `${spec.title.en}: ${lm.en}, ${NAME[measure].en} ${v} ${UNIT[measure]} (< ${below})`, zh: `${spec.title.zh}：${lm.zh}，${NAME[measure].zh} ${v} ${UNIT[measure]}（<${below}）` },
          detail,
          evidence: [medEv, ...rf.facts.map((f) => factEvidence(f, { en: `${label(f).en} ${f.value?.value} ${f.value?.unit} (${rf.how})`, zh: `${label(f).zh} ${f.value?.value} ${f.value?.unit}（${rf.how}）` }))],
          involves: [med.id],
          suggestions: [{ kind: 'remove', factId: med.id, label: { en: `Remove ${lm.en}`, zh: `撤销${lm.zh}` } }],
        });
      }
      return out;
    },
  };
}

export const RENAL_RULES: readonly SafetyRule[] = RENAL_SPECS.map(renalRule);
