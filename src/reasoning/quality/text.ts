import {
  compileQcPatterns,
  type QcDocumentKind,
  type QcHeading,
  type QcHeadings,
  readQcData,
} from '../../knowledge/index.js';
import { parseZhNumber } from '../../nlp/index.js';
import type { QcDocument } from './model.js';
import { minutes, shanghaiDate } from './time.js';

/**
 * The section reader. Headings and their synonyms are data (knowledge/data/qc/sections.json
 * `headings`, the release's `qc-headings` concept; BW2010 第十八条, 第二十二条). A heading is a known
 * name, its characters possibly spaced out as forms align them ("姓    名", "现 病 史"), written as
 * hospitals write it:
 * - at the start of a line, after an optional number ("一、", "（二）", "3."), followed by a colon
 *   (full- or half-width), or by spaces and its content as print templates align it ("主  诉  咳嗽3天"),
 *   or in brackets with or without a colon ("【主诉】"), or alone on its line with its content below
 *   ("二、现病史");
 * - for an inline heading (姓名, 性别, 入院时间…), also after a space, comma, 。, 、, /, a table rule
 *   (|, │) or a bracketed label (【一般项目】) on the same line, as one-line and table headers are written
 *   ("姓名：张三　性别：男", "│姓名：张三│性别：男│", "| 姓名 | 张三 | 性别 | 男 |", "【一般项目】姓名:张三").
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
  /** A label where a heading stands, in words the set may not know (`looseName` reads them). */
  readonly loose: RegExp;
}

const escapeRe = (s: string) => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
/** Spaces inside and around a heading (full-width included). */
const SPACE = '[ \\t　]';
/**
 * The characters of a table rule between the cells of a row: ASCII, full-width ｜ as typed with a Chinese input
 * method, and the box-drawing verticals of any line style (│ ┃ ║: "║姓名　║郑浩　║性别　║男　║").
 */
const RULE_CHARS = '|│┃｜║';
const RULE = `[${RULE_CHARS}]`;
/** A row of box-drawing or typed rules between table rows ("├──┼──┤", "╠════╬════╣", "| --- | --- |"). */
const RULE_ROW = new RegExp(`^[\\s${RULE_CHARS}:：\\-—=+\\u2500-\\u257f]+$`);
/** Leader dots a print form runs from a label to its value ("姓名……钱淑芬", "姓名 ··· 张三"). */
const LEADER = '(?:[…⋯]+|[.．·・]{3,})';
/**
 * What follows a field's name: a colon, `=` where a form writes its fields as key=value pairs ("姓名=张三"), or leader
 * dots ("入院时间……2026-10-19 09:00").
 */
const COLON = `(?:[:：=＝]|${LEADER})`;
/** What a value cannot start with: space, a colon or leader dot, a table rule. */
const NOT_VALUE = `[^\\s:：=＝…⋯${RULE_CHARS}]`;
/**
 * A field's value in brackets right after its name, in any CJK pair a label may take ("姓名[李国华]　性别[男]",
 * "姓名【周志刚】　性别【男】"), as some EMRs print a header.
 */
const VALUE_OPEN = '[\\[［【〔〖『「〘〚｢]';
/**
 * Brackets a form puts a heading in, any CJK pair but the round and the title marks: 【主诉】, ［主诉］, 〔主诉〕, 〖主诉〗,
 * 『主诉』, 「主诉」, 〘主诉〙, 〚主诉〛, ｢主诉｣, [主诉] (〈主诉〉 is folded to 〔主诉〕 before reading).
 */
const OPEN = '[【［〔〖『「〘〚｢\\[]';
const CLOSE = '[】］〕〗』」〙〛｣\\]]';
/**
 * At a line's start the title marks frame a heading too ("《主诉》确诊胰腺癌4月"); within a line they name a book or a
 * form ("签署《病危通知书》"), so only there.
 */
const LINE_OPEN = '[【［〔〖『「〘〚｢《\\[]';
const LINE_CLOSE = '[】］〕〗』」〙〛｣》\\]]';
/**
 * The number of a field in a run of numbered header fields, in any list marker a form uses: (1) （1） 1、 1. 1) ① ⑴ ⒈;
 * a digit after it ("3.2型") makes it a number, not a marker.
 */
const FIELD_NUMBER = '(?:[（(]\\d{1,2}[）)]|\\d{1,2}[、.．)）](?!\\d)|[①-⑳⑴-⒇⒈-⒛])';
/** A bullet before a heading at the start of a line ("■ 主诉", "● 现病史", "◆ 既往史："). */
const BULLET = '[■□▪▫●○◆◇▲△▶►★☆◎※•·・\\-*]';
/**
 * Any other mark a print template puts before a heading, with or without a number ("▌主诉", "§3 既往史", "#4 个人史",
 * "➤ 现病史"): the arrows, block elements, shapes, symbols and dingbats of U+2190–U+27BF, §, ¶, #. Read as a class,
 * not one mark at a time, so that a template's new bullet needs no new entry.
 */
