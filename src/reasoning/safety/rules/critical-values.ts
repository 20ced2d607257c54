import type { Authority, Fact } from '../../../core/index.js';
import { CodeSystems, invalid } from '../../../core/index.js';
import { codesIn, conditions, label, measurements, text } from '../facts.js';
import { type Finding, factEvidence, type RuleParams, type SafetyRule } from '../rule.js';
import {
  type BookCriticalValue,
  type BookLimit,
  type BookThreshold,
  type SafetyRuleBook,
  safetyRulesFromData,
} from '../rulebook.js';
import { type Analyte, ANALYTE_UNITS, toSi, tryToSi } from '../units.js';

/**
 * Critical values (危急值), cds-rules.md §1, as the rule book holds them (`critical-values.json`
 * analytes: LOINC codes, names, UCUM unit, thresholds by population). Each hospital defines its own list (HX2018 十四-2), so
 * every threshold is a parameter: `{ population, specimen, method, low?, high? }` with each limit
 * `{ value, unit, inclusive }`, converted to the analyte's SI unit with UCUM (unknown units are
 * rejected, never guessed). The defaults are the file's "author default" column (adult,
 * serum/plasma). A result is evaluated when it falls within `lookbackHours` (default 24) before
 * the state's time; repeats are reported every time unless the hospital sets `firstOnly`.
 */
export type Limit = BookLimit;
export type Threshold = BookThreshold;

/** CV-QUAL's source: the analytes' rules cite their thresholds' own sources from the rule book. */
const AUTHOR_DEFAULT: Authority = {
  name: 'cds-rules.md §1.2 author defaults (Kost 1990; ARUP; Chinese hospital lists); each hospital must set its own list (HX2018 十四-2)',
  document: 'docs/domain/cds-rules.md',
};

/** The analyte's UCUM table key, if this build has one (a curator's unknown key makes no rule; the consistency test names it). */
const analyteOf = (spec: BookCriticalValue): Analyte | undefined =>
  spec.analyte in ANALYTE_UNITS ? (spec.analyte as Analyte) : undefined;

function validThresholds(spec: { readonly id: string; readonly analyte: Analyte }, raw: unknown): Threshold[] {
  if (!Array.isArray(raw)) throw invalid('thresholds must be a list', { where: spec.id, field: 'params.thresholds' });
  return raw.map((t, i) => {
    const th = t as Threshold;
    const where = `${spec.id} thresholds[${i}]`;
    if (!th || typeof th.population !== 'string')
      throw invalid('population is required', { where, field: 'population' });
    for (const side of ['low', 'high'] as const) {
      const l = th[side];
      if (l === undefined) continue;
      if (typeof l.value !== 'number' || !Number.isFinite(l.value))
        throw invalid('value must be a number', { where, field: `${side}.value` });
      if (typeof l.inclusive !== 'boolean')
        throw invalid('inclusive must be true or false', { where, field: `${side}.inclusive` });
      toSi(spec.analyte, l.value, l.unit, `${where}.${side}`);
    }
    if (!th.low && !th.high) throw invalid('a threshold needs a low or a high limit', { where });
    return th;
  });
}

/** Checks a hospital's critical-value parameters for a rule (units convertible, limits numeric). Throws a clear error. */
export function validateCriticalParams(
  ruleId: string,
  params: RuleParams,
  book: SafetyRuleBook = safetyRulesFromData(),
): void {
  const spec = book.criticalValues.find((s) => s.id === ruleId);
  const analyte = spec && analyteOf(spec);
  if (!spec || !analyte) return;
  if (params.thresholds !== undefined) validThresholds({ id: spec.id, analyte }, params.thresholds);
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
  const dialysis = (f: Fact) =>
    /dialysis|透析/.test(text(f)) ||
    codesIn(f, CodeSystems.icd10).some((c) => c.startsWith('Z99.2') || c.startsWith('N18.6')) ||
    codesIn(f, CodeSystems.snomed).some((c) => ['265764009', '108241001', '238318009', '71192002'].includes(c));
  return (
    conditions(state).some(dialysis) ||
    state.intervention.some((f) => f.category === 'procedure' && f.assertion === 'present' && dialysis(f))
  );
}

