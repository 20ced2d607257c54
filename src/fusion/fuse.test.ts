import type {
  AllergyIntolerance,
  Condition,
  DocumentReference,
  MedicationRequest,
  Observation,
  Patient,
} from 'fhir/r4.js';
import { describe, expect, it } from 'vitest';
import { allFacts, type Fact, type PatientState } from '../core/index.js';
import * as en from './__fixtures__/en-patient.js';
import { noteFact } from './__fixtures__/note-facts.js';
import type { AnyResource } from './fhir.js';
import { fuse } from './fuse.js';
import { stateFromBundle, stateFromPrefetch } from './prefetch.js';

const resources = en.allResources as unknown as AnyResource[];
const text = en.noteText;
const snomed = 'http://snomed.info/sct';

const nkda = noteFact(text, 'No known drug allergies', {
  id: 'n-nkda',
  category: 'condition',
  concept: { system: snomed, code: '421961002', display: 'Drug allergy', displayZh: '药物过敏' },
  assertion: 'absent',
  section: 'allergies',
});
const metoprolol50 = noteFact(text, 'metoprolol 50 mg PO BID', {
  id: 'n-meto',
  category: 'medication',
  concept: {
    system: 'http://www.nlm.nih.gov/research/umls/rxnorm',
    code: '6918',
    display: 'Metoprolol',
    displayZh: '美托洛尔',
  },
  dosage: { dose: { value: 50, unit: 'mg' }, route: 'oral', frequency: { code: 'BID', perDay: 2 } },
  section: 'medications',
});
const noPneumonia = noteFact(text, 'pneumonia', {
  id: 'n-pna',
  category: 'condition',
  concept: { system: snomed, code: '233604007', display: 'Pneumonia', displayZh: '肺炎' },
  assertion: 'absent',
  section: 'assessment_plan',
});
const htnByName = noteFact(text, 'Hypertension', {
  id: 'n-htn',
  category: 'condition',
  // Coded in ICD-10 by the lexicon; the problem list has SNOMED: matched by name.
  concept: { system: 'http://hl7.org/fhir/sid/icd-10', code: 'I10', display: 'Hypertension', displayZh: '高血压' },
  section: 'assessment_plan',
});
const chestPain = noteFact(text, 'chest pain', {
  id: 'n-cp',
  category: 'finding',
  concept: { system: snomed, code: '29857009', display: 'Chest pain', displayZh: '胸痛' },
  section: 'chief_complaint',
});

const byId = (s: PatientState, id: string): Fact | undefined => allFacts(s).find((f) => f.id === id);
const factFrom = (s: PatientState, type: string, id: string) =>
  allFacts(s).find((f) => f.sources.some((x) => x.kind === 'resource' && x.resourceType === type && x.id === id));