const MARK = `(?:[\\u2190-\\u27bf§¶#＃]{1,6}\\d{0,2}[.、．]?${SPACE}*)`;
/** The same marks after a heading alone on its line, as a form frames it ("═══ 主诉 ═══", "■ 现病史 ■"). */
const MARK_AFTER = `(?:${SPACE}*[\\u2190-\\u27bf§¶#＃]{1,6})?`;
/** What a form writes between a heading and its content instead of a colon: a dash or an arrow ("主诉——咳嗽3天"). */
const DASH = '(?:[—–－]{1,3}|-{1,3}>?|->|[>》→])';
/**
 * An English gloss a bilingual form writes before a heading at the start of its line ("Chief complaint 主诉：",
 * "HPI/现病史："): Latin letters only, ended by a space or a slash before the heading.
 */
const GLOSS = `[A-Za-z][A-Za-z .&'-]{0,30}?(?:${SPACE}*[/／]${SPACE}*|${SPACE}+)`;
/**
 * What joins two headings written as one ("手术过程及术中所见", "诊断依据与鉴别诊断", "性别/年龄：女/52岁"): form
 * grammar, like 、 and 【】. Joined by a slash, the value may be joined by one too: each heading then takes its part.
 */
const JOINER = '[及和与、/／]';
const SLASH = /[/／]/;
/** The last word labels joined by a slash may share ("入院／出院时间" is 入院时间 and 出院时间): two characters. */
const SHARED_TAIL = 2;
/** The medicine a 中西医结合 form names before a heading at the start of its line ("西医诊断依据及鉴别诊断："). */
const SCHOOL = '(?:中医|西医)';
/** Table rules, colons and spaces around a section's content ("| 张三 |" → "张三"). */
const TRIM = new RegExp(`^[\\s${RULE_CHARS}:：=＝…⋯\\u2500-\\u257f]+|[\\s${RULE_CHARS}\\u2500-\\u257f]+$`, 'g');

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
  // Numbering before a heading: 一、 （二） 3. 4） Ⅴ. ① ⑴ ⒈ (the last two single characters, U+2474… and U+2488…),
  // or two digits and a space ("01 主诉").
  // Two headings joined as one ("手术过程及术中所见", "诊断依据与鉴别诊断"): the content counts for both.
  const both = (xs: string[]) => `(?:${alt(xs)})(?:${SPACE}*${JOINER}${SPACE}*(?:${alt(xs)}))*`;
  const num =
    `(?:[一二三四五六七八九十]+[、.．]|[（(][一二三四五六七八九十\\d]+[）)]|\\d{1,2}(?:[、.．](?!\\d)|[)）])` +
    `|[ⅠⅡⅢⅣⅤⅥⅦⅧⅨⅩⅪⅫ]{1,3}[、.．]?|(?:I{1,3}|IV|VI{0,3}|IX|X)[、.．]|[①-⑳⑴-⒇][、.．]?|[⒈-⒛]|\\d{1,2}(?=${SPACE}))`;
  // Labels that share their last word, written once after a slash ("入院／记录时间：… ／ …", "入院／出院时间"): the
  // stems of the first labels (入院, 记录) before the full label.
  const stems = all.filter((n) => n.length > SHARED_TAIL + 1).map((n) => n.slice(0, -SHARED_TAIL));
  const shared = stems.length ? `(?:(?:${alt(stems)})${SPACE}*[/／]${SPACE}*)*` : '';
  // A qualifier the form adds to a heading: "辅助检查（入院前）：", "【体格检查（入院时）】",
  // "主诉（Chief complaint）：".
  const qual = `(?:${SPACE}*[（(][^）)\\n]{1,30}[）)])?`;
  // An English gloss a bilingual form writes after the heading, before its colon ("主诉 Chief complaint："): words,
  // one capitalised, never an abbreviation alone ("辅助检查 CT：" keeps its CT).
  const glossAfter = `(?:${SPACE}+[A-Z][a-z]+(?:[ -][A-Za-z]+){0,5})?`;
  // A heading alone on its line may carry its English name in any case ("▌主诉 CHIEF COMPLAINT", "§1 主诉（CC）").
  const glossLine = `(?:${SPACE}+[A-Za-z][A-Za-z .&'/-]{0,40})?`;
  const lineStart =
    `(?:^|\\n)${SPACE}*(?:${RULE}${SPACE}*)?(?:${BULLET}${SPACE}*|${MARK})?(?:${num}${SPACE}*)?(?:${GLOSS})?` +
    `(?:${LINE_OPEN}${SPACE}*${SCHOOL}?(${both(all)})${qual}${SPACE}*${LINE_CLOSE}${SPACE}*${COLON}?|` +
    `${SCHOOL}?(${shared}${both(all)})` +
    `(?:${qual}${glossAfter}${SPACE}*${COLON}|${qual}${glossLine}${MARK_AFTER}${SPACE}*(?=\\r?\\n|$)` +
    `|${qual}${SPACE}*${DASH}${SPACE}*|${SPACE}*(?=${RULE})|${qual}${SPACE}+(?=\\S))` +
    `|(${alt(inline)})(?=${VALUE_OPEN}))`;
  // Within a line: any heading in brackets ("…　【性别】男"), and any heading with its colon after a sentence
  // ends ("个人史：无烟酒。婚育史：已婚"): forms that run sections on.
  const midLine =
    `|${OPEN}${SPACE}*(${both(all)})${qual}${SPACE}*${CLOSE}${SPACE}*${COLON}?` +
    `|(?<=[。；;])${SPACE}*(${both(all)})${qual}${SPACE}*${COLON}`;
  // An inline field after another on its line, with a colon or a table rule; or, in a print template
  // that aligns label and value with spaces ("姓名 张三    性别 男"), after two spaces and before one.
  // On a header line (one that starts with an inline field), also after one space or a comma ("姓名 张三 性别 男",
  // "姓名 李国栋；性别 男") and run on after the value before it ("姓名：张三性别：男"). A field after another may
  // carry a bullet, as a heading at a line's start does ("助手：许佳　◎麻醉方法：全身麻醉").
  // A bilingual form's English name in brackets after a field's, before its colon ("性别(Sex)：男").
  const enParen = `(?:${SPACE}*[（(][A-Za-z][A-Za-z .'/-]{0,24}[）)])?`;
  // A bilingual header may open with a field's English name ("Name 姓名 汤浩然 | Sex 性别 M 男"), a form's header with
  // a label of its own before the first field ("患者信息：姓名 李国栋；性别 男；…").
  const lead = `(?:[\\u4e00-\\u9fa5]{2,6}${SPACE}*[:：]${SPACE}*)`;
  const header = inline.length
    ? `(?<=(?:^|\\n)${SPACE}*(?:${RULE}${SPACE}*)?(?:${GLOSS})?${lead}?(?:${alt(inline)})[^\\n]*`
    : '';
  // A printed label and its value apart by spaces or by a dash run ("性别——男"); a numbered field in a run
  // ("(1)姓名 王丽娟　(2)性别 女", "①姓名 王丽娟", "2、性别 女", "3)年龄 46岁") takes its label after its number.
  const spaceOrDash = `(?:${SPACE}*${DASH}${SPACE}*|${SPACE}+)`;
  const sameLine = inline.length
    ? `|(?:[ \\t　，,；;。、/／·・•】］〕〗』」〙〛｣]|${RULE})${SPACE}*(?:${BULLET}${SPACE}*|${MARK})?(${both(inline)})${enParen}` +
      `${SPACE}*(?:${COLON}|(?=${RULE}))` +
      `|(?<=[ \\t　，,；;、/／\\]］】〕〗』」〙〛｣])(${alt(inline)})(?=${VALUE_OPEN})` +
      `|(?:[ 　]{2,}|\\t)(${alt(inline)})${spaceOrDash}(?=${NOT_VALUE})` +
      `|${header}[ 　，,；;])(${alt(inline)})${spaceOrDash}(?=${NOT_VALUE})` +
      `|(?<=(?:^|\\n)${SPACE}*${lead})(${alt(inline)})${spaceOrDash}(?=${NOT_VALUE})` +
      `|(?<=[ \\t　：:，,；;、])${FIELD_NUMBER}${SPACE}*(${alt(inline)})` +
      `(?:${SPACE}*${COLON}|${spaceOrDash})(?=${NOT_VALUE})` +
      `|${header}[^\\s:：=＝…⋯${RULE_CHARS}，,；;。、/／·・•])(${alt(inline)})${SPACE}*${COLON}`
    : '';
  // A run of Chinese where a heading stands (group 2), whatever its words: at a line's start after the marks and
  // numbers a heading may carry, or in a table cell (group 1: the rule), and ended as a heading ends: its English
  // name or nothing to the line's end, a colon, a dash, or (in a cell) spaces before its value.
  const loose =
    `(?:(?:^|\\n)${SPACE}*(${RULE}${SPACE}*)?(?:${BULLET}${SPACE}*|${MARK})?(?:${num}${SPACE}*)?(?:${GLOSS})?` +
    `|(${RULE})${SPACE}*)([\\u4e00-\\u9fa5]{2,12})` +
    `(?:${qual}${glossLine}${MARK_AFTER}${SPACE}*(?=\\r?\\n|$)|${qual}${glossAfter}${SPACE}*${COLON}` +
    `|${qual}${SPACE}*${DASH}${SPACE}*|(?<=${RULE}${SPACE}*[\\u4e00-\\u9fa5]{2,12})${SPACE}+(?=[^\\s${RULE_CHARS}]))`;
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
    pattern: new RegExp(lineStart + midLine + sameLine, 'g'),
    loose: new RegExp(loose, 'g'),
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

