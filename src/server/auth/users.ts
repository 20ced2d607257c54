import { randomBytes } from 'node:crypto';
import type { Sql } from '../../core/index.js';
import { invalid, MedSeekError, notFound } from '../../core/index.js';
import type { Principal, Role } from '../env.js';
import { ROLES } from '../env.js';
import {
  checkPasswordRules,
  DEFAULT_PARAMS,
  hashPassword,
  needsRehash,
  type ScryptParams,
  verifyPassword,
} from './password.js';

/**
 * Workspace users: local accounts (scrypt hash, lockout after repeated failures) and accounts made on
 * first login through the hospital's OpenID Connect provider. Patients never get one: they reach
 * their pre-consultation through a link bound to one appointment.
 */
export interface UserInfo {
  readonly id: string;
  readonly username: string;
  readonly displayName: string;
  readonly role: Role;
  readonly units: readonly string[];
  readonly allPatients: boolean;
  readonly disabled: boolean;
  readonly source: 'local' | 'oidc';
  readonly lockedUntil?: string;
  readonly createdAt: string;
  readonly lastLoginAt?: string;
}

export interface NewUser {
  readonly username: string;
  readonly displayName?: string;
  readonly password?: string;
  readonly role: Role;
  readonly units?: readonly string[];
  readonly allPatients?: boolean;
}

export interface UserPatch {
  readonly displayName?: string;
  readonly role?: Role;
  readonly units?: readonly string[];
  readonly allPatients?: boolean;
  readonly disabled?: boolean;
}

export type LoginResult =
  | { readonly ok: true; readonly user: UserInfo }
  | { readonly ok: false; readonly reason: 'invalid' | 'disabled' }
  | { readonly ok: false; readonly reason: 'locked'; readonly lockedUntil: Date };

/** What an OIDC login says about the user: their subject at the issuer and the claims mapped to MedSeek's. */
export interface OidcIdentity {
  readonly issuer: string;
  readonly subject: string;
  readonly username: string;
  readonly displayName: string;
  readonly role: Role;
  readonly units: readonly string[];
}

/** Lockout and session lifetimes, from the environment (defaults: 5 failures in 15 min lock for 15 min; sessions 30 min idle, 12 h at most). */
export interface LoginSettings {
  readonly maxFailures: number;
  readonly windowMinutes: number;
  readonly lockMinutes: number;
  readonly idleMinutes: number;
  readonly maxHours: number;
}

export function loadLoginSettings(env: NodeJS.ProcessEnv = process.env): LoginSettings {
  const num = (name: string, fallback: number): number => {
    const raw = env[name];
    if (raw === undefined || raw === '') return fallback;
    const n = Number(raw);
    if (!Number.isFinite(n) || n <= 0) throw invalid(`must be a positive number, not '${raw}'`, { field: name });
    return n;
  };
  return {
    maxFailures: Math.floor(num('MEDSEEK_LOGIN_MAX_FAILURES', 5)),
    windowMinutes: num('MEDSEEK_LOGIN_WINDOW_MINUTES', 15),
    lockMinutes: num('MEDSEEK_LOGIN_LOCK_MINUTES', 15),
    idleMinutes: num('MEDSEEK_SESSION_IDLE_MINUTES', 30),
    maxHours: num('MEDSEEK_SESSION_MAX_HOURS', 12),
  };
}

const USERNAME = /^[\p{L}\p{N}._@-]{1,64}$/u;
const COLUMNS = `u.id, u.username, u.display_name, u.role, u.units, u.all_patients, u.disabled, u.source, u.created_at, u.last_login_at, t.locked_until`;

export function normalizeUsername(username: unknown, field = 'username'): string {
  if (typeof username !== 'string' || !username.trim()) throw invalid('a username is required', { field });
  const u = username.trim().normalize('NFC').toLowerCase();
  if (!USERNAME.test(u)) throw invalid('a username is 1 to 64 letters, digits or . _ @ -', { field });
  return u;
}

