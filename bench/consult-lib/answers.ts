import { readFileSync } from 'node:fs';
import { jsonLines } from './jsonl.js';

/**
 * The answer-reading contract (issue 13) as this benchmark sees it, and the scoring of a reader
 * against the labelled phrasings of bench/data/consult/answers.jsonl. The benchmark only calls the
 * reader; it does not know how it works.
 */
export type AnswerValue = 'yes' | 'no' | 'unknown' | 'partly' | 'other';
export type Lang = 'zh' | 'en';
export type QuestionKind = 'binary' | 'categorical' | 'multi' | 'scale' | 'slot';

export interface ReaderQuestion {
  readonly id: string;
  readonly kind: QuestionKind;
  readonly slot?: string;
  /** The question as the patient saw it (for a model reader's prompt). */
  readonly wording?: { readonly zh: string; readonly en: string };
}

/** What a reader returns (only the fields scored here are typed; the rest is kept for the failure list). */
export interface Reading {
  readonly value: AnswerValue;
  readonly present: readonly string[];
  readonly absent: readonly string[];
  readonly duration?: unknown;
  readonly severity?: unknown;
  readonly site?: unknown;
  readonly extra?: unknown;
}

export type Reader = (question: ReaderQuestion, text: string, lang: Lang) => Reading | Promise<Reading>;

export interface QuestionSpec {
  readonly kind: QuestionKind;
  readonly slot?: string;
  readonly zh: string;
  readonly en: string;
  readonly tolerate?: readonly string[];
}

export type Unit = 'min' | 'h' | 'd' | 'w' | 'mo' | 'y';

export interface AnswerItem {
  readonly id: string;
  readonly category: string;
  readonly lang: Lang;
  readonly question: string;
  readonly text: string;
  readonly value: AnswerValue;
  readonly present?: readonly string[];
  readonly absent?: readonly string[];
  readonly tolerate?: readonly string[];
  readonly duration?: { readonly value: number; readonly unit: Unit };
  readonly severity?: 'mild' | 'moderate' | 'severe';
  readonly site?: readonly string[];
}

const VALUES: readonly string[] = ['yes', 'no', 'unknown', 'partly', 'other'];
const KINDS: readonly string[] = ['binary', 'categorical', 'multi', 'scale', 'slot'];
const UNITS: readonly string[] = ['min', 'h', 'd', 'w', 'mo', 'y'];
const SEVERITIES: readonly string[] = ['mild', 'moderate', 'severe'];

const fail = (where: string, field: string, why: string): never => {
  throw new Error(`${where}: ${field} ${why}`);
};
const isStrings = (v: unknown): v is string[] =>
  Array.isArray(v) && v.every((x) => typeof x === 'string' && x.length > 0);

export function parseQuestions(text: string, where = 'questions.json'): Map<string, QuestionSpec> {
  let doc: unknown;
  try {
    doc = JSON.parse(text);
  } catch (e) {
    throw new Error(`${where}: not JSON (${(e as Error).message})`);
  }
  const qs = (doc as { questions?: unknown }).questions;
  if (!qs || typeof qs !== 'object') fail(where, 'questions', 'must be an object of id → question');
  const out = new Map<string, QuestionSpec>();
  for (const [id, q] of Object.entries(qs as Record<string, Record<string, unknown>>)) {
    const at = `${where} ${id}`;
    if (!KINDS.includes(q.kind as string)) fail(at, 'kind', `must be one of ${KINDS.join(', ')}`);
    if (typeof q.zh !== 'string' || typeof q.en !== 'string')
      fail(at, 'zh/en', 'must give the question in both languages');
    if (q.kind === 'slot' && typeof q.slot !== 'string') fail(at, 'slot', 'is required for a slot question');
    if (q.tolerate !== undefined && !isStrings(q.tolerate)) fail(at, 'tolerate', 'must be a list of finding ids');
    out.set(id, q as unknown as QuestionSpec);
  }
  return out;
}

/**
 * The questions a set's items bring with them: an item may ask a binary question that is not in
 * questions.json (a network evidence such as `E_162`, or `red-flag:<flag id>`) by giving its wording
 * in `ask: {kind: 'binary', zh, en}`. Returns the list with those added; an `ask` that contradicts a
 * listed question, or another item's `ask` for the same id, is an error naming the line.
 */
