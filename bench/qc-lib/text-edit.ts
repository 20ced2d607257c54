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

const esc = (s: string): string => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

/** A heading written with any spaces between its characters ("姓    名"). */
const spaced = (name: string): string => [...name].map(esc).join('[ \\t\\u3000]*');

/** Removes the line(s) of a section: the line that starts with the heading (`主诉：`, `【主诉】`). */
export function removeSection(text: string, heading: string): TextEdit | undefined {
  const lines = text.split('\n');
  const re = new RegExp(`^[ \\t\\u3000]*(?:【${spaced(heading)}】|${spaced(heading)}[ \\t\\u3000]*[：:])`);
  const i = lines.findIndex((l) => re.test(l));
  if (i < 0) return undefined;
  const span = lines[i]!;
  lines.splice(i, 1);
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
  const re = new RegExp(`^[ \\t\\u3000]*(?:【${spaced(heading)}】|${spaced(heading)}[ \\t\\u3000]*[：:])(.*)$`, 'm');
  return re.exec(text)?.[1]?.trim();
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
  const re = new RegExp(`^[ \\t\\u3000]*(?:【${spaced(heading)}】|${spaced(heading)}[ \\t\\u3000]*[：:])`);
  const i = lines.findIndex((l) => re.test(l));
  if (i < 0) return undefined;
  const e = edit(lines[i]!);
  if (!e) return undefined;
  lines[i] = e.text;
  return { text: lines.join('\n'), span: e.span };
}