function checkRole(role: unknown, field = 'role'): Role {
  if (!ROLES.includes(role as Role)) throw invalid(`the role must be one of ${ROLES.join(', ')}`, { field });
  // A patient principal is always bound to one patient (env.ts); that binding is the patient link's, not a login's.
  if (role === 'patient')
    throw invalid(
      "patients reach MedSeek through their consultation link, not a workspace account: use role 'clinician' or 'admin'",
      { field },
    );
  return role as Role;
}

function checkUnits(units: unknown, field = 'units'): string[] {
  if (units === undefined) return [];
  if (!Array.isArray(units) || units.some((u) => typeof u !== 'string' || !u.trim()))
    throw invalid('units are a list of unit ids (Organization or Location)', { field });
  return [...new Set(units.map((u: string) => u.trim()))];
}

export class UserStore {
  readonly #sql: Sql;
  readonly #settings: LoginSettings;
  readonly #now: () => Date;
  readonly #params: ScryptParams;

  /** `now`: the clock (tests); `hashParams`: scrypt's cost (tests use a lower one; defaults in password.ts). */
  constructor(sql: Sql, options: { settings?: LoginSettings; now?: () => Date; hashParams?: ScryptParams } = {}) {
    this.#sql = sql;
    this.#settings = options.settings ?? loadLoginSettings();
    this.#now = options.now ?? (() => new Date());
    this.#params = options.hashParams ?? DEFAULT_PARAMS;
  }

  async create(user: NewUser): Promise<UserInfo> {
    const username = normalizeUsername(user.username);
    const role = checkRole(user.role);
    const units = checkUnits(user.units);
    const hash =
      user.password === undefined ? null : await hashPassword(checkPasswordRules(user.password), this.#params);
    const displayName = user.displayName?.trim() || username;
    const id = randomBytes(8).toString('hex');
    const r = await this.#sql.query<{ id: string }>(
      `insert into medseek_users (id, username, display_name, password_hash, role, units, all_patients)
       values ($1, $2, $3, $4, $5, $6::jsonb, $7) on conflict (username) do nothing returning id`,
      [id, username, displayName, hash, role, JSON.stringify(units), Boolean(user.allPatients)],
    );
    if (!r.rows[0])
      throw new MedSeekError('conflict', `a user named '${username}' already exists`, { field: 'username' });
    return this.get(id);
  }

