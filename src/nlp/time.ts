import type { FactTime } from '../core/index.js';
import { toHalfWidth } from './units.js';

/** A time expression found in text, resolved against the anchor date where it can be. */
export interface TimeMention {
  readonly start: number;
  readonly end: number;
  readonly time: FactTime;
  /** `point` = a date or "3 days ago"; `duration` = "for 3 days" / 咳嗽3天 (with its onset as start). */
  readonly kind: 'point' | 'duration' | 'admission-day';
}

export interface TimeOptions {
  /** The note's date (ISO 8601): "3天前" is resolved against it. */
  readonly anchorDate?: string;
  /** The admission date (ISO 8601): "入院第3天" / "hospital day 3" is resolved against it. */
  readonly admissionDate?: string;
}

type Unit = NonNullable<FactTime['duration']>['unit'];

const zhUnits: Record<string, Unit> = {
  分钟: 'min',
  小时: 'h',
  天: 'd',
  日: 'd',
  周: 'wk',
  星期: 'wk',
  月: 'mo',
  个月: 'mo',
  年: 'a',
};
const enUnits: Record<string, Unit> = {
  minute: 'min',
  min: 'min',
  hour: 'h',
  hr: 'h',
  day: 'd',
  week: 'wk',
  wk: 'wk',
  month: 'mo',
  mo: 'mo',
  year: 'a',
  yr: 'a',
};
const enNumbers: Record<string, number> = {
  a: 1,
  an: 1,
  one: 1,
  two: 2,
  three: 3,
  four: 4,
  five: 5,
  six: 6,
  seven: 7,
  eight: 8,
  nine: 9,
  ten: 10,
  several: 3,
  few: 3,
  couple: 2,
};
const MONTHS = ['jan', 'feb', 'mar', 'apr', 'may', 'jun', 'jul', 'aug', 'sep', 'oct', 'nov', 'dec'];

/** An English month name or abbreviation (`Mar`, `march`, `Sept.`) → 1–12. */
export function monthNumber(name: string): number | undefined {
  const i = MONTHS.indexOf(name.toLowerCase().slice(0, 3));
  return i < 0 ? undefined : i + 1;
}

/** 3, 3.5, 三, 十五, 两, 半 → number. */
export function parseZhNumber(s: string): number | undefined {
  if (/^\d+(\.\d+)?$/.test(s)) return Number(s);
  if (s === '半') return 0.5;
  const digits: Record<string, number> = {
    零: 0,
    一: 1,
    二: 2,
    两: 2,
    三: 3,
    四: 4,
    五: 5,
    六: 6,
    七: 7,
    八: 8,
    九: 9,
  };
  if (!/^[零一二两三四五六七八九十]+$/.test(s)) return undefined;
  const i = s.indexOf('十');
  if (i < 0) return s.length === 1 ? digits[s] : undefined;
  const tens = i === 0 ? 1 : (digits[s.slice(0, i)] ?? 0);
  const ones = i === s.length - 1 ? 0 : (digits[s.slice(i + 1)] ?? 0);
  return tens * 10 + ones;
}

const pad = (n: number) => String(n).padStart(2, '0');

function isoDate(y: number, m: number, d: number): string | undefined {
  if (m < 1 || m > 12 || d < 1 || d > 31) return undefined;
  const t = new Date(Date.UTC(y, m - 1, d));
  return t.getUTCMonth() === m - 1 ? `${y}-${pad(m)}-${pad(d)}` : undefined;
}

/** anchor − amount (or + when negative), at day precision for days and longer, minute precision otherwise. */
export function shiftDate(anchor: string, amount: number, unit: Unit): string | undefined {
  const base = new Date(anchor.length <= 10 ? `${anchor}T00:00:00Z` : anchor);
  if (Number.isNaN(base.getTime())) return undefined;
  const d = new Date(base.getTime());
  switch (unit) {
    case 'min':
      d.setTime(d.getTime() - amount * 60_000);
      break;
    case 'h':
      d.setTime(d.getTime() - amount * 3_600_000);
      break;
    case 'd':
      d.setTime(d.getTime() - Math.round(amount * 24) * 3_600_000);
      break;
    case 'wk':
      d.setTime(d.getTime() - Math.round(amount * 7) * 86_400_000);
      break;
    case 'mo':
      if (Number.isInteger(amount)) d.setUTCMonth(d.getUTCMonth() - amount);
      else d.setTime(d.getTime() - Math.round(amount * 30.44) * 86_400_000);
      break;
    case 'a':
      if (Number.isInteger(amount)) d.setUTCFullYear(d.getUTCFullYear() - amount);
      else if (Number.isInteger(amount * 12))
        d.setUTCMonth(d.getUTCMonth() - amount * 12); // 半年 = 6 months
      else d.setTime(d.getTime() - Math.round(amount * 365.25) * 86_400_000);
      break;
  }
  const date = `${d.getUTCFullYear()}-${pad(d.getUTCMonth() + 1)}-${pad(d.getUTCDate())}`;
  return (unit === 'min' || unit === 'h') && anchor.length > 10
    ? `${date}T${pad(d.getUTCHours())}:${pad(d.getUTCMinutes())}:00Z`
    : date;
}

