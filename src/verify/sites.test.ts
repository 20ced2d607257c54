import { describe, expect, it } from 'vitest';
import { check, claimOf, rec } from './__fixtures__/helpers.js';

/**
 * The site of a finding is part of what is compared (issue 12, E02/E06): a finding at one body site is
 * not vouched for by the same finding recorded at another, and a side on a denied or ruled-out finding
 * is compared too. Records are written here; none is bench data.
 */

describe('the site of a finding', () => {
  const zh = rec(
    '现病史：患者被人打伤头部、胸部，伤后头部疼痛。查体：双肺呼吸音粗，右肺可闻及干、湿性啰音，左肺未闻及干湿性啰音。右下腹压痛，双上肢无疼痛。',
  );

  it('does not let pain at one site vouch for pain at another (zh)', () => {
    expect(claimOf(check('双上肢疼痛。', zh, 'zh'), '双上肢').verdict).not.toBe('supported');
    expect(claimOf(check('全腹压痛。', zh, 'zh'), '压痛').verdict).not.toBe('supported');
    // A denial at the claim's own site speaks against it.
    expect(claimOf(check('入院情况：双上肢疼痛。', zh, 'zh'), '双上肢')).toMatchObject({
      verdict: 'contradicted',
      errorType: 'E02',
    });
  });

  it('supports the finding at the site the record gives, and sites listed together', () => {
    expect(claimOf(check('头部疼痛。', zh, 'zh'), '头部').verdict).toBe('supported');
    expect(claimOf(check('右下腹压痛。', zh, 'zh'), '压痛').verdict).toBe('supported');
    const listed = rec('患者被打伤头部，胸部，双上肢，伤后伤处疼痛。');
    expect(claimOf(check('双上肢疼痛。', listed, 'zh'), '疼痛').verdict).toBe('supported');
    expect(claimOf(check('头部疼痛。', listed, 'zh'), '疼痛').verdict).toBe('supported');
  });

  it('reads a lung side on a denied sign: the record’s left lung is not the right lung', () => {
    expect(claimOf(check('左肺未闻及干湿性啰音。', zh, 'zh'), '左肺').verdict).toBe('supported');
    expect(claimOf(check('入院情况：右肺未闻及干湿性啰音。', zh, 'zh'), '右肺').verdict).toBe('contradicted');
    // At discharge the rales may have cleared: unverified, not contradicted.
    expect(
      claimOf(check('出院情况：右肺未闻及干湿性啰音。', zh, 'zh', { laterThanRecord: true }), '右肺').verdict,
    ).toBe('unsupported');
  });

  it('carries a site over from the clause before, as exam notes write it, but not from a disease name', () => {
    const r = rec('查体：腹软，左下腹压痛。耻骨上膀胱区无肿胀，无压痛。');
    expect(
      claimOf(check('出院情况：耻骨上膀胱区无肿胀，压痛。', r, 'zh', { laterThanRecord: true }), '压痛').verdict,
    ).toBe('unsupported');
    expect(claimOf(check('入院情况：耻骨上膀胱区无肿胀，压痛。', r, 'zh'), '压痛')).toMatchObject({
      verdict: 'contradicted',
      errorType: 'E02',
    });
    expect(claimOf(check('入院情况：腹软，左下腹压痛。', r, 'zh'), '压痛').verdict).toBe('supported');
    const pn = rec('诊断肺炎。患者发热，体温39℃。');
    expect(claimOf(check('因肺炎，发热。', pn, 'zh'), '发热').verdict).toBe('supported');
  });

  it('en: a site before or after the finding', () => {
    const en = rec(
      'Exam: tenderness in the right lower quadrant. Swelling over the left ankle. No tenderness of the back.',
      'en',
    );
    expect(claimOf(check('Right lower quadrant tenderness on admission.', en, 'en'), 'tenderness').verdict).toBe(
      'supported',
    );
    expect(claimOf(check('Tenderness over the back on admission.', en, 'en'), 'Tenderness').verdict).not.toBe(
      'supported',
    );
    expect(claimOf(check('Left ankle swelling.', en, 'en'), 'swelling').verdict).toBe('supported');
    expect(claimOf(check('Right ankle swelling.', en, 'en'), 'swelling').verdict).not.toBe('supported');
  });
});

describe('a side on a ruled-out finding', () => {
  it('contradicts the other side of a finding the record leaves to be ruled out (zh)', () => {
    const zh = rec('辅助检查：CT检查回报：头颅CT平扫未见异常，待除外左侧第5肋骨骨折。');
    expect(claimOf(check('待除外右侧第5肋骨骨折。', zh, 'zh'), '骨折')).toMatchObject({
      verdict: 'contradicted',
      errorType: 'E06',
    });
    expect(check('待除外左侧第5肋骨骨折。', zh, 'zh').counts.contradicted).toBe(0);
  });

  it('leaves the other side of a plain denial unverified, not contradicted (zh, en)', () => {
    const zh = rec('查体：左下肢无水肿。');
    expect(claimOf(check('右下肢无水肿。', zh, 'zh'), '水肿')).toMatchObject({
      verdict: 'unsupported',
      errorType: 'E06',
    });
    const en = rec('Exam: no edema of the left leg.', 'en');
    expect(check('No edema of the right leg.', en, 'en').counts.contradicted).toBe(0);
  });
});
