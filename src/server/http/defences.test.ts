import { request as httpRequest } from 'node:http';
import type { AddressInfo } from 'node:net';
import { serve } from '@hono/node-server';
import { Hono } from 'hono';
import { describe, expect, it } from 'vitest';
import type { AppContext } from '../context.js';
import type { AppEnv } from '../env.js';
import { frameAncestorsFromEnv, mountHttpDefences, rateLimitFromEnv, splitHost } from './index.js';

/** The defences mounted as `createApp` mounts them, in front of a few stand-in routes. */
function testApp(options: { host?: string; env?: NodeJS.ProcessEnv } = {}): Hono<AppEnv> {
  const app = new Hono<AppEnv>();
  mountHttpDefences(app, { config: { host: options.host ?? '127.0.0.1' } } as AppContext, options.env ?? {});
  app.get('/', (c) => c.html('<!doctype html><title>MedSeek</title>'));
  app.get('/health', (c) => c.json({ ok: true }));
  app.get('/api/x', (c) => c.json({ ok: true }));
  app.post('/api/auth/login', (c) => c.json({ ok: false }, 401));
  return app;
}

/** An in-process request as if it came over a socket from `address`. */
const from = (address: string) => ({
  incoming: { socket: { remoteAddress: address, remotePort: 50000, remoteFamily: 'IPv4' } },
});

describe('browser defences', () => {
  it('puts a strict CSP, nosniff, no-referrer and frame-ancestors none on every response', async () => {
    const app = testApp();
    for (const path of ['/', '/api/x', '/nowhere']) {
      const res = await app.request(`http://127.0.0.1:8080${path}`);
      const csp = res.headers.get('content-security-policy') ?? '';
      expect(csp).toContain("default-src 'self'");
      expect(csp).toContain("script-src 'self'");
      expect(csp).toContain("frame-ancestors 'none'");
      expect(csp).toContain("object-src 'none'");
      expect(csp).not.toMatch(/script-src[^;]*unsafe/);
      expect(res.headers.get('x-content-type-options')).toBe('nosniff');
      expect(res.headers.get('referrer-policy')).toBe('no-referrer');
      expect(res.headers.get('x-frame-options')).toBe('DENY');
    }
  });

  it('lets a configured EHR origin frame the workspace (SMART launch), and refuses a bad origin', async () => {
    const app = testApp({ env: { MEDSEEK_FRAME_ANCESTORS: 'https://ehr.example.org' } });
    const res = await app.request('http://127.0.0.1:8080/');
    expect(res.headers.get('content-security-policy')).toContain('frame-ancestors https://ehr.example.org');
    expect(res.headers.get('x-frame-options')).toBeNull();
    expect(() =>
      frameAncestorsFromEnv({ MEDSEEK_FRAME_ANCESTORS: "https://ehr.example.org/launch; script-src 'unsafe-inline'" }),
    ).toThrow(/MEDSEEK_FRAME_ANCESTORS|origin/);
  });
});

describe('allowed hosts', () => {
  it('leaves in-process requests (no socket, no browser) alone', async () => {
    expect((await testApp().request('https://medseek.example/api/x')).status).toBe(200);
  });

  it('answers a loopback-bound server only under loopback names (DNS rebinding)', async () => {
    const app = testApp();
    for (const host of ['127.0.0.1:8080', 'localhost:8080', '[::1]:8080', 'localhost']) {
      expect((await app.request('/api/x', { headers: { Host: host } }, from('127.0.0.1'))).status, host).toBe(200);
    }
    const res = await app.request('http://evil.example:8080/api/x', {}, from('127.0.0.1'));
    expect(res.status).toBe(421);
    const body = (await res.json()) as { issue: { diagnostics: string; expression?: string[] }[] };
    expect(body.issue[0]!.diagnostics).toMatch(/Host 'evil\.example:8080' is not served here/);
    expect(body.issue[0]!.expression).toEqual(['Host']);
    // The refusal carries the browser defences too.
    expect(res.headers.get('x-content-type-options')).toBe('nosniff');
  });

  it('refuses Host: evil.example over a real socket', async () => {
    const app = testApp();
    const server = serve({ fetch: app.fetch, port: 0, hostname: '127.0.0.1' });
    await new Promise((r) => server.once('listening', r));
    const port = (server.address() as AddressInfo).port;
    const status = (host: string) =>
      new Promise<number>((resolve, reject) => {
        const req = httpRequest({ host: '127.0.0.1', port, path: '/api/x', headers: { Host: host } }, (res) => {
          res.resume();
          resolve(res.statusCode ?? 0);
        });
        req.on('error', reject);
        req.end();
      });
    try {
      expect(await status('evil.example')).toBe(421);
      expect(await status(`127.0.0.1:${port}`)).toBe(200);
    } finally {
      server.close();
    }
  });

  it('serves the names MEDSEEK_ALLOWED_HOSTS lists on a real install, and only those', async () => {
    const app = testApp({
      host: '0.0.0.0',
      env: { MEDSEEK_ALLOWED_HOSTS: 'medseek.hospital.example, .wards.example' },
    });
    const status = async (a: Hono<AppEnv>, url: string) => (await a.request(url, {}, from('10.2.0.1'))).status;
    expect(await status(app, 'http://medseek.hospital.example/api/x')).toBe(200);
    expect(await status(app, 'http://icu.wards.example/api/x')).toBe(200);
    expect(await status(app, 'http://localhost:8080/api/x')).toBe(200);
    expect(await status(app, 'http://evil.example/api/x')).toBe(421);
    expect(await status(app, 'http://wards.example.evil.example/api/x')).toBe(421);
    // Without a list, a server on a public address cannot know its names: any Host goes.
    expect(await status(testApp({ host: '0.0.0.0' }), 'http://medseek.example/api/x')).toBe(200);
    expect(splitHost('[::1]:8080')).toEqual(['[::1]', '8080']);
  });
});

