import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { MedicationAdministration, MedicationRequest, MedicationStatement } from 'fhir/r4.js';
import { describe, expect, it } from 'vitest';
import { allFacts, type Fact, isCurrentCourse, type MedicationCourse, type PatientState } from '../core/index.js';
import { extractFacts } from '../nlp/index.js';
import type { AnyResource } from './fhir.js';
import { fuse } from './fuse.js';
import { hasDischargeOrders, medicationCourses } from './medication-courses.js';
import { defaultExtractor } from './note-store.js';
import { noteText } from './note-text.js';
import { bundleResources, stateFromBundle, stateFromPrefetch } from './prefetch.js';

const rxnorm = 'http://www.nlm.nih.gov/research/umls/rxnorm';
const subject = { reference: 'Patient/m1' };
const patient = { resourceType: 'Patient', id: 'm1', gender: 'female', birthDate: '1950-01-01' };
const encounter = {
  resourceType: 'Encounter',
  id: 'stay',
  status: 'finished',
  class: { code: 'IMP' },
  subject,
  period: { start: '2024-04-01T08:00:00Z', end: '2024-04-08T10:00:00Z' },
};
const drug = (code: string, display: string) => ({ coding: [{ system: rxnorm, code, display }], text: display });
const sig = (mg: number, perDay: number, extra: Record<string, unknown> = {}) => [
  {
    timing: { repeat: { frequency: perDay, period: 1, periodUnit: 'd' as const, ...extra } },
    doseAndRate: [{ doseQuantity: { value: mg, unit: 'mg', system: 'http://unitsofmeasure.org', code: 'mg' } }],
  },
];
const category = (code: string) => [
  { coding: [{ system: 'http://terminology.hl7.org/CodeSystem/medicationrequest-category', code }] },
];

function request(
  id: string,
  fields: Partial<MedicationRequest> & { medicationCodeableConcept: MedicationRequest['medicationCodeableConcept'] },
): MedicationRequest {
  return {
    resourceType: 'MedicationRequest',
    id,
    status: 'active',
    intent: 'order',
    subject,
    authoredOn: '2024-04-01T09:00:00Z',
    ...fields,
  };
}

const byName = (courses: readonly MedicationCourse[], name: RegExp) =>
  courses.find((c) => name.test(`${c.concept.display ?? ''} ${c.concept.displayZh ?? ''}`));

