import { readFileSync } from 'node:fs';
import type { Bilingual } from '../../core/index.js';
import { otherPersonOnly, questionOnly } from './answer-scope.js';
import { temperatureIn } from './temperature.js';

/** One red flag of the screen (consultation.md §3). */
export interface RedFlag {
  readonly id: string;
  readonly domain: string;
  readonly label: Bilingual;
  readonly keywords: { readonly zh: readonly string[]; readonly en: readonly string[] };
  /** Level on the triage scale (1 = most urgent). */
  readonly triage: number;
  /** `handover`: immediate human handover (mental health); otherwise emergency referral. */
  readonly action?: 'emergency' | 'handover';
  readonly source: string;
  /** Regular expressions for colloquial or combined statements ("胸口像压了块大石头", "一辈子没这么疼过"). */
  readonly patterns?: readonly string[];
  /** Complaint words for which this flag's `check` is asked first. */
  readonly prompts?: { readonly zh: readonly string[]; readonly en: readonly string[] };
  /** Regular expressions that prompt the check like `prompts` ("怀孕32周": the fetal-movement check). */
  readonly promptPatterns?: Patterns;
  /** Complaint patterns for which the check is always asked, over the cap (fever with headache: stiff neck?). */
  readonly alwaysWhen?: Patterns;
  /** The plain yes/no check question: the flag itself, or, with `followUps`, the condition they need. */
  readonly check?: RedFlagCheck;
  /**
   * One danger sign per question, asked one at a time only after a yes (or an unsure answer) to
   * `check`; the flag is positive when any is ("pregnant?" → "bleeding?" → "tummy pain?").
   */
  readonly followUps?: readonly RedFlagFollowUp[];
  /** The flag in plain words, for the patient's emergency message. */
  readonly plain?: Bilingual;
  /**
   * Words that only look like the flag, blanked before its keywords and patterns are matched: Chinese
   * degree complements ("累得要死", "烦死了", "疼死我了") say how much, not an intent to die.
   */
  readonly masks?: Patterns;
  /** A benign look-alike of the flag: its check is asked instead of the exit (see `RedFlagDefer`). */
  readonly defer?: RedFlagDefer;
}

/**
 * A statement that matches the flag but describes a known benign look-alike (chest-wall pain reproduced by
 * pressing after a workout): every group of `when` must be stated and no danger sign of `unless` (not
 * denied). The flag's check is then asked first instead of the immediate exit; an ambiguous answer to it
 * still counts as positive.
 */
export interface RedFlagDefer {
  readonly when: readonly Patterns[];
  readonly unless: Patterns;
  readonly source: string;
}

/**
 * Past, resolved events ("when he was 2", "去年", "小时候"): a flag stated only in a clause set in the past,
 * in an utterance with no sign that it is happening now (`current`: "刚才", "又", "just had", "again"),
 * is history; its check is asked instead of the exit. `visit` clauses (a check-up, a form) never count
 * as current.
 */
export interface RedFlagHistory {
  readonly past: Patterns;
  /**
   * Past markers that hold only just before the flag's words: "history of seizures", not "history of angina
   * with chest pain".
   */
  readonly before?: Patterns;
  readonly current: Patterns;
  readonly visit?: Patterns;
  /** Clauses that set today's complaint against the event ("today it's just a cold"): no sign that it is current. */
  readonly contrast?: Patterns;
  /**
   * Clauses that say the event is over ("fine now", "totally fine this morning", "现在好了"): they set the whole
   * utterance in the past, like `past`, and are no sign that it is current.
   */
  readonly resolved?: Patterns;
  readonly source: string;
}

/** Regular expressions by language (matched case-insensitively on lower-cased text). */
export interface Patterns {
  readonly zh: readonly string[];
  readonly en: readonly string[];
}

export type RedFlagCheck = Bilingual & {
  /** The check's condition in plain words (for items to verify), where it is one (`followUps`). */
  readonly plain?: Bilingual;
  /** The patient's own words that answer the check without asking it ("怀孕12周", "没怀孕"). */
  readonly stated?: Patterns;
  /** The patient's own words that answer the check no without a denial ("怀孕10周" to "more than 20 weeks?"). */
  readonly statedNo?: Patterns;
};

/** One danger sign asked on its own after its flag's check. */
export interface RedFlagFollowUp {
  readonly id: string;
  readonly question: Bilingual;
  /** The sign in plain words, for the patient's emergency message. */
  readonly plain: Bilingual;
  /** The patient's own words that state or deny it ("见红了", "没有出血"). */
  readonly stated?: Patterns;
  /** Complaint words for which this follow-up is asked before the flag's others ("红点": the rash sign). */
  readonly prompts?: { readonly zh: readonly string[]; readonly en: readonly string[] };
}

