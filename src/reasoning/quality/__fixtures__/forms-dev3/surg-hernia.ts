import type { QcEncounter } from '../../model.js';
import { at, note, physician } from '../forms-dev2/build.js';

/**
 * 普通外科 (forms-dev3, synthetic, no real patient): a 63-year-old man with a right indirect inguinal
 * hernia, elective laparoscopic TAPP with mesh on day 2 under general anaesthesia, clindamycin prophylaxis (a β-lactam allergy)
 * whose indication is written only in the 术前小结, and a penicillin allergy. The form: a column table
 * header (a row of labels over a row of values), a print-aligned line ("职业  退休    入院时间  …"),
 * 1）-numbered headings with qualifiers ("辅助检查（入院前）："), the informant in a sentence, a separate
 * 过敏史 line after the 既往史 ("否认食物过敏" beside the drug allergy), an allergic disease (过敏性鼻炎)
 * in the history, the nursing form's "药物过敏：青霉素　食物过敏：无", and an op note whose surgeon,
 * assistant, anaesthesia and findings are written in its sentences. Complete and timely.
 */
const res = physician('h-r1', '赵明', 'resident');
const att = physician('h-a1', '钱立新', 'attending');
const chief = physician('h-c1', '孙伟东', 'chief');
const anaes = { id: 'h-an1', name: '李慧', title: 'attending' as const, role: 'anesthesiologist' };
const D1 = '2026-05-11';
const D2 = '2026-05-12';
const D3 = '2026-05-13';
const D4 = '2026-05-14';

const ADMISSION = `入院记录
| 姓名 | 性别 | 年龄 | 民族 | 婚姻状况 | 出生地 |
| --- | --- | --- | --- | --- | --- |
| 吴建国 | 男 | 63岁 | 汉族 | 已婚 | 安徽合肥 |
职业  退休工人    入院时间  2026-05-11 09:10    记录时间  2026-05-11 11:00
病史由患者本人陈述，可靠。
1）主诉：发现右侧腹股沟区可复性包块2年。
2）现病史：患者2年前站立、咳嗽时发现右侧腹股沟区一约“鸡蛋”大小包块，平卧后可自行回纳，无腹痛、腹胀，无恶心、呕吐，未诊治。近2年包块逐渐增大，偶有坠胀不适，今为手术治疗来我院门诊，以“右侧腹股沟斜疝”收入院。发病以来精神、食欲、睡眠可，大小便正常，体重无明显变化。
3）既往史：平素体健。有过敏性鼻炎病史10年，季节性发作。否认高血压、糖尿病、冠心病病史。否认肝炎、结核等传染病史。预防接种史随当地。否认手术、外伤史。否认输血史。
过敏史：青霉素过敏（皮疹），否认食物过敏。
4）个人史：生于原籍，无疫区居住史，吸烟30年，每日10支，未戒；偶饮酒。
5）婚育史：26岁结婚，育有1子1女，配偶及子女体健。
6）家族史：父母已故（死因不详），兄弟姐妹体健，否认家族遗传病史。
7）体格检查：T 36.5℃　P 76次/分　R 18次/分　BP 132/80mmHg
神志清楚，心肺听诊未见异常，腹平软，无压痛。
8）专科检查：右侧腹股沟区可见约5cm×4cm包块，站立时明显，平卧可回纳，压迫内环口后包块不再出现，透光试验阴性。左侧腹股沟区未见异常。
9）辅助检查（入院前）：2026-05-09 本院腹股沟区超声：右侧腹股沟斜疝，疝内容物为肠管及网膜。
10）初步诊断（入院）：右侧腹股沟斜疝
医师签名：赵明`;

const FIRST = `首次病程记录
2026-05-11 14:00
病例特点：1. 老年男性，慢性病程。2. 右侧腹股沟区可复性包块2年。3. 专科检查：右腹股沟区包块，压迫内环口后不再出现。4. 超声示右侧腹股沟斜疝。
拟诊讨论：诊断依据：典型病史及体征，超声证实，右侧腹股沟斜疝诊断明确。鉴别诊断：1. 腹股沟直疝：多见于老年，包块位于直疝三角，压迫内环口不能阻止其出现，本例不符；2. 鞘膜积液：透光试验阳性，不能回纳，本例不符。
诊疗计划：1. 完善术前检查；2. 择期行腹腔镜下右侧腹股沟疝修补术（TAPP）；3. 青霉素过敏，避免使用青霉素类药物。
记录医师：赵明`;

const ROUND = `${D1} 16:30　主治医师查房记录
今日钱立新主治医师查房，补充病史：患者无慢性咳嗽、便秘及排尿困难等腹压增高因素。查体：右侧腹股沟包块可回纳，内环口明显扩大。
钱立新主治医师分析：根据病史、体征及超声，右侧腹股沟斜疝诊断明确，需与直疝鉴别，本例压迫内环口后包块不再出现，支持斜疝。治疗计划：完善术前检查后行腹腔镜下疝修补术，因青霉素过敏，术前30分钟预防性使用克林霉素。
记录医师：赵明　审签：钱立新`;

