import { describe, expect, it } from 'vitest';
import { forEachBackend } from '../../../test/support/backends.js';
import { lab, state } from '../safety/__fixtures__/build.js';
import { SAFETY_RULES } from '../safety/catalog.js';
import { loadRuleConfiguration, saveRuleSetting } from '../safety/config-store.js';
import { logLoopStep, recordCriticalValues } from '../safety/critical-loop.js';
import { evaluateRules } from '../safety/rule.js';
import { CLEAN_ENCOUNTER, NOW } from './__fixtures__/clean-encounter.js';
import { evaluateQc, validateQcSetting } from './engine.js';
import { qualityRulesFromData } from './rulebook.js';
import { withCriticalLoops } from './run.js';

const BOOK = qualityRulesFromData();
const validate = (id: string, s: Parameters<typeof validateQcSetting>[2]) => validateQcSetting(BOOK, id, s);

forEachBackend('QC reads the critical-value loop log', (db) => {
  describe('C23 over the logged loop', () => {
    it('flags a logged critical result until its receipt with read-back and notification is logged', async () => {
      // A critical sodium found by the safety rules during the clean stay (patient p1), not in the chart data.
      const s = state([lab('2951-2', 'Sodium', 118, 'mmol/L', '2026-03-05T00:30:00Z')], {}, '2026-03-05T01:00:00Z');
      const [id] = await recordCriticalValues(db(), evaluateRules(s, SAFETY_RULES));
      const base = { ...CLEAN_ENCOUNTER, criticalValues: [] };
      const before = evaluateQc(await withCriticalLoops(db(), base, NOW), BOOK, { now: NOW });
      expect(before.issues.filter((i) => i.ruleId === 'C23').map((i) => i.conclusion.statement.en)).toEqual([
        expect.stringContaining('receipt, read-back or physician notification not recorded'),
      ]);
      await logLoopStep(db(), id!, { step: 'received', actor: 'nurse-li', at: '2026-03-05T00:35:00Z', readBack: true });
      await logLoopStep(db(), id!, { step: 'physician-notified', actor: 'dr-zhang', at: '2026-03-05T00:40:00Z' });
      const after = evaluateQc(await withCriticalLoops(db(), base, NOW), BOOK, { now: NOW });
      expect(after.issues.filter((i) => i.ruleId === 'C23')).toEqual([]);
    });
  });

  describe('per-hospital QC configuration', () => {
    it('turns a rule on and re-sets a limit for one hospital, and refuses parameters a rule does not have', async () => {
      await saveRuleSetting(
        db(),
        { hospitalId: 'qh1', ruleId: 'T09', setting: { params: { routineHours: 48 } } },
        validate,
      );
      await saveRuleSetting(db(), { hospitalId: 'qh1', ruleId: 'T22', setting: { enabled: true } }, validate);
      const config = await loadRuleConfiguration(db(), 'qh1');
      const noHp = { ...CLEAN_ENCOUNTER, documents: CLEAN_ENCOUNTER.documents.filter((d) => d.id !== 'hp1') };
      expect(evaluateQc(noHp, BOOK, { now: NOW, config }).issues.map((i) => i.ruleId)).toEqual(['T22']);
      expect(evaluateQc(noHp, BOOK, { now: NOW }).issues).toEqual([]);
      await expect(
        saveRuleSetting(db(), { hospitalId: 'qh1', ruleId: 'T09', setting: { params: { hours: 12 } } }, validate),
      ).rejects.toThrow(/no parameter 'hours'/);
      await expect(
        saveRuleSetting(
          db(),
          { hospitalId: 'qh1', ruleId: 'T09', setting: { params: { routineHours: -1 } } },
          validate,
        ),
      ).rejects.toThrow(/non-negative/);
      await expect(
        saveRuleSetting(db(), { hospitalId: 'qh1', ruleId: 'Q01', setting: { enabled: true } }, validate),
      ).rejects.toThrow(/unknown rule/);
    });
  });
});
