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
 * A label of its own the section reader may not know ("诊断依据及鉴别诊断：", "拟诊讨论（Assessment）：",
 * "个人史、婚育史及月经史：").
 */
const LABEL = /^[ \t\u3000]*[\u4e00-\u9fa5][\u4e00-\u9fa5、/／]{1,15}(?:[（(][^）)\n]{0,20}[）)])?[：:∶]/;
/** Where the section starting on line `from` ends: at the next heading, label line or blank line. */
const blockEnd = (lines: readonly string[], from: number): number => {
  let to = from + 1;
  while (to < lines.length && lines[to]!.trim() !== '' && !startsSection(lines[to]!) && !LABEL.test(lines[to]!)) to++;
  return to;
};

/**
 * Removes the line(s) of a section: the line that starts with the heading (`主诉：`, `【主诉】`, `五、月经史　…`,
 * `Ⅵ．月经史：`) and the lines of its content below it (the heading alone on its line, `［月经史］`, or a paragraph
 * wrapped over lines), up to the next heading, label line or blank line.
 */
export function removeSection(text: string, heading: string): TextEdit | undefined {
  const lines = text.split('\n');
  const re = headingLine(heading);
  const i = lines.findIndex((l) => re.test(l));
  if (i < 0) return undefined;
  // With the lines a wrapped paragraph runs on to (t01–t06 wrap theirs mid-sentence).
  const n = blockEnd(lines, i) - i;
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

/**
 * As `removeSentence`, for a paragraph wrapped over lines: a sentence that runs on past its line end (no 。；; there)
 * is removed with the part of it on the next lines, up to its end, never into a line that starts a section.
 */
export function removeWrappedSentence(text: string, pattern: RegExp): TextEdit | undefined {
  const cut = removeSentence(text, pattern);
  if (!cut || /[。；;]$/.test(cut.span)) return cut;
  const at = text.indexOf(cut.span) + cut.span.length;
  let end = at;
  while (text[end] === '\n') {
    const next = text.slice(end + 1).split('\n')[0]!;
    if (startsSection(next)) break;
    const stop = /[。；;]/.exec(next);
    end += 1 + (stop ? stop.index + 1 : next.length);
    if (stop) break;
  }
  const span = text.slice(text.indexOf(cut.span), end);
  return { text: text.slice(0, text.indexOf(cut.span)) + text.slice(end), span };
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

/**
 * A section with its wrapped lines: the heading line (`head`: the line up to its content) and every line after it
 * up to the next heading, label line or blank line, as `from`/`to` line indices (`to` exclusive), and its content
 * joined.
 */
export function sectionBlock(
  text: string,
  heading: string,
): { from: number; to: number; head: string; content: string } | undefined {
  const lines = text.split('\n');
  // Any other print of the heading inside its line (`◎现病史：`, `HPI 现病史：`, `２．现病史：`, `〈病例特点〉`,
  // `病例特点（Summary）：`, `病例特点∶`): the heading, a bracketed gloss, then a colon or a closing bracket.
  const loose = new RegExp(
    `${spaced(heading)}[ \\t\\u3000]*(?:[（(][^）)\\n]{0,20}[）)])?[ \\t\\u3000]*[：:∶】〉》]+(.*)$`,
  );
  const re = lines.some((l) => headingLine(heading).test(l)) ? headingLine(heading) : loose;
  const from = lines.findIndex((l) => re.test(l));
  if (from < 0) return undefined;
  const first = re.exec(lines[from]!)![1]!;
  const to = blockEnd(lines, from);
  const content = [first, ...lines.slice(from + 1, to)].map((l) => l.trim()).join('');
  return { from, to, head: lines[from]!.slice(0, lines[from]!.length - first.length), content };
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
