import { describe, expect, it } from 'vitest';
import type { QcDocument, QcEncounter } from '../../src/reasoning/index.js';
import { INJECTIONS } from './injections.js';
import type { Draft } from './records.js';

/**
 * Injections that must put a defect that is really there (issue 16): a differential cut whole, a critical value
 * still in the loop log, no culture order where a culture report could be read as its report, and no consent
 * removed where no order needs it, and no 首页 allergy contradicting a record that states none.
 */
const injection = (id: string) => INJECTIONS.find((i) => i.id === id)!;

const doc = (type: QcDocument['type'], text: string, id = type): Draft<QcDocument> => ({
  id,
  type,
  text,
  signatures: [],
});

const record = (parts: Partial<Draft<QcEncounter>> = {}): Draft<QcEncounter> => ({
  id: 'x',
  patientId: 'p',
  patient: { sex: 'male' },
  admitAt: '2026-03-02T09:10:00+08:00',
  documents: [],
  orders: [],
  results: [],
  surgeries: [],
  rescues: [],
  consults: [],
  transfers: [],
  handovers: [],
  acuity: [],
  transfusions: [],
  criticalValues: [],
  ...parts,
});

/** The 首次病程记录 after `first-drop-differential`, or undefined when the injection does not apply. */
const withoutDifferential = (text: string): string | undefined => {
  const enc = record({ documents: [doc('first-progress-note', text)] });
  return injection('first-drop-differential').apply(enc) ? enc.documents[0]!.text : undefined;
};

describe('first-drop-differential', () => {
  const basis = '拟诊讨论：发热咳嗽，胸片右下肺斑片影，社区获得性肺炎诊断明确。';
  const plan = '诊疗计划：1.抗感染；2.化痰。';

  it('cuts a differential numbered on one line whole, items ended by ；or 。', () => {
    for (const dd of [
      '鉴别诊断：1.肺结核：无盗汗，痰找抗酸杆菌；2.肺癌：需复查CT；3.肺栓塞：查D-二聚体。',
      '鉴别诊断：1. 肺结核：无盗汗。2. 肺癌：需复查CT。3. 肺栓塞：查D-二聚体。',
      '鉴别诊断——①肺结核：无盗汗；②肺癌：需复查CT。',
    ])
      expect(withoutDifferential(`${basis}${dd}\n${plan}`)).toBe(`${basis}\n${plan}`);
  });

  it('cuts a differential written one item a line (1、 or （1）) with its heading line', () => {
    for (const items of ['1、肺结核：无盗汗；\n2、肺癌：需复查CT。', '（1）肺结核：无盗汗；\n（2）肺癌：需复查CT。'])
      expect(withoutDifferential(`${basis}\n鉴别诊断：\n${items}\n${plan}`)).toBe(`${basis}\n${plan}`);
  });

  it('keeps what follows the list on its line, and a sub-heading that only names the differential', () => {
    const text = `二、诊断依据及鉴别诊断\n${basis}需与以下疾病鉴别：1.肺结核：无盗汗；2.肺癌：需复查CT。${plan}`;
    expect(withoutDifferential(text)).toBe(`二、诊断依据及鉴别诊断\n${basis}${plan}`);
  });
});

describe('critical-value-not-received', () => {
  it('leaves the value in the loop log, with no receipt, read-back or notification', () => {
    const enc = record({
      criticalValues: [
        {
          id: 'cv1',
          name: '血钾',
          reportedAt: '2026-03-02T11:00:00+08:00',
          receivedAt: '2026-03-02T11:02:00+08:00',
          readBack: true,
          physicianNotifiedAt: '2026-03-02T11:05:00+08:00',
        },
      ],
    });
    expect(injection('critical-value-not-received').apply(enc)).toBeDefined();
    expect(enc.criticalValues[0]).toEqual({
      id: 'cv1',
      name: '血钾',
      reportedAt: '2026-03-02T11:00:00+08:00',
      logged: true,
    });
  });
});

describe('culture-without-report', () => {
  const culture = { id: 'r1', kind: 'culture' as const, name: '痰培养', reportedAt: '2026-03-04T10:00:00+08:00' };

  it('does not apply where a culture report is filed without its order (it would be read as the report)', () => {
    expect(injection('culture-without-report').apply(record({ results: [culture] }))).toBeUndefined();
  });

  it('adds the culture order where every culture report names its order', () => {
    const enc = record({ results: [{ ...culture, orderId: 'o1' }] });
    expect(injection('culture-without-report').apply(enc)).toBeDefined();
    expect(enc.orders.map((o) => o.category)).toEqual(['culture']);
  });
});

describe('consent-special-missing', () => {
  const consent = doc('consent-special', '胃镜检查知情同意书');
  const order = {
    id: 'o1',
    text: '无痛胃镜检查',
    kind: 'temporary' as const,
    status: 'completed' as const,
    category: 'special' as const,
  };

  it('does not apply without a 特殊检查/治疗 order (no order needs the form)', () => {
    const enc = record({ documents: [consent] });
    expect(injection('consent-special-missing').apply(enc)).toBeUndefined();
  });

  it('removes every form that stands for the special order', () => {
    const enc = record({ documents: [consent, { ...consent, id: 'c2' }], orders: [order] });
    expect(injection('consent-special-missing').apply(enc)).toBeDefined();
    expect(enc.documents).toEqual([]);
  });
});

