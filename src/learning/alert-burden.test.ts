import { expect, it } from 'vitest';
import { forEachBackend } from '../../test/support/backends.js';
import type { Sql } from '../core/index.js';
import { alertBurden, type BurdenDecision, burdenOf, recordAlertContext } from './alert-burden.js';

interface Seed {
  readonly card: string;
  readonly rule: string;
  readonly outcome: 'accepted' | 'overridden';
  readonly at?: string;
  readonly reason?: string;
  readonly unit?: string;
  readonly by?: string;
  readonly value?: number;
}

async function seed(sql: Sql, rows: readonly Seed[]) {
  for (const r of rows) {
    await sql.query(
      `insert into cds_card_issued (uuid, service_id, rule_id, patient_id, indicator, summary)
       values ($1, 'workspace', $2, 'p1', 'warning', 's') on conflict do nothing`,
      [r.card, r.rule],
    );
    await sql.query(
      `insert into cds_feedback (service_id, card_uuid, outcome, override_reason, outcome_timestamp, client_id)
       values ('workspace', $1, $2, $3::jsonb, $4, 'ehr-client')`,
      [
        r.card,
        r.outcome,
        r.reason ? JSON.stringify({ reason: { code: r.reason, system: 'x' } }) : null,
        r.at ?? '2026-11-01T08:00:00Z',
      ],
    );
    if (r.unit || r.by || r.value !== undefined)
      await recordAlertContext(sql, {
        cardUuid: r.card,
        ...(r.unit ? { unit: r.unit } : {}),
        ...(r.by ? { prescriber: r.by } : {}),
        ...(r.value !== undefined ? { trigger: { param: 'below', value: r.value } } : {}),
      });
  }
}

forEachBackend('alert burden', (db) => {
  it('override rates per rule, unit and prescriber, with a review flag and a threshold suggestion', async () => {
    const noisy: Seed[] = Array.from({ length: 25 }, (_, i) => ({
      card: `n${i}`,
      rule: 'DDI-NOISY',
      outcome: i === 0 ? 'accepted' : 'overridden',
      ...(i > 0 ? { reason: i % 2 ? 'not-applicable' : 'benefit-outweighs-risk' } : {}),
      unit: i < 10 ? 'ward-5' : 'icu',
      by: i < 20 ? 'dr.li' : 'dr.wang',
    }));
    // Renal rule firing below an eGFR threshold: accepted at 12, 18, 22; overridden at 20, 25, 28, 35, 40.
    const renal: Seed[] = [
      ...[12, 18, 22].map((value, i) => ({ card: `r-a${i}`, rule: 'RENAL-MET', outcome: 'accepted' as const, value })),
      ...[20, 25, 28, 35, 40].map((value, i) => ({
        card: `r-o${i}`,
        rule: 'RENAL-MET',
        outcome: 'overridden' as const,
        reason: 'not-applicable',
        value,
      })),
    ];
    // A card first overridden, then accepted: its latest outcome counts, once.
    const changed: Seed[] = [
      { card: 'c1', rule: 'CV-K', outcome: 'overridden', reason: 'not-applicable', at: '2026-11-01T08:00:00Z' },
      { card: 'c1', rule: 'CV-K', outcome: 'accepted', at: '2026-11-01T09:00:00Z' },
    ];
    await seed(db(), [...noisy, ...renal, ...changed]);
    const burden = await alertBurden(db());
    expect(burden.map((b) => b.ruleId)).toEqual(['DDI-NOISY', 'RENAL-MET', 'CV-K']);
    const n = burden[0]!;
    expect(n).toMatchObject({ decided: 25, accepted: 1, overridden: 24, overrideRate: 0.96, review: true });
    expect(n.reasons).toEqual({ 'not-applicable': 12, 'benefit-outweighs-risk': 12 });
    expect(n.byUnit).toEqual([
      { unit: 'icu', decided: 15, accepted: 0, overridden: 15, overrideRate: 1 },
      { unit: 'ward-5', decided: 10, accepted: 1, overridden: 9, overrideRate: 0.9 },
    ]);
    expect(n.byPrescriber.map((p) => [p.prescriber, p.overridden])).toEqual([
      ['dr.li', 19],
      ['dr.wang', 5],
    ]);
    expect(n.threshold).toBeUndefined();
    const r = burden[1]!;
    expect(r).toMatchObject({ decided: 8, overridden: 5, review: false });
    // Prescriber unknown to the context: the feedback's client.
    expect(r.byPrescriber).toEqual([
      { prescriber: 'ehr-client', decided: 8, accepted: 3, overridden: 5, overrideRate: 0.625 },
    ]);
    expect(r.threshold).toEqual({
      param: 'below',
      direction: 'below',
      value: 23.5,
      removesOverridden: 4,
      overriddenWithValue: 5,
      removedShare: 0.8,
      acceptedKept: 3,
    });
    expect(burden[2]).toMatchObject({ decided: 1, accepted: 1, overridden: 0 });
    // Too few decisions for a review, however often overridden.
    expect((await alertBurden(db(), { minDecided: 30 }))[0]!.review).toBe(false);
    expect((await alertBurden(db(), { since: '2026-11-01T08:30:00Z' })).map((b) => b.ruleId)).toEqual(['CV-K']);
  });
});

it('suggests a threshold on the side the alerts say their rule fires, with their unit and the threshold then', () => {
  // Critical potassium above its limit: accepted at 6.8 and 7.0, overridden at 6.1, 6.2 and 6.3 (limit 6.0, then 6.1).
  const k = (value: number, outcome: BurdenDecision['outcome'], threshold: number, at: string): BurdenDecision => ({
    ruleId: 'CV-K',
    outcome,
    reason: null,
    unit: null,
    prescriber: null,
    param: 'thresholds.adult.high',
    value,
    valueUnit: 'mmol/L',
    threshold,
    direction: 'above',
    at,
  });
  const [b] = burdenOf([
    k(6.8, 'accepted', 6.0, '2026-11-01T08:00:00Z'),
    k(7.0, 'accepted', 6.0, '2026-11-02T08:00:00Z'),
    k(6.1, 'overridden', 6.0, '2026-11-03T08:00:00Z'),
    k(6.2, 'overridden', 6.1, '2026-11-05T08:00:00Z'),
    k(6.3, 'overridden', 6.0, '2026-11-04T08:00:00Z'),
  ]);
  expect(b!.threshold).toEqual({
    param: 'thresholds.adult.high',
    direction: 'above',
    unit: 'mmol/L',
    current: 6.1,
    value: 6.55,
    removesOverridden: 3,
    overriddenWithValue: 3,
    removedShare: 1,
    acceptedKept: 2,
  });
});