/** Where a section stands in a document's text: its heading's start and its content's `[start, end)`. */
export interface SectionPlace {
  readonly name: string;
  readonly headingStart: number;
  readonly start: number;
  readonly end: number;
}

const ROW = new RegExp(`^[ \\t　]*${RULE}(.*?)${RULE}?[ \\t　]*$`);
const RULES = new RegExp(RULE);
/** A cell that reads as a field label, not a value: a few characters, no digits. */
const LABEL = /^[^\d\s]{1,10}$/u;
const cells = (line: string): string[] | undefined => {
  const m = ROW.exec(line);
  return m ? m[1]!.split(RULES).map((c) => c.trim()) : undefined;
};

/**
 * The sections of a column table: a row of heading names above a row of their values, with or
 * without a rule between ("| 姓名 | 性别 |\n| --- | --- |\n| 张三 | 男 |"). The heading row's place
 * is returned so the line reader skips it; each value keeps its place in the text.
 */
function columnTables(text: string, set: HeadingSet): { places: SectionPlace[]; headerRows: [number, number][] } {
  const places: SectionPlace[] = [];
  const headerRows: [number, number][] = [];
  const lines: { text: string; start: number }[] = [];
  let at = 0;
  for (const line of text.split('\n')) {
    lines.push({ text: line, start: at });
    at += line.length + 1;
  }
  for (let i = 0; i < lines.length; i++) {
    const names = cells(lines[i]!.text)?.map((c) => c.replace(/[ \t　:：]+/g, ''));
    // A heading row: two or more known names, every other cell a label too (住址, 联系电话: short, no
    // digits), whose values are not read.
    if (
      !names ||
      names.filter((n) => set.names.has(n)).length < 2 ||
      !names.every((n) => set.names.has(n) || LABEL.test(n))
    )
      continue;
    let j = i + 1;
    if (j < lines.length && RULE_ROW.test(lines[j]!.text)) j++;
    const values = j < lines.length ? cells(lines[j]!.text) : undefined;
    if (!values || values.length !== names.length) continue;
    // "| 姓名 | 张三 | 性别 | 男 |" is a row of fields and values (known names only in even cells), and a
    // row under a heading row holds values, not more headings: both are left to the line reader.
    const alternating = names.every((n, k) => (k % 2 === 0 ? true : !set.names.has(n)));
    if (alternating || values.some((v) => set.names.has(v.replace(/[ \t　:：]+/g, '')))) continue;
    headerRows.push([lines[i]!.start, lines[i]!.start + lines[i]!.text.length]);
    let from = lines[j]!.start;
    names.forEach((name, k) => {
      const v = values[k]!;
      if (!set.names.has(name)) {
        if (v) from = lines[j]!.text.indexOf(v, from - lines[j]!.start) + lines[j]!.start + v.length;
        return;
      }
      const start = v ? lines[j]!.text.indexOf(v, from - lines[j]!.start) + lines[j]!.start : from;
      places.push({ name, headingStart: lines[i]!.start, start, end: start + v.length });
      from = start + v.length;
    });
    i = j;
  }
  return { places, headerRows };
}

