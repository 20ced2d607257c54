import type { QcEncounter } from '../../model.js';
import { at, note, physician } from './build.js';

/**
 * 骨科: a 79-year-old woman with a femoral-neck fracture after a fall at home, 人工股骨头置换术 on day 2
 * (an implant with its barcode), cefuroxime prophylaxis and enoxaparin against DVT. The form: a
 * │-ruled header, 病史来源 for the informant, 【】 headings, 既往病史 / 月经婚育史 / 查体 / 专科查体 /
 * 实验室及辅助检查 / 入院诊断 as this template names them, dates written 2026年04月02日 14时20分, the
 * signature as 记录医师. The op note: 主刀 / 一助 / 麻醉 and one heading 手术经过及术中所见; the first
 * senior round written "陈主任查房" (surname and title). Complete and timely: QC should find nothing.
 */
const res = physician('o-r1', '刘洋', 'resident');
const att = physician('o-a1', '孙海涛', 'attending');
const chief = physician('o-c1', '陈志刚', 'chief');
const anaes = { id: 'o-an1', name: '周敏', title: 'attending' as const, role: 'anesthesiologist' };
const D1 = '2026-04-02';
const D2 = '2026-04-03';
const D3 = '2026-04-04';
const D4 = '2026-04-05';
const D6 = '2026-04-07';
const D8 = '2026-04-09';

const ADMISSION = `入 院 记 录
│姓名：何桂兰　　│性别：女　　│年龄：79岁　　│民族：汉族　│
│婚姻：丧偶　　　│籍贯：江苏南京　　│职业：退休　│
│入院日期：2026年04月02日 14时20分　│记录时间：2026年04月02日 16时00分　│
│病史来源：患者本人及其女儿，可靠│
【主诉】摔伤致左髋部疼痛、活动受限6小时。
【现病史】患者6小时前在家中平地行走时不慎滑倒，左髋部着地，当即感左髋部剧烈疼痛，不能站立行走，无昏迷，无头痛、呕吐，无胸闷、气促。家属送至我院急诊，行左髋关节X线检查示左股骨颈骨折，予制动、止痛处理后以“左股骨颈骨折”收入我科。受伤以来精神欠佳，未进食，小便正常，大便未解，体重无明显变化。
【既往病史】平素健康状况一般。高血压病史10年，口服氨氯地平5mg每日一次，血压控制可。骨质疏松病史3年。否认糖尿病、冠心病病史。否认肝炎、结核等传染病史。预防接种史不详。否认手术史，否认其他外伤史。否认输血史。否认药物及食物过敏史。
【个人史】生于原籍，久居本地，无吸烟、饮酒史。
【月经婚育史】初潮15岁，5/30天，50岁绝经，绝经后无异常阴道流血。22岁结婚，育有2女，配偶已故。
【家族史】父母已故（死因不详），兄弟姐妹体健，否认家族遗传病史。
【查体】T：36.6℃　P：84次/分　R：19次/分　BP：146/82mmHg
神志清楚，痛苦面容，被动体位。双肺呼吸音清，未闻及干湿啰音。心率84次/分，律齐。腹软，无压痛。
【专科查体】左下肢短缩约2cm、外旋畸形，左腹股沟中点压痛，左下肢纵向叩击痛阳性，左髋活动受限，足背动脉搏动可及，足趾感觉、活动正常。
【实验室及辅助检查】2026-04-02 本院急诊左髋关节正侧位X线片：左股骨颈骨折，断端移位（Garden Ⅳ型）。血常规：WBC 8.9×10^9/L，Hb 118g/L。
【入院诊断】1. 左股骨颈骨折（Garden Ⅳ型）
2. 高血压病2级
3. 骨质疏松
记录医师：刘洋`;

