import { describe, expect, it } from 'vitest';
import { changed, DEV_RECORDS, editDocument, found } from '../../../bench/qc-lib/dev-records.js';
import { FORMS } from '../../../bench/qc-lib/reform.js';
import { reformed } from '../../../bench/qc-lib/reform-check.js';
import type { QcEncounter } from './model.js';
import { sectionPlaces, unwrapped, yearBefore } from './text.js';

/**
 * The sixteenth round (issue 16, 2026-12-07), from an independent evaluator's records s01–s06, now dev: the
 * 专科情况 written as a labelled part of the 体格检查 under the department's or region's name, an onset told by its
 * time of day, a BP given per arm, a consultation's advice taken up by a round that does not name it, a nursing
 * form whose title names the 过敏史, a combined label "性别/年龄：女/52岁", a 中西医结合 first note and discharge
 * record. Each reading, and the defect it must still find.
 */
type Doc = { id: string; type: string; text: string };
type Dx = { name: string; code: string };
type Editable = { documents: Doc[]; homepage: { mainDiagnosis: Dx; drugAllergy?: { has: boolean } } };

const rec = (id: string) => DEV_RECORDS.get(id)!;
const edit = editDocument;
const dropLine = (t: string, starts: RegExp) =>
  t
    .split('\n')
    .filter((l) => !starts.test(l))
    .join('\n');

describe('forms-dev16: C01 reads the 专科情况 written inside the 体格检查', () => {
  it.each([
    ['s04', /^8）胸外科专科情况/],
    ['s05', /^心血管专科检查/],
    ['s02', /^口腔颌面部检查/],
  ])('%s: the labelled part counts; without it the section is missing', (id, line) => {
    expect(found(rec(id), 'C01')).not.toContain('入院记录缺少“专科情况”');
    expect(
      found(
        edit(id, `${id}-adm`, (t) => dropLine(t, line)),
        'C01',
      ),
    ).toContain('入院记录缺少“专科情况”');
  });

  it('a general part of the exam ("一般情况：") is no specialty exam', () => {
    const e = edit('s04', 's04-adm', (t) => dropLine(t, /^8）/).replace('发育正常，', '\n一般情况：发育正常，'));
    expect(found(e, 'C01')).toContain('入院记录缺少“专科情况”');
  });
});

describe('forms-dev16: C03 reads an onset told by its time of day', () => {
  it.each(['s04', 's05'])('%s: "于10-26 21:30左右", "今日16:40左右…突然出现" are the 发病情况', (id) => {
    expect(found(rec(id), 'C03')).not.toContain('现病史缺发病情况');
  });

  it('a 现病史 that tells no onset still lacks it', () => {
    const hpi =
      '2）现病史：患者左侧胸部针刺样疼痛，伴气促、胸闷，无咳嗽、咯血。来我院急诊，予胸腔闭式引流术。病后精神可，睡眠差，大小便正常。';
    const e = edit('s04', 's04-adm', (t) => t.replace(/^2）现病史：.*$/m, hpi));
    expect(found(e, 'C03')).toContain('现病史缺发病情况');
  });
});

describe('forms-dev16: C05 reads a BP given per arm', () => {
  it('"BP 右上肢162/94mmHg、左上肢150/88mmHg" is the BP; without a value it is missing', () => {
    expect(found(rec('s05'), 'C05')).toEqual([]);
    const e = edit('s05', 's05-adm', (t) => t.replace('BP 右上肢162/94mmHg、左上肢150/88mmHg', 'BP 双上肢对称'));
    expect(found(e, 'C05')).toContain('体格检查缺血压 BP（含数值及单位）');
  });
});