export function withItemQuestions(
  text: string,
  questions: ReadonlyMap<string, QuestionSpec>,
  where = 'answers.jsonl',
): Map<string, QuestionSpec> {
  const out = new Map(questions);
  const asked = new Map<string, string>();
  for (const { at, o } of jsonLines(text, where)) {
    if (o.ask === undefined) continue;
    const a = o.ask as Record<string, unknown>;
    if (!a || typeof a !== 'object') fail(at, 'ask', 'must be an object {kind, zh, en}');
    if (a.kind !== 'binary') fail(at, 'ask.kind', "must be 'binary'");
    if (typeof a.zh !== 'string' || !a.zh || typeof a.en !== 'string' || !a.en)
      fail(at, 'ask.zh/en', 'must give the question in both languages');
    if (typeof o.question !== 'string' || !o.question) fail(at, 'question', 'is required with ask');
    const id = o.question as string;
    const key = `${a.zh}\u0000${a.en}`;
    const listed = questions.get(id);
    if (listed && (listed.kind !== 'binary' || listed.zh !== a.zh || listed.en !== a.en))
      fail(at, 'ask', `differs from question '${id}' in the question list`);
    if (asked.has(id) && asked.get(id) !== key) fail(at, 'ask', `differs from an earlier ask for '${id}'`);
    asked.set(id, key);
    if (!listed) out.set(id, { kind: 'binary', zh: a.zh as string, en: a.en as string });
  }
  return out;
}

export function parseAnswerItems(
  text: string,
  questions: ReadonlyMap<string, QuestionSpec>,
  where = 'answers.jsonl',
): AnswerItem[] {
  const items: AnswerItem[] = [];
  for (const { at, o } of jsonLines(text, where)) {
    if (typeof o.category !== 'string' || !o.category) fail(at, 'category', 'is required');
    if (o.lang !== 'zh' && o.lang !== 'en') fail(at, 'lang', "must be 'zh' or 'en'");
    if (typeof o.question !== 'string' || !questions.has(o.question))
      fail(at, 'question', `'${String(o.question)}' is not in the question list`);
    if (typeof o.text !== 'string' || !o.text.trim()) fail(at, 'text', 'is required');
    if (!VALUES.includes(o.value as string)) fail(at, 'value', `must be one of ${VALUES.join(', ')}`);
    for (const f of ['present', 'absent', 'tolerate', 'site'] as const)
      if (o[f] !== undefined && !isStrings(o[f])) fail(at, f, 'must be a list of non-empty strings');
    if (o.duration !== undefined) {
      const d = o.duration as { value?: unknown; unit?: unknown };
      if (typeof d.value !== 'number' || !(d.value > 0) || !UNITS.includes(d.unit as string))
        fail(at, 'duration', `must be {value > 0, unit: ${UNITS.join('|')}}`);
    }
    if (o.severity !== undefined && !SEVERITIES.includes(o.severity as string))
      fail(at, 'severity', `must be one of ${SEVERITIES.join(', ')}`);
    items.push(o as unknown as AnswerItem);
  }
  if (items.length === 0) throw new Error(`${where}: no items`);
  return items;
}

export function loadAnswerSet(
  answersPath: string,
  questionsPath: string,
): { questions: Map<string, QuestionSpec>; items: AnswerItem[] } {
  const questions = parseQuestions(readFileSync(questionsPath, 'utf8'), questionsPath);
  return { questions, items: parseAnswerItems(readFileSync(answersPath, 'utf8'), questions, answersPath) };
}

// ── normalisation of a reader's output ─────────────────────────────────────────────────────────

/** A network finding id without its knowledge-base prefix (`ddxplus:E_91` → `E_91`). */
export const bareId = (id: string): string => id.replace(/^ddxplus:/, '');

const matches = (id: string, pattern: string): boolean =>
  pattern.endsWith('*') ? id.startsWith(pattern.slice(0, -1)) : id === pattern;

/** Findings that belong to the question itself (its finding, its options `E_55@V_…`, `E_56≥5`). */
const ownFinding = (id: string, question: string): boolean =>
  id === question || id.startsWith(`${question}@`) || id.startsWith(`${question}≥`);

