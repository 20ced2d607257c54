import { describe, expect, it } from 'vitest';
import { changed, found } from '../../../bench/qc-lib/dev-records.js';
import type { QcEncounter } from './model.js';

/**
 * The thirteenth round (issue 16, 2026-12-07), from o01–o06 read as dev: an operation consented on its own 特殊治疗
 * form, a checkpoint named after the room it is done in, an operation known by its bracketed abbreviation, a study
 * named without its modality, "术后诊断：同术前", the 主诉 counted in characters, a 现病史 that opens before the
 * present illness, and a non-neoplastic pathology coded by its disease code. Each on a dev record (d02 laparoscopic
 * cholecystectomy, d03 pneumonia) edited with this file's own phrasings, with the defect the reading must still find.
 */
type Doc = { id: string; type: string; text: string; relatedId?: string };
type Editable = {
  documents: Doc[];
  orders: Record<string, unknown>[];
  results: Record<string, unknown>[];
  homepage: { pathology?: { name?: string; code?: string; number?: string } };
};

const edit = (id: string, docId: string, fn: (text: string) => string, more?: (e: Editable) => void) =>
  changed<Editable>(id, (e) => {
    const d = e.documents.find((x) => x.id === docId)!;
    d.text = fn(d.text);
    more?.(e);
  });

/** d02 with its 手术知情同意书 filed as the 特殊检查/治疗 form `text`, linked to the operation or not. */
const specialConsent = (text: string, linked: boolean): QcEncounter =>
  changed<Editable>('d02', (e) => {
    const d = e.documents.find((x) => x.id === 'd02-cons-op')!;
    d.type = 'consent-special';
    d.text = text;
    if (!linked) delete d.relatedId;
  });

const noConsent = '手术知情同意书缺失';

describe('forms-dev13: C15, K08 read an operation consented on its own 特殊治疗 form', () => {
  const form = [
    '腹腔镜胆囊切除术（LC）及术中胆道探查知情同意书',
    '拟施手术：腹腔镜胆囊切除术，必要时中转开腹',
    '风险：出血、胆漏、胆管损伤、中转开腹等。患者签名：赵秀英　医师签名：邓国华',
  ].join('\n');

  it('takes the form linked to the operation, or unlinked but naming it, for its consent', () => {
    expect(found(specialConsent(form, true), 'C15')).not.toContain(noConsent);
    expect(found(specialConsent(form, false), 'C15')).not.toContain(noConsent);
    expect(found(specialConsent(form, true), 'K08')).toEqual([]);
  });

  it('still finds the operation unconsented when the only form is for another procedure', () => {
    const other = '增强CT检查知情同意书\n拟行检查：上腹部增强CT\n风险：造影剂过敏、肾功能损害。患者签名：赵秀英';
    expect(found(specialConsent(other, false), 'C15')).toContain(noConsent);
  });
});

describe('forms-dev13: C14 reads the last checkpoint named after the room the operation is done in', () => {
  const leaving = (line: string) => edit('d02', 'd02-check', (t) => t.replace(/患者离开手术室前：[^\n]*/, line));

  it('takes 离开内镜中心前 / 离开ERCP室前 / 出介入手术室前 for the check before the patient leaves', () => {
    for (const line of [
      '患者离开内镜中心前：实际操作方式、标本、去向　已核查 10:12',
      '离开ERCP室前（10:12）：取石2枚，生命体征平稳，核对无误',
      '出介入手术室前：穿刺点加压包扎，足背动脉搏动好　已核查',
    ])
      expect(found(leaving(line), 'C14')).toEqual([]);
  });

  it('still finds the checkpoint missing when no line names the patient leaving', () => {
    expect(found(leaving('术后：实际手术方式、清点用物　已核查 10:12'), 'C14')).toEqual([
      '核查表缺“患者离开手术室前”核查',
    ]);
  });
});

describe('forms-dev13: K08 reads a bracketed Latin abbreviation as another name of the operation', () => {
  const named = (opNote: string, plan: string) =>
    edit(
      'd02',
      'd02-op',
      (t) => t.replace('| 手术名称 | 腹腔镜胆囊切除术 |', `| 手术名称 | ${opNote} |`),
      (e) => {
        const d = e.documents.find((x) => x.id === 'd02-disc')!;
        d.text = d.text.replace('拟施手术:腹腔镜胆囊切除术', `拟施手术:${plan}`);
      },
    );

  it('takes the op note’s "LC+胆道探查" for the plan’s "腹腔镜胆囊切除术（LC）+胆总管探查术"', () => {
    expect(found(named('LC+胆总管探查术', '腹腔镜胆囊切除术（LC）+胆总管探查术'), 'K08')).toEqual([]);
  });

  it('still finds an abbreviation that names another operation', () => {
    expect(found(named('ERCP+胆总管取石术', '腹腔镜胆囊切除术（LC）'), 'K08')).toHaveLength(1);
  });
});

