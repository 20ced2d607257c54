import type { Authority, Bilingual, Fact, Severity } from '../../../core/index.js';
import { type DrugClassId, type DrugRef, type IngredientId, ingredientsOf, matches } from '../drugs.js';
import { activeMedications, isDraft, label } from '../facts.js';
import { type Finding, factEvidence, type SafetyRule, type Suggestion } from '../rule.js';

/**
 * The 24 starter drug–drug interactions of cds-rules.md §2. DDI01–DDI15 are the ONC high-priority
 * pairs (Phansalkar et al., JAMIA 2012, as listed in AJHP 2022 Table 4) and interrupt (S1 → high;
 * DDI07 and DDI11 are S2 in the file and stay S2). Evaluated against every active, home and draft medication.
 */
const ONC: Authority = {
  name: 'ONC high-priority drug–drug interactions (Phansalkar et al., JAMIA 2012)',
  document: 'AJHP 2022 Table 4',
  url: 'https://pmc.ncbi.nlm.nih.gov/articles/PMC9218784/table/T4',
};
const LINDH: Authority = { name: 'Lindh et al., PLoS One 2014', url: 'https://pmc.ncbi.nlm.nih.gov/articles/PMC4022627' };
const PMC2911555: Authority = { name: 'Hazardous drug interactions listed in ≥3 references', url: 'https://pmc.ncbi.nlm.nih.gov/articles/PMC2911555' };
const FDA_PDE5: Authority = {
  name: 'FDA drug labels (openFDA), PDE5 inhibitors',
  url: 'https://api.fda.gov/drug/label.json?search=openfda.generic_name%3A%22Sildenafil%22',
  document: 'contraindication section not read by the rule author; verify',
};

interface DdiSpec {
  readonly id: string;
  readonly a: readonly DrugRef[];
  readonly b: readonly DrugRef[];
  readonly title: Bilingual & { zh: string };
  readonly risk: Bilingual;
  readonly action: Bilingual;
  readonly sev: 'S1' | 'S2';
  readonly source: Authority;
  readonly onc?: number;
  /** Both drugs come from one class (DDI10): any two distinct members. */
  readonly sameClass?: boolean;
  readonly replaceWith?: Bilingual;
  readonly order?: Bilingual;
  /** Extra condition on a matched fact (IV haloperidol only). */
  readonly accept?: (f: Fact) => boolean;
}

const cls = (name: DrugClassId): DrugRef => ({ class: name });
const ing = (name: IngredientId): DrugRef => ({ ingredient: name });

const contraindicated: Bilingual = { en: 'Contraindicated: do not combine; an override needs a reason.', zh: '禁忌联用：如需继续须填写超越理由。' };
const serotonin: Bilingual = { en: 'serotonin syndrome', zh: '5-羟色胺综合征' };