/**
 * The cells of a measurement table read as label–value pairs, one a line ("| 体温 | 脉搏 |\n| 36.4℃ | 74次/分 |" →
 * "体温 36.4℃\n脉搏 74次/分"): a row of labels (short, no digits) above a row of as many cells, some with a
 * number, as a 体格检查 or result table is written. A rule row between them is skipped.
 */
export function columnPairs(text: string): string {
  // A section's content has its outer rules trimmed, so a row need not start with one.
  const rowCells = (line: string): string[] | undefined => {
    if (!RULES.test(line)) return undefined;
    const xs = line.split(RULES).map((c) => c.trim());
    if (xs[0] === '') xs.shift();
    if (xs.at(-1) === '') xs.pop();
    return xs;
  };
  const lines = text.split('\n');
  const out: string[] = [];
  for (let i = 0; i < lines.length; i++) {
    const labels = rowCells(lines[i]!);
    if (!labels || labels.length < 2 || !labels.every((c) => LABEL.test(c))) continue;
    let j = i + 1;
    if (j < lines.length && RULE_ROW.test(lines[j]!)) j++;
    const values = j < lines.length ? rowCells(lines[j]!) : undefined;
    if (!values || values.length !== labels.length || !values.some((v) => /\d/.test(v))) continue;
    for (const [k, l] of labels.entries()) out.push(`${l} ${values[k]}`);
    i = j;
  }
  return out.join('\n');
}