describe('medication courses from FHIR', () => {
  const resources = [
    patient,
    encounter,
    // Metoprolol 25 mg bid, stopped, then 50 mg bid: one drug, dose changed.
    request('meto-1', {
      status: 'stopped',
      medicationCodeableConcept: drug('6918', 'Metoprolol'),
      dosageInstruction: sig(25, 2),
    }),
    request('meto-2', {
      medicationCodeableConcept: drug('6918', 'Metoprolol'),
      authoredOn: '2024-04-03T09:00:00Z',
      dosageInstruction: sig(50, 2),
    }),
    // Warfarin on hold, with its reason.
    request('warf', {
      status: 'on-hold',
      statusReason: { text: 'INR 5.2' },
      medicationCodeableConcept: drug('11289', 'Warfarin'),
      dosageInstruction: sig(3, 1),
    }),
    // Spironolactone stopped, its note dating the stop and giving the reason.
    request('spiro', {
      status: 'stopped',
      medicationCodeableConcept: drug('9997', 'Spironolactone'),
      dosageInstruction: sig(20, 1),
      note: [{ text: '2024-04-03 K 6.4 mmol/L, discontinued' }],
    }),
    // A single dose ordered as such (Timing.repeat.count 1).
    request('dexa', {
      medicationCodeableConcept: drug('3264', 'Dexamethasone'),
      dosageInstruction: sig(10, 1, { count: 1 }),
    }),
    // A discharge prescription and the inpatient order it continues.
    request('apix-in', {
      medicationCodeableConcept: drug('1364430', 'Apixaban'),
      category: category('inpatient'),
      dosageInstruction: sig(5, 2),
    }),
    request('apix-out', {
      medicationCodeableConcept: drug('1364430', 'Apixaban'),
      category: category('discharge'),
      authoredOn: '2024-04-08T09:00:00Z',
      dosageInstruction: sig(5, 2),
    }),
    // An inpatient order never written on discharge.
    request('ibu', {
      medicationCodeableConcept: drug('5640', 'Ibuprofen'),
      category: category('inpatient'),
      dosageInstruction: sig(400, 3),
    }),
    // Acute courses still marked active: 5 days (run out by discharge) and 14 days (still running).
    request('amox', {
      medicationCodeableConcept: drug('723', 'Amoxicillin'),
      courseOfTherapyType: { coding: [{ code: 'acute' }] },
      dosageInstruction: sig(500, 3, { boundsDuration: { value: 5, unit: 'd', code: 'd' } }),
    }),
    request('pred', {
      medicationCodeableConcept: drug('8640', 'Prednisone'),
      courseOfTherapyType: { coding: [{ code: 'acute' }] },
      dispenseRequest: { expectedSupplyDuration: { value: 2, unit: 'wk', code: 'wk' } },
      dosageInstruction: sig(40, 1),
    }),
    // Completed antibiotic; cancelled and mistaken orders; a proposal only.
    request('cef', {
      status: 'completed',
      medicationCodeableConcept: drug('2193', 'Ceftriaxone'),
      dosageInstruction: sig(1000, 1),
    }),
    request('cipro', { status: 'cancelled', medicationCodeableConcept: drug('2551', 'Ciprofloxacin') }),
    request('err', { status: 'entered-in-error', medicationCodeableConcept: drug('7052', 'Morphine') }),
    request('prop', { intent: 'proposal', medicationCodeableConcept: drug('36567', 'Simvastatin') }),
    // Insulin given once, no order; paracetamol given twice, no order.
    {
      resourceType: 'MedicationAdministration',
      id: 'ins-1',
      status: 'completed',
      subject,
      medicationCodeableConcept: drug('5856', 'Insulin'),
      effectiveDateTime: '2024-04-03T02:00:00Z',
      dosage: { dose: { value: 10, unit: 'U' } },
    } satisfies MedicationAdministration,
    {
      resourceType: 'MedicationAdministration',
      id: 'apap-1',
      status: 'completed',
      subject,
      medicationCodeableConcept: drug('161', 'Acetaminophen'),
      effectiveDateTime: '2024-04-02T02:00:00Z',
    } satisfies MedicationAdministration,
    {
      resourceType: 'MedicationAdministration',
      id: 'apap-2',
      status: 'completed',
      subject,
      medicationCodeableConcept: drug('161', 'Acetaminophen'),
      effectiveDateTime: '2024-04-02T10:00:00Z',
    } satisfies MedicationAdministration,
    // What the patient says she takes: omeprazole stopped, losartan not taken.
    {
      resourceType: 'MedicationStatement',
      id: 'ome',
      status: 'stopped',
      subject,
      medicationCodeableConcept: drug('7646', 'Omeprazole'),
      effectiveDateTime: '2024-03-01',
    } satisfies MedicationStatement,
    {
      resourceType: 'MedicationStatement',
      id: 'los',
      status: 'not-taken',
      subject,
      medicationCodeableConcept: drug('52175', 'Losartan'),
    } satisfies MedicationStatement,
  ] as unknown as AnyResource[];
  const state = fuse(patient as AnyResource, resources, [], { encounterId: 'stay' });
  const courses = state.medications ?? [];

  it('reads a dose change across two orders of one drug', () => {
    const c = byName(courses, /metoprolol/i);
    expect(c).toMatchObject({ status: 'active', dosage: { dose: { value: 50, unit: 'mg' } } });
    expect(c?.events.map((e) => e.kind)).toEqual(['started', 'dose-changed']);
    expect(c?.events[1]?.time).toBe('2024-04-03T09:00:00Z');
    expect(c?.events[1]?.sources).toEqual([
      expect.objectContaining({ kind: 'resource', resourceType: 'MedicationRequest', id: 'meto-2' }),
    ]);
  });

  it('reads held, stopped (dated and explained by the order’s note), one-off and completed', () => {
    expect(byName(courses, /warfarin/i)).toMatchObject({
      status: 'held',
      events: [{ kind: 'started' }, { kind: 'held', reason: 'INR 5.2' }],
    });
    const spiro = byName(courses, /spironolactone/i);
    expect(spiro?.status).toBe('stopped');
    expect(spiro?.events[1]).toMatchObject({ kind: 'stopped', time: '2024-04-03', reason: 'K 6.4 mmol/L' });
    expect(byName(courses, /dexamethasone/i)?.status).toBe('one-off');
    expect(byName(courses, /ceftriaxone/i)?.status).toBe('completed');
    expect(byName(courses, /amoxicillin/i)?.status).toBe('completed');
    expect(byName(courses, /prednisone/i)?.status).toBe('active');
  });

  it('takes an administration with no order as a one-off, and repeated ones as given', () => {
    expect(byName(courses, /insulin/i)).toMatchObject({
      status: 'one-off',
      dosage: { dose: { value: 10 } },
      events: [{ kind: 'one-off', time: '2024-04-03T02:00:00Z' }],
    });
    expect(byName(courses, /acetaminophen/i)?.status).toBe('active');
  });

  it('marks discharge drugs from a discharge MedicationRequest only', () => {
    expect(hasDischargeOrders(allFacts(state))).toBe(true);
    const apix = byName(courses, /apixaban/i);
    expect(apix).toMatchObject({ status: 'active', discharge: true });
    expect(apix?.events.map((e) => e.kind)).toEqual(['started', 'discharge']);
    expect(byName(courses, /ibuprofen/i)).toMatchObject({ status: 'active', discharge: false });
    expect(courses.filter((c) => c.discharge).map((c) => c.concept.display)).toEqual(['Apixaban']);
  });

  it('reads what the patient reports, and leaves out what says nothing about a drug given', () => {
    expect(byName(courses, /omeprazole/i)?.status).toBe('stopped');
    for (const name of [/losartan/i, /ciprofloxacin/i, /morphine/i, /simvastatin/i])
      expect(byName(courses, name)).toBeUndefined();
  });

  it('points every course at facts of the state', () => {
    const ids = new Set(allFacts(state).map((f) => f.id));
    for (const c of courses) {
      expect(c.factIds.length).toBeGreaterThan(0);
      for (const id of [...c.factIds, ...c.events.flatMap((e) => e.factIds)])
        expect(ids.has(id), `${c.concept.display} ${id}`).toBe(true);
    }
  });

  it('describes the moment asked for', () => {
    const early = fuse(patient as AnyResource, resources, [], { at: '2024-04-02T12:00:00Z' }).medications ?? [];
    expect(byName(early, /metoprolol/i)?.dosage?.dose?.value).toBe(25);
    expect(byName(early, /insulin/i)).toBeUndefined();
  });

  it('keeps draft orders out of the courses (CDS Hooks order-select)', () => {
    const s = stateFromPrefetch({
      prefetch: {
        patient,
        meds: {
          resourceType: 'Bundle',
          type: 'searchset',
          entry: [{ resource: request('w', { medicationCodeableConcept: drug('11289', 'Warfarin') }) }],
        },
      },
      patientId: 'm1',
      draftOrders: {
        resourceType: 'Bundle',
        type: 'collection',
        entry: [{ resource: request('d', { status: 'draft', medicationCodeableConcept: drug('5640', 'Ibuprofen') }) }],
      },
    });
    expect(s.medications?.map((c) => [c.concept.display, c.status])).toEqual([['Warfarin', 'active']]);
  });
});

