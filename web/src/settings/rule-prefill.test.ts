import { expect, it } from 'vitest';
import { ruleSettingsLink, rulePrefill } from './rule-prefill.js';

it('a suggestion link opens the rule settings with the suggested value, and only that', () => {
  const link = ruleSettingsLink('RENAL-MET', 'below', 23.5);
  expect(link).toBe('#/settings/rules?rule=RENAL-MET&param=below&value=23.5');
  expect(rulePrefill(link)).toEqual({ rule: 'RENAL-MET', param: 'below', value: '23.5' });
  expect(rulePrefill(ruleSettingsLink('DDI16'))).toEqual({ rule: 'DDI16' });
  expect(rulePrefill('#/settings/rules')).toEqual({});
});