describe('forms-dev16: T09 reads a round that takes up the consultation advice', () => {
  const followup = '会诊后病程记录未记录会诊意见执行情况';
  it('a round planning the advised TEVAR and transfer carries the advice out', () => {
    expect(found(rec('s05'), 'T09')).not.toContain(followup);
  });

  it('notes that only repeat what was known before the consultation do not', () => {
    const e = changed<Editable>('s05', (x) => {
      for (const d of x.documents)
        if (['s05-r1', 's05-r2', 's05-p1', 's05-p2', 's05-p3'].includes(d.id))
          d.text = `${d.text.split('\n')[0]}\n患者胸背痛减轻，主动脉夹层（Stanford B型）病情平稳。\n医师签名：万强`;
    });
    expect(found(e, 'T09')).toContain(followup);
  });
});

describe('forms-dev16: K15 reads a nursing form whose title names the 过敏史', () => {
  it('"日间手术护理入院评估（过敏史）" states no allergy; a drug named in the form does', () => {
    expect(found(rec('s01'), 'K15')).toEqual([]);
    const e = edit('s01', 's01-allergy', (t) => t.replace('药物过敏史：否认', '药物过敏史：青霉素（皮疹）'));
    expect(found(e, 'K15')).toEqual(['过敏史不一致：首页无，护理过敏记录有']);
  });
});

describe('forms-dev16: a combined label "性别/年龄：女/52岁"', () => {
  it('gives each heading its part of the value, where the characters stand', () => {
    const t = '姓名：郑桂芳　性别/年龄：女/52岁　职业：超市收银员';
    const at = Object.fromEntries(sectionPlaces(t).map((p) => [p.name, t.slice(p.start, p.end)]));
    expect(at).toMatchObject({ 性别: '女', 年龄: '52岁', 职业: '超市收银员' });
  });

  it('C09: the 24小时内入出院记录 has its 性别; without the label it lacks it', () => {
    expect(found(rec('s01'), 'C09')).toEqual([]);
    const e = edit('s01', 's01-24h', (t) => t.replace('性别/年龄：女/52岁', '年龄：52岁'));
    expect(found(e, 'C09')).toEqual(['24小时内入出院记录缺少“性别”']);
  });
});

describe('forms-dev16: a 中西医结合 record', () => {
  it('C07: "中医辨证分析" and "西医诊断依据及鉴别诊断" are the 拟诊讨论; without both it is missing', () => {
    expect(found(rec('s06'), 'C07')).toEqual([]);
    const e = edit('s06', 's06-first', (t) => dropLine(t, /^(?:中医辨证分析|西医诊断依据)/));
    expect(found(e, 'C07')).toContain('首次病程记录缺少“拟诊讨论”');
  });

  it('K03: the 西医诊断 are compared with the 首页, the 中医诊断 beside them left out', () => {
    expect(found(rec('s06'), 'K03')).toEqual([]);
    const e = edit('s06', 's06-dis', (t) =>
      t.replace(/(出院诊断：.*)带状疱疹（左侧胸背部T4–T5）/, '$1单纯疱疹（左侧胸背部）'),
    );
    expect(found(e, 'K03').join('\n')).toMatch(/主要诊断不一致：出院记录“单纯疱疹/);
  });
});

