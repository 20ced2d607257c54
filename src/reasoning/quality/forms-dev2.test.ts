import { describe, expect, it } from 'vitest';
import { ENDO_T2DM } from './__fixtures__/forms-dev2/endo-t2dm.js';
import { GYN_MYOMA } from './__fixtures__/forms-dev2/gyn-myoma.js';
import { NEURO_STROKE } from './__fixtures__/forms-dev2/neuro-stroke.js';
import { ORTHO_HIP } from './__fixtures__/forms-dev2/ortho-hip.js';
import { evaluateQc } from './engine.js';
import type { QcEncounter } from './model.js';
import { qualityRulesFromData } from './rulebook.js';

/**
 * Four clean stays written in other hospitals' forms (forms-dev2: 骨科, 内分泌科, 神经内科, 妇科), each
 * with the exact list of findings a 质控 officer accepts on it, and defective variants of them that
 * prove the rules made to read these forms still find the real defect. The bundled 国家临床版 2.0
 * code table is the one H04/H05 read (no hospital catalogue is given).
 */

type Mutable<T> = T extends readonly (infer U)[]
  ? Mutable<U>[]
  : T extends object
    ? { -readonly [K in keyof T]: Mutable<T[K]> }
    : T;
type Enc = Mutable<QcEncounter>;

const BOOK = qualityRulesFromData();
const NOW = '2026-09-01T12:00:00+08:00';
const findings = (enc: QcEncounter, config = {}): string[] =>
  evaluateQc(enc, BOOK, { now: NOW, config }).issues.map((i) => `${i.ruleId} ${i.conclusion.statement.zh}`);

const RECORDS: Record<string, { readonly enc: QcEncounter; readonly expected: readonly string[] }> = {
  // Nothing to find: 月经婚育史, 既往病史, 查体, 专科查体, 实验室及辅助检查, 病史来源 are this template's names
  // for the BW2010 第十八条 items; "陈主任查房" names the chief with his title; the implant is named with its
  // barcode in 手术经过及术中所见, which also holds the findings; the X-ray is discussed in the 首次病程记录;
  // 左股骨颈骨折（Garden Ⅳ型） in the 出院记录 is the sheet's 左股骨颈骨折 with its qualifier.
  ortho: { enc: ORTHO_HIP, expected: [] },
  // Nothing to find: spaced labels, 婚否, 供史人, 病史采集时间; "主  诉  …" and "体格检查  T …" headings
  // followed by spaces; the nursing record's "药物过敏：无" agrees with the front sheet; insulin's indication
  // (血糖) is in the 首次病程记录's plan; 2型糖尿病 is supported by the glucose results written in the record.
  endo: { enc: ENDO_T2DM, expected: [] },
  // The 既往史 lists diseases but never states the patient's general health before this illness (平素健康状况,
  // BW2010 第十八条(四)): a true S3 finding. Nothing else: the colon-less table header, 病史陈述者 the son, the
  // antiplatelet drugs' indication (脑梗死) and the 危急值 handled within the hour.
  neuro: { enc: NEURO_STROKE, expected: ['C02 既往史未记录一般健康状况'] },
  // Nothing to find: （一）-numbered headings, 过去史 and 婚姻史, the op note's BW2010 heading
  // "手术经过、术中出现的情况及处理" (holds both required parts), "根据症状、妇检及B超，…诊断明确" as the 诊断依据,
  // 缺铁性贫血 supported by "Hb 98g/L" in the record, D25.100 子宫壁内平滑肌瘤 written 子宫平滑肌瘤（肌壁间）.
  gyn: { enc: GYN_MYOMA, expected: [] },
};

describe('clean records in other hospitals’ forms: the findings a 质控 officer accepts', () => {
  for (const [name, { enc, expected }] of Object.entries(RECORDS))
    it(name, () => {
      expect(findings(enc)).toEqual(expected);
    });
});

/** A copy of the record with one defect put in. */
function variant(enc: QcEncounter, change: (e: Enc) => void): QcEncounter {
  const e = structuredClone(enc) as unknown as Enc;
  change(e);
  return e as QcEncounter;
}
const docOf = (e: Enc, id: string) => e.documents.find((d) => d.id === id)!;
const edit = (e: Enc, id: string, from: string | RegExp, to = '') => {
  const d = docOf(e, id);
  const next = d.text.replace(from, to);
  if (next === d.text) throw new Error(`${id}: ${String(from)} not found`);
  d.text = next;
};
/** What the defect adds to the clean record's findings. */
const added = (clean: QcEncounter, broken: QcEncounter, config = {}): string[] => {
  const before = findings(clean, config);
  return findings(broken, config).filter((f) => {
    const i = before.indexOf(f);
    if (i < 0) return true;
    before.splice(i, 1);
    return false;
  });
};

