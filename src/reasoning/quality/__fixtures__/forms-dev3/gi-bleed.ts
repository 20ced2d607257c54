import type { QcEncounter } from '../../model.js';
import { at, note, physician } from '../forms-dev2/build.js';

/**
 * 消化内科 (forms-dev3, synthetic, no real patient): a 58-year-old man with melaena from a duodenal-bulb
 * ulcer, 病重 on days 1–2, two units of red cells on day 1 (consent, order, 输血记录, full chain),
 * endoscopic haemostasis on day 2 (special-treatment consent), PPI, and a seafood allergy beside a
 * denied drug allergy. The form: a ；-separated header, 【】 headings with a colon after the bracket,
 * "陈述者" for the informant, 一般情况 in the 既往史, 专科情况 as 腹部检查 under the physical exam heading
 * "体格检查（入院时）", the senior round by a 主诊医师 named with surname and title ("王主治医师查房"),
 * and the transfusion's indication (Hb) written only in the 输血记录 and the round. Complete and timely.
 */
const res = physician('g-r1', '林晓', 'resident');
const att = physician('g-a1', '王志强', 'attending');
const D1 = '2026-06-02';
const D2 = '2026-06-03';
const D3 = '2026-06-04';
const D5 = '2026-06-06';
const D6 = '2026-06-07';

const ADMISSION = `入院记录
姓名：郑国平；性别：男；年龄：58岁；民族：汉族；婚姻：已婚；出生地：浙江杭州；职业：教师
入院时间：2026-06-02 08:30；记录时间：2026-06-02 10:30；陈述者：患者本人，可靠
【主诉】：黑便3天，头晕乏力1天。
【现病史】：患者3天前无明显诱因解柏油样黑便，每日2次，每次约200g，伴上腹隐痛，无呕血。1天前出现头晕、乏力，活动后心悸，无晕厥。门诊查血常规Hb 72g/L，大便隐血阳性，以“上消化道出血”收入院。起病以来精神差，食欲下降，小便正常，体重无明显变化。
【既往史】：一般情况良好。否认高血压、糖尿病病史。否认肝炎、结核等传染病史。预防接种史随当地。否认手术外伤史。否认输血史。否认药物过敏史，对海鲜过敏（皮疹）。
【个人史】：生于原籍，无烟酒嗜好。
【婚育史】：28岁结婚，育有1女，配偶及女儿体健。
【家族史】：父母健在，均体健，否认家族遗传病史。
【体格检查（入院时）】：T 36.8℃，P 102次/分，R 20次/分，BP 102/64mmHg。神志清，贫血貌，睑结膜苍白，双肺呼吸音清，心率102次/分，律齐。
【专科情况】：腹平软，上腹部轻压痛，无反跳痛，肝脾肋下未触及，移动性浊音阴性，肠鸣音6次/分。
【辅助检查】：2026-06-02 本院门诊血常规：Hb 72g/L，PLT 210×10^9/L；大便隐血阳性。
【初步诊断】：1. 上消化道出血：十二指肠球部溃疡出血？ 2. 失血性贫血（中度）
医师签名：林晓`;

const FIRST = `首次病程记录
2026-06-02 11:00
病例特点：1. 中年男性，急性起病。2. 黑便3天，头晕乏力1天。3. 查体：贫血貌，心率102次/分，上腹部轻压痛。4. Hb 72g/L，大便隐血阳性。
拟诊讨论：诊断依据：黑便、贫血貌、Hb下降及大便隐血阳性，上消化道出血诊断成立，上腹隐痛提示消化性溃疡出血可能大。鉴别诊断：1. 食管胃底静脉曲张破裂出血：无肝病史及门脉高压体征，不支持；2. 胃癌出血：需胃镜及病理排除。
诊疗计划：1. 病重，禁食，心电监护；2. 质子泵抑制剂静脉抑酸；3. 配血，Hb<70g/L或活动性出血时输注悬浮红细胞；4. 急诊胃镜检查及内镜下止血。
记录医师：林晓`;

