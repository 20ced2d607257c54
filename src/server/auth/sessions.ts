import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';
import type { Context } from 'hono';
import { deleteCookie, getCookie, setCookie } from 'hono/cookie';
import type { Sql } from '../../core/index.js';
import { type LoginSettings, loadLoginSettings, toInfo, type UserInfo } from './users.js';

/**
 * Server-side sessions of workspace users. The browser holds the session id in an HttpOnly cookie
 * and a CSRF token in a readable one (echoed as `X-CSRF-Token`); the database holds only SHA-256
 * hashes of both. A session ends after `idleMinutes` without a request, after `maxHours` in any
 * case, at logout, when the user is disabled and when their password changes.
 */
export const SESSION_COOKIE = 'medseek_session';
export const CSRF_COOKIE = 'medseek_csrf';

export interface NewSession {
  /** The session id: goes into the cookie, never stored. */
  readonly id: string;
  readonly csrf: string;
  readonly expiresAt: Date;
}

export interface LiveSession {
  readonly idHash: string;
  readonly user: UserInfo;
  /** True when `token` is this session's CSRF token (constant-time). */
  csrfMatches(token: string | undefined): boolean;
}

/** Seen-at updates are written at most this often (not on every request). */
const TOUCH_MS = 30_000;

const sha256 = (s: string): string => createHash('sha256').update(s, 'utf8').digest('hex');

export class SessionStore {
  readonly #sql: Sql;
  readonly #settings: LoginSettings;
  readonly #now: () => Date;

  constructor(sql: Sql, options: { settings?: LoginSettings; now?: () => Date } = {}) {
    this.#sql = sql;
    this.#settings = options.settings ?? loadLoginSettings();
    this.#now = options.now ?? (() => new Date());
  }

  get settings(): LoginSettings {
    return this.#settings;
  }

  async create(userId: string): Promise<NewSession> {
    const now = this.#now();
    const id = randomBytes(32).toString('base64url');
    const csrf = randomBytes(24).toString('base64url');
    const expiresAt = new Date(now.getTime() + this.#settings.maxHours * 3_600_000);
    await this.#sql.query('delete from medseek_sessions where expires_at < $1 or last_seen_at < $2', [
      now,
      this.#idleCutoff(now),
    ]);
    await this.#sql.query(
      'insert into medseek_sessions (id_hash, user_id, csrf_hash, created_at, last_seen_at, expires_at) values ($1, $2, $3, $4, $4, $5)',
      [sha256(id), userId, sha256(csrf), now, expiresAt],
    );
    return { id, csrf, expiresAt };
  }

  /** The live session `id` names (its user enabled), or undefined; an expired one is deleted. */
  async resolve(id: string): Promise<LiveSession | undefined> {
    if (!id || id.length > 200) return undefined;
    const now = this.#now();
    const idHash = sha256(id);
    const r = await this.#sql.query<SessionRow>(
      `select s.csrf_hash, s.last_seen_at, s.expires_at, u.id, u.username, u.display_name, u.role, u.units, u.all_patients, u.disabled, u.source, u.created_at, u.last_login_at, null as locked_until
       from medseek_sessions s join medseek_users u on u.id = s.user_id where s.id_hash = $1`,
      [idHash],
    );
    const row = r.rows[0];
    if (!row) return undefined;
    const lastSeen = new Date(row.last_seen_at);
    if (new Date(row.expires_at) <= now || lastSeen <= this.#idleCutoff(now) || row.disabled) {
      await this.#sql.query('delete from medseek_sessions where id_hash = $1', [idHash]);
      return undefined;
    }
    if (now.getTime() - lastSeen.getTime() > TOUCH_MS)
      await this.#sql.query('update medseek_sessions set last_seen_at = $2 where id_hash = $1', [idHash, now]);
    const csrfHash = Buffer.from(row.csrf_hash, 'hex');
    return {
      idHash,
      user: toInfo(row, now),
      csrfMatches: (token) =>
        Boolean(token) && token!.length <= 200 && timingSafeEqual(Buffer.from(sha256(token!), 'hex'), csrfHash),
    };
  }

  async delete(id: string): Promise<void> {
    await this.#sql.query('delete from medseek_sessions where id_hash = $1', [sha256(id)]);
  }

  #idleCutoff(now: Date): Date {
    return new Date(now.getTime() - this.#settings.idleMinutes * 60_000);
  }
}

interface SessionRow {
  csrf_hash: string;
  last_seen_at: Date | string;
  expires_at: Date | string;
  id: string;
  username: string;
  display_name: string;
  role: 'admin' | 'clinician' | 'patient';
  units: string[] | string;
  all_patients: boolean;
  disabled: boolean;
  source: 'local' | 'oidc';
  created_at: Date | string;
  last_login_at: Date | string | null;
  locked_until: null;
}

/** True when the request reached MedSeek over https (then cookies are `Secure`). */
export function overHttps(c: Context): boolean {
  return new URL(c.req.url).protocol === 'https:' || process.env.MEDSEEK_COOKIE_SECURE === '1';
}

export function sessionCookie(c: Context): string | undefined {
  return getCookie(c, SESSION_COOKIE) || undefined;
}

/** Sets the session cookie (HttpOnly) and the CSRF cookie (readable by the workspace's script). */
export function setSessionCookies(c: Context, session: NewSession): void {
  const secure = overHttps(c);
  const maxAge = Math.max(1, Math.floor((session.expiresAt.getTime() - Date.now()) / 1000));
  setCookie(c, SESSION_COOKIE, session.id, { httpOnly: true, sameSite: 'Lax', secure, path: '/', maxAge });
  setCookie(c, CSRF_COOKIE, session.csrf, { httpOnly: false, sameSite: 'Lax', secure, path: '/', maxAge });
}

export function clearSessionCookies(c: Context): void {
  const secure = overHttps(c);
  deleteCookie(c, SESSION_COOKIE, { path: '/', secure });
  deleteCookie(c, CSRF_COOKIE, { path: '/', secure });
}