/** The other findings of a list: bare ids, without the question's own (under any of its ids) and the tolerated ones. */
export function otherFindings(
  ids: readonly string[] | undefined,
  question: string | readonly string[],
  tolerate: readonly string[],
): string[] {
  const own = (typeof question === 'string' ? [question] : question).map(bareId);
  return [...new Set((ids ?? []).map(bareId))]
    .filter((id) => !own.some((q) => ownFinding(id, q)) && !tolerate.some((p) => matches(id, p)))
    .sort();
}

const DAYS: Record<Unit, number> = { min: 1 / 1440, h: 1 / 24, d: 1, w: 7, mo: 30, y: 365 };

const UNIT_WORDS: readonly [RegExp, Unit][] = [
  [/^(min|mins|minute|minutes|分钟|分)$/i, 'min'],
  [/^(h|hr|hrs|hour|hours|小时|个小时|钟头|个钟头)$/i, 'h'],
  [/^(d|day|days|天|日)$/i, 'd'],
  [/^(w|wk|wks|week|weeks|周|星期|个星期|礼拜|个礼拜)$/i, 'w'],
  [/^(mo|mon|mos|month|months|月|个月)$/i, 'mo'],
  [/^(y|yr|yrs|year|years|年)$/i, 'y'],
];

/** ISO 8601 duration (P3D, PT2H, P1W, P1Y6M) in days. */
function isoDays(s: string): number | undefined {
  const m =
    /^P(?:(\d+(?:\.\d+)?)Y)?(?:(\d+(?:\.\d+)?)M)?(?:(\d+(?:\.\d+)?)W)?(?:(\d+(?:\.\d+)?)D)?(?:T(?:(\d+(?:\.\d+)?)H)?(?:(\d+(?:\.\d+)?)M)?(?:(\d+(?:\.\d+)?)S)?)?$/.exec(
      s.trim(),
    );
  if (!m || s.trim() === 'P' || s.trim() === 'PT') return undefined;
  const n = (i: number) => Number(m[i] ?? 0);
  return n(1) * 365 + n(2) * 30 + n(3) * 7 + n(4) + n(5) / 24 + n(6) / 1440 + n(7) / 86400;
}

/** A reader's duration in days, whatever reasonable shape it has ({value, unit}, ISO string, {iso}, {days}). */
export function durationDays(d: unknown): number | undefined {
  if (d == null) return undefined;
  if (typeof d === 'string') return isoDays(d);
  if (typeof d !== 'object') return undefined;
  const o = d as Record<string, unknown>;
  if (typeof o.value === 'number' && typeof o.unit === 'string') {
    const u = UNIT_WORDS.find(([re]) => re.test((o.unit as string).trim()))?.[1];
    if (u) return o.value * DAYS[u];
  }
  for (const k of ['iso', 'iso8601', 'code']) if (typeof o[k] === 'string') return isoDays(o[k] as string);
  if (typeof o.days === 'number') return o.days;
  if (typeof o.hours === 'number') return o.hours / 24;
  return undefined;
}

export const itemDays = (d: { value: number; unit: Unit }): number => d.value * DAYS[d.unit];

/** Severity class of a reader's output: a 0–10 number by Serlin et al. 1995 (1–4 mild, 5–6 moderate, 7–10 severe), or words. */
export function severityClass(s: unknown): 'mild' | 'moderate' | 'severe' | undefined {
  if (s == null) return undefined;
  if (typeof s === 'number') return s <= 0 ? undefined : s <= 4 ? 'mild' : s <= 6 ? 'moderate' : 'severe';
  if (typeof s === 'string') {
    const t = s.toLowerCase();
    if (/^\d+(\.\d+)?$/.test(t)) return severityClass(Number(t));
    if (/severe|intense|worst|重|剧|厉害|high/.test(t)) return 'severe';
    if (/moderate|medium|中/.test(t)) return 'moderate';
    if (/mild|slight|light|low|轻|微/.test(t)) return 'mild';
    return undefined;
  }
  if (typeof s === 'object') {
    const o = s as Record<string, unknown>;
    for (const k of ['level', 'grade', 'class', 'category', 'value', 'score', 'nrs']) {
      const c = severityClass(o[k]);
      if (c) return c;
    }
  }
  return undefined;
}