describe('fuse (English record)', () => {
  const state = fuse(en.patient, resources, [nkda, metoprolol50, noPneumonia, htnByName, chestPain], {
    at: '2024-03-06T00:00:00Z',
  });

  it('puts facts in the three spaces and demographics at the moment', () => {
    expect(state.demographics).toEqual({
      sex: 'male',
      birthDate: '1960-06-15',
      age: 63,
      weightKg: 78.5,
      heightCm: 175,
    });
    expect(state.biology.map((f) => f.concept.display)).toEqual(['CYP2C19']);
    expect(state.intervention.map((f) => f.category).every((c) => c === 'medication' || c === 'procedure')).toBe(true);
    expect(state.intervention.some((f) => f.concept.code === '33367005')).toBe(true);
    expect(state.phenotype.some((f) => f.category === 'allergy')).toBe(true);
    expect(state.phenotype.some((f) => f.category === 'medication' || f.category === 'genotype')).toBe(false);
  });

  it('merges a note fact into the coded fact with the same concept (by name across code systems)', () => {
    const htn = factFrom(state, 'Condition', 'c-htn');
    expect(htn?.sources.map((s) => s.kind)).toEqual(['resource', 'text']);
    expect(htn?.sources[1]).toMatchObject({ document: 'DocumentReference/doc-1', quote: 'Hypertension' });
    expect(byId(state, 'n-htn')).toBeUndefined();
    // A negation that agrees with a refuted Condition is one absent fact with both sources.
    const pna = factFrom(state, 'Condition', 'c-pna');
    expect(pna?.assertion).toBe('absent');
    expect(pna?.sources).toHaveLength(2);
  });

  it('keeps a note-only fact with its span', () => {
    expect(byId(state, 'n-cp')).toMatchObject({
      category: 'finding',
      section: 'chief_complaint',
      sources: [{ kind: 'text', quote: 'chest pain' }],
    });
  });

  it('flags a note denying drug allergies while a penicillin allergy is on file', () => {
    const c = state.conflicts.find((x) => x.factIds.includes('n-nkda'));
    expect(c?.kind).toBe('assertion');
    expect(c?.factIds).toContain(factFrom(state, 'AllergyIntolerance', 'a-pcn')?.id);
    expect(c?.description).toMatch(/denies drug allergies.*penicillin/i);
    // Both facts are kept.
    expect(byId(state, 'n-nkda')?.assertion).toBe('absent');
  });

  it('flags a note dose that differs from the order, keeping both', () => {
    const order = factFrom(state, 'MedicationRequest', 'm-meto');
    const c = state.conflicts.find((x) => x.kind === 'dose');
    expect([...(c?.factIds ?? [])].sort()).toEqual([order?.id, 'n-meto'].sort());
    expect(c?.description).toMatch(/50 mg.*25 mg/);
    expect(order?.sources).toHaveLength(1);
  });

  it('places every dated fact, encounter and note on one timeline in time order', () => {
    const times = state.timeline.map((e) => Date.parse(e.time));
    expect([...times].sort((a, b) => a - b)).toEqual(times);
    expect(state.timeline.some((e) => e.kind === 'encounter' && e.label.includes('Hospital admission'))).toBe(true);
    const note = state.timeline.find((e) => e.kind === 'note');
    expect(note?.factIds).toContain('n-cp');
    const vitals = state.timeline.find((e) => e.kind === 'measurement' && e.time === '2024-03-01T09:00:00Z');
    expect(vitals?.factIds).toHaveLength(3);
  });

  it("keeps a relative's condition off the patient's timeline: family history is not the patient's diagnosis", () => {
    const father = noteFact(text, 'chest pain', {
      id: 'n-father',
      category: 'condition',
      concept: { system: snomed, code: '363358000', display: 'Lung cancer', displayZh: '肺癌' },
      assertion: 'present',
      subject: { who: 'family', relation: 'father' },
    });
    const s = fuse(en.patient, resources, [chestPain, father], {});
    expect(allFacts(s).some((f) => f.id === 'n-father')).toBe(true);
    expect(s.timeline.some((e) => e.kind !== 'note' && e.factIds.includes('n-father'))).toBe(false);
    expect(s.timeline.some((e) => e.factIds.includes('n-cp'))).toBe(true);
  });
});

