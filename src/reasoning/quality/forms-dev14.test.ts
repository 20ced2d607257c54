import { describe, expect, it } from 'vitest';
import { changed, found } from '../../../bench/qc-lib/dev-records.js';

/**
 * The fourteenth round (issue 16, 2026-12-07), from the QC developer's own records q01–q06 (forms the dev set had
 * least): a bilingual admission note that writes the English name before the Chinese heading, vital signs written
 * as a table (a row of names above a row of values), and a progress-note gap that opens with the note lifting a
 * 病重. Each on dev record d03 (community-acquired pneumonia) edited with this file's own phrasings, with the
 * defect the reading must still find.
 */
type Doc = { id: string; type: string; text: string; recordedAt?: string; completedAt?: string };
type Editable = { documents: Doc[]; acuity: { from: string; to?: string; level: string }[] };

const admission = (fn: (text: string) => string) =>
  changed<Editable>('d03', (e) => {
    const d = e.documents.find((x) => x.id === 'd03-adm')!;
    d.text = fn(d.text);
  });

describe('forms-dev14: headings with an English name written before them', () => {
  const glossed = (t: string) =>
    t
      .replace('主诉：', 'Chief complaint 主诉：')
      .replace('现病史：', 'HPI/现病史：')
      .replace('既往史：', 'Past history 既往史：')
      .replace('家族史：', 'Family history　家族史：')
      .replace('体格检查：', 'Physical examination 体格检查：');

  it('reads each section under its glossed heading', () => {
    expect(found(admission(glossed), 'C01')).toEqual([]);
    expect(found(admission(glossed), 'C02')).toEqual([]);
  });

  it('still finds a section that is missing', () => {
    const dropped = admission((t) => glossed(t).replace(/Family history　家族史：[^\n]*\n/, ''));
    expect(found(dropped, 'C01')).toContain('入院记录缺少“家族史”');
  });
});

describe('forms-dev14: C05 reads vital signs written as a table', () => {
  const table = (head: string, values: string) =>
    admission((t) =>
      t.replace(
        /体格检查：体温39\.0℃，脉搏108次\/分，呼吸26次\/分，血压132\/78mmHg，/,
        `体格检查：\n${head}\n| --- | --- | --- | --- |\n${values}\n`,
      ),
    );

  it('pairs each name with the value under it', () => {
    const enc = table('| 体温 | 脉搏 | 呼吸 | 血压 |', '| 39.0℃ | 108次/分 | 26次/分 | 132/78mmHg |');
    expect(found(enc, 'C05')).toEqual([]);
  });

  it('still finds a sign whose column is missing or holds no measurement', () => {
    const noBp = table('| 体温 | 脉搏 | 呼吸 | 身高 |', '| 39.0℃ | 108次/分 | 26次/分 | 170cm |');
    expect(found(noBp, 'C05')).toEqual(['体格检查缺血压 BP（含数值及单位）']);
    const words = table('| 体温 | 脉搏 | 呼吸 | 血压 |', '| 见护理记录 | 见护理记录 | 见护理记录 | 见护理记录 |');
    expect(found(words, 'C05')).toHaveLength(4);
  });
});

describe('forms-dev14: T06 reads the acuity over a gap to the minute', () => {
  // d03's senior round (11-03 09:00) lifts a 病重; its next note is moved to 11-06 09:00, three days on.
  const gap = (seriousUntil: string) =>
    changed<Editable>('d03', (e) => {
      const p2 = e.documents.find((x) => x.id === 'd03-p2')!;
      p2.recordedAt = '2026-11-06T09:00:00+08:00';
      p2.completedAt = '2026-11-06T09:20:00+08:00';
      e.acuity = [
        { from: '2026-11-02T16:05:00+08:00', to: seriousUntil, level: 'serious' },
        { from: seriousUntil, to: '2026-11-10T10:00:00+08:00', level: 'stable' },
      ];
    });

  it('gives a gap opened by the note that lifts the 病重 the stable limit of 3 days', () => {
    expect(found(gap('2026-11-03T09:00:00+08:00'), 'T06')).toEqual([]);
  });

  it('still holds a gap to 2 days while the 病重 lasts into it', () => {
    expect(found(gap('2026-11-04T12:00:00+08:00'), 'T06')).toEqual([
      '2026-11-03至2026-11-06间隔3天无病程记录（限2天）',
    ]);
  });
});

describe('forms-dev14: C01 does not take a count of stays for the admission time', () => {
  const head = (line: string) => admission((t) => t.replace(/入院日期：2026-11-02 16:05[^\n]*/, line));
  const missing = '入院记录缺少“入院时间”';

  it('finds the admission time missing where 第2次入院 follows the date of another field', () => {
    expect(found(head('病史采集时间：2026-11-02 17:00　供史者：患者本人，可靠　第2次入院'), 'C01')).toContain(missing);
  });

  it('still reads an admission told in a sentence with its date', () => {
    const told = head('病史采集时间：2026-11-02 17:00　供史者：患者本人，可靠。2026-11-02 16:05由急诊收入我科');
    expect(found(told, 'C01')).not.toContain(missing);
  });
});
