import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { forEachBackendWithDemoRelease } from '../../../test/support/backends.js';
import type { Concept, Fact, PatientState, Source } from '../../core/index.js';
import { CodeSystems } from '../../core/index.js';
import { bundleResources, noteText, stateFromBundle } from '../../fusion/index.js';
import { ensureDemoRelease, KnowledgeGraph } from '../../knowledge/index.js';
import { extractFacts } from '../../nlp/index.js';
import { parseComplaint } from '../consultation/complaint.js';
import { knowledgeBaseResolver } from './knowledge-bases.js';
import type { CausalModel } from './model.js';
import { compileNetwork } from './network.js';
import { codingsFromKnowledge, diagnosePatient, patientCase } from './patient-case.js';

const src = (edge: string) => ({ kind: 'knowledge' as const, edgeId: edge, authority: { name: 'test fixture' } });
const snomed = (code: string) => ({ system: CodeSystems.snomed, code });

// A small network named as the DDXPlus release is: short names in both languages, synonyms, codes.
const model: CausalModel = {
  id: 'patient-case-test',
  diseases: [
    { id: 'pneumonia', name: { en: 'Pneumonia', zh: '肺炎' }, prior: 0.01 },
    { id: 'gerd', name: { en: 'GERD', zh: '胃食管反流病' }, prior: 0.01 },
  ],
  findings: [
    {
      id: 'fever',
      name: { en: 'Fever', zh: '发热' },
      kind: 'symptom',
      leak: 0.01,
      synonyms: ['pyrexia', '发烧'],
      coding: snomed('386661006'),
    },
    { id: 'cough', name: { en: 'Cough', zh: '咳嗽' }, kind: 'symptom', leak: 0.01, synonyms: ['coughing'] },
    {
      id: 'chest-pain',
      name: { en: 'Chest pain at rest', zh: '静息胸痛' },
      kind: 'symptom',
      leak: 0.01,
      synonyms: ['chest pain', '胸痛'],
    },
    { id: 'heartburn', name: { en: 'Heartburn', zh: '烧心' }, kind: 'symptom', leak: 0.01, synonyms: ['反酸'] },
    { id: 'old-pneumonia', name: { en: 'History of pneumonia', zh: '肺炎史' }, kind: 'antecedent', leak: 0.05 },
  ],
  riskFactors: [{ id: 'smoker', name: { en: 'Smoker', zh: '吸烟' }, prevalence: 0.2 }],
  edges: [
    { kind: 'causes', from: 'pneumonia', to: 'fever', probability: 0.8, source: src('pneumonia->fever') },
    { kind: 'causes', from: 'pneumonia', to: 'cough', probability: 0.9, source: src('pneumonia->cough') },
    { kind: 'causes', from: 'pneumonia', to: 'chest-pain', probability: 0.3, source: src('pneumonia->chest-pain') },
    {
      kind: 'causes',
      from: 'pneumonia',
      to: 'old-pneumonia',
      probability: 0.2,
      source: src('pneumonia->old-pneumonia'),
    },
    { kind: 'causes', from: 'gerd', to: 'heartburn', probability: 0.8, source: src('gerd->heartburn') },
    { kind: 'causes', from: 'gerd', to: 'chest-pain', probability: 0.7, source: src('gerd->chest-pain') },
    { kind: 'causes', from: 'gerd', to: 'cough', probability: 0.2, source: src('gerd->cough') },
    { kind: 'risk', from: 'smoker', to: 'pneumonia', probability: 0.05, source: src('smoker->pneumonia') },
  ],
};
const net = compileNetwork(model);

