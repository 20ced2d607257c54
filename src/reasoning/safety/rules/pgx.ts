import type { Authority, Bilingual, Fact, Severity } from '../../../core/index.js';
import { type DrugRef, matches } from '../drugs.js';
import { activeMedications, genotypes, label, text } from '../facts.js';
import { type Finding, factEvidence, type SafetyRule, type Suggestion } from '../rule.js';

/**
 * CPIC gene–drug rules PGx01–PGx10 (cds-rules.md §4). They read a genotype/phenotype fact
 * (biology space: e.g. concept "CYP2C19", valueText "Poor Metabolizer"; or "HLA-B*58:01" with
 * "positive"); they never map diplotypes to phenotypes themselves. They fire only when a result is
 * on file, except the label-required pre-test prompts (abacavir, rasburicase).
 */
export type Phenotype = 'poor' | 'intermediate' | 'normal' | 'rapid' | 'ultrarapid' | 'positive' | 'negative' | 'deficient' | 'decreased' | 'possibly-decreased' | 'poor-function' | 'increased' | 'sensitive';

export interface GeneResult {
  readonly fact: Fact;
  readonly gene: string;
  readonly phenotype?: Phenotype;
  readonly activityScore?: number;
}

const GENES = ['hla-b*58:01', 'hla-b*15:02', 'hla-a*31:01', 'hla-b*57:01', 'cyp2c19', 'cyp2d6', 'cyp2c9', 'cyp4f2', 'vkorc1', 'tpmt', 'nudt15', 'dpyd', 'slco1b1', 'g6pd'];

function phenotypeOf(t: string): Phenotype | undefined {
  if (/ultra ?rapid|超快/.test(t)) return 'ultrarapid';
  if (/(likely )?poor metabolizer|慢代谢|弱代谢/.test(t)) return 'poor';
  if (/(likely )?intermediate metabolizer|中间代谢/.test(t)) return 'intermediate';
  if (/poor function/.test(t)) return 'poor-function';
  if (/possibly decreased function/.test(t)) return 'possibly-decreased';
  if (/decreased function|功能降低/.test(t)) return 'decreased';
  if (/increased function/.test(t)) return 'increased';
  if (/rapid metabolizer|快代谢/.test(t)) return 'rapid';
  if (/normal metabolizer|normal function|正常代谢/.test(t)) return 'normal';
  if (/deficien|缺乏|缺陷/.test(t)) return 'deficient';
  if (/sensitiv|敏感/.test(t)) return 'sensitive';
  if (/\bnegative\b|not detected|non-?carrier|阴性|未检出/.test(t)) return 'negative';
  if (/\bpositive\b|carrier|detected|present|阳性|携带|检出/.test(t)) return 'positive';
  return undefined;
}

/** The gene results on file, one per genotype fact (a fact naming several genes gives several). */
export function geneResults(facts: readonly Fact[]): GeneResult[] {
  const out: GeneResult[] = [];
  for (const f of facts) {
    const t = text(f);
    const as = /activity score[^0-9]*([0-9](?:\.[05])?)|\bas\s*([0-9](?:\.[05])?)|活性评分[^0-9]*([0-9](?:\.[05])?)/.exec(t);
    const score = as ? Number(as[1] ?? as[2] ?? as[3]) : undefined;
    const phen = phenotypeOf(t);
    for (const g of GENES) if (t.includes(g)) out.push({ fact: f, gene: g, ...(phen ? { phenotype: phen } : {}), ...(score !== undefined ? { activityScore: score } : {}) });
  }
  return out;
}

interface Verdict {
  readonly severity: Severity;
  readonly statement: Bilingual;
  readonly action: Bilingual;
  readonly results: readonly GeneResult[];
  readonly replaceWith?: Bilingual;
  readonly order?: Bilingual;
}

interface PgxSpec {
  readonly id: string;
  readonly drugs: readonly DrugRef[];
  readonly title: Bilingual & { zh: string };
  readonly severity: Severity;
  readonly source: Authority;
  /** Decides from the gene results (and the medication) whether and how to fire. */
  readonly judge: (results: readonly GeneResult[], med: Fact, now: string) => Verdict | undefined;
}

const find = (rs: readonly GeneResult[], gene: string, ...ph: Phenotype[]) => rs.filter((r) => r.gene === gene && r.phenotype && ph.includes(r.phenotype));
const has = (rs: readonly GeneResult[], gene: string) => rs.some((r) => r.gene === gene);

