import { describe, expect, it } from 'vitest';
import { toHalfWidth } from './units.js';

/** The mapping one character at a time: full-width ASCII → ASCII, the ideographic space → a space. */
function reference(text: string): string {
  let out = '';
  for (const c of text.split(''))
    out += c === '\u3000' ? ' ' : c >= '\uff01' && c <= '\uff5e' ? String.fromCharCode(c.charCodeAt(0) - 0xfee0) : c;
  return out;
}

describe('toHalfWidth', () => {
  it('maps full-width forms in short and whole-note texts alike, keeping every offset', () => {
    const line = '血压：１２０／８０ｍｍＨｇ，体温\u300036.5℃（正常）。';
    for (const text of [line, line.repeat(40)]) {
      const half = toHalfWidth(text);
      expect(half).toBe(reference(text));
      expect(half.length).toBe(text.length);
    }
    expect(toHalfWidth(line)).toBe('血压:120/80mmHg,体温 36.5℃(正常)。');
  });

  it('returns text without full-width forms as it is, and keeps lone surrogates of a long text', () => {
    expect(toHalfWidth('no wide forms')).toBe('no wide forms');
    const long = `${'a'.repeat(300)}\ud800，`;
    expect(toHalfWidth(long)).toBe(`${'a'.repeat(300)}\ud800,`);
  });
});
