import { describe, expect, it } from 'vitest';
import { check, claimOf, rec } from './__fixtures__/helpers.js';

/**
 * Imaging and test results reversed (issue 12, IMG-reversed): a study is its modality and the body
 * site written with it; the claim's reading (normal / a finding) is compared with the record's
 * reading of the same study. Records are written here, in the forms notes use; none is bench data.
 */

describe('a study and its site, read generally', () => {
  const zh = rec(
    '现病史：患者摔伤后头痛，急诊行头颅CT平扫示：右侧顶骨骨折，并颅内积气，门诊以颅骨骨折收入院。\n' +
      '辅助检查：胸部CT+肋骨三维重建提示：右肺中叶炎症；腰椎MRI示：L4/5椎间盘突出。心电图：窦性心律。腹部彩超：肝胆胰脾未见明显异常。',
  );

  it('contradicts “normal” against the recorded finding of the same study and site, whatever the qualifiers', () => {
    expect(claimOf(check('入院情况：头颅CT检查示：未见明显异常。', zh, 'zh'), '头颅CT')).toMatchObject({
      verdict: 'contradicted',
      errorType: 'E02',
    });
    expect(claimOf(check('入院情况：胸部CT+肋骨重建提示:未见明显异常。', zh, 'zh'), '胸部CT')).toMatchObject({
      verdict: 'contradicted',
      errorType: 'E02',
    });
    expect(claimOf(check('入院情况：L4-S1椎间盘MRI平扫示：未见明显异常。', zh, 'zh'), 'MRI')).toMatchObject({
      verdict: 'contradicted',
      errorType: 'E02',
    });
  });

  it('contradicts a finding against a study the record reads as normal', () => {
    expect(claimOf(check('入院情况：腹部彩超示：胆囊结石。', zh, 'zh'), '彩超')).toMatchObject({
      verdict: 'contradicted',
      errorType: 'E02',
    });
    expect(claimOf(check('入院情况：心电图示：房颤。', zh, 'zh'), '心电图').verdict).toBe('contradicted');
  });

  it('does not compare a study with another site or modality, nor a later one, nor the record’s own reading', () => {
    // Head MRI and chest X-ray are not in the record: nothing to compare.
    expect(check('入院情况：头颅MRI示：未见明显异常。', zh, 'zh').counts.contradicted).toBe(0);
    expect(check('入院情况：胸片示：未见明显异常。', zh, 'zh').counts.contradicted).toBe(0);
    expect(check('入院情况：颈椎MRI示：未见明显异常。', zh, 'zh').counts.contradicted).toBe(0);
    expect(check('复查头颅CT示：未见明显异常。', zh, 'zh').counts.contradicted).toBe(0);
    expect(
      check('入院情况：头颅CT平扫示：右侧顶骨骨折，并颅内积气。腹部彩超：肝胆胰脾未见明显异常。', zh, 'zh').counts
        .contradicted,
    ).toBe(0);
  });

  it('ends a finding where the narrative goes on, and where the next study begins', () => {
    const r = rec(
      '门诊查胸部X光片示：未见明显异常，门诊未予特殊处理，以胸部外伤收入院。门诊行头颅CT:未见异常，颧弓CT：双侧颧弓骨质未见异常。',
    );
    expect(claimOf(check('入院情况：胸部X光片示：右下肺斑片状密度增高影。', r, 'zh'), 'X光片').verdict).toBe(
      'contradicted',
    );
    expect(check('入院情况：门诊行头颅CT:未见异常。', r, 'zh').counts.contradicted).toBe(0);
  });

  it('en: a CT of the abdomen reversed, a repeat study left alone', () => {
    const en = rec(
      'CT of the abdomen 2024-05-02 showed acute appendicitis with periappendiceal fat stranding. ECG: normal sinus rhythm.',
      'en',
    );
    expect(claimOf(check('CT of the abdomen was unremarkable.', en, 'en'), 'CT').verdict).toBe('contradicted');
    expect(claimOf(check('ECG showed atrial fibrillation.', en, 'en'), 'ECG').verdict).toBe('contradicted');
    expect(check('Repeat CT of the abdomen was unremarkable.', en, 'en').counts.contradicted).toBe(0);
    expect(check('Chest CT was unremarkable.', en, 'en').counts.contradicted).toBe(0);
  });

  it('does not read a negated finding on one side as the record’s finding on the other', () => {
    const r = rec('辅助检查：下肢血管彩超（2024-09-02）：左侧股静脉、腘静脉血栓形成。');
    expect(check('下肢血管彩超示左侧股静脉血栓形成，右下肢深静脉未见血栓。', r, 'zh').counts.contradicted).toBe(0);
    expect(claimOf(check('下肢血管彩超示左下肢深静脉未见血栓。', r, 'zh'), '未见血栓').verdict).toBe('contradicted');
  });
});
