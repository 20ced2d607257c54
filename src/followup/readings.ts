import type { AlertConclusion, Bilingual, Evidence, Fact, PatientState, Severity, Source } from '../core/index.js';
import { CodeSystems, invalid, stableId } from '../core/index.js';
import {
  criticalValueRules,
  evaluateRules,
  type RuleConfiguration,
  type SafetyRule,
  safetyRulesFromData,
} from '../reasoning/index.js';
import type { ReadingKind, ReadingRule, FollowUpRules } from './rules.js';

/**
 * Home readings after discharge (blood pressure, weight, glucose, symptoms, adherence) and the
 * alerts they raise: each reading becomes a patient-reported measurement fact and runs through the
 * same critical-value rules as a laboratory result (reasoning's safety rule book, e.g. CV-GLU), then
 * through the trend and threshold rules of `readings.json` that apply to the patient (the plan says
 * which). An alert is a Conclusion whose evidence is the readings themselves.
 *
 * Windowed rules (a weight rise, a home BP average, missed doses) alert when their condition
 * becomes true, not again at every later reading while it stays true; single-reading rules alert
 * for each reading that crosses.
 */

export type ReadingValue =
  | { readonly kind: 'blood-pressure'; readonly systolic: number; readonly diastolic: number; readonly pulse?: number }
  | { readonly kind: 'weight'; readonly kg: number }
  | { readonly kind: 'glucose'; readonly value: number; readonly unit: 'mmol/L' | 'mg/dL' }
  | { readonly kind: 'symptom'; readonly symptoms: readonly string[]; readonly text?: string }
  | {
      readonly kind: 'adherence';
      /** The drug as the plan lists it: its ATC code where known, and its name. */
      readonly drug: { readonly atc?: string; readonly name: string };
      readonly taken: boolean;
    };

export interface HomeReading {
  readonly id: string;
  readonly patientId: string;
  /** When it was measured (ISO-8601). */
  readonly at: string;
  readonly value: ReadingValue;
  /** Who entered it (`link:<id>` for the patient's own link, or a staff principal). */
  readonly reportedBy?: string;
}

export interface ReadingAlert {
  /** Stable: the rule and the reading that raised it (re-evaluating never duplicates an alert). */
  readonly id: string;
  readonly patientId: string;
  readonly ruleId: string;
  readonly severity: Severity;
  readonly at: string;
  /** The readings behind it, the one that raised it first. */
  readonly readingIds: readonly string[];
  readonly conclusion: AlertConclusion;
}

/** The readings' own source: patient-reported, keyed by the reading's id (the workspace opens it). */
export function readingSource(r: HomeReading): Source {
  return { kind: 'patient-reported', sessionId: `home-reading/${r.id}`, turn: 0, quote: describeReading(r).en };
}

const LOINC: Partial<Record<ReadingKind, { code: string; display: string; displayZh: string }>> = {
  weight: { code: '29463-7', display: 'Body weight', displayZh: '体重' },
  glucose: { code: '2339-0', display: 'Glucose [Mass/volume] in Blood', displayZh: '血糖（家庭自测）' },
  'blood-pressure': { code: '85354-9', display: 'Blood pressure panel', displayZh: '血压' },
};

export function describeReading(r: HomeReading): Bilingual {
  const v = r.value;
  const when = r.at.slice(0, 16).replace('T', ' ');
  switch (v.kind) {
    case 'blood-pressure':
      return {
        en: `Home BP ${v.systolic}/${v.diastolic} mmHg (${when})`,
        zh: `家庭血压 ${v.systolic}/${v.diastolic} mmHg（${when}）`,
      };
    case 'weight':
      return { en: `Weight ${v.kg} kg (${when})`, zh: `体重 ${v.kg} kg（${when}）` };
    case 'glucose':
      return { en: `Home glucose ${v.value} ${v.unit} (${when})`, zh: `自测血糖 ${v.value} ${v.unit}（${when}）` };
    case 'symptom':
      return {
        en: `Reported symptoms: ${v.symptoms.join(', ')}${v.text ? ` — "${v.text}"` : ''} (${when})`,
        zh: `自报症状：${v.symptoms.join('、')}${v.text ? `——“${v.text}”` : ''}（${when}）`,
      };
    case 'adherence':
      return {
        en: `${v.drug.name}: ${v.taken ? 'taken' : 'missed'} (${when})`,
        zh: `${v.drug.name}：${v.taken ? '已服' : '漏服'}（${when}）`,
      };
  }
}

/** A reading as a measurement fact (what the critical-value rules read). */
export function readingFact(r: HomeReading): Fact | undefined {
  const v = r.value;
  if (v.kind !== 'glucose' && v.kind !== 'weight' && v.kind !== 'blood-pressure') return undefined;
  const code = LOINC[v.kind]!;
  return {
    id: stableId('home-reading', r.id),
    patientId: r.patientId,
    category: 'measurement',
    concept: { system: CodeSystems.loinc, ...code },
    assertion: 'present',
    subject: { who: 'patient' },
    value:
      v.kind === 'glucose'
        ? { value: v.value, unit: v.unit }
        : v.kind === 'weight'
          ? { value: v.kg, unit: 'kg' }
          : { value: v.systolic, value2: v.diastolic, unit: 'mm[Hg]' },
    time: { start: r.at },
    qualifiers: { observation: 'home reading' },
    sources: [readingSource(r)],
  };
}

