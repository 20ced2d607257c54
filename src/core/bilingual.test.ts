import { describe, expect, it } from 'vitest';
import { pick, say } from './bilingual.js';

describe('bilingual text', () => {
  it('picks Chinese where asked and written, else English', () => {
    expect(pick({ en: 'Fever', zh: '发热' }, 'zh')).toBe('发热');
    expect(pick({ en: 'Fever', zh: '发热' }, 'en')).toBe('Fever');
    expect(pick({ en: 'Fever' }, 'zh')).toBe('Fever');
  });

  it('says English first, and keeps an empty Chinese side empty', () => {
    expect(say('zh')('No fever', '无发热')).toBe('无发热');
    expect(say('en')('No fever', '无发热')).toBe('No fever');
    expect(say('zh')(' ', '')).toBe('');
  });
});