export const PGX_SPECS: readonly PgxSpec[] = [
  {
    id: 'PGx01', drugs: [{ ingredient: 'clopidogrel' }], title: { en: 'CYP2C19 intermediate/poor metabolizer on clopidogrel', zh: 'CYP2C19中间/慢代谢者使用氯吡格雷' }, severity: 'high',
    source: { name: 'CPIC clopidogrel–CYP2C19 guideline, 2022 update, Table 2', url: 'https://pmc.ncbi.nlm.nih.gov/articles/PMC9287492/table/T2' },
    judge: (rs) => {
      const r = find(rs, 'cyp2c19', 'poor', 'intermediate');
      return r.length ? { severity: 'high', results: r, statement: { en: 'CYP2C19 reduced function: clopidogrel may not protect', zh: 'CYP2C19功能降低：氯吡格雷疗效可能不足' }, action: { en: 'Avoid standard-dose clopidogrel; use prasugrel or ticagrelor at standard dose if not contraindicated.', zh: '避免常规剂量氯吡格雷；如无禁忌，改用常规剂量普拉格雷或替格瑞洛。' }, replaceWith: { en: 'ticagrelor or prasugrel', zh: '替格瑞洛或普拉格雷' } } : undefined;
    },
  },
  {
    id: 'PGx02', drugs: [{ ingredient: 'allopurinol' }], title: { en: 'HLA-B*58:01 carrier on allopurinol', zh: 'HLA-B*58:01携带者使用别嘌醇' }, severity: 'high',
    source: { name: 'CPIC allopurinol–HLA-B guideline 2013 (reaffirmed 2015)', url: 'https://cpicpgx.org/guidelines/guideline-for-allopurinol-and-hla-b/' },
    judge: (rs) => {
      const r = find(rs, 'hla-b*58:01', 'positive');
      return r.length ? { severity: 'high', results: r, statement: { en: 'HLA-B*58:01 positive: allopurinol should not be prescribed (SCAR risk)', zh: 'HLA-B*58:01阳性：不应使用别嘌醇（严重皮肤不良反应风险）' }, action: { en: 'Use an alternative urate-lowering drug.', zh: '改用其他降尿酸药物。' }, replaceWith: { en: 'an alternative urate-lowering drug (e.g. febuxostat)', zh: '其他降尿酸药（如非布司他）' } } : undefined;
    },
  },
  {
    id: 'PGx03', drugs: [{ ingredient: 'carbamazepine' }, { ingredient: 'oxcarbazepine' }], title: { en: 'HLA-B*15:02 / HLA-A*31:01 carrier on carbamazepine/oxcarbazepine', zh: 'HLA-B*15:02/HLA-A*31:01携带者使用卡马西平/奥卡西平' }, severity: 'high',
    source: { name: 'CPIC carbamazepine/oxcarbazepine–HLA-B/HLA-A guideline, 2017 update', url: 'https://pmc.ncbi.nlm.nih.gov/articles/PMC8024462/table/T2' },
    judge: (rs, med, now) => {
      // "If the drug has been taken continuously for more than 3 months without reaction, its use may be cautiously considered."
      const since = med.status !== 'draft' ? med.time?.start : undefined;
      if (since && Date.parse(now) - Date.parse(since) > 90 * 86_400_000) return undefined;
      const b1502 = find(rs, 'hla-b*15:02', 'positive');
      if (b1502.length) return { severity: 'high', results: b1502, statement: { en: 'HLA-B*15:02 positive: do not use carbamazepine or oxcarbazepine (SJS/TEN)', zh: 'HLA-B*15:02阳性：禁用卡马西平或奥卡西平（SJS/TEN）' }, action: { en: 'Choose a non-aromatic anticonvulsant; be cautious with other aromatic anticonvulsants.', zh: '选用非芳香族抗癫痫药；其他芳香族抗癫痫药亦需谨慎。' }, replaceWith: { en: 'a non-aromatic anticonvulsant', zh: '非芳香族抗癫痫药' } };
      const a3101 = find(rs, 'hla-a*31:01', 'positive');
      const bNeg = find(rs, 'hla-b*15:02', 'negative');
      if (a3101.length && matches(med, { ingredient: 'carbamazepine' }) && (bNeg.length || !has(rs, 'hla-b*15:02')))
        return { severity: 'moderate', results: [...a3101, ...bNeg], statement: { en: 'HLA-A*31:01 positive: avoid carbamazepine if alternatives exist', zh: 'HLA-A*31:01阳性：如有替代药物应避免卡马西平' }, action: { en: 'Use an alternative if one exists.', zh: '如有替代药物请换用。' } };
      return undefined;
    },
  },
  {
    id: 'PGx04', drugs: [{ class: 'thiopurine' }], title: { en: 'TPMT/NUDT15 reduced function on a thiopurine', zh: 'TPMT/NUDT15功能降低者使用巯嘌呤类' }, severity: 'high',
    source: { name: 'CPIC thiopurines–TPMT/NUDT15 guideline 2018 + 2024 update', url: 'https://www.pharmgkb.org/guidelineAnnotation/PA166104945' },
    judge: (rs, med) => {
      const pm = [...find(rs, 'tpmt', 'poor'), ...find(rs, 'nudt15', 'poor')];
      if (pm.length) return { severity: 'high', results: pm, statement: { en: 'TPMT/NUDT15 poor metabolizer on a thiopurine', zh: 'TPMT/NUDT15慢代谢者使用巯嘌呤类' }, action: { en: 'Non-malignant condition: use an alternative agent. Malignancy: cut the daily dose 10-fold and give it three times weekly.', zh: '非恶性疾病：换用其他药物；恶性肿瘤：日剂量减为1/10，每周3次。' } };
      const ti = find(rs, 'tpmt', 'intermediate');
      const ni = find(rs, 'nudt15', 'intermediate');
      const tg = matches(med, { ingredient: 'thioguanine' });
      if (ti.length && ni.length) return { severity: 'moderate', results: [...ti, ...ni], statement: { en: 'TPMT and NUDT15 intermediate metabolizer', zh: 'TPMT与NUDT15均为中间代谢者' }, action: { en: 'Start at 20–50 % of the normal dose (CPIC 2024).', zh: '起始剂量为常规剂量的20–50%（CPIC 2024）。' } };
      if (ti.length || ni.length) return { severity: 'moderate', results: [...ti, ...ni], statement: { en: 'TPMT or NUDT15 intermediate metabolizer', zh: 'TPMT或NUDT15中间代谢者' }, action: tg ? { en: 'Start thioguanine at 50–80 % of the normal dose.', zh: '硫鸟嘌呤起始剂量为常规剂量的50–80%。' } : { en: 'Start at 30–80 % of the normal dose.', zh: '起始剂量为常规剂量的30–80%。' } };
      return undefined;
    },
  },
  {
    id: 'PGx05', drugs: [{ class: 'fluoropyrimidine' }], title: { en: 'DPYD reduced activity on a fluoropyrimidine', zh: 'DPYD活性降低者使用氟尿嘧啶类' }, severity: 'high',
    source: { name: 'CPIC fluoropyrimidines–DPYD guideline 2017 (Table 2), AS 1.5 update 2018', url: 'https://pmc.ncbi.nlm.nih.gov/articles/PMC5760397/table/T2' },
    judge: (rs) => {
      const d = rs.filter((r) => r.gene === 'dpyd');
      const pm = d.filter((r) => (r.activityScore !== undefined ? r.activityScore <= 0.5 : r.phenotype === 'poor'));
      if (pm.length) return { severity: 'high', results: pm, statement: { en: 'DPYD poor metabolizer (activity score 0–0.5)', zh: 'DPYD慢代谢者（活性评分0–0.5）' }, action: { en: 'Avoid fluoropyrimidines; at AS 0.5 with no alternative, a strongly reduced dose with early drug monitoring.', zh: '避免氟尿嘧啶类；AS 0.5且无替代时，大幅减量并尽早血药监测。' } };
      const im = d.filter((r) => (r.activityScore !== undefined ? r.activityScore >= 1 && r.activityScore <= 1.5 : r.phenotype === 'intermediate'));
      if (im.length) return { severity: 'moderate', results: im, statement: { en: 'DPYD intermediate metabolizer (activity score 1–1.5)', zh: 'DPYD中间代谢者（活性评分1–1.5）' }, action: { en: 'Reduce the starting dose by 50 %, then titrate on toxicity.', zh: '起始剂量减少50%，再按毒性调整。' } };
      return undefined;
    },
  },
  {
    id: 'PGx06', drugs: [{ ingredient: 'simvastatin' }], title: { en: 'SLCO1B1 reduced function on simvastatin', zh: 'SLCO1B1功能降低者使用辛伐他汀' }, severity: 'moderate',
    source: { name: 'CPIC statins guideline 2022 (SLCO1B1, simvastatin)', url: 'https://pmc.ncbi.nlm.nih.gov/articles/PMC9035072' },
    judge: (rs) => {
      const poor = find(rs, 'slco1b1', 'poor-function', 'poor');
      if (poor.length) return { severity: 'high', results: poor, statement: { en: 'SLCO1B1 poor function: simvastatin myopathy risk', zh: 'SLCO1B1功能差：辛伐他汀肌病风险' }, action: { en: 'Prescribe an alternative statin.', zh: '改用其他他汀。' }, replaceWith: { en: 'an alternative statin (e.g. rosuvastatin, pravastatin)', zh: '其他他汀（如瑞舒伐他汀、普伐他汀）' } };
      const dec = find(rs, 'slco1b1', 'decreased', 'possibly-decreased');
      if (dec.length) return { severity: 'moderate', results: dec, statement: { en: 'SLCO1B1 decreased function: simvastatin myopathy risk', zh: 'SLCO1B1功能降低：辛伐他汀肌病风险' }, action: { en: 'Prescribe an alternative statin; if simvastatin is still warranted, limit the dose to < 20 mg/day.', zh: '改用其他他汀；如仍需辛伐他汀，日剂量<20 mg。' }, replaceWith: { en: 'an alternative statin', zh: '其他他汀' } };
      return undefined;
    },
  },
  {
    id: 'PGx07', drugs: [{ ingredient: 'codeine' }, { ingredient: 'tramadol' }], title: { en: 'CYP2D6 ultrarapid/poor metabolizer on codeine or tramadol', zh: 'CYP2D6超快/慢代谢者使用可待因或曲马多' }, severity: 'high',
    source: { name: 'CPIC opioids–CYP2D6 guideline 2021 (PMID 33387367)', url: 'https://cpicpgx.org/guidelines/guideline-for-codeine-and-cyp2d6' },
    judge: (rs) => {
      const r = find(rs, 'cyp2d6', 'ultrarapid', 'poor');
      if (!r.length) return undefined;
      const um = r[0]!.phenotype === 'ultrarapid';
      return { severity: 'high', results: r, statement: um ? { en: 'CYP2D6 ultrarapid metabolizer: risk of morphine toxicity', zh: 'CYP2D6超快代谢者：吗啡中毒风险' } : { en: 'CYP2D6 poor metabolizer: no analgesia expected', zh: 'CYP2D6慢代谢者：预计无镇痛效果' }, action: { en: 'Avoid codeine and tramadol; use a non-CYP2D6 analgesic.', zh: '避免可待因及曲马多，改用不经CYP2D6代谢的镇痛药。' }, replaceWith: { en: 'a non-CYP2D6 analgesic (e.g. morphine, non-opioid)', zh: '不经CYP2D6代谢的镇痛药（如吗啡、非阿片类）' } };
    },
  },
  {
    id: 'PGx08', drugs: [{ ingredient: 'warfarin' }], title: { en: 'CYP2C9/VKORC1 genotype on file for warfarin dosing', zh: '华法林用药且有CYP2C9/VKORC1基因型' }, severity: 'low',
    source: { name: 'CPIC warfarin guideline 2017', url: 'https://pmc.ncbi.nlm.nih.gov/articles/PMC9014219/table/T3', document: 'ancestry-specific adjustments are not evaluated (ancestry is not in PatientState)' },
    judge: (rs) => {
      const pm = find(rs, 'cyp2c9', 'poor');
      const sens = find(rs, 'vkorc1', 'sensitive', 'positive');
      if (pm.length && sens.length) return { severity: 'moderate', results: [...pm, ...sens], statement: { en: 'CYP2C9 poor metabolizer with VKORC1 sensitivity', zh: 'CYP2C9慢代谢者且VKORC1敏感型' }, action: { en: 'Consider an alternative anticoagulant.', zh: '考虑换用其他抗凝药。' } };
      const any = rs.filter((r) => r.gene === 'cyp2c9' || r.gene === 'vkorc1' || r.gene === 'cyp4f2');
      if (any.length) return { severity: 'low', results: any, statement: { en: 'Warfarin genotype on file', zh: '已有华法林相关基因型' }, action: { en: 'Calculate the dose with a validated pharmacogenetic algorithm (IWPC or Gage; warfarindosing.org).', zh: '使用经验证的药物基因组学算法（IWPC或Gage）计算剂量。' } };
      return undefined;
    },
  },
  {
    id: 'PGx09', drugs: [{ ingredient: 'rasburicase' }], title: { en: 'G6PD deficiency or unknown status with rasburicase', zh: 'G6PD缺乏或状态不明时使用拉布立酶' }, severity: 'high',
    source: { name: 'CPIC rasburicase–G6PD guideline 2014 (PMID 24787449); 2023 expansion (PMID 36049896)', url: 'https://pubmed.ncbi.nlm.nih.gov/24787449/' },
    judge: (rs) => {
      const def = find(rs, 'g6pd', 'deficient');
      if (def.length) return { severity: 'high', results: def, statement: { en: 'G6PD deficient: rasburicase is contraindicated', zh: 'G6PD缺乏：拉布立酶禁用' }, action: { en: 'Do not give (acute haemolysis, methaemoglobinaemia).', zh: '禁用（急性溶血、高铁血红蛋白血症）。' } };
      if (!has(rs, 'g6pd')) return { severity: 'moderate', results: [], statement: { en: 'G6PD status unknown before rasburicase', zh: '使用拉布立酶前G6PD状态不明' }, action: { en: 'Run a quantitative G6PD enzyme assay before use.', zh: '使用前请做G6PD酶活性定量检测。' }, order: { en: 'quantitative G6PD enzyme assay', zh: 'G6PD酶活性定量检测' } };
      return undefined;
    },
  },
  {
    id: 'PGx10', drugs: [{ ingredient: 'abacavir' }], title: { en: 'HLA-B*57:01 positive or unscreened with abacavir', zh: 'HLA-B*57:01阳性或未筛查时使用阿巴卡韦' }, severity: 'high',
    source: { name: 'CPIC abacavir–HLA-B guideline 2012 (reaffirmed 2014); FDA label boxed warning', url: 'https://cpicpgx.org/guidelines/guideline-for-abacavir-and-hla-b/' },
    judge: (rs) => {
      const pos = find(rs, 'hla-b*57:01', 'positive');
      if (pos.length) return { severity: 'high', results: pos, statement: { en: 'HLA-B*57:01 positive: abacavir is contraindicated', zh: 'HLA-B*57:01阳性：阿巴卡韦禁用' }, action: { en: 'Do not use abacavir.', zh: '禁用阿巴卡韦。' } };
      if (!has(rs, 'hla-b*57:01')) return { severity: 'moderate', results: [], statement: { en: 'HLA-B*57:01 not screened before abacavir', zh: '使用阿巴卡韦前未筛查HLA-B*57:01' }, action: { en: 'Screen for HLA-B*57:01 before starting.', zh: '起始前请筛查HLA-B*57:01。' }, order: { en: 'HLA-B*57:01 genotyping', zh: 'HLA-B*57:01基因检测' } };
      return undefined;
    },
  },
];

