import type { Fact, Lang, Source } from '../core/index.js';
import { conceptLabel } from '../core/index.js';
import { monthNumber, splitSentences } from '../nlp/index.js';
import type { RecordIndex } from './record.js';

/**
 * Dates of events (taxonomy E07): the day the text gives for an admission, a discharge, an operation
 * or a named study against the day the record gives for the same event. Dates are read in the forms
 * clinicians write them (2024-06-12, 2024/6/12, 2024年6月12日, July 2, 2024, 2 July 2024).
 */
export interface DateMention {
  readonly start: number;
  readonly end: number;
  /** YYYY-MM-DD. */
  readonly iso: string;
}

const monthRe =
  '(jan(?:uary)?|feb(?:ruary)?|mar(?:ch)?|apr(?:il)?|may|june?|july?|aug(?:ust)?|sep(?:t(?:ember)?)?|oct(?:ober)?|nov(?:ember)?|dec(?:ember)?)\\.?';
const forms: readonly [RegExp, (m: RegExpExecArray) => [number, number, number]][] = [
  [/(\d{4})[-/.](\d{1,2})[-/.](\d{1,2})(?!\d)/g, (m) => [+m[1]!, +m[2]!, +m[3]!]],
  [/(\d{4})年(\d{1,2})月(\d{1,2})日/g, (m) => [+m[1]!, +m[2]!, +m[3]!]],
  [
    new RegExp(`\\b${monthRe}\\s+(\\d{1,2})(?:st|nd|rd|th)?,?\\s+(\\d{4})\\b`, 'gi'),
    (m) => [+m[3]!, monthNumber(m[1]!) ?? 0, +m[2]!],
  ],
  [new RegExp(`\\b(\\d{1,2})\\s+${monthRe},?\\s+(\\d{4})\\b`, 'gi'), (m) => [+m[3]!, monthNumber(m[2]!) ?? 0, +m[1]!]],
];

export function findDates(text: string): DateMention[] {
  const out: DateMention[] = [];
  for (const [re, parts] of forms) {
    for (const m of text.matchAll(new RegExp(re.source, re.flags))) {
      const [y, mo, d] = parts(m as RegExpExecArray);
      if (!y || mo < 1 || mo > 12 || d < 1 || d > 31) continue;
      const start = m.index;
      const end = start + m[0].length;
      if (out.some((o) => start < o.end && end > o.start)) continue;
      out.push({ start, end, iso: `${y}-${String(mo).padStart(2, '0')}-${String(d).padStart(2, '0')}` });
    }
  }
  return out.sort((a, b) => a.start - b.start);
}

/** Events a date can be the day of, and the words that name them. */
const events: readonly { id: string; re: RegExp; zh: string; en: string }[] = [
  { id: 'admission', re: /入院|admitted|admission|admit date/i, zh: '入院', en: 'admission' },
  { id: 'discharge', re: /出院|discharged|discharge/i, zh: '出院', en: 'discharge' },
  {
    id: 'operation',
    re: /手术|[行在].{0,20}术|修补术|切除术|置换术|\boperation\b|\bsurgery\b|underwent|repair\b|resection|ectomy\b|otomy\b|plasty\b/i,
    zh: '手术',
    en: 'operation',
  },
  {
    id: 'chest-xray',
    re: /胸部X线|X线胸片|胸片|chest x-?ray|\bCXR\b|chest radiograph/i,
    zh: '胸片',
    en: 'chest X-ray',
  },
  { id: 'chest-ct', re: /胸部(?:平扫)?CT|肺部CT|chest CT|CT (?:of the )?chest/i, zh: '胸部CT', en: 'chest CT' },
  { id: 'head-ct', re: /头颅CT|颅脑CT|head CT|brain CT/i, zh: '头颅CT', en: 'head CT' },
  { id: 'abdomen-ct', re: /腹部CT|全腹CT|CT abdomen|abdominal CT/i, zh: '腹部CT', en: 'abdominal CT' },
];
/** Words that move a date off the event ("术后第1天", "1周后复查", "follow-up on…", "until"). */
const offEvent =
  /术后|术前|复查|复诊|随访|至|直到|第\d+天|before|after|until|follow-?up|repeat|since|prior to|hospital day|\bday \d|前\d|后\d/i;

interface DatedEvent {
  readonly event: string;
  readonly iso: string;
  readonly source: Source;
}

