import { describe, expect, it } from 'vitest';
import { allergenName, drugName, foldName, sameConcept } from './concept-match.js';

const snomed = 'http://snomed.info/sct';
const rxnorm = 'http://www.nlm.nih.gov/research/umls/rxnorm';

describe('concept matching', () => {
  it('matches by a code shared through equivalent codings', () => {
    const a = { system: snomed, code: '38341003', display: 'Hypertension' };
    const b = {
      system: 'urn:medseek:concept',
      code: 'htn',
      display: 'High blood pressure',
      codings: [{ system: snomed, code: '38341003' }],
    };
    expect(sameConcept(a, b)).toBe(true);
  });

  it('matches across code systems by folded name, SNOMED semantic tags and full-width forms aside', () => {
    expect(
      sameConcept(
        { system: snomed, code: '38341003', display: 'Hypertension (disorder)' },
        { system: 'http://hl7.org/fhir/sid/icd-10', code: 'I10', display: 'hypertension' },
      ),
    ).toBe(true);
    expect(foldName('２型糖尿病（disorder）')).toBe('2型糖尿病');
  });

  it('never matches two different codes of one system by name', () => {
    expect(
      sameConcept({ system: snomed, code: '1', display: 'Pain' }, { system: snomed, code: '2', display: 'pain' }),
    ).toBe(false);
  });

  it('matches drug products to their ingredient (English and Chinese)', () => {
    expect(drugName('Naproxen sodium 220 MG Oral Tablet')).toBe('naproxen');
    expect(drugName('Metoprolol succinate 24 HR 50 MG Extended Release Oral Tablet')).toBe('metoprolol');
    expect(drugName('阿司匹林肠溶片 100mg')).toBe('阿司匹林');
    expect(drugName('盐酸二甲双胍缓释片')).toBe('二甲双胍');
    expect(
      sameConcept(
        { system: rxnorm, code: '849574', display: 'Naproxen sodium 220 MG Oral Tablet' },
        { system: rxnorm, code: '7258', display: 'Naproxen' },
        'medication',
      ),
    ).toBe(true);
    expect(
      sameConcept(
        { system: rxnorm, code: '849574', display: 'Naproxen sodium 220 MG Oral Tablet' },
        { system: rxnorm, code: '7258', display: 'Naproxen' },
      ),
    ).toBe(false);
  });

  it('matches an allergy by its allergen', () => {
    expect(allergenName('Allergy to penicillin (finding)')).toBe('penicillin');
    expect(allergenName('青霉素过敏')).toBe('青霉素');
    expect(
      sameConcept(
        { system: snomed, code: '91936005', display: 'Allergy to penicillin' },
        { system: rxnorm, code: '7980', display: 'Penicillin G' },
        'allergy',
      ),
    ).toBe(false);
    expect(
      sameConcept(
        { system: snomed, code: '91936005', display: 'Allergy to penicillin' },
        { system: rxnorm, code: '70618', display: 'Penicillin' },
        'allergy',
      ),
    ).toBe(true);
  });
});
