import { describe, expect, it } from 'vitest';
import { DEV_RECORDS, editDocument, found } from '../../../bench/qc-lib/dev-records.js';

/**
 * Issue 16, 2026-12-07: the forms of records w01–w06 (held out, scored once, now development data), read in general:
 * a nursing allergy record's denial however its label is written, header fields apart from their labels by spaces
 * or a dash run or numbered in a run, labels that share their last word after a slash, headings numbered "01 主诉"
 * alone on their line and headings in 『』. Each reading, and the defect it must still find.
 */

const rec = (id: string) => DEV_RECORDS.get(id)!;
const edit = editDocument;

describe('forms-dev22: K15 reads a nursing allergy record’s denial', () => {
  it('w01 ·过敏史 title, w02 （过敏史栏）, w04 过敏史：药物——无, w06 『过敏史』药物：无 say no allergy', () => {
    for (const id of ['w01', 'w02', 'w04', 'w06']) expect(found(rec(id), 'K15'), id).toEqual([]);
  });

  it('a numbered label spaced before its denial (7）过敏　否认药物、食物过敏史) says none', () => {
    const e = edit('w01', 'w01-allergy', (t) =>
      t.replace('药物过敏史：否认　　食物过敏史：否认　　其他过敏：否认', '7）过敏　否认药物、食物过敏史'),
    );
    expect(found(e, 'K15')).toEqual([]);
  });

  it('a drug allergy in each of these forms is still found', () => {
    const cases: [string, string, string, string][] = [
      ['w01', 'w01-allergy', '药物过敏史：否认', '药物过敏史：青霉素'],
      ['w02', 'w02-allergy', '药物过敏：无', '药物过敏：青霉素'],
      ['w04', 'w04-allergy', '药物——无', '药物——青霉素'],
      ['w06', 'w06-allergy', '药物：无', '药物：青霉素'],
      ['w01', 'w01-allergy', '药物过敏史：否认　　食物过敏史：否认　　其他过敏：否认', '7）过敏　青霉素'],
    ];
    for (const [id, doc, from, to] of cases)
      expect(
        found(
          edit(id, doc, (t) => t.replace(from, to)),
          'K15',
        ),
        to,
      ).toHaveLength(1);
  });
});

describe('forms-dev22: C01 reads header fields apart from their labels', () => {
  it('w01 (1)姓名 王丽娟　(2)性别 女 … and w04 姓名——周建国　　　　性别——男 …', () => {
    expect(found(rec('w01'), 'C01')).toEqual([]);
    expect(found(rec('w04'), 'C01')).toEqual([]);
  });

  it('a field whose value is dropped is still found', () => {
    const w01 = edit('w01', 'w01-adm', (t) => t.replace('(6)出生地 江苏省南通市　', '(6)出生地 　'));
    expect(found(w01, 'C01')).toContain('入院记录缺少“出生地”');
    const w04 = edit('w04', 'w04-adm', (t) => t.replace('职业——出租车司机　', '职业——　　'));
    expect(found(w04, 'C01')).toContain('入院记录缺少“职业”');
  });
});

describe('forms-dev22: headings numbered alone on their line, in 『』, and labels sharing a word after a slash', () => {
  it('w05 (01 主诉 … 入院/记录时间) and w06 (『主诉』) read in full', () => {
    for (const id of ['w05', 'w06']) {
      expect(
        found(rec(id), 'C01').filter((s) => !s.startsWith('家族史')),
        id,
      ).toEqual([]);
      expect(found(rec(id), 'C07'), id).toEqual([]);
      expect(found(rec(id), 'C09'), id).toEqual([]);
    }
    expect(found(rec('w05'), 'C04')).toEqual([]);
  });

  it('a section removed is still found', () => {
    const w05 = edit('w05', 'w05-adm', (t) => t.replace(/06 月经史\n[^\n]*\n/, ''));
    expect(found(w05, 'C01')).toContain('入院记录缺月经史（女性患者）');
    const w06 = edit('w06', 'w06-first', (t) => t.replace(/『诊疗计划』[^\n]*\n/, ''));
    expect(found(w06, 'C07')).toContain('首次病程记录缺少“诊疗计划”');
  });

  it('an admission time dropped from 入院/记录时间 is still found', () => {
    const w05 = edit('w05', 'w05-adm', (t) => t.replace('入院/记录时间：2026-11-13 15:00 / ', '记录时间：'));
    expect(found(w05, 'C01')).toContain('入院记录缺少“入院时间”');
  });
});