const siteText = (s: unknown): string => (s == null ? '' : typeof s === 'string' ? s : JSON.stringify(s)).toLowerCase();

// ── scoring ────────────────────────────────────────────────────────────────────────────────────

export interface ItemResult {
  readonly item: AnswerItem;
  readonly got?: Reading;
  readonly error?: string;
  readonly valueOk: boolean;
  readonly findingsOk: boolean;
  readonly expected: { readonly present: string[]; readonly absent: string[] };
  readonly otherGot: { readonly present: string[]; readonly absent: string[] };
  readonly durationOk?: boolean;
  readonly severityOk?: boolean;
  readonly siteOk?: boolean;
}

/** DDXPlus codes every pain as E_53 'pain' with its site, character, radiation, intensity and onset options. */
export const PAIN_GENERIC: readonly string[] = ['E_53', 'E_55@*', 'E_54@*', 'E_57@*', 'E_56*', 'E_58*', 'E_59*'];
/** Specific painful findings (sore throat, diffuse muscle pain, pleuritic pain, chest pain at rest, jaw pain). */
const PAINFUL: ReadonlySet<string> = new Set(['E_97', 'E_144', 'E_220', 'E_14', 'E_38']);

/** Scores one reading; `askedAs` is the id the reader was given when it differs from the item's (`ddxplus:E_201`, `rf:chest-pain`). */
export function scoreItem(
  item: AnswerItem,
  spec: QuestionSpec,
  got: Reading | undefined,
  error?: string,
  askedAs?: string,
): ItemResult {
  // The generic pain finding is implied by any specific painful finding the item names: neither required nor forbidden.
  const painNamed = [...(item.present ?? []), ...(item.absent ?? [])].some((id) => PAINFUL.has(id));
  const tolerate = [...(spec.tolerate ?? []), ...(item.tolerate ?? []), ...(painNamed ? PAIN_GENERIC : [])];
  const own = askedAs ? [item.question, askedAs] : [item.question];
  const expected = {
    present: otherFindings(item.present, own, tolerate),
    absent: otherFindings(item.absent, own, tolerate),
  };
  const otherGot = {
    present: otherFindings(got?.present, own, tolerate),
    absent: otherFindings(got?.absent, own, tolerate),
  };
  const same = (a: readonly string[], b: readonly string[]) => a.length === b.length && a.every((x, i) => x === b[i]);
  const days = got ? durationDays(got.duration) : undefined;
  // A range read as a range ("三四天" → 3 to 4 days) matches a label anywhere inside it (README: ranges are labelled
  // by their lower bound in the dev sets and by their midpoint in report 3; both lie inside the range).
  const rangeTo = got?.duration as { upTo?: unknown; unit?: unknown } | undefined;
  const upDays =
    typeof rangeTo?.upTo === 'number' ? durationDays({ value: rangeTo.upTo, unit: rangeTo.unit }) : undefined;
  const durationFits = (want: number) =>
    days !== undefined &&
    (Math.abs(days - want) <= 0.1 * want || (upDays !== undefined && want >= 0.9 * days && want <= 1.1 * upDays));
  return {
    item,
    ...(got ? { got } : {}),
    ...(error ? { error } : {}),
    valueOk: got?.value === item.value,
    findingsOk: got !== undefined && same(expected.present, otherGot.present) && same(expected.absent, otherGot.absent),
    expected,
    otherGot,
    ...(item.duration ? { durationOk: durationFits(itemDays(item.duration)) } : {}),
    ...(item.severity ? { severityOk: severityClass(got?.severity) === item.severity } : {}),
    ...(item.site ? { siteOk: item.site.some((s) => siteText(got?.site).includes(s.toLowerCase())) } : {}),
  };
}