/** A rule on the patient's details plus the complaint, with no question (an infant with fever). */
export interface RedFlagRule {
  readonly id: string;
  readonly domain: string;
  readonly label: Bilingual;
  readonly when: {
    readonly maxAgeYears?: number;
    readonly keywords: { readonly zh: readonly string[]; readonly en: readonly string[] };
    /** A temperature stated below this (°C) is no fever: "两个月宝宝，体温36度9" does not meet the rule. */
    readonly temperatureAtLeastC?: number;
  };
  readonly triage: number;
  readonly source: string;
  /** Statements that meet the rule without a stated age ("两个月的宝宝发烧"). */
  readonly patterns?: readonly string[];
  readonly plain?: Bilingual;
}

export interface RedFlagConfig {
  readonly version: string;
  readonly flags: readonly RedFlag[];
  readonly rules: readonly RedFlagRule[];
  /** The number the patient is told to call (120 in mainland China). */
  readonly callNumber?: string;
  /** The checks asked when no flag fits the complaint: one plain question per flag. */
  readonly general?: { readonly checks: readonly GeneralCheck[] };
  /** Past, resolved events that are history, not a current flag. */
  readonly history?: RedFlagHistory;
}

/** One question of the general safety screen: a flag asked in words that do not presume the complaint. */
export type GeneralCheck = Bilingual & { readonly flag: string };

export interface TriageLevel {
  readonly level: number;
  readonly name: Bilingual;
  readonly colour: string;
  readonly zone: Bilingual;
  readonly responseLimitMin: number;
}

/** The triage scale as configuration (PC-08): `{scale, level, colour, responseLimitMin}`, never hard-coded. */
export interface TriageScale {
  readonly scale: string;
  readonly title: Bilingual;
  readonly sources: readonly string[];
  readonly levels: readonly TriageLevel[];
}

const data = (name: string) => new URL(`./data/${name}`, import.meta.url);

let cachedFlags: RedFlagConfig | undefined;
let cachedScale: TriageScale | undefined;

export function defaultRedFlags(): RedFlagConfig {
  cachedFlags ??= JSON.parse(readFileSync(data('red-flags.json'), 'utf8')) as RedFlagConfig;
  return cachedFlags;
}

export function defaultTriageScale(): TriageScale {
  cachedScale ??= JSON.parse(readFileSync(data('triage-scale.json'), 'utf8')) as TriageScale;
  return cachedScale;
}

export function triageLevel(scale: TriageScale, level: number): TriageLevel {
  return scale.levels.find((l) => l.level === level) ?? scale.levels[scale.levels.length - 1]!;
}

