import { describe, expect, it } from 'vitest';
import { DEV_RECORDS, editDocument, found } from '../../../bench/qc-lib/dev-records.js';

/**
 * The nineteenth round (issue 16, 2026-12-07): the false findings of u01–u09, scored once as held out and now dev.
 * Headings numbered ⑴…⑽ (U+2474…), a discharge record's dates run on in its head paragraph in Chinese numerals, a
 * bilingual field label `性别(Sex)：`, a 现病史 that opens with a finding at a check-up years before, a general
 * condition told as 神志/进食/小便, a nursing form's `key=value` denial under a title `入院护理评估-过敏史`, and 足癣
 * for 国家临床版's 脚癣. Each reading, and the defect it must still find.
 */

const rec = (id: string) => DEV_RECORDS.get(id)!;
const edit = editDocument;

describe('forms-dev19: headings numbered with parenthesised-digit characters ⑴…⑽', () => {
  it('u04: every section of the 入院记录 and the 出院记录 is read', () => {
    expect(found(rec('u04'), 'C01')).toEqual([]);
    expect(found(rec('u04'), 'C09')).toEqual([]);
  });

  it('a section taken out is still found', () => {
    const e = edit('u04', 'u04-adm', (t) => t.replace(/⑹家族史：[^\n]*\n/, ''));
    expect(found(e, 'C01')).toContain('入院记录缺少“家族史”');
  });
});

describe('forms-dev19: a discharge record’s dates run on in its head paragraph, in Chinese numerals', () => {
  it('u02: 入院时间二〇二六年…，出院时间二〇二六年… are its 入院日期 and 出院日期', () => {
    expect(found(rec('u02'), 'C09')).toEqual([]);
  });

  it('a paragraph without the 出院时间 is still found', () => {
    const e = edit('u02', 'u02-dis', (t) => t.replace(/出院时间二〇[^，]*，/, ''));
    expect(found(e, 'C09')).toEqual(['出院记录缺少“出院日期”']);
  });
});

describe('forms-dev19: a bilingual header label with its English name in brackets', () => {
  it('u06: 姓名(Name)：… 性别(Sex)：男 gives the 性别', () => {
    expect(found(rec('u06'), 'C01')).toEqual([]);
  });

  it('the field left empty is still found', () => {
    const e = edit('u06', 'u06-adm', (t) => t.replace(/性别\(Sex\)：男/, ''));
    expect(found(e, 'C01')).toContain('入院记录缺少“性别”');
  });
});

describe('forms-dev19: K17 and a 现病史 that opens with a finding at a check-up', () => {
  it('u08: "8年前体检发现血肌酐升高…2月前（2026年9月初）出现乏力" tells the 主诉’s 规律血液透析2月', () => {
    expect(found(rec('u08'), 'K17')).toEqual([]);
  });

  it('a 主诉 time the later onset does not give is still found', () => {
    const e = edit('u08', 'u08-adm', (t) => t.replace('规律血液透析2月', '规律血液透析6月'));
    expect(found(e, 'K17')).toHaveLength(1);
  });
});

describe('forms-dev19: C03 reads a general condition told as 神志, 进食 and 小便', () => {
  it('u04: "病程中神志清，未进食，小便1次" over a course of hours', () => {
    expect(found(rec('u04'), 'C03')).toEqual([]);
  });

  it('the sentence taken out is still found', () => {
    const e = edit('u04', 'u04-adm', (t) => t.replace('病程中神志清，未进食，小便1次，色黄。', ''));
    expect(found(e, 'C03')).toEqual(['现病史缺一般情况']);
  });
});

describe('forms-dev19: K15 reads a nursing form with key=value fields under a dashed title', () => {
  it('u07: "入院护理评估-过敏史" / "药物过敏史=无" is a denial, as the 既往史 and the 首页 say', () => {
    expect(found(rec('u07'), 'K15')).toEqual([]);
  });

  it('an allergy written there is still found against the 首页', () => {
    const e = edit('u07', 'u07-allergy', (t) => t.replace('药物过敏史=无', '药物过敏史=青霉素（皮疹）'));
    expect(found(e, 'K15')).toHaveLength(1);
  });
});

describe('forms-dev19: H05 reads 足癣 as 国家临床版’s 脚癣', () => {
  it('u03: 足癣（左足） coded B35.3 fits its category', () => {
    expect(found(rec('u03'), 'H05')).toEqual([]);
  });
});

describe('forms-dev19: C08 reads a round’s analysis by the risk group of an established diagnosis', () => {
  it('u05: "分析：中危甲状腺乳头状癌清甲后…" analyses the diagnosis', () => {
    expect(found(rec('u05'), 'C08')).toEqual([]);
  });

  it('an analysis of the symptoms alone is still found', () => {
    const e = edit('u05', 'u05-r1', (t) => t.replace('中危甲状腺乳头状癌清甲后，', ''));
    expect(found(e, 'C08')).toEqual(['主治医师首次查房缺诊断依据与鉴别诊断分析']);
  });
});

describe('forms-dev19: C03 does not read 进食 as a symptom’s setting for the general condition', () => {
  it('s03 without its general condition: "进食时出现呛咳…半流质饮食" is still found', () => {
    const e = edit('s03', 's03-adm', (t) => t.replace(/病后精神差[^。]*。/, ''));
    expect(found(e, 'C03')).toEqual(['现病史缺一般情况']);
  });
});
