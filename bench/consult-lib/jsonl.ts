/**
 * The labelled sets' JSON-lines files: one object per non-blank line, each with a unique `id`.
 * Errors name the file, the line and the field.
 */
export interface JsonLine {
  /** `file line N`, for the caller's own field errors. */
  readonly at: string;
  readonly o: Record<string, unknown> & { readonly id: string };
}

export function jsonLines(text: string, where: string): JsonLine[] {
  const out: JsonLine[] = [];
  const ids = new Set<string>();
  text.split('\n').forEach((line, i) => {
    if (!line.trim()) return;
    const at = `${where} line ${i + 1}`;
    let o: Record<string, unknown>;
    try {
      o = JSON.parse(line) as Record<string, unknown>;
    } catch (e) {
      throw new Error(`${at}: not JSON (${(e as Error).message})`);
    }
    if (typeof o.id !== 'string' || !o.id) throw new Error(`${at}: id is required`);
    if (ids.has(o.id)) throw new Error(`${at}: id '${o.id}' is used twice`);
    ids.add(o.id);
    out.push({ at, o: o as JsonLine['o'] });
  });
  return out;
}
