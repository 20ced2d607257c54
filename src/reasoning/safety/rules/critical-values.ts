import type { Authority, Bilingual, Fact } from '../../../core/index.js';
import { CodeSystems, invalid } from '../../../core/index.js';
import { codesIn, conditions, label, measurements, text } from '../facts.js';
import { CREATININE_LOINC } from '../renal-function.js';
import { type Finding, factEvidence, type RuleParams, type SafetyRule } from '../rule.js';
import { type Analyte, ANALYTE_UNITS, toSi, tryToSi } from '../units.js';

/**
 * Critical values (危急值), cds-rules.md §1. Each hospital defines its own list (HX2018 十四-2), so
 * every threshold is a parameter: `{ population, specimen, method, low?, high? }` with each limit
 * `{ value, unit, inclusive }`, converted to the analyte's SI unit with UCUM (unknown units are
 * rejected, never guessed). The defaults are the file's "author default" column (adult,
 * serum/plasma). A result is evaluated when it falls within `lookbackHours` (default 24) before
 * the state's time; repeats are reported every time unless the hospital sets `firstOnly`.
 */
export interface Limit {
  readonly value: number;
  readonly unit: string;
  readonly inclusive: boolean;
}

export interface Threshold {
  /** `adult` (default), `neonate`, `hematology-oncology`, or a hospital's own population key. */
  readonly population: string;
  readonly specimen?: string;
  readonly method?: string;
  readonly low?: Limit;
  readonly high?: Limit;
}

const AUTHOR_DEFAULT: Authority = {
  name: 'cds-rules.md §1.2 author defaults (Kost 1990; ARUP; Chinese hospital lists); each hospital must set its own list (HX2018 十四-2)',
  document: '../shared/domain/cds-rules.md',
};

interface CvSpec {
  readonly id: string;
  readonly analyte: Analyte;
  readonly title: Bilingual & { zh: string };
  readonly loinc: readonly string[];
  readonly names: readonly string[];
  readonly exclude?: readonly string[];
  readonly thresholds: readonly Threshold[];
  readonly defaultEnabled?: boolean;
}

const le = (value: number, unit: string): Limit => ({ value, unit, inclusive: true });
const lt = (value: number, unit: string): Limit => ({ value, unit, inclusive: false });
const adult = (low?: Limit, high?: Limit, specimen = 'serum/plasma'): Threshold => ({ population: 'adult', specimen, ...(low ? { low } : {}), ...(high ? { high } : {}) });