describe('fuse at a moment', () => {
  it('leaves out what had not happened yet, notes written later included', () => {
    const state = fuse(en.patient, resources, [chestPain, htnByName], { at: '2024-03-01T09:30:00Z' });
    const types = allFacts(state).flatMap((f) => f.sources.map((s) => (s.kind === 'resource' ? s.id : s.kind)));
    expect(types).toContain('o-bp');
    expect(types).not.toContain('pr-angio');
    expect(types).not.toContain('o-k');
    expect(types).not.toContain('m-meto');
    expect(types).not.toContain('text');
    expect(state.timeline.every((e) => Date.parse(e.time) <= Date.parse('2024-03-01T09:30:00Z'))).toBe(true);
  });

  it('reads a bare date as the whole of that day', () => {
    const ids = (at: string) =>
      allFacts(fuse(en.patient, resources, [], { at })).flatMap((f) =>
        f.sources.map((s) => (s.kind === 'resource' ? s.id : '')),
      );
    expect(ids('2024-03-02')).toContain('pr-angio');
    expect(ids('2024-03-01')).not.toContain('pr-angio');
    expect(ids('2024-03-02T12:00:00Z')).not.toContain('pr-angio');
  });

  it('reads statuses as they stood then: a resolved condition active, a stopped drug taken', () => {
    const state = fuse(en.patient, resources, [], { at: '2020-01-15' });
    expect(factFrom(state, 'Condition', 'c-sin')?.assertion).toBe('present');
    expect(factFrom(state, 'MedicationRequest', 'm-statin')?.assertion).toBe('present');
    expect(factFrom(state, 'MedicationRequest', 'm-meto')).toBeUndefined();
    expect(state.demographics).toMatchObject({ age: 59, weightKg: 81.6 });
    const later = fuse(en.patient, resources, [], { at: '2023-06-01' });
    expect(factFrom(later, 'MedicationRequest', 'm-statin')?.assertion).toBe('historical');
    expect(factFrom(later, 'Condition', 'c-sin')?.assertion).toBe('historical');
    expect(
      fuse(en.patient, resources, [], { at: '2019-01-01' }).intervention.some((f) => f.concept.code === '617312'),
    ).toBe(false);
  });

  it('focuses on an encounter: the state at its end', () => {
    const state = fuse(en.patient, resources, [], { encounterId: 'e1' });
    expect(state.at).toBe('2024-03-05T12:00:00Z');
    expect(state.encounterId).toBe('e1');
    expect(() => fuse(en.patient, resources, [], { encounterId: 'nope' })).toThrow(/encounter 'nope'/);
    expect(() => fuse(en.patient, resources, [], { at: 'yesterday' })).toThrow(/not a date/);
  });
});