const evidenceOf = (r: HomeReading, role: Evidence['role'] = 'supports'): Evidence => ({
  role,
  statement: describeReading(r),
  factId: stableId('home-reading', r.id),
  sources: [readingSource(r)],
});

/** Checks one reading's values: a clear error naming the field and the reason. */
export function checkReading(r: HomeReading, symptomIds: ReadonlySet<string>): void {
  const v = r.value;
  const range = (field: string, x: number, lo: number, hi: number) => {
    if (!Number.isFinite(x) || x < lo || x > hi)
      throw invalid(`${field} must be between ${lo} and ${hi}`, { field, where: `reading ${r.id}` });
  };
  if (!Number.isFinite(Date.parse(r.at))) throw invalid('at must be an ISO-8601 time', { field: 'at' });
  switch (v.kind) {
    case 'blood-pressure':
      range('systolic', v.systolic, 50, 300);
      range('diastolic', v.diastolic, 20, 200);
      if (v.diastolic >= v.systolic)
        throw invalid('diastolic must be below systolic', { field: 'diastolic', where: `reading ${r.id}` });
      if (v.pulse !== undefined) range('pulse', v.pulse, 20, 250);
      return;
    case 'weight':
      range('kg', v.kg, 2, 400);
      return;
    case 'glucose':
      if (v.unit === 'mmol/L') range('value', v.value, 0.5, 60);
      else range('value', v.value, 9, 1100);
      return;
    case 'symptom':
      for (const s of v.symptoms)
        if (!symptomIds.has(s))
          throw invalid(`unknown symptom '${s}'`, { field: 'symptoms', where: `reading ${r.id}` });
      if (!v.symptoms.length && !v.text?.trim())
        throw invalid('name a symptom or describe it', { field: 'symptoms', where: `reading ${r.id}` });
      return;
    case 'adherence':
      if (!v.drug.name.trim()) throw invalid('name the drug', { field: 'drug.name', where: `reading ${r.id}` });
      return;
  }
}

const mmol = (v: { value: number; unit: 'mmol/L' | 'mg/dL' }) =>
  v.unit === 'mmol/L' ? v.value : Math.round((v.value / 18.016) * 100) / 100;
const DAY = 86_400_000;
const t = (r: HomeReading) => Date.parse(r.at);

/** Whether a rule's condition holds at `r` (with the readings before it), and the readings that show it. */
function holds(rule: ReadingRule, r: HomeReading, history: readonly HomeReading[]): HomeReading[] | undefined {
  const test = rule.test;
  const v = r.value;
  if (v.kind !== rule.reading) return undefined;
  const within = (days: number) => history.filter((h) => t(h) > t(r) - days * DAY && t(h) <= t(r));
  switch (test.type) {
    case 'any': {
      if (v.kind === 'blood-pressure') {
        const high =
          (test.systolicAtLeast !== undefined && v.systolic >= test.systolicAtLeast) ||
          (test.diastolicAtLeast !== undefined && v.diastolic >= test.diastolicAtLeast);
        return high ? [r] : undefined;
      }
      if (v.kind === 'glucose') {
        const g = mmol(v);
        const ok = (test.below === undefined || g < test.below) && (test.atLeast === undefined || g >= test.atLeast);
        return ok ? [r] : undefined;
      }
      return undefined;
    }
    case 'rise': {
      if (v.kind !== 'weight') return undefined;
      const before = history.filter(
        (h) => h.value.kind === 'weight' && t(h) >= t(r) - test.withinDays * DAY && t(h) < t(r),
      );
      const lowest = before.reduce<HomeReading | undefined>(
        (m, h) => (!m || (h.value as { kg: number }).kg < (m.value as { kg: number }).kg ? h : m),
        undefined,
      );
      return lowest && v.kg - (lowest.value as { kg: number }).kg > test.moreThan ? [r, lowest] : undefined;
    }
    case 'mean': {
      const bp = within(test.withinDays).filter((h) => h.value.kind === 'blood-pressure');
      if (bp.length < test.minReadings) return undefined;
      const vals = bp.map((h) => h.value as { systolic: number; diastolic: number });
      const sys = vals.reduce((s, x) => s + x.systolic, 0) / vals.length;
      const dia = vals.reduce((s, x) => s + x.diastolic, 0) / vals.length;
      return sys >= test.systolicAtLeast || dia >= test.diastolicAtLeast
        ? [r, ...bp.filter((h) => h !== r)]
        : undefined;
    }
    case 'symptom':
      return v.kind === 'symptom' && v.symptoms.some((s) => test.symptoms.includes(s)) ? [r] : undefined;
    case 'missed': {
      const missed = within(test.withinDays).filter(
        (h) =>
          h.value.kind === 'adherence' &&
          !h.value.taken &&
          !!h.value.drug.atc &&
          test.atc.some((p) => (h.value as { drug: { atc?: string } }).drug.atc!.startsWith(p)),
      );
      return missed.length >= test.missedAtLeast && missed.includes(r)
        ? [r, ...missed.filter((h) => h !== r)]
        : undefined;
    }
  }
}

