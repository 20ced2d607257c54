import {
  compileQcPatterns,
  type QcDocumentKind,
  type QcHeading,
  type QcHeadings,
  readQcData,
} from '../../knowledge/index.js';
import { parseZhNumber } from '../../nlp/index.js';
import type { QcDocument } from './model.js';

/**
 * The section reader. Headings and their synonyms are data (knowledge/data/qc/sections.json
 * `headings`, the release's `qc-headings` concept; BW2010 第十八条, 第二十二条). A heading is a known
 * name, its characters possibly spaced out as forms align them ("姓    名", "现 病 史"), written as
 * hospitals write it:
 * - at the start of a line, after an optional number ("一、", "（二）", "3."), followed by a colon
 *   (full- or half-width), or by spaces and its content as print templates align it ("主  诉  咳嗽3天"),
 *   or in brackets with or without a colon ("【主诉】"), or alone on its line with its content below
 *   ("二、现病史");
 * - for an inline heading (姓名, 性别, 入院时间…), also after a space, comma, 。 or a table rule
 *   (|, │) on the same line, as one-line and table headers are written ("姓名：张三　性别：男",
 *   "│姓名：张三│性别：男│", "| 姓名 | 张三 | 性别 | 男 |").
 * Its content runs to the next heading, table rules trimmed; the content under a synonym counts for
 * every name of its group (入院日期 and 入院时间).
 */
export interface HeadingSet {
  readonly headings: readonly QcHeading[];
  /** Document kinds by title or LOINC code, first match wins (from-fhir reads a document's type with them). */
  readonly documents: readonly {
    readonly type: string;
    readonly title: RegExp;
    readonly loinc: readonly string[];
    readonly inProgressNote: boolean;
  }[];
  /** Physician titles by the words of a signature or heading line, first match wins. */
  readonly titles: readonly { readonly title: string; readonly pattern: RegExp }[];
  /** Order categories by ATC group of the drug (from-fhir reads an order's category with them). */
  readonly orders: readonly { readonly category: string; readonly atc: readonly string[] }[];
  /** Every name a heading is known by. */
  readonly names: ReadonlySet<string>;
  readonly pattern: RegExp;
}

const escapeRe = (s: string) => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
/** Spaces inside and around a heading (full-width included). */
const SPACE = '[ \\t　]';
/** A table rule between the cells of a header row. */
const RULE = '[|│┃]';
/** Table rules, colons and spaces around a section's content ("| 张三 |" → "张三"). */
const TRIM = /^[\s|│┃:：]+|[\s|│┃]+$/g;

export function headingSet(
  headings: readonly QcHeading[],
  documents: readonly QcDocumentKind[] = [],
  orders: HeadingSet['orders'] = [],
  titles: QcHeadings['titles'] = [],
): HeadingSet {
  const all = headings.flatMap((h) => [h.name, ...(h.synonyms ?? [])]);
  const inline = headings.filter((h) => h.inline).flatMap((h) => [h.name, ...(h.synonyms ?? [])]);
  // A name's characters may be spaced out ("姓    名"); the longest name is tried first.
  const alt = (xs: string[]) =>
    [...xs]
      .sort((a, b) => b.length - a.length)
      .map((x) => [...x].map(escapeRe).join(`${SPACE}*`))
      .join('|');
  const num = `(?:[一二三四五六七八九十]+[、.．]|[（(][一二三四五六七八九十\\d]+[）)]|\\d{1,2}[、.．](?!\\d))`;
  const lineStart =
    `(?:^|\\n)${SPACE}*(?:${num}${SPACE}*)?` +
    `(?:【${SPACE}*(${alt(all)})${SPACE}*】${SPACE}*[:：]?|` +
    `(${alt(all)})(?:${SPACE}*[:：]|${SPACE}*(?=\\r?\\n|$)|${SPACE}+(?=\\S)))`;
  const sameLine = inline.length
    ? `|(?:[ \\t　，,；;。]|${RULE})${SPACE}*(${alt(inline)})${SPACE}*(?:[:：]|(?=${RULE}))`
    : '';
  return {
    headings,
    documents: documents.map((d) => ({
      type: d.type,
      title: compileQcPatterns(d.title, 'QC headings', `documents.${d.type}`) as RegExp,
      loinc: d.loinc ?? [],
      inProgressNote: d.inProgressNote === true,
    })),
    titles: titles.map((t) => ({
      title: t.title,
      pattern: compileQcPatterns(t.pattern, 'QC headings', `titles.${t.title}`) as RegExp,
    })),
    orders,
    names: new Set(all),
    pattern: new RegExp(lineStart + sameLine, 'g'),
  };
}

