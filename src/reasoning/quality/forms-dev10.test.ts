import { describe, expect, it } from 'vitest';
import { changed, DEV_RECORDS as RECORDS, found } from '../../../bench/qc-lib/dev-records.js';
import type { QcEncounter } from './model.js';
import { diagnosisItems } from './text.js';

/**
 * The tenth round (issue 16, 2026-12-07): the reading faults m01–m06 showed at first sight, each fixed in general
 * terms and tested here with an edit that shows the defect the fix must still find: a consent signed by a
 * 监护人/授权委托人 (signature roles guardian, relative), op and post-op notes the source leaves unlinked, checklist
 * signers named after their label, a 术前讨论's signers as its participants, a 危急值 handled in a 病程记录 that
 * writes its value without the space, 精神检查 as the 专科情况, header values in brackets (`姓名[…]`), `患儿姓名`,
 * a 现病史 whose care before admission is an emergency CT or whose course is the earlier treatment's, a 主诉 time in
 * hours and minutes, a 现病史 that opens with a date, diagnoses numbered without spaces, the tumour under
 * chemotherapy ahead of the other diagnoses, course words in ICD names, and a joined 诊断依据及鉴别诊断 heading.
 */
type Editable = {
  documents: { type: string; text: string; signatures: { id: string; role?: string }[] }[];
  homepage?: {
    mainDiagnosis?: { name: string; code?: string };
    otherDiagnoses: { name: string; code?: string; kind?: string }[];
  };
};

const change = (id: string, f: (e: Editable) => void): QcEncounter => changed<Editable>(id, f);

function docOf(e: Editable, id: string, type: string): Editable['documents'][number] {
  const d = e.documents.find((x) => x.type === type);
  if (!d) throw new Error(`${id}: no ${type}`);
  return d;
}

/** Edits the text of the first document of `type`: a [pattern, replacement] pair at a time. */
function editText(e: Editable, id: string, type: string, ...pairs: [RegExp, string][]): void {
  const d = docOf(e, id, type);
  for (const [from, to] of pairs) {
    if (!from.test(d.text)) throw new Error(`${id}: ${from} not found`);
    d.text = d.text.replace(from, to);
  }
}

const edit = (id: string, type: string, ...pairs: [RegExp, string][]): QcEncounter =>
  change(id, (e) => editText(e, id, type, ...pairs));

const rec = (id: string): QcEncounter => RECORDS.get(id)!;

