import { readFileSync } from 'node:fs';
import type { Lang } from '../../core/index.js';

/**
 * Whose symptom, and when (data/answer-scope.json): what a patient says about someone else, about an old
 * event or as a question is set aside before an answer is read, and rhetorical or double negatives are
 * rewritten to the plain statement. Every rule works on clauses and keeps the patient's own words:
 * - another person's clause ("是我老公一直在咳", "my kids all had fevers") is not the patient's when the patient
 *   also speaks of themselves apart ("我没事", "I'm ok"); without that a relative speaks for the patient;
 * - a past clause ("十年前晕倒过一次", "had the runs last month") beside a denial of now ("最近没有",
 *   "nothing since") is history;
 * - a question clause ("胸痛是不是就是心梗啊？") beside an answer is no statement.
 * The red-flag screen uses `otherPersonOnly` and `questionOnly` to ask a flag's check instead of exiting.
 */
interface Rewrite {
  readonly from: string;
  readonly to: string;
}
interface ScopeData {
  readonly others: Record<Lang, string[]>;
  readonly inclusive: Record<Lang, string[]>;
  readonly self: Record<Lang, string[]>;
  /** People outside the household (a colleague, a neighbour, the patient in the next bed): never the one answered for. */
  readonly strangers?: Record<Lang, string[]>;
  /** Another person said to have it too (我妈也有哮喘): that person's matter, beside the patient. */
  readonly besides?: Record<Lang, string[]>;
  /** A spouse's own illness at a past time (我老伴昨晚吐了, "my wife threw up last night"). */
  readonly partnerPast?: Record<Lang, string[]>;
  readonly selfDenial: Record<Lang, string[]>;
  /** The patient set apart from a group that has it (全家都拉肚子，就我没事; "not me though"). */
  readonly exceptMe?: Record<Lang, string[]>;
  /** A group that includes the household (全家, 大家, "everyone"): the others' once the patient is set apart. */
  readonly groups?: Record<Lang, string[]>;
  readonly nowDenied: Record<Lang, string[]>;
  readonly past: { readonly remote: Record<Lang, string[]>; readonly recent: Record<Lang, string[]> };
  readonly questionClause: Record<Lang, string[]>;
  readonly reported: Record<Lang, string[]>;
  readonly rhetoric: Record<Lang, Rewrite[]>;
  readonly echo: Record<Lang, string>;
  readonly echoList: { readonly en: string };
}

type Compiled = {
  others: RegExp;
  inclusive: RegExp;
  self: RegExp;
  strangers?: RegExp;
  besides?: RegExp;
  partnerPast?: RegExp;
  selfDenial: RegExp;
  exceptMe?: RegExp;
  groups?: RegExp;
  nowDenied: RegExp;
  remote: RegExp;
  recent: RegExp;
  question: RegExp;
  reported: RegExp;
  rhetoric: { re: RegExp; to: string }[];
  echo: RegExp;
  echoList?: RegExp;
};

let compiled: Record<Lang, Compiled> | undefined;
/** Non-global expressions only (no `lastIndex` carried from one answer to the next); rewrites use a global copy. */
function scope(lang: Lang): Compiled {
  if (!compiled) {
    const d = JSON.parse(readFileSync(new URL('./data/answer-scope.json', import.meta.url), 'utf8')) as ScopeData;
    const any = (ps: readonly string[]) => new RegExp(ps.map((p) => `(?:${p})`).join('|'), 'iu');
    const of = (l: Lang): Compiled => ({
      others: any(d.others[l]),
      inclusive: any(d.inclusive[l]),
      self: any(d.self[l]),
      ...(d.strangers?.[l]?.length ? { strangers: any(d.strangers[l]) } : {}),
      ...(d.besides?.[l]?.length ? { besides: any(d.besides[l]) } : {}),
      ...(d.partnerPast?.[l]?.length ? { partnerPast: any(d.partnerPast[l]) } : {}),
      selfDenial: any(d.selfDenial[l]),
      ...(d.exceptMe?.[l]?.length ? { exceptMe: any(d.exceptMe[l]) } : {}),
      ...(d.groups?.[l]?.length ? { groups: any(d.groups[l]) } : {}),
      nowDenied: any(d.nowDenied[l]),
      remote: any(d.past.remote[l]),
      recent: any(d.past.recent[l]),
      question: any(d.questionClause[l]),
      reported: any(d.reported[l]),
      rhetoric: d.rhetoric[l].map((r) => ({ re: new RegExp(r.from, 'iu'), to: r.to })),
      echo: new RegExp(d.echo[l], 'iu'),
      ...(l === 'en' ? { echoList: new RegExp(d.echoList.en, 'iu') } : {}),
    });
    compiled = { zh: of('zh'), en: of('en') };
  }
  return compiled[lang];
}

