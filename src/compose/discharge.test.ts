import { describe, expect, it } from 'vitest';
import type { Fact, MedicationCourse, PatientState, Source } from '../core/index.js';
import { resultFlag, sameDiagnosis } from './clinical.js';
import { SECTION_ORDER, SECTION_TITLES, templateDischargeSummary } from './discharge.js';
import { sentenceText } from './document.js';
import { factPhrase } from './phrases.js';

// A hand-built stay (no fusion, no NLP): every choice of the composer is exercised on facts whose
// truth the test states, not on whatever an extractor happens to read.
const P = 'p1';
const ENC = 'enc-1';
const res = (type: string, id: string): Source => ({ kind: 'resource', resourceType: type, id });
const SCT = 'http://snomed.info/sct';
const ICD = 'http://hl7.org/fhir/sid/icd-10';
const LOINC = 'http://loinc.org';
const RX = 'http://www.nlm.nih.gov/research/umls/rxnorm';

function fact(id: string, f: Partial<Fact> & Pick<Fact, 'category' | 'concept'>): Fact {
  return {
    id,
    patientId: P,
    assertion: 'present',
    subject: { who: 'patient' },
    sources: [res(typeOf(f.category), id)],
    ...f,
  };
}
function typeOf(c: Fact['category']): string {
  return c === 'condition'
    ? 'Condition'
    : c === 'measurement'
      ? 'Observation'
      : c === 'medication'
        ? 'MedicationRequest'
        : c === 'allergy'
          ? 'AllergyIntolerance'
          : c === 'procedure'
            ? 'Procedure'
            : 'Observation';
}
const lab = (
  id: string,
  code: string,
  zh: string,
  en: string,
  value: number,
  unit: string,
  at: string,
  extra: Partial<Fact> = {},
) =>
  fact(id, {
    category: 'measurement',
    concept: { system: LOINC, code, display: en, displayZh: zh },
    value: { value, unit },
    time: { start: at },
    status: 'final',
    ...extra,
  });
const cond = (id: string, zh: string, en: string, sct: string, icd: string, onset: string, extra: Partial<Fact> = {}) =>
  fact(id, {
    category: 'condition',
    concept: { system: SCT, code: sct, display: en, displayZh: zh, codings: [{ system: ICD, code: icd }] },
    time: { start: onset },
    status: 'active',
    ...extra,
  });
const drug = (
  id: string,
  rx: string,
  zh: string,
  en: string,
  dose: number,
  freq: string,
  at: string,
  extra: Partial<Fact> = {},
) =>
  fact(id, {
    category: 'medication',
    concept: { system: RX, code: rx, display: en, displayZh: zh },
    dosage: { dose: { value: dose, unit: 'mg' }, route: 'PO', frequency: { code: freq } },
    time: { start: at },
    status: 'active',
    ...extra,
  });
const course = (f: Fact, c: Partial<MedicationCourse>): MedicationCourse => ({
  concept: f.concept,
  status: 'active',
  discharge: false,
  events: [{ kind: 'started', time: f.time?.start, factIds: [f.id], sources: f.sources }],
  factIds: [f.id],
  sources: f.sources,
  ...c,
});

