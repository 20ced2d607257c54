import { readFileSync } from 'node:fs';
import { Hono } from 'hono';
import { importJWK, type JWK, SignJWT } from 'jose';
import { beforeAll, describe, expect, it } from 'vitest';
import { forEachBackend } from '../../../test/support/backends.js';
import { loadConfig } from '../../core/index.js';
import { loadRuleConfiguration, saveRuleSetting, validateSafetySetting } from '../../reasoning/index.js';
import { createApp } from '../app.js';
import { type AppContext, openContext } from '../context.js';
import type { AppEnv } from '../env.js';
import { createLogger } from '../logger.js';
import type { Card } from './cards.js';
import { feedbackByRule as byRule } from './feedback.js';
import { cdsHooksRoutes } from './routes.js';

const fixture = (name: string) => JSON.parse(readFileSync(new URL(`./__fixtures__/${name}`, import.meta.url), 'utf8'));
const KEYS = fixture('spec-example-keys.json');
const ORDER_SIGN = fixture('order-sign-warfarin-ibuprofen.json');
const PATIENT_VIEW = fixture('patient-view-critical-potassium.json');
const ORDER_SELECT = fixture('order-select-amoxicillin-penicillin-allergy.json');
const FEEDBACK = fixture('feedback-spec-examples.json');
const BASE = 'http://localhost/cds-services';
const NOW = '2026-03-01T10:00:00Z';
const API_KEY = 'cds-test-key-0123456789';

async function token(
  aud: string,
  extra: { iss?: string; jti?: string; header?: Record<string, unknown>; exp?: number } = {},
): Promise<string> {
  const key = await importJWK(KEYS.privateJwk as JWK, 'ES384');
  const jwt = new SignJWT({ tenant: 'default' })
    .setProtectedHeader({ alg: 'ES384', typ: 'JWT', kid: 'example-kid', ...(extra.header ?? {}) })
    .setIssuer(extra.iss ?? KEYS.iss)
    .setAudience(aud)
    .setIssuedAt()
    .setJti(extra.jti ?? crypto.randomUUID());
  if (extra.exp !== undefined) jwt.setExpirationTime(extra.exp);
  else jwt.setExpirationTime('5m');
  return jwt.sign(key);
}

