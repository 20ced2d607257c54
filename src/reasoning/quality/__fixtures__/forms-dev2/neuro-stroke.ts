import type { QcEncounter } from '../../model.js';
import { at, note, physician } from './build.js';

/**
 * 神经内科: a 72-year-old man with an acute ischaemic stroke (left hemiparesis), dual antiplatelet
 * therapy, listed 病重 for two days with a signed notice, and a critical value (血钾 2.8) handled in a
 * 危急值处理记录 within the hour. The form: a Markdown-like table header without colons, headings with
 * half-width colons, the informant the patient's son (the patient dysarthric), the senior round
 * written "张建国主任医师查房" by the chief himself, 入院日期 in the 出院记录. Complete and timely.
 */
const res = physician('n-r1', '杨帆', 'resident');
const att = physician('n-a1', '王磊', 'attending');
const chief = physician('n-c1', '张建国', 'chief');
const D1 = '2026-06-03';
const D2 = '2026-06-04';
const D3 = '2026-06-05';
const D5 = '2026-06-07';
const D8 = '2026-06-10';
const D10 = '2026-06-12';

const ADMISSION = `入院记录
| 姓名 | 孙德明 | 性别 | 男 | 年龄 | 72岁 |
| 民族 | 汉族 | 婚姻 | 已婚 | 出生地 | 山东济南 |
| 职业 | 退休工人 | 入院时间 | 2026-06-03 08:30 | 记录时间 | 2026-06-03 09:30 |
| 病史陈述者 | 患者之子（患者言语含糊） |
主诉: 左侧肢体无力伴言语含糊5小时。
现病史: 患者5小时前晨起时被家属发现左侧肢体无力，左手持物不稳，行走向左侧偏斜，伴言语含糊，无头痛、呕吐，无意识障碍，无肢体抽搐。家属送至我院急诊，头颅CT未见出血，因已超过溶栓时间窗未行静脉溶栓，予阿司匹林300mg嚼服后以“急性脑梗死”收入院。发病以来精神差，未进食，大小便正常，体重无变化。
既往史: 高血压病史15年，最高180/100mmHg，口服硝苯地平控释片30mg每日一次，血压控制欠佳。否认糖尿病、冠心病史。否认肝炎、结核等传染病史。预防接种史不详。否认手术外伤史。否认输血史。否认药物、食物过敏史。
个人史: 吸烟40年，每日20支，未戒烟；少量饮酒。
婚育史: 已婚，育有1子，配偶及儿子体健。
家族史: 父亲有“脑梗死”病史，母亲体健，否认家族遗传病史。
体格检查: T 36.8℃  P 72次/分  R 18次/分  BP 172/96mmHg
神志清楚，构音障碍。双肺呼吸音清，心率72次/分，律齐。腹软，无压痛。
专科情况: 神经系统检查：左侧鼻唇沟浅，伸舌左偏，左上肢肌力3级，左下肢肌力4级，左侧肌张力稍增高，左侧巴氏征阳性，右侧肢体肌力5级。NIHSS评分5分。
辅助检查: 2026-06-03 本院急诊头颅CT：未见颅内出血。血常规、凝血功能、血糖（6.2mmol/L）未见明显异常。
初步诊断: 1. 急性脑梗死（右侧大脑中动脉供血区）
2. 高血压病3级（极高危）
医师签名: 杨帆`;

const FIRST = `首次病程记录
2026-06-03 12:00
病例特点：1. 老年男性，急性起病。2. 晨起发现左侧肢体无力伴言语含糊5小时。3. 查体左侧中枢性面舌瘫，左侧肢体肌力3～4级，左侧巴氏征阳性。4. 头颅CT排除出血。
拟诊讨论：
诊断依据：急性起病的局灶性神经功能缺损，CT排除出血，急性脑梗死诊断成立，定位右侧大脑中动脉供血区，病因考虑大动脉粥样硬化型。
鉴别诊断：1. 脑出血：CT已排除；2. 颅内占位：起病急，待MRI明确。
诊疗计划：1. 神经内科护理常规，病重；2. 阿司匹林联合氯吡格雷双联抗血小板21天，阿托伐他汀强化降脂；3. 完善头颅MRI+MRA、颈部血管超声、心电图；4. 监测血压，早期康复。
医师签名：杨帆`;