const WINDOWED = new Set(['rise', 'mean', 'missed']);

function trendAlert(rule: ReadingRule, readings: readonly HomeReading[], release: string): ReadingAlert {
  const r = readings[0]!;
  const conclusion: AlertConclusion = {
    id: stableId('followup-alert', rule.id, r.id),
    kind: 'alert',
    producer: `followup/${rule.id}`,
    patientId: r.patientId,
    statement: rule.title,
    detail: rule.action,
    severity: rule.severity,
    evidence: [
      ...readings.map((x, i) => evidenceOf(x, i === 0 ? 'supports' : 'context')),
      {
        role: 'context',
        statement: { en: `Rule ${rule.id}: ${rule.citation}`, zh: `规则 ${rule.id}：${rule.citation}` },
        sources: [],
        knowledge: [{ kind: 'knowledge', edgeId: `rule:${rule.id}`, authority: rule.source, releaseId: release }],
      },
    ],
    knowledgeRelease: release,
    model: { used: false, reason: 'rule' },
    createdAt: r.at,
  };
  return {
    id: conclusion.id,
    patientId: r.patientId,
    ruleId: rule.id,
    severity: rule.severity,
    at: r.at,
    readingIds: readings.map((x) => x.id),
    conclusion,
  };
}

export interface EvaluateReadingsInput {
  readonly rules: FollowUpRules;
  /** Every reading of the patient so far (the new ones included), any order. */
  readonly readings: readonly HomeReading[];
  /** Only alerts raised by these readings are returned (default: all readings). */
  readonly newIds?: ReadonlySet<string>;
  /** The reading rules that apply (the plan's `readingRules`); default: those with no `when`. */
  readonly applicable?: readonly string[];
  /** The critical-value rules (default: the bundled rule book's); a release-backed book in the server. */
  readonly criticalRules?: readonly SafetyRule[];
  readonly criticalConfig?: RuleConfiguration;
}

let bundledCritical: readonly SafetyRule[] | undefined;

/** The alerts the readings raise, in time order. Pure. */
export function evaluateReadings(input: EvaluateReadingsInput): ReadingAlert[] {
  const sorted = [...input.readings].sort((a, b) => t(a) - t(b) || a.id.localeCompare(b.id));
  const isNew = (r: HomeReading) => !input.newIds || input.newIds.has(r.id);
  const applicable = new Set(input.applicable ?? input.rules.readings.filter((r) => !r.when).map((r) => r.id));
  const rules = input.rules.readings.filter((r) => applicable.has(r.id));
  const out: ReadingAlert[] = [];
  for (const rule of rules) {
    const ofKind = sorted.filter((r) => r.value.kind === rule.reading);
    let was = false;
    for (const r of ofKind) {
      const history = ofKind.filter((h) => t(h) <= t(r));
      const shown = holds(rule, r, history);
      const fire = WINDOWED.has(rule.test.type) ? !!shown && !was : !!shown;
      was = !!shown;
      if (fire && isNew(r)) out.push(trendAlert(rule, shown!, input.rules.release));
    }
  }
  // The same critical-value rules as a laboratory result, one reading at a time.
  bundledCritical ??= input.criticalRules ? undefined : criticalValueRules(safetyRulesFromData());
  const critical = input.criticalRules ?? bundledCritical ?? [];
  for (const r of sorted.filter(isNew)) {
    const fact = readingFact(r);
    if (!fact) continue;
    const state: PatientState = {
      patientId: r.patientId,
      at: r.at,
      demographics: { sex: 'unknown' },
      phenotype: [fact],
      intervention: [],
      biology: [],
      timeline: [],
      conflicts: [],
    };
    for (const res of evaluateRules(state, critical, {
      now: r.at,
      ...(input.criticalConfig ? { config: input.criticalConfig } : {}),
    })) {
      if (res.conclusion.kind !== 'alert' || res.conclusion.severity === 'info') continue;
      const id = stableId('followup-alert', res.ruleId, r.id);
      out.push({
        id,
        patientId: r.patientId,
        ruleId: res.ruleId,
        severity: res.conclusion.severity,
        at: r.at,
        readingIds: [r.id],
        conclusion: {
          ...res.conclusion,
          id,
          producer: `followup/${res.conclusion.producer}`,
          evidence: [evidenceOf(r), ...res.conclusion.evidence.filter((e) => e.factId !== fact.id)],
        },
      });
    }
  }
  return out.sort((a, b) => Date.parse(a.at) - Date.parse(b.at) || a.ruleId.localeCompare(b.ruleId));
}