export const DDI_SPECS: readonly DdiSpec[] = [
  { id: 'DDI01', a: [cls('maoi')], b: [cls('ssri')], title: { en: 'MAOI + SSRI', zh: '单胺氧化酶抑制剂 + SSRI' }, risk: serotonin, action: contraindicated, sev: 'S1', source: ONC, onc: 4 },
  { id: 'DDI02', a: [cls('maoi')], b: [cls('tca')], title: { en: 'MAOI + tricyclic antidepressant', zh: '单胺氧化酶抑制剂 + 三环类抗抑郁药' }, risk: { en: 'serotonin syndrome / hypertensive reaction', zh: '5-羟色胺综合征/高血压反应' }, action: contraindicated, sev: 'S1', source: ONC, onc: 7 },
  { id: 'DDI03', a: [cls('maoi')], b: [cls('narcoticMaoi')], title: { en: 'MAOI + narcotic analgesic', zh: '单胺氧化酶抑制剂 + 麻醉性镇痛药' }, risk: { en: 'serotonin syndrome, CNS toxicity', zh: '5-羟色胺综合征、中枢神经毒性' }, action: contraindicated, sev: 'S1', source: ONC, onc: 6 },
  { id: 'DDI04', a: [cls('maoi')], b: [cls('triptan')], title: { en: 'MAOI + triptan', zh: '单胺氧化酶抑制剂 + 曲坦类' }, risk: { en: 'serotonin toxicity / triptan accumulation', zh: '5-羟色胺毒性/曲坦类蓄积' }, action: contraindicated, sev: 'S1', source: ONC, onc: 15 },
  { id: 'DDI05', a: [cls('maoi')], b: [cls('amphetamine')], title: { en: 'MAOI + amphetamine', zh: '单胺氧化酶抑制剂 + 苯丙胺类' }, risk: { en: 'hypertensive crisis', zh: '高血压危象' }, action: contraindicated, sev: 'S1', source: ONC, onc: 1 },
  { id: 'DDI06', a: [ing('tranylcypromine')], b: [ing('procarbazine')], title: { en: 'Tranylcypromine + procarbazine', zh: '反苯环丙胺 + 丙卡巴肼' }, risk: { en: 'hypertensive crisis', zh: '高血压危象' }, action: contraindicated, sev: 'S1', source: ONC, onc: 14 },
  { id: 'DDI07', a: [ing('atazanavir')], b: [cls('ppi')], title: { en: 'Atazanavir + proton pump inhibitor', zh: '阿扎那韦 + 质子泵抑制剂' }, risk: { en: 'reduced atazanavir absorption → HIV treatment failure', zh: '阿扎那韦吸收下降→抗HIV治疗失败' }, action: { en: 'Avoid the combination.', zh: '避免联用。' }, sev: 'S2', source: ONC, onc: 2 },
  { id: 'DDI08', a: [ing('febuxostat')], b: [ing('azathioprine'), ing('mercaptopurine')], title: { en: 'Febuxostat + azathioprine/mercaptopurine', zh: '非布司他 + 硫唑嘌呤/巯嘌呤' }, risk: { en: 'thiopurine toxicity, myelosuppression', zh: '巯嘌呤类毒性、骨髓抑制' }, action: contraindicated, sev: 'S1', source: ONC, onc: 3 },
  { id: 'DDI09', a: [ing('irinotecan')], b: [cls('strongCyp3a4Inhibitor')], title: { en: 'Irinotecan + strong CYP3A4 inhibitor', zh: '伊立替康 + 强效CYP3A4抑制剂' }, risk: { en: 'irinotecan/SN-38 toxicity', zh: '伊立替康/SN-38毒性' }, action: { en: 'Avoid the combination.', zh: '避免联用。' }, sev: 'S1', source: ONC, onc: 5 },
  {
    id: 'DDI10', a: [cls('qtHighRisk')], b: [cls('qtHighRisk')], sameClass: true,
    title: { en: 'Two or more high-risk QT-prolonging agents', zh: '两种及以上高危QT延长药物' }, risk: { en: 'torsades de pointes', zh: '尖端扭转型室速' },
    action: { en: 'Check ECG/QTc and K⁺/Mg²⁺ before continuing.', zh: '继续前请查心电图/QTc及血钾、血镁。' }, sev: 'S1', source: ONC, onc: 8,
    order: { en: 'ECG (QTc), serum potassium and magnesium', zh: '心电图(QTc)、血钾、血镁' },
    // cds-rules.md names *IV* haloperidol; other routes of haloperidol do not count here.
    accept: (f) => !/haloperidol|氟哌啶醇/i.test(`${f.concept.display} ${f.concept.displayZh}`) || /\b(iv|intravenous)\b|静脉/i.test(`${f.dosage?.route ?? ''} ${f.concept.display ?? ''} ${f.concept.displayZh ?? ''}`),
  },
  { id: 'DDI11', a: [ing('ramelteon')], b: [cls('strongCyp1a2Inhibitor')], title: { en: 'Ramelteon + strong CYP1A2 inhibitor', zh: '雷美替胺 + 强效CYP1A2抑制剂' }, risk: { en: 'very large rise in ramelteon exposure', zh: '雷美替胺暴露量大幅升高' }, action: contraindicated, sev: 'S2', source: ONC, onc: 9 },
  { id: 'DDI12', a: [ing('tizanidine')], b: [cls('cyp1a2InhibitorTizanidine')], title: { en: 'Tizanidine + CYP1A2 inhibitor', zh: '替扎尼定 + CYP1A2抑制剂' }, risk: { en: 'hypotension, excessive sedation', zh: '低血压、过度镇静' }, action: contraindicated, sev: 'S1', source: ONC, onc: 13 },
  { id: 'DDI13', a: [cls('hivProteaseInhibitor')], b: [cls('strongCyp3a4Inducer')], title: { en: 'HIV protease inhibitor + strong CYP3A4 inducer', zh: 'HIV蛋白酶抑制剂 + 强效CYP3A4诱导剂' }, risk: { en: 'loss of antiviral efficacy', zh: '抗病毒疗效丧失' }, action: { en: 'Avoid the combination.', zh: '避免联用。' }, sev: 'S1', source: ONC, onc: 10 },
  { id: 'DDI14', a: [cls('simvaLova')], b: [cls('strongCyp3a4Inhibitor'), cls('hivProteaseInhibitor')], title: { en: 'Simvastatin/lovastatin + strong CYP3A4 inhibitor', zh: '辛伐他汀/洛伐他汀 + 强效CYP3A4抑制剂' }, risk: { en: 'rhabdomyolysis', zh: '横纹肌溶解' }, action: contraindicated, sev: 'S1', source: ONC, onc: 11, replaceWith: { en: 'a statin not metabolised by CYP3A4 (e.g. pravastatin, rosuvastatin)', zh: '非CYP3A4代谢的他汀（如普伐他汀、瑞舒伐他汀）' } },
  { id: 'DDI15', a: [cls('ergot')], b: [cls('strongCyp3a4Inhibitor'), cls('hivProteaseInhibitor')], title: { en: 'Ergot alkaloid + strong CYP3A4 inhibitor', zh: '麦角生物碱 + 强效CYP3A4抑制剂' }, risk: { en: 'ergotism, ischaemia', zh: '麦角中毒、缺血' }, action: contraindicated, sev: 'S1', source: ONC, onc: 12 },
  { id: 'DDI16', a: [ing('warfarin')], b: [cls('nsaid')], title: { en: 'Warfarin + NSAID', zh: '华法林 + 非甾体抗炎药' }, risk: { en: 'bleeding (GI); raised anticoagulant sensitivity', zh: '出血（消化道）；抗凝敏感性升高' }, action: { en: 'Prefer an alternative analgesic.', zh: '宜改用其他镇痛药。' }, sev: 'S1', source: LINDH, replaceWith: { en: 'acetaminophen (paracetamol)', zh: '对乙酰氨基酚' } },
  { id: 'DDI17', a: [ing('warfarin')], b: [ing('sulfamethoxazole')], title: { en: 'Warfarin + sulfamethoxazole', zh: '华法林 + 磺胺甲噁唑' }, risk: { en: 'INR rise, bleeding', zh: 'INR升高、出血' }, action: { en: 'Monitor INR or choose another antibiotic.', zh: '监测INR或换用其他抗菌药。' }, sev: 'S2', source: LINDH, order: { en: 'INR', zh: 'INR' } },
  { id: 'DDI18', a: [ing('warfarin')], b: [cls('antiplatelet')], title: { en: 'Warfarin + antiplatelet agent', zh: '华法林 + 抗血小板药' }, risk: { en: 'bleeding', zh: '出血' }, action: { en: 'Confirm the indication for dual therapy.', zh: '确认联合治疗的指征。' }, sev: 'S2', source: PMC2911555 },
  { id: 'DDI19', a: [ing('methotrexate')], b: [cls('nsaid')], title: { en: 'Methotrexate + NSAID', zh: '甲氨蝶呤 + 非甾体抗炎药' }, risk: { en: 'methotrexate toxicity', zh: '甲氨蝶呤毒性' }, action: { en: 'Warn (high-dose methotrexate: avoid).', zh: '警示（大剂量甲氨蝶呤时避免联用）。' }, sev: 'S2', source: PMC2911555 },
  { id: 'DDI20', a: [ing('lithium')], b: [cls('aceiArb')], title: { en: 'Lithium + ACE inhibitor/ARB', zh: '锂盐 + ACEI/ARB' }, risk: { en: 'lithium toxicity', zh: '锂中毒' }, action: { en: 'Monitor the lithium level.', zh: '监测血锂浓度。' }, sev: 'S2', source: PMC2911555, order: { en: 'serum lithium level', zh: '血锂浓度' } },
  { id: 'DDI21', a: [ing('cyclosporine'), ing('itraconazole')], b: [cls('statin')], title: { en: 'Cyclosporine/itraconazole + statin', zh: '环孢素/伊曲康唑 + 他汀' }, risk: { en: 'myopathy', zh: '肌病' }, action: { en: 'Observe statin dose limits.', zh: '遵守他汀剂量上限。' }, sev: 'S2', source: PMC2911555 },
  { id: 'DDI22', a: [ing('amiodarone')], b: [ing('digoxin')], title: { en: 'Amiodarone + digoxin', zh: '胺碘酮 + 地高辛' }, risk: { en: 'digoxin toxicity', zh: '地高辛中毒' }, action: { en: 'Reduce digoxin and monitor its level.', zh: '减少地高辛剂量并监测血药浓度。' }, sev: 'S2', source: PMC2911555, order: { en: 'serum digoxin level', zh: '地高辛血药浓度' } },
  { id: 'DDI23', a: [ing('verapamil')], b: [cls('betaBlocker')], title: { en: 'Verapamil + beta-blocker', zh: '维拉帕米 + β受体阻滞剂' }, risk: { en: 'bradycardia, AV block, hypotension', zh: '心动过缓、房室传导阻滞、低血压' }, action: { en: 'Warn.', zh: '警示。' }, sev: 'S2', source: PMC2911555 },
  { id: 'DDI24', a: [cls('pde5')], b: [cls('nitrate')], title: { en: 'PDE5 inhibitor + organic nitrate', zh: 'PDE5抑制剂 + 硝酸酯类' }, risk: { en: 'severe hypotension', zh: '严重低血压' }, action: contraindicated, sev: 'S1', source: FDA_PDE5 },
];

