import type { QcEncounter } from '../../model.js';
import { at, note, physician } from './build.js';

/**
 * 内分泌科: a 68-year-old woman with type 2 diabetes poorly controlled on metformin, started on basal
 * insulin. The form: labels spaced out and two a line ("姓    名：…　性    别：…"), 婚否, 病史采集时间 for
 * the record time, 供史人 for the informant; section headings numbered with the content on the next
 * lines, and two headings followed by spaces instead of a colon ("主  诉  …", "体格检查  T …") as print
 * templates align them; 既往史 sub-items on their own labelled lines; dates written 2026/05/11 10:05;
 * the first attending round naming the physician as "主治医师：黄晓燕"; a nursing allergy record
 * "药物过敏：无". Complete and timely: QC should find nothing.
 */
const res = physician('e-r1', '马骁', 'resident');
const att = physician('e-a1', '黄晓燕', 'attending');
const nurse = { id: 'e-n1', name: '林芳', role: 'nurse' };
const D1 = '2026-05-11';
const D2 = '2026-05-12';
const D4 = '2026-05-14';
const D6 = '2026-05-16';
const D7 = '2026-05-17';

const ADMISSION = `入院记录
姓    名：赵秀珍                性    别：女
年    龄：68岁                  民    族：回族
婚    否：已婚                  职    业：退休教师
出 生 地：河南郑州              供 史 人：患者本人
入院时间：2026/05/11 10:05      病史采集时间：2026/05/11 10:40
主  诉  口干、多饮、多尿8年，血糖控制不佳1个月。
一、现病史
患者8年前无明显诱因出现口干、多饮、多尿，体重下降约5kg，于当地医院查空腹血糖11.6mmol/L，诊断为“2型糖尿病”，予二甲双胍0.5g每日三次口服，空腹血糖控制在7mmol/L左右。
1个月前自测空腹血糖波动于10～13mmol/L，餐后2小时血糖15～18mmol/L，伴乏力，无视物模糊，无手足麻木，无恶心、呕吐、腹痛。今为调整降糖方案来我院门诊，以“2型糖尿病”收入院。
病来精神、睡眠可，食欲正常，大小便正常，近1个月体重无明显变化。
二、既往史
一般健康状况：良好。
疾病史：高脂血症5年，口服阿托伐他汀20mg每晚一次。否认高血压、冠心病病史。
传染病史：否认肝炎、结核等传染病史。
预防接种史：按国家计划接种。
手术外伤史：否认。
输血史：否认。
过敏史：患者否认药物、食物过敏史。
三、个人史
生于原籍，久居本地，无吸烟、饮酒史。
四、婚育史
24岁结婚，育有1子1女，配偶及子女均体健。
五、月经史
初潮13岁，经期5天，周期28～30天，52岁绝经。
六、家族史
父亲已故（脑出血），母亲患2型糖尿病，兄妹体健，否认家族遗传病史。
体格检查  T 36.4℃　P 76次/分　R 18次/分　BP 128/78mmHg　身高158cm　体重66kg　BMI 26.4kg/m²
神志清楚，全身皮肤黏膜无黄染，浅表淋巴结未触及肿大。双肺呼吸音清，心率76次/分，律齐。腹软，无压痛，肝脾肋下未触及。双下肢无水肿。
七、专科检查
双足皮肤完整，足背动脉搏动正常，10g尼龙丝试验双足感觉正常，踝反射存在。
八、辅助检查
2026/05/11 本院门诊：空腹血糖12.4mmol/L，糖化血红蛋白9.1%。
九、初步诊断
1. 2型糖尿病
2. 高脂血症
3. 脂肪肝
医师签名：马骁`;

const FIRST = `首次病程记录
2026/05/11 14:30
【病例特点】老年女性，慢性病程。糖尿病病史8年，二甲双胍单药治疗，近1个月空腹血糖10～13mmol/L，糖化血红蛋白9.1%；查体BMI 26.4kg/m²，双足感觉正常。
【诊断依据】典型“三多一少”症状史，空腹血糖≥7.0mmol/L，糖化血红蛋白9.1%，2型糖尿病诊断明确；血糖控制不达标。
【鉴别诊断】1. 1型糖尿病：多青少年起病，酮症倾向，本例不支持，可查胰岛功能及自身抗体进一步排除；2. 继发性糖尿病：无库欣综合征、肢端肥大症等表现。
【诊疗计划】糖尿病饮食及运动指导；监测七点血糖；在二甲双胍基础上加用甘精胰岛素每晚10U皮下注射控制血糖，根据血糖调整剂量；完善胰岛功能、尿微量白蛋白、眼底检查筛查并发症。
医师签名：马骁`;

const ROUND = `2026/05/12 09:30　主治医师首次查房记录
主治医师：黄晓燕
补充病史：患者近半年饮食控制欠佳，运动少。查体：双足皮肤无破损，足背动脉搏动可。
分析：患者2型糖尿病诊断明确，糖化血红蛋白9.1%，口服单药控制不佳，支持加用基础胰岛素；需排除成人隐匿性自身免疫糖尿病，已送检谷氨酸脱羧酶抗体。
处理意见：继续二甲双胍，甘精胰岛素每晚10U起始，每3天根据空腹血糖调整2U；加强糖尿病教育。
医师签名：马骁/黄晓燕`;

const P1 = `2026/05/14 10:00　日常病程记录
患者无不适，空腹血糖8.6mmol/L，餐后2小时血糖11.2mmol/L。谷氨酸脱羧酶抗体阴性，C肽提示胰岛功能尚可，不支持成人隐匿性自身免疫糖尿病。甘精胰岛素调整为12U每晚一次。
医师签名：马骁`;