/** Clauses with their separators kept (so the text can be put back together). */
// A space between Chinese words is a pause too ("我闺女吐了 我自己没吐").
const CLAUSE_SPLIT =
  /([，,；;。.!！?？]+\s*|(?<=[\u4e00-\u9fff])\s+(?=[\u4e00-\u9fff])|\s+(?:but|though|although)\s+|但是|可是|不过)/iu;
function clauses(text: string): string[] {
  return text.split(new RegExp(CLAUSE_SPLIT.source, 'giu'));
}
const isSeparator = (i: number) => i % 2 === 1;
/** The patient speaking in a clause (我 not naming whose, "I", "me"): "隔壁炖肉我都闻得着" is the patient's own; 我家猫 is not. */
// 我们小区, 我们单位 name a place whose people are others (dev15).
const PATIENT_SPEAKS =
  /[我俺](?!们?(?:家里?)?(?:这个?|那个?)?(?:的)?(?:同事|邻居|室友|同学|朋友|老板|领导|病友|狗|猫|宠物|鹦鹉|兔子|小区|单位|公司|办公室|楼|学校|村|班|宿舍|厂|部门|科室|社区|工地|车间|食堂|街))|\b(?:i|i'm|i've)\b|(?<!\b(?:to|beside|near|behind|over|on|at|around|opposite)\s+)\bme\b/iu;
/** A clause that opens with an answer word: the patient answering, not a clause run on from someone else's. */
const ANSWER_WORD = /^(?:yes|yeah|yep|no|nope|nah|not|没有|没|不|有|是的|对)/iu;

/** Whether the patient speaks in a clause beyond the 我 that says whose relative is named ("我老伴昨晚吐了" does not). */
function speaksApart(clause: string, s: Compiled): boolean {
  const m = s.others.exec(clause);
  if (!m) return PATIENT_SPEAKS.test(clause);
  const before = clause.slice(0, m.index).replace(/[我俺咱](?:的|家的?)?$/u, '');
  const person = m[0].replace(/^[我俺咱]/u, '');
  return PATIENT_SPEAKS.test(`${before} ${person} ${clause.slice(m.index + m[0].length)}`);
}

/** What is left at the start once the first clauses are set aside: pauses and contrast words. */
const LEADING_PAUSE = /^(?:[\s，,；;。.!！]|\b(?:but|though|although)\b|但是|可是|不过)+/iu;

/** Rhetorical and double negatives as plain statements ("不累才怪" → "累", "can't say I'm not" → "I'm"). */
export function plainRhetoric(text: string, lang: Lang): string {
  let t = text;
  for (const r of scope(lang).rhetoric) t = t.replace(new RegExp(r.re.source, 'giu'), r.to);
  return t;
}

/** A short echo of the question before the answer ("咳嗽？不咳才怪", "tired? I'd be lying…") set aside. */
export function withoutEcho(text: string, lang: Lang): string {
  const s = scope(lang);
  const m = s.echo.exec(text) ?? s.echoList?.exec(text);
  return m && m[0].length < text.length ? text.slice(m[0].length) : text;
}

const NOT_A_TOPIC =
  /^(?:sort|kind|kinda|sorta|a|oh|ah|well|yes|yeah|yep|no|nope|nah|not|maybe|perhaps|hmm|um|uh|i|it|honestly|probably|god|hell|afraid|sadly|thankfully|definitely|absolutely)\b/i;

/** A person, not a topic ("but me, no": the patient's own no). */
const PERSON = /^(?:me|myself|mine|you|him|her|them|us|my\s+\w+|his|hers)\b/i;