describe('forms-dev13: C21 reads a study the note names without its modality word', () => {
  /** d02 with a plain film ordered and reported on the morning of its last round, the round's text given. */
  const film = (reportName: string, note: string) =>
    edit(
      'd02',
      'd02-p2',
      (t) => t.replace('分析：术后恢复顺利', `${note}分析：术后恢复顺利`),
      (e) => {
        e.orders.push({
          id: 'd02-xr',
          text: '腹部立位X线片',
          kind: 'temporary',
          orderedAt: '2026-10-14T06:30:00+08:00',
          signedBy: 'd02-res',
          status: 'completed',
          category: 'imaging',
          items: 1,
        });
        e.results.push({
          id: 'd02-xr-r',
          kind: 'imaging',
          name: reportName,
          orderId: 'd02-xr',
          reportedAt: '2026-10-14T07:30:00+08:00',
          receivedAt: '2026-10-14T07:30:00+08:00',
          filedAt: '2026-10-14T07:40:00+08:00',
          value: '膈下未见游离气体，肠管未见扩张及液气平',
        });
      },
    );

  // d02's own C21 finding (its pathology report analysed in no note) stands: only the film's are read here.
  const ofFilm = (f: string[]) => f.filter((x) => x.includes('立位'));

  it('takes "腹部立位片" for the report "腹部立位X线片" and for a report named "腹部立位DR"', () => {
    expect(ofFilm(found(film('腹部立位X线片', '腹部立位片：膈下未见游离气体。'), 'C21'))).toEqual([]);
    expect(ofFilm(found(film('腹部立位DR', '今晨腹部立位片未见膈下游离气体。'), 'C21'))).toEqual([]);
  });

  it('still finds a report no later note names', () => {
    expect(ofFilm(found(film('腹部立位X线片', ''), 'C21'))).toEqual(['病程记录未分析腹部立位X线片报告']);
  });
});

describe('forms-dev13: K09 reads "术后诊断：同术前" as the pre-operative diagnosis', () => {
  const post = (value: string, pre = '胆囊结石伴慢性胆囊炎') =>
    edit('d02', 'd02-op', (t) =>
      t.replace(
        '| 术前诊断 | 胆囊结石伴慢性胆囊炎 | 术后诊断 | 胆囊结石伴慢性胆囊炎 |',
        `| 术前诊断 | ${pre} | 术后诊断 | ${value} |`,
      ),
    );

  it('compares the 术前诊断 with the discharge diagnoses when the 术后诊断 says 同术前', () => {
    for (const value of ['同术前', '同术前诊断', '与术前诊断相同', '同前'])
      expect(found(post(value), 'K09')).toEqual([]);
  });

  it('still finds a 术前诊断 so named that the discharge diagnoses do not give', () => {
    expect(found(post('同术前', '胆囊息肉样病变'), 'K09')).toEqual(['术后诊断“胆囊息肉样病变”未见于出院诊断，请确认']);
  });
});

describe('forms-dev13: K17 counts the 主诉 in characters as a 质控 officer does', () => {
  const complaint = (cc: string) => edit('d02', 'd02-adm', (t) => t.replace(/主诉[：:][^\n]*/, `主诉：${cc}`));
  const tooLong = '主诉超过20字';

  it('does not count the digits of its times (18 characters, 21 with the digits)', () => {
    expect(found(complaint('反复右上腹痛12年，加重伴恶心、呕吐、寒战高热3天。'), 'K17')).not.toContain(tooLong);
  });

  it('still finds a 主诉 of more than 20 Chinese characters', () => {
    expect(found(complaint('反复右上腹隐痛不适伴餐后腹胀、嗳气及厌油腻食物2年，加重3天。'), 'K17')).toContain(tooLong);
  });
});

describe('forms-dev13: K17 reads a 现病史 that opens before the present illness', () => {
  const hpi = (cc: string, opening: string) =>
    edit('d03', 'd03-adm', (t) =>
      t
        .replace(/主诉[：:][^\n]*/, `主诉：${cc}`)
        .replace('现病史：患者5天前受凉后出现咳嗽', `现病史：患者${opening}5天前受凉后出现咳嗽`),
    );
  const visit = '2周前（2026-09-26）因“急性上呼吸道感染”于社区门诊就诊，口服“感冒灵颗粒”后缓解。';
  const cc = '咳嗽、咳黄痰伴发热5天，气促1天。';

  it('takes the 主诉 time from the first onset told after an earlier visit for another complaint', () => {
    expect(found(hpi(cc, visit), 'K17')).toEqual([]);
  });

  it('still finds a 主诉 time the present onset does not give', () => {
    expect(found(hpi('咳嗽、咳黄痰伴发热1月，气促1天。', visit), 'K17')).toHaveLength(1);
  });

  it('still reads an opening that is itself an onset, a bracketed date after its time, as the illness’s start', () => {
    const onset = '2周前（2026-09-26）无明显诱因出现咽痛、流涕，自服“感冒灵颗粒”。';
    expect(found(hpi(cc, onset), 'K17')).toEqual(['主诉时间（5天）与现病史（14天）不一致']);
  });
});

describe('forms-dev13: H07 takes the disease code of a non-neoplastic pathology diagnosis', () => {
  const pathology = (name: string, code?: string) =>
    changed<Editable>('d02', (e) => {
      e.homepage.pathology = { name, ...(code ? { code } : {}), number: 'P2610130456' };
    });

  it('accepts an ICD-10 disease code for a finding that is no tumour, and an M code for a tumour', () => {
    expect(found(pathology('慢性胆囊炎伴胆囊结石', 'K80.1'), 'H07')).toEqual([]);
    expect(found(pathology('胆囊腺癌（中分化）', 'M8140/3'), 'H07')).toEqual([]);
  });

  it('still asks a tumour for its M code, and any pathology for a code', () => {
    expect(found(pathology('胆囊腺癌（中分化）', 'C23'), 'H07')).toEqual(['送检病理但首页缺病理编码(M)']);
    expect(found(pathology('胆囊管状腺瘤', 'D13.5'), 'H07')).toEqual(['送检病理但首页缺病理编码(M)']);
    expect(found(pathology('慢性胆囊炎伴胆囊结石'), 'H07')).toEqual(['送检病理但首页缺病理诊断编码']);
  });
});