// Negation cues just before a keyword: "没有胸痛", "denies chest pain", "no chest pain".
// "不如" ("活着不如死了") is a comparison, not a denial.
const NEGATION_ZH = /(没有|没|无|否认|不是|未|不(?!如))[^，。,.;；!?！？]{0,4}$/u;
// "no / not / don't have … X", never across "and", "but", "with" ("I didn't sleep and have chest pain" states
// the pain); "can't" and "won't" are left out: "can't breathe" is a symptom, not a denial.
const NEGATION_EN =
  /(?:\b(?:no|not|denies|denied|without|never|nor)\b|\b(?:don|doesn|didn|haven|hasn|isn|aren|wasn|weren)['’]t\b)(?:(?!\b(?:and|but|with|plus)\b)[^,.;!?]){0,20}$/i;

/** Red flags whose keywords or patterns the text states (not negated, not a look-alike, not history). */
export function redFlagsInText(text: string, config: RedFlagConfig = defaultRedFlags()): RedFlag[] {
  return config.flags.filter((f) => readFlag(text.toLowerCase(), f, config) === 'stated');
}

/**
 * Flags the text states only as a benign look-alike (`defer`) or as a past, resolved event (`history`):
 * not an exit, but their check is asked first (ambiguous answers still count as positive).
 */
export function redFlagsDeferred(text: string, config: RedFlagConfig = defaultRedFlags()): RedFlag[] {
  return config.flags.filter((f) => readFlag(text.toLowerCase(), f, config) === 'deferred');
}

function readFlag(lower: string, flag: RedFlag, config: RedFlagConfig): 'stated' | 'deferred' | undefined {
  const text = masked(lower, flag.masks);
  const hits = [
    ...[...flag.keywords.zh, ...flag.keywords.en].flatMap((k) => keywordHits(text, k.toLowerCase())),
    ...patternHits(text, flag.patterns),
  ];
  if (hits.length === 0) return undefined;
  if (flag.defer && deferred(text, flag.defer)) return 'deferred';
  // Another person's symptom beside the patient's own ("我老公昨天拉黑便，我自己就是肚子胀"), or a question about a
  // symptom ("does chest pain mean a heart attack? I don't have any"): not the patient's now; the check is asked.
  if (hits.every((at) => otherPersonOnly(text, [at]) || questionOnly(text, [at]))) return 'deferred';
  if (config.history && hits.every((at) => isHistory(text, at, config.history!))) return 'deferred';
  return 'stated';
}

/** The text with every mask's match blanked (same length, so positions still hold). */
function masked(text: string, masks: Patterns | undefined): string {
  let out = text;
  for (const p of [...(masks?.zh ?? []), ...(masks?.en ?? [])])
    out = out.replace(regex(p), (m) => ' '.repeat(m.length));
  return out;
}

function deferred(text: string, defer: RedFlagDefer): boolean {
  const any = (ps: Patterns) => [...ps.zh, ...ps.en].some((p) => regex(p).test(text));
  if (!defer.when.every(any)) return false;
  // A danger sign that is stated and not denied ("不出汗" is no danger sign) keeps the exit.
  for (const p of [...defer.unless.zh, ...defer.unless.en])
    for (const m of text.matchAll(regex(p))) {
      const before = text.slice(Math.max(0, m.index - 24), m.index);
      if (!NEGATION_ZH.test(before) && !NEGATION_EN.test(before)) return false;
    }
  return true;
}

const CLAUSE = /[，。,.;；!?！？]|\b(?:but|and then)\b|但是|可是|不过/iu;

/** The hit at `at` lies in a clause set in the past, and nothing in the utterance says it is happening now. */
function isHistory(text: string, at: number, history: RedFlagHistory): boolean {
  const start = Math.max(
    ...[...text.slice(0, at).matchAll(new RegExp(CLAUSE, 'giu'))].map((m) => m.index + m[0].length),
    0,
  );
  const endRel = text.slice(at).search(CLAUSE);
  const clause = text.slice(start, endRel < 0 ? text.length : at + endRel);
  const matches = (ps: Patterns | undefined, t: string) =>
    [...(ps?.zh ?? []), ...(ps?.en ?? [])].some((p) => regex(p).test(t));
  const lead = text.slice(Math.max(start, at - 24), at);
  if (!matches(history.past, clause) && !matches(history.before, lead) && !matches(history.resolved, text))
    return false;
  // A clause that sets the patient's complaint of today against the old event ("today it's just a cold",
  // "现在就是有点感冒") says what is current, not that the event is.
  const clauses = text
    .split(new RegExp(CLAUSE, 'giu'))
    .filter((c) => c && ![history.visit, history.contrast, history.resolved].some((ps) => matches(ps, c)));
  return !clauses.some((c) => matches(history.current, c));
}

/**
 * Rules on age plus complaint keywords, or a pattern that states the age itself (no question needed).
 * A pattern that names the age ("孩子两个月大，发烧") wins over the registered age: a parent often
 * starts the consultation from their own account, so the age on file may be theirs.
 */
export function redFlagRulesMatching(
  text: string,
  age: number | undefined,
  config: RedFlagConfig = defaultRedFlags(),
): RedFlagRule[] {
  const lower = text.toLowerCase();
  const temperature = temperatureIn(lower);
  return config.rules.filter((r) => {
    const least = r.when.temperatureAtLeastC;
    if (least !== undefined && temperature !== undefined && temperature < least) return false;
    // Another person's child ("my neighbour's newborn had a fever") does not meet a rule on the patient's.
    const own = (at: number) => !otherPersonOnly(lower, [at]);
    if (patternHits(lower, r.patterns).some(own)) return true;
    if (r.when.maxAgeYears !== undefined && (age === undefined || age >= r.when.maxAgeYears)) return false;
    const words = [...r.when.keywords.zh, ...r.when.keywords.en];
    return words.some((k) => keywordHits(lower, k.toLowerCase()).some(own));
  });
}

/**
 * Flags whose `check` fits the complaint (its `prompts` or `promptPatterns`), most urgent first, at most
 * `max`; a flag whose `alwaysWhen` matches, or that the complaint states only as a look-alike or as
 * history (`redFlagsDeferred`), comes first whatever the cap leaves (fever with headache always gets the
 * stiff-neck question; "chest muscles sore on pressing after the gym" the chest-pain check).
 */
export function redFlagChecksFor(text: string, config: RedFlagConfig = defaultRedFlags(), max = 3): RedFlag[] {
  const lower = text.toLowerCase();
  const matches = (patterns: Patterns | undefined) =>
    [...(patterns?.zh ?? []), ...(patterns?.en ?? [])].some((p) => regex(p).test(lower));
  // How directly the complaint points to each flag: the number of its prompts the complaint names ("发烧，身上起红点":
  // fever and spots both prompt the rash check, fever alone the confusion one), then the most urgent first.
  const direct = new Map(config.flags.map((f) => [f.id, promptsNamed(lower, f)]));
  const withCheck = config.flags
    .filter((f) => f.check)
    .sort((a, b) => direct.get(b.id)! - direct.get(a.id)! || a.triage - b.triage);
  const deferred = new Set(redFlagsDeferred(text, config).map((f) => f.id));
  // A complaint that names a flag's prompt and states both its condition and one of its danger signs ("验孕棒两道杠，
  // 右下腹撕裂样疼") is that flag's own: planned whatever the cap, so other prompts ("头晕") cannot crowd it out. Read
  // past the flag's masks: a negative pregnancy test states no pregnancy.
  const told = (f: RedFlag) => {
    const seen = masked(lower, f.masks);
    return (
      direct.get(f.id)! > 0 &&
      statedIn(seen, f.check?.stated) === 'yes' &&
      (f.followUps ?? []).some((u) => statedIn(seen, u.stated) === 'yes')
    );
  };
  const always = withCheck.filter((f) => deferred.has(f.id) || matches(f.alwaysWhen) || told(f));
  const fits = withCheck.filter((f) => !always.includes(f) && direct.get(f.id)! > 0);
  return [...always, ...fits].slice(0, Math.max(max, always.length));
}

/**
 * How many of the flag's prompt words and prompt patterns the complaint names; a word inside a longer one that is
 * named counts once.
 */
function promptsNamed(lower: string, flag: RedFlag): number {
  const words = [...(flag.prompts?.zh ?? []), ...(flag.prompts?.en ?? [])]
    .map((k) => k.toLowerCase())
    .filter((k) => lower.includes(k));
  const own = words.filter((k) => !words.some((w) => w !== k && w.includes(k)));
  const patterns = [...(flag.promptPatterns?.zh ?? []), ...(flag.promptPatterns?.en ?? [])];
  return own.length + patterns.filter((p) => regex(p).test(lower)).length;
}

/**
 * A flag's follow-ups, those the patient's words point to first (their `prompts`: "起了红点" puts the rash sign
 * before the stiff neck), otherwise in the order the data lists them.
 */
export function followUpsInOrder(flag: RedFlag, words: string): readonly RedFlagFollowUp[] {
  const lower = words.toLowerCase();
  const named = (u: RedFlagFollowUp) =>
    [...(u.prompts?.zh ?? []), ...(u.prompts?.en ?? [])].some((k) => lower.includes(k.toLowerCase())) ? 0 : 1;
  return [...(flag.followUps ?? [])].sort((a, b) => named(a) - named(b));
}

/**
 * Checks an answer calls for mid-session (red flags from every utterance): flags it states only as a
 * look-alike or as history, and flags whose `alwaysWhen` it matches ("大便是黑的" volunteered to another
 * question: the black-stool danger signs), as `rf:<id>`, unless already planned or screened.
 */
export function lateRedFlagChecks(
  text: string,
  planned: readonly string[],
  screened: readonly string[],
  config: RedFlagConfig = defaultRedFlags(),
): string[] {
  const lower = text.toLowerCase();
  const done = (id: string) =>
    screened.includes(id) || planned.some((c) => c === `rf:${id}` || c.startsWith(`rf:${id}/`));
  const always = config.flags.filter((f) =>
    [...(f.alwaysWhen?.zh ?? []), ...(f.alwaysWhen?.en ?? [])].some((p) => regex(p).test(lower)),
  );
  const ids = [...redFlagsDeferred(text, config), ...always].filter((f) => f.check).map((f) => f.id);
  return [...new Set(ids)].filter((id) => !done(id)).map((id) => `rf:${id}`);
}

// A denial just before a stated term, in its own clause: "没有出血", "不可能怀孕", "I'm not pregnant".
const DENIED_ZH = /(没有|没|无|否认|不是|未|不)[^，。,.;；!?！？]{0,3}$/u;
const DENIED_EN =
  /\b(no|not|never|without|denies|denied|isn'?t|aren'?t|haven'?t|hasn'?t|don'?t|doesn'?t)\b[^,.;!?]{0,20}$/i;

/**
 * What the patient's words say about a check or follow-up (`stated` patterns): `yes` when one is
 * stated and not denied, `no` when every mention is denied or the words answer no (`no` patterns:
 * "怀孕10周" to "more than 20 weeks?"), undefined when none is mentioned.
 */
export function statedIn(
  text: string,
  patterns: Patterns | undefined,
  no?: Patterns | undefined,
): 'yes' | 'no' | undefined {
  if (!patterns) return undefined;
  const lower = text.toLowerCase();
  let denied = false;
  for (const p of [...patterns.zh, ...patterns.en]) {
    for (const m of lower.matchAll(regex(p))) {
      const before = lower.slice(Math.max(0, m.index - 24), m.index);
      // Another person's sign or one asked about ("my sister had spotting…, but I'm fine") states nothing: asked instead.
      if (otherPersonOnly(lower, [m.index]) || questionOnly(lower, [m.index])) continue;
      if (DENIED_ZH.test(before) || DENIED_EN.test(before)) denied = true;
      else return 'yes';
    }
  }
  if (denied) return 'no';
  return [...(no?.zh ?? []), ...(no?.en ?? [])].some((p) => regex(p).test(lower)) ? 'no' : undefined;
}

const compiled = new Map<string, RegExp>();
/** One compiled expression per pattern (global, case-insensitive, Unicode); `lastIndex` reset before use. */
function regex(p: string): RegExp {
  let re = compiled.get(p);
  if (!re) {
    re = new RegExp(p, 'giu');
    compiled.set(p, re);
  }
  re.lastIndex = 0;
  return re;
}

/** Where the patterns match, not negated before or within the match. */
function patternHits(text: string, patterns: readonly string[] | undefined): number[] {
  const out: number[] = [];
  for (const p of patterns ?? [])
    for (const m of text.matchAll(regex(p))) {
      const before = text.slice(Math.max(0, m.index - 24), m.index);
      if (!NEGATION_ZH.test(before) && !NEGATION_EN.test(before) && !negatedWithin(m[0])) out.push(m.index);
    }
  return out;
}

// "lips aren't swollen": a contracted "be" denies a state; "can't breathe", "doesn't wake up" and "haven't felt the
// baby move" state a sign, not a denial. DENIAL_TAIL: one within the last words of the match's last clause.
const DENIAL = /(?:\b(?:no|not|without|never|nor|neither)\b|\b(?:isn|aren|wasn|weren)['’]t\b)/i;
const DENIAL_TAIL = new RegExp(`${DENIAL.source}[^,.;!?]{0,20}$`, 'i');

/**
 * A pattern's match that denies its own last term: "怀孕12周…，没有出血", "嘴唇和喉咙都不肿",
 * "pregnant … no bleeding". The last clause of the match holds 没(有)/无/未, or 不 after a clause
 * start or an adverb (都不, 也不, 并不), a few characters before the end. 不 inside a verb
 * complement ("止不住", "叫不醒", "压之不褪色") is not a denial, nor a term that is itself an
 * absence ("没劲", "没知觉", "没尿").
 */
export function negatedWithin(match: string): boolean {
  const last = match.split(/[，。,.;；!?！？]/).pop() ?? '';
  const m = /(不(?!如)|没有|没|无|未)([^不没无未]{1,4})$/u.exec(last);
  if (m) {
    const prev = last.slice(0, m.index).slice(-1);
    // An absence ("没劲", "没知觉"), or a stillness ("不怎么动", "不动了", "没动静": the baby moving less).
    const absence =
      (/^(?:劲|力|知觉|意识|反应|尿|眼泪|精神|气)/u.test(m[2]!) && m[1] !== '不') ||
      /^(?:怎么|太|大)?动(?:了|静|弹)?$/u.test(m[2]!);
    // 不 between a verb and its result ("止不住", "叫不醒", "说不出", "压之不褪色", "褪不掉") is not a denial.
    const complement =
      m[1] === '不' &&
      /[\u4e00-\u9fff]/u.test(prev) &&
      !/[都也并还且又和就倒而却]/u.test(prev) &&
      /^[住醒出上下了动起来去清到见开着褪过进掉]/u.test(m[2]!);
    if (!absence && !complement) return true;
  }
  return DENIAL_TAIL.test(last) && DENIAL.test(last.split(/\b(?:and|but)\b/i).pop() ?? '');
}

/** Where the keyword occurs, not negated just before. */
function keywordHits(text: string, keyword: string): number[] {
  const out: number[] = [];
  for (let at = text.indexOf(keyword); at >= 0; at = text.indexOf(keyword, at + keyword.length)) {
    const before = text.slice(Math.max(0, at - 24), at);
    if (!NEGATION_ZH.test(before) && !NEGATION_EN.test(before)) out.push(at);
  }
  return out;
}