/** "fever no, chills yes": a clause "X no" read as "no X", "X yes" as "X" (English answers typed as a list). */
export function listedYesNo(text: string, lang: Lang): string {
  if (lang !== 'en' || !/,|;/.test(text)) return text;
  // "…made me book this, but cough, no, not one all week": the topic after "but", then its no, mid-answer.
  const butTopicNo = /\bbut\s+([a-z][a-z' ]{1,24}?),\s*(?:no|nope|nah)\b/gi;
  return text
    .replace(butTopicNo, (m, topic: string) => (NOT_A_TOPIC.test(topic) || PERSON.test(topic) ? m : `but no ${topic}`))
    .split(/([,;]\s*)/)
    .map((c) =>
      // Not an opener before the yes or no ("oh yes", "sort of, yeah", "well no").
      NOT_A_TOPIC.test(c)
        ? c
        : c
            .replace(/^([a-z][a-z' ]{1,24}?)\s+(?:no|nope|nah)$/i, 'no $1')
            .replace(/^([a-z][a-z' ]{1,24}?)\s+(?:yes|yeah|yep)$/i, 'i have $1'),
    )
    .join('');
}

/**
 * The answer with another person's clauses set aside when the patient speaks of themselves apart, and the
 * patient's "我没事" / "I'm ok" made a plain no. Unchanged when no clause is the patient's own. With `bareNoIsOwn`
 * (not for a red-flag check) a bare no beside the other person's clause is the patient's own answer.
 */
export function withoutOthers(text: string, lang: Lang, bareNoIsOwn = false): string {
  const s = scope(lang);
  const parts = clauses(text);
  const lower = parts.map((p) => p.toLowerCase().trim());
  // A group the patient is set apart from ("全家都拉肚子，就我没事", "everyone's got it, not me") is the others'.
  const apart = lower.some((c, i) => !isSeparator(i) && !!s.exceptMe?.test(c));
  const group = (i: number) => apart && !s.exceptMe?.test(lower[i]!) && !!s.groups?.test(lower[i]!);
  const other = (i: number) =>
    !isSeparator(i) && ((s.others.test(lower[i]!) && !s.inclusive.test(lower[i]!)) || group(i));
  // `bareNoIsOwn` (a symptom question): "no, it was my son who threw up", "没有，是我儿子吐的" — the no is the patient's.
  const bareNo = (i: number) => bareNoIsOwn && /^(?:no|nope|nah|没有|没|不是)$/u.test(lower[i]!);
  const own = (i: number) => !isSeparator(i) && !other(i) && (s.self.test(` ${lower[i]!}`) || bareNo(i));
  // Someone outside the household (同事, 隔壁床的大爷, "my colleague") is never the one a caregiver answers for: that
  // clause is set aside, or, when it is all there is, stands as someone else's matter (no finding of the patient's).
  // So is a relative said to have it too (我妈也有哮喘) or a spouse's illness at a past time (我老伴昨晚吐了): the
  // patient's 我 before that person's name ("我老伴") is only whose relative it is.
  // A stranger's clause is set aside for a red-flag check too (a flatmate's faint is not the patient's); a relative's
  // (besides, partnerPast) only for a symptom question.
  const strangerSays = (i: number) =>
    !isSeparator(i) &&
    !s.inclusive.test(lower[i]!) &&
    ((!!s.strangers?.test(lower[i]!) && !PATIENT_SPEAKS.test(lower[i]!)) ||
      (bareNoIsOwn &&
        (!!s.besides?.test(lower[i]!) || !!s.partnerPast?.test(lower[i]!)) &&
        !speaksApart(lower[i]!, s)));
  const idx = parts.map((_, i) => i);
  // A clause run on from a stranger's without a subject of its own ("单位里有个同事哮喘，喘起来跟拉风箱似的", "我家猫
  // 蔫了，是不是发烧了") still speaks of that person; the patient's 我 / I, or a bare yes or no, starts their own.
  const strangers = idx.map(strangerSays);
  for (const i of idx)
    if (!strangers[i] && i >= 2 && strangers[i - 2] && !isSeparator(i)) {
      const c = lower[i]!;
      strangers[i] = !PATIENT_SPEAKS.test(c) && !s.inclusive.test(c) && !s.self.test(` ${c}`) && !ANSWER_WORD.test(c);
    }
  const stranger = (i: number) => strangers[i]!;
  if (idx.some(stranger) && !idx.some(own)) {
    const rest = idx.some((i) => !isSeparator(i) && !stranger(i) && /[\p{L}\p{N}]/u.test(parts[i]!));
    return rest
      ? idx
          .map((i) => (stranger(i) ? ' '.repeat(parts[i]!.length) : parts[i]!))
          .join('')
          .replace(LEADING_PAUSE, '')
      : lang === 'zh'
        ? '别人的事'
        : "someone else's";
  }
  // "our whole street had food poisoning, not me though": the stranger's clause beside the patient's own is set aside.
  const notOwn = (i: number) => other(i) || stranger(i);
  if (!idx.some(notOwn) || !idx.some(own)) return text;
  return idx
    .map((i) => {
      if (isSeparator(i)) return parts[i]!;
      if (notOwn(i)) return ' '.repeat(parts[i]!.length);
      if (s.selfDenial.test(lower[i]!)) return lang === 'zh' ? '没有' : 'no';
      // "我自己没有", "我没喘": the patient's own clause without its subject, as an answer reads.
      return lang === 'zh'
        ? parts[i]!.replace(/^(?:是|但是|不过|可)?(?:我|俺)(?:自己|本人|呢|倒是?)?(?=[没不无])/u, '')
        : parts[i]!;
    })
    .join('')
    .replace(LEADING_PAUSE, '');
}

/**
 * The answer with its past clauses set aside when another clause denies it now ("十年前晕倒过一次，最近没有",
 * "had the runs last month but not now"); `remoteOnly` (red-flag checks) keeps a recent event (last week) in.
 */
export function withoutPast(text: string, lang: Lang, remoteOnly: boolean): string {
  const s = scope(lang);
  const parts = clauses(text);
  const lower = parts.map((p) => p.toLowerCase().trim());
  const past = (i: number) =>
    !isSeparator(i) && (s.remote.test(lower[i]!) || (!remoteOnly && s.recent.test(lower[i]!)));
  const now = (i: number) => !isSeparator(i) && s.nowDenied.test(lower[i]!.replace(/[，,；;。.!！]+$/u, ''));
  const idx = parts.map((_, i) => i);
  if (!idx.some(past) || !idx.some(now)) return text;
  return idx
    .map((i) =>
      isSeparator(i)
        ? parts[i]!
        : past(i)
          ? ' '.repeat(parts[i]!.length)
          : now(i)
            ? lang === 'zh'
              ? '没有'
              : 'no'
            : parts[i]!,
    )
    .join('')
    .replace(LEADING_PAUSE, '');
}

/** The answer without its question clauses, when another clause is left to read ("没有，嘴歪是不是中风的表现？"). */
export function withoutQuestions(text: string, lang: Lang): string {
  const s = scope(lang);
  const parts = text.split(/(?<=[？?])|([，,；;。!！]+\s*)/u).filter((p) => p !== undefined);
  const isQ = (p: string) => /[^\s，,；;。!！]/u.test(p) && s.question.test(p.trim());
  const kept = parts.filter((p) => !isQ(p));
  if (!kept.some((p) => /[\p{L}\p{N}]/u.test(p)) || kept.length === parts.length) return text;
  return kept
    .join('')
    .replace(/^[\s，,；;。.]+/u, '')
    .trim();
}

/** Whether every one of `at` (a flag's words) lies in a clause about another person, with the patient's own apart. */
export function otherPersonOnly(text: string, at: readonly number[], lang?: Lang): boolean {
  return inClausesWhere(text, at, (clause, all) => {
    const s = scope(lang ?? langOf(clause));
    const other = (c: string) => s.others.test(c) && !s.inclusive.test(c);
    return other(clause) && all.some((c) => !other(c) && s.self.test(` ${c}`));
  });
}

/** Whether every one of `at` lies in a question (or hearsay: 听说, "I read that"), with another clause beside it. */
export function questionOnly(text: string, at: readonly number[], lang?: Lang): boolean {
  return inClausesWhere(text, at, (clause, all) => {
    const s = scope(lang ?? langOf(clause));
    const asked = (c: string) => s.question.test(c) || s.reported.test(c);
    return asked(clause) && all.some((c) => /[\p{L}\p{N}]/u.test(c) && !asked(c));
  });
}

const langOf = (s: string): Lang => (/[\u4e00-\u9fff]/u.test(s) ? 'zh' : 'en');

function inClausesWhere(
  text: string,
  at: readonly number[],
  test: (clause: string, all: string[]) => boolean,
): boolean {
  if (at.length === 0) return false;
  // Clauses end at a pause; a question mark stays with its clause.
  const spans: { start: number; end: number }[] = [];
  // A dash between words is a pause too ("…is dangerous - I don't have one").
  const re = /(?:(?!\s[-–—]\s)[^，,；;。.!！?？—])+[?？]?/gu;
  for (const m of text.matchAll(re)) spans.push({ start: m.index, end: m.index + m[0].length });
  const all = spans.map((sp) => text.slice(sp.start, sp.end).toLowerCase().trim());
  return at.every((pos) => {
    const k = spans.findIndex((sp) => sp.start <= pos && pos < sp.end);
    return k >= 0 && test(all[k]!, all);
  });
}