const relativeDay =
  /(今日|今天|今晨|今晚|昨日|昨天|昨晚|昨夜|前天|\btoday\b|\byesterday\b|\blast night\b|\bthis morning\b)/gi;
// A number's alternatives each begin with a plain character or class, so that the regular expression engine
// skips quickly to where a number may start (a lookahead or lookbehind first makes it try every position).
const zhNum = '(\\d+(?:\\.\\d+)?|[零一二两三四五六七八九十]+|半)';
/**
 * zhNum not written right after a digit, a point, 月, 年, 第, 每 or 隔 (每8小时 is a frequency, 第3天 a day):
 * the lookbehind is placed after each alternative's first character, where it looks at the character before
 * that one, rather than at the start of the pattern.
 */
const notAfter = '[\\d.月年第每隔]';
const zhNumNotAfter =
  `(\\d(?<!${notAfter}\\d)\\d*(?:\\.\\d+)?` +
  `|[零一二两三四五六七八九十](?<!${notAfter}.)[零一二两三四五六七八九十]*` +
  `|半(?<!${notAfter}半))`;
/** `\b(?:jan|feb|…|dec)` with each lookbehind after the month's first letter (see zhNumNotAfter). */
const monthAtWordStart = MONTHS.map((m) => `${m[0]}(?<!\\w${m[0]})${m.slice(1)}`).join('|');

/**
 * A pattern whose every match holds an anchor character, with only lead characters before the first anchor
 * in it: a match can start only in the run of leads right before an anchor. The Chinese duration patterns
 * begin with a CJK numeral or a digit, a class the regular expression engine cannot skip to, so a global exec
 * tries the pattern at every position of the note; here the anchors are found by a native scan for one
 * character class and the pattern (sticky) is tried only in the few places a match can start, in order: the
 * first match found is the one the global exec finds.
 */
interface Anchored {
  /** The anchor characters (a global pattern of one character class). */
  readonly anchors: RegExp;
  /** The bit of LEADS set on the pattern's leads. */
  readonly lead: number;
  /**
   * What every match holds at its start (a test of a code unit or two, far cheaper than a sticky exec): the
   * starts in a run of leads that fail it are not tried. A number's digits, its point and the gaps are leads,
   * and most of the places a run of them allows cannot start a match (only the first digit of 2024 starts
   * 2024年 as a duration, a gap or a point none).
   */
  readonly canStart: (text: string, s: number) => boolean;
}

/** The first match of `sticky` at or after `from`, as the same pattern with the `g` flag finds it. */
function execAnchored(sticky: RegExp, a: Anchored, text: string, from: number): RegExpExecArray | null {
  // a start s has its first anchor at the first anchor q ≥ s: each q is tried with the starts since the last one
  // (`test` and lastIndex: the anchor is one code unit, and exec would make a match array for each)
  let floor = from;
  const { anchors, lead, canStart } = a;
  anchors.lastIndex = from;
  while (anchors.test(text)) {
    const q = anchors.lastIndex - 1;
    let s = q;
    while (s > floor && (LEADS[text.charCodeAt(s - 1)]! & lead) !== 0) s--;
    for (; s < q; s++) {
      if (!canStart(text, s)) continue;
      sticky.lastIndex = s;
      const m = sticky.exec(text);
      if (m) return m;
    }
    floor = q + 1;
  }
  return null;
}

/** zhNum's first character at s: a digit, a Chinese numeral or 半. */
function numberAt(text: string, s: number): boolean {
  return (STARTS[text.charCodeAt(s)]! & NUMBER_START) !== 0;
}

