import { describe, expect, it } from 'vitest';
import { changed, DEV_RECORDS, editDocument, found } from '../../../bench/qc-lib/dev-records.js';

/**
 * The seventeenth round (issue 16, 2026-12-07), from an independent evaluator's records t01–t06, now dev: a relapsing
 * illness's 主诉 giving its course after the present episode, a newborn's admission note, an ICU note's vitals
 * (HR/RR in bpm) and its 现病史, a special-use antibiotic given first in an emergency. Each reading, and the
 * defect it must still find.
 */
type Doc = { id: string; type: string; text: string };
type Editable = { documents: Doc[] };

const rec = (id: string) => DEV_RECORDS.get(id)!;
const edit = editDocument;
const drop = (id: string, ...docIds: string[]) =>
  changed<Editable>(id, (e) => {
    e.documents = e.documents.filter((d) => !docIds.includes(d.id));
  });

describe('forms-dev17: K17 reads a relapsing illness course given after the present episode', () => {
  it('t02: "眠少10天，间断发作2年" against a 现病史 opening "2024年9月"', () => {
    expect(found(rec('t02'), 'K17')).toEqual([]);
  });

  it('a course the 现病史 does not open with is still found', () => {
    const e = edit('t02', 't02-adm', (t) => t.replace('间断发作2年', '间断发作5年'));
    expect(found(e, 'K17').join()).toMatch(/主诉时间（1825天）/);
  });
});

describe('forms-dev17: a newborn admission note', () => {
  it('owes no marital status; a missing header field is still found', () => {
    expect(found(rec('t03'), 'C01')).toEqual([]);
    expect(
      found(
        edit('t03', 't03-adm', (t) => t.replace('民族：汉族', '')),
        'C01',
      ),
    ).toContain('入院记录缺少“民族”');
  });

  it('"除本病外无其他疾病" states its health and diseases; without it they are missing', () => {
    expect(found(rec('t03'), 'C02')).toEqual([]);
    const e = edit('t03', 't03-adm', (t) => t.replace('生后23小时，除本病外无其他疾病；', ''));
    expect(found(e, 'C02')).toEqual(expect.arrayContaining(['既往史未记录疾病史', '既往史未记录传染病史']));
  });

  it('feeding (喂养, 吃奶, 吸吮) is its general condition; without it the 一般情况 is missing', () => {
    expect(found(rec('t03'), 'C03')).toEqual([]);
    const e = edit('t03', 't03-adm', (t) => t.replace(/予按需母乳喂养，吃奶\n稍差，吸吮力可/, '予观察'));
    expect(found(e, 'C03')).toContain('现病史缺一般情况');
  });
});

describe('forms-dev17: an ICU admission note', () => {
  it('t06: "HR 126 bpm　RR 28 bpm" are the pulse and the respiration; without them they are missing', () => {
    expect(found(rec('t06'), 'C05')).toEqual([]);
    const e = edit('t06', 't06-adm', (t) => t.replace('HR 126 bpm　RR 28 bpm', ''));
    expect(found(e, 'C05')).toEqual(
      expect.arrayContaining(['体格检查缺脉搏 P（含数值及单位）', '体格检查缺呼吸 R（含数值及单位）']),
    );
  });

  it('尿量, 大便 are its general condition; without them the 一般情况 is missing', () => {
    expect(found(rec('t06'), 'C03')).toEqual([]);
    const e = edit('t06', 't06-adm', (t) => t.replace('起病以来未进食，\n24小时尿量约300ml，大便未解。', ''));
    expect(found(e, 'C03')).toContain('现病史缺一般情况');
  });
});

describe('forms-dev17: K13 reads a special-use antibiotic given first in an emergency (越级)', () => {
  it('t06: approved 11:00 for the 04:20 越级 first dose, within 24 h', () => {
    expect(found(rec('t06'), 'K13')).toEqual([]);
  });

  it('an approval after the dose where no note states an emergency, or none at all, is still found', () => {
    // The 越级 may be stated in any note (抗菌药物临床应用管理办法 第二十八条): the first note's is taken out too.
    const quiet = changed<{ documents: { id: string; text: string }[] }>('t06', (e) => {
      for (const d of e.documents)
        d.text = d.text
          .replace(/因病情危急越级首剂使用，24小时内补办审批/, '')
          .replace(/，因病情危急\n先行越级使用/, '');
    });
    expect(found(quiet, 'K13').length).toBeGreaterThan(0);
    const none = drop('t06', 't06-appr', 't06-cons2');
    expect(found(none, 'K13').length).toBeGreaterThan(0);
  });
});
