import { readFileSync } from 'node:fs';
import type { Hono } from 'hono';
import { beforeAll, expect, it } from 'vitest';
import { forEachBackend } from '../../../test/support/backends.js';
import type { AppEnv } from '../env.js';
import { curationApp } from './__fixtures__/curation-app.js';
import type { Card } from './cards.js';

const ORDER_SELECT = JSON.parse(
  readFileSync(new URL('./__fixtures__/order-select-amoxicillin-penicillin-allergy.json', import.meta.url), 'utf8'),
);
const CURATOR = {
  author: 'dr.wang',
  source: { id: 'allergy-committee-2026-08', name: 'Hospital allergy committee decision 2026-08' },
};

/** The fixture's patient, allergic to amoxicillin (as written: 阿莫西林), ordering ceftriaxone. */
function ceftriaxoneForAmoxicillinAllergy(): unknown {
  const request = structuredClone(ORDER_SELECT);
  const order = request.context.draftOrders.entry[0].resource;
  order.id = 'draft-ceftriaxone';
  order.medicationCodeableConcept = { text: '注射用头孢曲松钠 1g' };
  request.context.draftOrders.entry = [{ resource: order }];
  request.context.selections = ['MedicationRequest/draft-ceftriaxone'];
  request.prefetch.allergies.entry[0].resource.code = { text: '阿莫西林' };
  return request;
}

/**
 * The allergy classes are the release's: a curator who takes amoxicillin out of the penicillin
 * class (retracts its `member-of` edge) ends the penicillin → cephalosporin cross-reactivity card
 * for an amoxicillin allergy, because both the rule and the words of the allergy ("阿莫西林") are
 * read with the active release's classes, not the bundled allergy file's.
 */
forEachBackend('CDS Hooks allergy cards follow the curated allergy classes', (db) => {
  let app: Hono<AppEnv>;
  let first: number;

  beforeAll(async () => {
    ({ app, first } = await curationApp(db(), { requestId: 'req-allergy-curation' }));
  });

  const select = async (): Promise<Card[]> => {
    const r = await app.request('/cds-services/medseek-order-select', {
      method: 'POST',
      headers: { 'Content-Type': 'application/json' },
      body: JSON.stringify({ ...(ceftriaxoneForAmoxicillinAllergy() as object), hookInstance: crypto.randomUUID() }),
    });
    expect(r.status).toBe(200);
    return ((await r.json()) as { cards: Card[] }).cards;
  };
  const alg03 = (cards: readonly Card[]) => cards.filter((c) => c.source.topic?.code === 'ALG03');

  it('warns of penicillin–cephalosporin cross-reactivity from the imported release', async () => {
    const [card] = alg03(await select());
    expect(card).toMatchObject({ indicator: 'warning' });
    expect(card!.detail).toContain(`release ${first} (`);
  });

  it('stops warning once amoxicillin leaves the penicillin class, and warns again on the earlier release', async () => {
    const edges = (await (
      await app.request('/api/kg/neighbours?id=drug:amoxicillin&type=member-of&direction=out')
    ).json()) as { neighbours: { relation: { id: string; to: string } }[] };
    const membership = edges.neighbours.find((n) => n.relation.to === 'drug-class:penicillin');
    expect(membership).toBeDefined();
    const r = await app.request('/api/kg/curation', {
      method: 'POST',
      headers: { 'Content-Type': 'application/json' },
      body: JSON.stringify({
        ...CURATOR,
        reason: 'test: amoxicillin out of the class',
        retract: [membership!.relation.id],
      }),
    });
    expect(r.status).toBe(201);
    expect(alg03(await select())).toEqual([]);
    expect((await app.request(`/api/kg/releases/${first}/activate`, { method: 'POST' })).status).toBe(200);
    expect(alg03(await select())).toHaveLength(1);
  });
});