describe('fuse conflicts and de-duplication', () => {
  it('flags a condition negated in a note but active in the problem list', () => {
    const noHtn = noteFact('Denies hypertension.', 'hypertension', {
      id: 'n-nohtn',
      category: 'condition',
      concept: { system: snomed, code: '38341003', display: 'Hypertension' },
      assertion: 'absent',
    });
    const state = fuse(en.patient, resources, [noHtn], { at: '2024-03-06' });
    const c = state.conflicts.find((x) => x.factIds.includes('n-nohtn'));
    expect(c).toMatchObject({ kind: 'assertion' });
    expect(c?.description).toMatch(/note negates it.*Condition has it active/);
  });

  it('does not flag a negation written after the condition resolved', () => {
    const noSinusitis = noteFact('No sinusitis.', 'sinusitis', {
      id: 'n-nosin',
      category: 'condition',
      concept: { system: snomed, code: '444814009', display: 'Viral sinusitis' },
      assertion: 'absent',
    });
    const state = fuse(en.patient, resources, [noSinusitis], { at: '2024-03-06' });
    expect(state.conflicts.filter((c) => c.factIds.includes('n-nosin'))).toEqual([]);
  });

  it('merges a note measurement with the same value and time, and flags a different one', () => {
    const same = noteFact('BP 150/95 mmHg', 'BP 150/95 mmHg', {
      id: 'n-bp',
      category: 'measurement',
      concept: { system: 'http://loinc.org', code: '85354-9', display: 'Blood pressure' },
      value: { value: 150, value2: 95, unit: 'mm[Hg]' },
      time: { start: '2024-03-01T09:00:00Z' },
    });
    const differs = noteFact('K 4.2 mmol/L', 'K 4.2 mmol/L', {
      id: 'n-k',
      category: 'measurement',
      concept: { system: 'http://loinc.org', code: '2823-3', display: 'Potassium' },
      value: { value: 4.2, unit: 'mmol/L' },
      time: { start: '2024-03-02T06:00:00Z' },
      document: 'DocumentReference/doc-1',
    });
    const state = fuse(en.patient, resources, [same, differs], { at: '2024-03-06' });
    expect(factFrom(state, 'Observation', 'o-bp')?.sources).toHaveLength(2);
    expect(state.conflicts.find((c) => c.kind === 'value')?.factIds).toContain('n-k');
  });

  it('flags a medication a note says is not taken while its order is active, and agrees with a matching dose', () => {
    const notTaking = noteFact('Not taking metoprolol.', 'metoprolol', {
      id: 'n-nometo',
      category: 'medication',
      concept: { system: 'http://www.nlm.nih.gov/research/umls/rxnorm', code: '6918', display: 'Metoprolol' },
      assertion: 'absent',
    });
    const sameDose = noteFact('metoprolol tartrate 25mg po q12h', 'metoprolol tartrate 25mg po q12h', {
      id: 'n-meto25',
      category: 'medication',
      concept: { system: 'http://www.nlm.nih.gov/research/umls/rxnorm', code: '6918', display: 'Metoprolol' },
      dosage: { dose: { value: 0.025, unit: 'g' }, route: 'PO', frequency: { code: 'Q12H', perDay: 2 } },
    });
    const state = fuse(en.patient, resources, [notTaking, sameDose], { at: '2024-03-06' });
    const order = factFrom(state, 'MedicationRequest', 'm-meto');
    expect(state.conflicts.find((c) => c.factIds.includes('n-nometo'))).toMatchObject({ kind: 'status' });
    // 0.025 g q12h is 25 mg twice a day: the same order, one fact with both sources.
    expect(order?.sources.map((x) => x.kind)).toEqual(['resource', 'text']);
    expect(state.conflicts.some((c) => c.kind === 'dose')).toBe(false);
  });

  it('flags a coded "no known allergy" beside a coded allergy', () => {
    const nka = {
      ...en.penicillinAllergy,
      id: 'a-nka',
      category: undefined,
      code: { coding: [{ system: snomed, code: '716186003', display: 'No known allergy' }] },
    };
    const state = fuse(en.patient, [...resources, nka as unknown as AnyResource], [], { at: '2024-03-06' });
    const c = state.conflicts.find((x) =>
      x.factIds.includes(factFrom(state, 'AllergyIntolerance', 'a-nka')?.id ?? '-'),
    );
    expect(c?.description).toMatch(
      /the record \(AllergyIntolerance\) denies allergies, but Allergy to penicillin is on file/,
    );
  });

  it('does not flag a note vital that matches one result of the day but not another', () => {
    const later = {
      ...en.bloodPressure,
      id: 'o-bp2',
      effectiveDateTime: '2024-03-01T16:00:00Z',
      component: [
        {
          ...en.bloodPressure.component[0],
          valueQuantity: { value: 132, unit: 'mmHg', system: 'http://unitsofmeasure.org', code: 'mm[Hg]' },
        },
        {
          ...en.bloodPressure.component[1],
          valueQuantity: { value: 84, unit: 'mmHg', system: 'http://unitsofmeasure.org', code: 'mm[Hg]' },
        },
      ],
    };
    const bp = (id: string, value: number, value2: number, start?: string) =>
      noteFact(`BP ${value}/${value2} mmHg`, `BP ${value}/${value2} mmHg`, {
        id,
        category: 'measurement',
        concept: { system: 'http://loinc.org', code: '85354-9', display: 'Blood pressure' },
        value: { value, value2, unit: 'mm[Hg]' },
        ...(start ? { time: { start } } : {}),
      });
    const state = fuse(
      en.patient,
      [...resources, later as unknown as AnyResource],
      [bp('n-bp16', 132, 84, '2024-03-01T16:05:00Z'), bp('n-bp-x', 170, 100, '2024-03-01T16:30:00Z')],
      { at: '2024-03-06' },
    );
    expect(factFrom(state, 'Observation', 'o-bp2')?.sources).toHaveLength(2);
    const value = state.conflicts.filter((c) => c.kind === 'value');
    // 132/84 matched the 16:00 result: no conflict with 08:00's; 170/100 at 16:30 contradicts 16:00's.
    expect(value.map((c) => c.factIds)).toEqual([[factFrom(state, 'Observation', 'o-bp2')?.id, 'n-bp-x']]);
  });

  it('merges family history from a note with FamilyMemberHistory', () => {
    const fatherMi = noteFact('父亲有心肌梗死病史', '心肌梗死', {
      id: 'n-fmi',
      category: 'condition',
      concept: { system: snomed, code: '22298006', display: 'Myocardial infarction', displayZh: '心肌梗死' },
      assertion: 'family',
      subject: { who: 'family', relation: '父亲' },
    });
    const state = fuse(en.patient, resources, [fatherMi], { at: '2024-03-06' });
    expect(factFrom(state, 'FamilyMemberHistory', 'fh-1')?.sources).toHaveLength(2);
    // The patient's own provisional MI is a different fact.
    expect(factFrom(state, 'Condition', 'c-mi')?.sources).toHaveLength(1);
  });

  it('merges repeated mentions across notes into one fact', () => {
    const a = { ...chestPain, id: 'n-cp1' };
    const b = {
      ...chestPain,
      id: 'n-cp2',
      sources: [{ kind: 'text' as const, document: 'DocumentReference/doc-2', start: 0, end: 10, quote: 'chest pain' }],
    };
    const state = fuse(en.patient, resources, [a, b], { at: '2024-03-06' });
    expect(byId(state, 'n-cp1')?.sources).toHaveLength(2);
    expect(byId(state, 'n-cp2')).toBeUndefined();
  });

  it('ignores facts of another patient and notes that were retracted', () => {
    const other = { ...chestPain, id: 'n-other', patientId: 'p2' };
    const retracted = { ...en.dischargeNote, status: 'entered-in-error' } as const;
    const list = resources.map((r) => (r.id === 'doc-1' ? (retracted as unknown as AnyResource) : r));
    const state = fuse(en.patient, list, [other, chestPain], { at: '2024-03-06' });
    expect(byId(state, 'n-other')).toBeUndefined();
    expect(byId(state, 'n-cp')).toBeUndefined();
  });
});