/** zhNumNotAfter's start at s: zhNum's first character, not after one of notAfter's characters. */
function numberNotAfterAt(text: string, s: number): boolean {
  return numberAt(text, s) && (s === 0 || (STARTS[text.charCodeAt(s - 1)]! & NOT_AFTER) === 0);
}

/** By code unit: NUMBER_START (zhNum's first characters) and NOT_AFTER (notAfter's characters). */
const STARTS = new Uint8Array(65536);
const NUMBER_START = 1;
const NOT_AFTER = 2;
for (const c of '0123456789零一二两三四五六七八九十半') STARTS[c.charCodeAt(0)]! |= NUMBER_START;
for (const c of '0123456789.月年第每隔') STARTS[c.charCodeAt(0)]! |= NOT_AFTER;

/** By code unit: the bits of the lead characters of the two Chinese duration patterns (one load per character). */
const LEADS = new Uint8Array(65536);
const AGO_LEAD = 1;
const DURATION_LEAD = 2;
{
  const mark = (chars: string, bits: number) => {
    for (const c of chars) LEADS[c.charCodeAt(0)]! |= bits;
  };
  // zhNum (a digit, a point, a numeral, 半) and what may stand between a number and its unit (\s 个 余 多)
  mark('0123456789.零一二两三四五六七八九十半个余多', AGO_LEAD | DURATION_LEAD);
  mark('\t\n\v\f\r \u00a0\u1680\u2028\u2029\u202f\u205f\u3000\ufeff', AGO_LEAD | DURATION_LEAD);
  for (let c = 0x2000; c <= 0x200a; c++) LEADS[c]! |= AGO_LEAD | DURATION_LEAD;
  // 3天前, 2周以前: the unit and 以 / 之 come before 前 too
  mark('分钟小时天日周星期月年以之', AGO_LEAD);
}

// sticky: tried where a match can start (Anchored)
const zhAgo = new RegExp(
  `${zhNum}\\s*(?:个)?\\s*[余多]?\\s*(分钟|小时|天|日|周|星期|个月|月|年)[余多]?\\s*(?:以前|之前|前)`,
  'y',
);
const zhDuration = new RegExp(
  `${zhNumNotAfter}\\s*(?:个)?\\s*[余多]?\\s*(分钟|小时|天|日|周|星期|个月|月|年)[余多]?(?!\\s*(?:前|后|以前|之前|以后|次|\\d))`,
  'y',
);

interface TimePattern {
  re: RegExp;
  /** A character every match holds (an indexOf before `pre`, which scans the note with a pattern). */
  needs?: string;
  pre?: RegExp;
  /** Where the pattern's matches can start (see Anchored): `re` is sticky and tried only there. */
  anchored?: Anchored;
  make: (m: RegExpExecArray, o: TimeOptions) => Omit<TimeMention, 'start' | 'end'> | undefined;
}