/** The places of the texts read last, per heading set: the rules ask for a document's places again and again. */
const placesRead = new WeakMap<HeadingSet, Map<string, readonly SectionPlace[]>>();
const PLACES_KEPT = 64;

/** Every section of the text with its place, in the order written (a column table's first). */
export function sectionPlaces(text: string, set: HeadingSet = active ?? bundledHeadings()): readonly SectionPlace[] {
  let read = placesRead.get(set);
  if (!read) {
    read = new Map();
    placesRead.set(set, read);
  }
  const known = read.get(text);
  if (known) return known;
  const places = Object.freeze(readPlaces(text, set));
  if (read.size >= PLACES_KEPT) read.delete(read.keys().next().value!);
  read.set(text, places);
  return places;
}

/** What stands between a heading and its content: space, rules, a colon, leader dots, a heading's frame. */
const LEADING = new RegExp(`^[\\s${RULE_CHARS}:：=＝…⋯\\u2500-\\u257f]+`);

/** A value that is only its frame: an empty bracket pair or a blank left unfilled ("职业【】", "职业：＿＿＿"). */
const EMPTY_VALUE = /^[[\]［］【】〔〕〖〗『』「」〘〙〚〛｢｣＿_\s]+$/;

/** The end of a line whose sentence goes on (after ，、；): what a wrap leaves before the next line. */
const CLAUSE_GOES_ON = /[，,、；;][ \t　]*\r?\n$/;

function readPlaces(text: string, set: HeadingSet): SectionPlace[] {
  const { places, headerRows } = columnTables(text, set);
  const marks: { name: string; start: number; end: number; part: number; of: number }[] = [];
  for (const m of text.matchAll(set.pattern)) {
    if (headerRows.some(([a, b]) => m.index! + 1 >= a && m.index! < b)) continue;
    const name = m
      .slice(1)
      .find((g) => g !== undefined)!
      .replace(/[ \t　]+/g, '');
    const split = name.split(new RegExp(JOINER));
    const tail = split.length > 1 ? split.at(-1)!.slice(-SHARED_TAIL) : undefined;
    const named = (n: string) => (set.names.has(n) || !tail ? n : n + tail);
    const parts = set.names.has(name) ? [name] : split.map(named).filter((n) => set.names.has(n));
    // Headings joined by a slash may take a value joined by one (性别／年龄：女／52岁), part for part.
    const of = parts.length > 1 && SLASH.test(name) ? parts.length : 1;
    parts.forEach((part, k) => {
      marks.push({ name: part, start: m.index!, end: m.index! + m[0].length, part: of > 1 ? k : 0, of });
    });
  }
  for (const m of text.matchAll(set.loose)) {
    const at = m.index! + (m[0].startsWith('\n') ? 1 : 0);
    const end = m.index! + m[0].length;
    if (marks.some((x) => x.start < end && at < x.end) || headerRows.some(([a, b]) => at >= a && at < b)) continue;
    const cell = m[1] !== undefined || m[2] !== undefined;
    // A line after one that ends inside its sentence (，、；) goes on with that sentence, as a print template wraps
    // it: its first words are no heading in words the set does not know ("…妊娠38+5周；\n既往剖宫产史——瘢痕子宫").
    if (!cell && CLAUSE_GOES_ON.test(text.slice(Math.max(0, at - 8), at))) continue;
    const name = looseName(m[3]!, set);
    // Spaces end a heading only in a table's cell, where a label stands before its value ("│ 入院日期时间　2026-…"),
    // or at its line's end, where typing leaves them after a heading alone on its line ("▌入院时情况 ON ADMISSION  ").
    const lineEnd = end === text.length || text[end] === '\n' || text[end] === '\r';
    if (name && (cell || lineEnd || !/[ \t　]$/.test(m[0]) || /[:：=＝…⋯.．·・—–－\->》→]/.test(m[0].slice(-3))))
      marks.push({ name, start: at, end, part: 0, of: 1 });
  }
  marks.sort((a, b) => a.start - b.start);
  marks.forEach((m, i) => {
    const to = marks.find((x, k) => k > i && x.start > m.start)?.start ?? text.length;
    const raw = text.slice(m.end, to);
    const lead = raw.length - raw.replace(LEADING, '').length;
    const body = raw.replace(TRIM, '');
    let [start, end] = [m.end + lead, m.end + lead + (EMPTY_VALUE.test(body) ? 0 : body.length)];
    const values = body.split(SLASH);
    if (m.of > 1 && values.length === m.of && values.every((v) => /^[^\n]{1,20}$/.test(v))) {
      start += values.slice(0, m.part).reduce((n, v) => n + v.length + 1, 0);
      end = start + values[m.part]!.length;
    }
    places.push({ name: m.name, headingStart: m.start, start, end });
  });
  return places;
}

