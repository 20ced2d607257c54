import { readFileSync } from 'node:fs';
import type { Lang } from '../../core/index.js';

/**
 * A question's polarity (data/question-polarity.json): what the question is about (its topic words)
 * and which way an answer about that topic points. For a `loss` question (appetite, smell, energy,
 * voice, breathing, speech and limbs) a failing function states the finding ("吃不下", "I can hardly
 * finish a meal") and a working or unchanged one denies it ("吃嘛嘛香", "plenty of energy"); for a
 * `symptom` question the topic negated or unchanged denies it ("咳嗽从来没带过血"); for an `inverse`
 * question (a rash that does not fade) the test failing states it. Read clause by clause; the reader
 * uses the result only where the finding words alone leave the answer unread or contradict the topic.
 */
type Polarity = 'loss' | 'symptom' | 'inverse';
type ByLang = Record<Lang, string>;
interface PolarityData {
  readonly direction: Record<
    'negation' | 'inability' | 'unchanged' | 'good' | 'bad' | 'persist' | 'passes' | 'lacking' | 'scarcely',
    ByLang
  >;
  readonly questions: Record<string, Entry>;
  /**
   * Polarity read from the finding's own name, for questions without an entry: a name that says a
   * function is reduced or lost (食欲减退, 体重下降, 尿少, "weight loss", "reduced fetal movements")
   * is a `loss` question about the noun the name reduces (its `topic` group).
   */
  readonly classes?: readonly PolarityClass[];
}
interface Entry {
  readonly polarity: Polarity;
  readonly topics: Record<Lang, string[]>;
  readonly bad?: ByLang;
  readonly good?: ByLang;
}
interface PolarityClass {
  readonly id: string;
  readonly polarity: Polarity;
  /** Regular expressions over the finding's names; the named group `topic` is what the name reduces. */
  readonly name: Record<Lang, string[]>;
  /** Direction words of the class, added to the generic ones. */
  readonly bad?: ByLang;
  readonly good?: ByLang;
  /** Nouns whose loss is an event, not a graded function (consciousness): no class reading. */
  readonly notTopics?: Record<Lang, string[]>;
}

/** A finding's names (zh and en, synonyms included), where the question has no polarity entry. */
export interface FindingNames {
  readonly zh: readonly string[];
  readonly en: readonly string[];
}

let data: PolarityData | undefined;
function polarityData(): PolarityData {
  data ??= JSON.parse(readFileSync(new URL('./data/question-polarity.json', import.meta.url), 'utf8')) as PolarityData;
  return data;
}

/** The question keys (DDXPlus codes, `rf:<flag>`) with a polarity entry. */
export function hasPolarity(key: string, names?: FindingNames): boolean {
  return polarityEntry(key, names) !== undefined;
}

const escapeRe = (w: string) => w.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
const derived = new Map<string, Entry | null>();

/**
 * The polarity entry of a question: its own (question-polarity.json `questions`), else one derived from
 * the finding's names by the first class whose name pattern fits (`classes`): topics are the nouns the
 * names reduce (体重 in 体重下降, "appetite" in "loss of appetite"), direction words the generic ones
 * plus the class's.
 */
function polarityEntry(key: string, names?: FindingNames): Entry | undefined {
  const own = polarityData().questions[key];
  if (own || !names) return own;
  const cacheKey = `${key}\u0000${names.zh.join('|')}\u0000${names.en.join('|')}`;
  const hit = derived.get(cacheKey);
  if (hit !== undefined) return hit ?? undefined;
  let entry: Entry | null = null;
  for (const cls of polarityData().classes ?? []) {
    const topics: Record<Lang, Set<string>> = { zh: new Set(), en: new Set() };
    for (const lang of ['zh', 'en'] as const)
      for (const name of names[lang])
        for (const pattern of cls.name[lang])
          for (const m of name.matchAll(new RegExp(pattern, 'giu'))) {
            const topic = m.groups?.topic?.trim().toLowerCase();
            if (!topic || cls.notTopics?.[lang].some((w) => topic.includes(w))) continue;
            if (lang === 'zh') topics.zh.add(escapeRe(topic));
            // English: each content word of the noun, any ending ("movements" → movement\w*).
            else
              for (const w of topic.split(/\s+/))
                if (w.length > 2 && !/^(?:of|or|and|the|in|on|sense)$/.test(w))
                  topics.en.add(`${escapeRe(w.replace(/s$/, ''))}\\w*`);
          }
    if (topics.zh.size + topics.en.size === 0) continue;
    const d = polarityData().direction;
    const join = (a: ByLang, b?: ByLang): ByLang | undefined =>
      b ? { zh: `${a.zh}|${b.zh}`, en: `${a.en}|${b.en}` } : undefined;
    const bad = join(d.bad, cls.bad);
    const good = join(d.good, cls.good);
    entry = {
      polarity: cls.polarity,
      topics: { zh: [...topics.zh], en: [...topics.en] },
      ...(bad ? { bad } : {}),
      ...(good ? { good } : {}),
    };
    break;
  }
  derived.set(cacheKey, entry);
  return entry ?? undefined;
}