/** The events a date stands for: named in the same clause, with no word that moves the date off them. */
function datedEvents(text: string, document: string, range: { start: number; end: number }): DatedEvent[] {
  const out: DatedEvent[] = [];
  for (const s of splitSentences(text, range)) {
    const body = text.slice(s.start, s.end);
    const dates = findDates(body);
    if (dates.length === 0) continue;
    for (const d of dates) {
      // The clause of the date: from the previous date or clause break to the next.
      const prev = Math.max(0, ...dates.filter((x) => x.end <= d.start).map((x) => x.end));
      const next = Math.min(body.length, ...dates.filter((x) => x.start >= d.end).map((x) => x.start));
      let a = d.start;
      while (a > prev && !/[，,；;。\n]/.test(body[a - 1]!)) a--;
      let b = d.end;
      while (b < next && !/[，,；;。\n]/.test(body[b]!)) b++;
      const clause = body.slice(a, b);
      const around = clause.replace(body.slice(d.start, d.end), ' ');
      if (offEvent.test(around)) continue;
      const named = events.filter((e) => e.re.test(around));
      // One event per date: a clause that names an admission and an operation dates neither for sure.
      if (named.length !== 1) continue;
      out.push({
        event: named[0]!.id,
        iso: d.iso,
        source: { kind: 'text', document, start: s.start + a, end: s.start + b, quote: clause.trim() },
      });
    }
  }
  return out;
}

const cache = new WeakMap<RecordIndex, { events: DatedEvent[]; days: Set<string> }>();

function recordDates(index: RecordIndex): { events: DatedEvent[]; days: Set<string> } {
  let found = cache.get(index);
  if (!found) {
    const days = new Set<string>();
    const evs: DatedEvent[] = [];
    for (const d of index.record.documents) {
      for (const x of findDates(d.text)) days.add(x.iso);
      evs.push(...datedEvents(d.text, d.id, { start: 0, end: d.text.length }));
    }
    found = { events: evs, days };
    cache.set(index, found);
  }
  return found;
}

/** Whether the record (its notes or its facts' times) has this day. */
export function recordHasDay(index: RecordIndex, iso: string): boolean {
  return index.hasDate(iso) || recordDates(index).days.has(iso);
}

/** A date the claim gives an event that the record dates otherwise (and never on that day). */
export function dateConflict(
  text: string,
  span: { start: number; end: number },
  index: RecordIndex,
  lang: Lang,
): { verdict: 'contradicted'; errorType: 'E07'; reason: string; evidence: readonly Source[] } | undefined {
  const rec = recordDates(index).events;
  if (rec.length === 0) return undefined;
  for (const e of datedEvents(text, 'checked-text', span)) {
    const same = rec.filter((r) => r.event === e.event);
    if (same.length === 0 || same.some((r) => r.iso === e.iso)) continue;
    const ev = events.find((x) => x.id === e.event)!;
    const days = [...new Set(same.map((r) => r.iso))].join(lang === 'zh' ? '、' : ', ');
    return {
      verdict: 'contradicted',
      errorType: 'E07',
      reason: lang === 'zh' ? `${ev.zh}日期${e.iso}，病历为${days}` : `${ev.en} on ${e.iso}: the record gives ${days}`,
      evidence: same.map((r) => r.source),
    };
  }
  return undefined;
}

/**
 * The end of a drug course (E07): "利伐沙班 15mg 每日两次服至2024-10-22", "rivaroxaban 15 mg BID until
 * 2024-10-22". The record gives the same course's end as a date ("服至2024-09-22") or as a start and
 * a duration ("自2024-09-01起…共21天", "from 2024-09-01 for 21 days"). A course is the drug and its
 * dose: a later phase of the same drug at another dose ("之后改为 20mg") is another course.
 */
const untilRe = /(?:服至|用至|服到|用到|持续至|维持至|继续至|直至|至|until|through|till|to)\s*$/i;
const doseRe = /(\d+(?:\.\d+)?)\s*(mg|g|μg|ug|mcg|ml|iu|u|单位|万单位)(?![a-z])/gi;
const startRe = /(?:自|从|于|from|starting|started on|beginning)\s*$/i;
const lengthRe = /(?:共|连续|疗程)?\s*(\d{1,3})\s*(?:天|日)|(?:for|x|×)\s*(\d{1,3})\s*days?/i;

interface CourseEnd {
  readonly drug: Fact;
  readonly dose?: string;
  readonly iso: string;
  /** Where the date stands in the text. */
  readonly at: number;
  readonly source: Source;
}

function addDays(iso: string, n: number): string {
  const d = new Date(`${iso}T00:00:00Z`);
  d.setUTCDate(d.getUTCDate() + n);
  return d.toISOString().slice(0, 10);
}

function dayDiff(a: string, b: string): number {
  return Math.round((Date.parse(`${a}T00:00:00Z`) - Date.parse(`${b}T00:00:00Z`)) / 86400000);
}