/** `a`'s characters in `b` in their order, others between. */
const within = (a: string, b: string): boolean => {
  let k = 0;
  for (const c of b) if (c === a[k]) k++;
  return k === a.length;
};
/**
 * Whose a two-character field is, written before it in a label ("患者性别"): the words the heading data writes before
 * such a name in its synonyms (患者姓名, 病人姓名, 患儿姓名, 入院科室).
 */
const whoseWords = new WeakMap<HeadingSet, ReadonlySet<string>>();
function whose(set: HeadingSet): ReadonlySet<string> {
  let words = whoseWords.get(set);
  if (!words) {
    words = new Set(
      set.headings
        .filter((h) => h.name.length === 2)
        .flatMap((h) => (h.synonyms ?? []).filter((x) => x.endsWith(h.name)).map((x) => x.slice(0, -2)))
        .filter(Boolean),
    );
    whoseWords.set(set, words);
  }
  return words;
}
const looseNames = new WeakMap<HeadingSet, Map<string, string | undefined>>();

/**
 * The known heading a label the set does not know stands for, by its words: a known name whose characters it holds
 * in order with a few more that qualify it (入院时情况, 住院诊疗经过, 出院时诊断, 出院带药及医嘱, 入院日期时间:
 * at most three more, or for a name of four or more, its length and two), the longest such name; a two-character
 * name only after whose it is (患者性别); a name of four or more without its last character (病史提供 for
 * 病史提供者). Not where the label holds another heading's whole name (拟施手术名称 is 拟施手术 qualified, not
 * 手术名称), nor for a label the set knows (the heading pattern reads those).
 */
export function looseName(label: string, set: HeadingSet = active ?? bundledHeadings()): string | undefined {
  let memo = looseNames.get(set);
  if (!memo) {
    memo = new Map();
    looseNames.set(set, memo);
  }
  if (memo.has(label)) return memo.get(label);
  let best: string | undefined;
  if (!set.names.has(label))
    for (const n of set.names) {
      const extra = label.length - n.length;
      const fits =
        n.length === 2
          ? label.endsWith(n) && whose(set).has(label.slice(0, -2))
          : (extra > 0 && extra <= (n.length >= 4 ? n.length + 2 : 3) && within(n, label)) ||
            (n.length >= 4 && extra === -1 && n.startsWith(label));
      if (fits && (!best || n.length > best.length)) best = n;
    }
  if (best) {
    const group = headingGroup(best, set);
    if ([...set.names].some((n) => n.length >= 3 && label.includes(n) && !group.includes(n))) best = undefined;
  }
  memo.set(label, best);
  return best;
}

/** A line's last character that leaves its clause open: a comma or 、 (a clause goes on). */
const OPEN_END = /[，,、]$/;
/** A line that starts an item of its own: a number, a bracketed number, a circled one or a bullet. */
const ITEM_START = /^(?:\d{1,2}[.、．)）](?!\d)|[（(]\d{1,2}[）)]|[①-⑳]|[■□●○◆◇▪•·・\-*])/;

/**
 * A paragraph as written before a print template or a typist wrapped it: a line that ends inside a clause (after ，
 * or 、) or inside a bracket is continued by the next line, whose indent goes ("腺癌，\n　　ⅢB期）术后" → "腺癌，ⅢB期）
 * 术后"); a next line that starts an item ("2.高血压") stays its own. What is read, not where: spans are found in
 * the text as written.
 */
