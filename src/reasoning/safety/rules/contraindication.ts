import type { Authority, Bilingual, Fact } from '../../../core/index.js';
import { CodeSystems } from '../../../core/index.js';
import { type DrugRef, matches } from '../drugs.js';
import { activeMedications, codesIn, conditions, label, text } from '../facts.js';
import { type Finding, factEvidence, type SafetyRule } from '../rule.js';

/**
 * Drug–condition contraindications. cds-rules.md gives none beyond the renal and PGx rules, so this
 * starter set takes the drug–disease pairs of the AGS Beers Criteria 2023 (Table 3) and two drug
 * labels; severities are the rule author's defaults. Replace with a licensed knowledge base.
 */
const BEERS_T3: Authority = { name: 'AGS Beers Criteria 2023, Table 3 (drug–disease interactions)', url: 'https://doi.org/10.1111/jgs.18372' };

interface ConditionMatch {
  readonly icd10?: readonly string[];
  readonly snomed?: readonly string[];
  readonly names: readonly string[];
  readonly label: Bilingual;
}

const HEART_FAILURE: ConditionMatch = { icd10: ['I50'], snomed: ['84114007', '88805009', '42343007', '703272007', '85232009'], names: ['heart failure', '心力衰竭', '心衰'], label: { en: 'heart failure', zh: '心力衰竭' } };
const HFREF: ConditionMatch = { snomed: ['703272007'], names: ['reduced ejection fraction', 'hfref', '射血分数降低'], label: { en: 'heart failure with reduced ejection fraction', zh: '射血分数降低的心力衰竭' } };
const PEPTIC_ULCER: ConditionMatch = { icd10: ['K25', 'K26', 'K27', 'K28'], snomed: ['13200003', '397825006', '51868009'], names: ['peptic ulcer', 'gastric ulcer', 'duodenal ulcer', '消化性溃疡', '胃溃疡', '十二指肠溃疡'], label: { en: 'history of gastric or duodenal ulcer', zh: '胃或十二指肠溃疡史' } };
const ASTHMA: ConditionMatch = { icd10: ['J45', 'J46'], snomed: ['195967001', '233678006'], names: ['asthma', '哮喘'], label: { en: 'asthma', zh: '哮喘' } };
const PREGNANCY: ConditionMatch = { icd10: ['Z33', 'Z34', 'O'], snomed: ['77386006', '72892002'], names: ['pregnan', '妊娠', '怀孕', '孕'], label: { en: 'pregnancy', zh: '妊娠' } };

interface CiSpec {
  readonly id: string;
  readonly drugs: readonly DrugRef[];
  readonly condition: ConditionMatch;
  readonly title: Bilingual & { zh: string };
  readonly severity: 'high' | 'moderate';
  readonly source: Authority;
  readonly action: Bilingual;
}