/** Facts of hand-written notes, dated, as the NLP stage reads them. */
function noteFacts(notes: { text: string; date: string; id: string }[]): Fact[] {
  return notes.flatMap(
    (n) => extractFacts(n.text, { anchorDate: n.date, document: `DocumentReference/${n.id}`, patientId: 't1' }).facts,
  );
}

describe('medication courses from note text only', () => {
  it('reads a Chinese stay: a one-off, a stop with its reason, the discharge orders', () => {
    const facts = noteFacts([
      {
        id: 'a',
        date: '2024-06-01T10:00:00+08:00',
        text: '入院记录\n既往史：高血压病史，规律口服氨氯地平5mg每日一次。\n诊疗计划：继续氨氯地平降压，予左氧氟沙星0.5g静脉滴注每日一次抗感染。',
      },
      {
        id: 'b',
        date: '2024-06-02T20:00:00+08:00',
        text: '病程记录\n患者诉头痛，予布洛芬0.2g口服一次，之后未再使用。',
      },
      {
        id: 'c',
        date: '2024-06-03T09:00:00+08:00',
        text: '病程记录\n患者出现皮疹，考虑左氧氟沙星过敏可能，停用左氧氟沙星，改用头孢曲松2g静脉滴注每日一次。',
      },
      {
        id: 'd',
        date: '2024-06-08T10:00:00+08:00',
        text: '出院记录\n诊疗经过：予抗感染治疗后好转。\n出院医嘱：1. 氨氯地平5mg每日一次；2. 头孢曲松停用；3. 门诊随访。',
      },
    ]);
    const courses = medicationCourses(facts, { window: { start: '2024-06-01', end: '2024-06-08' } });
    expect(hasDischargeOrders(facts)).toBe(true);
    expect(byName(courses, /布洛芬/)).toMatchObject({ status: 'one-off', discharge: false });
    const levo = byName(courses, /左氧氟沙星/);
    expect(levo?.status).toBe('stopped');
    expect(levo?.events.at(-1)?.reason).toContain('过敏');
    expect(byName(courses, /头孢曲松/)).toMatchObject({ status: 'stopped', discharge: false });
    expect(byName(courses, /氨氯地平/)).toMatchObject({ status: 'active', discharge: true });
    expect(courses.filter((c) => c.discharge).map((c) => c.concept.displayZh)).toEqual(['氨氯地平']);
  });

  it('reads an English stay, and says so when there is no discharge list', () => {
    const facts = noteFacts([
      {
        id: 'h',
        date: '2024-07-01',
        text: 'HOSPITAL COURSE: Lisinopril was discontinued due to acute kidney injury. Metoprolol increased to 50 mg BID. Given furosemide 40 mg IV x1.',
      },
    ]);
    const courses = medicationCourses(facts);
    expect(hasDischargeOrders(facts)).toBe(false);
    expect(courses.some((c) => c.discharge)).toBe(false);
    expect(byName(courses, /lisinopril/i)).toMatchObject({
      status: 'stopped',
      events: [{ kind: 'stopped', reason: 'acute kidney injury' }],
    });
    expect(byName(courses, /metoprolol/i)).toMatchObject({ status: 'active', dosage: { dose: { value: 50 } } });
    expect(byName(courses, /furosemide/i)?.status).toBe('one-off');
    expect(courses.filter(isCurrentCourse).map((c) => c.concept.display)).toEqual(['Metoprolol']);
  });
});

