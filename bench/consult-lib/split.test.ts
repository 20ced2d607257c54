import { describe, expect, it } from 'vitest';
import { parseSplit, splitLines } from './split.js';

describe('dev / test split of the consult benchmark files', () => {
  const text = ['a', 'b', 'c', 'd', 'e'].join('\n');
  it('keeps odd lines for dev and even lines for test, line numbers unchanged', () => {
    expect(splitLines(text, 'dev').split('\n')).toEqual(['a', '', 'c', '', 'e']);
    expect(splitLines(text, 'test').split('\n')).toEqual(['', 'b', '', 'd', '']);
    expect(splitLines(text, 'all')).toBe(text);
  });
  it('the two splits partition the lines', () => {
    const dev = splitLines(text, 'dev').split('\n');
    const test = splitLines(text, 'test').split('\n');
    expect(dev.map((l, i) => l || test[i]).join('\n')).toBe(text);
  });
  it('names the option and the bad value', () => {
    expect(parseSplit(undefined)).toBe('all');
    expect(parseSplit('dev')).toBe('dev');
    expect(() => parseSplit('train')).toThrow(/--split: 'train' is not dev, test or all/);
  });
});