function severityOf(sev: 'S1' | 'S2'): Severity {
  return sev === 'S1' ? 'high' : 'moderate';
}

function matchesAny(f: Fact, refs: readonly DrugRef[]): boolean {
  return refs.some((r) => matches(f, r));
}

function pairFinding(spec: DdiSpec, x: Fact, y: Fact): Finding {
  const lx = label(x);
  const ly = label(y);
  const suggestions: Suggestion[] = [];
  const target = isDraft(y) || !isDraft(x) ? y : x;
  const tl = label(target);
  if (spec.replaceWith) suggestions.push({ kind: 'replace', factId: target.id, with: spec.replaceWith, label: { en: `Replace ${tl.en} with ${spec.replaceWith.en}`, zh: `将${tl.zh}换为${spec.replaceWith.zh}` } });
  suggestions.push({ kind: 'remove', factId: target.id, label: { en: `Remove ${tl.en}`, zh: `撤销${tl.zh}` } });
  if (spec.order) suggestions.push({ kind: 'order', what: spec.order, label: { en: `Order ${spec.order.en}`, zh: `开具${spec.order.zh}` } });
  return {
    key: [x.id, y.id].sort().join('+'),
    statement: { en: `${spec.title.en}: ${lx.en} with ${ly.en} — risk of ${spec.risk.en}`, zh: `${spec.title.zh}：${lx.zh} 与 ${ly.zh} 联用，风险：${spec.risk.zh}` },
    detail: { en: spec.action.en, zh: spec.action.zh ?? spec.action.en },
    evidence: [factEvidence(x, { en: `On ${lx.en}`, zh: `正在使用 ${lx.zh}` }), factEvidence(y, { en: `On ${ly.en}`, zh: `正在使用 ${ly.zh}` })],
    involves: [x.id, y.id],
    suggestions,
  };
}

