import { describe, expect, it } from 'vitest';
import { check, claimOf, course, orderFact, rec } from './__fixtures__/helpers.js';
import type { PatientState } from '../core/index.js';
import { recordFromState } from './record.js';

/**
 * Route and unit swapped on the record's own words (E05, E04), for what the lexicon does not name;
 * and discharge drugs named by the record's own medication names. Records are written here.
 */

describe('a route or unit swapped on words the lexicon does not name', () => {
  const zh = rec('既往高血压病史5年，间断口服降压药物治疗。入院后予临时补液400ml，口服活血止痛药物腰痛宁1.5g日1次。');

  it('contradicts the other route or unit on the record’s words (zh)', () => {
    expect(claimOf(check('间断静滴降压药物治疗。', zh, 'zh'), '静滴')).toMatchObject({
      verdict: 'contradicted',
      errorType: 'E05',
    });
    expect(claimOf(check('静滴活血止痛药物腰痛宁1.5g日1次。', zh, 'zh'), '静滴')).toMatchObject({
      verdict: 'contradicted',
      errorType: 'E05',
    });
    expect(claimOf(check('入院后予临时补液400L。', zh, 'zh'), '400L')).toMatchObject({
      verdict: 'contradicted',
      errorType: 'E04',
    });
  });

  it('leaves the record’s own words, an equal amount in another unit, and words the record does not have', () => {
    expect(check('间断口服降压药物治疗。入院后予临时补液400ml。', zh, 'zh').counts.contradicted).toBe(0);
    expect(check('入院后予临时补液0.4L。', zh, 'zh').counts.contradicted).toBe(0);
    expect(check('静滴胺碘酮注射液。', zh, 'zh').counts.contradicted).toBe(0);
    // A switch written in the record: both routes are its words.
    const sw = rec('先予静滴抗感染药物，后改为口服抗感染药物。');
    expect(check('静滴抗感染药物。口服抗感染药物。', sw, 'zh').counts.contradicted).toBe(0);
  });

  it('en: a route after a drug the lexicon does not know', () => {
    const en = rec('Hospital course: zorbitane 200 mg PO daily was given.', 'en');
    expect(claimOf(check('Zorbitane 200 mg IV daily.', en, 'en'), 'IV')).toMatchObject({
      verdict: 'contradicted',
      errorType: 'E05',
    });
    expect(check('Zorbitane 200 mg PO daily.', en, 'en').counts.contradicted).toBe(0);
  });
});

describe('a discharge drug named by the record’s own medication name', () => {
  // A drug the lexicon does not know, as FHIR gives it: its course stopped, another on the orders.
  const implant = orderFact('m1', 'Etonogestrel 68 MG Drug Implant', '389221');
  const furo = orderFact('m2', 'furosemide', '4603');
  const state = {
    patientId: 'p',
    phenotype: [],
    intervention: [implant, furo],
    biology: [],
    timeline: [],
    medications: [course(implant, 'stopped', false), course(furo, 'active', true)],
  } as unknown as PatientState;
  const record = recordFromState(state);

  it('contradicts a stopped record medication listed at discharge by its record name', () => {
    expect(
      claimOf(check('Discharge medications: Etonogestrel 68 MG Drug Implant.', record, 'en'), 'Etonogestrel'),
    ).toMatchObject({ verdict: 'contradicted', errorType: 'E11' });
  });

  it('leaves the name alone outside a discharge list', () => {
    expect(
      claimOf(check('An Etonogestrel 68 MG Drug Implant was placed in 2019.', record, 'en'), 'Etonogestrel').errorType,
    ).not.toBe('E11');
  });
});
