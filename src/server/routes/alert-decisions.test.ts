import { beforeAll, expect, it } from 'vitest';
import { forEachBackendWithDemoRelease } from '../../../test/support/backends.js';
import { loadConfig } from '../../core/index.js';
import { DEFAULT_FORMULARY_IDS } from '../../reasoning/safety/formulary.js';
import { createApp } from '../app.js';
import { OVERRIDE_REASONS } from '../cds-hooks/cards.js';
import { feedbackByRule } from '../cds-hooks/feedback.js';
import { type AppContext, openContext } from '../context.js';
import { createLogger } from '../logger.js';
import type { WorkspaceAlert } from './alert-views.js';

const KEY = 'alert-decision-test-key-01';
const WARFARIN = '318d8f7d-f21b-4d07-8a2e-6f24ae05bb26'; // 李秀英: heart failure, warfarin with an NSAID

type Json = Record<string, unknown>;
type Issue = { diagnostics: string; expression?: string[] };

/**
 * Issue 16 item 3 in the workspace: 李秀英's warfarin + NSAID alert (DDI16) comes with its rule id,
 * suggestions (stop the NSAID, start a formulary alternative) and the CDS cards' coded override
 * reasons; a decision on it is validated against what the alert offers, audited, shown on the next
 * read, and counted by the same per-rule feedback summary as a CDS Hooks override.
 */
