import type { QcEncounter } from '../../model.js';
import { at, note, physician } from './build.js';

/**
 * 妇科: a 45-year-old woman with intramural uterine leiomyomas, menorrhagia and mild iron-deficiency
 * anaemia, 腹腔镜子宫肌瘤剔除术 with the specimen sent to pathology. The form: one-line comma-separated
 * header, （一）-numbered headings, 过去史 and 婚姻史 for 既往史 and 婚育史, 月经史 under its own
 * heading, the 手术记录 with the BW2010 heading "手术经过、术中出现的情况及处理" that holds both the
 * procedure and the findings, 术者 / 助手 / 麻醉方式 one line, and the pathology result discussed in a
 * 病程记录. Complete and timely: QC should find nothing.
 */
const res = physician('g-r1', '田甜', 'resident');
const att = physician('g-a1', '王丽', 'attending');
const assoc = physician('g-c1', '郑红', 'associate-chief');
const anaes = { id: 'g-an1', name: '何军', title: 'attending' as const, role: 'anesthesiologist' };
const D1 = '2026-07-06';
const D2 = '2026-07-07';
const D3 = '2026-07-08';
const D4 = '2026-07-09';
const D6 = '2026-07-11';

const ADMISSION = `入院记录
姓名：冯晓梅，性别：女，年龄：45岁，民族：汉族，婚姻状况：已婚，出生地：四川成都，职业：会计。
入院时间：2026-07-06 09:15，记录时间：2026-07-06 10:00，病史陈述者：患者本人，可靠。
（一）主诉：经量增多伴经期延长1年，发现子宫肌瘤2年。
（二）现病史：患者2年前体检行妇科B超发现子宫肌瘤，直径约3cm，无不适，未予治疗，定期复查。1年前起月经量较前增多约1倍，经期延长至8～9天，伴乏力，无腹痛，无尿频、便秘。1周前我院门诊复查B超示子宫前壁肌壁间肌瘤约5.6×5.2cm，血常规Hb 98g/L，门诊以“子宫平滑肌瘤”收入院。病来精神、睡眠可，食欲正常，大小便正常，体重无明显变化。
（三）过去史：平素体健。否认高血压、糖尿病病史。否认肝炎、结核等传染病史。预防接种史随社会计划。否认手术外伤史。否认输血史。否认药物及食物过敏史。
（四）个人史：生于原籍，无烟酒嗜好。
（五）婚姻史：24岁结婚，G2P1，育1女，配偶体健。
（六）月经史：初潮13岁，经期8～9天，周期28天，末次月经2026-06-28，经量多，无痛经。
（七）家族史：父母健在，否认家族遗传病及妇科肿瘤家族史。
（八）体格检查：T 36.5℃，P 80次/分，R 18次/分，BP 118/72mmHg。神清，轻度贫血貌，心肺未见异常，腹软，无压痛。
（九）专科情况：妇科检查：外阴已婚已产式；阴道通畅；宫颈光滑；子宫前位，如孕10周大小，前壁突起，质硬，活动可，无压痛；双附件未触及异常。
（十）辅助检查：2026-06-29 本院妇科B超：子宫前壁肌壁间低回声结节约5.6×5.2cm，考虑子宫肌瘤。血常规：Hb 98g/L，MCV 76fl。
（十一）初步诊断：1. 子宫平滑肌瘤（肌壁间）；2. 缺铁性贫血（轻度）。
医师签名：田甜`;

const FIRST = `首次病程记录
2026-07-06 13:00
病例特点：1. 中年女性，经量增多伴经期延长1年；2. 妇检子宫如孕10周大小，前壁突起；3. B超示子宫前壁肌壁间肌瘤约5.6cm；4. Hb 98g/L。
拟诊讨论：根据症状、妇检及B超，子宫平滑肌瘤诊断明确；经量增多致缺铁性贫血。鉴别诊断：1. 子宫腺肌病：多有进行性痛经，子宫均匀增大，本例不支持；2. 子宫肉瘤：肌瘤短期迅速增大需警惕，术后病理明确。
诊疗计划：完善术前检查，口服琥珀酸亚铁纠正贫血，择期行腹腔镜子宫肌瘤剔除术。
医师签名：田甜`;

const ROUND = `2026-07-07 09:00　副主任医师查房记录
郑红副主任医师查房：补充病史，患者有生育要求已满足，但要求保留子宫。查体：子宫前壁突起，活动好。分析：肌瘤5.6cm伴月经过多、贫血，手术指征明确；患者要求保留子宫，选择腹腔镜子宫肌瘤剔除术；需与子宫腺肌病鉴别，术中及病理可明确。指示：完善术前准备，术前30分钟头孢唑林预防性抗感染，明日手术。
医师签名：田甜/郑红`;

