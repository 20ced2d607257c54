import { describe, expect, it } from 'vitest';
import type { AnyResource } from './fhir.js';
import type { MapContext } from './map-context.js';
import { activityScoreOf } from './map-observation.js';
import { resourceToFacts } from './map-resource.js';

const ctx: MapContext = { patientId: 'p1', at: Date.parse('2026-03-01T00:00:00Z') };
const LOINC = 'http://loinc.org';
const GE = [{ coding: [{ system: 'http://terminology.hl7.org/CodeSystem/v2-0074', code: 'GE' }] }];
const geneStudied = (gene: string) => ({
  code: { coding: [{ system: LOINC, code: '48018-6' }] },
  valueCodeableConcept: { text: gene },
});
/** An Observation as src/ingest/vcf/fhir.ts writes it (genotype 84413-4 or phenotype 53040-2). */
const obs = (code: string, text: string, gene: string, note: string[] = []) =>
  resourceToFacts(
    {
      resourceType: 'Observation',
      id: `o-${code}-${gene}`,
      status: 'final',
      category: GE,
      subject: { reference: 'Patient/p1' },
      effectiveDateTime: '2026-01-05T00:00:00Z',
      code: { coding: [{ system: LOINC, code }] },
      valueCodeableConcept: { text },
      component: [geneStudied(gene)],
      ...(note.length ? { note: note.map((t) => ({ text: t })) } : {}),
    } as unknown as AnyResource,
    ctx,
  );

describe('genotype Observations (mapGenotype)', () => {
  it('keeps an ambiguous call’s candidate phenotypes as a qualifier and out of valueText', () => {
    const [f] = obs(
      '84413-4',
      'ambiguous (unphased heterozygous positions: the phase decides between these diplotypes): ' +
        'TPMT*1/TPMT*3A or TPMT*3B/TPMT*3C',
      'TPMT',
      [
        'Not tested (absent from the VCF or no-call): 13 of 43 defining positions: rs139392616',
        'Phenotype not determined: the candidates give Intermediate Metabolizer, Poor Metabolizer ' +
          '(a phenotype is reported only when every candidate agrees)',
      ],
    );
    expect(f).toMatchObject({
      category: 'genotype',
      concept: { display: 'TPMT' },
      valueText: 'TPMT ambiguous genotype: TPMT*1/TPMT*3A or TPMT*3B/TPMT*3C',
      qualifiers: {
        gene: 'TPMT',
        ambiguousGenotype: 'TPMT*1/TPMT*3A or TPMT*3B/TPMT*3C',
        possiblePhenotypes: 'intermediate metabolizer | poor metabolizer',
      },
    });
    expect(f!.qualifiers?.ambiguousReason).toMatch(/^unphased heterozygous positions/);
    expect(f!.qualifiers?.phenotype).toBeUndefined();
    expect(f!.qualifiers?.diplotype).toBeUndefined();
    expect(f!.valueText).not.toMatch(/metabolizer/i);
  });

  it('an ambiguous call without the candidates note has no possiblePhenotypes (never guessed)', () => {
    const [f] = obs('84413-4', 'ambiguous: CYP2C19*1/CYP2C19*1 or CYP2C19*1/CYP2C19*17', 'CYP2C19');
    expect(f!.qualifiers).toMatchObject({ ambiguousGenotype: 'CYP2C19*1/CYP2C19*1 or CYP2C19*1/CYP2C19*17' });
    expect(f!.qualifiers?.possiblePhenotypes).toBeUndefined();
  });

  it('captures the activity score as a qualifier and keeps it in valueText', () => {
    const [f] = obs('53040-2', 'DPYD Intermediate Metabolizer (activity score 1.5)', 'DPYD');
    expect(f).toMatchObject({
      valueText: 'DPYD (intermediate metabolizer, activity score 1.5)',
      qualifiers: { gene: 'DPYD', phenotype: 'intermediate metabolizer', activityScore: '1.5' },
    });
    const [g] = obs('53040-2', 'CYP2D6 activity score 0', 'CYP2D6');
    expect(g).toMatchObject({ valueText: 'CYP2D6 (CYP2D6 activity score 0)', qualifiers: { activityScore: '0' } });
    const [c] = obs('53040-2', 'CYP2C9 Poor Metabolizer (activity score 0.0)', 'CYP2C9');
    expect(c!.qualifiers?.activityScore).toBe('0');
    const [none] = obs('53040-2', 'CYP2C19 Poor Metabolizer', 'CYP2C19');
    expect(none!.qualifiers?.activityScore).toBeUndefined();
    expect(none!.valueText).toBe('CYP2C19 (poor metabolizer)');
  });

  it('reads activity scores in the words labs use', () => {
    expect(activityScoreOf('DPYD AS 1')).toBe('1');
    expect(activityScoreOf('DPYD 活性评分：0.5')).toBe('0.5');
    expect(activityScoreOf('activity score: 2.25')).toBe('2.25');
    expect(activityScoreOf('DPYD Normal Metabolizer')).toBeUndefined();
    expect(activityScoreOf('as prescribed, 2 tablets')).toBeUndefined();
  });

  it('keeps a VKORC1 result that names no metabolizer status as reported', () => {
    const [f] = obs('53040-2', 'VKORC1 -1639 AA', 'VKORC1');
    expect(f).toMatchObject({ valueText: 'VKORC1 (VKORC1 -1639 AA)', qualifiers: { phenotype: 'VKORC1 -1639 AA' } });
  });
});
