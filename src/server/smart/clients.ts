import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';
import type { Sql } from '../../core/index.js';
import { invalid, MedSeekError, notFound } from '../../core/index.js';
import { isKnownScope } from './scopes.js';

/**
 * Apps registered with MedSeek's authorization server. A URI starting with `/` is on MedSeek's own
 * origin (the workspace's own app, whatever host and port it is served on). Confidential clients get
 * a generated secret, shown once and kept as a SHA-256 hash (32 random bytes need no slow hash).
 */
export interface SmartClient {
  readonly clientId: string;
  readonly name: string;
  readonly redirectUris: readonly string[];
  readonly launchUrl?: string;
  readonly confidential: boolean;
  /** The scopes the app may be granted (`patient/*.rs`, `launch`, `openid`…). */
  readonly scopes: readonly string[];
  readonly createdAt: string;
}

export interface NewClient {
  readonly clientId: string;
  readonly name: string;
  readonly redirectUris: readonly string[];
  readonly launchUrl?: string;
  readonly confidential?: boolean;
  readonly scopes: readonly string[];
}

const CLIENT_ID = /^[A-Za-z0-9][A-Za-z0-9._-]{0,127}$/;

const hash = (s: string) => createHash('sha256').update(s, 'utf8').digest('hex');

export class SmartClientStore {
  readonly #sql: Sql;

  constructor(sql: Sql) {
    this.#sql = sql;
  }

  /** Registers an app; returns its secret in clear (confidential clients), the only time it is available. */
  async add(c: NewClient): Promise<{ client: SmartClient; secret?: string }> {
    if (!CLIENT_ID.test(c.clientId))
      throw invalid(`'${c.clientId}' is not a valid client id (letters, digits, . _ -)`, { field: 'client_id' });
    if (!c.name.trim()) throw invalid('a client needs a name', { field: 'name' });
    if (c.redirectUris.length === 0)
      throw invalid('a client needs at least one redirect URI', { field: 'redirect_uris' });
    for (const u of c.redirectUris) checkUri(u, 'redirect_uris');
    if (c.launchUrl) checkUri(c.launchUrl, 'launch_url');
    if (c.scopes.length === 0) throw invalid('a client needs at least one scope', { field: 'scopes' });
    for (const s of c.scopes)
      if (!isKnownScope(s)) throw invalid(`'${s}' is not a SMART scope this server knows`, { field: 'scopes' });
    const secret = c.confidential ? `mss_${randomBytes(32).toString('base64url')}` : undefined;
    const r = await this.#sql.query<Row>(
      `insert into medseek_smart_clients (client_id, name, redirect_uris, launch_url, confidential, secret_hash, scopes)
       values ($1, $2, $3, $4, $5, $6, $7) on conflict (client_id) do nothing returning *`,
      [
        c.clientId,
        c.name.trim(),
        JSON.stringify(c.redirectUris),
        c.launchUrl ?? null,
        !!c.confidential,
        secret ? hash(secret) : null,
        JSON.stringify(c.scopes),
      ],
    );
    const row = r.rows[0];
    if (!row)
      throw new MedSeekError('conflict', `a client with id '${c.clientId}' is already registered`, {
        field: 'client_id',
      });
    return { client: toClient(row), ...(secret ? { secret } : {}) };
  }

  async list(): Promise<SmartClient[]> {
    const r = await this.#sql.query<Row>('select * from medseek_smart_clients order by client_id');
    return r.rows.map(toClient);
  }

  async get(clientId: string): Promise<SmartClient | undefined> {
    const r = await this.#sql.query<Row>('select * from medseek_smart_clients where client_id = $1', [clientId]);
    return r.rows[0] ? toClient(r.rows[0]) : undefined;
  }

  /** Removes the app and revokes everything it was granted. */
  async remove(clientId: string): Promise<void> {
    await this.#sql.transaction(async (tx) => {
      const r = await tx.query('delete from medseek_smart_clients where client_id = $1 returning client_id', [
        clientId,
      ]);
      if (r.rows.length === 0) throw notFound(`no SMART client '${clientId}'`, { field: 'client_id' });
      await tx.query('update medseek_smart_grants set revoked_at = now() where client_id = $1 and revoked_at is null', [
        clientId,
      ]);
    });
  }

  /** True when `secret` is the confidential client's secret (constant-time comparison of the hashes). */
  async verifySecret(clientId: string, secret: string): Promise<boolean> {
    const r = await this.#sql.query<{ secret_hash: string | null }>(
      'select secret_hash from medseek_smart_clients where client_id = $1',
      [clientId],
    );
    const stored = r.rows[0]?.secret_hash;
    if (!stored) return false;
    return timingSafeEqual(Buffer.from(stored, 'hex'), Buffer.from(hash(secret), 'hex'));
  }
}

/** A registered URI resolved against MedSeek's origin (`/smart-launch.html` → `http://host/smart-launch.html`). */
export function resolveUri(uri: string, origin: string): string {
  return uri.startsWith('/') ? `${origin}${uri}` : uri;
}

function checkUri(u: string, field: string): void {
  if (u.startsWith('/') && !u.startsWith('//')) return;
  let url: URL;
  try {
    url = new URL(u);
  } catch {
    throw invalid(`'${u}' is not an absolute URL or a path on this server`, { field });
  }
  const loopback = url.hostname === 'localhost' || url.hostname === '127.0.0.1' || url.hostname === '[::1]';
  if (url.protocol !== 'https:' && !(url.protocol === 'http:' && loopback))
    throw invalid(`'${u}' must use https (http only on localhost)`, { field });
  if (url.hash) throw invalid(`'${u}' must not have a fragment`, { field });
}

interface Row {
  client_id: string;
  name: string;
  redirect_uris: string[] | string;
  launch_url: string | null;
  confidential: boolean;
  secret_hash: string | null;
  scopes: string[] | string;
  created_at: Date | string;
}

const json = <T>(v: T | string): T => (typeof v === 'string' ? (JSON.parse(v) as T) : v);

function toClient(r: Row): SmartClient {
  return {
    clientId: r.client_id,
    name: r.name,
    redirectUris: json(r.redirect_uris),
    ...(r.launch_url ? { launchUrl: r.launch_url } : {}),
    confidential: r.confidential,
    scopes: json(r.scopes),
    createdAt: (r.created_at instanceof Date ? r.created_at : new Date(r.created_at)).toISOString(),
  };
}
