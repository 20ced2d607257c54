import type { AddressInfo } from 'node:net';
import { serve } from '@hono/node-server';
import { Hono } from 'hono';
import { exportJWK, generateKeyPair, SignJWT } from 'jose';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createJwtVerifier, looksLikeJwt } from './jwt.js';

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

  const rs256 = (claims: Record<string, unknown>) => new SignJWT(claims).setProtectedHeader({ alg: 'RS256', kid: 'k1' }).setIssuedAt().setExpirationTime('5m').sign(privateKey);

  it("verifies a token signed by the identity provider's JWKS and maps sub to the user", async () => {
    const verify = createJwtVerifier({ jwksUrl, issuer: 'https://idp.hospital', audience: 'medseek' })!;
    const token = await rs256({ sub: 'nurse-chen', iss: 'https://idp.hospital', aud: 'medseek' });
    expect(await verify(token)).toEqual({ sub: 'nurse-chen', issuer: 'https://idp.hospital' });
  });

  it('refuses a wrong audience or issuer, a token without sub, and an HS256 token when only a JWKS is configured', async () => {
    const verify = createJwtVerifier({ jwksUrl, issuer: 'https://idp.hospital', audience: 'medseek' })!;
    expect(await verify(await rs256({ sub: 'x', iss: 'https://idp.hospital', aud: 'other' }))).toBeUndefined();
    expect(await verify(await rs256({ sub: 'x', iss: 'https://evil', aud: 'medseek' }))).toBeUndefined();
    expect(await verify(await rs256({ iss: 'https://idp.hospital', aud: 'medseek' }))).toBeUndefined();
    const hs = await new SignJWT({ sub: 'x' }).setProtectedHeader({ alg: 'HS256' }).sign(new TextEncoder().encode('k'.repeat(32)));
    expect(await verify(hs)).toBeUndefined();
  });

  it('is absent when nothing is configured, and tells JWTs from API keys', () => {
    expect(createJwtVerifier({})).toBeUndefined();
    expect(looksLikeJwt('eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiJ4In0.sig')).toBe(true);
    expect(looksLikeJwt('msk_abcDEF-123_xyz')).toBe(false);
  });
});
