import type { Context, Hono } from 'hono';
import type { AppContext } from './context.js';

/**
 * What a caller may do (issue 14):
 * - `admin`: users, keys, knowledge releases and curation, rule and model settings, the audit log;
 * - `clinician`: the patients of the units they belong to (all patients when configured so);
 * - `patient`: their own record's patient-facing views and their own consultation only.
 */
export type Role = 'admin' | 'clinician' | 'patient';
export const ROLES: readonly Role[] = ['admin', 'clinician', 'patient'];

/** How the caller proved who they are. */
export type PrincipalKind = 'api-key' | 'jwt' | 'session' | 'patient-link' | 'smart' | 'demo';

/** Who is calling: set by the auth middleware on every authenticated request. */
export interface Principal {
  readonly kind: PrincipalKind;
  /** Stable id for the audit log: `key:<id>`, `jwt:<sub>`, `user:<id>`, `link:<id>`, `smart:<sub>`, `demo`. */
  readonly id: string;
  /** For display: the key's name, the user's name, the token's subject. */
  readonly name: string;
  readonly role: Role;
  /**
   * The one patient this credential is bound to: always set for `patient`; for a SMART token with a
   * `launch/patient` context, the launch patient (then `patient/…` scopes are limited to it).
   */
  readonly patientId?: string;
  /** Clinician: the units (Organization or Location ids) whose patients they see. */
  readonly units?: readonly string[];
  /** Clinician: sees every patient (configured so), whatever the units. Admins always do. */
  readonly allPatients?: boolean;
  /** SMART v2 scopes the token carries (`patient/Observation.rs`, `user/*.cruds`); undefined: not a SMART token. */
  readonly scopes?: readonly string[];
  /** Patient link: the appointment the link was issued for and the consultation session it opened. */
  readonly appointmentId?: string;
  readonly consultSession?: string;
}

/** Hono environment shared by every route module: `c.get('principal')`, `c.get('requestId')`. */
export interface AppEnv {
  Variables: {
    principal: Principal;
    requestId: string;
  };
}

/**
 * A route module: `src/server/routes/<name>.ts` exports `routes(ctx)` returning a Hono app, and
 * `app.ts` mounts it with one line (`app.route('/api/<name>', routes(ctx))`), beside its policies.
 */
export type RouteModule = (ctx: AppContext) => Hono<AppEnv>;

/**
 * Who may call one route: `public` (no credential: liveness, metadata, the login and OAuth endpoints),
 * `authenticated` (any valid credential, any role), or the roles allowed. Patient scope (which
 * patient's data) is checked on top of this by the route, through `ctx.patientScope`.
 */
export type RouteAccess = 'public' | 'authenticated' | { readonly roles: readonly Role[] };

/**
 * The policies of one route module, keyed `METHOD path` with the path as Hono lists it in
 * `app.routes` once mounted (e.g. `GET /api/patients/:id`). Every route needs an entry: a route
 * without one is refused (403), and the route-coverage test fails.
 */
export type RoutePolicies = Readonly<Record<string, RouteAccess>>;

/**
 * One way of proving identity (API key, bearer JWT, session cookie, patient link, SMART access token).
 * Returns undefined when the request carries no credential of its kind; `refused` when it carries one
 * that is not valid (expired, revoked, bad signature, missing CSRF token), naming the credential
 * (key id, token subject) for the audit log when it can be known.
 */
export type Authenticator = (ctx: AppContext, c: Context<AppEnv>) => Promise<AuthResult | undefined>;
export type AuthResult =
  | { readonly principal: Principal }
  | { readonly refused: { readonly credential?: string; readonly reason: string } };