function ddiRule(spec: DdiSpec): SafetyRule {
  return {
    id: spec.id,
    group: 'ddi',
    title: spec.title,
    severity: severityOf(spec.sev),
    source: spec.onc ? { ...spec.source, document: `${spec.source.document}, ONC #${spec.onc}` } : spec.source,
    evaluate({ state }) {
      const meds = activeMedications(state).filter((f) => !spec.accept || spec.accept(f));
      const out: Finding[] = [];
      const seen = new Set<string>();
      for (const x of meds) {
        if (!matchesAny(x, spec.a)) continue;
        for (const y of meds) {
          if (x === y || !matchesAny(y, spec.b)) continue;
          // One product counted once; the same drug twice is duplicate therapy, not an interaction.
          if (spec.sameClass && (x.concept.code === y.concept.code || sameIngredients(x, y))) continue;
          const key = [x.id, y.id].sort().join('+');
          if (seen.has(key)) continue;
          seen.add(key);
          out.push(pairFinding(spec, x, y));
        }
      }
      return out;
    },
  };
}

function sameIngredients(x: Fact, y: Fact): boolean {
  const a = [...ingredientsOf(x)].sort().join();
  return a !== '' && a === [...ingredientsOf(y)].sort().join();
}

export const DDI_RULES: readonly SafetyRule[] = DDI_SPECS.map(ddiRule);

/** The ONC high-priority pairs by rule id (for tests and the coverage note). */
export const ONC_PAIRS: readonly string[] = DDI_SPECS.filter((s) => s.onc).map((s) => s.id);
