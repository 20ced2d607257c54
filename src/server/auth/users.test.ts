import { beforeAll, expect, it } from 'vitest';
import { forEachBackend } from '../../../test/support/backends.js';
import { type LoginSettings, UserStore, userPrincipal } from './users.js';

const SETTINGS: LoginSettings = { maxFailures: 3, windowMinutes: 15, lockMinutes: 10, idleMinutes: 30, maxHours: 12 };
const PASSWORD = 'a long enough passphrase';

forEachBackend('local users', (db) => {
  let clock = new Date('2026-01-01T08:00:00Z');
  let users: UserStore;
  const advance = (minutes: number) => {
    clock = new Date(clock.getTime() + minutes * 60_000);
  };
  beforeAll(() => {
    // A lower scrypt cost keeps the test quick; password.test.ts covers the production parameters.
    users = new UserStore(db(), { settings: SETTINGS, now: () => clock, hashParams: { ln: 10, r: 8, p: 1 } });
  });

  it('creates a user with role and units, never returning the hash', async () => {
    const u = await users.create({
      username: ' Dr.Li ',
      displayName: '李医生',
      password: PASSWORD,
      role: 'clinician',
      units: ['Organization/cardio'],
    });
    expect(u).toMatchObject({
      username: 'dr.li',
      displayName: '李医生',
      role: 'clinician',
      units: ['Organization/cardio'],
      allPatients: false,
      disabled: false,
      source: 'local',
    });
    expect(JSON.stringify(await users.list())).not.toMatch(/scrypt|hash/);
    expect(userPrincipal(u)).toEqual({
      kind: 'session',
      id: `user:${u.id}`,
      name: '李医生',
      role: 'clinician',
      units: ['Organization/cardio'],
      allPatients: false,
    });
    await expect(users.create({ username: 'DR.LI', password: PASSWORD, role: 'admin' })).rejects.toThrow(
      /already exists/,
    );
  });

  it('refuses short passwords, bad usernames and patient accounts with the field named', async () => {
    await expect(users.create({ username: 'short', password: 'eleven char', role: 'clinician' })).rejects.toThrow(
      /password.*at least 12 characters/,
    );
    await expect(users.create({ username: 'has space', password: PASSWORD, role: 'clinician' })).rejects.toThrow(
      /username/,
    );
    await expect(users.create({ username: 'pat', password: PASSWORD, role: 'patient' })).rejects.toThrow(
      /role.*consultation link/,
    );
  });

  it('logs in with the right password, answers unknown names and wrong passwords alike', async () => {
    const ok = await users.authenticate('DR.LI', PASSWORD);
    expect(ok.ok && ok.user.username).toBe('dr.li');
    expect(ok.ok && ok.user.lastLoginAt).toBe(clock.toISOString());
    expect(await users.authenticate('dr.li', 'wrong password here')).toEqual({ ok: false, reason: 'invalid' });
    expect(await users.authenticate('nobody', 'wrong password here')).toEqual({ ok: false, reason: 'invalid' });
    // A good login clears the failures counted so far.
    expect((await users.authenticate('dr.li', PASSWORD)).ok).toBe(true);
  });

  it('locks a name after repeated failures in the window, says until when, and unlocks after the lock or by an admin', async () => {
    await users.create({ username: 'nurse.wang', password: PASSWORD, role: 'clinician' });
    expect((await users.authenticate('nurse.wang', 'wrong password 1')).ok).toBe(false);
    expect((await users.authenticate('nurse.wang', 'wrong password 2')).ok).toBe(false);
    const third = await users.authenticate('nurse.wang', 'wrong password 3');
    expect(third).toEqual({ ok: false, reason: 'locked', lockedUntil: new Date(clock.getTime() + 10 * 60_000) });
    // Locked: even the right password is refused, and the user list shows the lock.
    expect((await users.authenticate('nurse.wang', PASSWORD)).ok).toBe(false);
    const listed = (await users.list()).find((u) => u.username === 'nurse.wang')!;
    expect(listed.lockedUntil).toBe(new Date(clock.getTime() + 10 * 60_000).toISOString());
    advance(11);
    expect((await users.authenticate('nurse.wang', PASSWORD)).ok).toBe(true);
    // Locked again, then unlocked by an administrator.
    for (let i = 0; i < 3; i++) await users.authenticate('nurse.wang', `wrong ${i} password`);
    expect((await users.authenticate('nurse.wang', PASSWORD)).ok).toBe(false);
    await users.unlock(listed.id);
    expect((await users.authenticate('nurse.wang', PASSWORD)).ok).toBe(true);
  });

  it('forgets failures older than the window', async () => {
    await users.authenticate('dr.li', 'wrong password 1');
    await users.authenticate('dr.li', 'wrong password 2');
    advance(16);
    expect(await users.authenticate('dr.li', 'wrong password 3')).toEqual({ ok: false, reason: 'invalid' });
    expect((await users.authenticate('dr.li', PASSWORD)).ok).toBe(true);
  });

  it('locks unknown names the same way, so a lock does not reveal that a name exists', async () => {
    for (let i = 0; i < 2; i++) await users.authenticate('ghost', `wrong ${i} password`);
    expect(await users.authenticate('ghost', 'wrong 3 password')).toMatchObject({ ok: false, reason: 'locked' });
    expect(await users.authenticate('ghost', 'wrong 4 password')).toMatchObject({ ok: false, reason: 'locked' });
  });

  it('refuses disabled users, and new passwords follow the rules', async () => {
    const u = await users.create({ username: 'leaver', password: PASSWORD, role: 'admin' });
    await users.update(u.id, { disabled: true });
    expect(await users.authenticate('leaver', PASSWORD)).toEqual({ ok: false, reason: 'disabled' });
    await users.update(u.id, { disabled: false });
    await expect(users.setPassword(u.id, 'too short')).rejects.toThrow(/at least 12/);
    await users.setPassword(u.id, 'another long passphrase');
    expect((await users.authenticate('leaver', PASSWORD)).ok).toBe(false);
    expect((await users.authenticate('leaver', 'another long passphrase')).ok).toBe(true);
  });

  it('makes and updates OpenID Connect users, which cannot log in with a password', async () => {
    const who = {
      issuer: 'https://idp.example',
      subject: 'abc',
      username: 'dr.li',
      displayName: 'Li (IdP)',
      role: 'clinician' as const,
      units: ['ward-3'],
    };
    const first = await users.upsertOidc(who);
    // The local dr.li keeps the name; the IdP's user gets a distinct one.
    expect(first.username).toMatch(/^dr\.li-[0-9a-f]{8}$/);
    expect(first.source).toBe('oidc');
    const again = await users.upsertOidc({ ...who, role: 'admin', units: [] });
    expect(again).toMatchObject({ id: first.id, role: 'admin', units: [] });
    expect((await users.authenticate(first.username, 'any password at all')).ok).toBe(false);
    await expect(users.setPassword(first.id, 'a long enough passphrase')).rejects.toThrow(/no local user/);
  });
});