describe('fuse (中文病历)', () => {
  const subject = { reference: 'Patient/zh1' };
  const patient = { resourceType: 'Patient', id: 'zh1', gender: 'female', birthDate: '1952-11-03' } satisfies Patient;
  const htn = {
    resourceType: 'Condition',
    id: 'zc-1',
    clinicalStatus: { coding: [{ code: 'active' }] },
    code: {
      coding: [{ system: 'http://hl7.org/fhir/sid/icd-10', code: 'I10', display: '特发性(原发性)高血压' }],
      text: '高血压',
    },
    subject,
    onsetDateTime: '2010-01-01',
  } satisfies Condition;
  const aspirin = {
    resourceType: 'MedicationRequest',
    id: 'zm-1',
    status: 'active',
    intent: 'order',
    medicationCodeableConcept: { text: '阿司匹林肠溶片 100mg' },
    subject,
    authoredOn: '2024-05-02T09:00:00+08:00',
    dosageInstruction: [
      {
        text: '100mg 口服 qd',
        timing: { code: { coding: [{ code: 'QD' }] } },
        route: { text: '口服' },
        doseAndRate: [{ doseQuantity: { value: 100, unit: 'mg', code: 'mg' } }],
      },
    ],
  } satisfies MedicationRequest;
  const penicillin = {
    resourceType: 'AllergyIntolerance',
    id: 'za-1',
    verificationStatus: { coding: [{ code: 'confirmed' }] },
    category: ['medication'],
    code: { text: '青霉素' },
    patient: subject,
    recordedDate: '2001-01-01',
  } satisfies AllergyIntolerance;
  const glucose = {
    resourceType: 'Observation',
    id: 'zo-1',
    status: 'final',
    code: { coding: [{ system: 'http://loinc.org', code: '2345-7', display: '葡萄糖' }] },
    subject,
    effectiveDateTime: '2024-05-02T07:00:00+08:00',
    valueQuantity: { value: 11.2, unit: 'mmol/L' },
  } satisfies Observation;
  const zhText = '既往史：高血压病史10年。否认糖尿病史。否认药物过敏史。\n用药：阿司匹林肠溶片 200mg 口服 qd。';
  const doc = {
    resourceType: 'DocumentReference',
    id: 'zd-1',
    status: 'current',
    subject,
    date: '2024-05-03T10:00:00+08:00',
    content: [
      { attachment: { contentType: 'text/plain; charset=utf-8', data: Buffer.from(zhText).toString('base64') } },
    ],
  } satisfies DocumentReference;
  const nf = (quote: string, f: Parameters<typeof noteFact>[2]) =>
    noteFact(zhText, quote, { patientId: 'zh1', document: 'DocumentReference/zd-1', ...f });
  const notes = [
    nf('高血压', {
      id: 'z-htn',
      category: 'condition',
      concept: { system: snomed, code: '38341003', display: 'Hypertension', displayZh: '高血压' },
      assertion: 'historical',
      section: 'past_history',
    }),
    nf('高血压', {
      id: 'z-htn2',
      category: 'condition',
      concept: { system: snomed, code: '38341003', display: 'Hypertension', displayZh: '高血压' },
      section: 'past_history',
    }),
    nf('糖尿病', {
      id: 'z-dm',
      category: 'condition',
      concept: { system: snomed, code: '73211009', display: 'Diabetes mellitus', displayZh: '糖尿病' },
      assertion: 'absent',
    }),
    nf('药物过敏史', {
      id: 'z-nkda',
      category: 'condition',
      concept: { system: snomed, code: '421961002', display: 'Drug allergy', displayZh: '药物过敏' },
      assertion: 'absent',
    }),
    nf('阿司匹林肠溶片 200mg 口服 qd', {
      id: 'z-asa',
      category: 'medication',
      concept: {
        system: 'http://www.nlm.nih.gov/research/umls/rxnorm',
        code: '1191',
        display: 'Aspirin',
        displayZh: '阿司匹林',
      },
      dosage: { dose: { value: 200, unit: 'mg' }, route: 'oral', frequency: { code: 'QD', perDay: 1 } },
    }),
  ];
  const state = fuse(patient, [patient, htn, aspirin, penicillin, glucose, doc] as unknown as AnyResource[], notes, {
    at: '2024-05-04T00:00:00+08:00',
  });

  it('merges 高血压 from the note with the coded condition by its Chinese name', () => {
    const coded = factFrom(state, 'Condition', 'zc-1');
    expect(coded?.concept.displayZh).toBe('特发性(原发性)高血压');
    // The coded Condition's text 高血压 is a name it is known by, so the mentions merge: "高血压病史"
    // (historical) restates the active problem, and the coded assertion wins.
    expect(coded?.assertion).toBe('present');
    expect(coded?.sources.map((s) => s.kind)).toEqual(['resource', 'text']);
    expect(byId(state, 'z-htn')).toBeUndefined();
    expect(byId(state, 'z-htn2')).toBeUndefined();
    expect(state.conflicts.some((c) => c.factIds.includes(coded?.id ?? ''))).toBe(false);
  });

  it('flags 否认药物过敏史 against the penicillin allergy on file', () => {
    const c = state.conflicts.find((x) => x.factIds.includes('z-nkda'));
    expect(c?.kind).toBe('assertion');
    expect(c?.description).toContain('青霉素');
  });

  it('matches 阿司匹林 to 阿司匹林肠溶片 and flags 200mg against the 100mg order', () => {
    const c = state.conflicts.find((x) => x.kind === 'dose');
    expect(c?.factIds).toContain('z-asa');
    expect(c?.factIds).toContain(factFrom(state, 'MedicationRequest', 'zm-1')?.id);
    expect(factFrom(state, 'MedicationRequest', 'zm-1')?.dosage).toMatchObject({
      dose: { value: 100, unit: 'mg' },
      route: 'oral',
      frequency: { code: 'QD' },
    });
  });

  it('keeps a negated condition with no coded counterpart as an absent fact, without conflict', () => {
    expect(byId(state, 'z-dm')?.assertion).toBe('absent');
    expect(state.conflicts.some((c) => c.factIds.includes('z-dm'))).toBe(false);
    expect(state.demographics).toMatchObject({ sex: 'female', age: 71 });
  });
});