/** Plays every item through the reader (a throw counts as a wrong reading, with its message kept). */
export async function readAll(
  items: readonly AnswerItem[],
  questions: ReadonlyMap<string, QuestionSpec>,
  reader: Reader,
  questionId: (id: string) => string = (id) => id,
): Promise<ItemResult[]> {
  const out: ItemResult[] = [];
  for (const item of items) {
    const spec = questions.get(item.question);
    if (!spec) throw new Error(`item ${item.id}: question '${item.question}' is not in the question list`);
    const q: ReaderQuestion = {
      id: questionId(item.question),
      kind: spec.kind,
      ...(spec.slot ? { slot: spec.slot } : {}),
      wording: { zh: spec.zh, en: spec.en },
    };
    try {
      out.push(scoreItem(item, spec, await reader(q, item.text, item.lang), undefined, q.id));
    } catch (e) {
      out.push(scoreItem(item, spec, undefined, (e as Error).message, q.id));
    }
  }
  return out;
}

const share = (ok: number, n: number): number | undefined => (n ? ok / n : undefined);

export interface AnswerSummaryRow {
  readonly group: string;
  readonly n: number;
  readonly value: number | undefined;
  readonly findingsExact: number | undefined;
  readonly both: number | undefined;
  readonly namedN: number;
  readonly namedExact: number | undefined;
}

function row(group: string, rs: readonly ItemResult[]): AnswerSummaryRow {
  const named = rs.filter((r) => r.expected.present.length + r.expected.absent.length > 0);
  return {
    group,
    n: rs.length,
    value: share(rs.filter((r) => r.valueOk).length, rs.length),
    findingsExact: share(rs.filter((r) => r.findingsOk).length, rs.length),
    both: share(rs.filter((r) => r.valueOk && r.findingsOk).length, rs.length),
    namedN: named.length,
    namedExact: share(named.filter((r) => r.findingsOk).length, named.length),
  };
}

const questionGroup = (id: string, spec: QuestionSpec) =>
  spec.kind === 'slot' ? 'slot' : id.startsWith('red-flag:') ? 'red-flag check' : `network ${spec.kind}`;

export function summariseAnswers(results: readonly ItemResult[], questions: ReadonlyMap<string, QuestionSpec>) {
  const by = (key: (r: ItemResult) => string) => {
    const m = new Map<string, ItemResult[]>();
    for (const r of results) m.set(key(r), [...(m.get(key(r)) ?? []), r]);
    return [...m.entries()].map(([k, rs]) => row(k, rs));
  };
  const attr = (pick: (r: ItemResult) => boolean | undefined) => {
    const rs = results.filter((r) => pick(r) !== undefined);
    return { n: rs.length, accuracy: share(rs.filter((r) => pick(r) === true).length, rs.length) };
  };
  // Confusion of value readings: expected → got.
  const confusion: Record<string, Record<string, number>> = {};
  for (const r of results) {
    const g = r.got?.value ?? 'error';
    confusion[r.item.value] ??= {};
    confusion[r.item.value]![g] = (confusion[r.item.value]![g] ?? 0) + 1;
  }
  return {
    total: row('all', results),
    byCategory: by((r) => r.item.category),
    byLang: by((r) => r.item.lang),
    byQuestionKind: by((r) => questionGroup(r.item.question, questions.get(r.item.question)!)),
    duration: attr((r) => r.durationOk),
    severity: attr((r) => r.severityOk),
    site: attr((r) => r.siteOk),
    confusion,
  };
}

export function failureList(results: readonly ItemResult[]) {
  return results
    .filter(
      (r) => !r.valueOk || !r.findingsOk || r.durationOk === false || r.severityOk === false || r.siteOk === false,
    )
    .map((r) => ({
      id: r.item.id,
      question: r.item.question,
      text: r.item.text,
      expected: {
        value: r.item.value,
        ...r.expected,
        ...(r.item.duration ? { duration: r.item.duration } : {}),
        ...(r.item.severity ? { severity: r.item.severity } : {}),
        ...(r.item.site ? { site: r.item.site } : {}),
      },
      got: r.error
        ? { error: r.error }
        : {
            value: r.got?.value,
            ...r.otherGot,
            duration: r.got?.duration,
            severity: r.got?.severity,
            site: r.got?.site,
          },
      wrong: [
        !r.valueOk && 'value',
        !r.findingsOk && 'findings',
        r.durationOk === false && 'duration',
        r.severityOk === false && 'severity',
        r.siteOk === false && 'site',
      ].filter(Boolean),
    }));
}