const ADMIT = '2024-02-20T15:10:00+08:00';
const DISCHARGE = '2024-02-29T10:00:00+08:00';
const hf = cond('c-hf', '慢性心力衰竭急性加重', 'Congestive heart failure', '42343007', 'I50.9', '2019');
const hfNote = fact('n-hf', {
  category: 'condition',
  concept: { system: SCT, code: '84114007', display: 'Heart failure', displayZh: '心力衰竭' },
  section: 'assessment',
  sources: [{ kind: 'text', document: 'DocumentReference/adm', start: 10, end: 14 }],
});
const hfFamily = cond('c-hf2', '左心衰竭', 'Left ventricular failure', '85232009', 'I50.1', '2019');
const af = cond('c-af', '持续性心房颤动', 'Atrial fibrillation', '49436004', 'I48.1', '2018');
const hyperK = cond('c-k', '高钾血症', 'Hyperkalemia', '14140009', 'E87.5', '2024-02-22T06:30:00+08:00', {
  assertion: 'historical',
  status: 'resolved',
  time: { start: '2024-02-22T06:30:00+08:00', end: '2024-02-25' },
});
const k1 = lab('o-k1', '2823-3', '血钾', 'Potassium', 5.1, 'mmol/L', '2024-02-20T16:20:00+08:00', {
  referenceRange: { low: 3.5, high: 5.3, unit: 'mmol/L' },
  interpretation: 'N',
});
const k3 = lab('o-k3', '2823-3', '血钾', 'Potassium', 6.5, 'mmol/L', '2024-02-22T06:30:00+08:00', {
  referenceRange: { low: 3.5, high: 5.3, unit: 'mmol/L' },
  interpretation: 'HH',
});
const k5 = lab('o-k5', '2823-3', '血钾', 'Potassium', 4.8, 'mmol/L', '2024-02-24T06:30:00+08:00', {
  referenceRange: { low: 3.5, high: 5.3, unit: 'mmol/L' },
});
const egfr = lab('o-egfr', '62238-1', '估算肾小球滤过率', 'eGFR', 84, 'mL/min/{1.73_m2}', '2024-02-20T16:20:00+08:00', {
  referenceRange: { low: 60, unit: 'mL/min/{1.73_m2}' },
});
const warfarin = drug('m-warf', '11289', '华法林钠片', 'warfarin', 3, 'QD', '2024-02-20T17:00:00+08:00');
const spiro = drug('m-spiro', '9997', '螺内酯片', 'spironolactone', 20, 'QD', '2024-02-20T17:00:00+08:00', {
  status: 'stopped',
});
const spiroHome = fact('n-spiro', {
  category: 'medication',
  concept: { system: RX, code: '9997', display: 'Spironolactone', displayZh: '螺内酯' },
  section: 'hpi',
  sources: [{ kind: 'text', document: 'DocumentReference/adm', start: 40, end: 43 }],
});
const ibuprofen = drug('m-ibu', '5640', '布洛芬缓释胶囊', 'ibuprofen', 300, 'BID', '2024-02-21T16:00:00+08:00', {
  laterality: 'bilateral',
});
const insulin = fact('n-ins', {
  category: 'medication',
  concept: { system: RX, code: '5856', display: 'Insulin', displayZh: '胰岛素' },
  sources: [{ kind: 'text', document: 'DocumentReference/d3', start: 5, end: 8 }],
});
const allergy = fact('a-none', {
  category: 'allergy',
  assertion: 'absent',
  concept: { system: SCT, code: '716186003', display: 'No known drug allergy', displayZh: '无已知药物过敏' },
});

function state(over: Partial<PatientState> = {}): PatientState {
  const phenotype = [hf, hfNote, hfFamily, af, hyperK, k1, k3, k5, egfr, allergy];
  const intervention = [warfarin, spiro, spiroHome, ibuprofen, insulin];
  return {
    patientId: P,
    at: DISCHARGE,
    demographics: { sex: 'female' },
    phenotype,
    intervention,
    biology: [],
    timeline: [
      {
        time: ADMIT,
        end: DISCHARGE,
        kind: 'encounter',
        label: '住院 (inpatient encounter) — 慢性心力衰竭急性加重',
        factIds: [],
        sources: [res('Encounter', ENC)],
      },
    ],
    conflicts: [],
    encounterId: ENC,
    medications: [
      course(warfarin, {
        discharge: true,
        events: [
          { kind: 'started', time: warfarin.time?.start, factIds: [warfarin.id], sources: warfarin.sources },
          { kind: 'discharge', time: DISCHARGE, factIds: [warfarin.id], sources: warfarin.sources },
        ],
      }),
      course(spiro, {
        status: 'stopped',
        factIds: [spiro.id, spiroHome.id],
        events: [
          { kind: 'started', time: spiro.time?.start, factIds: [spiro.id], sources: spiro.sources },
          {
            kind: 'stopped',
            time: '2024-02-22T07:10:00+08:00',
            reason: '高钾血症',
            factIds: [spiro.id],
            sources: spiro.sources,
          },
        ],
      }),
      course(ibuprofen, {}),
      course(insulin, {
        status: 'one-off',
        events: [
          { kind: 'one-off', time: '2024-02-22T07:10:00+08:00', factIds: [insulin.id], sources: insulin.sources },
        ],
      }),
    ],
    ...over,
  };
}