describe('genotypes', () => {
  it('joins a genotype and a phenotype Observation of the same gene and day into one biology fact', () => {
    const loinc = 'http://loinc.org';
    const gene = {
      code: { coding: [{ system: loinc, code: '48018-6' }] },
      valueCodeableConcept: {
        coding: [{ system: 'http://www.genenames.org/geneId', code: 'HGNC:2621', display: 'CYP2C19' }],
      },
    };
    const genotype = {
      resourceType: 'Observation',
      id: 'g1',
      status: 'final',
      code: { coding: [{ system: loinc, code: '84413-4' }], text: 'CYP2C19基因型' },
      subject: { reference: 'Patient/p1' },
      effectiveDateTime: '2024-03-13T15:00:00+08:00',
      valueCodeableConcept: { text: 'CYP2C19 *2/*2' },
      component: [gene],
    };
    const phenotype = {
      ...genotype,
      id: 'g2',
      code: { coding: [{ system: loinc, code: '53040-2' }], text: 'CYP2C19代谢表型' },
      valueCodeableConcept: { text: 'Poor metabolizer（慢代谢型）' },
    };
    const state = fuse(en.patient, [en.patient, genotype, phenotype] as unknown as AnyResource[], [], {
      at: '2024-04-01',
    });
    expect(state.biology).toHaveLength(1);
    expect(state.biology[0]).toMatchObject({
      concept: { system: 'http://www.genenames.org', code: 'HGNC:2621' },
      valueText: 'CYP2C19 *2/*2 (poor metabolizer)',
      qualifiers: { gene: 'CYP2C19', diplotype: '*2/*2', phenotype: 'poor metabolizer' },
    });
    expect(state.biology[0]?.sources.map((s) => (s.kind === 'resource' ? s.id : ''))).toEqual(['g1', 'g2']);
  });
});