const OP = `手术记录
姓名：吴建国　　住院号：ZY2026051103　　科别：普通外科
手术日期：2026-05-12 09:00至10:10
术前诊断：右侧腹股沟斜疝
术后诊断：右侧腹股沟斜疝
手术名称：腹腔镜下右侧腹股沟疝修补术（TAPP）
手术经过：患者在全身麻醉下取仰卧位，常规消毒铺巾。主刀孙伟东，助手钱立新。脐部置入10mm套管建立气腹，直视下置入两个5mm操作套管。术中见右侧内环口扩大约3cm，疝囊内为网膜，可回纳，左侧未见疝。于内环口上方切开腹膜，游离腹膜前间隙，回纳疝囊，置入15cm×10cm补片（条码：6923456789012）覆盖耻骨肌孔，可吸收钉固定，关闭腹膜。术中出血约10ml，术毕安返病房。
记录医师：孙伟东`;

const POSTOP = `术后首次病程记录
${D2} 10:40
患者今日在全身麻醉下行腹腔镜下右侧腹股沟疝修补术（TAPP），手术顺利，术中出血约10ml。术后安返病房，生命体征平稳，切口敷料干燥。术后处理：监测生命体征，观察阴囊有无血肿，次日下床活动。
记录医师：孙伟东`;

const PROGRESS_D3 = `${D3} 08:30　术后第1天
患者诉切口轻微疼痛，无发热，已下床活动，进食可。查体：切口干燥无渗出，阴囊无肿胀。病情平稳，明日出院。
记录医师：赵明`;

const DISCHARGE = `出院记录
姓名：吴建国　性别：男　年龄：63岁　住院号：ZY2026051103
入院日期：2026-05-11　出院日期：2026-05-14　住院天数：3天
入院情况：右侧腹股沟区可复性包块2年，专科检查右腹股沟区包块，压迫内环口后不再出现，超声示右侧腹股沟斜疝。
入院诊断：右侧腹股沟斜疝
诊疗经过：入院后完善检查，于2026-05-12在全身麻醉下行腹腔镜下右侧腹股沟疝修补术（TAPP），术前预防性使用克林霉素，术后恢复顺利。
出院诊断：右侧腹股沟斜疝
出院情况：切口愈合良好，无阴囊血肿，饮食、大小便正常。
出院医嘱：1. 3个月内避免重体力劳动；2. 术后2周普外科门诊复查。
记录医师：赵明　上级医师：钱立新`;

