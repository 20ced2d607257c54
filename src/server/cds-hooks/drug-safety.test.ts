import { readFileSync } from 'node:fs';
import { Hono } from 'hono';
import { beforeAll, describe, expect, it } from 'vitest';
import { forEachBackendWithDemoRelease } from '../../../test/support/backends.js';
import { loadConfig } from '../../core/index.js';
import { type AppContext, openContext } from '../context.js';
import type { AppEnv } from '../env.js';
import { createLogger } from '../logger.js';
import { type Card, CRITICAL_VALUE_OVERRIDE_REASONS, OVERRIDE_REASONS } from './cards.js';
import { feedbackByRule } from './feedback.js';
import { cdsHooksRoutes } from './routes.js';

/**
 * Drug safety as a clinician meets it through the CDS Hooks services (issue 16 item 3): warfarin
 * with an INR of 3.4 and an NSAID being selected; clopidogrel with omeprazole; a critical K⁺ that
 * a later K⁺ resolved; suggestions as coded create/delete actions from the formulary; override
 * reasons, and the override stored as feedback.
 */
const BASE = 'http://localhost/cds-services';
const NOW = '2026-03-01T10:00:00Z';
const P = 'cds-ds1';
const fixture = (name: string) => JSON.parse(readFileSync(new URL(`./__fixtures__/${name}`, import.meta.url), 'utf8'));

const bundle = (type: string, resources: unknown[]) => ({
  resourceType: 'Bundle',
  type,
  entry: resources.map((resource) => ({ resource })),
});
const med = (id: string, status: string, text: string) => ({
  resourceType: 'MedicationRequest',
  id,
  status,
  intent: 'order',
  subject: { reference: `Patient/${P}` },
  authoredOn: '2026-02-20',
  medicationCodeableConcept: { text },
});
const lab = (id: string, loinc: string, text: string, value: number, unit: string, at: string) => ({
  resourceType: 'Observation',
  id,
  status: 'final',
  subject: { reference: `Patient/${P}` },
  code: { coding: [{ system: 'http://loinc.org', code: loinc }], text },
  effectiveDateTime: at,
  valueQuantity: { value, unit, system: 'http://unitsofmeasure.org', code: unit },
});
const PATIENT = { resourceType: 'Patient', id: P, gender: 'female', birthDate: '1948-05-01' };

/** An order-select request: `selected` drafts (all selected) against the active `meds` and `labs`. */
function orderSelect(meds: unknown[], selected: unknown[], labs: unknown[] = []) {
  return {
    hookInstance: crypto.randomUUID(),
    hook: 'order-select',
    context: {
      userId: 'Practitioner/example',
      patientId: P,
      selections: selected.map((r) => `MedicationRequest/${(r as { id: string }).id}`),
      draftOrders: bundle('collection', selected),
    },
    prefetch: {
      patient: PATIENT,
      medications: bundle('searchset', meds),
      conditions: null,
      allergies: null,
      observations: labs.length ? bundle('searchset', labs) : null,
    },
  };
}