describe('states from bundles and CDS Hooks prefetch', () => {
  it('builds a state from a transaction bundle with urn:uuid references', () => {
    const bundle = {
      resourceType: 'Bundle',
      type: 'transaction',
      entry: [
        { fullUrl: 'urn:uuid:aaa', resource: { resourceType: 'Patient', gender: 'female', birthDate: '1990-01-01' } },
        {
          fullUrl: 'urn:uuid:bbb',
          resource: { ...en.hypertension, id: undefined, subject: { reference: 'urn:uuid:aaa' } },
        },
      ],
    };
    const state = stateFromBundle(bundle, [], { at: '2024-01-01' });
    expect(state.patientId).toBe('aaa');
    expect(state.phenotype.map((f) => f.concept.code)).toEqual(['38341003']);
  });

  it('builds a state from prefetch and keeps draft orders as hypothetical', () => {
    const prefetch = {
      patient: en.patient,
      conditions: { resourceType: 'Bundle', type: 'searchset', entry: [{ resource: en.hypertension }] },
      medications: { resourceType: 'Bundle', type: 'searchset', entry: [{ resource: en.metoprololOrder }] },
      allergies: null,
    };
    const draft = {
      ...en.metoprololOrder,
      id: 'draft-1',
      status: 'draft',
      medicationCodeableConcept: {
        coding: [
          {
            system: 'http://www.nlm.nih.gov/research/umls/rxnorm',
            code: '32968',
            display: 'clopidogrel 75 MG Oral Tablet',
          },
        ],
      },
    };
    const state = stateFromPrefetch(
      { prefetch, patientId: 'p1', draftOrders: { resourceType: 'Bundle', entry: [{ resource: draft }] } },
      { at: '2024-03-06' },
    );
    expect(state.intervention.map((f) => [f.concept.code, f.assertion])).toEqual(
      expect.arrayContaining([
        ['866924', 'present'],
        ['32968', 'hypothetical'],
      ]),
    );
    expect(() => stateFromPrefetch({ prefetch: {} })).toThrow(/no patient/);
  });
});
