import { readFileSync } from 'node:fs';
import type { Hono } from 'hono';
import { beforeAll, describe, expect, it } from 'vitest';
import { forEachBackend } from '../../../test/support/backends.js';
import type { AppEnv } from '../env.js';
import { curationApp } from './__fixtures__/curation-app.js';
import type { Card } from './cards.js';

const fixture = (name: string) => JSON.parse(readFileSync(new URL(`./__fixtures__/${name}`, import.meta.url), 'utf8'));
const ORDER_SIGN = fixture('order-sign-warfarin-ibuprofen.json');
const NOW = '2026-03-01T10:00:00Z';
const CURATOR = {
  author: 'dr.li',
  source: { id: 'pharmacy-2026-07', name: 'Hospital pharmacy committee decision 2026-07' },
};

/**
 * The knowledge release is the rule book: an interaction curated in the graph through the API
 * (retracted, its severity changed, a new one added) changes the next CDS Hooks card, which names
 * the release it came from; re-activating the earlier release brings the earlier card back.
 */
forEachBackend('CDS Hooks cards follow the curated knowledge release', (db) => {
  let app: Hono<AppEnv>;
  let first: number;

  beforeAll(async () => {
    ({ app, first } = await curationApp(db(), { requestId: 'req-curation', now: () => NOW }));
  });

  const sign = async (body: unknown = ORDER_SIGN): Promise<Card[]> => {
    const r = await app.request('/cds-services/medseek-order-sign', {
      method: 'POST',
      headers: { 'Content-Type': 'application/json' },
      body: JSON.stringify({ ...(body as object), hookInstance: crypto.randomUUID() }),
    });
    expect(r.status).toBe(200);
    return ((await r.json()) as { cards: Card[] }).cards;
  };
  const rule = (cards: readonly Card[], id: string) => cards.filter((c) => c.source.topic?.code === id);
  const curate = async (edit: Record<string, unknown>): Promise<number> => {
    const r = await app.request('/api/kg/curation', {
      method: 'POST',
      headers: { 'Content-Type': 'application/json' },
      body: JSON.stringify({ ...CURATOR, ...edit }),
    });
    expect(r.status).toBe(201);
    return ((await r.json()) as { releaseId: number }).releaseId;
  };
  const activate = async (id: number) =>
    expect((await app.request(`/api/kg/releases/${id}/activate`, { method: 'POST' })).status).toBe(200);
  /** The `interacts-with` edge behind warfarin + ibuprofen (warfarin → the NSAID class, rule DDI16). */
  const ddi16Edge = async (): Promise<string> => {
    const pair = (await (await app.request('/api/kg/drug-pair?a=warfarin&b=ibuprofen')).json()) as {
      interactions: { id: string; attrs: { rule: string } }[];
    };
    const edges = pair.interactions.filter((i) => i.attrs.rule === 'DDI16');
    expect(edges).toHaveLength(1);
    return edges[0]!.id;
  };

  describe('an interaction retracted in the graph', () => {
    it('alerts on warfarin + ibuprofen from the imported release, and the card names that release', async () => {
      const [card] = rule(await sign(), 'DDI16');
      expect(card).toMatchObject({ indicator: 'critical' });
      expect(card!.detail).toContain(`Rule book / 规则库: release ${first} (`);
    });

    it('no longer alerts once a curator retracts the edge: the next request reads the new release', async () => {
      const retracted = await curate({ reason: 'retract DDI16 for the test', retract: [await ddi16Edge()] });
      expect(retracted).not.toBe(first);
      expect(rule(await sign(), 'DDI16')).toEqual([]);
    });

    it('alerts again when the earlier release is re-activated', async () => {
      await activate(first);
      const [card] = rule(await sign(), 'DDI16');
      expect(card).toMatchObject({ indicator: 'critical' });
      expect(card!.detail).toContain(`release ${first} (`);
    });
  });

  it('downgrades the card when a curator changes the severity, and cites the curator', async () => {
    const release = await curate({
      reason: 'S2 here: analgesic stewardship',
      override: [{ relationId: await ddi16Edge(), attrs: { severity: 'S2' } }],
    });
    const [card] = rule(await sign(), 'DDI16');
    expect(card).toMatchObject({ indicator: 'warning' });
    expect(card!.detail).toContain(CURATOR.source.name);
    expect(card!.detail).toContain(`release ${release} (`);
    await activate(first);
  });

  it('raises a card for an interaction a curator adds', async () => {
    const clopidogrel = {
      ...ORDER_SIGN,
      context: {
        ...ORDER_SIGN.context,
        draftOrders: {
          resourceType: 'Bundle',
          type: 'collection',
          entry: [
            {
              resource: {
                resourceType: 'MedicationRequest',
                id: 'draft-omeprazole',
                status: 'draft',
                intent: 'order',
                subject: { reference: 'Patient/cds-p1' },
                medicationCodeableConcept: { text: 'Omeprazole 20 MG Delayed Release Oral Capsule' },
              },
            },
          ],
        },
      },
      prefetch: {
        ...ORDER_SIGN.prefetch,
        medications: {
          resourceType: 'Bundle',
          type: 'searchset',
          entry: [
            {
              resource: {
                resourceType: 'MedicationRequest',
                id: 'med-clopidogrel',
                status: 'active',
                intent: 'order',
                subject: { reference: 'Patient/cds-p1' },
                authoredOn: '2026-01-10',
                medicationCodeableConcept: { text: 'Clopidogrel 75 MG Oral Tablet' },
              },
            },
          ],
        },
      },
    };
    expect(rule(await sign(clopidogrel), 'LOCAL-CLOPIDOGREL-PPI')).toEqual([]);
    await curate({
      reason: 'FDA clopidogrel label: avoid omeprazole (CYP2C19 inhibition)',
      add: [
        {
          type: 'interacts-with',
          from: 'drug:clopidogrel',
          to: 'drug:omeprazole',
          attrs: {
            rule: 'LOCAL-CLOPIDOGREL-PPI',
            severity: 'S2',
            risk: 'reduced activation of clopidogrel',
            action: 'Use pantoprazole or another acid suppressant.',
          },
        },
      ],
    });
    const [card] = rule(await sign(clopidogrel), 'LOCAL-CLOPIDOGREL-PPI');
    expect(card).toMatchObject({ indicator: 'warning' });
    expect(card!.detail).toContain('Use pantoprazole');
    // A curator's edge with no card text of its own is titled by the two drugs' names.
    expect(card!.summary).toContain('氯吡格雷 + 奥美拉唑');
  });
});
