import { describe, expect, it } from 'vitest';
import { forEachBackend } from '../../../test/support/backends.js';
import { lab, state } from './__fixtures__/build.js';
import { SAFETY_RULES, validateSafetySetting } from './catalog.js';
import { loadRuleConfiguration, resetRuleSetting, saveRuleSetting } from './config-store.js';
import { getCriticalValue, logLoopStep, openCriticalValues, recordCriticalValues } from './critical-loop.js';
import { evaluateRules } from './rule.js';

forEachBackend('safety rule configuration and critical-value loop', (db) => {
  describe('per-hospital configuration', () => {
    it('stores, reloads and applies a re-threshold in another unit, and keeps the history', async () => {
      const setting = {
        params: {
          thresholds: [
            {
              population: 'adult',
              low: { value: 3.0, unit: 'meq/L', inclusive: true },
              high: { value: 6.0, unit: 'mmol/L', inclusive: true },
            },
          ],
        },
      };
      await saveRuleSetting(
        db(),
        { hospitalId: 'h1', ruleId: 'CV-K', setting, updatedBy: 'qc-office' },
        validateSafetySetting,
      );
      const config = await loadRuleConfiguration(db(), 'h1');
      expect(config['CV-K']).toEqual(setting);
      expect(await loadRuleConfiguration(db(), 'h2')).toEqual({});
      const s = state([lab('2823-3', 'Potassium', 6.0, 'mmol/L')]);
      expect(evaluateRules(s, SAFETY_RULES, { config })).toHaveLength(1);
      expect(evaluateRules(s, SAFETY_RULES, { config: await loadRuleConfiguration(db(), 'h2') })).toEqual([]);
      await saveRuleSetting(
        db(),
        { hospitalId: 'h1', ruleId: 'CV-K', setting: { enabled: false } },
        validateSafetySetting,
      );
      const { rows } = await db().query<{ n: number }>(
        "select count(*)::int as n from reasoning_rule_config_history where hospital_id = 'h1' and rule_id = 'CV-K'",
      );
      expect(rows[0]!.n).toBe(2);
      await resetRuleSetting(db(), 'CV-K', 'h1');
      expect(await loadRuleConfiguration(db(), 'h1')).toEqual({});
    });
    it('refuses unknown rules, unknown parameters, unknown units and bad severities, storing nothing', async () => {
      const save = (ruleId: string, setting: object) =>
        saveRuleSetting(db(), { hospitalId: 'h3', ruleId, setting }, validateSafetySetting);
      await expect(save('DDI99', { enabled: false })).rejects.toThrow(/unknown rule 'DDI99'/);
      await expect(save('RD01', { params: { threshold: 30 } })).rejects.toThrow(/no parameter 'threshold'/);
      await expect(
        save('CV-NA', {
          params: { thresholds: [{ population: 'adult', low: { value: 120, unit: 'mg/dL', inclusive: true } }] },
        }),
      ).rejects.toThrow(/unit 'mg\/dL' is not known for sodium/);
      await expect(save('DDI01', { severity: 'severe' })).rejects.toThrow(/severity must be one of/);
      expect(await loadRuleConfiguration(db(), 'h3')).toEqual({});
    });
  });

  describe('critical-value loop (HX2018 十四)', () => {
    it('records a critical result once, and closes the loop only after read-back, notification and action', async () => {
      const s = state([lab('2823-3', 'Potassium', 6.9, 'mmol/L', '2026-03-01T08:00:00Z')], {}, '2026-03-01T09:00:00Z');
      const results = evaluateRules(s, SAFETY_RULES);
      const [id] = await recordCriticalValues(db(), results, { encounterId: 'e9' });
      expect(await recordCriticalValues(db(), results)).toEqual([id]);
      expect(
        (await openCriticalValues(db(), 'default', '2026-03-01T09:00:00Z')).find((o) => o.id === id),
      ).toMatchObject({ openMinutes: 60 });

      await logLoopStep(db(), id!, { step: 'double-checked', actor: 'lab-tech-2', at: '2026-03-01T08:02:00Z' });
      await logLoopStep(db(), id!, {
        step: 'reported',
        actor: 'lab-tech-1',
        at: '2026-03-01T08:05:00Z',
        note: 'phoned ward 7',
      });
      await expect(
        logLoopStep(db(), id!, { step: 'received', actor: 'nurse-li', at: '2026-03-01T08:06:00Z' }),
      ).rejects.toThrow(/read-back/);
      await logLoopStep(db(), id!, {
        step: 'received',
        actor: 'nurse-li',
        actorRole: 'nurse',
        at: '2026-03-01T08:06:00Z',
        readBack: true,
      });
      await logLoopStep(db(), id!, { step: 'physician-notified', actor: 'dr-wang', at: '2026-03-01T08:08:00Z' });
      expect((await getCriticalValue(db(), id!))!.closedAt).toBeUndefined();
      await expect(
        logLoopStep(db(), id!, { step: 'action', actor: 'dr-wang', at: '2026-03-01T08:20:00Z' }),
      ).rejects.toThrow(/what was done/);
      const closed = await logLoopStep(db(), id!, {
        step: 'action',
        actor: 'dr-wang',
        at: '2026-03-01T08:20:00Z',
        note: 'calcium gluconate, insulin + glucose, repeat K in 1 h',
        documentRef: 'DocumentReference/pn-77',
      });
      expect(closed.closedAt).toBe('2026-03-01T08:20:00.000Z');
      expect(closed.steps.map((x) => x.step)).toEqual([
        'double-checked',
        'reported',
        'received',
        'physician-notified',
        'action',
      ]);
      expect(closed.resultRef).toMatch(/^Observation\//);
      expect((await openCriticalValues(db())).find((o) => o.id === id)).toBeUndefined();
      await expect(
        logLoopStep(db(), id!, { step: 'action', actor: 'x', at: '2026-03-01T09:00:00Z', note: 'again' }),
      ).rejects.toThrow(/already closed/);
    });
    it('does not record info-level findings (unit not recognised) as critical values', async () => {
      const s = state([lab('2823-3', 'Potassium', 7, 'mg%', '2026-03-01T08:00:00Z')], {}, '2026-03-01T09:00:00Z');
      expect(await recordCriticalValues(db(), evaluateRules(s, SAFETY_RULES))).toEqual([]);
    });
  });
});