/** Course ends in one text: each "until DATE" (or a start DATE with a length) bound to the nearest drug named before it in its sentence. */
function courseEnds(
  text: string,
  document: string,
  drugs: readonly Fact[],
  range: { start: number; end: number },
): CourseEnd[] {
  const out: CourseEnd[] = [];
  const at = (f: Fact) =>
    f.sources[0]?.kind === 'text' && f.sources[0].document === document ? f.sources[0] : undefined;
  for (const s of splitSentences(text, range)) {
    const body = text.slice(s.start, s.end);
    const here = drugs.filter((f) => {
      const x = at(f);
      return x && x.start >= s.start && x.start < s.end;
    });
    if (here.length === 0) continue;
    for (const d of findDates(body)) {
      const pos = s.start + d.start;
      const source: Source = { kind: 'text', document, start: s.start, end: s.end, quote: body.trim() };
      const before = here.filter((f) => at(f)!.end <= pos).sort((a, b) => at(b)!.start - at(a)!.start)[0];
      const doseIn = (x: string) => {
        const dose = [...x.matchAll(doseRe)].pop();
        return dose ? { dose: `${Number(dose[1])}${dose[2]!.toLowerCase()}` } : {};
      };
      if (before && untilRe.test(text.slice(at(before)!.end, pos))) {
        out.push({ drug: before, ...doseIn(text.slice(at(before)!.end, pos)), iso: d.iso, at: pos, source });
        continue;
      }
      // A start date with a course length ("自2024-09-01起予X…共21天", "X started on 2024-09-01 for 21 days"):
      // the course ends on its last day, day 1 being the start.
      const len = lengthRe.exec(body.slice(d.end));
      const n = len ? Number(len[1] ?? len[2]) : 0;
      if (n <= 0) continue;
      const after = here.filter((f) => at(f)!.start >= s.start + d.end).sort((a, b) => at(a)!.start - at(b)!.start)[0];
      if (startRe.test(body.slice(0, d.start)) && after) {
        out.push({
          drug: after,
          ...doseIn(text.slice(at(after)!.end, s.start + d.end + (len?.index ?? 0))),
          iso: addDays(d.iso, n - 1),
          at: pos,
          source,
        });
      } else if (
        before &&
        /start|began|begun|initiat|开始|起用|起予/i.test(text.slice(Math.max(s.start, at(before)!.start - 12), pos))
      ) {
        out.push({
          drug: before,
          ...doseIn(text.slice(at(before)!.end, pos)),
          iso: addDays(d.iso, n - 1),
          at: pos,
          source,
        });
      }
    }
  }
  return out;
}

/** A drug course end the claim gives that the record gives otherwise for the same drug and dose. */
export function courseEndConflict(
  text: string,
  span: { start: number; end: number; sentence: { start: number; end: number } },
  own: readonly Fact[],
  index: RecordIndex,
  lang: Lang,
): { verdict: 'contradicted'; errorType: 'E07'; reason: string; evidence: readonly Source[] } | undefined {
  const drugs = own.filter((f) => f.category === 'medication');
  if (drugs.length === 0) return undefined;
  const said = courseEnds(text, 'checked-text', drugs, span.sentence).filter(
    (e) => e.at >= span.start && e.at < span.end,
  );
  if (said.length === 0) return undefined;
  const recDrugs = index.record.facts.filter((f) => f.category === 'medication');
  for (const e of said) {
    const cands = new Set(index.candidates(e.drug).map((f) => f.id));
    const rec = index.record.documents
      .flatMap((d) =>
        courseEnds(
          d.text,
          d.id,
          recDrugs.filter((f) => cands.has(f.id)),
          { start: 0, end: d.text.length },
        ),
      )
      .filter((r) => !e.dose || !r.dose || r.dose === e.dose);
    if (rec.length === 0) continue;
    // One day either way: "21 days from the 1st" is the 21st or the 22nd as people count.
    if (rec.some((r) => Math.abs(dayDiff(r.iso, e.iso)) <= 1)) continue;
    const name = conceptLabel(e.drug.concept, lang);
    const days = [...new Set(rec.map((r) => r.iso))].join(lang === 'zh' ? '、' : ', ');
    return {
      verdict: 'contradicted',
      errorType: 'E07',
      reason:
        lang === 'zh'
          ? `${name}${e.dose ? ` ${e.dose}` : ''}用至${e.iso}，病历为至${days}`
          : `${name}${e.dose ? ` ${e.dose}` : ''} until ${e.iso}: the record gives ${days}`,
      evidence: rec.map((r) => r.source),
    };
  }
  return undefined;
}