const ROUND = `${D1} 15:00　上级医师查房记录
今日王主治医师查房，补充病史：患者近1月有间断上腹空腹痛，进食后缓解，未诊治。查体：BP 98/60mmHg，心率106次/分，上腹部轻压痛。复查Hb 64g/L。
王主治医师分析：患者上消化道出血诊断明确，空腹痛、进食后缓解，考虑十二指肠球部溃疡出血，需与胃底静脉曲张破裂出血、胃癌鉴别，胃镜可明确。Hb 64g/L，心率快，有输血指征，今日输注悬浮红细胞2U；明日行胃镜检查及内镜下止血，继续抑酸、补液。
记录医师：林晓　审签：王志强`;

const TRANSFUSION = `输血记录
2026-06-02 16:00
输血指征：Hb 64g/L，活动性出血，心率106次/分。
输注悬浮红细胞2U（A型，Rh阳性），交叉配血相合，两人核对无误。16:10开始输注，19:30输毕，过程顺利，无发热、皮疹等输血不良反应。输血后观察1小时生命体征平稳。
记录医师：林晓`;

const PROGRESS_D2 = `${D2} 10:00　病程记录
今日行胃镜检查：十二指肠球部前壁溃疡约1.0cm，基底见血痂及裸露血管（Forrest Ⅱa），予钛夹止血，术后无活动性出血。病理未取（溃疡出血期）。复查Hb 80g/L，生命体征平稳。继续禁食、抑酸，明日试进流质。
记录医师：林晓`;

const PROGRESS_D3 = `${D3} 09:00　病程记录
患者未再解黑便，无头晕，今日进流质无不适。复查Hb 82g/L。病情稳定，解除病重，改二级护理。
记录医师：林晓`;

const PROGRESS_D5 = `${D5} 09:00　病程记录
患者一般情况好，大便转黄，已进半流质。复查Hb 88g/L。改口服质子泵抑制剂，拟明日出院。
记录医师：林晓`;

const DISCHARGE = `出院记录
姓名：郑国平　性别：男　年龄：58岁
入院日期：2026-06-02　出院日期：2026-06-07　住院天数：5天
入院情况：黑便3天，头晕乏力1天，贫血貌，Hb 72g/L，大便隐血阳性。
入院诊断：1. 上消化道出血：十二指肠球部溃疡出血？ 2. 失血性贫血（中度）
诊疗经过：入院后禁食、抑酸、输注悬浮红细胞2U，2026-06-03胃镜见十二指肠球部溃疡伴裸露血管，予钛夹止血，术后未再出血，Hb回升至88g/L。
出院诊断：1. 十二指肠球部溃疡伴出血 2. 失血性贫血（中度）
出院情况：无黑便，无头晕，饮食正常。
出院医嘱：1. 口服质子泵抑制剂8周；2. 4周后复查胃镜及幽门螺杆菌检测；3. 再有黑便即来诊。
记录医师：林晓　上级医师：王志强`;