const ROUND_ATT = `2026-06-04 08:50　主治医师查房记录
王磊主治医师查房：补充病史，患者近1月偶有左手麻木，持续数分钟自行缓解。查体：神志清，构音障碍，左上肢肌力3级，左下肢肌力4级。
头颅MRI示右侧基底节区及放射冠急性梗死灶，MRA示右侧大脑中动脉M1段重度狭窄，诊断急性脑梗死（大动脉粥样硬化型）明确，可排除颅内占位。
计划：继续双联抗血小板及强化降脂，血压控制在160/90mmHg以下，开始床旁康复。
医师签名：杨帆/王磊`;

const CRITICAL = `2026-06-05 07:20　危急值处理记录
06:40接检验科电话报告危急值：血钾2.8mmol/L，已复述确认并报告王磊主治医师。分析：患者近2日进食少，考虑摄入不足所致低钾血症。处理：予氯化钾缓释片1g口服每日三次，并静脉补钾，复查血钾。
医师签名：杨帆`;

const ROUND_CHIEF = `2026-06-05 10:00　主任医师查房记录
张建国主任医师查房：患者左侧肢体肌力较前改善。分析病情：右侧大脑中动脉重度狭窄，属卒中复发高危，继续双联抗血小板，规律康复；低钾血症已处理，复查血钾3.6mmol/L。病情趋于稳定，今日改病重为一般病情。
医师签名：杨帆/张建国`;

const P1 = `2026-06-07 09:00　日常病程记录
患者言语较前清晰，左上肢肌力4级，左下肢肌力4+级，可扶行。血压142/84mmHg。颈部血管超声示双侧颈动脉斑块形成。继续目前治疗及康复训练。
医师签名：杨帆`;

const P2 = `2026-06-10 09:10　日常病程记录
患者病情稳定，NIHSS评分2分，独立步行。复查血钾4.1mmol/L。拟后日出院，转社区康复。
医师签名：杨帆`;

const DISCHARGE = `出院记录
入院日期：2026-06-03　出院日期：2026-06-12
入院情况：左侧肢体无力伴言语含糊5小时，左侧肢体肌力3～4级，NIHSS 5分，头颅CT未见出血。
入院诊断：1. 急性脑梗死（右侧大脑中动脉供血区）
2. 高血压病3级（极高危）
诊疗经过：入院后予双联抗血小板、强化降脂、控制血压及早期康复；头颅MRI证实右侧基底节区及放射冠急性梗死，MRA示右侧大脑中动脉M1段重度狭窄；住院期间出现低钾血症，补钾后纠正。
出院诊断：1. 急性脑梗死（右侧大脑中动脉供血区）
2. 高血压病3级（极高危）
3. 低钾血症
出院情况：言语基本清晰，左侧肢体肌力4+级，独立步行，NIHSS 2分。
出院医嘱：1. 阿司匹林100mg每日一次长期，氯吡格雷75mg每日一次至发病后21天；2. 阿托伐他汀40mg每晚一次；3. 硝苯地平控释片30mg每日一次；4. 戒烟；5. 2周后神经内科门诊复诊。
医师签名：杨帆　主治医师：王磊`;