  async list(): Promise<UserInfo[]> {
    const r = await this.#sql.query<Row>(
      `select ${COLUMNS} from medseek_users u left join medseek_login_throttle t on t.username = u.username order by u.username`,
    );
    return r.rows.map((row) => toInfo(row, this.#now()));
  }

  async get(id: string): Promise<UserInfo> {
    const r = await this.#sql.query<Row>(
      `select ${COLUMNS} from medseek_users u left join medseek_login_throttle t on t.username = u.username where u.id = $1`,
      [id],
    );
    if (!r.rows[0]) throw notFound(`no user with id '${id}'`, { field: 'id' });
    return toInfo(r.rows[0], this.#now());
  }

  /** By id or username (the CLI's argument). */
  async find(idOrUsername: string): Promise<UserInfo> {
    const name = idOrUsername.trim().normalize('NFC').toLowerCase();
    const r = await this.#sql.query<Row>(
      `select ${COLUMNS} from medseek_users u left join medseek_login_throttle t on t.username = u.username where u.id = $1 or u.username = $2 order by (u.username = $2) desc limit 1`,
      [idOrUsername.trim(), name],
    );
    if (!r.rows[0]) throw notFound(`no user with id or username '${idOrUsername}'`, { field: 'username' });
    return toInfo(r.rows[0], this.#now());
  }

  /** Changes what is given; disabling a user ends their sessions at once. */
  async update(id: string, patch: UserPatch): Promise<UserInfo> {
    const sets: string[] = [];
    const params: unknown[] = [id];
    const set = (column: string, value: unknown, cast = '') => {
      params.push(value);
      sets.push(`${column} = $${params.length}${cast}`);
    };
    if (patch.displayName !== undefined) {
      if (!patch.displayName.trim()) throw invalid('a display name cannot be empty', { field: 'displayName' });
      set('display_name', patch.displayName.trim());
    }
    if (patch.role !== undefined) set('role', checkRole(patch.role));
    if (patch.units !== undefined) set('units', JSON.stringify(checkUnits(patch.units)), '::jsonb');
    if (patch.allPatients !== undefined) set('all_patients', Boolean(patch.allPatients));
    if (patch.disabled !== undefined) set('disabled', Boolean(patch.disabled));
    await this.#sql.transaction(async (tx) => {
      const r = await tx.query(
        `update medseek_users set ${[...sets, 'updated_at = now()'].join(', ')} where id = $1 returning id`,
        params,
      );
      if (!r.rows[0]) throw notFound(`no user with id '${id}'`, { field: 'id' });
      if (patch.disabled) await tx.query('delete from medseek_sessions where user_id = $1', [id]);
    });
    return this.get(id);
  }

  /** Sets a new password (rules checked) and ends every session of the user: a stolen session does not outlive the change. */
  async setPassword(id: string, password: string): Promise<UserInfo> {
    const hash = await hashPassword(checkPasswordRules(password), this.#params);
    await this.#sql.transaction(async (tx) => {
      const r = await tx.query(
        "update medseek_users set password_hash = $2, updated_at = now() where id = $1 and source = 'local' returning id",
        [id, hash],
      );
      if (!r.rows[0])
        throw notFound(
          `no local user with id '${id}' (users of the hospital's identity provider change their password there)`,
          { field: 'id' },
        );
      await tx.query('delete from medseek_sessions where user_id = $1', [id]);
    });
    return this.get(id);
  }

  /** Clears the failed logins (and the lock) of a user. */
  async unlock(id: string): Promise<UserInfo> {
    const user = await this.get(id);
    await this.#sql.query('delete from medseek_login_throttle where username = $1', [user.username]);
    return this.get(id);
  }

  /**
   * Checks a username and password. Unknown names, OIDC users and wrong passwords take the same time
   * and give the same answer; failures count per name (real or not), and `maxFailures` of them within
   * `windowMinutes` lock the name for `lockMinutes`.
   */
  async authenticate(usernameInput: string, password: string): Promise<LoginResult> {
    const now = this.#now();
    let username: string;
    try {
      username = normalizeUsername(usernameInput);
    } catch {
      await verifyPassword(password, null, this.#params);
      return { ok: false, reason: 'invalid' };
    }
    const throttle = (
      await this.#sql.query<ThrottleRow>(
        'select failures, window_start, locked_until from medseek_login_throttle where username = $1',
        [username],
      )
    ).rows[0];
    const row = (
      await this.#sql.query<{ id: string; password_hash: string | null; disabled: boolean }>(
        "select id, password_hash, disabled from medseek_users where username = $1 and source = 'local'",
        [username],
      )
    ).rows[0];
    const ok = await verifyPassword(password, row?.password_hash ?? null, this.#params);
    const lockedUntil = throttle?.locked_until ? date(throttle.locked_until) : undefined;
    if (lockedUntil && lockedUntil > now) return { ok: false, reason: 'locked', lockedUntil };
    if (!ok || !row) return this.#fail(username, throttle, now);
    if (row.disabled) return { ok: false, reason: 'disabled' };
    await this.#sql.query('delete from medseek_login_throttle where username = $1', [username]);
    await this.#sql.query('update medseek_users set last_login_at = $2 where id = $1', [row.id, now]);
    if (needsRehash(row.password_hash!, this.#params))
      await this.#sql.query('update medseek_users set password_hash = $2 where id = $1', [
        row.id,
        await hashPassword(password, this.#params),
      ]);
    return { ok: true, user: await this.get(row.id) };
  }

  async #fail(username: string, throttle: ThrottleRow | undefined, now: Date): Promise<LoginResult> {
    const { maxFailures, windowMinutes, lockMinutes } = this.#settings;
    const windowStart = throttle ? date(throttle.window_start) : now;
    const fresh =
      !throttle || throttle.locked_until !== null || now.getTime() - windowStart.getTime() > windowMinutes * 60_000;
    const failures = fresh ? 1 : throttle.failures + 1;
    const locked = failures >= maxFailures ? new Date(now.getTime() + lockMinutes * 60_000) : null;
    await this.#sql.query(
      `insert into medseek_login_throttle (username, failures, window_start, locked_until) values ($1, $2, $3, $4)
       on conflict (username) do update set failures = excluded.failures, window_start = excluded.window_start, locked_until = excluded.locked_until`,
      [username, locked ? 0 : failures, fresh ? now : windowStart, locked],
    );
    // Names tried once and long ago (mostly unknown ones) need not be kept.
    await this.#sql.query(
      'delete from medseek_login_throttle where window_start < $1 and (locked_until is null or locked_until < $2)',
      [new Date(now.getTime() - windowMinutes * 60_000), now],
    );
    return locked ? { ok: false, reason: 'locked', lockedUntil: locked } : { ok: false, reason: 'invalid' };
  }

  /** Finds (by issuer and subject) or makes the user an OIDC login names, and brings role, units and name up to date. */
  async upsertOidc(who: OidcIdentity): Promise<UserInfo> {
    const role = checkRole(who.role);
    const units = checkUnits(who.units);
    return this.#sql
      .transaction(async (tx) => {
        const existing = (
          await tx.query<{ id: string }>('select id from medseek_users where oidc_issuer = $1 and oidc_subject = $2', [
            who.issuer,
            who.subject,
          ])
        ).rows[0];
        if (existing) {
          await tx.query(
            'update medseek_users set display_name = $2, role = $3, units = $4::jsonb, updated_at = now() where id = $1',
            [existing.id, who.displayName, role, JSON.stringify(units)],
          );
          return existing.id;
        }
        let username: string;
        try {
          username = normalizeUsername(who.username);
        } catch {
          username = `oidc-${randomBytes(4).toString('hex')}`;
        }
        const taken = (await tx.query('select 1 from medseek_users where username = $1', [username])).rows[0];
        // A local account keeps its name: the IdP's user gets a distinct one rather than taking it over.
        if (taken) username = `${username.slice(0, 50)}-${randomBytes(4).toString('hex')}`;
        const id = randomBytes(8).toString('hex');
        await tx.query(
          `insert into medseek_users (id, username, display_name, role, units, source, oidc_issuer, oidc_subject) values ($1, $2, $3, $4, $5::jsonb, 'oidc', $6, $7)`,
          [id, username, who.displayName || username, role, JSON.stringify(units), who.issuer, who.subject],
        );
        return id;
      })
      .then(async (id) => {
        await this.#sql.query('update medseek_users set last_login_at = $2 where id = $1', [id, this.#now()]);
        return this.get(id);
      });
  }
}