describe('rate limits', () => {
  it('answers 429 with Retry-After once a credential has used its minute, and counts credentials apart', async () => {
    const app = testApp({ env: { MEDSEEK_RATE_LIMIT: '3' } });
    const call = (key: string) =>
      app.request('http://127.0.0.1/api/x', { headers: { Authorization: `Bearer ${key}` } }, from('10.0.0.5'));
    for (let i = 0; i < 3; i++) expect((await call('key-a')).status).toBe(200);
    const refused = await call('key-a');
    expect(refused.status).toBe(429);
    const wait = Number(refused.headers.get('retry-after'));
    expect(wait).toBeGreaterThanOrEqual(1);
    expect(wait).toBeLessThanOrEqual(60);
    expect(((await refused.json()) as { issue: { code: string; diagnostics: string }[] }).issue[0]).toMatchObject({
      code: 'throttled',
      diagnostics: expect.stringMatching(/3 requests per minute/),
    });
    // Another credential from the same address has its own allowance; the liveness probe is never limited.
    expect((await call('key-b')).status).toBe(200);
    expect((await app.request('http://127.0.0.1/health', {}, from('10.0.0.5'))).status).toBe(200);
    // Anonymous callers are counted by address.
    for (let i = 0; i < 3; i++)
      expect((await app.request('http://127.0.0.1/api/x', {}, from('10.0.0.6'))).status).toBe(200);
    expect((await app.request('http://127.0.0.1/api/x', {}, from('10.0.0.6'))).status).toBe(429);
    expect((await app.request('http://127.0.0.1/api/x', {}, from('10.0.0.7'))).status).toBe(200);
  });

  it('limits login attempts per address more strictly, whatever credential each carries', async () => {
    const app = testApp({ env: { MEDSEEK_LOGIN_RATE_LIMIT: '2' } });
    const login = (n: number) =>
      app.request(
        'http://127.0.0.1/api/auth/login',
        { method: 'POST', headers: { Authorization: `Basic guess-${n}` } },
        from('10.0.0.9'),
      );
    expect((await login(1)).status).toBe(401);
    expect((await login(2)).status).toBe(401);
    const refused = await login(3);
    expect(refused.status).toBe(429);
    expect(refused.headers.get('retry-after')).toMatch(/^\d+$/);
  });

  it('opens a new window after a minute', async () => {
    let now = 1_000_000;
    const { rateLimitMiddleware } = await import('./rate-limit.js');
    const app = new Hono();
    app.use('*', rateLimitMiddleware({ perMinute: 1, loginPerMinute: 1, now: () => now }));
    app.get('/x', (c) => c.text('ok'));
    expect((await app.request('/x', {}, from('10.1.1.1'))).status).toBe(200);
    const refused = await app.request('/x', {}, from('10.1.1.1'));
    expect(refused.status).toBe(429);
    expect(refused.headers.get('retry-after')).toBe('60');
    now += 60_000;
    expect((await app.request('/x', {}, from('10.1.1.1'))).status).toBe(200);
  });

  it('reads its limits from the environment and names a bad value', () => {
    expect(rateLimitFromEnv({})).toEqual({ perMinute: 600, loginPerMinute: 20 });
    expect(() => rateLimitFromEnv({ MEDSEEK_RATE_LIMIT: 'lots' })).toThrow(/MEDSEEK_RATE_LIMIT|whole number/);
  });
});

describe('connect-src for a SMART launch from another EHR', () => {
  it("adds the trusted FHIR servers' origins, and only well-formed http(s) origins", async () => {
    const app = new Hono<AppEnv>();
    mountHttpDefences(
      app,
      { config: { host: '127.0.0.1' } } as AppContext,
      {},
      { connectSources: async () => ['https://ehr.example.org/fhir/r4', 'javascript:alert(1)', 'not a url'] },
    );
    app.get('/', (c) => c.html('<!doctype html><title>MedSeek</title>'));
    const csp = (await app.request('http://127.0.0.1:8080/')).headers.get('content-security-policy') ?? '';
    expect(csp).toContain("connect-src 'self' https://ehr.example.org;");
    expect(csp).not.toContain('javascript');
    expect(csp).toContain("script-src 'self';");
  });
});
