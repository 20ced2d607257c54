import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';
import type { Sql } from '../../core/index.js';
import type { Principal } from '../env.js';

/**
 * The authorization server's state, all in the database (any server process can answer any step):
 * EHR launch contexts, authorization requests awaiting approval, authorization codes, and grants
 * (what a user approved for an app, which access tokens name and refresh tokens renew). Codes,
 * refresh tokens and the approval form's CSRF token are kept as SHA-256 hashes only.
 */

/** What an approved grant remembers of the user who approved it (the token's principal derives from it). */
export type GrantPrincipal = Pick<Principal, 'kind' | 'id' | 'name' | 'role' | 'patientId' | 'units' | 'allPatients'>;

export interface AuthorizationRequest {
  readonly clientId: string;
  readonly redirectUri: string;
  readonly state?: string;
  readonly codeChallenge: string;
  readonly nonce?: string;
  /** Scopes asked for, already cut down to what the client may have. */
  readonly scopes: readonly string[];
  /** The EHR launch's patient, when the request named a launch. */
  readonly launchPatient?: string;
}

export interface Grant {
  readonly id: string;
  readonly clientId: string;
  readonly principal: GrantPrincipal;
  readonly scopes: readonly string[];
  readonly launchPatient?: string;
  readonly revoked: boolean;
}

export interface IssuedCode {
  readonly grant: Grant;
  readonly clientId: string;
  readonly redirectUri: string;
  readonly codeChallenge: string;
  readonly nonce?: string;
}

export const LAUNCH_TTL_S = 10 * 60;
export const REQUEST_TTL_S = 10 * 60;
export const CODE_TTL_S = 2 * 60;
export const REFRESH_TTL_S = 30 * 24 * 3600;

export const sha256 = (s: string) => createHash('sha256').update(s, 'utf8').digest('hex');
const token = () => randomBytes(32).toString('base64url');
const json = <T>(v: T | string): T => (typeof v === 'string' ? (JSON.parse(v) as T) : v);

export function grantPrincipal(p: Principal): GrantPrincipal {
  return {
    kind: p.kind,
    id: p.id,
    name: p.name,
    role: p.role,
    ...(p.patientId ? { patientId: p.patientId } : {}),
    ...(p.units ? { units: p.units } : {}),
    ...(p.allPatients ? { allPatients: true } : {}),
  };
}

export class AuthzStore {
  readonly #sql: Sql;

  constructor(sql: Sql) {
    this.#sql = sql;
  }