const zhDir = join(import.meta.dirname, '..', '..', 'demo', 'zh');

async function demoState(name: string): Promise<{ state: PatientState; noteFacts: Fact[] }> {
  const bundle = JSON.parse(readFileSync(join(zhDir, `${name}.json`), 'utf8'));
  const resources = bundleResources(bundle);
  const patientId = resources.find((r) => r.resourceType === 'Patient')!.id!;
  const noteFacts: Fact[] = [];
  for (const r of resources.filter((x) => x.resourceType === 'DocumentReference')) {
    const note = noteText(r);
    if (note) noteFacts.push(...(await defaultExtractor(note, patientId)));
  }
  const encounterId = resources.find((r) => r.resourceType === 'Encounter')!.id!;
  return { state: stateFromBundle(bundle, noteFacts, { encounterId }), noteFacts };
}

const zh = (c: MedicationCourse | undefined) => c?.concept.displayZh;

/** Every course and event points at facts of the state, and every event has its evidence. */
function evidenced(state: PatientState): void {
  const ids = new Set(allFacts(state).map((f) => f.id));
  for (const c of state.medications ?? []) {
    for (const id of [...c.factIds, ...c.events.flatMap((e) => e.factIds)])
      expect(ids.has(id), `${zh(c)} ${id}`).toBe(true);
    for (const e of c.events) expect(e.sources.length, `${zh(c)} ${e.kind}`).toBeGreaterThan(0);
  }
}

