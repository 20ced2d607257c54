import { describe, expect, it } from 'vitest';
import { parseCsv } from './csv.js';

describe('parseCsv', () => {
  it('reads quoted commas, doubled quotes and line breaks, with the line each row starts on', () => {
    expect(parseCsv('a,"b,""c""\nd"\ne,f\n', 'x')).toEqual([
      { line: 1, cells: ['a', 'b,"c"\nd'] },
      { line: 3, cells: ['e', 'f'] },
    ]);
  });

  it('skips blank lines and a byte-order mark, and takes \\r\\n, \\n and rows of any length', () => {
    expect(parseCsv('\uFEFFh,i\r\n\r\n1\r\n2,3,4', 'x')).toEqual([
      { line: 1, cells: ['h', 'i'] },
      { line: 3, cells: ['1'] },
      { line: 4, cells: ['2', '3', '4'] },
    ]);
  });

  it('names the file and line of an unterminated quote', () => {
    expect(() => parseCsv('h\n"open\n', 'kb.csv')).toThrow('kb.csv line 2: unterminated quoted field');
  });
});