export function unwrapped(text: string): string {
  const lines = text.split('\n');
  const out: string[] = [];
  let depth = 0;
  for (const line of lines) {
    const bare = line.replace(/^[ \t　]+/, '');
    const prev = out.at(-1);
    if (prev !== undefined && bare && !ITEM_START.test(bare) && (depth > 0 || OPEN_END.test(prev.trimEnd())))
      out[out.length - 1] = `${prev.trimEnd()}${bare}`;
    else out.push(line);
    for (const c of line) depth = Math.max(0, depth + (c === '（' || c === '(' ? 1 : c === '）' || c === ')' ? -1 : 0));
    // A sentence that ends closes whatever bracket a slip left open.
    if (/[。；;]$/.test(line.trimEnd())) depth = 0;
  }
  return out.join('\n');
}

export function parseSections(text: string, set: HeadingSet = active ?? bundledHeadings()): Record<string, string> {
  const out: Record<string, string> = {};
  for (const p of sectionPlaces(text, set)) {
    const body = unwrapped(text.slice(p.start, p.end));
    out[p.name] = out[p.name] ? `${out[p.name]}\n${body}` : body;
  }
  for (const h of set.headings) {
    const group = [h.name, ...(h.synonyms ?? [])];
    const found = group.find((n) => out[n]?.trim());
    if (found) for (const n of group) out[n] ??= out[found]!;
  }
  return out;
}

/** The names of `name`'s heading group (itself and its synonyms). */
export function headingGroup(name: string, set: HeadingSet = active ?? bundledHeadings()): readonly string[] {
  const h = set.headings.find((x) => x.name === name || (x.synonyms ?? []).includes(name));
  return h ? [h.name, ...(h.synonyms ?? [])] : [name];
}

/** Whether `name`'s heading is a field of a header line (姓名, 入院时间), not a part headed on its own line. */
export function inlineHeading(name: string, set: HeadingSet = active ?? bundledHeadings()): boolean {
  return set.headings.some((h) => h.inline === true && (h.name === name || (h.synonyms ?? []).includes(name)));
}

/** Where the first non-empty section of these names (or their synonyms) stands in the document. */
export function sectionPlace(d: QcDocument, ...names: string[]): SectionPlace | undefined {
  const group = new Set(names.flatMap((n) => headingGroup(n)));
  const places = sectionPlaces(d.text).filter((p) => group.has(p.name));
  return places.find((p) => p.end > p.start) ?? places[0];
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

/** Where one diagnosis item ends and the next begins: a line, `；`, or the next item's number. */
const DIAGNOSIS_BREAK = new RegExp(
  [
    '[\\n；;]',
    '(?:^|\\s)\\d+[.、．)]\\s*',
    '(?<=[）)])\\d{1,2}[.、．]\\s*',
    '(?<=\\p{Script=Han})\\d{1,2}[.、．](?!\\d)\\s*',
    // （1）, (2) and ① mark items too, also right after an item's own bracket: "腺癌（ⅠA3期）（2）2型糖尿病"
    '[（(]\\d{1,2}[）)]\\s*',
    '[①-⑳]\\s*',
  ].join('|'),
  'u',
);

/**
 * Diagnosis lines of a section ("1. 社区获得性肺炎\n2. 高血压病3级") as written, numbering removed; items may run
 * on without a space after a bracket or a character ("1.脑梗死（左侧）2.高血压3级（很高危）3.2型糖尿病").
 */
export function diagnosisItems(text: string): string[] {
  return text
    .split(DIAGNOSIS_BREAK)
    .map((s) => s.replace(/^\s*\d+[.、．)]\s*/, '').trim())
    .filter((s) => s.length > 0);
}

/** Diagnosis lines of a section as normalised names. */
export function diagnosisList(text: string): string[] {
  return diagnosisItems(text).map(normalise).filter(Boolean);
}

/** A duration as written: its length in days and where it stands in the text. */
export interface DurationAt {
  readonly days: number;
  readonly start: number;
  readonly end: number;
}

/**
 * Every duration the text states, in days, in order ("气促5年，加重1周" → [1825, 7]; "半年", "1月余"),
 * read with K17's `duration` pattern and units.
 */
export function durationsAt(
  text: string,
  pattern: RegExp,
  units: readonly { readonly unit: string; readonly days: number }[],
): DurationAt[] {
  const all = new RegExp(pattern.source, pattern.flags.includes('g') ? pattern.flags : `${pattern.flags}g`);
  const out: DurationAt[] = [];
  for (const m of text.matchAll(all)) {
    const n = m[1] === '半' ? 0.5 : (parseZhNumber(m[1]!) ?? Number(m[1]));
    const per = units.find((u) => u.unit === m[2])?.days;
    if (per !== undefined && Number.isFinite(n))
      out.push({ days: n * per, start: m.index, end: m.index + m[0].length });
  }
  return out;
}