export const SURG_HERNIA = {
  id: 'dev3-surg',
  ref: 'Encounter/dev3-surg',
  patientId: 'dev3-p-surg',
  department: '普通外科',
  patient: { sex: 'male', birthDate: '1962-08-20', name: '吴建国' },
  admitAt: at(D1, '09:10'),
  dischargeAt: at(D4, '10:00'),
  archivedAt: at('2026-05-15', '15:00'),
  documents: [
    note('h-an', 'admission-note', res, at(D1, '11:00'), at(D1, '12:00'), ADMISSION),
    note('h-fp', 'first-progress-note', res, at(D1, '14:00'), at(D1, '14:30'), FIRST),
    note('h-wr', 'ward-round', att, at(D1, '16:30'), at(D1, '17:00'), ROUND, { cosigners: [res] }),
    note(
      'h-wr2',
      'ward-round',
      chief,
      at(D1, '19:30'),
      at(D1, '20:00'),
      `${D1} 19:30　主任医师术前查房记录\n今日孙伟东主任医师查房：查体右侧腹股沟包块可回纳，内环口扩大，诊断明确，同意明日行腹腔镜下右侧腹股沟疝修补术（TAPP）。`,
      { cosigners: [res] },
    ),
    note(
      'h-pd',
      'preop-discussion',
      att,
      at(D1, '17:10'),
      at(D1, '17:40'),
      '术前讨论\n拟施手术：腹腔镜下右侧腹股沟疝修补术（TAPP）\n参加人员：孙伟东主任医师、钱立新主治医师、赵明住院医师\n讨论意见：手术指征明确，无绝对禁忌，同意手术。',
      { relatedId: 'h-s1', participants: [chief, att, res] },
    ),
    note(
      'h-ps',
      'preop-summary',
      att,
      at(D1, '18:00'),
      at(D1, '18:20'),
      '术前小结：拟于2026-05-12在全身麻醉下行腹腔镜下右侧腹股沟疝修补术（TAPP），置入补片，青霉素过敏，术前30分钟预防性使用克林霉素。',
      { relatedId: 'h-s1' },
    ),
    {
      id: 'h-cs',
      type: 'consent-surgery',
      relatedId: 'h-s1',
      recordedAt: at(D1, '18:30'),
      completedAt: at(D1, '18:30'),
      author: att,
      signatures: [
        { id: 'h-pt', role: 'patient', at: at(D1, '18:30') },
        { ...att, at: at(D1, '18:30') },
      ],
      text: '手术知情同意书\n手术名称：腹腔镜下右侧腹股沟疝修补术（TAPP）',
    },
    {
      id: 'h-ca',
      type: 'consent-anesthesia',
      relatedId: 'h-s1',
      recordedAt: at(D1, '19:00'),
      completedAt: at(D1, '19:00'),
      author: anaes,
      signatures: [{ id: 'h-pt', role: 'patient', at: at(D1, '19:00') }],
      text: '麻醉知情同意书：全身麻醉',
    },
    {
      id: 'h-ck',
      type: 'surgical-safety-checklist',
      relatedId: 'h-s1',
      recordedAt: at(D2, '08:40'),
      completedAt: at(D2, '10:20'),
      author: { id: 'h-n1', name: '陈丽', role: 'circulating-nurse' },
      signatures: [
        { id: 'h-c1', role: 'surgeon' },
        { id: 'h-an1', role: 'anesthesiologist' },
        { id: 'h-n1', role: 'circulating-nurse' },
      ],
      text: '手术安全核查表：麻醉实施前 √；手术开始前 √；患者离开手术室前 √。',
    },
    {
      id: 'h-na',
      type: 'nursing-allergy',
      recordedAt: at(D1, '09:30'),
      completedAt: at(D1, '09:30'),
      author: { id: 'h-n2', name: '周燕', role: 'nurse' },
      signatures: [{ id: 'h-n2', role: 'nurse', at: at(D1, '09:30') }],
      text: '入院护理评估：药物过敏：青霉素　食物过敏：无',
    },
    note('h-op', 'op-note', chief, at(D2, '10:20'), at(D2, '13:00'), OP, { relatedId: 'h-s1' }),
    note('h-pf', 'postop-first-note', chief, at(D2, '10:40'), at(D2, '11:10'), POSTOP, { relatedId: 'h-s1' }),
    note('h-p1', 'progress-note', res, at(D3, '08:30'), at(D3, '09:00'), PROGRESS_D3),
    note('h-dr', 'discharge-record', res, at(D4, '10:30'), at(D4, '14:00'), DISCHARGE, { cosigners: [att] }),
  ],
  orders: [
    {
      id: 'h-o1',
      text: '克林霉素磷酸酯注射液 0.9g 静脉滴注 术前30分钟',
      kind: 'temporary',
      orderedAt: at(D1, '18:10'),
      signedBy: 'h-a1',
      status: 'completed',
      category: 'antibiotic',
      antibioticTier: 'unrestricted',
      firstDoseAt: at(D2, '08:30'),
    },
    {
      id: 'h-o2',
      text: '拟明日在全身麻醉下行腹腔镜下右侧腹股沟疝修补术（TAPP）',
      kind: 'temporary',
      orderedAt: at(D1, '18:00'),
      signedBy: 'h-c1',
      status: 'completed',
      category: 'surgery',
    },
  ],
  results: [],
  surgeries: [
    {
      id: 'h-s1',
      name: '腹腔镜下右侧腹股沟疝修补术（TAPP）',
      startAt: at(D2, '09:00'),
      endAt: at(D2, '10:10'),
      surgeonId: 'h-c1',
      urgency: 'elective',
      incisional: true,
      anesthesia: '全身麻醉',
      implants: [{ type: '疝修补补片', count: 1, barcode: '6923456789012' }],
      pathologySent: false,
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
    ref: 'Composition/hp-dev3-surg',
    completedAt: at(D4, '17:00'),
    admitAt: '2026-05-11 09:10',
    dischargeAt: '2026-05-14 10:00',
    los: 3,
    dischargeDisposition: '1',
    admissionRoute: '2',
    mainDiagnosis: { name: '右侧腹股沟斜疝', code: 'K40.901', admissionCondition: '1', laterality: 'right' },
    otherDiagnoses: [],
    procedures: [
      {
        name: '腹腔镜下右侧腹股沟疝修补术（TAPP）',
        code: '17.1100',
        kind: 'surgery',
        level: 3,
        anesthesia: '全身麻醉',
        anesthesiologist: '李慧',
        incisional: true,
        incisionClass: 'Ⅰ/甲',
        laterality: 'right',
      },
    ],
    drugAllergy: { has: true, drugs: ['青霉素'] },
    pathologySent: false,
    signatures: [
      { id: 'h-dir', role: 'director' },
      { id: 'h-c1', role: 'chief' },
      { id: 'h-a1', role: 'attending' },
      { id: 'h-r1', role: 'resident' },
      { id: 'h-cod', role: 'coder' },
    ],
  },
} satisfies QcEncounter;