function pgxRule(spec: PgxSpec): SafetyRule {
  return {
    id: spec.id,
    group: 'pgx',
    title: spec.title,
    severity: spec.severity,
    source: spec.source,
    evaluate({ state, now }) {
      const results = geneResults(genotypes(state));
      const out: Finding[] = [];
      for (const med of activeMedications(state)) {
        if (!spec.drugs.some((d) => matches(med, d))) continue;
        const v = spec.judge(results, med, now);
        if (!v) continue;
        const lm = label(med);
        const suggestions: Suggestion[] = [];
        if (v.replaceWith) suggestions.push({ kind: 'replace', factId: med.id, with: v.replaceWith, label: { en: `Replace ${lm.en} with ${v.replaceWith.en}`, zh: `将${lm.zh}换为${v.replaceWith.zh}` } });
        if (v.order) suggestions.push({ kind: 'order', what: v.order, label: { en: `Order ${v.order.en}`, zh: `开具${v.order.zh}` } });
        if (!v.order) suggestions.push({ kind: 'remove', factId: med.id, label: { en: `Remove ${lm.en}`, zh: `撤销${lm.zh}` } });
        out.push({
          key: med.id,
          severity: v.severity,
          statement: { en: `${v.statement.en} (${lm.en})`, zh: `${v.statement.zh}（${lm.zh}）` },
          detail: v.action,
          evidence: [
            factEvidence(med, { en: `On ${lm.en}`, zh: `正在使用${lm.zh}` }),
            ...v.results.map((r) => factEvidence(r.fact, { en: `Genotype: ${label(r.fact).en}${r.fact.valueText ? ` ${r.fact.valueText}` : ''}`, zh: `基因型：${label(r.fact).zh}${r.fact.valueText ? ` ${r.fact.valueText}` : ''}` })),
            ...(v.results.length === 0 ? [{ role: 'missing' as const, statement: { en: 'No result on file', zh: '无检测结果' }, sources: [] }] : []),
          ],
          involves: [med.id],
          suggestions,
        });
      }
      return out;
    },
  };
}

export const PGX_RULES: readonly SafetyRule[] = PGX_SPECS.map(pgxRule);
