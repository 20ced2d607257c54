import { readFileSync } from 'node:fs';
import { AhoCorasick, type Hit } from './aho-corasick.js';
import { isJsSpace } from './fold.js';

/** A section of a note: `[start, end)` covers the heading and its body; `bodyStart` where the body begins. */
export interface Section {
  /** Normalised key (`hpi`, `family_history`, …) or `preamble` for text before the first heading. */
  readonly key: string;
  /** The heading as written (without numbering and colon); empty for the preamble. */
  readonly title: string;
  readonly start: number;
  readonly end: number;
  readonly bodyStart: number;
}

let headings: AhoCorasick<string> | undefined;
let headingList: [string, string][] | undefined;

/** Every known heading with its section key (data/sections.tsv). */
export function sectionHeadings(): readonly [heading: string, key: string][] {
  if (!headingList) {
    headingList = [];
    const text = readFileSync(new URL('./data/sections.tsv', import.meta.url), 'utf8');
    for (const line of text.split('\n')) {
      if (!line.trim() || line.startsWith('#')) continue;
      const [key, names] = line.split('\t');
      for (const name of (names ?? '').split('|')) if (name.trim()) headingList.push([name.trim(), key!]);
    }
  }
  return headingList;
}

function headingAutomaton(): AhoCorasick<string> {
  if (!headings) {
    const ac = new AhoCorasick<string>();
    for (const [name, key] of sectionHeadings()) ac.add(name, key);
    headings = ac.build();
  }
  return headings;
}

// Numbering before a heading: 1. 1、 (1) （1） 一、 （一） I. A) — then optional spaces.
const numbering =
  /(?:\d{1,2}[.、．)）]|[（(]\d{1,2}[)）]|[一二三四五六七八九十]{1,3}[、.．]|[（(][一二三四五六七八九十]{1,3}[)）]|(?<![A-Za-z])[IVX]{1,4}\.|(?<![A-Za-z])[A-H][.)])[ \t\u3000]*$/;

/**
 * What `/(?:^|[\n\r。；;！？!?]|\s{2,})[ \t\u3000]*$/` tells of `text.slice(from, to)` (a line or sentence end,
 * or a run of spaces, then only spaces or tabs), by code unit from the end: the pattern is tried at every
 * position of the slice, once per heading hit.
 */
function isBoundaryBefore(text: string, from: number, to: number): boolean {
  let p = to;
  while (p > from && isInlineSpace(text.charCodeAt(p - 1))) p--;
  if (p === from) return true; // the slice's start (^), then only spaces
  const c = text.charCodeAt(p - 1);
  // [\n\r。；;！？!?]
  if (c === 0x0a || c === 0x0d || c === 0x3002 || c === 0xff1b || c === 0x3b || c === 0xff01 || c === 0xff1f)
    return true;
  if (c === 0x21 || c === 0x3f) return true;
  // \s{2,} then [ \t\u3000]*: the slice ends with two \s
  return to - from >= 2 && isJsSpace(text.charCodeAt(to - 1)) && isJsSpace(text.charCodeAt(to - 2));
}

/** `[ \t\u3000]`. */
function isInlineSpace(c: number): boolean {
  return c === 0x20 || c === 0x09 || c === 0x3000;
}

/**
 * Finds section headings: a known heading at the start of a line (or after a sentence end, as in
 * run-on Chinese records: `…正常。5.辅助检查：`), optionally numbered, followed by a colon (`:`/`：`)
 * or, for a line of its own, the end of the line. Headings without a colon are only accepted alone
 * on their line, so "History of hypertension" is not mistaken for a heading.
 */
export function splitSections(text: string, headingHits?: readonly Hit<string>[]): Section[] {
  const found: { start: number; headEnd: number; key: string; title: string }[] = [];
  for (const hit of headingHits ?? headingAutomaton().longest(text)) {
    let start = hit.start;
    const before = text.slice(Math.max(0, start - 12), start);
    const num = numbering.exec(before);
    if (num) start -= num[0].length;
    if (!isBoundaryBefore(text, Math.max(0, start - 40), start)) continue;
    // after the heading: optional spaces, then a colon, or end of line
    let j = hit.end;
    while (j < text.length && (text[j] === ' ' || text[j] === '\t' || text[j] === '\u3000')) j++;
    // A heading dated in place: "出院医嘱（2024-05-16）：", "DISCHARGE ORDERS 2024-07-05".
    const dated = /^[（(]?\d{4}-\d{1,2}-\d{1,2}(?:[ T]\d{1,2}:\d{2})?[)）]?[ \t]*/.exec(text.slice(j, j + 24));
    if (dated) j += dated[0].length;
    const c = text[j];
    let headEnd: number;
    if (c === ':' || c === '：') headEnd = j + 1;
    else if (c === undefined || c === '\n' || c === '\r') {
      // a heading alone on its line: short line, written as a heading (capitalised or Chinese)
      if (!/^[A-Z\u4e00-\u9fff]/.test(text.slice(hit.start, hit.end))) continue;
      headEnd = j;
    } else continue;
    found.push({ start, headEnd, key: hit.value, title: text.slice(hit.start, hit.end) });
  }
  const sections: Section[] = [];
  if (found.length === 0 || found[0]!.start > 0) {
    const end = found[0]?.start ?? text.length;
    if (found.length === 0 || text.slice(0, end).trim())
      sections.push({ key: 'preamble', title: '', start: 0, end, bodyStart: 0 });
  }
  found.forEach((f, i) => {
    sections.push({
      key: f.key,
      title: f.title,
      start: f.start,
      end: found[i + 1]?.start ?? text.length,
      bodyStart: f.headEnd,
    });
  });
  return sections;
}

/** The section containing an offset (binary search over splitSections' result). */
export function sectionAt(sections: readonly Section[], offset: number): Section | undefined {
  let lo = 0;
  let hi = sections.length - 1;
  while (lo <= hi) {
    const mid = (lo + hi) >> 1;
    const s = sections[mid]!;
    if (offset < s.start) hi = mid - 1;
    else if (offset >= s.end) lo = mid + 1;
    else return s;
  }
  return undefined;
}
