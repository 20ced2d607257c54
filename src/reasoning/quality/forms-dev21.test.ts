import { describe, expect, it } from 'vitest';
import { changed, DEV_RECORDS, editDocument, found } from '../../../bench/qc-lib/dev-records.js';

/**
 * Issue 16, 2026-12-07: the consistency and 首页 rules read in general forms, not one round's specifics. A 现病史 that
 * tells a chronic illness's history before the present episode, a 主诉 that states the purpose of a planned
 * admission, an approval of a special-use antibiotic written anywhere in the course (越级 use in an emergency with
 * the approval made up within 24 h), allergy statements as a form writes them, and a 首页 coded in WHO ICD-10
 * throughout. Each reading, and the defect it must still find.
 */

const rec = (id: string) => DEV_RECORDS.get(id)!;
const edit = editDocument;

describe('forms-dev21: K17 reads the present illness after a chronic history', () => {
  it('a 现病史 that opens with the chronic disease’s own onset, then the present episode the 主诉 names', () => {
    const e = edit('u08', 'u08-adm', (t) =>
      t.replace('患者8年前体检发现血肌酐升高（约150μmol/L），', '患者6年前出现泡沫尿，查血肌酐升高（约150μmol/L），'),
    );
    expect(found(e, 'K17')).toEqual([]);
  });

  it('the present episode introduced by 此次, after a history told as years', () => {
    const e = edit('d04', 'd04-adm', (t) =>
      t.replace(
        '患者1月前无明显诱因出现乏力',
        '患者2型糖尿病10年，5年前出现泡沫尿，诊断“糖尿病肾病”。此次1月前无明显诱因出现乏力',
      ),
    );
    expect(found(e, 'K17')).toEqual([]);
  });

  it('u02: 确诊宫颈鳞癌2月余 after an opening state (绝经6年) and a dated onset (2026年7月出现)', () => {
    expect(found(rec('u02'), 'K17').filter((s) => s.startsWith('主诉时间'))).toEqual([]);
  });

  it('a 主诉 time the present episode does not give is still found', () => {
    const e = edit('d04', 'd04-adm', (t) =>
      t
        .replace(
          '患者1月前无明显诱因出现乏力',
          '患者2型糖尿病10年，5年前出现泡沫尿，诊断“糖尿病肾病”。此次1月前无明显诱因出现乏力',
        )
        .replace('乏力、食欲减退1月', '乏力、食欲减退1年'),
    );
    expect(found(e, 'K17')).toHaveLength(1);
  });

  it('a single 主诉 time changed from days to months is still found after a chronic history', () => {
    const e = edit('u08', 'u08-adm', (t) =>
      t
        .replace('患者8年前体检发现血肌酐升高（约150μmol/L），', '患者6年前出现泡沫尿，查血肌酐升高（约150μmol/L），')
        .replace('规律血液透析2月', '规律血液透析2年'),
    );
    expect(found(e, 'K17')).toHaveLength(1);
  });
});

describe('forms-dev21: K17 accepts either time of a 主诉 that names the chronic illness and the present one', () => {
  const cc = (text: string) => edit('u08', 'u08-adm', (t) => t.replace('规律血液透析2月，要求建立长期透析通路', text));

  it('the chronic time first or second: 发现血肌酐升高8年 ↔ 8年前, 规律血液透析2月 ↔ 2月前', () => {
    expect(found(cc('发现血肌酐升高8年，规律血液透析2月'), 'K17')).toEqual([]);
    expect(found(cc('规律血液透析2月，发现血肌酐升高8年'), 'K17')).toEqual([]);
  });

  it('a recent time the 现病史 does not give is still found', () => {
    expect(found(cc('发现血肌酐升高8年，规律血液透析2年'), 'K17')).toHaveLength(1);
  });
});

describe('forms-dev21: K17 counts the characters of the complaint, not the purpose of the admission', () => {
  it('u02: 确诊宫颈鳞癌2月余，同步放化疗中，拟行第5次顺铂化疗 (14 characters before its purpose)', () => {
    expect(found(rec('u02'), 'K17')).toEqual([]);
  });

  it('a complaint of more than 20 characters is still found', () => {
    const e = edit('d03', 'd03-adm', (t) =>
      t.replace('咳嗽、咳黄痰伴发热5天，气促1天。', '咳嗽、咳黄痰伴发热、畏寒、寒战、头痛、全身肌肉酸痛5天，气促1天。'),
    );
    expect(found(e, 'K17')).toContain('主诉超过20字');
  });
});