  async createLaunch(clientId: string, patientId: string, principalId: string): Promise<string> {
    const id = randomBytes(16).toString('base64url');
    await this.#sql.query('delete from medseek_smart_launches where expires_at < now()');
    await this.#sql.query(
      `insert into medseek_smart_launches (id, client_id, patient_id, principal_id, expires_at) values ($1, $2, $3, $4, now() + make_interval(secs => $5))`,
      [id, clientId, patientId, principalId, LAUNCH_TTL_S],
    );
    return id;
  }

  /** The launch's patient, when the launch exists, is the client's, has not expired, and was made by this user. */
  async launchPatient(id: string, clientId: string, principalId: string): Promise<string | undefined> {
    const r = await this.#sql.query<{ patient_id: string }>(
      'select patient_id from medseek_smart_launches where id = $1 and client_id = $2 and principal_id = $3 and expires_at > now()',
      [id, clientId, principalId],
    );
    return r.rows[0]?.patient_id;
  }

  /** Keeps a request for the approval form; returns its id and the form's CSRF token. */
  async savePending(request: AuthorizationRequest, principal: GrantPrincipal): Promise<{ id: string; csrf: string }> {
    const id = token();
    const csrf = token();
    await this.#sql.query('delete from medseek_smart_requests where expires_at < now()');
    await this.#sql.query(
      `insert into medseek_smart_requests (id, csrf_hash, request, principal, expires_at) values ($1, $2, $3, $4, now() + make_interval(secs => $5))`,
      [id, sha256(csrf), JSON.stringify(request), JSON.stringify(principal), REQUEST_TTL_S],
    );
    return { id, csrf };
  }

  /** Takes (once) a pending request whose CSRF token matches; undefined when unknown, expired or the token is wrong. */
  async takePending(
    id: string,
    csrf: string,
  ): Promise<{ request: AuthorizationRequest; principal: GrantPrincipal } | undefined> {
    const r = await this.#sql.query<{
      csrf_hash: string;
      request: AuthorizationRequest | string;
      principal: GrantPrincipal | string;
    }>(
      'delete from medseek_smart_requests where id = $1 and expires_at > now() returning csrf_hash, request, principal',
      [id],
    );
    const row = r.rows[0];
    if (!row || !equalHex(row.csrf_hash, sha256(csrf))) return undefined;
    return { request: json(row.request), principal: json(row.principal) };
  }

  /** Records the approval and returns an authorization code for it. */
  async approve(
    request: AuthorizationRequest,
    principal: GrantPrincipal,
    scopes: readonly string[],
    launchPatient: string | undefined,
  ): Promise<string> {
    const grantId = randomBytes(12).toString('hex');
    const code = token();
    await this.#sql.transaction(async (tx) => {
      // Codes past their life are of no use (a replay of one finds nothing either way).
      await tx.query(`delete from medseek_smart_codes where expires_at < now() - interval '1 day'`);
      await tx.query(
        'insert into medseek_smart_grants (id, client_id, principal, scopes, launch_patient) values ($1, $2, $3, $4, $5)',
        [grantId, request.clientId, JSON.stringify(principal), JSON.stringify(scopes), launchPatient ?? null],
      );
      await tx.query(
        `insert into medseek_smart_codes (code_hash, grant_id, client_id, redirect_uri, code_challenge, nonce, expires_at)
         values ($1, $2, $3, $4, $5, $6, now() + make_interval(secs => $7))`,
        [
          sha256(code),
          grantId,
          request.clientId,
          request.redirectUri,
          request.codeChallenge,
          request.nonce ?? null,
          CODE_TTL_S,
        ],
      );
    });
    return code;
  }

  /**
   * Redeems a code once. A code presented a second time revokes its grant (RFC 6749 §4.1.2: it may
   * have been stolen) and yields undefined, as does an unknown or expired one.
   */
  async redeemCode(code: string): Promise<IssuedCode | undefined> {
    return this.#sql.transaction(async (tx) => {
      const r = await tx.query<{
        grant_id: string;
        client_id: string;
        redirect_uri: string;
        code_challenge: string;
        nonce: string | null;
        expired: boolean;
        used: boolean;
      }>(
        `select grant_id, client_id, redirect_uri, code_challenge, nonce, expires_at <= now() as expired, used_at is not null as used
         from medseek_smart_codes where code_hash = $1 for update`,
        [sha256(code)],
      );
      const row = r.rows[0];
      if (!row) return undefined;
      if (row.used) {
        await tx.query('update medseek_smart_grants set revoked_at = now() where id = $1 and revoked_at is null', [
          row.grant_id,
        ]);
        return undefined;
      }
      await tx.query('update medseek_smart_codes set used_at = now() where code_hash = $1', [sha256(code)]);
      if (row.expired) return undefined;
      const grant = await this.grant(row.grant_id, tx);
      if (!grant || grant.revoked) return undefined;
      return {
        grant,
        clientId: row.client_id,
        redirectUri: row.redirect_uri,
        codeChallenge: row.code_challenge,
        ...(row.nonce ? { nonce: row.nonce } : {}),
      };
    });
  }

  async grant(id: string, sql: Sql = this.#sql): Promise<Grant | undefined> {
    const r = await sql.query<GrantRow>(
      'select id, client_id, principal, scopes, launch_patient, revoked_at from medseek_smart_grants where id = $1',
      [id],
    );
    return r.rows[0] ? toGrant(r.rows[0]) : undefined;
  }

  /** A new refresh token for the grant (the previous one stops working). */
  async issueRefresh(grantId: string): Promise<string> {
    const refresh = token();
    await this.#sql.query(
      `update medseek_smart_grants set refresh_hash = $2, refresh_expires_at = now() + make_interval(secs => $3) where id = $1`,
      [grantId, sha256(refresh), REFRESH_TTL_S],
    );
    return refresh;
  }

  /** The live grant a refresh token belongs to. */
  async grantByRefresh(refresh: string): Promise<Grant | undefined> {
    const r = await this.#sql.query<GrantRow>(
      'select id, client_id, principal, scopes, launch_patient, revoked_at from medseek_smart_grants where refresh_hash = $1 and refresh_expires_at > now() and revoked_at is null',
      [sha256(refresh)],
    );
    return r.rows[0] ? toGrant(r.rows[0]) : undefined;
  }
}

interface GrantRow {
  id: string;
  client_id: string;
  principal: GrantPrincipal | string;
  scopes: string[] | string;
  launch_patient: string | null;
  revoked_at: Date | string | null;
}

function toGrant(r: GrantRow): Grant {
  return {
    id: r.id,
    clientId: r.client_id,
    principal: json(r.principal),
    scopes: json(r.scopes),
    ...(r.launch_patient ? { launchPatient: r.launch_patient } : {}),
    revoked: r.revoked_at !== null,
  };
}

function equalHex(a: string, b: string): boolean {
  const x = Buffer.from(a, 'hex');
  const y = Buffer.from(b, 'hex');
  return x.length === y.length && timingSafeEqual(x, y);
}
