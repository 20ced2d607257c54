import { randomBytes } from 'node:crypto';
import { exportJWK, generateKeyPair, importJWK, type JWK } from 'jose';
import type { Sql } from '../../core/index.js';

/**
 * MedSeek's ES256 key for the tokens its authorization server issues: generated on first use and
 * kept in the database, so every server process (and every restart) signs and verifies with the
 * same key. Several processes starting at once: the first insert wins, the others read it back.
 */
export interface SigningKey {
  readonly kid: string;
  readonly privateKey: CryptoKey;
  readonly publicKey: CryptoKey;
  readonly publicJwk: JWK;
}

const cache = new WeakMap<Sql, Promise<SigningKey>>();

export function signingKey(sql: Sql): Promise<SigningKey> {
  let key = cache.get(sql);
  if (!key) {
    key = loadOrCreate(sql);
    key.catch(() => cache.delete(sql));
    cache.set(sql, key);
  }
  return key;
}

async function loadOrCreate(sql: Sql): Promise<SigningKey> {
  let row = await current(sql);
  if (!row) {
    const pair = await generateKeyPair('ES256', { extractable: true });
    const kid = randomBytes(8).toString('hex');
    const privateJwk = { ...(await exportJWK(pair.privateKey)), kid, alg: 'ES256' };
    const publicJwk = { ...(await exportJWK(pair.publicKey)), kid, alg: 'ES256', use: 'sig' };
    await sql.query(
      'insert into medseek_smart_keys (kid, private_jwk, public_jwk) select $1, $2, $3 where not exists (select 1 from medseek_smart_keys)',
      [kid, JSON.stringify(privateJwk), JSON.stringify(publicJwk)],
    );
    row = await current(sql);
    if (!row) throw new Error('the SMART signing key could not be stored');
  }
  const privateJwk = parse(row.private_jwk);
  const publicJwk = parse(row.public_jwk);
  return {
    kid: row.kid,
    privateKey: (await importJWK(privateJwk, 'ES256')) as CryptoKey,
    publicKey: (await importJWK(publicJwk, 'ES256')) as CryptoKey,
    publicJwk,
  };
}

async function current(
  sql: Sql,
): Promise<{ kid: string; private_jwk: JWK | string; public_jwk: JWK | string } | undefined> {
  const r = await sql.query<{ kid: string; private_jwk: JWK | string; public_jwk: JWK | string }>(
    'select kid, private_jwk, public_jwk from medseek_smart_keys order by created_at, kid limit 1',
  );
  return r.rows[0];
}

const parse = (v: JWK | string): JWK => (typeof v === 'string' ? (JSON.parse(v) as JWK) : v);
