import { describe, expect, it } from 'vitest';
import type { Fact, MedicationCourse, PatientState } from '../../core/index.js';
import { builtinLexicon } from '../../nlp/index.js';
import { sentenceAround } from './notes.js';
import { drugEvents, readQuestion } from './reader.js';

const P = 'p1';
const clopidogrel = { system: 'http://www.nlm.nih.gov/research/umls/rxnorm', code: '32968', display: 'clopidogrel' };

/** A coded order, as fusion reads one: MedicationRequest 75 mg daily from 03-11, stopped 03-14. */
const order: Fact = {
  id: 'F-order',
  patientId: P,
  category: 'medication',
  concept: { ...clopidogrel, displayZh: '氯吡格雷' },
  assertion: 'present',
  subject: { who: 'patient' },
  time: { start: '2024-03-11T11:00:00+08:00', end: '2024-03-14T09:00:00+08:00' },
  status: 'stopped',
  dosage: {
    dose: { value: 75, unit: 'mg' },
    frequency: { code: 'QD', perDay: 1 },
  },
  sources: [{ kind: 'resource', resourceType: 'MedicationRequest', id: 'mr1' }],
};

/** The course fusion builds from it: a 300 mg loading dose, then 75 mg daily, stopped on 03-14. */
const course: MedicationCourse = {
  concept: order.concept,
  status: 'stopped',
  discharge: false,
  dosage: order.dosage!,
  events: [
    {
      kind: 'one-off',
      time: '2024-03-11T11:00:00+08:00',
      dosage: { dose: { value: 300, unit: 'mg' } },
      factIds: [order.id],
      sources: order.sources,
    },
    {
      kind: 'dose-changed',
      time: '2024-03-11T11:00:00+08:00',
      dosage: order.dosage!,
      factIds: [order.id],
      sources: order.sources,
    },
    {
      kind: 'stopped',
      time: '2024-03-14T09:00:00+08:00',
      reason: 'CYP2C19慢代谢型',
      factIds: [order.id],
      sources: order.sources,
    },
  ],
  factIds: [order.id],
  sources: order.sources,
};

function temp(id: string, value: number, time: string): Fact {
  return {
    id,
    patientId: P,
    category: 'measurement',
    concept: { system: 'http://loinc.org', code: '8310-5', display: 'Body temperature', displayZh: '体温' },
    assertion: 'present',
    subject: { who: 'patient' },
    value: { value, unit: 'Cel' },
    time: { start: time },
    sources: [{ kind: 'resource', resourceType: 'Observation', id }],
  };
}

function state(over: Partial<PatientState>): PatientState {
  return {
    patientId: P,
    at: '2024-03-20T00:00:00Z',
    demographics: {} as PatientState['demographics'],
    phenotype: [],
    intervention: [],
    biology: [],
    timeline: [],
    conflicts: [],
    ...over,
  };
}

describe('the question reader', () => {
  it('never calls a daily course that began with a loading dose "given once"', () => {
    for (const lang of ['en', 'zh'] as const) {
      const a = drugEvents([course], 'started', false, [order], lang);
      const text = a.sentences.map((s) => s.text).join(' ');
      expect(text).not.toMatch(/given once|临时使用/);
      expect(text).toMatch(lang === 'en' ? /started on 2024-03-11 11:00/ : /于2024-03-11 11:00开始使用/);
      expect(text).toContain('300 mg');
      expect(a.sentences[0]!.factIds).toEqual([order.id]);
    }
  });

  it('reads "why was A switched to B" as why A was stopped, with the recorded reason', () => {
    const s = state({ intervention: [order], medications: [course] });
    const a = readQuestion('why was clopidogrel switched to ticagrelor?', s, 'en', builtinLexicon());
    const text = a.sentences.map((x) => x.text).join(' ');
    expect(a.intent).toBe('drug-event');
    expect(text).toContain('clopidogrel was stopped on 2024-03-14 09:00');
    expect(text).toContain('CYP2C19慢代谢型');
    expect(text).not.toMatch(/given once/);
  });

  it('leaves an unrecorded reason as a gap to search the notes for, never a bare "no reason recorded"', () => {
    const plain: MedicationCourse = {
      ...course,
      events: [course.events[2]!].map((e) => ({ ...e, reason: undefined })),
    };
    const s = state({ intervention: [order], medications: [plain] });
    const a = readQuestion('why was clopidogrel stopped?', s, 'en', builtinLexicon());
    const gap = a.sentences.find((x) => x.gap);
    expect(gap?.gap).toMatchObject({ what: 'reason', event: 'stopped' });
    expect(gap?.gap?.terms).toContain('clopidogrel');
  });

  it('reads Tmax as the highest temperature, not the latest', () => {
    const s = state({
      biology: [temp('t1', 38.1, '2024-01-07'), temp('t2', 39.2, '2024-01-08'), temp('t3', 36.8, '2024-01-11')],
    });
    for (const q of ['Tmax?', '体温峰值', 'peak temperature']) {
      const a = readQuestion(q, s, 'en', builtinLexicon());
      expect(a.sentences.map((x) => x.text).join(' '), q).toContain('39.2');
    }
  });
});