const NOTE_ZH = '主诉：咳嗽、发烧3天，无胸痛。母亲有反酸。';
const NOTE_EN = 'Denies heartburn. History of pneumonia in 2019.';
function span(document: string, text: string, quote: string): Source {
  const start = text.indexOf(quote);
  return { kind: 'text', document, start, end: start + quote.length, quote };
}
let n = 0;
function fact(concept: Concept, assertion: Fact['assertion'], sources: Source[], extra: Partial<Fact> = {}): Fact {
  return {
    id: `f${++n}`,
    patientId: 'p1',
    category: 'finding',
    concept,
    assertion,
    subject: { who: 'patient' },
    sources,
    ...extra,
  };
}
const zhDoc = 'DocumentReference/zh';
const enDoc = 'DocumentReference/en';
const state: PatientState = {
  patientId: 'p1',
  at: '2026-11-25T00:00:00Z',
  demographics: { sex: 'male', age: 67 },
  phenotype: [
    // By code (the built-in lexicon's SNOMED CT code), though the note wrote a colloquial word.
    fact({ ...snomed('386661006'), display: 'Fever', displayZh: '发热' }, 'present', [span(zhDoc, NOTE_ZH, '发烧')], {
      section: 'chief_complaint',
    }),
    // By name: the built-in concept's display matches the finding's name.
    fact({ ...snomed('49727002'), display: 'Cough', displayZh: '咳嗽' }, 'present', [span(zhDoc, NOTE_ZH, '咳嗽')]),
    // By synonym (胸痛), absent.
    fact({ ...snomed('29857009'), display: 'Chest pain', displayZh: '胸痛' }, 'absent', [span(zhDoc, NOTE_ZH, '胸痛')]),
    // About the mother: set aside.
    fact({ system: 'urn:test', code: 'x', displayZh: '反酸' }, 'present', [span(zhDoc, NOTE_ZH, '反酸')], {
      subject: { who: 'family', relation: '母亲' },
    }),
    // English, absent, by the quote only.
    fact({ system: 'urn:test', code: 'hb' }, 'absent', [span(enDoc, NOTE_EN, 'heartburn')]),
    // Historical: only an antecedent may take it; "Pneumonia" must not become a current finding.
    fact(
      { system: 'urn:test', code: 'pn', display: 'History of pneumonia' },
      'historical',
      [span(enDoc, NOTE_EN, 'History of pneumonia')],
      { category: 'condition' },
    ),
    fact({ system: 'urn:test', code: 'pn2', display: 'Cough' }, 'historical', [span(enDoc, NOTE_EN, 'pneumonia')]),
    // A risk factor by its Chinese name, from a resource.
    fact(
      { system: 'urn:test', code: 'smk', displayZh: '吸烟' },
      'present',
      [{ kind: 'resource', resourceType: 'Observation', id: 'smoking' }],
      { category: 'risk-factor' },
    ),
    // "possible" is not evidence.
    fact({ system: 'urn:test', code: 'hb2', display: 'Heartburn' }, 'possible', [span(enDoc, NOTE_EN, 'heartburn')]),
  ],
  intervention: [],
  biology: [],
  timeline: [],
  conflicts: [],
};

describe('patientCase', () => {
  const pc = patientCase(net, state);

  it('maps facts to findings by code, name, synonym or quote, with present/absent from the assertion', () => {
    const byId = Object.fromEntries(pc.input.findings.map((f) => [f.id, f.present]));
    expect(byId).toEqual({ fever: true, cough: true, 'chest-pain': false, heartburn: false, 'old-pneumonia': true });
    expect(pc.matches.find((m) => m.target === 'fever')!.by).toBe('code');
    expect(pc.input).toMatchObject({ age: 67, sex: 'male', riskFactors: [{ id: 'smoker', present: true }] });
  });

  it('sets aside family and possible mentions, and lets historical facts reach antecedents only', () => {
    expect(pc.matches.filter((m) => m.target === 'heartburn').map((m) => m.present)).toEqual([false]);
    // The historical "Cough" fact did not make cough present a second time.
    expect(pc.matches.filter((m) => m.target === 'cough')).toHaveLength(1);
  });

  it("keeps each finding's Sources, pointing at the note spans", () => {
    const [s] = pc.sourcesOf('fever');
    expect(s).toMatchObject({ kind: 'text', document: zhDoc, quote: '发烧' });
    if (s?.kind === 'text') expect(NOTE_ZH.slice(s.start, s.end)).toBe('发烧');
    expect(pc.sourcesOf('smoker')).toEqual([{ kind: 'resource', resourceType: 'Observation', id: 'smoking' }]);
    expect(pc.sourcesOf('gerd')).toEqual([]);
  });

  it('reads a measured body temperature of 37.3 ℃ or more as fever, and lets a present fact win over an absent one', () => {
    const temp = fact(
      { system: CodeSystems.loinc, code: '8310-5', display: 'Body temperature' },
      'present',
      [{ kind: 'resource', resourceType: 'Observation', id: 't' }],
      {
        category: 'measurement',
        value: { value: 38.4, unit: 'Cel' },
      },
    );
    const noFever = fact({ ...snomed('386661006'), display: 'Fever' }, 'absent', [span(zhDoc, NOTE_ZH, '发烧')]);
    const pc2 = patientCase(net, { ...state, phenotype: [noFever, temp] });
    expect(pc2.input.findings).toEqual([{ id: 'fever', present: true }]);
    expect(pc2.sourcesOf('fever')).toEqual([{ kind: 'resource', resourceType: 'Observation', id: 't' }]);
    const cool = { ...temp, id: 'cool', value: { value: 36.8, unit: 'Cel' } };
    expect(patientCase(net, { ...state, phenotype: [cool] }).input.findings).toEqual([]);
  });

  it('matches by any extra coding the caller gives (a release concept’s SNOMED CT codes)', () => {
    const heartburnFact = fact({ ...snomed('16331000'), display: 'Pyrosis' }, 'present', []);
    expect(patientCase(net, { ...state, phenotype: [heartburnFact] }).input.findings).toEqual([]);
    const withCodes = patientCase(
      net,
      { ...state, phenotype: [heartburnFact] },
      { codings: new Map([['heartburn', [snomed('16331000')]]]) },
    );
    expect(withCodes.input.findings).toEqual([{ id: 'heartburn', present: true }]);
  });
});