describe.skipIf(!existsSync(zhDir))('demo Chinese inpatients: medication reconciliation at discharge', () => {
  it('李秀英: spironolactone stopped for hyperkalaemia, insulin and calcium gluconate once, ibuprofen not a discharge drug', async () => {
    const { state, noteFacts } = await demoState('zh-hf-af-warfarin');
    evidenced(state);
    const courses = state.medications ?? [];
    const spiro = byName(courses, /螺内酯/);
    expect(spiro?.status).toBe('stopped');
    expect(spiro?.discharge).toBe(false);
    const stop = spiro?.events.find((e) => e.kind === 'stopped');
    expect(stop?.reason).toContain('高钾血症');
    expect(stop?.time?.slice(0, 10)).toBe('2024-02-22');
    // Evidence: the order and the notes that say so.
    expect(stop?.sources.some((s) => s.kind === 'resource' && s.resourceType === 'MedicationRequest')).toBe(true);
    expect(stop?.sources.filter((s) => s.kind === 'text').length).toBeGreaterThanOrEqual(2);
    expect(byName(courses, /胰岛素/)?.status).toBe('one-off');
    expect(byName(courses, /葡萄糖酸钙/)?.status).toBe('one-off');
    expect(byName(courses, /布洛芬/)).toMatchObject({ status: 'active', discharge: false });
    expect(
      courses
        .filter((c) => c.discharge)
        .map((c) => c.concept.code)
        .sort(),
    ).toEqual(['11289', '4603', '6918']);
    expect(courses.filter(isCurrentCourse).map(zh)).not.toContain('胰岛素');
    // From the notes alone (no FHIR), the same reading.
    const fromText = medicationCourses(noteFacts, { window: { start: '2024-02-20', end: '2024-02-29' } });
    expect(byName(fromText, /螺内酯/)?.status).toBe('stopped');
    expect(byName(fromText, /胰岛素/)?.status).toBe('one-off');
    expect(byName(fromText, /布洛芬/)?.discharge).toBe(false);
    expect(
      fromText
        .filter((c) => c.discharge)
        .map(zh)
        .sort(),
    ).toEqual(['华法林', '呋塞米', '美托洛尔'].sort());
  });

  it('张建国: moxifloxacin IV completed in hospital, not continued; amlodipine and ambroxol at discharge', async () => {
    const { state, noteFacts } = await demoState('zh-cap-pneumonia');
    evidenced(state);
    const courses = state.medications ?? [];
    expect(byName(courses, /莫西沙星/)).toMatchObject({ status: 'completed', discharge: false });
    expect(
      courses
        .filter((c) => c.discharge)
        .map((c) => c.concept.display)
        .sort(),
    ).toEqual(['ambroxol', 'amlodipine']);
    const fromText = medicationCourses(noteFacts, { window: { start: '2024-01-08', end: '2024-01-15' } });
    expect(byName(fromText, /莫西沙星/)).toMatchObject({ status: 'completed', discharge: false });
  });

  it('王志强: clopidogrel loading 300 mg then 75 mg daily, stopped for CYP2C19 *2/*2 and replaced by ticagrelor', async () => {
    const { state } = await demoState('zh-t2dm-cyp2c19');
    evidenced(state);
    const courses = state.medications ?? [];
    const clop = byName(courses, /氯吡格雷/);
    expect(clop).toMatchObject({ status: 'stopped', discharge: false });
    expect(clop?.events.map((e) => [e.kind, e.dosage?.dose?.value])).toEqual([
      ['one-off', 300],
      ['dose-changed', 75],
      ['stopped', undefined],
    ]);
    const stop = clop?.events[2];
    expect(stop?.time?.slice(0, 10)).toBe('2024-03-14');
    expect(stop?.reason).toMatch(/CYP2C19|慢代谢/);
    const tica = byName(courses, /替格瑞洛/);
    expect(tica).toMatchObject({ status: 'active', discharge: true, dosage: { dose: { value: 90, unit: 'mg' } } });
    expect(tica?.events[0]?.time?.slice(0, 10)).toBe('2024-03-14');
    expect(
      courses
        .filter((c) => c.discharge)
        .map(zh)
        .sort(),
    ).toEqual(['替格瑞洛片', '阿司匹林肠溶片', '阿托伐他汀钙片', '盐酸二甲双胍片', '奥美拉唑肠溶胶囊'].sort());
  });
});