const patternList: TimePattern[] = [
  {
    // 2024-03-01, 2024/3/1, 2024.03.01, 2024年3月1日, with an optional time 11:12
    pre: /\d{4}/,
    re: /(\d{4})\s*[-/.年]\s*(\d{1,2})\s*[-/.月]\s*(\d{1,2})\s*日?(?:[\sT;；,，]*(\d{1,2})\s*[:：时]\s*(\d{2})分?)?/g,
    make: (m) => {
      const date = isoDate(Number(m[1]), Number(m[2]), Number(m[3]));
      if (!date) return undefined;
      const time = m[4] !== undefined && Number(m[4]) < 24 ? `T${pad(Number(m[4]))}:${m[5]}:00` : '';
      return { kind: 'point', time: { start: date + time } };
    },
  },
  {
    // 2024年3月, 2024-03 (month precision)
    pre: /\d{4}/,
    re: /(\d{4})\s*(?:年\s*(\d{1,2})\s*月|-(\d{2})(?![\d-]))/g,
    make: (m) => {
      const mo = Number(m[2] ?? m[3]);
      return mo >= 1 && mo <= 12 ? { kind: 'point', time: { start: `${m[1]}-${pad(mo)}` } } : undefined;
    },
  },
  {
    // March 1, 2024 / 1 March 2024 / Mar 1 2024
    pre: new RegExp(monthAtWordStart, 'i'),
    re: new RegExp(
      `(?:(${monthAtWordStart})[a-z]*\\.?\\s+(\\d{1,2})(?:st|nd|rd|th)?,?\\s+(\\d{4})` +
        '|(\\d(?<!\\w\\d)\\d?)\\s+(jan|feb|mar|apr|may|jun|jul|aug|sep|oct|nov|dec)[a-z]*\\.?,?\\s+(\\d{4}))\\b',
      'gi',
    ),
    make: (m) => {
      const mon = monthNumber((m[1] ?? m[5])!)!;
      const date = isoDate(Number(m[3] ?? m[6]), mon, Number(m[2] ?? m[4]));
      return date ? { kind: 'point', time: { start: date } } : undefined;
    },
  },
  {
    // US numeric 03/01/2024
    pre: /\/\d{4}/,
    re: /\b(\d{1,2})\/(\d{1,2})\/(\d{4})\b/g,
    make: (m) => {
      const date = isoDate(Number(m[3]), Number(m[1]), Number(m[2]));
      return date ? { kind: 'point', time: { start: date } } : undefined;
    },
  },
  {
    // 3天前, 2周前, 半年前, 1年余前, 十余天前, 3个月前
    // (pre: the unit's last character, then 前, as the pattern has them: a native scan far cheaper than the pattern)
    needs: '前',
    pre: /[钟时天日周期月年][余多]?\s*[以之]?前/,
    re: zhAgo,
    // 前 ends every match, with only the number, the gaps and the unit before it
    anchored: { anchors: /前/g, lead: AGO_LEAD, canStart: numberAt },
    make: (m, o) => relative(m, parseZhNumber(m[1]!), zhUnits[m[2]!]!, o),
  },
  {
    // 2 weeks ago, three days ago, a year ago
    pre: /ago|prior|before admission|earlier/i,
    re: /\b(\d+(?:\.\d+)?|a|an|one|two|three|four|five|six|seven|eight|nine|ten|several|a few|a couple of)\s+(min(?:ute)?|hour|hr|day|week|wk|month|mo|year|yr)s?\s+(?:ago|prior|before admission|earlier)\b/gi,
    make: (m, o) =>
      relative(
        m,
        enNumbers[
          m[1]!
            .toLowerCase()
            .replace(/^a (few|couple of)$/, '$1')
            .replace('couple of', 'couple')
        ] ?? Number(m[1]),
        enUnits[m[2]!.toLowerCase()]!,
        o,
      ),
  },
  {
    // 入院第3天, 住院第3天, 术后第2天
    needs: '第',
    re: new RegExp(`(入院|住院|术后)\\s*第\\s*${zhNum}\\s*[天日]`, 'g'),
    make: (m, o) => admissionDay(m, m[1] === '术后' ? 'surgery' : 'admission', parseZhNumber(m[2]!), o),
  },
  {
    // hospital day 3, HD 3, HD#3, post-operative day 2, POD 2
    pre: /hospital day|HD|POD|operative day/i,
    re: /\b(hospital day|HD|post-?operative day|POD)\s*#?\s*(\d+)\b/gi,
    make: (m, o) => admissionDay(m, /^p/i.test(m[1]!) ? 'surgery' : 'admission', Number(m[2]), o),
  },
  {
    // for 3 days, x 7 days, × 7 days, over the past 2 weeks
    // (pre: a space and a unit word, as every match has them: `for`, `x` and `×` stand in Chinese notes too, 3×4cm)
    pre: /\s(?:min|hour|hr|day|week|wk|month|mo|year|yr)/i,
    // `f(?<!\wf)or` is `\bfor` with the lookbehind after the first letter (see zhNumNotAfter): the engine skips to
    // where an f, x, × or o stands rather than trying every position
    re: /(?:f(?<!\wf)or|x(?<!\wx)|×|o(?<!\wo)ver the (?:past|last))\s*(\d+(?:\.\d+)?|one|two|three|four|five|six|seven|eight|nine|ten|several|a few)\s+(min(?:ute)?|hour|hr|day|week|wk|month|mo|year|yr)s?\b/gi,
    make: (m, o) =>
      duration(
        m,
        enNumbers[m[1]!.toLowerCase().replace('a few', 'few')] ?? Number(m[1]),
        enUnits[m[2]!.toLowerCase()]!,
        o,
      ),
  },
  {
    // 咳嗽3天, 发热2周余, 持续3小时 (a Chinese duration: the onset lies that long before the anchor);
    // not an interval: 每8小时 / 每隔6小时 is a frequency.
    pre: /[分时天日周期月年]/,
    re: zhDuration,
    // the unit's first character follows the number and the gaps (个 is both: 3个月 has its anchor at 个)
    anchored: { anchors: /[分小天日周星个月年]/g, lead: DURATION_LEAD, canStart: numberNotAfterAt },
    make: (m, o) => {
      const d = duration(m, parseZhNumber(m[1]!), zhUnits[m[2]!]!, o);
      const start =
        d?.time.duration && o.anchorDate
          ? shiftDate(o.anchorDate, d.time.duration.value, d.time.duration.unit)
          : undefined;
      return d && start ? { ...d, time: { ...d.time, start } } : d;
    },
  },
  {
    re: relativeDay,
    make: (m, o) => {
      const back = /^(昨|yesterday|last night)/i.test(m[1]!) ? 1 : m[1] === '前天' ? 2 : 0;
      const start = o.anchorDate ? shiftDate(o.anchorDate.slice(0, 10), back, 'd') : undefined;
      return {
        kind: 'point',
        time: { ...(start ? { start } : {}), relative: m[0], ...(o.anchorDate ? { anchor: o.anchorDate } : {}) },
      };
    },
  },
];