/** An active ibuprofen order written in Chinese (布洛芬缓释胶囊 300 mg bid, oral). */
const ibuprofenOrder: Fact = {
  id: 'F-ibu',
  patientId: P,
  category: 'medication',
  concept: { system: 'urn:medseek:text', code: 'ibu', displayZh: '布洛芬缓释胶囊' },
  assertion: 'present',
  subject: { who: 'patient' },
  time: { start: '2024-02-21T16:00:00+08:00' },
  status: 'active',
  dosage: { dose: { value: 300, unit: 'mg' }, frequency: { code: 'BID', perDay: 2 }, route: 'PO' },
  sources: [{ kind: 'resource', resourceType: 'MedicationRequest', id: 'mr2' }],
};
const ibuprofen: MedicationCourse = {
  concept: ibuprofenOrder.concept,
  status: 'active',
  discharge: false,
  dosage: ibuprofenOrder.dosage!,
  events: [
    {
      kind: 'started',
      time: '2024-02-21T16:00:00+08:00',
      dosage: ibuprofenOrder.dosage!,
      factIds: [ibuprofenOrder.id],
      sources: ibuprofenOrder.sources,
    },
  ],
  factIds: [ibuprofenOrder.id],
  sources: ibuprofenOrder.sources,
};

describe('questions about drugs themselves: a class, a dose, whether still given', () => {
  const s = state({ intervention: [order, ibuprofenOrder], medications: [course, ibuprofen] });
  const text = (a: { sentences: readonly { text: string }[] }) => a.sentences.map((x) => x.text).join(' ');

  it('answers a class by the release drug table, in either language, with status, start and dose', () => {
    const en = readQuestion('is she on any NSAID?', s, 'en', builtinLexicon());
    expect(en.intent).toBe('drug-class');
    expect(text(en)).toContain('is active, started 2024-02-21 16:00; dose 300 mg, twice daily, oral');
    expect(en.sentences[0]!.factIds).toEqual([ibuprofenOrder.id]);
    const zh = readQuestion('用过哪些抗血小板药', s, 'zh', builtinLexicon());
    expect(zh.intent).toBe('drug-class');
    expect(text(zh)).toMatch(/氯吡格雷（抗血小板药）已停用，2024-03-11 11:00开始，剂量75 mg，每日一次/);
  });

  it('says which members it checked when the patient has none of a class, never a bare "none"', () => {
    const a = readQuestion('any statins?', s, 'en', builtinLexicon());
    expect(a.intent).toBe('drug-class');
    expect(a.sentences).toHaveLength(1);
    expect(a.sentences[0]!.kind).toBe('absence');
    expect(a.sentences[0]!.text).toMatch(/None of the statins .*atorvastatin.* is among the recorded medications/);
  });

  it('does not read a drug whose name holds a class stem (阿托伐他汀 ⊃ 他汀) as the class', () => {
    const atorva: MedicationCourse = { ...ibuprofen, concept: { system: 'x', code: 'a', displayZh: '阿托伐他汀钙片' } };
    const a = readQuestion('阿托伐他汀什么剂量', state({ medications: [atorva] }), 'zh', builtinLexicon());
    expect(a.intent).toBe('drug-dose');
  });

  it('refuses a treatment decision even when it names a drug and a dose', () => {
    for (const q of ['Should we increase the ibuprofen dose?', '布洛芬要不要加量']) {
      const a = readQuestion(q, s, 'en', builtinLexicon());
      expect(a.refused, q).toBe(true);
      expect(
        a.sentences.every((x) => x.kind === 'refusal'),
        q,
      ).toBe(true);
    }
  });

  it('answers a dose from the latest order, and finds an English-named drug in a Chinese record', () => {
    const a = readQuestion('what dose of ibuprofen?', s, 'en', builtinLexicon());
    expect(a.intent).toBe('drug-dose');
    expect(text(a)).toContain('dose 300 mg, twice daily, oral');
    const still = readQuestion('还在用布洛芬吗', s, 'zh', builtinLexicon());
    expect(still.intent).toBe('drug-status');
    expect(text(still)).toContain('布洛芬缓释胶囊在用');
  });
});

describe('note sentences', () => {
  it('cuts the sentence around an occurrence out of the search context, with its offsets in the note', () => {
    const note =
      '患者诉右膝疼痛明显，影响睡眠。骨科会诊：双膝骨关节炎急性发作，建议布洛芬缓释胶囊0.3g口服每日两次止痛。已遵会诊意见开具医嘱。';
    const at = note.indexOf('布洛芬');
    const from = Math.max(0, at - 40);
    const s = sentenceAround({ document: 'd', start: at, end: at + 3, context: note.slice(from, at + 3 + 40) })!;
    expect(s.text).toBe('骨科会诊：双膝骨关节炎急性发作，建议布洛芬缓释胶囊0.3g口服每日两次止痛。');
    expect(note.slice(s.start, s.end)).toBe(s.text);
    expect(s.whole).toBe(true);
  });
});
