import { describe, expect, it } from 'vitest';
import { forEachBackend } from '../../test/support/backends.js';
import type { Sql } from '../core/index.js';
import {
  activateRelease,
  curate,
  FOLLOWUP_RULE,
  followupBatch,
  importBatch,
  KnowledgeGraph,
  READING_RULE,
} from '../knowledge/index.js';
import { demoInpatient } from './__fixtures__/demo.js';
import {
  activeFollowUpRules,
  buildFollowUpPlan,
  evaluateReadings,
  type FollowUpPlan,
  type FollowUpRules,
  type HomeReading,
  loadFollowUpRules,
} from './index.js';

const lines = (plan: FollowUpPlan) => plan.items.map((i) => `${i.due ?? 'next visit'} | ${i.ruleIds.join(',')}`);
const planWith = (rules: FollowUpRules) => {
  const { state, notes } = demoInpatient('zh-hf-af-warfarin.json');
  return buildFollowUpPlan({ state, notes, rules });
};
/** The rules without where they come from, ordered by id: what the two paths must agree on. */
const plain = (r: FollowUpRules) => ({
  version: r.version,
  monitoring: [...r.monitoring].sort((a, b) => a.id.localeCompare(b.id)),
  readings: [...r.readings].sort((a, b) => a.id.localeCompare(b.id)),
  symptoms: r.symptoms,
});

/** A curator's edit through the knowledge graph's curation (the same call as `POST /api/kg/curation`). */
async function curatorEdit(
  sql: Sql,
  base: number,
  edit: { override?: { relationId: string; attrs: Record<string, unknown> }; retract?: string },
): Promise<number> {
  const made = await curate(
    sql,
    {
      author: 'followup-clinic',
      reason: 'local follow-up policy',
      source: { id: 'followup-policy', name: 'Hospital follow-up policy 2026' },
      ...(edit.override ? { override: [edit.override] } : {}),
      ...(edit.retract ? { retract: [edit.retract] } : {}),
    },
    { base, activate: true },
  );
  return made.releaseId;
}

describe('the follow-up rules without a database', () => {
  it('come from the bundled files and name them', () => {
    const rules = loadFollowUpRules();
    expect(rules.release).toMatch(/^bundled\/followup-[0-9a-f]{12}$/);
    expect(rules.problems).toEqual([]);
    expect(planWith(rules).rulesRelease).toBe(rules.release);
  });
});

forEachBackend('the follow-up rules from the knowledge release', (db) => {
  let first = 0;
  const relationOf = async (type: typeof FOLLOWUP_RULE, ruleId: string, release: number) =>
    (await new KnowledgeGraph(db()).relationsOfType(type, { release })).find((r) => r.attrs.id === ruleId)!.id;

  it('without a release, the files; with one, the release (cached per release id), agreeing with the files', async () => {
    expect((await activeFollowUpRules(db())).release).toBe(loadFollowUpRules().release);
    first = (await importBatch(db(), followupBatch(), { base: null, activate: true, label: 'followup only' }))
      .releaseId;
    const rules = await activeFollowUpRules(db());
    expect(rules.release).toBe(`kg-release/${first}`);
    expect(rules.releaseId).toBe(first);
    expect(rules.problems).toEqual([]);
    expect(plain(rules)).toEqual(plain(loadFollowUpRules()));
    expect(await activeFollowUpRules(db())).toBe(rules);
    const plan = planWith(rules);
    expect(plan.rulesRelease).toBe(`kg-release/${first}`);
    expect(lines(plan)).toEqual(lines(planWith(loadFollowUpRules())));
  });

  it('a curator changes the next plan: a new interval, a retracted rule; reverting the release brings them back', async () => {
    const before = lines(planWith(await activeFollowUpRules(db())));
    expect(before).toContain('2024-03-07 | FU-INR-WARFARIN');
    expect(before).toContain('2024-05-23 | FU-REHAB-KNEE-OA');
    const inr = await relationOf(FOLLOWUP_RULE, 'FU-INR-WARFARIN', first);
    const moved = await curatorEdit(db(), first, { override: { relationId: inr, attrs: { dueDays: 3 } } });
    const knee = await relationOf(FOLLOWUP_RULE, 'FU-REHAB-KNEE-OA', moved);
    const retracted = await curatorEdit(db(), moved, { retract: knee });
    const rules = await activeFollowUpRules(db());
    expect(rules.release).toBe(`kg-release/${retracted}`);
    const plan = planWith(rules);
    expect(plan.rulesRelease).toBe(`kg-release/${retracted}`);
    expect(lines(plan)).toContain('2024-03-03 | FU-INR-WARFARIN');
    expect(lines(plan).some((l) => l.includes('FU-REHAB-KNEE-OA'))).toBe(false);
    expect(rules.monitoring.find((r) => r.id === 'FU-INR-WARFARIN')!.source.document).toMatch(/华法林/);

    await activateRelease(db(), first);
    const back = planWith(await activeFollowUpRules(db()));
    expect(back.rulesRelease).toBe(`kg-release/${first}`);
    expect(lines(back)).toEqual(before);
  });

  it('a malformed curated rule is left out and named in problems; the plan is built from the others', async () => {
    await activateRelease(db(), first);
    const k = await relationOf(FOLLOWUP_RULE, 'FU-K-RAAS-DIURETIC', first);
    const broken = await curatorEdit(db(), first, { override: { relationId: k, attrs: { kind: 'sometimes' } } });
    const rules = await activeFollowUpRules(db());
    expect(rules.release).toBe(`kg-release/${broken}`);
    expect(rules.problems).toHaveLength(1);
    expect(rules.problems[0]).toMatch(/FU-K-RAAS-DIURETIC/);
    expect(rules.problems[0]).toMatch(/kind/);
    const plan = planWith(rules);
    expect(lines(plan).some((l) => l.includes('FU-K-RAAS-DIURETIC'))).toBe(false);
    expect(lines(plan)).toContain('2024-03-07 | FU-INR-WARFARIN');
    // An unknown source is a problem too, not a crash.
    const bp = await relationOf(READING_RULE, 'HR-BP-SEVERE', broken);
    await curatorEdit(db(), broken, { override: { relationId: bp, attrs: { source: 'nobody-2099' } } });
    const again = await activeFollowUpRules(db());
    expect(again.problems.some((p) => /HR-BP-SEVERE/.test(p) && /nobody-2099/.test(p))).toBe(true);
    expect(again.readings.find((r) => r.id === 'HR-BP-SEVERE')).toBeUndefined();
    await activateRelease(db(), first);
  });

  it('a home-reading alert names the release its rule came from', async () => {
    const rules = await activeFollowUpRules(db());
    const { state, notes } = demoInpatient('zh-hf-af-warfarin.json');
    const plan = buildFollowUpPlan({ state, notes, rules });
    const readings: HomeReading[] = [64.5, 64.9, 67.0].map((kg, i) => ({
      id: `w-${i}`,
      patientId: state.patientId,
      at: new Date(Date.parse('2024-03-01T07:00:00+08:00') + i * 86_400_000).toISOString(),
      value: { kind: 'weight', kg },
    }));
    const alerts = evaluateReadings({ rules, readings, applicable: plan.readingRules });
    const gain = alerts.find((a) => a.ruleId === 'HR-WEIGHT-GAIN-HF')!;
    expect(gain.conclusion.knowledgeRelease).toBe(`kg-release/${first}`);
  });
});
