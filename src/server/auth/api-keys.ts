import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';
import type { Sql } from '../../core/index.js';
import { invalid, notFound } from '../../core/index.js';

/**
 * API keys: those named in `MEDSEEK_API_KEYS` (configuration) and those created with
 * `medseek keys create` (stored as a SHA-256 hash only; the key is shown once, at creation).
 * A key is 32 random bytes, base64url, behind a `msk_` prefix so it is recognisable in a leak scan.
 */
export interface ApiKeyInfo {
  readonly id: string;
  readonly name: string;
  /** The first characters of the key, enough to tell keys apart, never enough to use one. */
  readonly prefix: string;
  readonly createdAt: string;
  readonly revokedAt?: string;
  readonly lastUsedAt?: string;
}

export interface KeyPrincipal {
  readonly id: string;
  readonly name: string;
}

const KEY_PREFIX = 'msk_';

export function hashKey(key: string): string {
  return createHash('sha256').update(key, 'utf8').digest('hex');
}

export class ApiKeyStore {
  readonly #sql: Sql;
  readonly #configured: readonly { hash: Buffer; index: number }[];

  constructor(sql: Sql, configuredKeys: readonly string[] = []) {
    this.#sql = sql;
    this.#configured = configuredKeys.map((k, index) => ({ hash: Buffer.from(hashKey(k), 'hex'), index }));
  }

  /** Creates a key; returns it in clear text, the only time it is ever available. */
  async create(name: string): Promise<{ key: string; info: ApiKeyInfo }> {
    const trimmed = name.trim();
    if (!trimmed) throw invalid('a key needs a name', { field: '--name' });
    const key = KEY_PREFIX + randomBytes(32).toString('base64url');
    const id = randomBytes(6).toString('hex');
    const prefix = key.slice(0, KEY_PREFIX.length + 6);
    const r = await this.#sql.query<Row>(
      `insert into medseek_api_keys (id, name, key_hash, prefix) values ($1, $2, $3, $4)
       returning id, name, prefix, created_at, revoked_at, last_used_at`,
      [id, trimmed, hashKey(key), prefix],
    );
    return { key, info: toInfo(r.rows[0]!) };
  }

  async list(): Promise<ApiKeyInfo[]> {
    const r = await this.#sql.query<Row>('select id, name, prefix, created_at, revoked_at, last_used_at from medseek_api_keys order by created_at, id');
    return r.rows.map(toInfo);
  }

  /** Revokes by id (or by name when exactly one active key has it). */
  async revoke(idOrName: string): Promise<ApiKeyInfo> {
    const r = await this.#sql.query<Row>(
      `update medseek_api_keys set revoked_at = now()
       where revoked_at is null and (id = $1 or (name = $1 and (select count(*) from medseek_api_keys where name = $1 and revoked_at is null) = 1))
       returning id, name, prefix, created_at, revoked_at, last_used_at`,
      [idOrName],
    );
    const row = r.rows[0];
    if (!row) throw notFound(`no active API key with id or unique name '${idOrName}'`, { field: 'id' });
    return toInfo(row);
  }

  /** The principal a key belongs to, or undefined when the key is unknown or revoked. */
  async verify(key: string): Promise<KeyPrincipal | undefined> {
    if (!key) return undefined;
    const digest = Buffer.from(hashKey(key), 'hex');
    for (const c of this.#configured) {
      if (timingSafeEqual(c.hash, digest)) return { id: `env:${c.index + 1}`, name: `MEDSEEK_API_KEYS[${c.index + 1}]` };
    }
    if (!key.startsWith(KEY_PREFIX)) return undefined;
    const r = await this.#sql.query<{ id: string; name: string }>(
      'update medseek_api_keys set last_used_at = now() where key_hash = $1 and revoked_at is null returning id, name',
      [digest.toString('hex')],
    );
    const row = r.rows[0];
    return row ? { id: row.id, name: row.name } : undefined;
  }
}

interface Row {
  id: string;
  name: string;
  prefix: string;
  created_at: Date | string;
  revoked_at: Date | string | null;
  last_used_at: Date | string | null;
}

const iso = (d: Date | string): string => (d instanceof Date ? d : new Date(d)).toISOString();

function toInfo(r: Row): ApiKeyInfo {
  return {
    id: r.id,
    name: r.name,
    prefix: r.prefix,
    createdAt: iso(r.created_at),
    ...(r.revoked_at ? { revokedAt: iso(r.revoked_at) } : {}),
    ...(r.last_used_at ? { lastUsedAt: iso(r.last_used_at) } : {}),
  };
}