const P2 = `2026/05/16 09:20　日常病程记录
患者一般情况好，近2日空腹血糖6.8～7.2mmol/L，未发生低血糖。已掌握胰岛素注射及血糖监测方法，眼底检查未见糖尿病视网膜病变。拟明日出院。
医师签名：马骁`;

const DISCHARGE = `出院记录
入院时间：2026/05/11 10:05　　出院时间：2026/05/17 09:30
入院情况：口干、多饮、多尿8年，血糖控制不佳1个月；空腹血糖12.4mmol/L，糖化血红蛋白9.1%。
入院诊断：1. 2型糖尿病；2. 高脂血症；3. 脂肪肝
诊疗经过：入院后予糖尿病饮食、运动指导，在二甲双胍基础上加用甘精胰岛素，逐步调整剂量，血糖达标；筛查未见糖尿病慢性并发症。
出院诊断：1. 2型糖尿病；2. 高脂血症；3. 脂肪肝
出院情况：无不适，空腹血糖6.8～7.2mmol/L。
出院医嘱：1. 二甲双胍0.5g每日三次；2. 甘精胰岛素12U每晚皮下注射；3. 阿托伐他汀20mg每晚一次；4. 监测血糖，2周后内分泌门诊复诊。
医师签名：马骁　主治医师：黄晓燕`;

export const ENDO_T2DM = {
  id: 'dev2-endo',
  ref: 'Encounter/dev2-endo',
  patientId: 'dev2-p-endo',
  department: '内分泌科',
  patient: { sex: 'female', birthDate: '1958-02-20', name: '赵秀珍' },
  admitAt: at(D1, '10:05'),
  dischargeAt: at(D7, '09:30'),
  archivedAt: at('2026-05-18', '16:00'),
  documents: [
    note('e-an', 'admission-note', res, at(D1, '10:40'), at(D1, '16:00'), ADMISSION),
    note('e-fp', 'first-progress-note', res, at(D1, '14:30'), at(D1, '15:00'), FIRST),
    note('e-wr', 'ward-round', att, at(D2, '09:30'), at(D2, '10:30'), ROUND, { cosigners: [res] }),
    note('e-p1', 'progress-note', res, at(D4, '10:00'), at(D4, '10:20'), P1),
    note('e-p2', 'progress-note', res, at(D6, '09:20'), at(D6, '09:40'), P2),
    {
      id: 'e-na',
      type: 'nursing-allergy',
      recordedAt: at(D1, '10:30'),
      completedAt: at(D1, '10:30'),
      author: nurse,
      signatures: [{ ...nurse, at: at(D1, '10:30') }],
      text: '入院护理评估\n药物过敏：无　食物过敏：无',
    },
    note('e-dr', 'discharge-record', res, at(D7, '10:00'), at(D7, '15:00'), DISCHARGE, { cosigners: [att] }),
  ],
  orders: [
    {
      id: 'e-o1',
      text: '二甲双胍片 0.5g 口服 每日三次',
      kind: 'long',
      orderedAt: at(D1, '11:00'),
      signedBy: 'e-r1',
      status: 'stopped',
      stopAt: at(D7, '09:00'),
      category: 'drug',
    },
    {
      id: 'e-o2',
      text: '甘精胰岛素注射液 10U 皮下注射 每晚一次',
      kind: 'long',
      orderedAt: at(D1, '15:00'),
      signedBy: 'e-r1',
      status: 'stopped',
      stopAt: at(D4, '10:00'),
      category: 'insulin',
    },
    {
      id: 'e-o3',
      text: '甘精胰岛素注射液 12U 皮下注射 每晚一次',
      kind: 'long',
      orderedAt: at(D4, '10:05'),
      signedBy: 'e-r1',
      status: 'stopped',
      stopAt: at(D7, '09:00'),
      category: 'insulin',
    },
    {
      id: 'e-o4',
      text: '阿托伐他汀钙片 20mg 口服 每晚一次',
      kind: 'long',
      orderedAt: at(D1, '11:00'),
      signedBy: 'e-r1',
      status: 'stopped',
      stopAt: at(D7, '09:00'),
      category: 'drug',
    },
  ],
  results: [
    {
      id: 'e-r1',
      kind: 'lab',
      name: '糖化血红蛋白',
      reportedAt: at(D1, '11:30'),
      receivedAt: at(D1, '11:30'),
      filedAt: at(D1, '12:00'),
      value: '9.1 %',
    },
  ],
  surgeries: [],
  rescues: [],
  consults: [],
  transfers: [],
  handovers: [],
  acuity: [],
  transfusions: [],
  criticalValues: [],
  homepage: {
    ref: 'Composition/hp-dev2-endo',
    completedAt: at(D7, '16:30'),
    admitAt: '2026-05-11 10:05',
    dischargeAt: '2026-05-17 09:30',
    los: 6,
    dischargeDisposition: '1',
    admissionRoute: '2',
    mainDiagnosis: { name: '2型糖尿病', code: 'E11.900', admissionCondition: '1' },
    otherDiagnoses: [
      { name: '高脂血症', code: 'E78.500', admissionCondition: '1', kind: 'comorbidity' },
      { name: '脂肪肝', code: 'K76.000', admissionCondition: '1', kind: 'comorbidity' },
    ],
    procedures: [],
    drugAllergy: { has: false },
    pathologySent: false,
    signatures: [
      { id: 'e-dir', role: 'director' },
      { id: 'e-ch', role: 'chief' },
      { id: 'e-a1', role: 'attending' },
      { id: 'e-r1', role: 'resident' },
      { id: 'e-cod', role: 'coder' },
    ],
  },
} satisfies QcEncounter;
