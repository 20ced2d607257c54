import { describe, expect, it } from 'vitest';
import { checkPasswordRules, hashPassword, needsRehash, verifyPassword } from './password.js';

describe('password hashing (scrypt)', () => {
  const password = 'correct horse battery staple';

  it('stores a self-describing scrypt hash that never contains the password', async () => {
    const hash = await hashPassword(password);
    expect(hash).toMatch(/^scrypt\$ln=15,r=8,p=1\$[\w-]+\$[\w-]+$/);
    expect(hash).not.toContain(password);
    expect(hash).not.toContain(Buffer.from(password).toString('base64url'));
    // A fresh salt each time: two hashes of one password differ.
    expect(await hashPassword(password)).not.toBe(hash);
  });

  it('verifies the right password and refuses a wrong one, a missing hash and a malformed one', async () => {
    const hash = await hashPassword(password);
    expect(await verifyPassword(password, hash)).toBe(true);
    expect(await verifyPassword(`${password}!`, hash)).toBe(false);
    expect(await verifyPassword(password, null)).toBe(false);
    expect(await verifyPassword(password, 'plain-text')).toBe(false);
  });

  it('verifies hashes made with older, weaker parameters and says they need re-hashing', async () => {
    const weak = await hashPassword(password, { ln: 12, r: 8, p: 1 });
    expect(await verifyPassword(password, weak)).toBe(true);
    expect(needsRehash(weak)).toBe(true);
    expect(needsRehash(await hashPassword(password))).toBe(false);
  });

  it('asks for at least 12 characters, and says so', () => {
    expect(() => checkPasswordRules('short-pass1')).toThrow(/at least 12 characters/);
    expect(checkPasswordRules('十二个字的中文口令也可以的吧好')).toBeTruthy();
    expect(() => checkPasswordRules(undefined)).toThrow(/required/);
  });
});