describe('forms-dev10: the forms of m01–m06 read as written, their defects still found', () => {
  it('takes a guardian’s or an authorised relative’s signature with the reason stated (BW2010 第十条)', () => {
    expect(found(rec('m01'), 'C15')).toEqual([]);
    expect(found(rec('m02'), 'C15')).toEqual([]);
    expect(found(rec('m06'), 'C15')).toEqual([]);
    // The same guardian's signature with no reason and no 监护人 word on the form.
    const noReason = edit(
      'm06',
      'consent-surgery',
      [/患儿为无民事行为能力人，由其母亲作为法定监护人签署。\n/, ''],
      [/监护人签名/, '家属签名'],
    );
    expect(found(noReason, 'C15')).toEqual(['手术知情同意书非患者本人签署且无授权说明']);
  });

  it('reads op and post-op notes the source leaves unlinked as the operation’s', () => {
    expect(found(rec('m06'), 'T14')).toEqual([]);
    expect(found(rec('m06'), 'T13')).toEqual(['手术记录超时4.3小时（时限24小时）']);
    // An unlinked post-op note written before the operation began is not its note.
    const early = change('m06', (e) => {
      const d = docOf(e, 'm06', 'postop-first-note') as unknown as { recordedAt: string; completedAt: string };
      d.recordedAt = '2026-11-11T07:30:00+08:00';
      d.completedAt = '2026-11-11T07:40:00+08:00';
    });
    expect(found(early, 'T14')).toEqual(['缺术后首次病程记录（应在2小时内完成）']);
  });

  it('takes the checklist’s signers by the label the form writes before their names', () => {
    expect(found(rec('m06'), 'C14')).toEqual([]);
    // The nurse named on the form but not among the signatures has not signed.
    const unsigned = change('m06', (e) => {
      const d = docOf(e, 'm06', 'surgical-safety-checklist');
      d.signatures = d.signatures.filter((s) => s.role !== 'nurse');
    });
    expect(found(unsigned, 'C14')).toEqual(['核查表缺巡回护士签名']);
  });

  it('reads those who signed the 术前讨论 as its participants when the source lists none', () => {
    expect(found(rec('m06'), 'C13')).toEqual(['右眼外直肌后徙联合内直肌缩短术术前无术前小结']);
    const noSurgeon = change('m06', (e) => {
      const d = docOf(e, 'm06', 'preop-discussion');
      d.signatures = d.signatures.filter((s) => s.id !== 'd-m06-yang');
    });
    expect(found(noSurgeon, 'C13')).toContain('术前讨论参加人员中无术者');
  });

  it('finds the 危急值 handled in a 病程记录 that writes the value without the log’s space', () => {
    expect(found(rec('m02'), 'C23')).toEqual([]);
    // The same note without the value: no note handles it.
    const vague = change('m02', (e) => {
      const d = e.documents.find((x) => x.text.includes('通知血钾2.8mmol/L'))!;
      d.text = d.text.replace('通知血钾2.8mmol/L', '通知化验结果');
    });
    expect(found(vague, 'C23')).toEqual(['危急值血钾 2.8mmol/L：6小时内无病程记录分析处理']);
  });

  it('reads a psychiatric 精神检查 as the 专科情况', () => {
    expect(found(rec('m01'), 'C01')).toEqual([]);
    const plain = edit('m01', 'admission-note', [/【精神检查（专科情况）】/, '【精神状况检查】']);
    expect(found(plain, 'C01')).toEqual([]);
    const none = edit('m01', 'admission-note', [/【精神检查（专科情况）】[^\n]*\n/, '']);
    expect(found(none, 'C01')).toEqual(['入院记录缺少“专科情况”']);
  });

  it('reads header values in brackets (`姓名[…]`) and a child’s `患儿姓名`', () => {
    expect(found(rec('m03'), 'C01')).toEqual([]);
    const noJob = edit('m03', 'admission-note', [/　职业\[[^\]]*\]/, '']);
    expect(found(noJob, 'C01')).toEqual(['入院记录缺少“职业”']);
    expect(found(rec('m04'), 'C01')).toEqual([]);
    const noName = edit('m04', 'admission-note', [/患儿姓名：张浩宇　/, '']);
    expect(found(noName, 'C01')).toEqual(['入院记录缺少“姓名”']);
  });

  it('reads care before admission as an emergency CT, and a readmission’s course as the treatment’s', () => {
    expect(found(rec('m02'), 'C03')).toEqual([]);
    expect(found(rec('m03'), 'C03')).toEqual([]);
    const noCare = edit('m02', 'admission-note', [/08:55由120送至我院急诊[^。]*。/, '']);
    expect(found(noCare, 'C03')).toEqual(['现病史缺诊治经过及结果']);
  });

  it('reads a 主诉 time in hours and minutes', () => {
    expect(found(rec('m02'), 'K17')).toEqual([]);
    const none = edit('m02', 'admission-note', [/言语不清1小时40分钟/, '言语不清']);
    expect(found(none, 'K17')).toEqual(['主诉未写明持续时间']);
  });

  it('reads the onset a 现病史 gives as a date against the 主诉’s first time', () => {
    expect(found(rec('m01'), 'K17')).toEqual([]);
    // The later time changed to months: the 现病史 tells 近2周, and 近4月 is the opening time again.
    const later = edit('m01', 'admission-note', [/消极观念2周/, '消极观念2个月']);
    expect(found(later, 'K17')).toEqual(['主诉时间（60天）与现病史（14天）不一致']);
    // The first time changed: the date (mid-June, 126 days before admission) does not tell 4 years.
    const first = edit('m01', 'admission-note', [/兴趣减退4月/, '兴趣减退4年']);
    expect(found(first, 'K17')).toHaveLength(1);
  });

  it('splits diagnoses numbered without spaces after a bracket or a character', () => {
    expect(diagnosisItems('1.急性脑梗死（左侧）2.高血压3级（很高危）3.2型糖尿病 4.低钾血症')).toEqual([
      '急性脑梗死（左侧）',
      '高血压3级（很高危）',
      '2型糖尿病',
      '低钾血症',
    ]);
    expect(diagnosisItems('1.肺炎2.高血压病3级')).toEqual(['肺炎', '高血压病3级']);
    expect(found(rec('m02'), 'K03')).toEqual(['诊断不一致（仅出院记录：2型糖尿病；仅首页：无）']);
  });

  it('lets the tumour under chemotherapy lead the other diagnoses (SY2016 第十三条)', () => {
    expect(found(rec('m03'), 'H11')).toEqual([]);
    // A comorbidity moved ahead of the complication is still out of order.
    const moved = change('m03', (e) => {
      const ds = e.homepage!.otherDiagnoses;
      ds.splice(1, 0, ds.pop()!);
    });
    expect(found(moved, 'H11')).toEqual(['合并症排在并发症之前']);
    // With the main code changed, the name still tells a chemotherapy admission.
    const coded = change('m03', (e) => {
      e.homepage!.mainDiagnosis!.code = 'K99.9';
    });
    expect(found(coded, 'H11')).toEqual([]);
  });

  it('matches a name to its code without course words or brackets', () => {
    for (const id of ['m01', 'm06']) {
      expect(found(rec(id), 'H05')).toEqual([]);
      const asthma = change(id, (e) => {
        e.homepage!.mainDiagnosis!.code = 'J45.9';
      });
      expect(found(asthma, 'H05')).toHaveLength(1);
    }
  });

  it('asks for a differential under a joined 诊断依据及鉴别诊断 heading', () => {
    expect(found(rec('d12'), 'C07')).toEqual([]);
    const cut = edit('d12', 'first-progress-note', [/需与以下疾病鉴别：[^\n]*/, '']);
    expect(found(cut, 'C07')).toEqual(['拟诊讨论缺鉴别诊断']);
  });
});
