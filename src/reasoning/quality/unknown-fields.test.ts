import { describe, expect, it } from 'vitest';
import type { AnyResource } from '../../fusion/index.js';
import { ADMISSION_NOTE_TEXT, CATALOG, CLEAN_ENCOUNTER, NOW } from './__fixtures__/clean-encounter.js';
import { evaluateQc } from './engine.js';
import { encounterFromResources, QC_ANTIBIOTIC_TIER_SYSTEM } from './from-fhir.js';
import type { QcEncounter } from './model.js';
import { qualityRulesFromData } from './rulebook.js';

/**
 * What a source does not carry is unknown, not missing: the rules skip it. What a source carries
 * empty is a defect. (A FHIR export has no 病案首页, often no requester, author or antibiotic tier.)
 */
const BOOK = qualityRulesFromData();
const findings = (enc: QcEncounter, rule: string) =>
  evaluateQc(enc, BOOK, { now: NOW, icdCatalog: CATALOG })
    .issues.filter((i) => i.ruleId === rule)
    .map((i) => i.conclusion.statement.zh ?? '');

const ENC = {
  resourceType: 'Encounter',
  id: 'e9',
  class: { code: 'IMP' },
  subject: { reference: 'Patient/p9' },
  period: { start: '2026-03-02T09:00:00+08:00', end: '2026-03-09T10:00:00+08:00' },
} as unknown as AnyResource;
const order = (id: string, extra: object) =>
  ({
    resourceType: 'MedicationRequest',
    id,
    status: 'active',
    intent: 'order',
    encounter: { reference: 'Encounter/e9' },
    authoredOn: '2026-03-02T10:00:00+08:00',
    medicationCodeableConcept: { text: '注射用头孢呋辛钠' },
    dosageInstruction: [{ text: '注射用头孢呋辛钠 1.5g 静脉滴注 每日2次' }],
    ...extra,
  }) as unknown as AnyResource;
const note = (id: string, text: string, extra: object = {}) =>
  ({
    resourceType: 'DocumentReference',
    id,
    status: 'current',
    docStatus: 'final',
    type: { text: '出院记录' },
    date: '2026-03-09T11:00:00+08:00',
    context: { encounter: [{ reference: 'Encounter/e9' }], period: { start: '2026-03-09T11:00:00+08:00' } },
    content: [{ attachment: { contentType: 'text/plain', data: Buffer.from(text).toString('base64') } }],
    ...extra,
  }) as unknown as AnyResource;

const fromFhir = (resources: AnyResource[]) => encounterFromResources({ encounter: ENC, resources });

describe('FHIR: unknown is not missing', () => {
  it('an order without requester is not "unsigned"; an empty requester is', () => {
    const enc = fromFhir([
      order('m1', {}),
      order('m2', { requester: {} }),
      order('m3', { requester: { display: '李主治' } }),
    ]);
    expect(enc.orders.map((o) => [o.id, o.signedBy, o.unknown?.includes('signedBy') ?? false])).toEqual([
      ['m1', undefined, true],
      ['m2', undefined, false],
      ['m3', '李主治', false],
    ]);
    expect(findings(enc, 'C17').filter((m) => m.includes('无医师签名'))).toHaveLength(1);
  });

  it('an antibiotic tier is read from its category coding; without it, K13 does not judge the tier', () => {
    const coded = { category: [{ coding: [{ system: QC_ANTIBIOTIC_TIER_SYSTEM, code: 'restricted' }] }] };
    const enc = fromFhir([order('m1', {}), order('m2', coded)]);
    expect(enc.orders.map((o) => [o.category, o.antibioticTier, o.unknown])).toEqual([
      ['antibiotic', undefined, ['signedBy', 'antibioticTier']],
      ['antibiotic', 'restricted', ['signedBy']],
    ]);
    expect(findings(enc, 'K13')).toEqual([]);
    const hand: QcEncounter = { ...enc, orders: enc.orders.map(({ unknown: _, ...o }) => o) };
    expect(findings(hand, 'K13')).toEqual(['抗菌药医嘱“注射用头孢呋辛钠 1.5g 静脉滴注 每日2次”未标注分级']);
  });

  it('a note with neither author nor signature line has an unknown author (C19 silent); a 医生签名 line names one', () => {
    const enc = fromFhir([note('n1', '出院记录\n入院日期：2026-03-02'), note('n2', '出院记录\n医生签名：张住院')]);
    expect(enc.documents.map((d) => [d.author?.name, d.unknown])).toEqual([
      [undefined, ['author']],
      ['张住院', undefined],
    ]);
    expect(findings(enc, 'C19')).toEqual([]);
    const known: QcEncounter = { ...enc, documents: enc.documents.map(({ unknown: _, ...d }) => d) };
    expect(findings(known, 'C19')).toEqual(['出院记录缺作者或记录日期时间']);
  });

  it('no 首页 in a FHIR export is unknown (T19 silent); no 首页 in a source that keeps one is late', () => {
    expect(fromFhir([]).unknown).toEqual(['homepage']);
    const { homepage: _, ...rest } = CLEAN_ENCOUNTER;
    expect(findings({ ...rest, unknown: ['homepage'] }, 'T19')).toEqual([]);
    expect(findings(rest, 'T19')).toEqual(['缺病案首页（应在24小时内完成）']);
  });
});

describe('K17 reads every time the 主诉 states', () => {
  const withCc = (cc: string) => ({
    ...CLEAN_ENCOUNTER,
    documents: CLEAN_ENCOUNTER.documents.map((d) =>
      d.id === 'an1' ? { ...d, text: ADMISSION_NOTE_TEXT.replace('主诉：右上腹反复疼痛2年，加重3天', cc) } : d,
    ),
  });
  it('a later time changed (加重3天 → 3个月) while the 现病史 keeps "3天前"', () => {
    expect(findings(withCc('主诉：右上腹反复疼痛2年，加重3天'), 'K17')).toEqual([]);
    expect(findings(withCc('主诉：右上腹反复疼痛2年，加重3个月'), 'K17')).toEqual([
      '主诉时间（90天）与现病史（3天）不一致',
    ]);
  });
});