const OP = `手术记录
姓名：冯晓梅　住院号：2026070603
手术日期：2026-07-08 08:30-10:00
术前诊断：子宫平滑肌瘤（肌壁间）
术中诊断：子宫平滑肌瘤（肌壁间）
手术名称：腹腔镜子宫肌瘤剔除术
术者：郑红　助手：王丽　麻醉方式：气管插管全身麻醉
手术经过、术中出现的情况及处理：
麻醉成功后取膀胱截石位，常规消毒铺巾，建立气腹，置入腹腔镜。探查见子宫前位，如孕10周大小，前壁肌壁间肌瘤约6cm，双附件外观正常。肌瘤周围注射垂体后叶素稀释液，横行切开浆肌层，完整剔除肌瘤，分两层缝合创面。肌瘤经旋切器取出，标本送病理检查。术中出血约100ml，未输血，术毕安返病房。
医师签名：郑红`;

const POSTOP = `术后首次病程记录
2026-07-08 10:30
患者于今日在气管插管全麻下行腹腔镜子宫肌瘤剔除术，手术顺利，术中出血约100ml，标本送病理。术后安返病房，生命体征平稳。术后予补液、缩宫素促进子宫收缩，注意阴道流血及腹痛情况。
医师签名：郑红`;

const P1 = `2026-07-09 08:30　术后第1天
患者诉切口轻度疼痛，已排气，无发热，阴道少量流血。查体：腹软，切口敷料干燥。复查血常规Hb 95g/L。今日拔除尿管，鼓励下床活动，继续口服铁剂。
医师签名：田甜`;

const P2 = `2026-07-11 09:00　日常病程记录
患者一般情况良好，切口愈合好。病理回报（病理号P2026-07112）：（子宫）平滑肌瘤，与术前诊断相符。拟今日出院。
医师签名：田甜`;

const DISCHARGE = `出院记录
入院时间：2026-07-06 09:15　出院时间：2026-07-11 15:00
入院情况：经量增多伴经期延长1年，子宫如孕10周大小，B超示肌壁间肌瘤约5.6cm，Hb 98g/L。
入院诊断：1. 子宫平滑肌瘤（肌壁间）
2. 缺铁性贫血（轻度）
诊疗经过：完善检查，于2026-07-08在全麻下行腹腔镜子宫肌瘤剔除术，术后病理：平滑肌瘤。予口服铁剂纠正贫血。
出院诊断：1. 子宫平滑肌瘤（肌壁间）
2. 缺铁性贫血（轻度）
出院情况：切口愈合好，无腹痛，阴道无流血。
出院医嘱：1. 禁性生活及盆浴1个月；2. 继续口服琥珀酸亚铁0.1g每日三次；3. 术后1个月妇科门诊复查，避孕1年。
医师签名：田甜　主治医师：王丽`;