export const CI_SPECS: readonly CiSpec[] = [
  { id: 'CI01', drugs: [{ class: 'nsaid' }], condition: HEART_FAILURE, title: { en: 'NSAID in heart failure', zh: '心力衰竭患者使用非甾体抗炎药' }, severity: 'moderate', source: BEERS_T3, action: { en: 'Avoid (fluid retention, worsening heart failure).', zh: '避免使用（水钠潴留、心衰加重）。' } },
  { id: 'CI02', drugs: [{ class: 'nondhpCcb' }], condition: HFREF, title: { en: 'Non-dihydropyridine CCB in HFrEF', zh: 'HFrEF患者使用非二氢吡啶类CCB' }, severity: 'moderate', source: BEERS_T3, action: { en: 'Avoid in heart failure with reduced ejection fraction.', zh: '射血分数降低的心衰患者避免使用。' } },
  { id: 'CI03', drugs: [{ class: 'thiazolidinedione' }], condition: HEART_FAILURE, title: { en: 'Thiazolidinedione in heart failure', zh: '心力衰竭患者使用噻唑烷二酮类' }, severity: 'high', source: { name: 'Pioglitazone (Actos) FDA label, boxed warning: contraindicated in NYHA class III/IV heart failure; AGS Beers 2023 Table 3' }, action: { en: 'Avoid; contraindicated in NYHA III/IV heart failure.', zh: '避免使用；NYHA III/IV级心衰禁用。' } },
  { id: 'CI04', drugs: [{ class: 'nsaid' }], condition: PEPTIC_ULCER, title: { en: 'NSAID with a history of peptic ulcer', zh: '消化性溃疡史患者使用非甾体抗炎药' }, severity: 'moderate', source: BEERS_T3, action: { en: 'Avoid unless other options fail and a gastroprotective agent is given.', zh: '除非其他方案无效并联用胃黏膜保护药，否则避免使用。' } },
  { id: 'CI05', drugs: [{ class: 'nonselectiveBetaBlocker' }], condition: ASTHMA, title: { en: 'Non-selective beta-blocker in asthma', zh: '哮喘患者使用非选择性β受体阻滞剂' }, severity: 'high', source: { name: 'Propranolol FDA label, Contraindications: bronchial asthma' }, action: { en: 'Contraindicated (bronchospasm); use a cardioselective agent if a beta-blocker is needed.', zh: '禁用（支气管痉挛）；如需β阻滞剂请选用心脏选择性药物。' } },
  { id: 'CI06', drugs: [{ ingredient: 'warfarin' }], condition: PREGNANCY, title: { en: 'Warfarin in pregnancy', zh: '妊娠期使用华法林' }, severity: 'high', source: { name: 'Warfarin (Coumadin) FDA label, Contraindications: pregnancy, except women with mechanical heart valves' }, action: { en: 'Contraindicated except with mechanical heart valves; consider heparin.', zh: '除机械瓣膜外禁用；考虑肝素。' } },
];

function conditionMatches(f: Fact, m: ConditionMatch): boolean {
  const icd = [...codesIn(f, CodeSystems.icd10), ...codesIn(f, CodeSystems.icd10cn), ...codesIn(f, CodeSystems.icd10cm)];
  if (m.icd10 && icd.some((c) => m.icd10!.some((p) => c.toUpperCase().startsWith(p)))) return true;
  if (m.snomed && codesIn(f, CodeSystems.snomed).some((c) => m.snomed!.includes(c))) return true;
  const t = text(f);
  return m.names.some((n) => t.includes(n));
}

function ciRule(spec: CiSpec): SafetyRule {
  return {
    id: spec.id,
    group: 'contraindication',
    title: spec.title,
    severity: spec.severity,
    source: spec.source,
    evaluate({ state }) {
      const conds = conditions(state).filter((c) => conditionMatches(c, spec.condition));
      if (conds.length === 0) return [];
      const out: Finding[] = [];
      for (const med of activeMedications(state)) {
        if (!spec.drugs.some((d) => matches(med, d))) continue;
        const lm = label(med);
        const cond = conds[0]!;
        out.push({
          key: `${med.id}|${cond.id}`,
          statement: { en: `${spec.title.en}: ${lm.en} with ${label(cond).en}`, zh: `${spec.title.zh}：${lm.zh}，${label(cond).zh}` },
          detail: spec.action,
          evidence: [factEvidence(med, { en: `Ordered ${lm.en}`, zh: `开具${lm.zh}` }), ...conds.map((c) => factEvidence(c, { en: `Condition: ${label(c).en}`, zh: `疾病：${label(c).zh}` }))],
          involves: [med.id],
          suggestions: [{ kind: 'remove', factId: med.id, label: { en: `Remove ${lm.en}`, zh: `撤销${lm.zh}` } }],
        });
      }
      return out;
    },
  };
}

export const CONTRAINDICATION_RULES: readonly SafetyRule[] = CI_SPECS.map(ciRule);