export const CV_SPECS: readonly CvSpec[] = [
  { id: 'CV-K', analyte: 'potassium', title: { en: 'Critical potassium', zh: '血钾危急值' }, loinc: ['2823-3', '6298-4', '32713-0', '77142-8'], names: ['potassium', '血钾', '钾'], thresholds: [adult(le(2.8, 'mmol/L'), le(6.2, 'mmol/L'))] },
  { id: 'CV-NA', analyte: 'sodium', title: { en: 'Critical sodium', zh: '血钠危急值' }, loinc: ['2951-2', '2947-0', '32717-1', '77139-4'], names: ['sodium', '血钠', '钠'], thresholds: [adult(le(120, 'mmol/L'), le(160, 'mmol/L'))] },
  { id: 'CV-GLU', analyte: 'glucose', title: { en: 'Critical glucose', zh: '血糖危急值' }, loinc: ['2345-7', '2339-0', '15074-8', '14749-6', '74774-1'], names: ['glucose', '血糖', '葡萄糖'], exclude: ['urine', '尿', 'csf', '脑脊液'], thresholds: [adult(le(2.8, 'mmol/L'), le(22.2, 'mmol/L'))] },
  { id: 'CV-CA', analyte: 'calcium', title: { en: 'Critical total calcium', zh: '血钙危急值' }, loinc: ['17861-6', '2000-8', '49765-1'], names: ['calcium', '血钙', '钙'], exclude: ['ionized', 'ionised', '离子', 'free'], thresholds: [adult(le(1.6, 'mmol/L'), le(3.4, 'mmol/L'))] },
  { id: 'CV-ICA', analyte: 'ionized-calcium', title: { en: 'Critical ionized calcium', zh: '离子钙危急值' }, loinc: ['1994-3', '17863-2', '12180-6'], names: ['ionized calcium', 'ionised calcium', 'calcium.ionized', '离子钙', '钙离子'], thresholds: [adult(lt(0.78, 'mmol/L'), lt(1.58, 'mmol/L'))] },
  { id: 'CV-HB', analyte: 'hemoglobin', title: { en: 'Critical hemoglobin', zh: '血红蛋白危急值' }, loinc: ['718-7', '20509-6', '30313-1', '30350-3', '30352-9'], names: ['hemoglobin', 'haemoglobin', '血红蛋白'], exclude: ['a1c', '糖化', 'mean corpuscular', '平均'], thresholds: [adult(le(60, 'g/L'), le(200, 'g/L'), 'whole blood')] },
  { id: 'CV-PLT', analyte: 'platelets', title: { en: 'Critical platelet count', zh: '血小板危急值' }, loinc: ['777-3', '26515-7', '49497-1'], names: ['platelet', '血小板'], exclude: ['mean', 'volume', '平均', '压积', 'distribution'], thresholds: [adult(le(30, '10*9/L'), le(1000, '10*9/L'), 'whole blood'), { population: 'hematology-oncology', specimen: 'whole blood', low: le(20, '10*9/L'), high: le(1000, '10*9/L') }] },
  { id: 'CV-WBC', analyte: 'wbc', title: { en: 'Critical white cell count', zh: '白细胞危急值' }, loinc: ['6690-2', '26464-8', '804-5'], names: ['leukocytes', 'white blood cell', 'wbc', '白细胞'], exclude: ['urine', '尿', 'csf', '脑脊液', 'stool', '粪'], thresholds: [adult(le(2.0, '10*9/L'), le(30, '10*9/L'), 'whole blood'), { population: 'hematology-oncology', specimen: 'whole blood', low: le(0.5, '10*9/L'), high: le(30, '10*9/L') }] },
  { id: 'CV-INR', analyte: 'inr', title: { en: 'Critical INR', zh: 'INR危急值' }, loinc: ['6301-6', '34714-6', '46418-0'], names: ['inr', '国际标准化比值'], thresholds: [adult(undefined, le(5.0, '{INR}'), 'plasma')] },
  { id: 'CV-APTT', analyte: 'aptt', title: { en: 'Critical APTT', zh: 'APTT危急值' }, loinc: ['3173-2', '14979-9'], names: ['aptt', 'activated partial thromboplastin', '活化部分凝血活酶'], thresholds: [adult(undefined, le(90, 's'), 'plasma')] },
  { id: 'CV-FIB', analyte: 'fibrinogen', title: { en: 'Critical fibrinogen', zh: '纤维蛋白原危急值' }, loinc: ['3255-7', '48664-7'], names: ['fibrinogen', '纤维蛋白原'], thresholds: [adult(lt(1.0, 'g/L'), undefined, 'plasma')] },
  { id: 'CV-PH', analyte: 'ph', title: { en: 'Critical arterial pH', zh: '动脉血pH危急值' }, loinc: ['2744-1', '11558-4'], names: ['arterial ph', '动脉血ph', '血气ph'], thresholds: [adult(le(7.2, '[pH]'), le(7.6, '[pH]'), 'arterial blood')] },
  { id: 'CV-PCO2', analyte: 'pco2', title: { en: 'Critical pCO₂', zh: '二氧化碳分压危急值' }, loinc: ['2019-8', '11557-6'], names: ['pco2', '二氧化碳分压'], thresholds: [adult(le(20, 'mm[Hg]'), le(65, 'mm[Hg]'), 'arterial blood')] },
  { id: 'CV-PO2', analyte: 'po2', title: { en: 'Critical pO₂', zh: '氧分压危急值' }, loinc: ['2703-7', '11556-8'], names: ['po2', '氧分压'], thresholds: [adult(le(40, 'mm[Hg]'), undefined, 'arterial blood')] },
  // cds-rules.md: assay-specific, off by default; the ARUP contemporary cTnI limit is the starting value.
  { id: 'CV-TNI', analyte: 'troponin', title: { en: 'Critical troponin (assay-specific)', zh: '肌钙蛋白危急值（按检测方法设定）' }, loinc: ['10839-9', '42757-5', '89579-7', '6598-7', '67151-1'], names: ['troponin', '肌钙蛋白'], thresholds: [{ population: 'adult', specimen: 'serum/plasma', method: 'contemporary cTnI (ARUP)', high: le(0.3, 'ng/mL') }], defaultEnabled: false },
  // cds-rules.md: configurable, no author default; stable dialysis patients excluded. Off until a hospital sets a limit.
  { id: 'CV-CREA', analyte: 'creatinine', title: { en: 'Critical creatinine', zh: '肌酐危急值' }, loinc: CREATININE_LOINC, names: ['creatinine', '肌酐'], exclude: ['clearance', '清除率', 'urine', '尿'], thresholds: [], defaultEnabled: false },
];