export const GI_BLEED = {
  id: 'dev3-gi',
  ref: 'Encounter/dev3-gi',
  patientId: 'dev3-p-gi',
  department: '消化内科',
  patient: { sex: 'male', birthDate: '1968-03-10', name: '郑国平' },
  admitAt: at(D1, '08:30'),
  dischargeAt: at(D6, '10:00'),
  archivedAt: at('2026-06-08', '15:00'),
  documents: [
    note('g-an', 'admission-note', res, at(D1, '10:30'), at(D1, '12:00'), ADMISSION),
    note('g-fp', 'first-progress-note', res, at(D1, '11:00'), at(D1, '11:30'), FIRST),
    note('g-wr', 'ward-round', att, at(D1, '15:00'), at(D1, '15:30'), ROUND, { cosigners: [res] }),
    {
      id: 'g-cn',
      type: 'critical-notice',
      recordedAt: at(D1, '11:40'),
      completedAt: at(D1, '11:40'),
      author: res,
      signatures: [
        { ...res, at: at(D1, '11:40') },
        { id: 'g-fam', role: 'family', at: at(D1, '11:45') },
      ],
      text: '病重通知书：患者上消化道出血，病情较重，随时可能再出血。',
    },
    {
      id: 'g-ct',
      type: 'consent-transfusion',
      recordedAt: at(D1, '15:20'),
      completedAt: at(D1, '15:20'),
      author: att,
      signatures: [
        { id: 'g-pt', role: 'patient', at: at(D1, '15:20') },
        { ...att, at: at(D1, '15:20') },
      ],
      text: '输血治疗知情同意书：悬浮红细胞2U',
    },
    note('g-tr', 'transfusion-record', res, at(D1, '16:00'), at(D1, '20:40'), TRANSFUSION),
    {
      id: 'g-cs',
      type: 'consent-special',
      relatedId: 'g-o3',
      recordedAt: at(D1, '17:00'),
      completedAt: at(D1, '17:00'),
      author: att,
      signatures: [
        { id: 'g-pt', role: 'patient', at: at(D1, '17:00') },
        { ...att, at: at(D1, '17:00') },
      ],
      text: '内镜下治疗知情同意书：胃镜检查及内镜下止血',
    },
    {
      id: 'g-na',
      type: 'nursing-allergy',
      recordedAt: at(D1, '08:50'),
      completedAt: at(D1, '08:50'),
      author: { id: 'g-n1', name: '许静', role: 'nurse' },
      signatures: [{ id: 'g-n1', role: 'nurse', at: at(D1, '08:50') }],
      text: '入院护理评估：药物过敏史：无；其他过敏：海鲜',
    },
    note('g-p2', 'progress-note', res, at(D2, '10:00'), at(D2, '10:30'), PROGRESS_D2),
    note('g-p3', 'progress-note', res, at(D3, '09:00'), at(D3, '09:20'), PROGRESS_D3),
    note('g-p5', 'progress-note', res, at(D5, '09:00'), at(D5, '09:20'), PROGRESS_D5),
    note('g-dr', 'discharge-record', res, at(D6, '10:30'), at(D6, '14:00'), DISCHARGE, { cosigners: [att] }),
  ],
  orders: [
    {
      id: 'g-o1',
      text: '注射用泮托拉唑钠 40mg 静脉滴注 每12小时一次',
      kind: 'long',
      orderedAt: at(D1, '09:00'),
      signedBy: 'g-r1',
      status: 'stopped',
      stopAt: at(D5, '09:00'),
      category: 'drug',
    },
    {
      id: 'g-o2',
      text: '悬浮红细胞 2U 静脉输注',
      kind: 'temporary',
      orderedAt: at(D1, '15:10'),
      signedBy: 'g-a1',
      status: 'completed',
      category: 'blood',
    },
    {
      id: 'g-o3',
      text: '胃镜检查及内镜下止血',
      kind: 'temporary',
      orderedAt: at(D1, '16:30'),
      signedBy: 'g-a1',
      status: 'completed',
      category: 'special',
      firstDoseAt: at(D2, '09:30'),
    },
  ],
  results: [],
  surgeries: [],
  rescues: [],
  consults: [],
  transfers: [],
  handovers: [],
  acuity: [
    { from: at(D1, '08:30'), to: at(D3, '09:00'), level: 'serious' },
    { from: at(D3, '09:00'), level: 'stable' },
  ],
  transfusions: [
    {
      id: 'g-t1',
      firstUnitAt: at(D1, '16:10'),
      chain: ['application', 'indication', 'matching', 'issue', 'administration', 'observation'],
    },
  ],
  criticalValues: [],
  homepage: {
    ref: 'Composition/hp-dev3-gi',
    completedAt: at(D6, '17:00'),
    admitAt: '2026-06-02 08:30',
    dischargeAt: '2026-06-07 10:00',
    los: 5,
    dischargeDisposition: '1',
    admissionRoute: '2',
    mainDiagnosis: { name: '十二指肠球部溃疡伴出血', code: 'K26.400', admissionCondition: '1' },
    otherDiagnoses: [{ name: '失血性贫血', code: 'D62.x00', admissionCondition: '1', kind: 'complication' }],
    procedures: [{ name: '内镜下十二指肠止血术', code: '44.4300', kind: 'procedure' }],
    drugAllergy: { has: false },
    pathologySent: false,
    signatures: [
      { id: 'g-dir', role: 'director' },
      { id: 'g-c1', role: 'chief' },
      { id: 'g-a1', role: 'attending' },
      { id: 'g-r1', role: 'resident' },
      { id: 'g-cod', role: 'coder' },
    ],
  },
} satisfies QcEncounter;