describe('diagnosePatient', () => {
  const r = diagnosePatient(net, state, { createdAt: '2026-11-25T00:00:00Z' });

  it('ranks the differential and returns one Conclusion per disease whose evidence cites the note spans', () => {
    expect(r.diagnosis.differential[0]!.id).toBe('pneumonia');
    expect(r.conclusions.map((c) => c.patientId)).toEqual(['p1', 'p1']);
    const c = r.conclusions[0]!;
    expect(c.kind).toBe('diagnosis');
    const fever = c.evidence.find((e) => e.factId === 'fever' && e.role === 'supports')!;
    expect(fever.sources).toEqual([span(zhDoc, NOTE_ZH, '发烧')]);
    // The pertinent negative cites its span too, wherever the explanation uses it.
    const chest = r.conclusions.flatMap((x) => x.evidence).filter((e) => e.factId === 'chest-pain');
    expect(chest.length).toBeGreaterThan(0);
    for (const e of chest) expect(e.sources[0]).toMatchObject({ kind: 'text', document: zhDoc, quote: '胸痛' });
  });
});

forEachBackendWithDemoRelease('patient case on the demo knowledge release', (db) => {
  it('names the release network in Chinese, reads zh and en complaints, and puts pneumonia first for the demo pneumonia patient', async () => {
    await ensureDemoRelease(db());
    const release = await knowledgeBaseResolver({ sql: db() })('release');
    expect(release.findings.every((f) => f.name.zh)).toBe(true);
    expect(release.diseases.find((d) => d.id === 'ddxplus:path:Pneumonia')!.name.zh).toBe('肺炎');

    for (const [text, lang] of [
      ['咳嗽、发热3天，无胸痛', 'zh'],
      ['cough and fever for 3 days, no chest pain', 'en'],
    ] as const) {
      const p = parseComplaint(release, text, lang);
      expect([...p.present].sort()).toEqual(['ddxplus:E_201', 'ddxplus:E_91']);
      expect(p.absent).toEqual(['ddxplus:E_14']);
    }

    const bundle = JSON.parse(readFileSync(new URL('../../../demo/zh/zh-cap-pneumonia.json', import.meta.url), 'utf8'));
    const resources = bundleResources(bundle);
    const patientId = (resources.find((x) => x.resourceType === 'Patient') as { id: string }).id;
    const noteFacts = resources.flatMap((res) => {
      const note = res.resourceType === 'DocumentReference' ? noteText(res) : undefined;
      return note
        ? extractFacts(note.text, {
            lang: 'zh',
            document: note.document,
            patientId,
            ...(note.date ? { anchorDate: note.date } : {}),
          }).facts
        : [];
    });
    const patient = stateFromBundle(bundle, noteFacts);
    const codings = codingsFromKnowledge(await new KnowledgeGraph(db()).causalNetwork());
    const r = diagnosePatient(release, patient, { top: 5, codings, counterfactual: false });
    expect(r.diagnosis.differential[0]!.id).toBe('ddxplus:path:Pneumonia');
    expect(r.case.input.findings).toEqual(
      expect.arrayContaining([
        { id: 'ddxplus:E_201', present: true },
        { id: 'ddxplus:E_91', present: true },
      ]),
    );
    const cough = r.conclusions[0]!.evidence.find((e) => e.factId === 'ddxplus:E_201')!;
    expect(cough.sources.some((s) => s.kind === 'text' && s.document.startsWith('DocumentReference/'))).toBe(true);
  });
});
