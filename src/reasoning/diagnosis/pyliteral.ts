import { invalid } from '../../core/index.js';

export type PyValue = string | number | PyValue[];

/**
 * Parses the Python literals DDXPlus writes in its CSV cells (`['E_91', 'E_55_@_V_26']`,
 * `[['Croup', 0.06], …]`): lists, single- or double-quoted strings with backslash escapes, numbers.
 */
export function parsePyLiteral(text: string, where = 'cell'): PyValue {
  let i = 0;
  const ws = () => {
    while (i < text.length && /\s/.test(text[i]!)) i++;
  };
  const value = (): PyValue => {
    ws();
    const ch = text[i];
    if (ch === '[' || ch === '(') {
      const close = ch === '[' ? ']' : ')';
      i++;
      const out: PyValue[] = [];
      ws();
      while (text[i] !== close) {
        out.push(value());
        ws();
        if (text[i] === ',') i++;
        else if (text[i] !== close) throw invalid(`expected ',' or '${close}' at offset ${i}`, { where });
        ws();
      }
      i++;
      return out;
    }
    if (ch === "'" || ch === '"') {
      i++;
      let s = '';
      while (i < text.length && text[i] !== ch) {
        if (text[i] === '\\') i++;
        s += text[i];
        i++;
      }
      if (i >= text.length) throw invalid('unterminated string', { where });
      i++;
      return s;
    }
    const m = /^-?\d+(\.\d+)?([eE][-+]?\d+)?/.exec(text.slice(i));
    if (!m) throw invalid(`unexpected '${ch ?? 'end of text'}' at offset ${i}`, { where });
    i += m[0].length;
    return Number(m[0]);
  };
  const v = value();
  ws();
  if (i !== text.length) throw invalid(`trailing text at offset ${i}`, { where });
  return v;
}