function cvRule(book: BookCriticalValue, analyte: Analyte): SafetyRule {
  const spec = { ...book, analyte };
  return {
    id: spec.id,
    group: 'critical-value',
    title: spec.title,
    severity: 'high',
    source: spec.source,
    defaultEnabled: spec.defaultEnabled,
    defaults: {
      thresholds: spec.thresholds,
      lookbackHours: 24,
      firstOnly: false,
      excludeDialysis: spec.analyte === 'creatinine',
    },
    evaluate({ state, params, now }) {
      const thresholds = validThresholds(spec, params.thresholds);
      const population =
        typeof params.population === 'string'
          ? params.population
          : (state.demographics.age ?? 99) < 28 / 365.25
            ? 'neonate'
            : 'adult';
      const th =
        thresholds.find((t) => t.population === population) ?? thresholds.find((t) => t.population === 'adult');
      if (!th) return [];
      if (params.excludeDialysis && onDialysis(state)) return [];
      const from = Date.parse(now) - Number(params.lookbackHours ?? 24) * 3_600_000;
      const results = measurements(state, { loinc: spec.loinc, names: spec.names })
        .filter(
          (f) =>
            !spec.exclude.some((x) => text(f).includes(x)) ||
            codesIn(f, CodeSystems.loinc).some((c) => spec.loinc.includes(c)),
        )
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
            statement: {
              en: `${lf.en} ${q.value} ${q.unit} not checked against the critical limits: unit not recognised`,
              zh: `${lf.zh} ${q.value} ${q.unit} 未做危急值判断：单位无法识别`,
            },
            detail: {
              en: `Accepted units: ${Object.keys(ANALYTE_UNITS[spec.analyte].from).join(', ')}. The unit is not guessed.`,
              zh: `可接受单位：${Object.keys(ANALYTE_UNITS[spec.analyte].from).join(', ')}。不猜测单位。`,
            },
            evidence: [
              factEvidence(f, { en: `${lf.en} ${q.value} ${q.unit}`, zh: `${lf.zh} ${q.value} ${q.unit}` }, 'context'),
            ],
            involves: [f.id],
          });
          continue;
        }
        const side =
          th.low && crosses(si, th.low, spec.analyte, 'low')
            ? 'low'
            : th.high && crosses(si, th.high, spec.analyte, 'high')
              ? 'high'
              : undefined;
        if (!side) continue;
        if (params.firstOnly && !first) continue;
        first = false;
        const limit = th[side]!;
        const siText = `${Math.round(si * 1000) / 1000} ${ANALYTE_UNITS[spec.analyte].si}`;
        out.push({
          key: f.id,
          statement: {
            en: `Critical ${side} ${lf.en}: ${q.value} ${q.unit} (limit ${limitText(limit, side)})`,
            zh: `${lf.zh}危急${side === 'low' ? '低' : '高'}值：${q.value} ${q.unit}（界值${limitText(limit, side)}）`,
          },
          detail: {
            en: `Notify the responsible physician now; record read-back and action (HX2018 十四-5). SI value ${siText}; threshold population ${th.population}${th.specimen ? `, ${th.specimen}` : ''}.`,
            zh: `请立即通知主管医师，记录复述确认及处理（HX2018 十四-5）。SI值${siText}；人群${th.population}${th.specimen ? `，${th.specimen}` : ''}。`,
          },
          evidence: [
            factEvidence(f, {
              en: `${lf.en} ${q.value} ${q.unit} at ${f.time?.start}`,
              zh: `${lf.zh} ${q.value} ${q.unit}（${f.time?.start}）`,
            }),
          ],
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
  title: {
    en: 'Qualitative critical result (positive culture, blasts, AFB)',
    zh: '定性危急值（血培养阳性、原始细胞、抗酸杆菌等）',
  },
  severity: 'high',
  source: AUTHOR_DEFAULT,
  defaults: { lookbackHours: 24 },
  evaluate({ state, params, now }) {
    const from = Date.parse(now) - Number(params.lookbackHours ?? 24) * 3_600_000;
    const out: Finding[] = [];
    const candidates = [
      ...measurements(state, {
        loinc: QUAL_LOINC,
        names: [
          'blood culture',
          'csf culture',
          'cerebrospinal',
          'gram stain',
          'blast',
          'acid-fast',
          'afb',
          '血培养',
          '脑脊液培养',
          '原始细胞',
          '抗酸',
          '革兰',
        ],
      }),
      ...state.phenotype.filter(
        (f) => f.category === 'finding' && /blast|原始细胞|mrsa|esbl/.test(text(f)) && f.assertion === 'present',
      ),
    ];
    for (const f of candidates) {
      const t = Date.parse(f.time?.start ?? '');
      if (!Number.isFinite(t) || t < from || t > Date.parse(now)) continue;
      const v = (f.valueText ?? text(f)).toLowerCase();
      if (NEGATIVE.test(v) || !POSITIVE.test(v)) continue;
      const lf = label(f);
      out.push({
        key: f.id,
        statement: {
          en: `Critical result: ${lf.en} — ${f.valueText ?? 'positive'}`,
          zh: `危急值：${lf.zh}——${f.valueText ?? '阳性'}`,
        },
        detail: {
          en: 'Notify the responsible physician now; record read-back and action (HX2018 十四-5).',
          zh: '请立即通知主管医师，记录复述确认及处理（HX2018 十四-5）。',
        },
        evidence: [factEvidence(f, { en: `${lf.en}: ${f.valueText ?? ''}`, zh: `${lf.zh}：${f.valueText ?? ''}` })],
        involves: [f.id],
        concept: f.concept,
        ...(f.time?.start ? { at: f.time.start } : {}),
      });
    }
    return out;
  },
};

/** The analytes' rules as the rule book holds them (`critical-values.json`, or a release a curator edited), then CV-QUAL. */
export function criticalValueRules(book: SafetyRuleBook): SafetyRule[] {
  return [
    ...book.criticalValues.flatMap((c) => {
      const a = analyteOf(c);
      return a ? [cvRule(c, a)] : [];
    }),
    qualitative,
  ];
}

export const CRITICAL_VALUE_RULES: readonly SafetyRule[] = criticalValueRules(safetyRulesFromData());