const wordRe = (alts: readonly string[], lang: Lang) =>
  new RegExp(lang === 'en' ? `\\b(?:${alts.join('|')})\\b` : `(?:${alts.join('|')})`, 'iu');

export interface TopicReading {
  /** What the topic clauses say to the question: the finding stated, denied, or nothing. */
  readonly value: 'yes' | 'no' | undefined;
  /** Whether the answer speaks about the question's topic at all. */
  readonly onTopic: boolean;
}

/** One clause's direction about the topic: bad (function failing), good (working, unchanged), or negated. */
function clauseDirection(
  text: string,
  lang: Lang,
  polarity: Polarity,
  own: { bad?: ByLang; good?: ByLang },
): 'bad' | 'good' | 'negated' | 'plain' {
  const d = { ...polarityData().direction, ...own };
  const re = (s: string) => new RegExp(s, 'iu');
  const neg = re(d.negation[lang]);
  // 动不动, 时不时, 好不好: an A-not-A word holds no negation.
  const clause = text.replace(/([\u4e00-\u9fff])[不没]\1/gu, '$1$1');
  const before = (at: number) => clause.slice(Math.max(0, at - (lang === 'zh' ? 3 : 24)), at);
  if (re(d.unchanged[lang]).test(clause)) return polarity === 'loss' ? 'good' : 'negated';
  // A symptom's topic said to be fine ("皮肤光光的", "skin's clear") denies it like a negation does.
  // "more than normal" compares with the usual self: "normal" there says nothing is fine.
  if (polarity === 'symptom')
    return neg.test(clause) || goodUnnegated(clause.replace(COMPARED_WITH_USUAL, ' '), d, lang) ? 'negated' : 'plain';
  if (polarity === 'inverse') {
    const failed = re(d.inability[lang]).test(clause) || re(d.persist[lang]).test(clause);
    if (failed) return 'negated';
    // The test passing ("一按就没了", "they go white") denies it, unless the pass itself is negated ("不褪").
    const passed = re(d.passes[lang]).exec(clause);
    if (passed) return neg.test(before(passed.index)) ? 'negated' : 'plain';
    return neg.test(clause) ? 'negated' : 'plain';
  }
  // A function said to be lacking ("冇胃口", "no energy to speak of") is the loss itself.
  const lacking = re(d.lacking[lang]).exec(clause);
  if (lacking && !neg.test(before(lacking.index))) return 'bad';
  // Loss: a failing function is bad unless a negation governs it ("呼吸没觉得费力", "不是喘不上气").
  const badAt = [re(d.inability[lang]), re(d.bad[lang])]
    .map((r) => r.exec(clause))
    .find((m): m is RegExpExecArray => !!m);
  const opening = lang === 'zh' ? /^(?:不是|并不是|也不是)/u : /^(?:it'?s\s+)?not\s+that\b/i;
  if (badAt) return neg.test(before(badAt.index)) || opening.test(clause) ? 'good' : 'bad';
  const goodAt = re(d.good[lang]).exec(clause);
  // A good word under a negation is bad ("胃口不太好", "not great"), as is one less than the usual self
  // ("没以前那么灵光了", "不如以前香").
  if (goodAt)
    return neg.test(before(goodAt.index)) || NOT_AS_BEFORE.test(clause.slice(0, goodAt.index)) ? 'bad' : 'good';
  return 'plain';
}

/** "没以前那么", "不如平时": less than the usual self, just before a good word. */
const NOT_AS_BEFORE = /(?:没有?|不如|不像)(?:以前|平时|原来|往常|过去|之前|从前|平常)(?:那么|那样|这么|这样)?$/u;

const COMPARED_WITH_USUAL = /\b(?:more|less|worse|[a-z]{2,}(?:ier|er))\s+than\s+(?:usual|normal|before|ever)\b/giu;

/** Whether the question asks about a function that can be lost (appetite, smell, energy): `loss` polarity. */
export function isLossQuestion(key: string, names?: FindingNames): boolean {
  return polarityEntry(key, names)?.polarity === 'loss';
}

/** The answer compares the patient with their usual self ("跟平时一样", "same as ever"): no image, no change. */
export function saysUnchanged(text: string, lang: Lang): boolean {
  return new RegExp(polarityData().direction.unchanged[lang], 'iu').test(text);
}

/** The answer says a function is scarcely there ("没怎么动", "barely"): on a loss question, the loss outright. */
export function saysScarcely(key: string, text: string, lang: Lang, names?: FindingNames): boolean {
  return (
    polarityEntry(key, names)?.polarity === 'loss' &&
    new RegExp(polarityData().direction.scarcely[lang], 'iu').test(text)
  );
}

/** The answer without its scarcely words, to look for a hedge besides them. */
export function withoutScarcely(text: string, lang: Lang): string {
  return text.replace(new RegExp(polarityData().direction.scarcely[lang], 'giu'), ' ');
}

function goodUnnegated(clause: string, d: PolarityData['direction'], lang: Lang): boolean {
  const m = new RegExp(d.good[lang], 'iu').exec(clause);
  if (!m) return false;
  const before = clause.slice(Math.max(0, m.index - (lang === 'zh' ? 3 : 24)), m.index);
  return !new RegExp(d.negation[lang], 'iu').test(before);
}

/**
 * Reads an answer against the polarity of the question `key` (a DDXPlus code or `rf:<flag>`).
 * `unframed`: the answer names no other finding, so a loss question's answer that never names its topic
 * is still about it ("I only manage a few bites" to the appetite question, "说一句喘一口" to the
 * can't-finish-a-sentence check): its clauses are read for direction all the same.
 */
export function readTopic(
  key: string,
  text: string,
  lang: Lang,
  options: { unframed?: boolean; names?: FindingNames } = {},
): TopicReading {
  const q = polarityEntry(key, options.names);
  if (!q) return { value: undefined, onTopic: false };
  const topic = wordRe(q.topics[lang], lang);
  // 黄不拉几, 黑不溜秋: a colloquial suffix of degree, not a negation.
  const all = text
    .replace(/不(?:拉|啦)(?:几|叽|唧)|不溜(?:秋|丢)/gu, '')
    .split(/[，,；;。.!?！？]|\bbut\b|但是|可是|不过/u)
    .filter((c) => c.trim());
  let clauses = all.filter((c) => topic.test(c));
  // An inverse test is often told in two clauses ("用杯子压了，红点还在"): once on topic, every clause counts.
  if (clauses.length > 0 && q.polarity === 'inverse') clauses = all;
  if (clauses.length === 0 && options.unframed && q.polarity === 'loss') {
    // A clause on another question's topic ("我睡不着觉" to the appetite question) is about that one.
    const others = Object.entries(polarityData().questions)
      .filter(([k]) => k !== key)
      .map(([, o]) => wordRe(o.topics[lang], lang));
    const dirs = all.filter((c) => !others.some((o) => o.test(c))).map((c) => clauseDirection(c, lang, q.polarity, q));
    const value = dirs.includes('bad') ? 'yes' : dirs.includes('good') ? 'no' : undefined;
    return { value, onTopic: value !== undefined };
  }
  if (clauses.length === 0) return { value: undefined, onTopic: false };
  const dirs = clauses.map((c) => clauseDirection(c, lang, q.polarity, q));
  let value: TopicReading['value'];
  if (q.polarity === 'loss') value = dirs.includes('bad') ? 'yes' : dirs.includes('good') ? 'no' : undefined;
  else if (q.polarity === 'inverse') value = dirs.includes('negated') ? 'yes' : 'no';
  else value = dirs.every((x) => x === 'negated') ? 'no' : undefined;
  return { value, onTopic: true };
}
