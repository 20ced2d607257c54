import { readFileSync } from 'node:fs';
import { Hono } from 'hono';
import { beforeAll, describe, expect, it } from 'vitest';
import { forEachBackend } from '../../../test/support/backends.js';
import { loadConfig } from '../../core/index.js';
import { RuleStateCache } from '../../fusion/index.js';
import { createApp } from '../app.js';
import { openContext } from '../context.js';
import type { AppEnv } from '../env.js';
import { createLogger } from '../logger.js';
import type { Card } from './cards.js';
import { cdsHooksRoutes } from './routes.js';

const fixture = (name: string) => JSON.parse(readFileSync(new URL(`./__fixtures__/${name}`, import.meta.url), 'utf8'));
const ORDER_SELECT = fixture('order-select-amoxicillin-penicillin-allergy.json');
const PATIENT_VIEW = fixture('patient-view-critical-potassium.json');
const NOW = '2026-03-01T10:00:00Z';
const API_KEY = 'cds-writes-key-0123456789';
const FHIR = 'http://localhost/fhir';

/**
 * The services fetch the record from MedSeek's own FHIR API (no prefetch sent) and keep its fused
 * facts per patient between calls; a write to the patient's record through that API changes the
 * very next hook's cards.
 */
forEachBackend('CDS Hooks after a write to the record', (db) => {
  let fhirApp: Hono<AppEnv>;
  let cds: Hono<AppEnv>;
  const ruleStates = new RuleStateCache();

  beforeAll(async () => {
    const ctx = await openContext(loadConfig({}, { apiKeys: [API_KEY], demo: false, logLevel: 'silent' }), {
      db: db(),
      demoLoader: false,
      logger: createLogger('silent'),
    });
    fhirApp = createApp(ctx);
    cds = new Hono<AppEnv>().route(
      '/cds-services',
      cdsHooksRoutes(ctx, {
        auth: { mode: 'demo', trusted: [] },
        now: () => NOW,
        fetch: (url, init) => Promise.resolve(fhirApp.request(url, init)),
        ruleStates,
      }),
    );
  });

  const write = async (resource: { resourceType: string; id: string }) => {
    const res = await fhirApp.request(`${FHIR}/${resource.resourceType}/${resource.id}`, {
      method: 'PUT',
      headers: { 'Content-Type': 'application/fhir+json', Authorization: `Bearer ${API_KEY}` },
      body: JSON.stringify(resource),
    });
    expect([200, 201]).toContain(res.status);
  };
  /** The hook with no prefetch: the service fetches every key from MedSeek's FHIR API. */
  const hook = async (service: string, body: Record<string, unknown>): Promise<string[]> => {
    const res = await cds.request(`http://localhost/cds-services/${service}`, {
      method: 'POST',
      headers: { 'Content-Type': 'application/json' },
      body: JSON.stringify({
        ...body,
        hookInstance: crypto.randomUUID(),
        prefetch: undefined,
        fhirServer: FHIR,
        fhirAuthorization: {
          access_token: API_KEY,
          token_type: 'Bearer',
          expires_in: 300,
          scope: 'patient/*.read',
          subject: 'medseek-cds',
        },
      }),
    });
    expect(res.status).toBe(200);
    return ((await res.json()) as { cards: Card[] }).cards.map((c) => c.source.topic?.code ?? '');
  };

  describe('patient-view', () => {
    it('raises the critical potassium written after the last call (K 6.2 mmol/L)', async () => {
      const [k, na] = PATIENT_VIEW.prefetch.observations.entry.map((e: { resource: object }) => e.resource);
      await write(PATIENT_VIEW.prefetch.patient);
      await write(na);
      expect(await hook('medseek-patient-view', PATIENT_VIEW)).toEqual([]);
      const hits = ruleStates.hits;
      expect(await hook('medseek-patient-view', PATIENT_VIEW)).toEqual([]);
      expect(ruleStates.hits).toBe(hits + 1);

      await write({ ...k, id: 'obs-k-new', valueQuantity: { ...k.valueQuantity, value: 6.2 } });
      expect(await hook('medseek-patient-view', PATIENT_VIEW)).toEqual(['CV-K']);
    });
  });

  describe('order-select', () => {
    it('raises the penicillin allergy recorded after the last call, and drops it when it is refuted', async () => {
      const [allergy] = ORDER_SELECT.prefetch.allergies.entry.map((e: { resource: object }) => e.resource);
      await write(ORDER_SELECT.prefetch.patient);
      for (const e of ORDER_SELECT.prefetch.medications.entry) await write(e.resource);
      expect(await hook('medseek-order-select', ORDER_SELECT)).toEqual([]);
      expect(await hook('medseek-order-select', ORDER_SELECT)).toEqual([]);

      await write(allergy);
      expect(await hook('medseek-order-select', ORDER_SELECT)).toEqual(['ALG02']);

      await write({
        ...allergy,
        verificationStatus: {
          coding: [
            { system: 'http://terminology.hl7.org/CodeSystem/allergyintolerance-verification', code: 'refuted' },
          ],
        },
      });
      expect(await hook('medseek-order-select', ORDER_SELECT)).toEqual([]);
    });
  });
});