describe('forms-dev21: K13 reads the approval of a special-use antibiotic wherever the course writes it', () => {
  it('t06: the emergency (越级) stated in the first note, the approval within 24 h without the dose’s clock', () => {
    const e = edit('t06', 't06-appr', (t) => t.replace(/11-16 04:20因病情危急越级首剂使用，24小时内补办审批。/, ''));
    expect(found(e, 'K13')).toEqual([]);
  });

  it('k06: the consultation and approval written in a progress note (经感染科会诊同意，审批通过)', () => {
    const e = changed<{ documents: { id: string; type: string; text: string }[] }>('k06', (x) => {
      x.documents = x.documents.filter((d) => d.id !== 'k06-approval' && d.id !== 'k06-consult');
      const p = x.documents.find((d) => d.id === 'k06-p2')!;
      p.text = p.text.replace(
        '今日请感染科会诊评估升级抗菌药物（美罗培南为特殊使用级）。',
        '经感染科高洁副主任医师会诊同意，特殊使用级抗菌药物审批通过，改用美罗培南。',
      );
    });
    expect(found(e, 'K13')).toEqual([]);
  });

  it('a request for a consultation is no approval: still found', () => {
    const e = changed<{ documents: { id: string }[] }>('k06', (x) => {
      x.documents = x.documents.filter((d) => d.id !== 'k06-approval' && d.id !== 'k06-consult');
    });
    expect(found(e, 'K13')).toHaveLength(1);
  });

  it('another dose of the drug hours after the emergency one, before the approval, is still found', () => {
    const e = changed<{ orders: Record<string, unknown>[] }>('t06', (x) => {
      x.orders.push({
        ...x.orders.find((o) => o.id === 't06-o9')!,
        id: 't06-o9b',
        orderedAt: '2026-11-16T08:40:00+08:00',
        firstDoseAt: '2026-11-16T09:40:00+08:00',
      });
    });
    expect(found(e, 'K13')).toHaveLength(1);
  });

  it('an emergency use whose approval came after 24 h is still found', () => {
    const e = changed<{ documents: { id: string; completedAt?: string }[] }>('t06', (x) => {
      x.documents = x.documents.filter((d) => d.id !== 't06-cons2');
      x.documents.find((d) => d.id === 't06-appr')!.completedAt = '2026-11-17T11:00:00+08:00';
    });
    expect(found(e, 'K13').length).toBeGreaterThan(0);
  });
});

describe('forms-dev21: K15 reads what each document says about drug allergy', () => {
  it('a nursing form with check boxes: □有 ☑无 is a denial', () => {
    const e = edit('u07', 'u07-allergy', (t) =>
      t.replace('药物过敏史=无 | 食物过敏史=无 | 其他=无', '药物过敏史：□有 ☑无　食物过敏史：□有 ☑无'),
    );
    expect(found(e, 'K15')).toEqual([]);
  });

  it('an unknown status (不详) beside a denial is no contradiction', () => {
    const e = edit('u07', 'u07-allergy', (t) => t.replace('药物过敏史=无', '药物过敏史=不详'));
    expect(found(e, 'K15')).toEqual([]);
  });

  it('a named allergen ticked on the form is still found against the 首页', () => {
    const e = edit('u07', 'u07-allergy', (t) =>
      t.replace('药物过敏史=无 | 食物过敏史=无 | 其他=无', '药物过敏史：☑有（青霉素） □无　食物过敏史：□有 ☑无'),
    );
    expect(found(e, 'K15')).toHaveLength(1);
  });
});

describe('forms-dev21: H04 reads the edition a 首页 is coded in', () => {
  it('u08: a sheet coded in WHO ICD-10 throughout (N18.5, N03.9, I15.1, D63.8) is coded as SY2016 第六条 allows', () => {
    expect(found(rec('u08'), 'H04')).toEqual([]);
  });

  it('d04: N18.5 among clinical-edition codes (E87.500, I10.x00) is still to be recoded', () => {
    expect(found(rec('d04'), 'H04')).toHaveLength(1);
  });
});

describe('forms-dev21: H05 reads a name one word from the code’s own name', () => {
  const coded = (code: string) =>
    changed<{ homepage: { otherDiagnoses: { name: string; code?: string }[] } }>('u03', (x) => {
      const d = x.homepage.otherDiagnoses.find((o) => o.name.startsWith('足癣'))!;
      d.code = code;
    });

  it('u03: 足癣（左足） coded B35.3, whose name in 国家临床版 2.0 is 脚癣', () => {
    expect(found(rec('u03'), 'H05')).toEqual([]);
    expect(found(coded('B35.300'), 'H05')).toEqual([]);
  });

  it('足癣 coded as another disease (J45.9) is still found', () => {
    expect(found(coded('J45.9'), 'H05')).toHaveLength(1);
  });
});
