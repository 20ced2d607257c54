import { Hono } from 'hono';
import { beforeAll, expect, it } from 'vitest';
import { forEachBackend } from '../../../test/support/backends.js';
import { loadConfig } from '../../core/index.js';
import { type AppContext, openContext } from '../context.js';
import type { AppEnv } from '../env.js';
import { createLogger } from '../logger.js';
import { sessionAuthenticator } from './session-auth.js';
import { SessionStore } from './sessions.js';
import { type LoginSettings, UserStore } from './users.js';

const SETTINGS: LoginSettings = { maxFailures: 5, windowMinutes: 15, lockMinutes: 15, idleMinutes: 30, maxHours: 12 };

forEachBackend('sessions', (db) => {
  let clock = new Date('2026-01-01T08:00:00Z');
  let sessions: SessionStore;
  let users: UserStore;
  let userId: string;
  const advance = (minutes: number) => {
    clock = new Date(clock.getTime() + minutes * 60_000);
  };
  beforeAll(async () => {
    sessions = new SessionStore(db(), { settings: SETTINGS, now: () => clock });
    users = new UserStore(db(), { settings: SETTINGS, now: () => clock, hashParams: { ln: 10, r: 8, p: 1 } });
    userId = (
      await users.create({
        username: 'dr.zhao',
        password: 'a long enough passphrase',
        role: 'clinician',
        units: ['ward-1'],
      })
    ).id;
  });

  it('keeps only hashes of the session id and CSRF token', async () => {
    const s = await sessions.create(userId);
    const rows = await db().query<Record<string, string>>('select id_hash, csrf_hash from medseek_sessions');
    expect(JSON.stringify(rows.rows)).not.toContain(s.id);
    expect(JSON.stringify(rows.rows)).not.toContain(s.csrf);
    const live = await sessions.resolve(s.id);
    expect(live?.user.username).toBe('dr.zhao');
    expect(live?.csrfMatches(s.csrf)).toBe(true);
    expect(live?.csrfMatches(`${s.csrf}x`)).toBe(false);
    expect(live?.csrfMatches(undefined)).toBe(false);
  });

  it('ends a session after 30 idle minutes, and use keeps it alive', async () => {
    const s = await sessions.create(userId);
    advance(20);
    expect(await sessions.resolve(s.id)).toBeDefined();
    advance(20);
    expect(await sessions.resolve(s.id)).toBeDefined();
    advance(31);
    expect(await sessions.resolve(s.id)).toBeUndefined();
  });

  it('ends a session after 12 hours however busy', async () => {
    const s = await sessions.create(userId);
    // Every 20 minutes for 11 h 40 min, then the 12th hour strikes.
    for (let step = 0; step < 35; step++) {
      advance(20);
      expect(await sessions.resolve(s.id)).toBeDefined();
    }
    advance(20);
    expect(await sessions.resolve(s.id)).toBeUndefined();
  });

  it('ends sessions at logout, when the user is disabled and when the password changes', async () => {
    const a = await sessions.create(userId);
    await sessions.delete(a.id);
    expect(await sessions.resolve(a.id)).toBeUndefined();
    const b = await sessions.create(userId);
    await users.setPassword(userId, 'a new long passphrase');
    expect(await sessions.resolve(b.id)).toBeUndefined();
    const c = await sessions.create(userId);
    await users.update(userId, { disabled: true });
    expect(await sessions.resolve(c.id)).toBeUndefined();
    await users.update(userId, { disabled: false });
  });
});

forEachBackend('session authenticator', (db) => {
  let ctx: AppContext;
  let app: Hono<AppEnv>;
  let cookie: string;
  let csrf: string;
  beforeAll(async () => {
    ctx = await openContext(loadConfig({}, { logLevel: 'warn' }), {
      db: db(),
      llm: false,
      logger: createLogger('warn', { write: () => {} }),
    });
    const user = await new UserStore(ctx.db).create({
      username: 'dr.qian',
      displayName: '钱医生',
      password: 'a long enough passphrase',
      role: 'clinician',
      units: ['ward-2'],
      allPatients: false,
    });
    const s = await new SessionStore(ctx.db).create(user.id);
    cookie = `medseek_session=${s.id}; medseek_csrf=${s.csrf}`;
    csrf = s.csrf;
    app = new Hono<AppEnv>();
    app.all('/probe', async (c) => c.json((await sessionAuthenticator(ctx, c)) ?? { none: true }));
  });

  const probe = async (method: string, headers: Record<string, string>) =>
    (await app.request('/probe', { method, headers })).json();

  it('gives the user as a session principal for a valid cookie', async () => {
    const r = await probe('GET', { Cookie: cookie });
    expect(r.principal).toMatchObject({
      kind: 'session',
      name: '钱医生',
      role: 'clinician',
      units: ['ward-2'],
      allPatients: false,
    });
    expect(r.principal.id).toMatch(/^user:/);
  });

  it('says nothing without a cookie, and refuses an unknown session', async () => {
    expect(await probe('GET', {})).toEqual({ none: true });
    expect((await probe('GET', { Cookie: 'medseek_session=forged' })).refused.reason).toMatch(/log in again/);
  });

  it('refuses unsafe methods whose X-CSRF-Token is missing or wrong', async () => {
    for (const method of ['POST', 'PUT', 'PATCH', 'DELETE']) {
      expect((await probe(method, { Cookie: cookie })).refused.reason).toMatch(/X-CSRF-Token/);
      expect((await probe(method, { Cookie: cookie, 'X-CSRF-Token': 'guess' })).refused.reason).toMatch(/X-CSRF-Token/);
      expect((await probe(method, { Cookie: cookie, 'X-CSRF-Token': csrf })).principal.role).toBe('clinician');
    }
  });
});
