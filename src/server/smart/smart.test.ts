import { createHash, randomBytes } from 'node:crypto';
import { generateKeyPair, SignJWT } from 'jose';
import { Hono } from 'hono';
import { beforeAll, describe, expect, it } from 'vitest';
import { forEachBackend } from '../../../test/support/backends.js';
import { loadConfig } from '../../core/index.js';
import { createApp } from '../app.js';
import { type AppContext, openContext } from '../context.js';
import type { AppEnv, AuthResult } from '../env.js';
import { createLogger } from '../logger.js';
import { SmartClientStore } from './clients.js';
import { signingKey } from './signing-key.js';
import { smartTokenAuthenticator } from './token-auth.js';

const ORIGIN = 'http://medseek.test';
const FHIR = `${ORIGIN}/fhir`;
const ADMIN_KEY = 'smart-test-admin-key-0123456789';
const APP = 'https://app.example.org';
const REDIRECT = `${APP}/callback`;
const A = 'pat-a';
const B = 'pat-b';

type Json = Record<string, unknown>;

const verifier = () => randomBytes(32).toString('base64url');
const challenge = (v: string) => createHash('sha256').update(v).digest('base64url');

forEachBackend('SMART authorization server', (db) => {
  let ctx: AppContext;
  let app: ReturnType<typeof createApp>;
  let clinicianKey: string;
  let patientKey: string;
  beforeAll(async () => {
    ctx = await openContext(loadConfig({}, { apiKeys: [ADMIN_KEY], demo: false, logLevel: 'warn' }), {
      db: db(),
      llm: false,
      demoLoader: false,
      demoKnowledge: false,
      logger: createLogger('warn', { write: () => {} }),
    });
    app = createApp(ctx);
    await ctx.resources.put({
      resourceType: 'Patient',
      id: A,
      name: [{ text: 'Alice A' }],
      managingOrganization: { reference: 'Organization/ward-1' },
    } as never);
    await ctx.resources.put({
      resourceType: 'Patient',
      id: B,
      name: [{ text: 'Bob B' }],
      managingOrganization: { reference: 'Organization/ward-2' },
    } as never);
    await new SmartClientStore(ctx.db).add({
      clientId: 'ext-app',
      name: 'External app',
      redirectUris: [REDIRECT],
      launchUrl: `${APP}/launch`,
      scopes: [
        'launch',
        'launch/patient',
        'openid',
        'fhirUser',
        'offline_access',
        'patient/Observation.rs',
        'patient/Patient.rs',
      ],
    });
    clinicianKey = (await ctx.apiKeys.create('ward-1 clinician', { role: 'clinician', units: ['ward-1'] })).key;
    patientKey = (await ctx.apiKeys.create('alice', { role: 'patient', patientId: A })).key;
  }, 120_000);

  const get = (path: string, key?: string) =>
    app.request(`${ORIGIN}${path}`, { headers: key ? { Authorization: `Bearer ${key}` } : {}, redirect: 'manual' });

  /** Launch (clinician/admin) → authorize (GET, approval page) → approve (POST) → code. */
  async function authorize(opts: {
    key?: string;
    scope: string;
    patient?: string;
    clientId?: string;
    redirectUri?: string;
    approve?: (scopes: string[]) => string[];
    pick?: string;
    codeVerifier?: string;
  }) {
    const clientId = opts.clientId ?? 'ext-app';
    const redirectUri = opts.redirectUri ?? REDIRECT;
    const key = opts.key ?? ADMIN_KEY;
    let launch: string | undefined;
    if (opts.patient) {
      const res = await get(`/oauth2/launch?patient=${opts.patient}&client_id=${clientId}`, key);
      expect(res.status).toBe(302);
      const to = new URL(res.headers.get('location')!);
      expect(to.searchParams.get('iss')).toBe(FHIR);
      launch = to.searchParams.get('launch')!;
    }
    const codeVerifier = opts.codeVerifier ?? verifier();
    const q = new URLSearchParams({
      response_type: 'code',
      client_id: clientId,
      redirect_uri: redirectUri,
      scope: opts.scope,
      state: 'st-1',
      aud: FHIR,
      code_challenge: challenge(codeVerifier),
      code_challenge_method: 'S256',
      ...(launch ? { launch } : {}),
    });
    const page = await get(`/oauth2/authorize?${q}`, key);
    expect(page.status).toBe(200);
    const html = await page.text();
    expect(html).not.toMatch(/<script|<style/i);
    const request = /name="request" value="([^"]+)"/.exec(html)![1]!;
    const csrf = /name="csrf" value="([^"]+)"/.exec(html)![1]!;
    const shown = [...html.matchAll(/name="scope" value="([^"]+)"/g)].map((m) => m[1]!);
    const form = new URLSearchParams({ request, csrf, decision: 'approve' });
    for (const s of opts.approve ? opts.approve(shown) : shown) form.append('scope', s);
    if (opts.pick) form.set('patient', opts.pick);
    const res = await app.request(`${ORIGIN}/oauth2/authorize`, {
      method: 'POST',
      headers: {
        'Content-Type': 'application/x-www-form-urlencoded',
        Cookie: `medseek_smart_${request.slice(0, 16)}=${csrf}`,
        Authorization: `Bearer ${key}`,
      },
      body: form.toString(),
    });
    const location =
      res.status === 303 || res.status === 302
        ? res.headers.get('location')!
        : /url=([^"]+)"/.exec(await res.text())?.[1]?.replace(/&amp;/g, '&');
    return { status: res.status, location, codeVerifier, shown, html };
  }

  // The authenticator on its own, as the auth middleware calls it (null: not a token of this server).
  const probe = new Hono<AppEnv>().get('*', async (c) => c.json((await smartTokenAuthenticator(ctx, c)) ?? null));
  async function authenticateWith(jwt: string, url = `${FHIR}/Patient`): Promise<AuthResult | null> {
    return (await (
      await probe.request(url, { headers: { Authorization: `Bearer ${jwt}` } })
    ).json()) as AuthResult | null;
  }

  const token = (form: Record<string, string>, headers: Record<string, string> = {}) =>
    app.request(`${ORIGIN}/oauth2/token`, {
      method: 'POST',
      headers: { 'Content-Type': 'application/x-www-form-urlencoded', ...headers },
      body: new URLSearchParams(form).toString(),
    });

  async function exchange(code: string, codeVerifier: string, clientId = 'ext-app') {
    const res = await token({
      grant_type: 'authorization_code',
      code,
      code_verifier: codeVerifier,
      redirect_uri: REDIRECT,
      client_id: clientId,
    });
    return { status: res.status, body: (await res.json()) as Json };
  }

  const codeOf = (location: string | undefined) => new URL(location!).searchParams.get('code')!;

  it('publishes the SMART configuration without a credential', async () => {
    const res = await get('/fhir/.well-known/smart-configuration');
    expect(res.status).toBe(200);
    const doc = (await res.json()) as Json;
    expect(doc.authorization_endpoint).toBe(`${ORIGIN}/oauth2/authorize`);
    expect(doc.token_endpoint).toBe(`${ORIGIN}/oauth2/token`);
    expect(doc.jwks_uri).toBe(`${ORIGIN}/oauth2/jwks`);
    expect(doc.code_challenge_methods_supported).toEqual(['S256']);
    expect(doc.grant_types_supported).toEqual(['authorization_code', 'refresh_token']);
    expect(doc.response_types_supported).toEqual(['code']);
    expect(doc.scopes_supported).toEqual(
      expect.arrayContaining(['launch/patient', 'openid', 'fhirUser', 'patient/*.rs']),
    );
    for (const cap of [
      'launch-ehr',
      'launch-standalone',
      'client-public',
      'client-confidential-symmetric',
      'context-ehr-patient',
      'context-standalone-patient',
      'permission-v2',
      'permission-patient',
      'permission-user',
      'sso-openid-connect',
    ]) {
      expect(doc.capabilities).toContain(cap);
    }
    const jwks = (await (await get('/oauth2/jwks')).json()) as { keys: Json[] };
    expect(jwks.keys).toHaveLength(1);
    expect(jwks.keys[0]).toMatchObject({ kty: 'EC', crv: 'P-256', alg: 'ES256' });
    expect(jwks.keys[0]).not.toHaveProperty('d');
  });

  it('runs an EHR launch to a token bound to the launch patient, with an ID token', async () => {
    const flow = await authorize({ scope: 'launch openid fhirUser patient/*.rs', patient: A });
    expect(flow.html).toContain('Alice A');
    const to = new URL(flow.location!);
    expect(to.origin + to.pathname).toBe(REDIRECT);
    expect(to.searchParams.get('state')).toBe('st-1');
    const { status, body } = await exchange(codeOf(flow.location), flow.codeVerifier);
    expect(status).toBe(200);
    expect(body).toMatchObject({ token_type: 'Bearer', patient: A });
    expect(body.expires_in).toBeLessThanOrEqual(3600);
    const claims = JSON.parse(Buffer.from(String(body.access_token).split('.')[1]!, 'base64url').toString()) as Json;
    expect(claims).toMatchObject({ iss: ORIGIN, aud: FHIR, patient: A, sub: 'key:env:1' });
    expect((claims.exp as number) - (claims.iat as number)).toBeLessThanOrEqual(3600);
    expect(typeof body.id_token).toBe('string');
    const id = JSON.parse(Buffer.from(String(body.id_token).split('.')[1]!, 'base64url').toString()) as Json;
    expect(id).toMatchObject({ iss: ORIGIN, aud: 'ext-app', sub: 'key:env:1' });
    expect(String(id.fhirUser)).toMatch(/^http:\/\/medseek\.test\/fhir\/Practitioner\//);
    expect(body).not.toHaveProperty('refresh_token');

    const auth = await authenticateWith(String(body.access_token));
    expect(auth).toEqual({
      principal: expect.objectContaining({ kind: 'smart', id: 'smart:key:env:1', role: 'admin', patientId: A }),
    });
    const scopes = auth && 'principal' in auth ? [...(auth.principal.scopes ?? [])] : [];
    // patient/*.rs narrowed to what the client may have (Observation and Patient only).
    expect(scopes.sort()).toEqual(['fhirUser', 'launch', 'openid', 'patient/Observation.rs', 'patient/Patient.rs']);
  });

  it('the token reads its launch patient on /fhir and no other patient', async () => {
    // An admin sees every patient; the token they approved for a launch sees only the launch patient.
    const flow = await authorize({ scope: 'launch launch/patient openid fhirUser patient/*.rs', patient: A });
    const { body } = await exchange(codeOf(flow.location), flow.codeVerifier);
    const read = (path: string) => get(`/fhir/${path}`, String(body.access_token));
    expect((await read(`Patient/${A}`)).status).toBe(200);
    expect((await read(`Patient/${B}`)).status).toBe(403);
  });

  it('grants only what the client may have and the user approved', async () => {
    const flow = await authorize({
      scope: 'launch patient/*.cruds user/*.rs system/*.rs openid',
      patient: A,
      approve: (shown) => shown.filter((s) => s !== 'patient/Patient.rs'),
    });
    expect(flow.shown.sort()).toEqual(['launch', 'openid', 'patient/Observation.rs', 'patient/Patient.rs']);
    const { body } = await exchange(codeOf(flow.location), flow.codeVerifier);
    expect(String(body.scope).split(' ').sort()).toEqual(['launch', 'openid', 'patient/Observation.rs']);
  });

  it('refuses a wrong PKCE verifier (invalid_grant) and the code afterwards', async () => {
    const flow = await authorize({ scope: 'launch patient/*.rs', patient: A });
    const wrong = await exchange(codeOf(flow.location), verifier());
    expect(wrong).toMatchObject({ status: 400, body: { error: 'invalid_grant' } });
    const again = await exchange(codeOf(flow.location), flow.codeVerifier);
    expect(again).toMatchObject({ status: 400, body: { error: 'invalid_grant' } });
  });

  it('refuses a code used twice and revokes what it issued', async () => {
    const flow = await authorize({ scope: 'launch patient/*.rs', patient: A });
    const first = await exchange(codeOf(flow.location), flow.codeVerifier);
    expect(first.status).toBe(200);
    const second = await exchange(codeOf(flow.location), flow.codeVerifier);
    expect(second).toMatchObject({ status: 400, body: { error: 'invalid_grant' } });
    expect(await authenticateWith(String(first.body.access_token))).toMatchObject({
      refused: { credential: 'smart:key:env:1' },
    });
  });

  it('requires PKCE S256 and the FHIR base as aud (errors go back to the app)', async () => {
    const base = {
      response_type: 'code',
      client_id: 'ext-app',
      redirect_uri: REDIRECT,
      scope: 'patient/*.rs',
      state: 'x',
      aud: FHIR,
    };
    const noPkce = await get(`/oauth2/authorize?${new URLSearchParams(base)}`, ADMIN_KEY);
    expect(noPkce.status).toBe(302);
    expect(new URL(noPkce.headers.get('location')!).searchParams.get('error')).toBe('invalid_request');
    const plain = await get(
      `/oauth2/authorize?${new URLSearchParams({ ...base, code_challenge: challenge(verifier()), code_challenge_method: 'plain' })}`,
      ADMIN_KEY,
    );
    expect(new URL(plain.headers.get('location')!).searchParams.get('error')).toBe('invalid_request');
    const aud = await get(
      `/oauth2/authorize?${new URLSearchParams({ ...base, aud: 'https://elsewhere/fhir', code_challenge: challenge(verifier()), code_challenge_method: 'S256' })}`,
      ADMIN_KEY,
    );
    expect(new URL(aud.headers.get('location')!).searchParams.get('state')).toBe('x');
    expect(new URL(aud.headers.get('location')!).searchParams.get('error')).toBe('invalid_request');
  });

  it('refuses an unregistered redirect_uri on the page, without redirecting', async () => {
    const q = new URLSearchParams({
      response_type: 'code',
      client_id: 'ext-app',
      redirect_uri: 'https://evil.example.org/cb',
      scope: 'patient/*.rs',
      state: 's',
      aud: FHIR,
      code_challenge: challenge(verifier()),
      code_challenge_method: 'S256',
    });
    const res = await get(`/oauth2/authorize?${q}`, ADMIN_KEY);
    expect(res.status).toBe(400);
    expect(res.headers.get('location')).toBeNull();
    expect(await res.text()).toContain('is not registered');
    const unknown = await get(
      `/oauth2/authorize?${new URLSearchParams({ ...Object.fromEntries(q), client_id: 'nobody' })}`,
      ADMIN_KEY,
    );
    expect(unknown.status).toBe(400);
  });

  it('sends a browser with nobody logged in to the login page, coming back here', async () => {
    const q = new URLSearchParams({
      response_type: 'code',
      client_id: 'ext-app',
      redirect_uri: REDIRECT,
      scope: 'patient/*.rs',
      aud: FHIR,
      code_challenge: challenge(verifier()),
      code_challenge_method: 'S256',
    });
    const res = await get(`/oauth2/authorize?${q}`);
    expect(res.status).toBe(302);
    const to = res.headers.get('location')!;
    expect(to.startsWith('/#/login?return=')).toBe(true);
    expect(decodeURIComponent(to.slice('/#/login?return='.length))).toBe(`/oauth2/authorize?${q}`);
  });

  it('refuses an approval posted without the form CSRF cookie', async () => {
    const v = verifier();
    const q = new URLSearchParams({
      response_type: 'code',
      client_id: 'ext-app',
      redirect_uri: REDIRECT,
      scope: 'launch/patient patient/*.rs',
      aud: FHIR,
      code_challenge: challenge(v),
      code_challenge_method: 'S256',
    });
    const html = await (await get(`/oauth2/authorize?${q}`, ADMIN_KEY)).text();
    const request = /name="request" value="([^"]+)"/.exec(html)![1]!;
    const csrf = /name="csrf" value="([^"]+)"/.exec(html)![1]!;
    const res = await app.request(`${ORIGIN}/oauth2/authorize`, {
      method: 'POST',
      headers: { 'Content-Type': 'application/x-www-form-urlencoded', Authorization: `Bearer ${ADMIN_KEY}` },
      body: new URLSearchParams({
        request,
        csrf,
        decision: 'approve',
        scope: 'patient/Patient.rs',
        patient: A,
      }).toString(),
    });
    expect(res.status).toBe(403);
  });

  it('standalone launch: the picker lists only the patients the user may see', async () => {
    const flow = await authorize({ key: clinicianKey, scope: 'launch/patient patient/*.rs', pick: B });
    expect(flow.html).toContain(`value="${A}"`);
    expect(flow.html).not.toContain(`value="${B}"`);
    expect(flow.status).toBe(403);
    const ok = await authorize({ key: clinicianKey, scope: 'launch/patient patient/*.rs offline_access', pick: A });
    const { body } = await exchange(codeOf(ok.location), ok.codeVerifier);
    expect(body.patient).toBe(A);
    // offline_access: a refresh token, rotated on use.
    const refreshed = await token({
      grant_type: 'refresh_token',
      refresh_token: String(body.refresh_token),
      client_id: 'ext-app',
    });
    expect(refreshed.status).toBe(200);
    const next = (await refreshed.json()) as Json;
    expect(next.patient).toBe(A);
    const reused = await token({
      grant_type: 'refresh_token',
      refresh_token: String(body.refresh_token),
      client_id: 'ext-app',
    });
    expect(reused.status).toBe(400);
  });

  it('a patient user grants only their own record', async () => {
    const flow = await authorize({ key: patientKey, scope: 'launch/patient patient/*.rs' });
    expect(flow.html).not.toContain('<select');
    const { body } = await exchange(codeOf(flow.location), flow.codeVerifier);
    expect(body.patient).toBe(A);
    const auth = await authenticateWith(String(body.access_token));
    expect(auth).toMatchObject({
      principal: { role: 'patient', patientId: A, id: expect.stringMatching(/^smart:key:/) },
    });
  });

  it('launch: clinicians only, and only for patients they may see', async () => {
    expect((await get(`/oauth2/launch?patient=${B}&client_id=ext-app`, clinicianKey)).status).toBe(403);
    expect((await get(`/oauth2/launch?patient=${A}&client_id=ext-app`, patientKey)).status).toBe(403);
    const ok = await get(`/oauth2/launch?patient=${A}&client_id=ext-app`, clinicianKey);
    expect(ok.status).toBe(302);
    expect(ok.headers.get('location')!.startsWith(`${APP}/launch?iss=`)).toBe(true);
  });

  it('confidential clients must authenticate at the token endpoint', async () => {
    const { secret } = await new SmartClientStore(ctx.db).add({
      clientId: 'conf-app',
      name: 'Confidential',
      redirectUris: [REDIRECT],
      launchUrl: `${APP}/launch`,
      confidential: true,
      scopes: ['launch', 'patient/*.rs'],
    });
    const flow = await authorize({ clientId: 'conf-app', scope: 'launch patient/*.rs', patient: A });
    const code = codeOf(flow.location);
    const anonymous = await token({
      grant_type: 'authorization_code',
      code,
      code_verifier: flow.codeVerifier,
      redirect_uri: REDIRECT,
      client_id: 'conf-app',
    });
    expect(anonymous.status).toBe(401);
    expect(((await anonymous.json()) as Json).error).toBe('invalid_client');
    const flow2 = await authorize({ clientId: 'conf-app', scope: 'launch patient/*.rs', patient: A });
    const basic = Buffer.from(`conf-app:${secret}`).toString('base64');
    const ok = await token(
      {
        grant_type: 'authorization_code',
        code: codeOf(flow2.location),
        code_verifier: flow2.codeVerifier,
        redirect_uri: REDIRECT,
      },
      { Authorization: `Basic ${basic}` },
    );
    expect(ok.status).toBe(200);
  });

  describe('access tokens', () => {
    async function sign(claims: Json, opts: { foreign?: boolean; exp?: number } = {}) {
      const key = await signingKey(ctx.db);
      const foreign = opts.foreign ? await generateKeyPair('ES256') : undefined;
      const now = Math.floor(Date.now() / 1000);
      return new SignJWT({ scope: 'patient/*.rs', grant: 'none', ...claims })
        .setProtectedHeader({ alg: 'ES256', kid: key.kid, typ: 'at+jwt' })
        .setIssuer(ORIGIN)
        .setAudience(FHIR)
        .setSubject('user:x')
        .setIssuedAt(now - 7200)
        .setExpirationTime(opts.exp ?? now + 600)
        .sign(foreign ? foreign.privateKey : key.privateKey);
    }

    it('refuses an expired token, naming its subject', async () => {
      const jwt = await sign({}, { exp: Math.floor(Date.now() / 1000) - 60 });
      expect(await authenticateWith(jwt)).toEqual({
        refused: { credential: 'smart:user:x', reason: expect.stringMatching(/expired/) },
      });
    });

    it('refuses a token signed by another key that claims to be ours', async () => {
      const jwt = await sign({}, { foreign: true });
      expect(await authenticateWith(jwt)).toEqual({
        refused: { credential: 'smart:user:x', reason: expect.stringMatching(/signature/) },
      });
    });

    it('refuses a token for another audience, and a token of a grant that does not exist', async () => {
      expect(await authenticateWith(await sign({}), 'http://other.test/fhir/Patient')).toMatchObject({
        refused: { credential: 'smart:user:x' },
      });
      expect(await authenticateWith(await sign({}))).toMatchObject({
        refused: { reason: expect.stringMatching(/revoked/) },
      });
    });

    it('ignores bearer tokens that are not its own', async () => {
      const other = await generateKeyPair('ES256');
      const jwt = await new SignJWT({})
        .setProtectedHeader({ alg: 'ES256' })
        .setIssuer('https://hospital-idp')
        .setSubject('u')
        .setExpirationTime('5m')
        .sign(other.privateKey);
      expect(await authenticateWith(jwt)).toBeNull();
      expect(await authenticateWith('msk_not-a-jwt')).toBeNull();
    });
  });
});