describe('the same records with a real defect: each rule still finds it', () => {
  it('C01: a header field or a composite section removed', () => {
    const noMarital = variant(ENDO_T2DM, (e) => edit(e, 'e-an', '婚    否：已婚'));
    expect(added(ENDO_T2DM, noMarital)).toEqual(['C01 入院记录缺少“婚姻状况”']);
    const noObstetric = variant(ORTHO_HIP, (e) => edit(e, 'o-an', /【月经婚育史】[^\n]*\n/));
    // The 月经史 went with it: C04's items are true findings too.
    expect(added(ORTHO_HIP, noObstetric)).toEqual([
      'C01 入院记录缺少“婚育史”',
      'C01 入院记录缺月经史（女性患者）',
      'C04 月经史缺初潮年龄',
      'C04 月经史缺行经期天数',
      'C04 月经史缺间隔天数',
      'C04 月经史缺末次月经时间或闭经年龄',
    ]);
    const noParents = variant(NEURO_STROKE, (e) => edit(e, 'n-an', '父亲有“脑梗死”病史，母亲体健，'));
    expect(added(NEURO_STROKE, noParents)).toEqual(['C01 家族史未记录父母健康状况']);
  });

  it('C03: the HPI without the general condition', () => {
    const broken = variant(ENDO_T2DM, (e) =>
      edit(e, 'e-an', '病来精神、睡眠可，食欲正常，大小便正常，近1个月体重无明显变化。'),
    );
    expect(added(ENDO_T2DM, broken)).toEqual(['C03 现病史缺一般情况']);
  });

  it('C07: the 拟诊讨论 without its 诊断依据', () => {
    const broken = variant(GYN_MYOMA, (e) => edit(e, 'g-fp', '根据症状、妇检及B超，子宫平滑肌瘤诊断明确；'));
    expect(added(GYN_MYOMA, broken)).toEqual(['C07 拟诊讨论缺诊断依据']);
  });

  it('C08: the senior round that names no physician', () => {
    const broken = variant(ORTHO_HIP, (e) => {
      edit(e, 'o-wr', /陈主任/g, '上级医师');
      edit(e, 'o-wr', '　审签：陈志刚');
    });
    expect(added(ORTHO_HIP, broken)).toEqual(['C08 主治医师首次查房缺查房医师姓名及职称']);
  });

  it('C12: the op note without its anaesthesia, or without 手术经过 and findings', () => {
    const noAnaesthesia = variant(ORTHO_HIP, (e) => edit(e, 'o-op', '麻醉：腰硬联合麻醉　　'));
    expect(added(ORTHO_HIP, noAnaesthesia)).toEqual(['C12 手术记录缺少“麻醉方法”']);
    const noCourse = variant(GYN_MYOMA, (e) => edit(e, 'g-op', /手术经过、术中出现的情况及处理：\n[^\n]*\n/));
    // The specimen sent was written in that section: C21's finding is true too.
    expect(added(GYN_MYOMA, noCourse)).toEqual([
      'C12 手术记录缺少“手术经过”',
      'C12 手术记录缺少“术中情况”',
      'C21 手术记录未记录病理取材送检',
    ]);
  });

  it('C22: an implant without its barcode, or not described in any note', () => {
    const noBarcode = variant(ORTHO_HIP, (e) => {
      e.surgeries[0]!.implants = [{ type: '人工股骨头假体', count: 1 }];
      edit(e, 'o-op', '（双动头44mm，条码：6901234567890）');
    });
    expect(added(ORTHO_HIP, noBarcode)).toEqual(['C22 植入物人工股骨头假体无条形码记录']);
    const notNoted = variant(ORTHO_HIP, (e) => edit(e, 'o-op', /扩髓后植入[^。]*。/));
    expect(added(ORTHO_HIP, notNoted)).toEqual(['C22 手术/病程记录未记载植入物人工股骨头假体']);
  });

  it('K01: a diagnosis of the other sex, by code range or by the organ it names', () => {
    const byCode = variant(NEURO_STROKE, (e) =>
      e.homepage!.otherDiagnoses.push({ name: '子宫平滑肌瘤', code: 'D25.900', admissionCondition: '4' }),
    );
    expect(added(NEURO_STROKE, byCode)).toContain('K01 子宫平滑肌瘤（D25.900）与患者性别不符，请确认或填写理由');
    const byName = variant(NEURO_STROKE, (e) => e.homepage!.otherDiagnoses.push({ name: '卵巢囊肿' }));
    expect(added(NEURO_STROKE, byName).filter((f) => f.startsWith('K01'))).toEqual([
      'K01 卵巢囊肿与患者性别不符，请确认或填写理由',
    ]);
  });

  it('K03: the sheet names another disease than the 出院记录 (qualifiers aside)', () => {
    const broken = variant(ORTHO_HIP, (e) => {
      e.homepage!.mainDiagnosis = { name: '股骨转子间骨折', code: 'S72.100', admissionCondition: '1' };
    });
    expect(added(ORTHO_HIP, broken).filter((f) => f.startsWith('K03'))).toHaveLength(2);
  });

  it('K11: an antibiotic with no infection written anywhere', () => {
    const broken = variant(ENDO_T2DM, (e) =>
      e.orders.push({
        id: 'e-o9',
        text: '注射用头孢呋辛钠 1.5g 静脉滴注 每日2次',
        kind: 'long',
        orderedAt: '2026-05-12T10:00:00+08:00',
        signedBy: 'e-r1',
        status: 'stopped',
        stopAt: '2026-05-14T10:00:00+08:00',
        category: 'antibiotic',
        antibioticTier: 'unrestricted',
        firstDoseAt: '2026-05-12T11:00:00+08:00',
      }),
    );
    expect(added(ENDO_T2DM, broken)).toEqual([
      'K11 医嘱“注射用头孢呋辛钠 1.5g 静脉滴注 每日2次”无病程记录说明用药指征',
    ]);
  });

  it('K12: a diagnosis nothing in the chart supports', () => {
    const broken = variant(GYN_MYOMA, (e) =>
      e.homepage!.otherDiagnoses.push({ name: '2型糖尿病', code: 'E11.900', admissionCondition: '1' }),
    );
    expect(added(GYN_MYOMA, broken).filter((f) => f.startsWith('K12'))).toEqual([
      'K12 2型糖尿病：病历中无诊断依据（血糖结果或降糖药医嘱）',
    ]);
  });

  it('K15: the front sheet says allergy where the notes deny it', () => {
    const broken = variant(ENDO_T2DM, (e) => (e.homepage!.drugAllergy = { has: true, drugs: ['青霉素'] }));
    expect(added(ENDO_T2DM, broken).filter((f) => f.startsWith('K15'))).toEqual([
      'K15 过敏史不一致：首页有，入院记录无，护理过敏记录无',
    ]);
  });

  it('K16: the HPI pasted into the 首次病程记录, or a 病程记录 copied under a new date', () => {
    const pasted = variant(GYN_MYOMA, (e) => {
      const hpi = /（二）现病史：([^\n]*)/.exec(docOf(e, 'g-an').text)![1]!;
      edit(e, 'g-fp', /病例特点：[^\n]*/, `病例特点：${hpi}`);
    });
    expect(added(GYN_MYOMA, pasted)).toEqual(['K16 首次病程病例特点与入院记录现病史雷同']);
    const copied = variant(ORTHO_HIP, (e) => {
      const body = docOf(e, 'o-p1').text.split('\n').slice(1).join('\n');
      docOf(e, 'o-p2').text = `2026-04-07 09:00　日常病程记录\n${body}`;
    });
    expect(added(ORTHO_HIP, copied)).toEqual(['K16 同一住院期间两份病程记录雷同']);
  });

  it('H04: a code with the shape of ICD-10 that the edition does not have', () => {
    const broken = variant(ORTHO_HIP, (e) => (e.homepage!.mainDiagnosis!.code = 'K99.9'));
    expect(added(ORTHO_HIP, broken).filter((f) => f.startsWith('H04'))).toEqual([
      'H04 诊断编码K99.9（左股骨颈骨折）无效：不在疾病分类与代码国家临床版2.0中',
    ]);
  });

  it('H05: a valid code of another disease', () => {
    const broken = variant(ENDO_T2DM, (e) => (e.homepage!.otherDiagnoses[0]!.code = 'J45.900'));
    expect(added(ENDO_T2DM, broken).filter((f) => f.startsWith('H05'))).toHaveLength(1);
    const main = variant(GYN_MYOMA, (e) => (e.homepage!.mainDiagnosis!.code = 'K35.900'));
    expect(added(GYN_MYOMA, main).filter((f) => f.startsWith('H05'))).toHaveLength(1);
    // K35.8 is a WHO ICD-10 subcode that 国家临床版 2.0 lacks (H04's advisory, S4, sorted last), and K35 is
    // appendicitis, not a fibroid (H05): both true.
    const both = variant(GYN_MYOMA, (e) => (e.homepage!.mainDiagnosis!.code = 'K35.8'));
    expect(added(GYN_MYOMA, both).map((f) => f.slice(0, 3))).toEqual(['H05', 'H04']);
  });
});