describe('forms-dev16: a date written without its year takes the year from the record', () => {
  const noYear = (e: QcEncounter): QcEncounter => reformed(e, FORMS.find((f) => f.name === 'time-月日')!)!;

  it('yearBefore: the admission year, or the year before for a day after the admission', () => {
    expect(yearBefore(10, 12, '2026-10-13T08:40:00+08:00')).toBe(2026);
    expect(yearBefore(12, 28, '2027-01-03T09:00:00+08:00')).toBe(2026);
    // Midnight in China is still the day before in UTC: the local date counts.
    expect(yearBefore(1, 1, '2027-01-01T00:30:00+08:00')).toBe(2027);
  });

  it.each(['n01', 'p02'])('K17 %s: "末次月经1月10日", "（10月12日09:00左右）" are dates, not months', (id) => {
    expect(found(noYear(rec(id)), 'K17')).toEqual(found(rec(id), 'K17'));
  });

  it('K17: an onset dated without its year still tells the 主诉 time; a wrong one does not', () => {
    const hpi = (date: string) => edit('n01', 'n01-adm', (t) => t.replace('1天前（2026/10/12 09:00左右）', date));
    expect(found(hpi('10月12日09:00左右'), 'K17')).toEqual([]);
    expect(found(hpi('9月12日09:00左右'), 'K17')).not.toEqual([]);
  });

  it('C01 d10: "于10月12日09:20入院" in the unlabelled 一般项目 is the 入院时间; without a date it is missing', () => {
    expect(found(noYear(rec('d10')), 'C01')).toEqual(found(rec('d10'), 'C01'));
    const e = edit('d10', 'd10-adm', (t) => t.replace('于2026-10-12 09:20入院', '入院'));
    expect(found(e, 'C01')).toContain('入院记录缺少“入院时间”');
  });
});

describe('forms-dev16: K11 reads a chronic inflammation treated by surgery as no infection', () => {
  const withAntibiotic = (plan: string) =>
    changed<Editable & { orders: Record<string, unknown>[] }>('q01', (e) => {
      e.orders.push({
        id: 'x-abx',
        text: '注射用头孢呋辛钠 1.5g 静脉滴注 每日2次',
        kind: 'long',
        orderedAt: '2026-11-02T09:30:00+08:00',
        status: 'stopped',
        category: 'antibiotic',
        antibioticTier: 'unrestricted',
        items: 1,
      });
      const d = e.documents.find((x) => x.id === 'q01-first')!;
      d.text = d.text.replace('医师签名', `${plan}\n医师签名`);
    });
  const none = '医嘱“注射用头孢呋辛钠 1.5g 静脉滴注 每日2次”无病程记录说明用药指征';

  it('"慢性扁桃体炎", "术前感染筛查", "无扁桃体周围脓肿史" give an antibiotic no indication', () => {
    expect(found(withAntibiotic(''), 'K11')).toContain(none);
  });

  it('a flare the note writes ("慢性扁桃体炎急性发作") is one', () => {
    expect(found(withAntibiotic('慢性扁桃体炎急性发作，予抗感染治疗。'), 'K11')).not.toContain(none);
  });
});

describe('forms-dev16: a paragraph wrapped at a print width is read as one', () => {
  it('unwrapped joins a line that ends inside a clause or a bracket, and keeps items apart', () => {
    expect(unwrapped('1.乙状结肠恶性肿瘤（腺癌，\n　　ⅢB期）术后\n2.高血压病')).toBe(
      '1.乙状结肠恶性肿瘤（腺癌，ⅢB期）术后\n2.高血压病',
    );
    expect(unwrapped('父亲已故，\n死于脑出血。\n母亲体健。')).toBe('父亲已故，死于脑出血。\n母亲体健。');
    expect(unwrapped('1.脑梗死，\n2.高血压')).toBe('1.脑梗死，\n2.高血压');
  });

  it('K03: a discharge diagnosis wrapped inside its bracket is the 首页 one', () => {
    const wrapped = edit('s06', 's06-dis', (t) =>
      t.replace(/(出院诊断：.*?)带状疱疹（左侧胸背部/, '$1带状疱疹（左侧\n　　胸背部'),
    );
    expect(found(wrapped, 'K03')).toEqual([]);
  });
});

describe('forms-dev16: K17 times an onset dated with its time of day', () => {
  it('s04: "于10-26 21:30左右…出现" is 3 h 50 min before the 01:20 admission, the 主诉 4小时; a day earlier is not', () => {
    expect(found(rec('s04'), 'K17')).toEqual([]);
    const e = edit('s04', 's04-adm', (t) => t.replace('患者于10-26 21:30左右', '患者于10-25 21:30左右'));
    expect(found(e, 'K17')).not.toEqual([]);
  });
});