function validThresholds(spec: Pick<CvSpec, 'id' | 'analyte'>, raw: unknown): Threshold[] {
  if (!Array.isArray(raw)) throw invalid('thresholds must be a list', { where: spec.id, field: 'params.thresholds' });
  return raw.map((t, i) => {
    const th = t as Threshold;
    const where = `${spec.id} thresholds[${i}]`;
    if (!th || typeof th.population !== 'string') throw invalid('population is required', { where, field: 'population' });
    for (const side of ['low', 'high'] as const) {
      const l = th[side];
      if (l === undefined) continue;
      if (typeof l.value !== 'number' || !Number.isFinite(l.value)) throw invalid('value must be a number', { where, field: `${side}.value` });
      if (typeof l.inclusive !== 'boolean') throw invalid('inclusive must be true or false', { where, field: `${side}.inclusive` });
      toSi(spec.analyte, l.value, l.unit, `${where}.${side}`);
    }
    if (!th.low && !th.high) throw invalid('a threshold needs a low or a high limit', { where });
    return th;
  });
}

/** Checks a hospital's critical-value parameters for a rule (units convertible, limits numeric). Throws a clear error. */
export function validateCriticalParams(ruleId: string, params: RuleParams): void {
  const spec = CV_SPECS.find((s) => s.id === ruleId);
  if (!spec) return;
  if (params.thresholds !== undefined) validThresholds(spec, params.thresholds);
}

function crosses(v: number, limit: Limit, analyte: Analyte, side: 'low' | 'high'): boolean {
  const x = toSi(analyte, limit.value, limit.unit);
  if (side === 'low') return limit.inclusive ? v <= x : v < x;
  return limit.inclusive ? v >= x : v > x;
}

function limitText(l: Limit, side: 'low' | 'high'): string {
  return `${side === 'low' ? (l.inclusive ? '≤' : '<') : l.inclusive ? '≥' : '>'}${l.value} ${l.unit}`;
}

function onDialysis(state: Parameters<SafetyRule['evaluate']>[0]['state']): boolean {
  const dialysis = (f: Fact) => /dialysis|透析/.test(text(f)) || codesIn(f, CodeSystems.icd10).some((c) => c.startsWith('Z99.2') || c.startsWith('N18.6')) || codesIn(f, CodeSystems.snomed).some((c) => ['265764009', '108241001', '238318009', '71192002'].includes(c));
  return conditions(state).some(dialysis) || state.intervention.some((f) => f.category === 'procedure' && f.assertion === 'present' && dialysis(f));
}

function cvRule(spec: CvSpec): SafetyRule {
  return {
    id: spec.id,
    group: 'critical-value',
    title: spec.title,
    severity: 'high',
    source: AUTHOR_DEFAULT,
    defaultEnabled: spec.defaultEnabled ?? true,
    defaults: { thresholds: spec.thresholds, lookbackHours: 24, firstOnly: false, excludeDialysis: spec.analyte === 'creatinine' },
    evaluate({ state, params, now }) {
      const thresholds = validThresholds(spec, params.thresholds);
      const population = typeof params.population === 'string' ? params.population : (state.demographics.age ?? 99) < 28 / 365.25 ? 'neonate' : 'adult';
      const th = thresholds.find((t) => t.population === population) ?? thresholds.find((t) => t.population === 'adult');
      if (!th) return [];
      if (params.excludeDialysis && onDialysis(state)) return [];
      const from = Date.parse(now) - Number(params.lookbackHours ?? 24) * 3_600_000;
      const results = measurements(state, { loinc: spec.loinc, names: spec.names })
        .filter((f) => !spec.exclude?.some((x) => text(f).includes(x)) || codesIn(f, CodeSystems.loinc).some((c) => spec.loinc.includes(c)))
        .filter((f) => f.value && !f.value.comparator)
        .sort((a, b) => (a.time?.start ?? '').localeCompare(b.time?.start ?? ''));
      const out: Finding[] = [];
      let first = true;
      for (const f of results) {
        const t = Date.parse(f.time?.start ?? '');
        if (!Number.isFinite(t) || t < from || t > Date.parse(now)) continue;
        const q = f.value!;
        const si = tryToSi(spec.analyte, q.value, q.unit);
        const lf = label(f);
        if (si === undefined) {
          out.push({
            key: `${f.id}|unit`,
            severity: 'info',
            statement: { en: `${lf.en} ${q.value} ${q.unit} not checked against the critical limits: unit not recognised`, zh: `${lf.zh} ${q.value} ${q.unit} 未做危急值判断：单位无法识别` },
            detail: { en: `Accepted units: ${Object.keys(ANALYTE_UNITS[spec.analyte].from).join(', ')}. The unit is not guessed.`, zh: `可接受单位：${Object.keys(ANALYTE_UNITS[spec.analyte].from).join(', ')}。不猜测单位。` },
            evidence: [factEvidence(f, { en: `${lf.en} ${q.value} ${q.unit}`, zh: `${lf.zh} ${q.value} ${q.unit}` }, 'context')],
            involves: [f.id],
          });
          continue;
        }
        const side = th.low && crosses(si, th.low, spec.analyte, 'low') ? 'low' : th.high && crosses(si, th.high, spec.analyte, 'high') ? 'high' : undefined;
        if (!side) continue;
        if (params.firstOnly && !first) continue;
        first = false;
        const limit = th[side]!;
        const siText = `${Math.round(si * 1000) / 1000} ${ANALYTE_UNITS[spec.analyte].si}`;
        out.push({
          key: f.id,
          statement: { en: `Critical ${side} ${lf.en}: ${q.value} ${q.unit} (limit ${limitText(limit, side)})`, zh: `${lf.zh}危急${side === 'low' ? '低' : '高'}值：${q.value} ${q.unit}（界值${limitText(limit, side)}）` },
          detail: { en: `Notify the responsible physician now; record read-back and action (HX2018 十四-5). SI value ${siText}; threshold population ${th.population}${th.specimen ? `, ${th.specimen}` : ''}.`, zh: `请立即通知主管医师，记录复述确认及处理（HX2018 十四-5）。SI值${siText}；人群${th.population}${th.specimen ? `，${th.specimen}` : ''}。` },
          evidence: [factEvidence(f, { en: `${lf.en} ${q.value} ${q.unit} at ${f.time?.start}`, zh: `${lf.zh} ${q.value} ${q.unit}（${f.time?.start}）` })],
          involves: [f.id],
          concept: f.concept,
          ...(f.time?.start ? { at: f.time.start } : {}),
        });
      }
      return out;
    },
  };
}

