import { describe, expect, it } from 'vitest';
import { stableId } from '../core/index.js';
import { factId } from './fact-id.js';

describe('factId', () => {
  it('is stableId(document, start, end, code)', () => {
    const docs = ['text', 'DocumentReference/9', '病历/入院记录-3', 'note 😀 x', ''];
    const codes = ['8310-5', 'C0015967', 'zh:咳嗽', undefined, ''];
    for (const d of docs)
      for (const c of codes)
        for (const [s, e] of [
          [0, 2],
          [17, 23],
          [123456, 1234567],
        ] as const)
          expect(factId(d, s, e, c)).toBe(stableId(d, s, e, c));
  });
});
