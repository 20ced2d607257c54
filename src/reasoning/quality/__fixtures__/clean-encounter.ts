import type { QcEncounter } from '../model.js';

/**
 * A complete, timely, consistent inpatient stay (elective laparoscopic cholecystectomy) that passes
 * all 76 QC rules. Each rule's firing test mutates one thing in it. Times are Asia/Shanghai.
 */
const d1 = { id: 'd1', name: '张住院', title: 'resident' as const, role: 'physician' };
const d2 = { id: 'd2', name: '李主治', title: 'attending' as const, role: 'physician' };
const sign = (p: typeof d1 | typeof d2, at: string) => ({ ...p, at });

export const ADMISSION_NOTE_TEXT = `入院记录
姓名：王某某
性别：女
年龄：55岁
民族：汉族
婚姻状况：已婚
出生地：湖北武汉
职业：职员
入院时间：2026-03-02 09:00
记录时间：2026-03-02 10:00
病史陈述者：患者本人
主诉：右上腹反复疼痛2年，加重3天
现病史：患者2年前无明显诱因出现右上腹疼痛，呈阵发性胀痛，伴恶心，无发热、黄疸。曾在当地医院就诊，诊断为“胆囊结石”，给予“消炎利胆片”治疗后缓解。3天前进食油腻后再发加重。病来精神、睡眠可，食欲稍差，大小便正常，体重无明显变化。
既往史：平素健康状况一般。有高血压病史5年，规律服用硝苯地平。否认肝炎、结核等传染病史。预防接种史随当地。否认手术外伤史。否认输血史。否认食物及药物过敏史。
个人史：生于原籍，无烟酒嗜好。
婚育史：25岁结婚，育有1子，配偶体健。
月经史：14岁，5/28天，末次月经2026-02-20。
家族史：父母体健，否认家族遗传病史。
体格检查：T 36.5℃ P 78次/分 R 18次/分 BP 135/85mmHg。神清，心肺未见异常。
专科情况：右上腹压痛，Murphy征阳性，无反跳痛。
辅助检查：外院（武汉市第一人民医院）B超（检查号US2026001）示胆囊结石。
初步诊断：1. 慢性胆囊炎伴胆囊结石
2. 高血压病
医师签名：张住院`;