/** The lengths of `durationsAt`, in days. */
export function durationsDays(
  text: string,
  pattern: RegExp,
  units: readonly { readonly unit: string; readonly days: number }[],
): number[] {
  return durationsAt(text, pattern, units).map((d) => d.days);
}

/**
 * The days from the date a 现病史 opens with (K17's `onsetDate`: "患者于2026年6月中旬…逐渐出现") to `at` (the
 * admission), where the text dates its onset before it states any duration (`before`: where the first duration
 * stands); a part of a month counts from its day (`parts`), a month alone from its middle.
 */
export function openingDateDays(
  text: string,
  at: string,
  before: number,
  pattern: RegExp,
  parts: readonly { readonly part: string; readonly day: number }[],
): number | undefined {
  const m = pattern.exec(text);
  if (!m || m.index >= before) return undefined;
  const day = m[3] ? (parts.find((p) => p.part === m[3])?.day ?? 15) : m[4] ? Number(m[4]) : 15;
  // A date without its year ("末次月经1月10日") is dated by the admission.
  const year = m[1] ? Number(m[1]) : yearBefore(Number(m[2]), day, at);
  const onset = Date.UTC(year, Number(m[2]) - 1, day);
  const days = (Date.parse(at) - onset) / 86_400_000;
  return days > 0 ? days : undefined;
}

/**
 * The days from the clock time a 现病史 opens with on the admission's day or the day before (K17's `onsetClock`:
 * "患者今日16:40左右…突然出现" for a 主诉 of 3小时; "昨晚10点…") to `at`, China Standard Time, where it stands before
 * any duration (`before`). Groups: 1 the day before, 2 afternoon, 3 evening or night, 4 hour, 5–6 minute.
 */
export function openingClockDays(text: string, at: string, before: number, pattern: RegExp): number | undefined {
  const m = pattern.exec(text);
  if (!m || m.index >= before) return undefined;
  const h = Number(m[4]);
  // An evening hour counts from noon; a night hour before 5 is after midnight (昨夜2点).
  const hour = h + (h < 12 && (m[2] !== undefined || (m[3] !== undefined && h >= 5)) ? 12 : 0);
  const day = Date.parse(shanghaiDate(at)) - (m[1] !== undefined ? 86_400_000 : 0);
  const onset = day + ((hour - 8) * 60 + Number(m[5] ?? m[6] ?? 0)) * 60_000;
  const days = (minutes(at) * 60_000 - onset) / 86_400_000;
  return days > 0 ? days : undefined;
}

/**
 * The days to `at` (the admission) from each date the text gives as an onset: a full date (`date`, K17's
 * `onsetFullDate`: groups year, month, day) followed in its clause by a word that starts something (`onset`, K17's
 * `onsetWord`: "2026.11.04起黄染逐渐加重", "（2026.11.03 18:00左右）家长发现…"); the 现病史 may time a later onset by
 * its date instead of "1天前". Dates of a test or a visit ("2026-08-14当地医院查甲功") are not onsets.
 */
export function datedOnsetDays(text: string, at: string, date: RegExp, onset: RegExp): number[] {
  const out: number[] = [];
  const all = new RegExp(date.source, date.flags.includes('g') ? date.flags : `${date.flags}g`);
  for (const m of text.matchAll(all)) {
    if (!onset.test(text.slice(m.index + m[0].length, m.index + m[0].length + 16))) continue;
    // A date without its year (groups 4–5 or 6–7: month, day) is dated by the admission; a time of day (groups
    // 8–9, China Standard Time) times it to the minute ("于10-26 21:30左右…出现" for a 主诉 of 4小时).
    const [month, day] = m[1] ? [m[2], m[3]] : [m[4] ?? m[6], m[5] ?? m[7]];
    const year = m[1] ? Number(m[1]) : yearBefore(Number(month), Number(day), at);
    const from = m[8]
      ? Date.UTC(year, Number(month) - 1, Number(day), Number(m[8]) - 8, Number(m[9] ?? 0))
      : Date.UTC(year, Number(month) - 1, Number(day));
    const days = (Date.parse(at) - from) / 86_400_000;
    if (days > 0) out.push(days);
  }
  return out;
}

/**
 * The year of a date written without one ("10月12日", "10-26 21:30"), from the record's context: the year of `at`
 * (the admission or the note's own time, in China Standard Time), or the year before when the day would fall more
 * than a day after `at` (an onset on 12月28日 told on admission 2027-01-03).
 */
export function yearBefore(month: number, day: number, at: string): number {
  const local = shanghaiDate(at);
  const year = Number(local.slice(0, 4));
  return Date.UTC(year, month - 1, day) > Date.parse(local) + 86_400_000 ? year - 1 : year;
}
