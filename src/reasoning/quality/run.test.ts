import { describe, expect, it } from 'vitest';
import type { AnyResource } from '../../fusion/index.js';
import { encounterFromResources } from './from-fhir.js';
import { toHtml, toMarkdown } from './report.js';
import { qualityRulesFromData } from './rulebook.js';
import { runQc } from './run.js';

const b64 = (s: string) => Buffer.from(s, 'utf8').toString('base64');
const patient = { resourceType: 'Patient', id: 'qp1', gender: 'female', birthDate: '1960-01-01' } as AnyResource;
const inpatient = {
  resourceType: 'Encounter',
  id: 'qe1',
  status: 'finished',
  class: { code: 'IMP' },
  subject: { reference: 'Patient/qp1' },
  period: { start: '2026-03-02T09:00:00+08:00', end: '2026-03-09T10:00:00+08:00' },
} as AnyResource;
const ambulatory = {
  resourceType: 'Encounter',
  id: 'qe2',
  status: 'finished',
  class: { code: 'AMB' },
  subject: { reference: 'Patient/qp1' },
  period: { start: '2026-02-01T09:00:00+08:00', end: '2026-02-01T09:30:00+08:00' },
} as AnyResource;
const admission = {
  resourceType: 'DocumentReference',
  id: 'qd1',
  status: 'current',
  docStatus: 'final',
  type: { text: '入院记录' },
  subject: { reference: 'Patient/qp1' },
  date: '2026-03-03T10:30:00+08:00',
  author: [{ reference: 'Practitioner/d1', display: '张住院' }],
  context: { encounter: [{ reference: 'Encounter/qe1' }], period: { start: '2026-03-02T10:00:00+08:00' } },
  content: [
    {
      attachment: {
        contentType: 'text/plain; charset=utf-8',
        data: b64('入院记录\n主诉：咳嗽3天\n现病史：患者3天前受凉后出现咳嗽。'),
      },
    },
  ],
} as AnyResource;
const order = {
  resourceType: 'MedicationRequest',
  id: 'qm1',
  status: 'completed',
  intent: 'order',
  subject: { reference: 'Patient/qp1' },
  encounter: { reference: 'Encounter/qe1' },
  authoredOn: '2026-03-02T11:00:00+08:00',
  requester: { reference: 'Practitioner/d1' },
  medicationCodeableConcept: { text: '头孢呋辛酯片 0.25g' },
} as AnyResource;
const all = [patient, inpatient, ambulatory, admission, order];

describe('QC over FHIR encounters', () => {
  it('maps FHIR resources to the QC view: signed note time, admission, orders and their category', () => {
    const enc = encounterFromResources({ encounter: inpatient, patient, resources: all });
    expect(enc.admitAt).toBe('2026-03-02T09:00:00+08:00');
    expect(enc.documents).toMatchObject([
      {
        id: 'qd1',
        type: 'admission-note',
        completedAt: '2026-03-03T10:30:00+08:00',
        recordedAt: '2026-03-02T10:00:00+08:00',
      },
    ]);
    expect(enc.documents[0]!.text).toContain('主诉：咳嗽3天');
    expect(enc.orders).toMatchObject([{ id: 'qm1', category: 'antibiotic', signedBy: 'd1' }]);
    expect(encounterFromResources({ encounter: ambulatory, patient, resources: all }).documents).toEqual([]);
  });

  it('runs over inpatient stays only (unless all), honours --since, and reports late notes with their source', async () => {
    const source = {
      encounters: async function* () {
        yield inpatient;
        yield ambulatory;
      },
      patientResources: async () => all,
    };
    const progress: number[] = [];
    const s = await runQc(source, qualityRulesFromData(), {
      now: '2026-03-20T00:00:00+08:00',
      onProgress: (d) => progress.push(d),
    });
    expect(s.encounters).toBe(1);
    expect(progress).toEqual([0, 1]);
    const t01 = s.reports[0]!.issues.find((i) => i.ruleId === 'T01')!;
    expect(t01.conclusion.evidence[0]!.sources).toEqual([
      { kind: 'resource', resourceType: 'DocumentReference', id: 'qd1' },
    ]);
    expect(
      (await runQc(source, qualityRulesFromData(), { all: true, now: '2026-03-20T00:00:00+08:00' })).encounters,
    ).toBe(2);
    expect(
      (await runQc(source, qualityRulesFromData(), { since: '2026-04-01', now: '2026-03-20T00:00:00+08:00' }))
        .encounters,
    ).toBe(0);
    expect(toMarkdown(s)).toContain('| T01 |');
    expect(toHtml(s)).toContain('<td>T01</td>');
  });
});
