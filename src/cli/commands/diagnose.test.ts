import { describe, expect, it } from 'vitest';
import { diagnoseNote, parseCase } from './diagnose.js';

describe('medseek diagnose: reading the case', () => {
  it('accepts age, sex and findings with values', () => {
    const c = parseCase(
      '{"age":45,"sex":"male","findings":[{"id":"E_53"},{"id":"E_55","value":["V_29"]},{"id":"E_91","present":false}]}',
    );
    expect(c.findings).toHaveLength(3);
    expect(c.age).toBe(45);
  });

  it('says what is wrong and where', () => {
    expect(() => parseCase('{oops')).toThrow(/not JSON/);
    expect(() => parseCase('{"age":3}')).toThrow(/findings array/);
    expect(() => parseCase('{"findings":[{"value":1}]}')).toThrow(/findings\[0\].*id/);
    expect(() => parseCase('{"sex":"m","findings":[]}')).toThrow(/sex 'm'/);
  });
});

describe('medseek diagnose --text: reading a note', () => {
  it('needs a knowledge release and a readable note, and says which option is wrong', async () => {
    const opts = { lang: undefined, top: 5, format: 'json' as const };
    await expect(diagnoseNote('note.txt', { ...opts, kb: 'ddxplus' })).rejects.toThrow(/--kb release/);
    await expect(diagnoseNote('/nonexistent/note.txt', { ...opts, kb: 'release' })).rejects.toMatchObject({
      message: expect.stringMatching(/cannot read the note/),
    });
  });
});
