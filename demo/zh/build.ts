/**
 * Writes MedSeek's synthetic Chinese inpatient records (demo/zh/*.json) as FHIR R4 transaction
 * bundles. Every person, date and value here is invented for MedSeek; the records are built to be
 * clinically coherent and to exercise later stages (negated findings, allergies, family history,
 * drug interactions, a critical value, pharmacogenomics). Regenerate with:
 *   npx tsx demo/zh/build.ts
 * Codes: LOINC (https://loinc.org), SNOMED CT, ICD-10, RxNorm ingredients and WHO ATC, UCUM units.
 * The notes' text is in the bundle (base64 UTF-8) and, for reading, beside it in notes/*.txt.
 */
import { createHash } from 'node:crypto';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

type Json = Record<string, unknown>;
const here = fileURLToPath(new URL('.', import.meta.url));

const LOINC = 'http://loinc.org';
const SCT = 'http://snomed.info/sct';
const ICD10 = 'http://hl7.org/fhir/sid/icd-10';
const RXNORM = 'http://www.nlm.nih.gov/research/umls/rxnorm';
const ATC = 'http://www.whocc.no/atc';
const UCUM = 'http://unitsofmeasure.org';
const MRN = 'http://medseek.example/fhir/sid/mrn';

/** A stable urn:uuid from a name, so the bundles (and their imported ids) never change. */
function uuid(name: string): string {
  const h = createHash('sha256').update(`medseek-demo-zh:${name}`).digest('hex');
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-4${h.slice(13, 16)}-8${h.slice(17, 20)}-${h.slice(20, 32)}`;
}

class InpatientRecord {
  readonly entries: Json[] = [];
  readonly patientUrl: string;
  readonly encounterUrl: string;
  readonly notes: { name: string; text: string }[] = [];

  constructor(
    readonly key: string,
    patient: Json,
    readonly admitted: string,
    readonly discharged: string,
    reason: { sct: string; icd: string; display: string; zh: string },
  ) {
    this.patientUrl = this.add('Patient', { ...patient }, 'patient');
    const org = this.add(
      'Organization',
      { identifier: [{ system: 'http://medseek.example/fhir/sid/org', value: 'MSDEMO-H1' }], name: '示例市第一人民医院（虚构）', active: true },
      'organization',
      true,
    );
    this.encounterUrl = this.add(
      'Encounter',
      {
        status: 'finished',
        class: { system: 'http://terminology.hl7.org/CodeSystem/v3-ActCode', code: 'IMP', display: 'inpatient encounter' },
        type: [{ coding: [{ system: SCT, code: '183452005', display: 'Emergency hospital admission' }], text: '住院' }],
        subject: { reference: this.patientUrl },
        period: { start: admitted, end: discharged },
        reasonCode: [{ coding: [{ system: SCT, code: reason.sct, display: reason.display }, { system: ICD10, code: reason.icd }], text: reason.zh }],
        serviceProvider: { reference: org },
      },
      'encounter',
    );
  }

  /** Adds an entry; a `shared` one (the hospital) has the same id in every record. */
  add(resourceType: string, resource: Json, name: string, shared = false): string {
    const fullUrl = `urn:uuid:${uuid(shared ? name : `${this.key}/${name}`)}`;
    this.entries.push({ fullUrl, resource: { resourceType, ...resource }, request: { method: 'POST', url: resourceType } });
    return fullUrl;
  }

  condition(name: string, c: { sct: string; icd: string; display: string; zh: string; onset: string; status?: string; abated?: string }): void {
    this.add(
      'Condition',
      {
        clinicalStatus: { coding: [{ system: 'http://terminology.hl7.org/CodeSystem/condition-clinical', code: c.status ?? 'active' }] },
        verificationStatus: { coding: [{ system: 'http://terminology.hl7.org/CodeSystem/condition-ver-status', code: 'confirmed' }] },
        category: [{ coding: [{ system: 'http://terminology.hl7.org/CodeSystem/condition-category', code: 'encounter-diagnosis' }] }],
        code: { coding: [{ system: SCT, code: c.sct, display: c.display }, { system: ICD10, code: c.icd }], text: c.zh },
        subject: { reference: this.patientUrl },
        encounter: { reference: this.encounterUrl },
        onsetDateTime: c.onset,
        ...(c.abated ? { abatementDateTime: c.abated } : {}),
        recordedDate: this.admitted,
      },
      `condition/${name}`,
    );
  }

  /** A laboratory or vital-sign result with a LOINC code and a UCUM unit. */
  obs(name: string, o: { loinc: string; display: string; zh: string; value: number; unit: string; ucum?: string; at: string; vital?: boolean; low?: number; high?: number; interpretation?: 'H' | 'L' | 'HH' | 'LL' | 'N' }): void {
    this.add(
      'Observation',
      {
        status: 'final',
        category: [
          {
            coding: [
              { system: 'http://terminology.hl7.org/CodeSystem/observation-category', code: o.vital ? 'vital-signs' : 'laboratory', display: o.vital ? 'Vital Signs' : 'Laboratory' },
            ],
          },
        ],
        code: { coding: [{ system: LOINC, code: o.loinc, display: o.display }], text: o.zh },
        subject: { reference: this.patientUrl },
        encounter: { reference: this.encounterUrl },
        effectiveDateTime: o.at,
        valueQuantity: { value: o.value, unit: o.unit, system: UCUM, code: o.ucum ?? o.unit },
        ...(o.interpretation
          ? { interpretation: [{ coding: [{ system: 'http://terminology.hl7.org/CodeSystem/v3-ObservationInterpretation', code: o.interpretation }] }] }
          : {}),
        ...(o.low !== undefined || o.high !== undefined
          ? {
              referenceRange: [
                {
                  ...(o.low !== undefined ? { low: { value: o.low, unit: o.unit, system: UCUM, code: o.ucum ?? o.unit } } : {}),
                  ...(o.high !== undefined ? { high: { value: o.high, unit: o.unit, system: UCUM, code: o.ucum ?? o.unit } } : {}),
                },
              ],
            }
          : {}),
      },
      `observation/${name}`,
    );
  }

  bloodPressure(name: string, systolic: number, diastolic: number, at: string): void {
    const q = (value: number) => ({ value, unit: 'mmHg', system: UCUM, code: 'mm[Hg]' });
    this.add(
      'Observation',
      {
        status: 'final',
        category: [{ coding: [{ system: 'http://terminology.hl7.org/CodeSystem/observation-category', code: 'vital-signs' }] }],
        code: { coding: [{ system: LOINC, code: '85354-9', display: 'Blood pressure panel with all children optional' }], text: '血压' },
        subject: { reference: this.patientUrl },
        encounter: { reference: this.encounterUrl },
        effectiveDateTime: at,
        component: [
          { code: { coding: [{ system: LOINC, code: '8480-6', display: 'Systolic blood pressure' }], text: '收缩压' }, valueQuantity: q(systolic) },
          { code: { coding: [{ system: LOINC, code: '8462-4', display: 'Diastolic blood pressure' }], text: '舒张压' }, valueQuantity: q(diastolic) },
        ],
      },
      `observation/${name}`,
    );
  }

  med(
    name: string,
    m: { rxnorm?: string; atc: string; display: string; zh: string; dose: number; unit: string; route: string; routeZh: string; freq: number; period?: number; periodUnit?: string; timingZh: string; authored: string; status?: string; note?: string },
  ): void {
    this.add(
      'MedicationRequest',
      {
        status: m.status ?? 'active',
        intent: 'order',
        medicationCodeableConcept: {
          coding: [...(m.rxnorm ? [{ system: RXNORM, code: m.rxnorm, display: m.display }] : []), { system: ATC, code: m.atc, display: m.display }],
          text: m.zh,
        },
        subject: { reference: this.patientUrl },
        encounter: { reference: this.encounterUrl },
        authoredOn: m.authored,
        dosageInstruction: [
          {
            text: `${m.zh} ${m.dose}${m.unit} ${m.routeZh} ${m.timingZh}`,
            timing: { repeat: { frequency: m.freq, period: m.period ?? 1, periodUnit: m.periodUnit ?? 'd' } },
            route: { coding: [{ system: SCT, code: m.route }], text: m.routeZh },
            doseAndRate: [{ doseQuantity: { value: m.dose, unit: m.unit, system: UCUM, code: m.unit } }],
          },
        ],
        ...(m.note ? { note: [{ text: m.note }] } : {}),
      },
      `medication/${name}`,
    );
  }

  allergy(name: string, a: { sct: string; display: string; zh: string; reactionSct: string; reactionDisplay: string; reactionZh: string; criticality: string; category: string }): void {
    this.add(
      'AllergyIntolerance',
      {
        clinicalStatus: { coding: [{ system: 'http://terminology.hl7.org/CodeSystem/allergyintolerance-clinical', code: 'active' }] },
        verificationStatus: { coding: [{ system: 'http://terminology.hl7.org/CodeSystem/allergyintolerance-verification', code: 'confirmed' }] },
        type: 'allergy',
        category: [a.category],
        criticality: a.criticality,
        code: { coding: [{ system: SCT, code: a.sct, display: a.display }], text: a.zh },
        patient: { reference: this.patientUrl },
        recordedDate: this.admitted,
        reaction: [{ manifestation: [{ coding: [{ system: SCT, code: a.reactionSct, display: a.reactionDisplay }], text: a.reactionZh }] }],
      },
      `allergy/${name}`,
    );
  }

  /** A clinical note: 入院记录 (LOINC 34117-2), 病程记录 (11506-3), 出院记录 (18842-5). */
  note(name: string, n: { loinc: string; display: string; title: string; date: string; text: string }): void {
    const text = n.text.trim();
    this.notes.push({ name, text });
    this.add(
      'DocumentReference',
      {
        status: 'current',
        docStatus: 'final',
        type: { coding: [{ system: LOINC, code: n.loinc, display: n.display }], text: n.title },
        category: [{ coding: [{ system: 'http://hl7.org/fhir/us/core/CodeSystem/us-core-documentreference-category', code: 'clinical-note' }] }],
        subject: { reference: this.patientUrl },
        date: n.date,
        description: n.title,
        content: [{ attachment: { contentType: 'text/plain; charset=utf-8', language: 'zh-CN', title: n.title, data: Buffer.from(text, 'utf8').toString('base64') } }],
        context: { encounter: [{ reference: this.encounterUrl }], period: { start: n.date } },
      },
      `note/${name}`,
    );
  }

  write(file: string): void {
    const bundle = { resourceType: 'Bundle', type: 'transaction', entry: this.entries };
    writeFileSync(join(here, file), `${JSON.stringify(bundle, null, 1)}\n`);
    const notesDir = join(here, 'notes');
    mkdirSync(notesDir, { recursive: true });
    for (const n of this.notes) writeFileSync(join(notesDir, `${file.replace(/\.json$/, '')}.${n.name}.txt`), `${n.text}\n`);
  }
}

const PO = { route: '26643006', routeZh: '口服' };
/**
 * The laboratory's eGFR reference limit: ≥ 60 mL/min/1.73 m². An eGFR of 60–89 alone is not
 * decreased kidney function by the CKD definition (KDIGO 2012 CKD guideline, ch. 1: GFR category G2
 * "mildly decreased" is CKD only with markers of kidney damage), and laboratories following the
 * NKDEP recommendation report values above 60 without a flag.
 */
const EGFR_RANGE = { low: 60 };
const IV = { route: '47625008', routeZh: '静脉滴注' };

// ── (a) 社区获得性肺炎：发热、咳嗽；否认胸痛；青霉素过敏；家族史 ────────────────────────────
function pneumonia(): InpatientRecord {
  const r = new InpatientRecord(
    'zh-cap',
    {
      identifier: [{ system: MRN, value: 'ZY20240108001' }],
      name: [{ text: '张建国', family: '张', given: ['建国'] }],
      gender: 'male',
      birthDate: '1956-05-14',
      address: [{ city: '示例市', country: 'CN' }],
      communication: [{ language: { coding: [{ system: 'urn:ietf:bcp:47', code: 'zh-CN' }] }, preferred: true }],
    },
    '2024-01-08T10:20:00+08:00',
    '2024-01-15T09:30:00+08:00',
    { sct: '385093006', icd: 'J18.9', display: 'Community acquired pneumonia', zh: '社区获得性肺炎' },
  );
  r.condition('cap', { sct: '385093006', icd: 'J18.9', display: 'Community acquired pneumonia', zh: '社区获得性肺炎（右下肺）', onset: '2024-01-05', status: 'resolved', abated: '2024-01-15' });
  r.condition('htn', { sct: '38341003', icd: 'I10', display: 'Hypertensive disorder', zh: '高血压病2级', onset: '2014' });
  r.allergy('penicillin', {
    sct: '91936005', display: 'Allergy to penicillin', zh: '青霉素过敏', reactionSct: '271807003', reactionDisplay: 'Eruption of skin', reactionZh: '全身皮疹', criticality: 'high', category: 'medication',
  });
  r.add(
    'FamilyMemberHistory',
    {
      status: 'completed',
      patient: { reference: r.patientUrl },
      date: '2024-01-08',
      relationship: { coding: [{ system: 'http://terminology.hl7.org/CodeSystem/v3-RoleCode', code: 'FTH', display: 'father' }], text: '父亲' },
      deceasedBoolean: true,
      condition: [{ code: { coding: [{ system: SCT, code: '363358000', display: 'Malignant tumor of lung' }], text: '肺癌' }, onsetAge: { value: 70, unit: 'a', system: UCUM, code: 'a' } }],
    },
    'family/father',
  );
  const d1 = '2024-01-08T10:40:00+08:00';
  r.obs('temp-1', { loinc: '8310-5', display: 'Body temperature', zh: '体温', value: 39.2, unit: 'Cel', at: d1, vital: true, interpretation: 'H' });
  r.obs('hr-1', { loinc: '8867-4', display: 'Heart rate', zh: '心率', value: 108, unit: '/min', at: d1, vital: true, interpretation: 'H' });
  r.obs('rr-1', { loinc: '9279-1', display: 'Respiratory rate', zh: '呼吸频率', value: 24, unit: '/min', at: d1, vital: true, interpretation: 'H' });
  r.obs('spo2-1', { loinc: '59408-5', display: 'Oxygen saturation in Arterial blood by Pulse oximetry', zh: '经皮血氧饱和度', value: 93, unit: '%', at: d1, vital: true, interpretation: 'L' });
  r.bloodPressure('bp-1', 135, 82, d1);
  const l1 = '2024-01-08T11:30:00+08:00';
  r.obs('wbc-1', { loinc: '6690-2', display: 'Leukocytes [#/volume] in Blood by Automated count', zh: '白细胞计数', value: 14.2, unit: '10*9/L', at: l1, low: 3.5, high: 9.5, interpretation: 'H' });
  r.obs('neut-1', { loinc: '770-8', display: 'Neutrophils/100 leukocytes in Blood by Automated count', zh: '中性粒细胞百分比', value: 86.3, unit: '%', at: l1, low: 40, high: 75, interpretation: 'H' });
  r.obs('crp-1', { loinc: '1988-5', display: 'C reactive protein [Mass/volume] in Serum or Plasma', zh: 'C反应蛋白', value: 96, unit: 'mg/L', at: l1, high: 10, interpretation: 'H' });
  r.obs('pct-1', { loinc: '33959-8', display: 'Procalcitonin [Mass/volume] in Serum or Plasma', zh: '降钙素原', value: 1.2, unit: 'ng/mL', at: l1, high: 0.5, interpretation: 'H' });
  r.obs('cr-1', { loinc: '14682-9', display: 'Creatinine [Moles/volume] in Serum or Plasma', zh: '肌酐', value: 84, unit: 'umol/L', at: l1, low: 57, high: 111 });
  const d4 = '2024-01-11T08:00:00+08:00';
  r.obs('temp-4', { loinc: '8310-5', display: 'Body temperature', zh: '体温', value: 36.8, unit: 'Cel', at: d4, vital: true, interpretation: 'N' });
  r.obs('wbc-6', { loinc: '6690-2', display: 'Leukocytes [#/volume] in Blood by Automated count', zh: '白细胞计数', value: 8.1, unit: '10*9/L', at: '2024-01-13T07:30:00+08:00', low: 3.5, high: 9.5, interpretation: 'N' });
  r.obs('crp-6', { loinc: '1988-5', display: 'C reactive protein [Mass/volume] in Serum or Plasma', zh: 'C反应蛋白', value: 12, unit: 'mg/L', at: '2024-01-13T07:30:00+08:00', high: 10, interpretation: 'H' });
  r.med('moxifloxacin', { rxnorm: '139462', atc: 'J01MA14', display: 'moxifloxacin', zh: '盐酸莫西沙星氯化钠注射液', dose: 0.4, unit: 'g', ...IV, freq: 1, timingZh: '每日一次', authored: '2024-01-08T12:00:00+08:00', status: 'completed', note: '青霉素过敏，选用喹诺酮类' });
  // Ambroxol is not marketed in the US and has no RxNorm ingredient: ATC only.
  r.med('ambroxol', { atc: 'R05CB06', display: 'ambroxol', zh: '盐酸氨溴索片', dose: 30, unit: 'mg', ...PO, freq: 3, timingZh: '每日三次', authored: '2024-01-08T12:00:00+08:00' });
  r.med('amlodipine', { rxnorm: '17767', atc: 'C08CA01', display: 'amlodipine', zh: '苯磺酸氨氯地平片', dose: 5, unit: 'mg', ...PO, freq: 1, timingZh: '每日一次', authored: '2024-01-08T12:00:00+08:00' });
  r.note('admission', {
    loinc: '34117-2', display: 'History and physical note', title: '入院记录', date: '2024-01-08T14:00:00+08:00',
    text: `
入院记录
姓名：张建国　性别：男　年龄：67岁　科室：呼吸与危重症医学科　入院时间：2024-01-08 10:20
主诉：发热、咳嗽、咳痰3天。
现病史：患者3天前受凉后出现发热，最高体温39.5℃，伴畏寒、咳嗽，咳黄色黏痰，量中等，伴活动后气促。否认胸痛，否认咯血，无盗汗，无恶心呕吐，无腹泻。自服“感冒药”（具体不详）无好转，今日来我院急诊，查血常规白细胞14.2×10^9/L，胸部CT示右下肺斑片状实变影，拟“社区获得性肺炎”收入院。
既往史：高血压病史10年，最高160/95mmHg，规律口服氨氯地平5mg每日一次，血压控制可。否认糖尿病、冠心病病史。否认肝炎、结核等传染病史。否认手术、外伤及输血史。
过敏史：青霉素过敏，表现为全身皮疹。否认其他药物及食物过敏。
个人史：吸烟30年，每日20支，已戒烟5年。偶饮酒。
家族史：父亲患肺癌，已故。母亲体健。否认家族性遗传病史。
体格检查：T 39.2℃，P 108次/分，R 24次/分，BP 135/82mmHg，SpO2 93%（未吸氧）。神志清楚，急性病容。口唇无发绀。右下肺可闻及湿性啰音，左肺呼吸音清。心律齐，未闻及杂音。腹软，无压痛。双下肢无水肿。
辅助检查：血常规：WBC 14.2×10^9/L，中性粒细胞百分比86.3%；CRP 96mg/L；PCT 1.2ng/mL；肌酐84μmol/L。胸部CT：右下肺斑片状实变影，考虑肺炎。
初步诊断：1. 社区获得性肺炎（右下肺）；2. 高血压病2级。
诊疗计划：患者青霉素过敏，避免使用青霉素类，经验性给予莫西沙星0.4g静脉滴注每日一次抗感染，氨溴索化痰，继续氨氯地平降压；留取痰培养及血培养；监测体温及血氧饱和度。
医师签名：李医生（虚构）`,
  });
  r.note('progress-d4', {
    loinc: '11506-3', display: 'Progress note', title: '病程记录', date: '2024-01-11T10:00:00+08:00',
    text: `
病程记录
2024-01-11 10:00　主治医师查房记录
患者入院第4天，体温已降至正常（36.8℃），咳嗽较前减轻，痰量减少，无气促。否认胸痛、心悸。查体：右下肺湿啰音较前减少。痰培养：肺炎链球菌，对莫西沙星敏感。血培养阴性。
分析：社区获得性肺炎治疗有效，继续莫西沙星抗感染，复查血常规、CRP。
医师签名：王主治医师（虚构）`,
  });
  r.note('discharge', {
    loinc: '18842-5', display: 'Discharge summary', title: '出院记录', date: '2024-01-15T09:30:00+08:00',
    text: `
出院记录
入院时间：2024-01-08　出院时间：2024-01-15　住院天数：7天
入院情况：因“发热、咳嗽、咳痰3天”入院，T 39.2℃，右下肺湿啰音，WBC 14.2×10^9/L，CRP 96mg/L，胸部CT示右下肺实变。
诊疗经过：予莫西沙星0.4g静脉滴注每日一次抗感染（青霉素过敏），氨溴索化痰。第4天体温恢复正常，第6天复查WBC 8.1×10^9/L，CRP 12mg/L。
出院诊断：1. 社区获得性肺炎（右下肺），已好转；2. 高血压病2级。
出院情况：无发热，偶有咳嗽，无胸痛，无气促。
出院医嘱：1. 继续口服氨氯地平5mg每日一次；2. 氨溴索30mg每日三次，服用1周；3. 2周后复查胸部CT；4. 如再次发热或气促加重及时就诊。
过敏提示：青霉素过敏。`,
  });
  return r;
}

// ── (b) 心力衰竭/房颤，华法林 + NSAID，血钾 6.5 mmol/L 危急值，eGFR 下降 ──────────────────
function heartFailure(): InpatientRecord {
  const r = new InpatientRecord(
    'zh-hf',
    {
      identifier: [{ system: MRN, value: 'ZY20240220017' }],
      name: [{ text: '李秀英', family: '李', given: ['秀英'] }],
      gender: 'female',
      birthDate: '1947-09-03',
      address: [{ city: '示例市', country: 'CN' }],
    },
    '2024-02-20T15:10:00+08:00',
    '2024-02-29T10:00:00+08:00',
    { sct: '42343007', icd: 'I50.9', display: 'Congestive heart failure', zh: '慢性心力衰竭急性加重' },
  );
  r.condition('hf', { sct: '42343007', icd: 'I50.9', display: 'Congestive heart failure', zh: '慢性心力衰竭急性加重（NYHA III级）', onset: '2019' });
  r.condition('af', { sct: '49436004', icd: 'I48.1', display: 'Atrial fibrillation', zh: '持续性心房颤动', onset: '2018' });
  r.condition('ckd', { sct: '700379002', icd: 'N18.3', display: 'Chronic kidney disease stage 3B', zh: '慢性肾脏病3b期', onset: '2022' });
  r.condition('oa', { sct: '239873007', icd: 'M17.9', display: 'Osteoarthritis of knee', zh: '双膝骨关节炎', onset: '2015' });
  r.condition('hyperk', { sct: '14140009', icd: 'E87.5', display: 'Hyperkalemia', zh: '高钾血症', onset: '2024-02-22T06:30:00+08:00', status: 'resolved', abated: '2024-02-25' });
  r.allergy('nkda', { sct: '716186003', display: 'No known allergy', zh: '无已知过敏', reactionSct: '260413007', reactionDisplay: 'None', reactionZh: '无', criticality: 'low', category: 'medication' });
  const d1 = '2024-02-20T15:30:00+08:00';
  r.obs('hr-1', { loinc: '8867-4', display: 'Heart rate', zh: '心率', value: 112, unit: '/min', at: d1, vital: true, interpretation: 'H' });
  r.bloodPressure('bp-1', 148, 88, d1);
  r.obs('spo2-1', { loinc: '59408-5', display: 'Oxygen saturation in Arterial blood by Pulse oximetry', zh: '经皮血氧饱和度', value: 91, unit: '%', at: d1, vital: true, interpretation: 'L' });
  r.obs('weight-1', { loinc: '29463-7', display: 'Body weight', zh: '体重', value: 68, unit: 'kg', at: d1, vital: true });
  const l1 = '2024-02-20T16:20:00+08:00';
  r.obs('k-1', { loinc: '2823-3', display: 'Potassium [Moles/volume] in Serum or Plasma', zh: '血钾', value: 5.1, unit: 'mmol/L', at: l1, low: 3.5, high: 5.3, interpretation: 'N' });
  r.obs('na-1', { loinc: '2951-2', display: 'Sodium [Moles/volume] in Serum or Plasma', zh: '血钠', value: 134, unit: 'mmol/L', at: l1, low: 137, high: 147, interpretation: 'L' });
  r.obs('cr-1', { loinc: '14682-9', display: 'Creatinine [Moles/volume] in Serum or Plasma', zh: '肌酐', value: 118, unit: 'umol/L', at: l1, low: 41, high: 81, interpretation: 'H' });
  r.obs('egfr-1', { loinc: '62238-1', display: 'Glomerular filtration rate/1.73 sq M.predicted [Volume Rate/Area] in Serum, Plasma or Blood by Creatinine-based formula (CKD-EPI)', zh: '估算肾小球滤过率', value: 39, unit: 'mL/min/{1.73_m2}', at: l1, ...EGFR_RANGE, interpretation: 'L' });
  r.obs('ntprobnp-1', { loinc: '33762-6', display: 'Natriuretic peptide.B prohormone N-Terminal [Mass/volume] in Serum or Plasma', zh: 'N末端B型利钠肽原', value: 5800, unit: 'pg/mL', at: l1, high: 125, interpretation: 'H' });
  r.obs('inr-1', { loinc: '6301-6', display: 'INR in Platelet poor plasma by Coagulation assay', zh: '国际标准化比值', value: 2.4, unit: '{INR}', at: l1, low: 2, high: 3 });
  // The critical value: drawn on day 3 while on spironolactone with an eGFR in the 30s.
  const l3 = '2024-02-22T06:30:00+08:00';
  r.obs('k-3', { loinc: '2823-3', display: 'Potassium [Moles/volume] in Serum or Plasma', zh: '血钾', value: 6.5, unit: 'mmol/L', at: l3, low: 3.5, high: 5.3, interpretation: 'HH' });
  r.obs('cr-3', { loinc: '14682-9', display: 'Creatinine [Moles/volume] in Serum or Plasma', zh: '肌酐', value: 132, unit: 'umol/L', at: l3, low: 41, high: 81, interpretation: 'H' });
  r.obs('egfr-3', { loinc: '62238-1', display: 'Glomerular filtration rate/1.73 sq M.predicted [Volume Rate/Area] in Serum, Plasma or Blood by Creatinine-based formula (CKD-EPI)', zh: '估算肾小球滤过率', value: 34, unit: 'mL/min/{1.73_m2}', at: l3, ...EGFR_RANGE, interpretation: 'L' });
  r.obs('k-5', { loinc: '2823-3', display: 'Potassium [Moles/volume] in Serum or Plasma', zh: '血钾', value: 4.8, unit: 'mmol/L', at: '2024-02-24T06:30:00+08:00', low: 3.5, high: 5.3, interpretation: 'N' });
  r.obs('inr-5', { loinc: '6301-6', display: 'INR in Platelet poor plasma by Coagulation assay', zh: '国际标准化比值', value: 3.4, unit: '{INR}', at: '2024-02-24T06:30:00+08:00', low: 2, high: 3, interpretation: 'H' });
  r.obs('weight-9', { loinc: '29463-7', display: 'Body weight', zh: '体重', value: 64.5, unit: 'kg', at: '2024-02-28T08:00:00+08:00', vital: true });
  const a = '2024-02-20T17:00:00+08:00';
  r.med('warfarin', { rxnorm: '11289', atc: 'B01AA03', display: 'warfarin', zh: '华法林钠片', dose: 3, unit: 'mg', ...PO, freq: 1, timingZh: '每日一次', authored: a });
  r.med('furosemide', { rxnorm: '4603', atc: 'C03CA01', display: 'furosemide', zh: '呋塞米片', dose: 20, unit: 'mg', ...PO, freq: 2, timingZh: '每日两次', authored: a });
  r.med('spironolactone', { rxnorm: '9997', atc: 'C03DA01', display: 'spironolactone', zh: '螺内酯片', dose: 20, unit: 'mg', ...PO, freq: 1, timingZh: '每日一次', authored: a, status: 'stopped', note: '2024-02-22 血钾6.5mmol/L，停用' });
  r.med('metoprolol', { rxnorm: '6918', atc: 'C07AB02', display: 'metoprolol', zh: '琥珀酸美托洛尔缓释片', dose: 47.5, unit: 'mg', ...PO, freq: 1, timingZh: '每日一次', authored: a });
  // Ordered by the orthopaedic consultant for knee pain, on warfarin, in heart failure, with CKD.
  r.med('ibuprofen', { rxnorm: '5640', atc: 'M01AE01', display: 'ibuprofen', zh: '布洛芬缓释胶囊', dose: 300, unit: 'mg', ...PO, freq: 2, timingZh: '每日两次', authored: '2024-02-21T16:00:00+08:00' });
  r.note('admission', {
    loinc: '34117-2', display: 'History and physical note', title: '入院记录', date: '2024-02-20T18:00:00+08:00',
    text: `
入院记录
姓名：李秀英　性别：女　年龄：76岁　科室：心血管内科　入院时间：2024-02-20 15:10
主诉：反复活动后气促5年，加重伴双下肢水肿1周。
现病史：患者5年前诊断“慢性心力衰竭”，平素口服呋塞米、螺内酯、美托洛尔治疗。1周前受凉后气促加重，夜间不能平卧，伴双下肢水肿，尿量减少。否认胸痛，否认晕厥，无咯血，无发热。
既往史：持续性心房颤动6年，长期口服华法林3mg每日一次抗凝，INR控制在2-3之间。慢性肾脏病3b期2年。双膝骨关节炎多年，间断膝痛。否认糖尿病。
过敏史：否认药物及食物过敏史。
个人史：无吸烟饮酒史。
家族史：否认家族性心脏病及遗传病史。
体格检查：P 112次/分（心律绝对不齐），BP 148/88mmHg，SpO2 91%，体重68kg。半卧位，颈静脉怒张，双肺底可闻及湿啰音。心界向左下扩大，心律绝对不齐，第一心音强弱不等。双下肢凹陷性水肿（++）。
辅助检查：NT-proBNP 5800pg/mL；血钾5.1mmol/L，血钠134mmol/L；肌酐118μmol/L，eGFR 39mL/min/1.73m²；INR 2.4。心电图：心房颤动，心室率约110次/分。
初步诊断：1. 慢性心力衰竭急性加重，NYHA III级；2. 持续性心房颤动；3. 慢性肾脏病3b期；4. 双膝骨关节炎。
诊疗计划：低盐饮食，限制入量，记24小时出入量；继续呋塞米利尿、螺内酯、美托洛尔控制心室率；继续华法林抗凝，监测INR；监测电解质及肾功能。
医师签名：陈医生（虚构）`,
  });
  r.note('progress-d2', {
    loinc: '11506-3', display: 'Progress note', title: '病程记录', date: '2024-02-21T17:00:00+08:00',
    text: `
病程记录
2024-02-21 17:00　骨科会诊后记录
患者诉右膝疼痛明显，影响睡眠。骨科会诊：双膝骨关节炎急性发作，建议布洛芬缓释胶囊0.3g口服每日两次止痛。已遵会诊意见开具医嘱。气促较前稍缓解，双下肢水肿减轻。
医师签名：陈医生（虚构）`,
  });
  r.note('progress-d3', {
    loinc: '11506-3', display: 'Progress note', title: '病程记录', date: '2024-02-22T07:10:00+08:00',
    text: `
病程记录
2024-02-22 07:10　危急值处理记录
检验科来电报告危急值：血钾6.5mmol/L（06:30采血）。复查肌酐132μmol/L，eGFR 34mL/min/1.73m²。患者无胸闷、心悸，床旁心电图示T波高尖，无QRS增宽。
处理：立即停用螺内酯；予10%葡萄糖酸钙10ml缓慢静推，胰岛素+葡萄糖静滴，呋塞米静推；2小时后复查血钾。已通知上级医师。
医师签名：陈医生（虚构）`,
  });
  r.note('discharge', {
    loinc: '18842-5', display: 'Discharge summary', title: '出院记录', date: '2024-02-29T10:00:00+08:00',
    text: `
出院记录
入院时间：2024-02-20　出院时间：2024-02-29　住院天数：9天
入院情况：反复活动后气促5年，加重伴双下肢水肿1周，NT-proBNP 5800pg/mL，eGFR 39mL/min/1.73m²。
诊疗经过：予利尿、控制心室率、抗凝治疗。2024-02-22出现高钾血症（血钾6.5mmol/L），停用螺内酯并予降钾处理，2024-02-24复查血钾4.8mmol/L。2024-02-24 INR 3.4，华法林继续原剂量，嘱门诊复查。体重由68kg降至64.5kg。
出院诊断：1. 慢性心力衰竭急性加重，NYHA III级；2. 持续性心房颤动；3. 慢性肾脏病3b期；4. 高钾血症（已纠正）；5. 双膝骨关节炎。
出院情况：气促明显缓解，可平卧，双下肢水肿消退。
出院医嘱：1. 华法林3mg每日一次，1周内复查INR；2. 呋塞米20mg每日两次；3. 琥珀酸美托洛尔缓释片47.5mg每日一次；4. 停用螺内酯；5. 低盐饮食，每日称体重；6. 心内科门诊随访。`,
  });
  return r;
}

// ── (c) 2型糖尿病，二甲双胍；冠心病 PCI 后氯吡格雷；CYP2C19 *2/*2 慢代谢型 ────────────────
function diabetes(): InpatientRecord {
  const r = new InpatientRecord(
    'zh-dm',
    {
      identifier: [{ system: MRN, value: 'ZY20240311042' }],
      name: [{ text: '王志强', family: '王', given: ['志强'] }],
      gender: 'male',
      birthDate: '1965-11-21',
      address: [{ city: '示例市', country: 'CN' }],
    },
    '2024-03-11T09:00:00+08:00',
    '2024-03-18T11:00:00+08:00',
    { sct: '4557003', icd: 'I20.0', display: 'Preinfarction syndrome', zh: '不稳定型心绞痛' },
  );
  r.condition('t2dm', { sct: '44054006', icd: 'E11.9', display: 'Diabetes mellitus type 2', zh: '2型糖尿病', onset: '2016' });
  r.condition('ua', { sct: '4557003', icd: 'I20.0', display: 'Preinfarction syndrome', zh: '冠状动脉粥样硬化性心脏病 不稳定型心绞痛', onset: '2024-03-09' });
  r.condition('hld', { sct: '55822004', icd: 'E78.5', display: 'Hyperlipidemia', zh: '高脂血症', onset: '2018' });
  r.allergy('sulfonamide', {
    sct: '91939003', display: 'Allergy to sulfonamide', zh: '磺胺类药物过敏', reactionSct: '271807003', reactionDisplay: 'Eruption of skin', reactionZh: '皮疹', criticality: 'low', category: 'medication',
  });
  const d1 = '2024-03-11T09:20:00+08:00';
  r.obs('hr-1', { loinc: '8867-4', display: 'Heart rate', zh: '心率', value: 76, unit: '/min', at: d1, vital: true });
  r.bloodPressure('bp-1', 142, 86, d1);
  r.obs('bmi-1', { loinc: '39156-5', display: 'Body mass index (BMI) [Ratio]', zh: '体重指数', value: 27.4, unit: 'kg/m2', at: d1, vital: true });
  const l1 = '2024-03-11T10:30:00+08:00';
  r.obs('hba1c-1', { loinc: '4548-4', display: 'Hemoglobin A1c/Hemoglobin.total in Blood', zh: '糖化血红蛋白', value: 8.9, unit: '%', at: l1, high: 6.5, interpretation: 'H' });
  r.obs('glu-1', { loinc: '14771-0', display: 'Fasting glucose [Moles/volume] in Serum or Plasma', zh: '空腹血糖', value: 9.8, unit: 'mmol/L', at: l1, low: 3.9, high: 6.1, interpretation: 'H' });
  r.obs('ldl-1', { loinc: '22748-8', display: 'Cholesterol in LDL [Moles/volume] in Serum or Plasma', zh: '低密度脂蛋白胆固醇', value: 2.9, unit: 'mmol/L', at: l1, high: 1.8, interpretation: 'H' });
  r.obs('cr-1', { loinc: '14682-9', display: 'Creatinine [Moles/volume] in Serum or Plasma', zh: '肌酐', value: 88, unit: 'umol/L', at: l1, low: 57, high: 111 });
  r.obs('egfr-1', { loinc: '62238-1', display: 'Glomerular filtration rate/1.73 sq M.predicted [Volume Rate/Area] in Serum, Plasma or Blood by Creatinine-based formula (CKD-EPI)', zh: '估算肾小球滤过率', value: 84, unit: 'mL/min/{1.73_m2}', at: l1, ...EGFR_RANGE });
  r.obs('tni-1', { loinc: '89579-7', display: 'Troponin I.cardiac [Mass/volume] in Serum or Plasma by High sensitivity method', zh: '高敏肌钙蛋白I', value: 12, unit: 'ng/L', at: l1, high: 26 });
  // Pharmacogenomics, after the Genomics Reporting IG: genotype (84413-4) with the gene studied
  // (48018-6, HGNC:2621 = CYP2C19) and the predicted phenotype (53040-2).
  const pgx = '2024-03-13T15:00:00+08:00';
  r.add(
    'Observation',
    {
      status: 'final',
      category: [{ coding: [{ system: 'http://terminology.hl7.org/CodeSystem/observation-category', code: 'laboratory' }] }],
      code: { coding: [{ system: LOINC, code: '84413-4', display: 'Genotype display name' }], text: 'CYP2C19基因型' },
      subject: { reference: r.patientUrl },
      encounter: { reference: r.encounterUrl },
      effectiveDateTime: pgx,
      valueCodeableConcept: { text: 'CYP2C19 *2/*2' },
      component: [{ code: { coding: [{ system: LOINC, code: '48018-6', display: 'Gene studied [ID]' }] }, valueCodeableConcept: { coding: [{ system: 'http://www.genenames.org/geneId', code: 'HGNC:2621', display: 'CYP2C19' }] } }],
    },
    'observation/cyp2c19-genotype',
  );
  r.add(
    'Observation',
    {
      status: 'final',
      category: [{ coding: [{ system: 'http://terminology.hl7.org/CodeSystem/observation-category', code: 'laboratory' }] }],
      code: { coding: [{ system: LOINC, code: '53040-2', display: 'Genetic variation\'s effect on drug metabolism' }], text: 'CYP2C19代谢表型' },
      subject: { reference: r.patientUrl },
      encounter: { reference: r.encounterUrl },
      effectiveDateTime: pgx,
      valueCodeableConcept: { text: 'Poor metabolizer（慢代谢型）' },
      component: [{ code: { coding: [{ system: LOINC, code: '48018-6', display: 'Gene studied [ID]' }] }, valueCodeableConcept: { coding: [{ system: 'http://www.genenames.org/geneId', code: 'HGNC:2621', display: 'CYP2C19' }] } }],
    },
    'observation/cyp2c19-phenotype',
  );
  r.add(
    'Procedure',
    {
      status: 'completed',
      code: { coding: [{ system: SCT, code: '415070008', display: 'Percutaneous coronary intervention' }], text: '经皮冠状动脉介入治疗（前降支支架植入）' },
      subject: { reference: r.patientUrl },
      encounter: { reference: r.encounterUrl },
      performedPeriod: { start: '2024-03-12T14:00:00+08:00', end: '2024-03-12T15:10:00+08:00' },
    },
    'procedure/pci',
  );
  const a = '2024-03-11T11:00:00+08:00';
  r.med('metformin', { rxnorm: '6809', atc: 'A10BA02', display: 'metformin', zh: '盐酸二甲双胍片', dose: 500, unit: 'mg', ...PO, freq: 3, timingZh: '每日三次', authored: a });
  r.med('aspirin', { rxnorm: '1191', atc: 'B01AC06', display: 'aspirin', zh: '阿司匹林肠溶片', dose: 100, unit: 'mg', ...PO, freq: 1, timingZh: '每日一次', authored: a });
  r.med('clopidogrel', { rxnorm: '32968', atc: 'B01AC04', display: 'clopidogrel', zh: '硫酸氢氯吡格雷片', dose: 75, unit: 'mg', ...PO, freq: 1, timingZh: '每日一次', authored: a, status: 'stopped', note: 'PCI术前负荷量300mg后改为75mg每日一次；2024-03-14 CYP2C19慢代谢型，停用，改用替格瑞洛' });
  // CPIC clopidogrel–CYP2C19 guideline (2022), ACS/PCI, poor metabolizer: avoid clopidogrel; prasugrel
  // or ticagrelor at standard dose if not contraindicated. Ticagrelor 90 mg twice daily (label).
  r.med('ticagrelor', { rxnorm: '1116632', atc: 'B01AC24', display: 'ticagrelor', zh: '替格瑞洛片', dose: 90, unit: 'mg', ...PO, freq: 2, timingZh: '每日两次', authored: '2024-03-14T10:30:00+08:00' });
  r.med('atorvastatin', { rxnorm: '83367', atc: 'C10AA05', display: 'atorvastatin', zh: '阿托伐他汀钙片', dose: 20, unit: 'mg', ...PO, freq: 1, timingZh: '每晚一次', authored: a });
  r.med('omeprazole', { rxnorm: '7646', atc: 'A02BC01', display: 'omeprazole', zh: '奥美拉唑肠溶胶囊', dose: 20, unit: 'mg', ...PO, freq: 1, timingZh: '每日一次', authored: a });
  r.note('admission', {
    loinc: '34117-2', display: 'History and physical note', title: '入院记录', date: '2024-03-11T14:00:00+08:00',
    text: `
入院记录
姓名：王志强　性别：男　年龄：58岁　科室：心血管内科　入院时间：2024-03-11 09:00
主诉：反复胸闷2周，加重2天。
现病史：患者2周前活动后出现胸骨后闷痛，休息数分钟可缓解。2天前静息时亦发作，持续约10分钟，伴出汗。无放射痛，无晕厥，否认呼吸困难。门诊心电图示V2-V4导联ST段压低，拟“不稳定型心绞痛”收入院。
既往史：2型糖尿病8年，口服二甲双胍0.5g每日三次，血糖控制欠佳。高脂血症6年，未规律服药。否认高血压病史。否认消化道出血史。
过敏史：磺胺类药物过敏（皮疹）。
个人史：吸烟20年，每日10支，未戒烟。
家族史：母亲患2型糖尿病。否认早发冠心病家族史。
体格检查：P 76次/分，BP 142/86mmHg，BMI 27.4kg/m²。双肺呼吸音清，心律齐，未闻及杂音。双下肢无水肿。
辅助检查：HbA1c 8.9%，空腹血糖9.8mmol/L，LDL-C 2.9mmol/L，肌酐88μmol/L，eGFR 84mL/min/1.73m²，高敏肌钙蛋白I 12ng/L（正常）。
初步诊断：1. 冠状动脉粥样硬化性心脏病 不稳定型心绞痛；2. 2型糖尿病；3. 高脂血症。
诊疗计划：阿司匹林联合氯吡格雷双联抗血小板，阿托伐他汀强化降脂，奥美拉唑护胃；继续二甲双胍降糖（造影前后按规定停用）；择期冠状动脉造影；完善CYP2C19基因检测。
医师签名：赵医生（虚构）`,
  });
  r.note('progress-d3', {
    loinc: '11506-3', display: 'Progress note', title: '病程记录', date: '2024-03-13T16:00:00+08:00',
    text: `
病程记录
2024-03-13 16:00
患者于2024-03-12行冠状动脉造影示前降支近段狭窄90%，植入药物洗脱支架1枚，术后无胸闷胸痛，穿刺处无渗血。今日回报CYP2C19基因型*2/*2，为慢代谢型，氯吡格雷活化受影响。拟与上级医师讨论抗血小板方案调整。
医师签名：赵医生（虚构）`,
  });
  r.note('progress-d4', {
    loinc: '11506-3', display: 'Progress note', title: '病程记录', date: '2024-03-14T10:30:00+08:00',
    text: `
病程记录
2024-03-14 10:30　主任医师查房记录
患者PCI术后第2天，无胸闷胸痛。CYP2C19基因型*2/*2（慢代谢型），氯吡格雷抗血小板作用不足，支架内血栓风险增加。患者无出血史，无替格瑞洛禁忌。停用氯吡格雷，改用替格瑞洛90mg口服每日两次，继续阿司匹林100mg每日一次。
医师签名：赵医生（虚构）`,
  });
  r.note('discharge', {
    loinc: '18842-5', display: 'Discharge summary', title: '出院记录', date: '2024-03-18T11:00:00+08:00',
    text: `
出院记录
入院时间：2024-03-11　出院时间：2024-03-18　住院天数：7天
入院情况：反复胸闷2周，加重2天，心电图V2-V4导联ST段压低。
诊疗经过：2024-03-12行PCI，前降支植入药物洗脱支架1枚。CYP2C19基因型*2/*2（慢代谢型），2024-03-14停用氯吡格雷，改用替格瑞洛。住院期间血糖偏高，继续二甲双胍。
出院诊断：1. 冠状动脉粥样硬化性心脏病 不稳定型心绞痛 PCI术后；2. 2型糖尿病；3. 高脂血症。
出院情况：无胸闷胸痛。
出院医嘱：1. 阿司匹林100mg每日一次；2. 替格瑞洛90mg每日两次；3. 阿托伐他汀20mg每晚一次；4. 二甲双胍0.5g每日三次；5. 奥美拉唑20mg每日一次；6. 戒烟，糖尿病饮食；7. 1个月后心内科门诊复诊。`,
  });
  return r;
}

pneumonia().write('zh-cap-pneumonia.json');
heartFailure().write('zh-hf-af-warfarin.json');
diabetes().write('zh-t2dm-cyp2c19.json');
