import { randomBytes, scrypt, timingSafeEqual } from 'node:crypto';
import { invalid } from '../../core/index.js';

/**
 * Password hashing with scrypt (memory-hard; Node's crypto, i.e. OpenSSL). The stored string names
 * its parameters — `scrypt$ln=15,r=8,p=1$<salt>$<hash>` (base64url) — so they can be raised later
 * and old hashes still verify (and are re-hashed at the next login, see `needsRehash`).
 */
export interface ScryptParams {
  /** log2 of the cost N. */
  readonly ln: number;
  readonly r: number;
  readonly p: number;
}

export const DEFAULT_PARAMS: ScryptParams = { ln: 15, r: 8, p: 1 };
export const MIN_PASSWORD_LENGTH = 12;
const MAX_PASSWORD_LENGTH = 1024;
const KEY_LENGTH = 32;

function derive(password: string, salt: Buffer, { ln, r, p }: ScryptParams, keyLength = KEY_LENGTH): Promise<Buffer> {
  const N = 2 ** ln;
  // OpenSSL needs 128·N·r bytes (32 MiB at the defaults), just over Node's default limit.
  const maxmem = 128 * N * r * p + 16 * 1024 * 1024;
  return new Promise((resolve, reject) =>
    scrypt(password.normalize('NFC'), salt, keyLength, { N, r, p, maxmem }, (e, key) => (e ? reject(e) : resolve(key))),
  );
}

export async function hashPassword(password: string, params: ScryptParams = DEFAULT_PARAMS): Promise<string> {
  const salt = randomBytes(16);
  const key = await derive(password, salt, params);
  return `scrypt$ln=${params.ln},r=${params.r},p=${params.p}$${salt.toString('base64url')}$${key.toString('base64url')}`;
}

function parse(stored: string): { params: ScryptParams; salt: Buffer; key: Buffer } | undefined {
  const m = /^scrypt\$ln=(\d+),r=(\d+),p=(\d+)\$([\w-]+)\$([\w-]+)$/.exec(stored);
  if (!m) return undefined;
  const params = { ln: Number(m[1]), r: Number(m[2]), p: Number(m[3]) };
  if (params.ln < 10 || params.ln > 22 || params.r < 1 || params.r > 32 || params.p < 1 || params.p > 16)
    return undefined;
  return { params, salt: Buffer.from(m[4]!, 'base64url'), key: Buffer.from(m[5]!, 'base64url') };
}

/** A hash of a random password: verified against when the user is unknown, so both take the same time. */
const dummies = new Map<string, Promise<string>>();
export function dummyHash(params: ScryptParams = DEFAULT_PARAMS): Promise<string> {
  const key = `${params.ln},${params.r},${params.p}`;
  let d = dummies.get(key);
  if (!d) {
    d = hashPassword(randomBytes(24).toString('base64url'), params);
    dummies.set(key, d);
  }
  return d;
}

/** True when `password` matches `stored` (compared in constant time); false for a malformed hash. Without a hash, `params` set the time it takes. */
export async function verifyPassword(
  password: string,
  stored: string | null | undefined,
  params: ScryptParams = DEFAULT_PARAMS,
): Promise<boolean> {
  const parsed = parse(stored ?? '') ?? parse(await dummyHash(params))!;
  const key = await derive(password, parsed.salt, parsed.params, parsed.key.length || KEY_LENGTH);
  return (
    Boolean(stored) &&
    parse(stored!) !== undefined &&
    key.length === parsed.key.length &&
    timingSafeEqual(key, parsed.key)
  );
}

/** True when `stored` was made with weaker parameters than `params` (re-hash it after a good login). */
export function needsRehash(stored: string, params: ScryptParams = DEFAULT_PARAMS): boolean {
  const parsed = parse(stored);
  return !parsed || parsed.params.ln < params.ln || parsed.params.r < params.r || parsed.params.p < params.p;
}

/** The password rules: at least 12 characters (a passphrase is best), at most 1024. */
export function checkPasswordRules(password: unknown, field = 'password'): string {
  if (typeof password !== 'string') throw invalid('a password is required', { field });
  if ([...password].length < MIN_PASSWORD_LENGTH)
    throw invalid(`the password must be at least ${MIN_PASSWORD_LENGTH} characters long`, { field });
  if (password.length > MAX_PASSWORD_LENGTH)
    throw invalid(`the password must be at most ${MAX_PASSWORD_LENGTH} characters long`, { field });
  return password;
}