const bodyOf = (doc: ReturnType<typeof templateDischargeSummary>, key: string) =>
  doc.sections
    .find((s) => s.key === key)!
    .sentences.map(sentenceText)
    .join('');

describe('出院记录 (《病历书写基本规范》第二十二条(二十))', () => {
  it('has the items of the article in its order, then the signature', () => {
    const doc = templateDischargeSummary(state(), 'zh', ENC);
    expect(doc.sections.map((s) => s.title)).toEqual([
      '入院日期',
      '出院日期',
      '入院情况',
      '入院诊断',
      '诊疗经过',
      '出院诊断',
      '出院情况',
      '出院医嘱',
      '医师签名',
    ]);
    expect(doc.text.indexOf('## 入院日期')).toBeLessThan(doc.text.indexOf('## 医师签名'));
    expect(bodyOf(doc, 'admitDate')).toBe('2024-02-20 15:10');
    expect(bodyOf(doc, 'dischargeDate')).toBe('2024-02-29 10:00（住院9天）');
    expect(bodyOf(doc, 'signature')).toBe('待签名');
    expect(bodyOf(templateDischargeSummary(state(), 'zh', ENC, { signer: '陈医生' }), 'signature')).toBe('陈医生');
  });

  it('follows the TJC elements in English', () => {
    const doc = templateDischargeSummary(state(), 'en', ENC);
    expect(doc.sections.map((s) => s.key)).toEqual(SECTION_ORDER.en);
    expect(doc.sections.map((s) => s.title)).toEqual(SECTION_ORDER.en.map((k) => SECTION_TITLES[k]!.en));
    expect(bodyOf(doc, 'signature')).toBe('Signature pending');
    expect(bodyOf(doc, 'dischargeMedications')).toMatch(/^Discharge medications: warfarin 3 mg PO QD\./);
  });

  it('tells the course in sentences: the stop with its reason and the critical value, the single dose, the later start', () => {
    const course = bodyOf(templateDischargeSummary(state(), 'zh', ENC), 'hospitalCourse');
    expect(course).toContain('2024-02-22因高钾血症，血钾6.5 mmol/L（危急值）停用螺内酯片。');
    expect(course).toContain('2024-02-22临时予胰岛素1次。');
    expect(course).toContain('2024-02-21起予布洛芬缓释胶囊。');
    expect(course).toContain('2024-02-22出现高钾血症，已缓解。');
    expect(course).toMatch(/血钾6\.5 mmol\/L（危急值，偏高）/);
    // Narrative, not a label followed by a list.
    expect(course).not.toMatch(/^[^。]{0,12}：[^。]*、/);
    for (const s of templateDischargeSummary(state(), 'zh', ENC).sections.find((x) => x.key === 'hospitalCourse')!
      .sentences)
      expect(s.end).toBe('。');
  });

  it('puts the principal diagnosis first and names each diagnosis once (same code, ICD-10 family, zh/en name)', () => {
    const doc = templateDischargeSummary(state(), 'zh', ENC);
    const dx = bodyOf(doc, 'dischargeDiagnoses');
    expect(dx.startsWith('（1）慢性心力衰竭急性加重')).toBe(true);
    expect(dx.match(/心力衰竭|心衰竭/g)).toHaveLength(1);
    expect(dx).toContain('高钾血症（已缓解）');
    expect(bodyOf(doc, 'admissionDiagnoses')).not.toContain('高钾血症');
    expect(sameDiagnosis(hf, hfNote)).toBe(true);
    expect(sameDiagnosis(hf, hfFamily)).toBe(true);
    expect(sameDiagnosis(hf, af)).toBe(false);
  });

  it('puts a diagnosis with an earlier onset after the encounter’s reason', () => {
    const reasonLast = state({
      timeline: [
        {
          time: ADMIT,
          end: DISCHARGE,
          kind: 'encounter',
          label: '住院 (IMP) — 持续性心房颤动',
          factIds: [],
          sources: [res('Encounter', ENC)],
        },
      ],
    });
    expect(
      bodyOf(templateDischargeSummary(reasonLast, 'zh', ENC), 'dischargeDiagnoses').startsWith('（1）持续性心房颤动'),
    ).toBe(true);
  });

  it('sends home only what the discharge orders list, and says what changed', () => {
    const orders = bodyOf(templateDischargeSummary(state(), 'zh', ENC), 'dischargeOrders');
    expect(orders).toMatch(/^出院带药：华法林钠片3 mg 口服 每日1次。/);
    expect(orders).not.toMatch(/出院带药：[^。]*(布洛芬|螺内酯|胰岛素)/);
    expect(orders).toContain('停用螺内酯片（高钾血症）。');
    expect(orders).toContain('否认药物过敏史');
    expect(templateDischargeSummary(state(), 'zh', ENC).unreconciled).toEqual(['布洛芬缓释胶囊']);
  });

  it('says the discharge drugs are not documented when there is no discharge order list, never the inpatient drugs', () => {
    const none = state({ medications: state().medications!.map((c) => ({ ...c, discharge: false })) });
    expect(bodyOf(templateDischargeSummary(none, 'zh', ENC), 'dischargeOrders')).toMatch(/^出院带药：病历未载明。/);
    expect(bodyOf(templateDischargeSummary(none, 'en', ENC), 'dischargeMedications')).toMatch(
      /^Discharge medications: not documented in the record\./,
    );
    expect(bodyOf(templateDischargeSummary(none, 'zh', ENC), 'dischargeOrders')).not.toMatch(/华法林|布洛芬/);
  });

  it('names results still pending, a new drug and a changed dose in the discharge orders', () => {
    const culture = fact('o-cx', {
      category: 'measurement',
      concept: { system: LOINC, code: '600-7', display: 'Blood culture', displayZh: '血培养' },
      status: 'preliminary',
      time: { start: '2024-02-28T08:00:00+08:00' },
    });
    const metoprolol = drug(
      'm-meto',
      '6918',
      '琥珀酸美托洛尔缓释片',
      'metoprolol',
      23.75,
      'QD',
      '2024-02-20T17:00:00+08:00',
    );
    const metoHome = fact('n-meto', {
      category: 'medication',
      concept: metoprolol.concept,
      section: 'hpi',
      sources: [{ kind: 'text', document: 'DocumentReference/adm', start: 50, end: 54 }],
    });
    const newer = { ...metoprolol.dosage!, dose: { value: 47.5, unit: 'mg' } };
    const base = state();
    const s = state({
      phenotype: [...base.phenotype, culture],
      intervention: [...base.intervention, metoprolol, metoHome],
      medications: [
        ...base.medications!,
        course(metoprolol, {
          discharge: true,
          dosage: newer,
          factIds: [metoprolol.id, metoHome.id],
          events: [
            { kind: 'started', time: metoprolol.time?.start, factIds: [metoprolol.id], sources: metoprolol.sources },
            {
              kind: 'dose-changed',
              time: '2024-02-25T09:00:00+08:00',
              reason: '心室率控制不佳',
              dosage: newer,
              factIds: [metoprolol.id],
              sources: metoprolol.sources,
            },
            { kind: 'discharge', time: DISCHARGE, factIds: [metoprolol.id], sources: metoprolol.sources },
          ],
        }),
      ],
    });
    const doc = templateDischargeSummary(s, 'zh', ENC);
    const orders = bodyOf(doc, 'dischargeOrders');
    expect(orders).toMatch(/出院带药：华法林钠片3 mg 口服 每日1次；琥珀酸美托洛尔缓释片47\.5 mg 口服 每日1次。/);
    expect(orders).toContain('琥珀酸美托洛尔缓释片剂量调整为47.5 mg 口服 每日1次（心室率控制不佳）。');
    expect(orders).toContain('待回报结果：血培养。');
    expect(bodyOf(doc, 'hospitalCourse')).toContain(
      '2024-02-25琥珀酸美托洛尔缓释片调整为47.5 mg 口服 每日1次（心室率控制不佳）。',
    );
    expect(doc.critical.map((f) => f.id)).toEqual(expect.arrayContaining([culture.id, metoprolol.id]));
    // A drug first given in hospital and sent home is new.
    const fresh = state({ medications: [course(ibuprofen, { discharge: true })] });
    expect(bodyOf(templateDischargeSummary(fresh, 'en', ENC), 'dischargeMedications')).toContain('New: ibuprofen.');
  });

  it('says the condition at discharge is not documented rather than inventing one', () => {
    const bare = state({ phenotype: [hf, af, hyperK, k1, k3, egfr] });
    expect(bodyOf(templateDischargeSummary(bare, 'zh', ENC), 'conditionAtDischarge')).toBe('病历未载明出院时情况。');
  });

  it('quotes the discharge note’s 出院情况 and its non-drug orders', () => {
    const text =
      '出院记录\n出院情况：气促明显缓解，双下肢水肿消退。\n出院医嘱：1. 华法林3mg每日一次，1周内复查INR；2. 低盐饮食；3. 心内科门诊随访。\n';
    const w = text.indexOf('华法林');
    const noteDrug = fact('n-warf', {
      category: 'medication',
      concept: warfarin.concept,
      section: 'discharge_instructions',
      sources: [{ kind: 'text', document: 'DocumentReference/dc', start: w, end: w + 3 }],
    });
    const s = state({
      intervention: [...state().intervention, noteDrug],
      timeline: [
        ...state().timeline,
        { time: DISCHARGE, kind: 'note', label: '出院记录', factIds: [], sources: [res('DocumentReference', 'dc')] },
      ],
    });
    const doc = templateDischargeSummary(s, 'zh', ENC, { documents: [{ id: 'DocumentReference/dc', text }] });
    expect(bodyOf(doc, 'conditionAtDischarge')).toBe('气促明显缓解，双下肢水肿消退。');
    expect(bodyOf(doc, 'dischargeOrders')).toContain('嘱1周内复查INR；低盐饮食；心内科门诊随访。');
    expect(bodyOf(doc, 'dischargeOrders')).not.toMatch(/嘱[^。]*华法林/);
    expect(Object.values(doc.references).flat()).toContain('DocumentReference/dc');
  });

  it('flags results by their own reference range, the laboratory’s code only without one', () => {
    expect(resultFlag(egfr)).toBeUndefined();
    expect(resultFlag({ ...egfr, referenceRange: { low: 90, unit: 'mL/min/{1.73_m2}' } })).toBe('low');
    expect(resultFlag({ ...egfr, referenceRange: undefined, interpretation: 'L' })).toBe('low');
    expect(resultFlag({ ...egfr, referenceRange: undefined })).toBeUndefined();
    // In range by the numbers, critical by the laboratory: reference ranges hold no critical limits.
    expect(resultFlag(k3)).toBe('critical-high');
    expect(resultFlag({ ...k1, interpretation: 'H' })).toBeUndefined();
    // A range in another unit cannot judge the value: the interpretation decides.
    expect(resultFlag({ ...k5, referenceRange: { high: 20, unit: 'mg/dL' }, interpretation: 'N' })).toBeUndefined();
    const doc = templateDischargeSummary(state(), 'zh', ENC);
    expect(doc.text).not.toMatch(/估算肾小球滤过率84[^。]*（偏低）/);
    expect(doc.critical.map((f) => f.id)).toContain(k3.id);
  });

  it('writes no side on a drug, a result or an allergy', () => {
    expect(factPhrase(ibuprofen, 'zh')).toBe('布洛芬缓释胶囊300 mg 口服 每日2次');
    expect(factPhrase({ ...hf, laterality: 'left' }, 'zh')).toBe('左侧慢性心力衰竭急性加重');
    expect(
      factPhrase({ ...hf, concept: { ...hf.concept, displayZh: '双膝骨关节炎' }, laterality: 'bilateral' }, 'zh'),
    ).toBe('双膝骨关节炎');
    expect(factPhrase({ ...k1, laterality: 'right' }, 'en')).toBe('Potassium 5.1 mmol/L');
    // A LOINC long name is written as its component; the citation keeps the full name.
    expect(
      factPhrase({ ...k1, concept: { ...k1.concept, display: 'Potassium [Moles/volume] in Serum or Plasma' } }, 'en'),
    ).toBe('Potassium 5.1 mmol/L');
    expect(
      factPhrase(
        {
          ...k1,
          concept: { ...k1.concept, display: 'INR in Platelet poor plasma by Coagulation assay' },
          value: { value: 3.4, unit: '{INR}' },
        },
        'en',
      ),
    ).toBe('INR 3.4');
  });

  it('keeps a condition that ended at discharge as this stay’s diagnosis, not a past one', () => {
    const pneumonia = cond(
      'c-cap',
      '社区获得性肺炎',
      'Community acquired pneumonia',
      '385093006',
      'J18.9',
      '2024-02-17',
      { assertion: 'historical', status: 'resolved', time: { start: '2024-02-17', end: '2024-02-29' } },
    );
    const htn = cond('c-htn', '高血压病', 'Hypertension', '38341003', 'I10', '2014');
    const s = state({
      phenotype: [pneumonia, htn],
      timeline: [
        {
          time: ADMIT,
          end: DISCHARGE,
          kind: 'encounter',
          label: '住院 (IMP) — 社区获得性肺炎',
          factIds: [],
          sources: [res('Encounter', ENC)],
        },
      ],
    });
    const doc = templateDischargeSummary(s, 'zh', ENC);
    expect(bodyOf(doc, 'dischargeDiagnoses')).toBe('（1）社区获得性肺炎（已缓解）；（2）高血压病。');
    expect(bodyOf(doc, 'conditionOnAdmission')).toContain('既往有高血压病病史');
    expect(bodyOf(doc, 'conditionOnAdmission')).not.toMatch(/既往[^。]*肺炎/);
  });

  it('counts a stay begun and ended on one day as one day, and cites the encounter for its dates', () => {
    const s = state({
      timeline: [
        {
          time: '2017-02-10T09:56:48+00:00',
          end: '2017-02-10T12:26:48+00:00',
          kind: 'encounter',
          label: 'Emergency (EMER)',
          factIds: [],
          sources: [res('Encounter', ENC)],
        },
      ],
    });
    const doc = templateDischargeSummary(s, 'en', ENC);
    expect(bodyOf(doc, 'dates')).toBe('Admitted 2017-02-10 09:56; discharged 2017-02-10 12:26 (1 day in hospital).');
    expect(doc.references.F1).toEqual([`Encounter/${ENC}`]);
  });
});