const FIRST = `首次病程记录
2026年04月02日 17时30分
一、病例特点
1. 老年女性，急性起病。2. 平地滑倒后左髋部疼痛、活动受限6小时。3. 查体左下肢短缩外旋畸形，左下肢纵向叩击痛阳性。4. X线片示左股骨颈骨折，断端移位。
二、拟诊讨论
诊断依据：外伤史明确，典型体征，X线片证实，左股骨颈骨折（Garden Ⅳ型）诊断成立。
鉴别诊断：1. 股骨转子间骨折：压痛点位于大转子，X线可鉴别；2. 髋关节脱位：有弹性固定体征，本例X线不支持。
三、诊疗计划
1. 骨科护理常规，左下肢皮牵引制动；2. 完善术前检查，评估心肺功能；3. 低分子肝素预防深静脉血栓；4. 拟限期行左侧人工股骨头置换术。
记录医师：刘洋`;

const ROUND = `${D2} 09:10　主任医师查房记录
今日陈主任查房，补充病史：患者伤前可独立行走，生活自理。查体：左下肢短缩外旋畸形，左髋活动受限，足背动脉搏动好。
陈主任指示：患者高龄，Garden Ⅳ型股骨颈骨折，股骨头坏死及骨不连风险高，诊断明确，符合人工股骨头置换指征；需与股骨转子间骨折鉴别，X线已排除。心肺功能评估可耐受手术。计划明日在腰硬联合麻醉下行左侧人工股骨头置换术，术前30分钟预防性使用头孢呋辛，术后继续低分子肝素预防深静脉血栓。
记录医师：刘洋　审签：陈志刚`;

const OP = `手 术 记 录
姓名：何桂兰　　住院号：ZY2026040217　　科别：骨科
手术日期：2026-04-04 09:00至10:40
术前诊断：左股骨颈骨折（Garden Ⅳ型）
术后诊断：左股骨颈骨折（Garden Ⅳ型）
手术名称：左侧人工股骨头置换术
主刀：陈志刚　　一助：孙海涛　　二助：刘洋
麻醉：腰硬联合麻醉　　麻醉医师：周敏
手术经过及术中所见：
麻醉成功后取右侧卧位，常规消毒铺巾。取左髋后外侧切口长约10cm，逐层切开，切开关节囊，见股骨颈骨折，断端移位，股骨头完整。截骨取出股骨头，测量直径44mm。扩髓后植入人工股骨头假体一套（双动头44mm，条码：6901234567890），复位后髋关节活动良好，无脱位倾向。冲洗，放置引流管1根，逐层缝合。术中出血约200ml，未输血。术毕安返病房。
记录医师：陈志刚`;

const POSTOP = `术后首次病程记录
${D3} 11:10
患者于今日在腰硬联合麻醉下行左侧人工股骨头置换术，手术顺利，术中出血约200ml，未输血。术后安返病房，生命体征平稳，左下肢末梢血运、感觉、活动正常。术后处理：心电监护，头孢呋辛预防性抗感染24小时，低分子肝素预防深静脉血栓，注意引流量。
记录医师：陈志刚`;

const PROGRESS_D4 = `${D4} 08:40　术后第1天
患者诉切口疼痛可耐受，无发热，无胸闷、气促。查体：切口敷料干燥，引流量约60ml，左下肢血运好。复查Hb 105g/L。今日拔除引流管，指导床上功能锻炼，继续低分子肝素预防血栓。
记录医师：刘洋`;

const PROGRESS_D6 = `${D6} 09:00　日常病程记录
患者一般情况好，切口无红肿渗出，在助行器辅助下站立。复查左髋关节X线片示假体位置良好。继续抗凝及康复锻炼，拟近日出院。
记录医师：刘洋`;

