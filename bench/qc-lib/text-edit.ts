import { readQcData } from '../../src/knowledge/index.js';

/**
 * Edits of a record's text that inject one defect: a section (heading line) removed, a header field
 * removed, a sentence removed, a word replaced. Each returns the new text and the span it removed or
 * changed, or undefined when the text has no such part (the injection then does not apply).
 */
export interface TextEdit {
  readonly text: string;
  /** What was removed or replaced, as it stood in the text. */
  readonly span: string;
}

/** Every heading name the section reader knows (knowledge/data/qc/sections.json). */
const HEADING_NAMES = readQcData().headings.items.flatMap((h) => [h.name, ...(h.synonyms ?? [])]);

const esc = (s: string): string => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

/** A heading written with any spaces between its characters ("姓    名"). */
const spaced = (name: string): string => [...name].map(esc).join('[ \\t\\u3000]*');

/** Numbering or a bullet before a heading: 一、 （二） 3. 4） Ⅵ． ① ◆ ■. */
const LEAD =
  '(?:(?:[一二三四五六七八九十]+[、.．]|[（(][一二三四五六七八九十\\d]{1,2}[）)]|\\d{1,2}[、.．)）](?!\\d)' +
  '|[ⅠⅡⅢⅣⅤⅥⅦⅧⅨⅩⅪⅫ]{1,3}[、.．]?|[①-⑳][、.．]?|[■□●○◆◇▲△▶►★☆※•·・\\-*])[ \\t\\u3000]*)?';

/**
 * A line that starts with `heading` in any form hospitals print it: after numbering or a bullet, in brackets
 * (【】［］〔〕〖〗[]) with or without a colon, or followed by a colon, by spaces and its content, or alone on its line.
 * Group 1: what follows the heading on its line.
 */
const headingLine = (heading: string): RegExp => headingLineOf([heading]);
const headingLineOf = (names: readonly string[]): RegExp => {
  const h = `(?:${[...names]
    .sort((a, b) => b.length - a.length)
    .map(spaced)
    .join('|')})`;
  return new RegExp(
    `^[ \\t\\u3000]*${LEAD}(?:[【［〔〖\\[][ \\t\\u3000]*${h}[ \\t\\u3000]*[】］〕〗\\]][ \\t\\u3000]*[：:]?` +
      `|${h}[ \\t\\u3000]*(?:[：:]|(?=[ \\t\\u3000]|$)))(.*)$`,
  );
};

/** A line that starts a section (any heading the section reader knows, in any form): where a section ends. */
const ANY_HEADING = headingLineOf(HEADING_NAMES);
const startsSection = (line: string): boolean => ANY_HEADING.test(line);

/**
 * Removes the line(s) of a section: the line that starts with the heading (`主诉：`, `【主诉】`, `五、月经史　…`,
 * `Ⅵ．月经史：`) and, where the heading stands alone on its line (`［月经史］`), the lines of its content below it,
 * up to the next heading or blank line.
 */
export function removeSection(text: string, heading: string): TextEdit | undefined {
  const lines = text.split('\n');
  const re = headingLine(heading);
  const i = lines.findIndex((l) => re.test(l));
  if (i < 0) return undefined;
  let n = 1;
  if (re.exec(lines[i]!)![1]!.trim() === '')
    while (i + n < lines.length && lines[i + n]!.trim() !== '' && !startsSection(lines[i + n]!)) n++;
  const span = lines.slice(i, i + n).join('\n');
  lines.splice(i, n);
  return { text: lines.join('\n'), span };
}

/**
 * Removes one header field, as written in a one-line header (`性别：男　年龄：45岁`, `性别：女；`)
 * or a table row (`| 性别 | 女 |`); only the first occurrence.
 */
export function removeField(text: string, name: string): TextEdit | undefined {
  const table = new RegExp(`\\|[ \\t\\u3000]*${spaced(name)}[ \\t\\u3000]*\\|[^|\\n]*\\|`);
  const t = table.exec(text);
  if (t) return { text: text.replace(table, '|'), span: t[0] };
  // A date-time value keeps its time (`入院时间：2026-03-02 09:10`); any other value ends at a space or ；.
  const value = '\\d{4}-\\d{2}-\\d{2}[ T]\\d{2}:\\d{2}|[^ \\t\\u3000；;|\\n]*';
  const inline = new RegExp(`${spaced(name)}[ \\t\\u3000]*[：:][ \\t\\u3000]*(?:${value})[；;]?[ \\t\\u3000]*`);
  const m = inline.exec(text);
  if (!m) return undefined;
  return { text: text.replace(inline, ''), span: m[0] };
}

/**
 * Removes the first sentence (ended by 。；; or the line) that matches `pattern`; with `clause`, only the
 * clause (also ended by ，,), so that the statements around it stay.
 */
export function removeSentence(text: string, pattern: RegExp, clause = false): TextEdit | undefined {
  const stop = clause ? '。；;，,' : '。；;';
  const re = new RegExp(`[^${stop}\\n：:】]*(?:${pattern.source})[^${stop}\\n]*[${stop}]?`);
  const m = re.exec(text);
  if (!m) return undefined;
  return { text: text.replace(re, ''), span: m[0] };
}

/** Replaces the first match of `pattern` with `by`. */
export function replaceFirst(text: string, pattern: RegExp, by: string): TextEdit | undefined {
  const m = pattern.exec(text);
  if (!m) return undefined;
  return { text: text.replace(pattern, by), span: m[0] };
}

/** The text of one section (the rest of its heading line), or undefined. */
export function sectionText(text: string, heading: string): string | undefined {
  const re = headingLine(heading);
  for (const l of text.split('\n')) {
    const m = re.exec(l);
    if (m) return m[1]!.trim();
  }
  return undefined;
}

/** `YYYY-MM-DD HH:MM` of an ISO time as written in the notes (the time's own offset, no conversion). */
export function writtenTime(iso: string): string {
  return iso.slice(0, 16).replace('T', ' ');
}

/** Adds hours to an ISO time with a +08:00 offset, keeping the offset. */
export function addHours(iso: string, hours: number): string {
  const ms = Date.parse(iso) + hours * 3_600_000;
  const local = new Date(ms + 8 * 3_600_000).toISOString().slice(0, 19);
  return `${local}+08:00`;
}

/** Applies `edit` to the line of one section only (`体格检查：…`), leaving the rest of the text alone. */
export function withinSection(
  text: string,
  heading: string,
  edit: (line: string) => TextEdit | undefined,
): TextEdit | undefined {
  const lines = text.split('\n');
  const re = headingLine(heading);
  const i = lines.findIndex((l) => re.test(l));
  if (i < 0) return undefined;
  const e = edit(lines[i]!);
  if (!e) return undefined;
  lines[i] = e.text;
  return { text: lines.join('\n'), span: e.span };
}
