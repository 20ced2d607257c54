import { describe, expect, it } from 'vitest';
import { check, claimOf, rec } from './__fixtures__/helpers.js';

/**
 * The end of a drug course (E07): a stated "服至/until" date against the record's end date for the same
 * drug and dose, or its start date plus the course length. Records are written here.
 */

describe('the end of a drug course', () => {
  const zhStart = rec(
    '诊疗经过：自2024-09-01起予利伐沙班片 15mg 口服 每日两次，共21天，之后改为 20mg 口服 每日一次，至少3个月。',
  );
  const zhEnd = rec('出院医嘱：利伐沙班片 15mg 口服 每日两次，服至2024-09-22（共21天），之后改为 20mg 口服 每日一次。');
  const en = rec(
    'Hospital course: rivaroxaban 15 mg PO BID was started on 2024-09-01 for 21 days, then 20 mg PO daily.',
    'en',
  );

  it('contradicts an end date that is not the record’s start plus the course length, or its end date (zh, en)', () => {
    expect(claimOf(check('利伐沙班 15mg 每日两次服至2024-10-22。', zhStart, 'zh'), '利伐沙班')).toMatchObject({
      verdict: 'contradicted',
      errorType: 'E07',
    });
    expect(claimOf(check('利伐沙班 15mg 每日两次服至2024-10-22。', zhEnd, 'zh'), '利伐沙班')).toMatchObject({
      verdict: 'contradicted',
      errorType: 'E07',
    });
    expect(claimOf(check('Rivaroxaban 15 mg BID until 2024-10-22.', en, 'en'), 'Rivaroxaban')).toMatchObject({
      verdict: 'contradicted',
      errorType: 'E07',
    });
  });

  it('accepts the record’s end, counted either way by a day, and in another date format', () => {
    expect(check('利伐沙班 15mg 每日两次服至2024-09-21。', zhStart, 'zh').counts.contradicted).toBe(0);
    expect(check('利伐沙班 15mg 每日两次服至2024年9月22日。', zhEnd, 'zh').counts.contradicted).toBe(0);
    expect(check('Rivaroxaban 15 mg BID until September 21, 2024.', en, 'en').counts.contradicted).toBe(0);
  });

  it('does not hold one phase’s end against another dose of the same drug, nor a drug with no course end', () => {
    expect(claimOf(check('利伐沙班 20mg 每日一次服至2024-12-22。', zhEnd, 'zh'), '利伐沙班').errorType).not.toBe('E07');
    expect(claimOf(check('阿司匹林 100mg 每日一次服至2024-12-22。', zhEnd, 'zh'), '阿司匹林').errorType).not.toBe(
      'E07',
    );
  });
});