const DISCHARGE = `出 院 记 录
姓名：何桂兰　性别：女　年龄：79岁　住院号：ZY2026040217
入院日期：2026年04月02日　出院日期：2026年04月09日　住院天数：7天
入院情况：摔伤致左髋部疼痛、活动受限6小时，左下肢短缩外旋畸形，X线片示左股骨颈骨折。
入院诊断：1. 左股骨颈骨折（Garden Ⅳ型）　2. 高血压病2级　3. 骨质疏松
诊疗经过：入院后完善检查，于2026-04-04在腰硬联合麻醉下行左侧人工股骨头置换术，术后预防感染、抗凝及康复锻炼，恢复顺利。
出院诊断：1. 左股骨颈骨折（Garden Ⅳ型）　2. 高血压病2级　3. 骨质疏松
出院情况：切口愈合良好，已拆线，助行器辅助下可行走。
出院医嘱：1. 继续口服利伐沙班10mg每日一次至术后5周；2. 避免患髋过度屈曲内收；3. 术后1个月骨科门诊复查。
记录医师：刘洋　上级医师：孙海涛`;

export const ORTHO_HIP = {
  id: 'dev2-ortho',
  ref: 'Encounter/dev2-ortho',
  patientId: 'dev2-p-ortho',
  department: '骨科',
  patient: { sex: 'female', birthDate: '1947-01-15', name: '何桂兰' },
  admitAt: at(D1, '14:20'),
  dischargeAt: at(D8, '10:00'),
  archivedAt: at('2026-04-10', '15:00'),
  documents: [
    note('o-an', 'admission-note', res, at(D1, '16:00'), at(D1, '20:00'), ADMISSION),
    note('o-fp', 'first-progress-note', res, at(D1, '17:30'), at(D1, '18:00'), FIRST),
    note('o-wr', 'ward-round', chief, at(D2, '09:10'), at(D2, '11:00'), ROUND, { cosigners: [res] }),
    note(
      'o-pd',
      'preop-discussion',
      chief,
      at(D2, '14:00'),
      at(D2, '15:00'),
      '术前讨论\n拟施手术：左侧人工股骨头置换术\n参加人员：陈志刚主任医师、孙海涛主治医师、刘洋住院医师\n讨论意见：手术指征明确，无绝对禁忌，同意手术。',
      { relatedId: 'o-s1', participants: [chief, att, res] },
    ),
    note(
      'o-ps',
      'preop-summary',
      chief,
      at(D2, '16:00'),
      at(D2, '16:30'),
      '术前小结：拟于2026-04-04在腰硬联合麻醉下行左侧人工股骨头置换术，术前准备已完成。',
      { relatedId: 'o-s1' },
    ),
    {
      id: 'o-cs',
      type: 'consent-surgery',
      relatedId: 'o-s1',
      recordedAt: at(D2, '16:40'),
      completedAt: at(D2, '16:40'),
      author: chief,
      signatures: [
        { id: 'o-pt', role: 'patient', at: at(D2, '16:40') },
        { ...chief, at: at(D2, '16:40') },
      ],
      text: '手术知情同意书\n手术名称：左侧人工股骨头置换术',
    },
    {
      id: 'o-ca',
      type: 'consent-anesthesia',
      relatedId: 'o-s1',
      recordedAt: at(D2, '17:00'),
      completedAt: at(D2, '17:00'),
      author: anaes,
      signatures: [{ id: 'o-pt', role: 'patient', at: at(D2, '17:00') }],
      text: '麻醉知情同意书：腰硬联合麻醉',
    },
    {
      id: 'o-ck',
      type: 'surgical-safety-checklist',
      relatedId: 'o-s1',
      recordedAt: at(D3, '08:45'),
      completedAt: at(D3, '10:50'),
      author: { id: 'o-n1', name: '吴静', role: 'circulating-nurse' },
      signatures: [
        { id: 'o-c1', role: 'surgeon' },
        { id: 'o-an1', role: 'anesthesiologist' },
        { id: 'o-n1', role: 'circulating-nurse' },
      ],
      text: '手术安全核查表：麻醉实施前 √；手术开始前 √；患者离开手术室前 √。',
    },
    note('o-op', 'op-note', chief, at(D3, '11:00'), at(D3, '15:00'), OP, { relatedId: 'o-s1' }),
    note('o-pf', 'postop-first-note', chief, at(D3, '11:10'), at(D3, '11:40'), POSTOP, { relatedId: 'o-s1' }),
    note('o-p1', 'progress-note', res, at(D4, '08:40'), at(D4, '09:00'), PROGRESS_D4),
    note('o-p2', 'progress-note', res, at(D6, '09:00'), at(D6, '09:20'), PROGRESS_D6),
    note('o-dr', 'discharge-record', res, at(D8, '10:30'), at(D8, '14:00'), DISCHARGE, { cosigners: [att] }),
  ],
  orders: [
    {
      id: 'o-o1',
      text: '左髋关节正侧位X线片',
      kind: 'temporary',
      orderedAt: at(D1, '14:40'),
      signedBy: 'o-r1',
      status: 'completed',
      category: 'imaging',
    },
    {
      id: 'o-o2',
      text: '依诺肝素钠注射液 4000AxaIU 皮下注射 每日一次',
      kind: 'long',
      orderedAt: at(D1, '18:00'),
      signedBy: 'o-r1',
      status: 'stopped',
      stopAt: at(D8, '09:00'),
      category: 'anticoagulant',
    },
    {
      id: 'o-o3',
      text: '注射用头孢呋辛钠 1.5g 静脉滴注 术前30分钟',
      kind: 'temporary',
      orderedAt: at(D2, '16:00'),
      signedBy: 'o-r1',
      status: 'completed',
      category: 'antibiotic',
      antibioticTier: 'unrestricted',
      firstDoseAt: at(D3, '08:30'),
    },
    {
      id: 'o-o4',
      text: '拟明日在腰硬联合麻醉下行左侧人工股骨头置换术',
      kind: 'temporary',
      orderedAt: at(D2, '15:30'),
      signedBy: 'o-c1',
      status: 'completed',
      category: 'surgery',
    },
  ],
  results: [
    {
      id: 'o-r1',
      kind: 'imaging',
      name: '左髋关节正侧位X线片',
      orderId: 'o-o1',
      reportedAt: at(D1, '15:30'),
      receivedAt: at(D1, '15:30'),
      filedAt: at(D1, '16:00'),
    },
  ],
  surgeries: [
    {
      id: 'o-s1',
      name: '左侧人工股骨头置换术',
      startAt: at(D3, '09:00'),
      endAt: at(D3, '10:40'),
      surgeonId: 'o-c1',
      urgency: 'elective',
      incisional: true,
      anesthesia: '腰硬联合麻醉',
      implants: [{ type: '人工股骨头假体', count: 1, barcode: '6901234567890' }],
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
    ref: 'Composition/hp-dev2-ortho',
    completedAt: at(D8, '17:00'),
    admitAt: '2026-04-02 14:20',
    dischargeAt: '2026-04-09 10:00',
    los: 7,
    dischargeDisposition: '1',
    admissionRoute: '1',
    mainDiagnosis: { name: '左股骨颈骨折', code: 'S72.000', admissionCondition: '1', laterality: 'left' },
    otherDiagnoses: [
      { name: '高血压病2级', code: 'I10.x00', admissionCondition: '1', kind: 'comorbidity' },
      { name: '骨质疏松', code: 'M81.900', admissionCondition: '1', kind: 'comorbidity' },
    ],
    procedures: [
      {
        name: '左侧人工股骨头置换术',
        code: '81.5200',
        kind: 'surgery',
        level: 3,
        anesthesia: '腰硬联合麻醉',
        anesthesiologist: '周敏',
        incisional: true,
        incisionClass: 'Ⅰ/甲',
        laterality: 'left',
      },
    ],
    drugAllergy: { has: false },
    externalCause: { name: '在家中平地滑倒', code: 'W01.x00' },
    pathologySent: false,
    signatures: [
      { id: 'o-dir', role: 'director' },
      { id: 'o-c1', role: 'chief' },
      { id: 'o-a1', role: 'attending' },
      { id: 'o-r1', role: 'resident' },
      { id: 'o-cod', role: 'coder' },
    ],
  },
} satisfies QcEncounter;
