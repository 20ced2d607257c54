import { describe, expect, it } from 'vitest';
import { dosageOf, frequencyCode, normaliseRoute, strengthOf } from './dosage.js';

describe('FHIR Dosage → core Dosage', () => {
  it('reads dose, route, frequency from repeat, duration and as-needed', () => {
    const d = dosageOf({
      timing: {
        repeat: { frequency: 1, period: 8, periodUnit: 'h', boundsDuration: { value: 7, unit: 'days', code: 'd' } },
      },
      route: { coding: [{ system: 'http://snomed.info/sct', code: '47625008', display: 'Intravenous route' }] },
      doseAndRate: [{ doseQuantity: { value: 1, unit: 'g', code: 'g' } }],
      asNeededBoolean: false,
    });
    expect(d).toEqual({
      dose: { value: 1, unit: 'g', original: '1 g' },
      route: 'intravenous',
      frequency: { code: 'Q8H', perDay: 3 },
      duration: { value: 7, unit: 'd' },
      asNeeded: false,
    });
  });

  it('reads a timing code and a Chinese route', () => {
    expect(dosageOf({ timing: { code: { text: 'tid' } }, route: { text: '口服' } })).toEqual({
      frequency: { code: 'TID', perDay: 3, original: 'tid' },
      route: 'oral',
    });
  });

  it('reads what the structure leaves out from the sig text (English and Chinese)', () => {
    expect(dosageOf({ text: '阿司匹林 100mg 口服 qd' })).toMatchObject({
      dose: { value: 100, unit: 'mg' },
      route: 'oral',
      frequency: { code: 'QD', perDay: 1 },
    });
    expect(
      dosageOf({
        text: '25 mg PO BID x 7 days',
        doseAndRate: [{ doseQuantity: { value: 50, unit: 'mg', code: 'mg' } }],
      }),
    ).toMatchObject({
      dose: { value: 50, unit: 'mg' },
      route: 'oral',
      frequency: { code: 'BID', perDay: 2 },
      duration: { value: 7, unit: 'd' },
    });
  });

  it('takes the strength from the product name, with no dosage at all', () => {
    expect(dosageOf(undefined, 'Acetaminophen 325 MG Oral Tablet')).toEqual({
      strength: { value: 325, unit: 'mg', original: '325 MG' },
    });
    expect(strengthOf('氯吡格雷片 75mg')).toMatchObject({ value: 75, unit: 'mg' });
    expect(strengthOf('Insulin glargine 100 UNT/ML')).toMatchObject({ value: 100, unit: 'U' });
    expect(dosageOf({ asNeededBoolean: true })).toEqual({ asNeeded: true });
    expect(dosageOf({})).toBeUndefined();
  });

  it('names frequencies and routes one way', () => {
    expect(frequencyCode(2)).toBe('BID');
    expect(frequencyCode(0.5)).toBe('QOD');
    expect(frequencyCode(6, 4)).toBe('Q4H');
    expect(normaliseRoute('PO')).toBe('oral');
    expect(normaliseRoute('静滴')).toBe('intravenous');
  });
});
