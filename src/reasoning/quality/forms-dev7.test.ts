import { describe, expect, it } from 'vitest';
import { changed, DEV_RECORDS as RECORDS, found } from '../../../bench/qc-lib/dev-records.js';
import type { QcEncounter } from './model.js';

/**
 * The seventh round (issue 16, 2026-12-06): the independent evaluator's records h01–h05, scored once as the report
 * half, became dev records. Their 15 false findings on the clean records were reading faults, each fixed in
 * general terms: a cath lab's checklist (穿刺前, 离开导管室前), local anaesthesia given by the operator (no
 * anaesthesiologist signs the checklist, no 麻醉同意书: BW2010 第二十二条(十六), 第二十四条), an op note's
 * `患者：` label, operation names that join two operations or a plan's 必要时, a round's 诊疗意见, 一般项目 fields
 * labelled without a colon, an obstetric 现病史 (自觉, 转为), `科室检查：`, and "化疗2周期" (no duration).
 */
type Editable = {
  documents: { type: string; text: string }[];
  surgeries: { anesthesia?: string }[];
  homepage?: { procedures: { name: string }[] };
};

/** A record with the text of its first document of `type` changed: each [from, to] pair replaced once. */
function edit(id: string, type: string, ...pairs: [string, string][]): QcEncounter {
  return change(id, (e) => {
    const d = e.documents.find((x) => x.type === type)!;
    for (const [from, to] of pairs) {
      if (!d.text.includes(from)) throw new Error(`${id}: '${from}' not found`);
      d.text = d.text.replace(from, to);
    }
  });
}

const change = (id: string, f: (e: Editable) => void): QcEncounter => changed<Editable>(id, f);

const h = (id: string) => RECORDS.get(id)!;

describe('forms-dev7: the evaluator records h01–h05 read as their forms write them', () => {
  it('reads a cath lab checklist’s 穿刺前 and 离开导管室前 as its checkpoints', () => {
    expect(found(h('h01'), 'C14')).toEqual([]);
    const noPuncture = edit('h01', 'surgical-safety-checklist', ['穿刺前（21:50）', '（21:50）']);
    expect(found(noPuncture, 'C14')).toEqual(['核查表缺“手术开始前”核查']);
    const noLeaving = edit('h01', 'surgical-safety-checklist', ['患者离开导管室前', '术毕']);
    expect(found(noLeaving, 'C14')).toEqual(['核查表缺“患者离开手术室前”核查']);
  });

  it('owes no anaesthesiologist signature or 麻醉同意书 under local anaesthesia by the operator', () => {
    expect(found(h('h01'), 'C15')).toEqual([]);
    const general = change('h01', (e) => {
      e.surgeries[0]!.anesthesia = '全身麻醉';
    });
    expect(found(general, 'C14')).toEqual(['核查表缺麻醉医师签名']);
    expect(found(general, 'C15')).toEqual(['麻醉知情同意书缺失']);
    const mixed = change('h01', (e) => {
      e.surgeries[0]!.anesthesia = '局部麻醉+静脉麻醉';
    });
    expect(found(mixed, 'C15')).toEqual(['麻醉知情同意书缺失']);
  });

  it('reads the name after an op note’s 患者： label', () => {
    expect(found(h('h01'), 'C12')).toEqual([]);
    expect(found(edit('h01', 'op-note', ['患者：郑国强，男', '男']), 'C12')).toEqual(['手术记录缺少“姓名”']);
  });

  it('reads operation names that join operations (A+B) or plan one 必要时', () => {
    expect(found(h('h01'), 'K08')).toEqual([]);
    const other = change('h01', (e) => {
      e.homepage!.procedures[0]!.name = '冠状动脉旁路移植术';
    });
    expect(found(other, 'K08')).toHaveLength(1);
  });

  it('reads a round’s 诊疗意见 as its plan', () => {
    expect(found(h('h01'), 'C08')).toEqual([]);
    const round = RECORDS.get('h01')!.documents.find((d) => d.type === 'ward-round')!.text;
    const plan = round.slice(round.indexOf('诊疗意见'), round.indexOf('医师签名'));
    expect(found(edit('h01', 'ward-round', [plan, '']), 'C08')).toEqual(['主治医师首次查房缺诊疗计划']);
  });

  it('reads 一般项目 fields labelled without a colon in one sentence', () => {
    expect(found(h('h02'), 'C01')).toEqual([]);
    const fields = edit('h02', 'admission-note', ['职业小学教师，', ''], ['记录时间2026-10-19 11:00，', '']);
    expect(found(fields, 'C01')).toEqual(['入院记录缺少“职业”', '入院记录缺少“记录时间”']);
  });

  it('reads an obstetric 现病史’s course (自觉胎动, 未转为头位)', () => {
    expect(found(h('h02'), 'C03')).toEqual([]);
    const flat = edit(
      'h02',
      'admission-note',
      ['自觉胎动至今', '胎动至今'],
      ['未转为头位', '仍为臀位'],
      ['自觉胎动正常', ''],
    );
    expect(found(flat, 'C03')).toEqual(['现病史缺主要症状特点及演变']);
  });

  it('reads 科室检查 as the 专科情况', () => {
    expect(found(h('h04'), 'C01')).toEqual([]);
    expect(found(edit('h04', 'admission-note', ['科室检查：', '']), 'C01')).toEqual(['入院记录缺少“专科情况”']);
  });

  it('does not read "化疗2周期" as two weeks', () => {
    expect(found(h('h04'), 'K17')).toEqual([]);
    const weeks = edit('h04', 'admission-note', ['左颈部淋巴结肿大3个月', '左颈部淋巴结肿大2周']);
    expect(found(weeks, 'K17')).toEqual(['主诉时间（14天）与现病史（90天）不一致']);
  });
});