export const CLEAN_ENCOUNTER = {
  id: 'e1',
  ref: 'Encounter/e1',
  patientId: 'p1',
  department: '普外科',
  patient: { sex: 'female', birthDate: '1970-05-01', name: '王某某' },
  admitAt: '2026-03-02T09:00:00+08:00',
  dischargeAt: '2026-03-09T10:00:00+08:00',
  archivedAt: '2026-03-10T16:00:00+08:00',
  documents: [
    {
      id: 'an1',
      type: 'admission-note',
      ref: 'DocumentReference/an1',
      recordedAt: '2026-03-02T10:00:00+08:00',
      completedAt: '2026-03-02T15:00:00+08:00',
      author: d1,
      signatures: [sign(d1, '2026-03-02T15:00:00+08:00')],
      text: ADMISSION_NOTE_TEXT,
    },
    {
      id: 'hp1',
      type: 'history-physical',
      recordedAt: '2026-03-02T10:00:00+08:00',
      completedAt: '2026-03-02T15:00:00+08:00',
      author: d1,
      signatures: [sign(d1, '2026-03-02T15:00:00+08:00')],
      text: 'H&P: see admission note.',
    },
    {
      id: 'fp1',
      type: 'first-progress-note',
      recordedAt: '2026-03-02T11:00:00+08:00',
      completedAt: '2026-03-02T12:00:00+08:00',
      author: d1,
      signatures: [sign(d1, '2026-03-02T12:00:00+08:00')],
      text: '首次病程记录\n病例特点：1. 中年女性，慢性病程。2. 反复右上腹痛2年，加重3天。3. 查体Murphy征阳性。4. 外院B超示胆囊结石。\n拟诊讨论：根据病史、体征及B超，诊断依据充分，慢性胆囊炎伴胆囊结石诊断明确。鉴别诊断：需与消化性溃疡、急性胰腺炎鉴别。\n诊疗计划：完善术前检查，择期行腹腔镜胆囊切除术。',
    },
    {
      id: 'wr1',
      type: 'ward-round',
      recordedAt: '2026-03-03T16:00:00+08:00',
      completedAt: '2026-03-03T17:00:00+08:00',
      author: d2,
      signatures: [sign(d2, '2026-03-03T17:00:00+08:00')],
      text: '李主治主治医师查房：补充病史：近期无黄疸。查体：Murphy征阳性。上腹部CT示胆囊结石，胆囊壁增厚。诊断：慢性胆囊炎伴胆囊结石，鉴别诊断同前。处理：同意手术计划。',
    },
    {
      id: 'pd1',
      type: 'preop-discussion',
      relatedId: 's1',
      recordedAt: '2026-03-03T14:00:00+08:00',
      completedAt: '2026-03-03T15:00:00+08:00',
      author: d2,
      participants: [d2, d1],
      signatures: [sign(d2, '2026-03-03T15:00:00+08:00')],
      text: '术前讨论\n拟施手术：腹腔镜胆囊切除术\n讨论意见：手术指征明确。',
    },
    {
      id: 'ps1',
      type: 'preop-summary',
      relatedId: 's1',
      recordedAt: '2026-03-03T18:00:00+08:00',
      completedAt: '2026-03-03T18:30:00+08:00',
      author: d1,
      signatures: [sign(d1, '2026-03-03T18:30:00+08:00')],
      text: '术前小结：拟于2026-03-04在全麻下行腹腔镜胆囊切除术。',
    },
    {
      id: 'cs1',
      type: 'consent-surgery',
      relatedId: 's1',
      recordedAt: '2026-03-03T16:00:00+08:00',
      completedAt: '2026-03-03T16:00:00+08:00',
      author: d2,
      signatures: [
        { id: 'p1', role: 'patient', at: '2026-03-03T16:00:00+08:00' },
        sign(d2, '2026-03-03T16:00:00+08:00'),
      ],
      text: '手术知情同意书\n手术名称：腹腔镜胆囊切除术',
    },
    {
      id: 'ca1',
      type: 'consent-anesthesia',
      relatedId: 's1',
      recordedAt: '2026-03-03T17:00:00+08:00',
      completedAt: '2026-03-03T17:00:00+08:00',
      author: { id: 'a1', name: '王麻醉', title: 'attending', role: 'anesthesiologist' },
      signatures: [{ id: 'p1', role: 'patient', at: '2026-03-03T17:00:00+08:00' }],
      text: '麻醉知情同意书：全身麻醉',
    },
    {
      id: 'ck1',
      type: 'surgical-safety-checklist',
      relatedId: 's1',
      recordedAt: '2026-03-04T08:50:00+08:00',
      completedAt: '2026-03-04T10:40:00+08:00',
      author: { id: 'n1', name: '赵护士', role: 'circulating-nurse' },
      signatures: [
        { id: 'd2', role: 'surgeon' },
        { id: 'a1', role: 'anesthesiologist' },
        { id: 'n1', role: 'circulating-nurse' },
      ],
      text: '手术安全核查表：麻醉实施前 核查完成；手术开始前 核查完成；患者离开手术室前 核查完成。',
    },
    {
      id: 'op1',
      type: 'op-note',
      relatedId: 's1',
      recordedAt: '2026-03-04T11:00:00+08:00',
      completedAt: '2026-03-04T14:00:00+08:00',
      author: d2,
      signatures: [sign(d2, '2026-03-04T14:00:00+08:00')],
      text: '手术记录\n姓名：王某某\n住院号：123456\n手术日期：2026-03-04 09:00-10:30\n术前诊断：慢性胆囊炎伴胆囊结石\n术中诊断：慢性胆囊炎伴胆囊结石\n术后诊断：慢性胆囊炎伴胆囊结石\n手术名称：腹腔镜胆囊切除术\n手术者：李主治\n助手：张住院\n麻醉方法：全身麻醉\n手术经过：建立气腹，分离胆囊三角，夹闭胆囊管及胆囊动脉，切除胆囊，标本送病理检查。\n术中情况：胆囊壁增厚，内见多枚结石，出血约10ml。',
    },
    {
      id: 'pf1',
      type: 'postop-first-note',
      relatedId: 's1',
      recordedAt: '2026-03-04T11:00:00+08:00',
      completedAt: '2026-03-04T11:30:00+08:00',
      author: d2,
      signatures: [sign(d2, '2026-03-04T11:30:00+08:00')],
      text: '术后首次病程：患者于全麻下行腹腔镜胆囊切除术，手术顺利，术后安返病房，生命体征平稳。',
    },
    {
      id: 'pn1',
      type: 'progress-note',
      recordedAt: '2026-03-05T09:00:00+08:00',
      completedAt: '2026-03-05T09:30:00+08:00',
      author: d1,
      signatures: [sign(d1, '2026-03-05T09:30:00+08:00')],
      text: '术后第1天，患者一般情况可。今晨血钾2.6mmol/L，为危急值，已复查并予口服及静脉补钾。预防性抗感染已停用。',
    },
    {
      id: 'pn2',
      type: 'progress-note',
      recordedAt: '2026-03-06T10:00:00+08:00',
      completedAt: '2026-03-06T10:30:00+08:00',
      author: d1,
      signatures: [sign(d1, '2026-03-06T10:30:00+08:00')],
      text: '术后第2天，病理回报：慢性胆囊炎，与术前诊断相符。切口愈合良好，复查血钾4.0mmol/L。',
    },
    {
      id: 'pn3',
      type: 'progress-note',
      recordedAt: '2026-03-08T09:00:00+08:00',
      completedAt: '2026-03-08T09:20:00+08:00',
      author: d1,
      signatures: [sign(d1, '2026-03-08T09:20:00+08:00')],
      text: '患者恢复良好，无腹痛，饮食正常，明日出院。',
    },
    {
      id: 'dr1',
      type: 'discharge-record',
      recordedAt: '2026-03-09T11:00:00+08:00',
      completedAt: '2026-03-09T15:00:00+08:00',
      author: d1,
      signatures: [sign(d1, '2026-03-09T15:00:00+08:00'), sign(d2, '2026-03-09T15:10:00+08:00')],
      text: '出院记录\n入院日期：2026-03-02\n出院日期：2026-03-09\n入院情况：右上腹反复疼痛2年，加重3天，Murphy征阳性。\n入院诊断：1. 慢性胆囊炎伴胆囊结石\n2. 高血压病\n诊疗经过：完善检查后于2026-03-04行腹腔镜胆囊切除术，术后恢复顺利。\n出院诊断：1. 慢性胆囊炎伴胆囊结石\n2. 高血压病\n出院情况：无腹痛，切口愈合良好。\n出院医嘱：低脂饮食，1周后门诊复查。',
    },
  ],
  orders: [
    {
      id: 'o1',
      text: '注射用头孢唑林钠 1g 静脉滴注 术前30分钟',
      kind: 'temporary',
      orderedAt: '2026-03-04T08:00:00+08:00',
      signedBy: 'd1',
      status: 'completed',
      category: 'antibiotic',
      antibioticTier: 'unrestricted',
      firstDoseAt: '2026-03-04T08:30:00+08:00',
    },
    {
      id: 'o2',
      text: '上腹部CT平扫',
      kind: 'temporary',
      orderedAt: '2026-03-02T11:00:00+08:00',
      signedBy: 'd1',
      status: 'completed',
      category: 'imaging',
    },
    {
      id: 'o3',
      text: '拟于明日在全麻下行腹腔镜胆囊切除术',
      kind: 'temporary',
      orderedAt: '2026-03-03T15:30:00+08:00',
      signedBy: 'd2',
      status: 'completed',
      category: 'surgery',
    },
    {
      id: 'o4',
      text: '硝苯地平控释片 30mg 口服 每日一次',
      kind: 'long',
      orderedAt: '2026-03-02T11:30:00+08:00',
      signedBy: 'd1',
      status: 'stopped',
      stopAt: '2026-03-09T09:00:00+08:00',
      category: 'drug',
    },
  ],
  results: [
    {
      id: 'r1',
      kind: 'ct',
      name: '上腹部CT',
      orderId: 'o2',
      reportedAt: '2026-03-02T15:00:00+08:00',
      receivedAt: '2026-03-02T15:00:00+08:00',
      filedAt: '2026-03-02T16:00:00+08:00',
    },
    {
      id: 'r2',
      kind: 'pathology',
      name: '胆囊病理',
      reportedAt: '2026-03-06T09:00:00+08:00',
      receivedAt: '2026-03-06T09:00:00+08:00',
      filedAt: '2026-03-06T10:00:00+08:00',
    },
    {
      id: 'r3',
      kind: 'lab',
      name: '血钾',
      reportedAt: '2026-03-05T08:00:00+08:00',
      receivedAt: '2026-03-05T08:00:00+08:00',
      filedAt: '2026-03-05T08:30:00+08:00',
      critical: true,
      value: '2.6 mmol/L',
    },
  ],
  surgeries: [
    {
      id: 's1',
      name: '腹腔镜胆囊切除术',
      startAt: '2026-03-04T09:00:00+08:00',
      endAt: '2026-03-04T10:30:00+08:00',
      surgeonId: 'd2',
      urgency: 'elective',
      incisional: true,
      anesthesia: '全身麻醉',
      pathologySent: true,
      bloodGiven: false,
    },
  ],
  rescues: [],
  consults: [],
  transfers: [],
  handovers: [],
  acuity: [],
  transfusions: [],
  criticalValues: [
    {
      id: 'cv1',
      resultId: 'r3',
      name: '血钾',
      reportedAt: '2026-03-05T08:00:00+08:00',
      receivedAt: '2026-03-05T08:05:00+08:00',
      readBack: true,
      physicianNotifiedAt: '2026-03-05T08:10:00+08:00',
    },
  ],
  homepage: {
    ref: 'Composition/hp-e1',
    completedAt: '2026-03-09T18:00:00+08:00',
    admitAt: '2026-03-02 09:00',
    dischargeAt: '2026-03-09 10:00',
    los: 7,
    dischargeDisposition: '1',
    admissionRoute: '2',
    mainDiagnosis: { name: '慢性胆囊炎伴胆囊结石', code: 'K80.100', admissionCondition: '1' },
    otherDiagnoses: [{ name: '高血压病', code: 'I10.x00', admissionCondition: '1' }],
    procedures: [
      {
        name: '腹腔镜胆囊切除术',
        code: '51.2300',
        kind: 'surgery',
        level: 3,
        anesthesia: '全身麻醉',
        anesthesiologist: '王麻醉',
        incisional: true,
        incisionClass: 'Ⅱ/甲',
      },
    ],
    drugAllergy: { has: false },
    pathologySent: true,
    pathology: { name: '慢性胆囊炎', code: 'M4300/0', number: 'P2026-001' },
    signatures: [
      { id: 'x1', role: 'director' },
      { id: 'x2', role: 'chief' },
      { id: 'd2', role: 'attending' },
      { id: 'd1', role: 'resident' },
      { id: 'c1', role: 'coder' },
    ],
  },
} satisfies QcEncounter;

export const CATALOG = new Map<string, string[]>([
  ['K80.100', ['慢性胆囊炎伴胆囊结石']],
  ['I10.x00', ['高血压病', '原发性高血压']],
]);

export const NOW = '2026-03-20T12:00:00+08:00';