export const GYN_MYOMA = {
  id: 'dev2-gyn',
  ref: 'Encounter/dev2-gyn',
  patientId: 'dev2-p-gyn',
  department: '妇科',
  patient: { sex: 'female', birthDate: '1981-04-12', name: '冯晓梅' },
  admitAt: at(D1, '09:15'),
  dischargeAt: at(D6, '15:00'),
  archivedAt: at('2026-07-14', '10:00'),
  documents: [
    note('g-an', 'admission-note', res, at(D1, '10:00'), at(D1, '16:00'), ADMISSION),
    note('g-fp', 'first-progress-note', res, at(D1, '13:00'), at(D1, '13:30'), FIRST),
    note('g-wr', 'ward-round', assoc, at(D2, '09:00'), at(D2, '10:00'), ROUND, { cosigners: [res] }),
    note(
      'g-pd',
      'preop-discussion',
      assoc,
      at(D2, '14:00'),
      at(D2, '15:00'),
      '术前讨论\n拟施手术：腹腔镜子宫肌瘤剔除术\n参加人员：郑红副主任医师、王丽主治医师、田甜住院医师\n讨论意见：手术指征明确，同意手术。',
      { relatedId: 'g-s1', participants: [assoc, att, res] },
    ),
    note(
      'g-ps',
      'preop-summary',
      assoc,
      at(D2, '16:00'),
      at(D2, '16:30'),
      '术前小结：拟于2026-07-08在全麻下行腹腔镜子宫肌瘤剔除术。',
      { relatedId: 'g-s1' },
    ),
    {
      id: 'g-cs',
      type: 'consent-surgery',
      relatedId: 'g-s1',
      recordedAt: at(D2, '16:40'),
      completedAt: at(D2, '16:40'),
      author: assoc,
      signatures: [
        { id: 'g-pt', role: 'patient', at: at(D2, '16:40') },
        { ...assoc, at: at(D2, '16:40') },
      ],
      text: '手术知情同意书\n手术名称：腹腔镜子宫肌瘤剔除术',
    },
    {
      id: 'g-ca',
      type: 'consent-anesthesia',
      relatedId: 'g-s1',
      recordedAt: at(D2, '17:00'),
      completedAt: at(D2, '17:00'),
      author: anaes,
      signatures: [{ id: 'g-pt', role: 'patient', at: at(D2, '17:00') }],
      text: '麻醉知情同意书：气管插管全身麻醉',
    },
    {
      id: 'g-ck',
      type: 'surgical-safety-checklist',
      relatedId: 'g-s1',
      recordedAt: at(D3, '08:20'),
      completedAt: at(D3, '10:10'),
      author: { id: 'g-n1', name: '邓琳', role: 'circulating-nurse' },
      signatures: [
        { id: 'g-c1', role: 'surgeon' },
        { id: 'g-an1', role: 'anesthesiologist' },
        { id: 'g-n1', role: 'circulating-nurse' },
      ],
      text: '手术安全核查表：麻醉前核查；切皮前核查；出手术室前核查。',
    },
    note('g-op', 'op-note', assoc, at(D3, '10:20'), at(D3, '14:00'), OP, { relatedId: 'g-s1' }),
    note('g-pf', 'postop-first-note', assoc, at(D3, '10:30'), at(D3, '11:00'), POSTOP, { relatedId: 'g-s1' }),
    note('g-p1', 'progress-note', res, at(D4, '08:30'), at(D4, '08:50'), P1),
    note('g-p2', 'progress-note', res, at(D6, '09:00'), at(D6, '09:20'), P2),
    note('g-dr', 'discharge-record', res, at(D6, '15:30'), at(D6, '17:00'), DISCHARGE, { cosigners: [att] }),
  ],
  orders: [
    {
      id: 'g-o1',
      text: '注射用头孢唑林钠 1g 静脉滴注 术前30分钟',
      kind: 'temporary',
      orderedAt: at(D2, '16:00'),
      signedBy: 'g-r1',
      status: 'completed',
      category: 'antibiotic',
      antibioticTier: 'unrestricted',
      firstDoseAt: at(D3, '08:00'),
    },
    {
      id: 'g-o2',
      text: '拟明日在全麻下行腹腔镜子宫肌瘤剔除术',
      kind: 'temporary',
      orderedAt: at(D2, '15:30'),
      signedBy: 'g-c1',
      status: 'completed',
      category: 'surgery',
    },
    {
      id: 'g-o3',
      text: '琥珀酸亚铁片 0.1g 口服 每日三次',
      kind: 'long',
      orderedAt: at(D1, '14:00'),
      signedBy: 'g-r1',
      status: 'stopped',
      stopAt: at(D6, '14:00'),
      category: 'drug',
    },
  ],
  results: [
    {
      id: 'g-r1',
      kind: 'pathology',
      name: '子宫肌瘤病理',
      reportedAt: at(D6, '08:00'),
      receivedAt: at(D6, '08:00'),
      filedAt: at(D6, '08:30'),
    },
  ],
  surgeries: [
    {
      id: 'g-s1',
      name: '腹腔镜子宫肌瘤剔除术',
      startAt: at(D3, '08:30'),
      endAt: at(D3, '10:00'),
      surgeonId: 'g-c1',
      urgency: 'elective',
      incisional: true,
      anesthesia: '气管插管全身麻醉',
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
  criticalValues: [],
  homepage: {
    ref: 'Composition/hp-dev2-gyn',
    completedAt: at(D6, '18:00'),
    admitAt: '2026-07-06 09:15',
    dischargeAt: '2026-07-11 15:00',
    los: 5,
    dischargeDisposition: '1',
    admissionRoute: '2',
    mainDiagnosis: { name: '子宫平滑肌瘤（肌壁间）', code: 'D25.100', admissionCondition: '1' },
    otherDiagnoses: [{ name: '缺铁性贫血（轻度）', code: 'D50.900', admissionCondition: '1', kind: 'comorbidity' }],
    procedures: [
      {
        name: '腹腔镜子宫肌瘤剔除术',
        code: '68.2902',
        kind: 'surgery',
        level: 3,
        anesthesia: '气管插管全身麻醉',
        anesthesiologist: '何军',
        incisional: true,
        incisionClass: 'Ⅱ/甲',
      },
    ],
    drugAllergy: { has: false },
    pathologySent: true,
    pathology: { name: '子宫平滑肌瘤', code: 'M8890/0', number: 'P2026-07112' },
    signatures: [
      { id: 'g-dir', role: 'director' },
      { id: 'g-c1', role: 'chief' },
      { id: 'g-a1', role: 'attending' },
      { id: 'g-r1', role: 'resident' },
      { id: 'g-cod', role: 'coder' },
    ],
  },
} satisfies QcEncounter;