let bundled: HeadingSet | undefined;
/** The headings of the bundled data files (the section reader's default). */
export function bundledHeadings(): HeadingSet {
  if (!bundled) {
    const { items, documents, orders, titles } = readQcData().headings;
    bundled = headingSet(items, documents, orders, titles);
  }
  return bundled;
}

let active: HeadingSet | undefined;

/** Runs `fn` with the section reader using these headings (the rule book's); evaluation is synchronous. */
export function withHeadings<T>(set: HeadingSet, fn: () => T): T {
  const before = active;
  active = set;
  try {
    return fn();
  } finally {
    active = before;
  }
}

export function parseSections(text: string, set: HeadingSet = active ?? bundledHeadings()): Record<string, string> {
  const out: Record<string, string> = {};
  const marks: { name: string; start: number; end: number }[] = [];
  for (const m of text.matchAll(set.pattern))
    marks.push({
      name: (m[1] ?? m[2] ?? m[3])!.replace(/[ \t　]+/g, ''),
      start: m.index!,
      end: m.index! + m[0].length,
    });
  marks.forEach((m, i) => {
    const body = text.slice(m.end, marks[i + 1]?.start ?? text.length).replace(TRIM, '');
    out[m.name] = out[m.name] ? `${out[m.name]}\n${body}` : body;
  });
  for (const h of set.headings) {
    const group = [h.name, ...(h.synonyms ?? [])];
    const found = group.find((n) => out[n]?.trim());
    if (found) for (const n of group) out[n] ??= out[found]!;
  }
  return out;
}

const cache = new WeakMap<HeadingSet, WeakMap<QcDocument, Record<string, string>>>();

export function sections(doc: QcDocument): Readonly<Record<string, string>> {
  if (doc.sections) return doc.sections;
  const set = active ?? bundledHeadings();
  let perSet = cache.get(set);
  if (!perSet) {
    perSet = new WeakMap();
    cache.set(set, perSet);
  }
  let s = perSet.get(doc);
  if (!s) {
    s = parseSections(doc.text, set);
    perSet.set(doc, s);
  }
  return s;
}

export function section(doc: QcDocument | undefined, ...names: string[]): string {
  if (!doc) return '';
  const s = sections(doc);
  for (const n of names) if (s[n]?.trim()) return s[n]!.trim();
  return '';
}

/** Normalised for comparison: no whitespace or punctuation, full-width folded. */
export function normalise(text: string): string {
  return text
    .normalize('NFKC')
    .toLowerCase()
    .replace(/[\s\p{P}\p{S}]+/gu, '');
}

/** Dice coefficient over character bigrams of the normalised texts (1 = identical). */
export function similarity(a: string, b: string): number {
  const x = normalise(a);
  const y = normalise(b);
  if (x.length === 0 || y.length === 0) return 0;
  if (x === y) return 1;
  const grams = (s: string) => {
    const m = new Map<string, number>();
    for (let i = 0; i < s.length - 1; i++) m.set(s.slice(i, i + 2), (m.get(s.slice(i, i + 2)) ?? 0) + 1);
    return m;
  };
  const gx = grams(x);
  const gy = grams(y);
  let inter = 0;
  for (const [g, c] of gx) inter += Math.min(c, gy.get(g) ?? 0);
  return (2 * inter) / (Math.max(1, x.length - 1) + Math.max(1, y.length - 1));
}

/** Diagnosis lines of a section ("1. 社区获得性肺炎\n2. 高血压病3级") as normalised names. */
export function diagnosisList(text: string): string[] {
  return text
    .split(/[\n；;]|(?:^|\s)\d+[.、．)]\s*/)
    .map((s) => s.replace(/^\s*\d+[.、．)]\s*/, '').trim())
    .filter((s) => s.length > 0)
    .map(normalise)
    .filter(Boolean);
}

/**
 * Every duration the text states, in days, in order ("气促5年，加重1周" → [1825, 7]; "半年", "1月余"),
 * read with K17's `duration` pattern and units.
 */
export function durationsDays(
  text: string,
  pattern: RegExp,
  units: readonly { readonly unit: string; readonly days: number }[],
): number[] {
  const all = new RegExp(pattern.source, pattern.flags.includes('g') ? pattern.flags : `${pattern.flags}g`);
  const out: number[] = [];
  for (const m of text.matchAll(all)) {
    const n = m[1] === '半' ? 0.5 : (parseZhNumber(m[1]!) ?? Number(m[1]));
    const per = units.find((u) => u.unit === m[2])?.days;
    if (per !== undefined && Number.isFinite(n)) out.push(n * per);
  }
  return out;
}