forEachBackend('CDS Hooks service', (db) => {
  let ctx: AppContext;
  let app: Hono<AppEnv>;
  let demoApp: Hono<AppEnv>;

  beforeAll(async () => {
    ctx = await openContext(loadConfig({}, { apiKeys: [API_KEY], demo: false, logLevel: 'silent' }), {
      db: db(),
      demoLoader: false,
      logger: createLogger('silent'),
    });
    const fhirApp = createApp(ctx);
    const fetchFromMedSeek = (url: string, init?: RequestInit) => Promise.resolve(fhirApp.request(url, init));
    app = new Hono<AppEnv>().route(
      '/cds-services',
      cdsHooksRoutes(ctx, {
        auth: { mode: 'jwt', trusted: [{ iss: KEYS.iss, jwks: KEYS.publicJwks, jku: [KEYS.jku] }] },
        now: () => NOW,
        fetch: fetchFromMedSeek,
        configTtlMs: 0,
      }),
    );
    demoApp = new Hono<AppEnv>().route(
      '/cds-services',
      cdsHooksRoutes(ctx, { auth: { mode: 'demo', trusted: [] }, now: () => NOW }),
    );
  });

  const call = async (path: string, body?: unknown, auth?: string | null) => {
    const url = `${BASE}${path}`;
    const bearer = auth === null ? undefined : (auth ?? (await token(url)));
    return app.request(url, {
      method: body === undefined ? 'GET' : 'POST',
      headers: { 'Content-Type': 'application/json', ...(bearer ? { Authorization: `Bearer ${bearer}` } : {}) },
      ...(body === undefined ? {} : { body: JSON.stringify(body) }),
    });
  };
  const cardsOf = async (res: Response) => ((await res.json()) as { cards: Card[] }).cards;

  describe('discovery', () => {
    it('lists the three services with their hooks and prefetch templates', async () => {
      const res = await call('');
      expect(res.status).toBe(200);
      const body = (await res.json()) as {
        services: { id: string; hook: string; description: string; prefetch: Record<string, string> }[];
      };
      expect(body.services.map((s) => [s.id, s.hook])).toEqual([
        ['medseek-patient-view', 'patient-view'],
        ['medseek-order-select', 'order-select'],
        ['medseek-order-sign', 'order-sign'],
      ]);
      expect(body.services[2]!.prefetch.patient).toBe('Patient/{{context.patientId}}');
      expect(body.services.every((s) => s.description.length > 0)).toBe(true);
    });
    it('answers without a token only in explicit demo mode', async () => {
      expect((await call('', undefined, null)).status).toBe(401);
      expect((await demoApp.request(`${BASE}`)).status).toBe(200);
    });
  });

  describe('JWT verification (the specification example key)', () => {
    it('accepts a token signed with the trusted key and aud = the endpoint called', async () => {
      expect((await call('/medseek-order-sign', ORDER_SIGN)).status).toBe(200);
    });
    it('refuses the specification example token (expired, other audience)', async () => {
      const res = await call('/medseek-order-sign', ORDER_SIGN, KEYS.exampleToken);
      expect(res.status).toBe(401);
    });
    it('refuses a JWT without exp, and one that lives longer than five minutes, naming the claim', async () => {
      const key = await importJWK(KEYS.privateJwk as JWK, 'ES384');
      const noExp = await new SignJWT({})
        .setProtectedHeader({ alg: 'ES384', typ: 'JWT', kid: 'example-kid' })
        .setIssuer(KEYS.iss)
        .setAudience(`${BASE}/medseek-order-sign`)
        .setIssuedAt()
        .setJti(crypto.randomUUID())
        .sign(key);
      const a = await call('/medseek-order-sign', ORDER_SIGN, noExp);
      expect(a.status).toBe(401);
      expect(((await a.json()) as { error: string }).error).toContain("'exp'");
      const long = await call(
        '/medseek-order-sign',
        ORDER_SIGN,
        await token(`${BASE}/medseek-order-sign`, { exp: Math.floor(Date.now() / 1000) + 3600 }),
      );
      expect(long.status).toBe(401);
      expect(((await long.json()) as { error: string }).error).toContain('maximum lifetime');
      const rows = await ctx.audit.query({ principal: `cds:${KEYS.iss}` });
      expect(
        rows.some((r) => r.action === 'denied' && r.outcome === 401 && String(r.detail?.reason).includes("'exp'")),
      ).toBe(true);
    });

    it('refuses a wrong audience, an untrusted issuer, a replayed jti, an unlisted jku and HMAC', async () => {
      expect((await call('/medseek-order-sign', ORDER_SIGN, await token(`${BASE}/medseek-patient-view`))).status).toBe(
        401,
      );
      expect(
        (
          await call(
            '/medseek-order-sign',
            ORDER_SIGN,
            await token(`${BASE}/medseek-order-sign`, { iss: 'https://evil.example/' }),
          )
        ).status,
      ).toBe(401);
      const once = await token(`${BASE}/medseek-order-sign`, { jti: 'replayed-jti-1' });
      expect((await call('/medseek-order-sign', ORDER_SIGN, once)).status).toBe(200);
      const again = await call('/medseek-order-sign', ORDER_SIGN, once);
      expect(again.status).toBe(401);
      expect(((await again.json()) as { error: string }).error).toContain('replay');
      const jku = await call(
        '/medseek-order-sign',
        ORDER_SIGN,
        await token(`${BASE}/medseek-order-sign`, { header: { jku: 'https://evil.example/jwks' } }),
      );
      expect(((await jku.json()) as { error: string }).error).toContain('allowlist');
      const hmac = await new SignJWT({})
        .setProtectedHeader({ alg: 'HS256', kid: 'k' })
        .setIssuer(KEYS.iss)
        .setAudience(`${BASE}/medseek-order-sign`)
        .setIssuedAt()
        .setJti('h1')
        .setExpirationTime('5m')
        .sign(new TextEncoder().encode('a-shared-secret-of-32-bytes-long!!'));
      const h = await call('/medseek-order-sign', ORDER_SIGN, hmac);
      expect(h.status).toBe(401);
      expect(((await h.json()) as { error: string }).error).toContain('asymmetric');
    });
  });

  describe('order-sign', () => {
    it('interrupts on warfarin + a draft NSAID with evidence, source link, remove/replace suggestions and override reasons', async () => {
      const cards = await cardsOf(await call('/medseek-order-sign', ORDER_SIGN));
      // The interaction interrupts; the renal rule for an NSAID at 75 only notes (info) that creatinine is missing.
      expect(cards.map((c) => [c.source.topic?.code, c.indicator])).toEqual([
        ['DDI16', 'critical'],
        ['RD04', 'info'],
      ]);
      expect(cards[1]!.summary).toContain('肌酐');
      const card = cards[0]!;
      expect(card.indicator).toBe('critical');
      expect([...card.summary].length).toBeLessThan(140);
      expect(card.uuid).toMatch(/^[0-9a-f-]{36}$/);
      expect(card.detail).toContain('MedicationRequest/med-warfarin');
      expect(card.detail).toContain('MedicationRequest/draft-ibuprofen');
      expect(card.source.url).toBe('https://pmc.ncbi.nlm.nih.gov/articles/PMC4022627');
      expect(card.selectionBehavior).toBe('at-most-one');
      const actions = card.suggestions!.flatMap((s) => s.actions ?? []);
      expect(actions).toContainEqual({
        type: 'delete',
        description: 'Remove MedicationRequest/draft-ibuprofen',
        resourceId: 'MedicationRequest/draft-ibuprofen',
      });
      expect(
        actions.some(
          (a) =>
            a.type === 'create' &&
            (a.resource as { medicationCodeableConcept: { text: string } }).medicationCodeableConcept.text.includes(
              'acetaminophen',
            ),
        ),
      ).toBe(true);
      expect(card.overrideReasons!.length).toBeGreaterThan(0);
    });
    it('returns no cards for a draft that interacts with nothing', async () => {
      const body = structuredClone(ORDER_SIGN);
      body.context.draftOrders.entry[0].resource.medicationCodeableConcept = {
        text: 'Acetaminophen 500 MG Oral Tablet',
      };
      expect(await cardsOf(await call('/medseek-order-sign', body))).toEqual([]);
    });
    it('does not re-raise interactions between drugs already on file when they are not being signed', async () => {
      const body = structuredClone(ORDER_SIGN);
      body.prefetch.medications.entry.push({
        resource: {
          resourceType: 'MedicationRequest',
          id: 'med-naproxen',
          status: 'active',
          intent: 'order',
          subject: { reference: 'Patient/cds-p1' },
          medicationCodeableConcept: { text: 'Naproxen 250 MG Oral Tablet' },
        },
      });
      body.context.draftOrders.entry[0].resource.medicationCodeableConcept = {
        text: 'Acetaminophen 500 MG Oral Tablet',
      };
      expect(await cardsOf(await call('/medseek-order-sign', body))).toEqual([]);
    });
    it('honours a hospital that disabled the rule', async () => {
      await saveRuleSetting(ctx.db, { ruleId: 'DDI16', setting: { enabled: false } }, validateSafetySetting);
      expect((await cardsOf(await call('/medseek-order-sign', ORDER_SIGN))).map((c) => c.source.topic?.code)).toEqual([
        'RD04',
      ]);
      await saveRuleSetting(ctx.db, { ruleId: 'DDI16', setting: { enabled: true } }, validateSafetySetting);
      expect((await loadRuleConfiguration(ctx.db)).DDI16).toEqual({ enabled: true });
    });
    it('rejects a request for another hook, and one without a patient', async () => {
      expect((await call('/medseek-order-sign', { ...ORDER_SIGN, hook: 'patient-view' })).status).toBe(400);
      const noPatient = structuredClone(ORDER_SIGN);
      delete noPatient.context.patientId;
      expect((await call('/medseek-order-sign', noPatient)).status).toBe(400);
      expect((await call('/no-such-service', ORDER_SIGN)).status).toBe(404);
    });
    it('answers a broken envelope with {error, field}; an unknown service is 404 whatever', async () => {
      const noInstance = await call('/medseek-order-sign', { ...ORDER_SIGN, hookInstance: 7 });
      expect(noInstance.status).toBe(400);
      expect(await noInstance.json()).toEqual({ error: expect.any(String), field: 'hookInstance' });
      const macToken = { access_token: 'a', token_type: 'MAC', expires_in: 60, scope: 's', subject: 'x' };
      const withMac = { ...ORDER_SIGN, fhirServer: 'http://ehr.example', fhirAuthorization: macToken };
      const mac = await call('/medseek-order-sign', withMac);
      expect(await mac.json()).toMatchObject({ field: 'fhirAuthorization.token_type' });
      const unsent = await call('/medseek-order-sign', { ...ORDER_SIGN, context: 'Patient/1' });
      expect(await unsent.json()).toMatchObject({ field: 'context' });
      expect((await call('/no-such-service', { hook: 42 })).status).toBe(404);
    });
  });

  describe('order-select', () => {
    it('reports on the selected order only: the penicillin allergy, not the omeprazole duplicate', async () => {
      const cards = await cardsOf(await call('/medseek-order-select', ORDER_SELECT));
      expect(cards.map((c) => c.source.topic?.code)).toEqual(['ALG02']);
      expect(cards[0]!.indicator).toBe('critical');
    });
  });

  describe('patient-view', () => {
    it('raises a critical card for a critical potassium and logs the result-to-action loop', async () => {
      const cards = await cardsOf(await call('/medseek-patient-view', PATIENT_VIEW));
      expect(cards.map((c) => [c.source.topic?.code, c.indicator])).toEqual([['CV-K', 'critical']]);
      const { rows } = await ctx.db.query<{ result_ref: string; closed_at: string | null }>(
        "select result_ref, closed_at from reasoning_critical_value where patient_id = 'cds-p2'",
      );
      expect(rows).toEqual([{ result_ref: 'Observation/obs-k', closed_at: null }]);
    });
  });

  describe('prefetch', () => {
    it('answers 412 when prefetch is missing and there is no FHIR server to fetch it from', async () => {
      const body = structuredClone(ORDER_SIGN);
      delete body.prefetch.medications;
      const res = await call('/medseek-order-sign', body);
      expect(res.status).toBe(412);
    });
    it("fetches missing prefetch from MedSeek's own FHIR endpoint with fhirAuthorization", async () => {
      await ctx.resources.putMany([
        ORDER_SIGN.prefetch.patient,
        ...ORDER_SIGN.prefetch.medications.entry.map((e: { resource: unknown }) => e.resource),
      ]);
      const body = {
        ...structuredClone(ORDER_SIGN),
        prefetch: undefined,
        fhirServer: 'http://localhost/fhir',
        fhirAuthorization: {
          access_token: API_KEY,
          token_type: 'Bearer',
          expires_in: 300,
          scope: 'patient/*.read',
          subject: 'medseek-cds',
        },
      };
      const res = await call('/medseek-order-sign', body);
      if (res.status !== 200) console.log(await res.clone().text());
      expect(res.status).toBe(200);
      const cards = await cardsOf(res);
      expect(cards.map((c) => c.source.topic?.code)).toEqual(['DDI16', 'RD04']);
    });
    it('answers 412 when the FHIR server refuses the token', async () => {
      const body = {
        ...structuredClone(ORDER_SIGN),
        prefetch: undefined,
        fhirServer: 'http://localhost/fhir',
        fhirAuthorization: {
          access_token: 'wrong',
          token_type: 'Bearer',
          expires_in: 300,
          scope: 'patient/*.read',
          subject: 'medseek-cds',
        },
      };
      expect((await call('/medseek-order-sign', body)).status).toBe(412);
    });
  });

  describe('feedback', () => {
    it('stores the specification examples (accepted, overridden, overridden with reason)', async () => {
      for (const body of [FEEDBACK.accepted, FEEDBACK.overriddenWithoutReason, FEEDBACK.overriddenWithReason]) {
        const res = await call('/medseek-order-sign/feedback', body);
        expect(res.status).toBe(200);
      }
      const { rows } = await ctx.db.query<{ outcome: string; override_reason: unknown }>(
        "select outcome, override_reason from cds_feedback where card_uuid = '9368d37b-283f-44a0-93ea-547cebab93ed'",
      );
      expect(rows[0]).toMatchObject({
        outcome: 'overridden',
        override_reason: { userComment: 'A comment entered by the clinician.' },
      });
    });
    it('refuses accepted feedback without acceptedSuggestions', async () => {
      const res = await call('/medseek-order-sign/feedback', {
        feedback: [{ card: 'x', outcome: 'accepted', outcomeTimestamp: '2020-12-11T00:00:00Z' }],
      });
      expect(res.status).toBe(400);
      expect(await res.json()).toMatchObject({ field: 'feedback[0].acceptedSuggestions' });
      const empty = await call('/medseek-order-sign/feedback', { feedback: [] });
      expect(await empty.json()).toMatchObject({ field: 'feedback' });
      expect((await call('/no-such-service/feedback', { feedback: 'x' })).status).toBe(404);
    });
    it('ties feedback to the rule whose card it was', async () => {
      const cards = await cardsOf(await call('/medseek-order-sign', ORDER_SIGN));
      await call('/medseek-order-sign/feedback', {
        feedback: [
          {
            card: cards[0]!.uuid,
            outcome: 'overridden',
            overrideReason: { reason: { code: 'benefit-outweighs-risk', system: 'urn:medseek:cds-override-reason' } },
            outcomeTimestamp: NOW,
          },
        ],
      });
      expect((await byRule(ctx.db)).find((r) => r.ruleId === 'DDI16')).toMatchObject({ overridden: 1 });
    });
  });
});