// The demo release comes with each database (one build per test process); the demo start adds its patients.
forEachBackendWithDemoRelease('workspace alert decisions', (db) => {
  let ctx: AppContext;
  let app: ReturnType<typeof createApp>;
  beforeAll(async () => {
    ctx = await openContext(loadConfig({}, { apiKeys: [KEY], demo: true, logLevel: 'warn' }), {
      db: db(),
      llm: false,
      logger: createLogger('warn', { write: () => {} }),
    });
    app = createApp(ctx);
  }, 240_000);

  const call = async (path: string, body?: unknown) => {
    const res = await app.request(`/api/patients/${WARFARIN}${path}`, {
      method: body === undefined ? 'GET' : 'POST',
      headers: {
        Authorization: `Bearer ${KEY}`,
        ...(body === undefined ? {} : { 'Content-Type': 'application/json' }),
      },
      ...(body === undefined ? {} : { body: JSON.stringify(body) }),
    });
    return { status: res.status, body: (await res.json()) as Json };
  };
  const ddi16 = async () => {
    const { status, body } = await call('/alerts');
    expect(status).toBe(200);
    const alert = (body.alerts as WorkspaceAlert[]).find((a) => a.ruleId === 'DDI16');
    expect(alert, 'DDI16 (warfarin + NSAID) is raised for 李秀英').toBeDefined();
    return alert!;
  };
  const decide = (alertId: string, body: unknown) => call(`/alerts/${alertId}/decision`, body);
  const ddi16Feedback = async () => (await feedbackByRule(ctx.db)).find((r) => r.ruleId === 'DDI16');

  it('gives DDI16 a stable id, stop/start suggestions from the formulary and coded bilingual override reasons', async () => {
    const alert = await ddi16();
    expect((await ddi16()).id).toBe(alert.id);
    expect(alert.severity).toBe('high');
    expect(alert.group).toBe('ddi');
    // Replace the NSAID with the formulary's acetaminophen (recommended), or just stop it.
    expect(alert.suggestions.map((s) => [s.label.zh, s.recommended])).toEqual([
      ['将布洛芬缓释胶囊换为对乙酰氨基酚', true],
      ['撤销布洛芬缓释胶囊', false],
    ]);
    expect(alert.suggestions[0]!.actions[1]).toEqual({
      kind: 'start',
      drug: { en: 'acetaminophen', zh: '对乙酰氨基酚' },
      drugId: 'acetaminophen',
      atc: ['N02BE01'],
    });
    expect(alert.suggestions.filter((s) => s.recommended)).toHaveLength(1);
    const starts = alert.suggestions.flatMap((s) => s.actions.filter((a) => a.kind === 'start'));
    expect(starts.length).toBeGreaterThan(0);
    for (const start of starts) {
      expect(start.drugId && DEFAULT_FORMULARY_IDS.has(start.drugId), `${start.drug.en} is in the formulary`).toBe(
        true,
      );
      expect(start.drug.zh).not.toBe(start.drug.en);
    }
    // Every replacement stops the NSAID order it replaces (the order the record holds).
    const replace = alert.suggestions.find((s) => s.actions.some((a) => a.kind === 'start'))!;
    const stop = replace.actions.find((a) => a.kind === 'stop');
    expect(stop).toMatchObject({ kind: 'stop', order: expect.stringMatching(/^MedicationRequest\//) });
    expect(alert.overrideReasons.map((r) => r.code)).toEqual(OVERRIDE_REASONS.map((r) => r.code));
    expect(alert.overrideReasons.find((r) => r.code === 'benefit-outweighs-risk')!.display).toEqual({
      en: 'Benefit outweighs risk; will monitor',
      zh: '获益大于风险，将监测',
    });
    expect(alert.decision).toBeUndefined();
  });

  it('refuses a reason the alert does not offer, or none, naming reason; an unknown alert names alertId', async () => {
    const alert = await ddi16();
    const wrong = await decide(alert.id, { decision: 'override', reason: 'repeat-ordered' });
    expect(wrong.status).toBe(400);
    const issue = (wrong.body.issue as Issue[])[0]!;
    expect(issue.expression).toEqual(['reason']);
    expect(issue.diagnostics).toContain('benefit-outweighs-risk');
    const none = await decide(alert.id, { decision: 'override' });
    expect(none.status).toBe(400);
    expect((none.body.issue as Issue[])[0]!.expression).toEqual(['reason']);
    const badSuggestion = await decide(alert.id, { decision: 'accept', suggestionId: 'nope' });
    expect(badSuggestion.status).toBe(400);
    expect((badSuggestion.body.issue as Issue[])[0]!.expression).toEqual(['suggestionId']);
    const unknown = await decide('no-such-alert', { decision: 'override', reason: 'not-applicable' });
    expect(unknown.status).toBe(404);
    expect((unknown.body.issue as Issue[])[0]!.expression).toEqual(['alertId']);
    expect(await ddi16Feedback()).toBeUndefined();
  });

  it('stores an override with its reason as CDS feedback: audited, shown on the alert, counted per rule', async () => {
    const alert = await ddi16();
    const ok = await decide(alert.id, {
      decision: 'override',
      reason: 'benefit-outweighs-risk',
      comment: 'INR 复查 in 3 days',
    });
    expect(ok.status).toBe(201);
    expect(ok.body).toMatchObject({
      alertId: alert.id,
      ruleId: 'DDI16',
      decision: { outcome: 'overridden', reason: 'benefit-outweighs-risk' },
    });
    expect(await ddi16Feedback()).toEqual({
      ruleId: 'DDI16',
      accepted: 0,
      overridden: 1,
      reasons: { 'benefit-outweighs-risk': 1 },
    });
    expect((await ddi16()).decision).toMatchObject({
      outcome: 'overridden',
      reason: 'benefit-outweighs-risk',
      comment: 'INR 复查 in 3 days',
    });
    const audit = await ctx.db.query<{ outcome: number; n: string | number }>(
      "select outcome, count(*) as n from medseek_audit where patient_id = $1 and action = 'alert-decision' group by outcome order by outcome",
      [WARFARIN],
    );
    expect(audit.rows.map((r) => [Number(r.outcome), Number(r.n)])).toEqual([
      [201, 1],
      [400, 2], // a reason or suggestion the alert does not offer (a malformed body is refused before the route)
      [404, 1],
    ]);
  });

  it('is authorised like the other patient routes: a patient key or a clinician of another unit is refused', async () => {
    const alert = await ddi16();
    const patientKey = (await ctx.apiKeys.create('pt', { role: 'patient', patientId: WARFARIN })).key;
    const otherWard = (await ctx.apiKeys.create('ward-9', { role: 'clinician', units: ['ward-9'] })).key;
    for (const key of [patientKey, otherWard]) {
      const res = await app.request(`/api/patients/${WARFARIN}/alerts/${alert.id}/decision`, {
        method: 'POST',
        headers: { Authorization: `Bearer ${key}`, 'Content-Type': 'application/json' },
        body: JSON.stringify({ decision: 'override', reason: 'not-applicable' }),
      });
      expect(res.status).toBe(403);
    }
    expect(await ddi16Feedback()).toMatchObject({ overridden: 1 });
  });

  it('stores an accepted suggestion, counted as accepted for the rule', async () => {
    const alert = await ddi16();
    const suggestion = alert.suggestions[0]!;
    const ok = await decide(alert.id, { decision: 'accept', suggestionId: suggestion.id });
    expect(ok.status).toBe(201);
    expect((await ddi16()).decision).toMatchObject({ outcome: 'accepted', suggestionId: suggestion.id });
    expect(await ddi16Feedback()).toMatchObject({ accepted: 1, overridden: 1 });
  });
});