const QUAL_LOINC = ['600-7', '606-4', '630-4', '88262-1', '664-3', '11475-1', '543-9'];
const POSITIVE = /positive|growth|isolated|detected|阳性|检出|生长|mrsa|esbl|耐甲氧西林|超广谱/;
const NEGATIVE = /no growth|negative|not detected|阴性|未检出|无细菌生长|无生长/;

/** Qualitative critical results (all ON in cds-rules.md): positive blood/CSF/sterile-site culture or Gram stain, blasts on smear, first AFB, MRSA/ESBL. */
const qualitative: SafetyRule = {
  id: 'CV-QUAL',
  group: 'critical-value',
  title: { en: 'Qualitative critical result (positive culture, blasts, AFB)', zh: '定性危急值（血培养阳性、原始细胞、抗酸杆菌等）' },
  severity: 'high',
  source: AUTHOR_DEFAULT,
  defaults: { lookbackHours: 24 },
  evaluate({ state, params, now }) {
    const from = Date.parse(now) - Number(params.lookbackHours ?? 24) * 3_600_000;
    const out: Finding[] = [];
    const candidates = [
      ...measurements(state, { loinc: QUAL_LOINC, names: ['blood culture', 'csf culture', 'cerebrospinal', 'gram stain', 'blast', 'acid-fast', 'afb', '血培养', '脑脊液培养', '原始细胞', '抗酸', '革兰'] }),
      ...state.phenotype.filter((f) => f.category === 'finding' && /blast|原始细胞|mrsa|esbl/.test(text(f)) && f.assertion === 'present'),
    ];
    for (const f of candidates) {
      const t = Date.parse(f.time?.start ?? '');
      if (!Number.isFinite(t) || t < from || t > Date.parse(now)) continue;
      const v = (f.valueText ?? text(f)).toLowerCase();
      if (NEGATIVE.test(v) || !POSITIVE.test(v)) continue;
      const lf = label(f);
      out.push({
        key: f.id,
        statement: { en: `Critical result: ${lf.en} — ${f.valueText ?? 'positive'}`, zh: `危急值：${lf.zh}——${f.valueText ?? '阳性'}` },
        detail: { en: 'Notify the responsible physician now; record read-back and action (HX2018 十四-5).', zh: '请立即通知主管医师，记录复述确认及处理（HX2018 十四-5）。' },
        evidence: [factEvidence(f, { en: `${lf.en}: ${f.valueText ?? ''}`, zh: `${lf.zh}：${f.valueText ?? ''}` })],
        involves: [f.id],
        concept: f.concept,
        ...(f.time?.start ? { at: f.time.start } : {}),
      });
    }
    return out;
  },
};

export const CRITICAL_VALUE_RULES: readonly SafetyRule[] = [...CV_SPECS.map(cvRule), qualitative];