export const NEURO_STROKE = {
  id: 'dev2-neuro',
  ref: 'Encounter/dev2-neuro',
  patientId: 'dev2-p-neuro',
  department: '神经内科',
  patient: { sex: 'male', birthDate: '1954-03-08', name: '孙德明' },
  admitAt: at(D1, '08:30'),
  dischargeAt: at(D10, '09:00'),
  archivedAt: at('2026-06-15', '11:00'),
  documents: [
    note('n-an', 'admission-note', res, at(D1, '09:30'), at(D1, '15:00'), ADMISSION),
    note('n-fp', 'first-progress-note', res, at(D1, '12:00'), at(D1, '12:30'), FIRST),
    {
      id: 'n-cn',
      type: 'critical-notice',
      recordedAt: at(D1, '12:40'),
      completedAt: at(D1, '12:40'),
      author: res,
      signatures: [
        { ...res, at: at(D1, '12:40') },
        { id: 'n-son', role: 'family', at: at(D1, '12:45') },
      ],
      text: '病重通知书\n患者孙德明，因急性脑梗死病情较重，随时可能加重，特此告知。',
    },
    note('n-wr1', 'ward-round', att, at(D2, '08:50'), at(D2, '10:00'), ROUND_ATT, { cosigners: [res] }),
    note('n-cv', 'progress-note', res, at(D3, '07:20'), at(D3, '07:30'), CRITICAL),
    note('n-wr2', 'ward-round', chief, at(D3, '10:00'), at(D3, '11:00'), ROUND_CHIEF, { cosigners: [res] }),
    note('n-p1', 'progress-note', res, at(D5, '09:00'), at(D5, '09:30'), P1),
    note('n-p2', 'progress-note', res, at(D8, '09:10'), at(D8, '09:30'), P2),
    note('n-dr', 'discharge-record', res, at(D10, '09:30'), at(D10, '15:00'), DISCHARGE, { cosigners: [att] }),
  ],
  orders: [
    {
      id: 'n-o1',
      text: '阿司匹林肠溶片 100mg 口服 每日一次',
      kind: 'long',
      orderedAt: at(D1, '10:00'),
      signedBy: 'n-r1',
      status: 'stopped',
      stopAt: at(D10, '08:30'),
      category: 'anticoagulant',
    },
    {
      id: 'n-o2',
      text: '硫酸氢氯吡格雷片 75mg 口服 每日一次',
      kind: 'long',
      orderedAt: at(D1, '10:00'),
      signedBy: 'n-r1',
      status: 'stopped',
      stopAt: at(D10, '08:30'),
      category: 'anticoagulant',
    },
    {
      id: 'n-o3',
      text: '阿托伐他汀钙片 40mg 口服 每晚一次',
      kind: 'long',
      orderedAt: at(D1, '10:00'),
      signedBy: 'n-r1',
      status: 'stopped',
      stopAt: at(D10, '08:30'),
      category: 'drug',
    },
    {
      id: 'n-o4',
      text: '头颅MRI+MRA',
      kind: 'temporary',
      orderedAt: at(D1, '10:10'),
      signedBy: 'n-r1',
      status: 'completed',
      category: 'imaging',
    },
    {
      id: 'n-o5',
      text: '氯化钾缓释片 1g 口服 每日三次',
      kind: 'long',
      orderedAt: at(D3, '07:25'),
      signedBy: 'n-r1',
      status: 'stopped',
      stopAt: at(D5, '09:00'),
      category: 'drug',
    },
  ],
  results: [
    {
      id: 'n-r1',
      kind: 'mri',
      name: '头颅MRI+MRA',
      orderId: 'n-o4',
      reportedAt: at(D1, '18:00'),
      receivedAt: at(D1, '18:00'),
      filedAt: at(D1, '18:30'),
    },
    {
      id: 'n-r2',
      kind: 'lab',
      name: '血钾',
      reportedAt: at(D3, '06:40'),
      receivedAt: at(D3, '06:40'),
      filedAt: at(D3, '07:00'),
      critical: true,
      value: '2.8 mmol/L',
    },
  ],
  surgeries: [],
  rescues: [],
  consults: [],
  transfers: [],
  handovers: [],
  acuity: [{ from: at(D1, '12:00'), to: at(D3, '10:00'), level: 'serious' }],
  transfusions: [],
  criticalValues: [
    {
      id: 'n-cv1',
      resultId: 'n-r2',
      name: '血钾',
      reportedAt: at(D3, '06:40'),
      receivedAt: at(D3, '06:42'),
      readBack: true,
      physicianNotifiedAt: at(D3, '06:45'),
    },
  ],
  homepage: {
    ref: 'Composition/hp-dev2-neuro',
    completedAt: at(D10, '17:00'),
    admitAt: '2026-06-03 08:30',
    dischargeAt: '2026-06-12 09:00',
    los: 9,
    dischargeDisposition: '1',
    admissionRoute: '1',
    mainDiagnosis: { name: '急性脑梗死', code: 'I63.900', admissionCondition: '1' },
    // SY2016 第十一条: the complication (低钾血症) before the comorbidity.
    otherDiagnoses: [
      { name: '低钾血症', code: 'E87.600', admissionCondition: '4', kind: 'complication' },
      { name: '高血压病3级（极高危）', code: 'I10.x00', admissionCondition: '1', kind: 'comorbidity' },
    ],
    procedures: [],
    drugAllergy: { has: false },
    pathologySent: false,
    signatures: [
      { id: 'n-dir', role: 'director' },
      { id: 'n-c1', role: 'chief' },
      { id: 'n-a1', role: 'attending' },
      { id: 'n-r1', role: 'resident' },
      { id: 'n-cod', role: 'coder' },
    ],
  },
} satisfies QcEncounter;