forEachBackendWithDemoRelease('CDS Hooks drug safety', (db) => {
  let ctx: AppContext;
  let app: Hono<AppEnv>;

  beforeAll(async () => {
    ctx = await openContext(loadConfig({}, { demo: true, logLevel: 'silent' }), {
      db: db(),
      demoLoader: false,
      logger: createLogger('silent'),
    });
    app = new Hono<AppEnv>().route(
      '/cds-services',
      cdsHooksRoutes(ctx, { auth: { mode: 'demo', trusted: [] }, now: () => NOW, configTtlMs: 0 }),
    );
  });

  const post = async (path: string, body: unknown) =>
    app.request(`${BASE}${path}`, {
      method: 'POST',
      headers: { 'Content-Type': 'application/json' },
      body: JSON.stringify(body),
    });
  const cardsOf = async (body: unknown, service = 'medseek-order-select') => {
    const res = await post(`/${service}`, body);
    expect(res.status).toBe(200);
    return ((await res.json()) as { cards: Card[] }).cards;
  };

  describe('warfarin, INR 3.4, an NSAID selected', () => {
    const warfarin = med('med-warfarin', 'active', '华法林钠片 3mg');
    const ibuprofen = med('draft-ibu', 'draft', '布洛芬缓释胶囊 0.3g');
    const inr = lab('inr-1', '6301-6', 'INR', 3.4, '{INR}', '2026-02-28T06:30:00Z');

    it('interrupts, names the INR as evidence, and offers coded actions and override reasons', async () => {
      const cards = await cardsOf(orderSelect([warfarin], [ibuprofen], [inr]));
      const card = cards.find((c) => c.source.topic?.code === 'DDI16')!;
      expect(card.indicator).toBe('critical');
      expect(card.summary).toContain('INR 3.4');
      expect(card.detail).toContain('Observation/inr-1');
      expect(card.selectionBehavior).toBe('at-most-one');
      // Replace: delete the draft and create a coded (ATC N02BE01) acetaminophen order; or just delete it.
      const [replace, remove] = card.suggestions!;
      expect(replace!.isRecommended).toBe(true);
      expect(replace!.actions).toEqual([
        {
          type: 'delete',
          description: 'Remove MedicationRequest/draft-ibu',
          resourceId: 'MedicationRequest/draft-ibu',
        },
        {
          type: 'create',
          description: 'Order acetaminophen instead',
          resource: {
            resourceType: 'MedicationRequest',
            status: 'draft',
            intent: 'proposal',
            subject: { reference: `Patient/${P}` },
            medicationCodeableConcept: {
              coding: [{ system: 'http://www.whocc.no/atc', code: 'N02BE01', display: 'acetaminophen' }],
              text: 'acetaminophen',
            },
          },
        },
      ]);
      expect(remove!.actions).toEqual([
        {
          type: 'delete',
          description: 'Remove MedicationRequest/draft-ibu',
          resourceId: 'MedicationRequest/draft-ibu',
        },
      ]);
      expect(card.overrideReasons).toEqual(OVERRIDE_REASONS);
    });

    it('stores an override with its coded reason as feedback, tied to the rule', async () => {
      const [card] = await cardsOf(orderSelect([warfarin], [ibuprofen], [inr]));
      const reason = OVERRIDE_REASONS[0]!;
      const res = await post('/medseek-order-select/feedback', {
        feedback: [
          {
            card: card!.uuid,
            outcome: 'overridden',
            overrideReason: { reason, userComment: '短期用药，已告知出血风险' },
            outcomeTimestamp: NOW,
          },
        ],
      });
      expect(res.status).toBe(200);
      const { rows } = await ctx.db.query<{ outcome: string; override_reason: unknown }>(
        'select outcome, override_reason from cds_feedback where card_uuid = $1',
        [card!.uuid],
      );
      expect(rows).toEqual([
        { outcome: 'overridden', override_reason: { reason, userComment: '短期用药，已告知出血风险' } },
      ]);
      expect((await feedbackByRule(ctx.db)).find((r) => r.ruleId === 'DDI16')).toMatchObject({
        overridden: 1,
        reasons: { 'benefit-outweighs-risk': 1 },
      });
    });

    it('refuses a MedSeek override code its cards do not offer, naming the field', async () => {
      const res = await post('/medseek-order-select/feedback', {
        feedback: [
          {
            card: 'c1',
            outcome: 'overridden',
            overrideReason: { reason: { code: 'because', system: 'urn:medseek:cds-override-reason' } },
            outcomeTimestamp: NOW,
          },
        ],
      });
      expect(res.status).toBe(400);
      expect(await res.json()).toMatchObject({ field: 'feedback[0].overrideReason.reason.code' });
    });

    it('once the NSAID order is stopped, there is no interaction', async () => {
      const stopped = med('med-ibu', 'stopped', '布洛芬缓释胶囊 0.3g');
      const other = med('draft-apap', 'draft', '对乙酰氨基酚片 0.5g');
      const cards = await cardsOf(orderSelect([warfarin, stopped], [other], [inr]));
      expect(cards.map((c) => c.source.topic?.code)).toEqual([]);
    });
  });

  it('clopidogrel + omeprazole: a warning with override reasons that offers pantoprazole', async () => {
    const cards = await cardsOf(
      orderSelect(
        [med('med-clop', 'active', '硫酸氢氯吡格雷片 75mg')],
        [med('draft-ome', 'draft', '奥美拉唑肠溶胶囊 20mg')],
      ),
    );
    expect(cards.map((c) => [c.source.topic?.code, c.indicator])).toEqual([['DDI25', 'warning']]);
    expect(cards[0]!.suggestions![0]!.label).toMatch(/with pantoprazole \/ 将奥美拉唑肠溶胶囊 20mg换为泮托拉唑$/);
    expect(cards[0]!.overrideReasons).toEqual(OVERRIDE_REASONS);
  });

  it('a CYP2C19 poor metaboliser on clopidogrel is offered ticagrelor only, not prasugrel', async () => {
    const body = orderSelect(
      [],
      [med('draft-clop', 'draft', 'Clopidogrel 75 MG Oral Tablet')],
      [
        {
          ...lab('cyp', '84413-4', 'CYP2C19 gene product metabolic activity interpretation', 0, '1', NOW),
          valueQuantity: undefined,
          valueString: 'Poor Metabolizer',
        },
      ],
    );
    const card = (await cardsOf(body)).find((c) => c.source.topic?.code === 'PGx01')!;
    const creates = card.suggestions!.flatMap((s) => s.actions ?? []).filter((a) => a.type === 'create');
    expect(
      creates.map(
        (a) => (a.resource as { medicationCodeableConcept: { text: string } }).medicationCodeableConcept.text,
      ),
    ).toEqual(['ticagrelor']);
    expect(JSON.stringify(card.suggestions)).not.toMatch(/prasugrel|普拉格雷/);
  });

  it('patient-view: a critical K+ followed by a normal K+ is informational: no "立即通知", no override', async () => {
    const body = fixture('patient-view-critical-potassium.json');
    const k = (body.prefetch.observations.entry as { resource: { code: unknown; subject: unknown } }[])[0]!.resource;
    body.prefetch.observations.entry.push({
      resource: {
        ...k,
        id: 'k-repeat',
        effectiveDateTime: '2026-03-01T09:30:00Z',
        valueQuantity: { value: 4.8, unit: 'mmol/L', system: 'http://unitsofmeasure.org', code: 'mmol/L' },
      },
    });
    const cards = await cardsOf(body, 'medseek-patient-view');
    const kCard = cards.find((c) => c.source.topic?.code === 'CV-K')!;
    expect(kCard.indicator).toBe('info');
    expect(kCard.summary).toContain('已复查恢复：4.8 mmol/L');
    expect(kCard.detail).not.toContain('立即通知');
    expect(kCard.overrideReasons).toBeUndefined();
    // Without the repeat, the critical card interrupts and offers the critical-value override reasons.
    const critical = (await cardsOf(fixture('patient-view-critical-potassium.json'), 'medseek-patient-view')).find(
      (c) => c.source.topic?.code === 'CV-K',
    )!;
    expect(critical.indicator).toBe('critical');
    expect(critical.overrideReasons).toEqual(CRITICAL_VALUE_OVERRIDE_REASONS);
  });
});
