import { expect, it } from 'vitest';
import { draft, lab, state } from '../__fixtures__/build.js';
import { evaluateRules } from '../rule.js';
import { CRITICAL_VALUE_RULES } from './critical-values.js';
import { DOSE_RULES } from './dose.js';

// Alerts carry the value their rule compared with a configurable threshold (for alert-burden suggestions).
it('a critical value carries its SI value, the limit it crossed and the side it fires on', () => {
  const [r] = evaluateRules(
    state([lab('2823-3', 'Potassium', 6.2, 'mmol/L')]),
    CRITICAL_VALUE_RULES.filter((x) => x.id === 'CV-K'),
  );
  expect(r!.trigger).toMatchObject({ param: 'thresholds.adult.high', value: 6.2, unit: 'mmol/L', direction: 'above' });
  expect(r!.trigger!.threshold).toBeLessThanOrEqual(6.2);
});

it('a dose limit carries the daily dose and the configured maximum', () => {
  const s = state([draft('Simvastatin 40 MG Oral Tablet', { dose: { value: 40, unit: 'mg' }, perDay: 1 })]);
  const [r] = evaluateRules(s, DOSE_RULES, { config: { DOSE02: { params: { maxDailyMg: 20 } } } });
  expect(r!.trigger).toEqual({ param: 'maxDailyMg', value: 40, unit: 'mg/d', threshold: 20, direction: 'above' });
});