describe('homepage-allergy-contradicts', () => {
  const homepage = { otherDiagnoses: [], procedures: [], signatures: [], drugAllergy: { has: false } };

  it('does not apply where no record states the allergy status (nothing to contradict)', () => {
    const enc = record({ documents: [doc('admission-note', '既往史：否认高血压病史。')], homepage });
    expect(injection('homepage-allergy-contradicts').apply(enc)).toBeUndefined();
  });

  it('writes an allergy on the 首页 where the 入院记录 denies one', () => {
    const enc = record({ documents: [doc('admission-note', '既往史：否认药物、食物过敏史。')], homepage });
    expect(injection('homepage-allergy-contradicts').apply(enc)).toBeDefined();
    expect(enc.homepage?.drugAllergy).toEqual({ has: true, drugs: ['头孢类'] });
  });
});

describe('first-drop-differential: a differential written as sentences', () => {
  it('cuts it to the end of its line, not to its first ；', () => {
    const text =
      '拟诊讨论：诊断明确。鉴别诊断：需警惕复发，按期复查CT；乏力需鉴别贫血与甲减，查血常规。\n诊疗计划：化疗。';
    expect(withoutDifferential(text)).toBe('拟诊讨论：诊断明确。\n诊疗计划：化疗。');
  });

  it('does not apply where the note still weighs one diagnosis against another after the cut', () => {
    const text = '拟诊讨论：胸痛需与主动脉夹层鉴别，查CTA。\n鉴别诊断：1.肺栓塞：查D-二聚体。\n诊疗计划：抗凝。';
    expect(withoutDifferential(text)).toBeUndefined();
  });
});

describe('adm-drop-vaccination', () => {
  const cut = (past: string) => {
    const enc = record({ documents: [doc('admission-note', `既往史：${past}`)] });
    return injection('adm-drop-vaccination').apply(enc) ? enc.documents[0]!.text : undefined;
  };

  it('removes every clause of the sentence that speaks of a vaccine, and keeps the others', () => {
    expect(cut('否认肝炎史；预防接种按计划，未接种流感疫苗；否认输血史。')).toBe('既往史：否认肝炎史；否认输血史。');
    expect(cut('预防接种史：按免疫规划接种，乙肝疫苗已全程接种。否认手术史。')).toBe('既往史：否认手术史。');
    expect(cut('否认手术史，预防接种史不详，否认输血史。')).toBe('既往史：否认手术史，否认输血史。');
  });
});

describe('antibiotic-without-indication', () => {
  const abx = (parts: Partial<Draft<QcEncounter>>) =>
    injection('antibiotic-without-indication').apply(record(parts)) !== undefined;

  it('does not apply where a note gives antibiotics a reason or an antibiotic is ordered under another category', () => {
    expect(abx({ documents: [doc('first-progress-note', '心衰加重，诱因考虑肺部感染。')] })).toBe(false);
    expect(abx({ documents: [doc('discharge-record', '诊疗经过：给予抗生素抗感染、补液治疗。')] })).toBe(false);
    const other = { id: 'o', text: '注射用头孢呋辛钠 1.5g 静脉滴注 术前30分钟', kind: 'temporary' as const };
    expect(abx({ orders: [{ ...other, status: 'completed', category: 'other' }] })).toBe(false);
  });

  it('applies where the only antibiotic words tell of one that failed before', () => {
    expect(abx({ documents: [doc('first-progress-note', '持续发热5天，抗生素治疗无效。')] })).toBe(true);
  });
});

describe('injections that would put in no defect', () => {
  it('homepage-allergy-contradicts: not where the 首页 already says 无 against a named drug allergy', () => {
    const homepage = { otherDiagnoses: [], procedures: [], signatures: [], drugAllergy: { has: false } };
    const enc = record({ documents: [doc('nursing-allergy', '药物过敏：头孢克洛（皮疹）。')], homepage });
    expect(injection('homepage-allergy-contradicts').apply(enc)).toBeUndefined();
  });

  it('adm-field-记录时间: not where the physician’s signature still dates the note', () => {
    const head = '入院记录\n姓名：张三　入院时间：2026-03-02 09:10　记录时间：2026-03-02 11:30\n主诉：腹痛1天。\n';
    const dated = record({ documents: [doc('admission-note', `${head}医师签名：李四　2026-03-02 15:30`)] });
    const bare = record({ documents: [doc('admission-note', `${head}医师签名：李四`)] });
    expect(injection('adm-field-记录时间').apply(dated)).toBeUndefined();
    expect(injection('adm-field-记录时间').apply(bare)).toBeDefined();
  });

  it('adm-drop-hpi-general: not where the 现病史 still tells three of its items as symptoms', () => {
    const hpi = (s: string) =>
      record({ documents: [doc('admission-note', `现病史：患者多饮多尿，${s}\n既往史：体健。`)] });
    const told = hpi('体重下降5kg，失眠，大便干结。病程中精神可，睡眠、食欲一般。');
    expect(injection('adm-drop-hpi-general').apply(told)).toBeUndefined();
    expect(
      injection('adm-drop-hpi-general').apply(hpi('口干。病程中精神可，睡眠、食欲一般，体重无变化。')),
    ).toBeDefined();
  });

  it('dx-newborn-on-adult: not on a newborn', () => {
    const stay = (birthDate: string) =>
      record({
        patient: { sex: 'male', birthDate },
        documents: [doc('discharge-record', '出院诊断：新生儿高胆红素血症')],
        homepage: { otherDiagnoses: [], procedures: [], signatures: [] },
      });
    expect(injection('dx-newborn-on-adult').apply(stay('2026-02-27'))).toBeUndefined();
    expect(injection('dx-newborn-on-adult').apply(stay('1980-05-01'))).toBeDefined();
  });
});
