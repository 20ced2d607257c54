import type { AddressInfo } from 'node:net';
import { serve } from '@hono/node-server';
import { Hono } from 'hono';
import { exportJWK, generateKeyPair, SignJWT } from 'jose';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createJwtVerifier, lifetimeRefusal, looksLikeJwt } from './jwt.js';

describe('JWT verification', () => {
  let jwksUrl: string;
  let close: () => Promise<void>;
  let privateKey: CryptoKey;

  beforeAll(async () => {
    const pair = await generateKeyPair('RS256');
    privateKey = pair.privateKey;
    const jwk = { ...(await exportJWK(pair.publicKey)), kid: 'k1', alg: 'RS256', use: 'sig' };
    const idp = new Hono().get('/jwks.json', (c) => c.json({ keys: [jwk] }));
    await new Promise<void>((resolve) => {
      const s = serve({ fetch: idp.fetch, port: 0, hostname: '127.0.0.1' }, (info: AddressInfo) => {
        jwksUrl = `http://127.0.0.1:${info.port}/jwks.json`;
        close = () => new Promise((done) => s.close(() => done()));
        resolve();
      });
    });
  });

  afterAll(async () => {
    await close?.();
  });

  const rs256 = (claims: Record<string, unknown>) =>
    new SignJWT(claims)
      .setProtectedHeader({ alg: 'RS256', kid: 'k1' })
      .setIssuedAt()
      .setExpirationTime('5m')
      .sign(privateKey);

  it("verifies a token signed by the identity provider's JWKS and maps sub, role, units and patient", async () => {
    const verify = createJwtVerifier({ jwksUrl, issuer: 'https://idp.hospital', audience: 'medseek' })!;
    const token = await rs256({
      sub: 'nurse-chen',
      iss: 'https://idp.hospital',
      aud: 'medseek',
      medseek_role: 'clinician',
      medseek_units: ['ward-7'],
    });
    expect(await verify(token)).toEqual({
      principal: { sub: 'nurse-chen', issuer: 'https://idp.hospital', role: 'clinician', units: ['ward-7'] },
    });
    const patient = await rs256({
      sub: 'p-1',
      iss: 'https://idp.hospital',
      aud: 'medseek',
      roles: ['patient'],
      medseek_patient: 'p1',
    });
    expect(await verify(patient)).toEqual({
      principal: { sub: 'p-1', issuer: 'https://idp.hospital', role: 'patient', patientId: 'p1' },
    });
    // Listing several roles gains nothing: the least privileged one is taken.
    const both = await rs256({
      sub: 'x',
      iss: 'https://idp.hospital',
      aud: 'medseek',
      roles: ['admin', 'clinician'],
      medseek_all_patients: true,
    });
    expect(await verify(both)).toMatchObject({ principal: { role: 'clinician', allPatients: true } });
  });

  it('refuses a wrong audience or issuer, a token without sub or role, and an HS256 token when only a JWKS is configured, naming why', async () => {
    const verify = createJwtVerifier({ jwksUrl, issuer: 'https://idp.hospital', audience: 'medseek' })!;
    const base = { iss: 'https://idp.hospital', aud: 'medseek', medseek_role: 'admin' };
    expect(await verify(await rs256({ ...base, sub: 'x', aud: 'other' }))).toMatchObject({
      refused: expect.stringContaining("'aud'"),
      sub: 'x',
    });
    expect(await verify(await rs256({ ...base, sub: 'x', iss: 'https://evil' }))).toMatchObject({
      refused: expect.stringContaining("'iss'"),
    });
    expect(await verify(await rs256({ ...base }))).toMatchObject({ refused: expect.stringContaining("'sub'") });
    expect(await verify(await rs256({ ...base, sub: 'x', medseek_role: 'superuser' }))).toMatchObject({
      refused: expect.stringContaining('no known role'),
    });
    expect(await verify(await rs256({ ...base, sub: 'x', medseek_role: 'patient' }))).toMatchObject({
      refused: expect.stringContaining('medseek_patient'),
    });
    const hs = await new SignJWT({ sub: 'x' })
      .setProtectedHeader({ alg: 'HS256' })
      .setExpirationTime('5m')
      .sign(new TextEncoder().encode('k'.repeat(32)));
    expect(await verify(hs)).toHaveProperty('refused');
  });

  it('requires exp, honours nbf, and caps the lifetime, with the clock skew allowed', async () => {
    const secret = 's'.repeat(32);
    const verify = createJwtVerifier({ secret, maxLifetime: 600, clockSkew: 60 })!;
    const key = new TextEncoder().encode(secret);
    const now = Math.floor(Date.now() / 1000);
    const sign = (claims: Record<string, unknown>) =>
      new SignJWT({ sub: 'dr', medseek_role: 'admin', ...claims }).setProtectedHeader({ alg: 'HS256' }).sign(key);
    expect(await verify(await sign({ iat: now }))).toMatchObject({
      refused: expect.stringContaining("'exp'"),
      sub: 'dr',
    });
    expect(await verify(await sign({ iat: now, exp: now + 3600 }))).toMatchObject({
      refused: expect.stringContaining('maximum lifetime is 600 s'),
    });
    expect(await verify(await sign({ exp: now + 3600 }))).toMatchObject({
      refused: expect.stringContaining('maximum lifetime'),
    });
    expect(await verify(await sign({ iat: now, nbf: now + 600, exp: now + 600 }))).toMatchObject({
      refused: expect.stringContaining("'nbf'"),
    });
    expect(await verify(await sign({ iat: now - 120, exp: now - 30 }))).toHaveProperty('principal');
    expect(await verify(await sign({ iat: now - 300, exp: now - 90 }))).toMatchObject({
      refused: expect.stringContaining("'exp'"),
    });
    expect(await verify(await sign({ iat: now, exp: now + 600 }))).toHaveProperty('principal');
    expect(lifetimeRefusal({ iat: now + 600, exp: now + 900 }, 3600, 60, now)).toContain("'iat'");
  });

  it('is absent when nothing is configured, and tells JWTs from API keys', () => {
    expect(createJwtVerifier({})).toBeUndefined();
    expect(looksLikeJwt('eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiJ4In0.sig')).toBe(true);
    expect(looksLikeJwt('msk_abcDEF-123_xyz')).toBe(false);
  });
});