/**
 * The patterns as objects of one shape (every field present): parseTimes reads them for every note, and objects
 * of as many shapes as there are combinations of the optional fields make those reads slow (megamorphic).
 */
const patterns = patternList.map((p) => ({
  re: p.re,
  needs: p.needs,
  pre: p.pre,
  anchored: p.anchored,
  make: p.make,
}));

function relative(
  m: RegExpExecArray,
  n: number | undefined,
  unit: Unit,
  o: TimeOptions,
): Omit<TimeMention, 'start' | 'end'> | undefined {
  if (n === undefined || Number.isNaN(n)) return undefined;
  const start = o.anchorDate ? shiftDate(o.anchorDate, n, unit) : undefined;
  return {
    kind: 'point',
    time: { ...(start ? { start } : {}), relative: m[0], ...(o.anchorDate ? { anchor: o.anchorDate } : {}) },
  };
}

function duration(
  m: RegExpExecArray,
  n: number | undefined,
  unit: Unit,
  o: TimeOptions,
): Omit<TimeMention, 'start' | 'end'> | undefined {
  if (n === undefined || Number.isNaN(n) || unit === undefined) return undefined;
  return {
    kind: 'duration',
    time: { duration: { value: n, unit }, relative: m[0], ...(o.anchorDate ? { anchor: o.anchorDate } : {}) },
  };
}

function admissionDay(
  m: RegExpExecArray,
  anchor: 'admission' | 'surgery',
  n: number | undefined,
  o: TimeOptions,
): Omit<TimeMention, 'start' | 'end'> | undefined {
  if (n === undefined) return undefined;
  const start =
    anchor === 'admission' && o.admissionDate ? shiftDate(o.admissionDate.slice(0, 10), -(n - 1), 'd') : undefined;
  return { kind: 'admission-day', time: { ...(start ? { start } : {}), relative: m[0], anchor } };
}

/**
 * Dates, relative times ("3天前", "2 weeks ago", "yesterday"), admission days ("入院第3天",
 * "hospital day 3") and durations ("for 3 days", "x 7 days", "咳嗽3天"), left to right without
 * overlaps (earlier patterns win ties). Relative ones are resolved against `anchorDate` (and
 * admission days against `admissionDate`); the text as written stays in `relative`.
 */
export function parseTimes(text: string, options: TimeOptions = {}, half = toHalfWidth(text)): TimeMention[] {
  const found: TimeMention[] = [];
  const numeric = /[\d零一二两三四五六七八九十半]/.test(half);
  for (const { re, needs, pre, anchored, make } of patterns) {
    if (!numeric && re !== relativeDay) continue;
    if (needs && half.indexOf(needs) < 0) continue;
    if (pre && !pre.test(half)) continue;
    // exec on the pattern itself: matchAll would copy the RegExp on every call
    re.lastIndex = 0;
    for (
      let m = anchored ? execAnchored(re, anchored, half, 0) : re.exec(half);
      m;
      m = anchored ? execAnchored(re, anchored, half, m.index + Math.max(1, m[0].length)) : re.exec(half)
    ) {
      if (m[0].length === 0) re.lastIndex++;
      const start = m.index;
      const end = start + m[0].length;
      if (found.some((f) => f.start < end && start < f.end)) continue;
      const made = make(m, options);
      if (made)
        found.push({
          start,
          end,
          ...made,
          time: { ...made.time, ...(made.time.relative ? { relative: text.slice(start, end) } : {}) },
        });
    }
  }
  return found.sort((a, b) => a.start - b.start);
}
