import type { Authority, Fact } from '../../../core/index.js';
import { CodeSystems, invalid } from '../../../core/index.js';
import { codesIn, conditions, label, measurements, text } from '../facts.js';
import { type Finding, factEvidence, type RuleParams, type SafetyRule } from '../rule.js';
import {
  type BookCriticalValue,
  type BookLimit,
  type BookQualitative,
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
 * A critical result that a later result of the same analyte (up to the state's time) shows back
 * inside the critical limits is no longer an instruction to notify now: it comes back as a resolved,
 * informational finding naming the later result (`resolveOnLaterResult`, default on), so the loop's
 * record is still asked for but "立即通知" is not repeated after a normal K⁺ was recorded.
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

/**
 * A critical result a later result shows resolved: informational, no "notify now"; it names the
 * later result as evidence, and reminds that the loop (read-back, notification, action) is still
 * documented for the critical result itself (HX2018 十四-5).
 */
function resolvedFinding(
  f: Fact,
  later: { fact: Fact; value: number; unit: string },
  limit: Limit,
  side: 'low' | 'high',
): Finding {
  const q = f.value!;
  const lf = label(f);
  const when = later.fact.time?.start ?? '';
  const lim = limitText(limit, side);
  const repeat = `${later.value} ${later.unit}`;
  return {
    key: f.id,
    severity: 'info',
    statement: {
      en: `Critical ${side} ${lf.en} ${q.value} ${q.unit} (limit ${lim}) — resolved: ${repeat} at ${when}`,
      zh: `${lf.zh}危急${side === 'low' ? '低' : '高'}值 ${q.value} ${q.unit}（界值${lim}）已复查恢复：${repeat}（${when}）`,
    },
    detail: {
      en:
        'A later result is back inside the critical limits; no notification is due now. Make sure the handling ' +
        'of the critical result (read-back, physician notified, action) is documented (HX2018 XIV-5).',
      zh: '复查结果已回到危急值界限内，现无需再次通知。请确认该危急值的处理（复述确认、通知医师、处理措施）已记录（HX2018 十四-5）。',
    },
    evidence: [
      factEvidence(f, {
        en: `${lf.en} ${q.value} ${q.unit} at ${f.time?.start}`,
        zh: `${lf.zh} ${q.value} ${q.unit}（${f.time?.start}）`,
      }),
      factEvidence(
        later.fact,
        {
          en: `Repeat ${lf.en} ${later.value} ${later.unit} at ${when}`,
          zh: `复查${lf.zh} ${later.value} ${later.unit}（${when}）`,
        },
        'context',
      ),
    ],
    involves: [f.id, later.fact.id],
    concept: f.concept,
    ...(f.time?.start ? { at: f.time.start } : {}),
  };
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
      resolveOnLaterResult: true,
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
      const sideOf = (si: number): 'low' | 'high' | undefined =>
        th.low && crosses(si, th.low, spec.analyte, 'low')
          ? 'low'
          : th.high && crosses(si, th.high, spec.analyte, 'high')
            ? 'high'
            : undefined;
      /** The latest result after `t` (up to now) that is back inside the limit the critical result crossed. */
      const laterResolving = (after: readonly Fact[], t: number, at: string, side: 'low' | 'high') => {
        let found: { fact: Fact; value: number; unit: string } | undefined;
        for (const g of after) {
          const tg = Date.parse(g.time?.start ?? '');
          if (!Number.isFinite(tg) || tg <= t || tg > Date.parse(at)) continue;
          const si = tryToSi(spec.analyte, g.value!.value, g.value!.unit);
          if (si === undefined) continue;
          // The latest result decides: a later critical result on the same side means it is not resolved.
          found = sideOf(si) === side ? undefined : { fact: g, value: g.value!.value, unit: g.value!.unit };
        }
        return found;
      };
      for (const [i, f] of results.entries()) {
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
        const side = sideOf(si);
        if (!side) continue;
        if (params.firstOnly && !first) continue;
        first = false;
        const limit = th[side]!;
        const siText = `${Math.round(si * 1000) / 1000} ${ANALYTE_UNITS[spec.analyte].si}`;
        const later =
          params.resolveOnLaterResult === false ? undefined : laterResolving(results.slice(i + 1), t, now, side);
        if (later) {
          out.push(resolvedFinding(f, later, limit, side));
          continue;
        }
        out.push({
          key: f.id,
          // Compared in SI (the thresholds may be set in another unit): the value and the limit in SI.
          trigger: {
            param: `thresholds.${th.population}.${side}`,
            value: Math.round(si * 1000) / 1000,
            unit: ANALYTE_UNITS[spec.analyte].si,
            threshold: Math.round(toSi(spec.analyte, limit.value, limit.unit) * 1000) / 1000,
            direction: side === 'low' ? 'below' : 'above',
          },
          statement: {
            en: `Critical ${side} ${lf.en}: ${q.value} ${q.unit} (limit ${limitText(limit, side)})`,
            zh: `${lf.zh}危急${side === 'low' ? '低' : '高'}值：${q.value} ${q.unit}（界值${limitText(limit, side)}）`,
          },
          detail: {
            en: `Notify the responsible physician now; record read-back and action (HX2018 XIV-5). SI value ${siText}; threshold population ${th.population}${th.specimen ? `, ${th.specimen}` : ''}.`,
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

const hasWord = (t: string, words: readonly string[]) => words.some((w) => t.includes(w));

/**
 * Qualitative critical results (cds-rules.md §1: positive blood/CSF/sterile-site culture or Gram stain,
 * blasts on a smear, first AFB, MRSA/ESBL), as the rule book's `qualitative` entries say how each is
 * recognised: a result selected by LOINC code or a word of its name is critical when its text has a
 * positive word and no negative one; a present finding naming the entry's words is critical unless its
 * text is negative. One rule (CV-QUAL, switched per hospital); each fact alerts once, for the first entry
 * that recognises it.
 */
function qualitativeRule(entries: readonly BookQualitative[]): SafetyRule {
  return {
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
      const seen = new Set<string>();
      const out: Finding[] = [];
      for (const q of entries.filter((e) => e.enabledByDefault)) {
        const results = measurements(state, {
          ...(q.loinc.length ? { loinc: q.loinc } : {}),
          names: q.names,
        }).filter((f) => {
          const v = (f.valueText ?? text(f)).toLowerCase();
          return hasWord(v, q.positive) && !hasWord(v, q.negative);
        });
        const findings = q.findings.length
          ? state.phenotype.filter((f) => {
              if (f.category !== 'finding' || f.assertion !== 'present') return false;
              const t = text(f).toLowerCase();
              return hasWord(t, q.findings) && !hasWord(t, q.negative);
            })
          : [];
        for (const f of [...results, ...findings]) {
          const t = Date.parse(f.time?.start ?? '');
          if (seen.has(f.id) || !Number.isFinite(t) || t < from || t > Date.parse(now)) continue;
          seen.add(f.id);
          const lf = label(f);
          out.push({
            key: f.id,
            statement: {
              en: `Critical result: ${q.finding.en}: ${lf.en} — ${f.valueText ?? 'positive'}`,
              zh: `危急值：${q.finding.zh}：${lf.zh}——${f.valueText ?? '阳性'}`,
            },
            detail: {
              en: 'Notify the responsible physician now; record read-back and action (HX2018 XIV-5).',
              zh: '请立即通知主管医师，记录复述确认及处理（HX2018 十四-5）。',
            },
            evidence: [factEvidence(f, { en: `${lf.en}: ${f.valueText ?? ''}`, zh: `${lf.zh}：${f.valueText ?? ''}` })],
            involves: [f.id],
            concept: f.concept,
            ...(f.time?.start ? { at: f.time.start } : {}),
          });
        }
      }
      return out;
    },
  };
}

/** The analytes' rules as the rule book holds them (`critical-values.json`, or a release a curator edited), then CV-QUAL. */
export function criticalValueRules(book: SafetyRuleBook): SafetyRule[] {
  return [
    ...book.criticalValues.flatMap((c) => {
      const a = analyteOf(c);
      return a ? [cvRule(c, a)] : [];
    }),
    qualitativeRule(book.qualitative),
  ];
}

export const CRITICAL_VALUE_RULES: readonly SafetyRule[] = criticalValueRules(safetyRulesFromData());