/** The principal of a logged-in user. */
export function userPrincipal(user: UserInfo): Principal {
  return {
    kind: 'session',
    id: `user:${user.id}`,
    name: user.displayName,
    role: user.role,
    units: user.units,
    allPatients: user.role === 'admin' || user.allPatients,
  };
}

interface Row {
  id: string;
  username: string;
  display_name: string;
  role: Role;
  units: string[] | string;
  all_patients: boolean;
  disabled: boolean;
  source: 'local' | 'oidc';
  created_at: Date | string;
  last_login_at: Date | string | null;
  locked_until: Date | string | null;
}

interface ThrottleRow {
  failures: number;
  window_start: Date | string;
  locked_until: Date | string | null;
}

const date = (d: Date | string): Date => (d instanceof Date ? d : new Date(d));

export function toInfo(r: Row, now: Date): UserInfo {
  const locked = r.locked_until ? date(r.locked_until) : undefined;
  return {
    id: r.id,
    username: r.username,
    displayName: r.display_name,
    role: r.role,
    units: typeof r.units === 'string' ? (JSON.parse(r.units) as string[]) : r.units,
    allPatients: r.all_patients,
    disabled: r.disabled,
    source: r.source,
    ...(locked && locked > now ? { lockedUntil: locked.toISOString() } : {}),
    createdAt: date(r.created_at).toISOString(),
    ...(r.last_login_at ? { lastLoginAt: date(r.last_login_at).toISOString() } : {}),
  };
}
