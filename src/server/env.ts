import type { Hono } from 'hono';
import type { AppContext } from './context.js';

/** Who is calling: set by the auth middleware on every authenticated request. */
export interface Principal {
  readonly kind: 'api-key' | 'jwt' | 'demo';
  /** Stable id for the audit log: `key:<id>`, `jwt:<sub>`, `demo`. */
  readonly id: string;
  /** For display: the key's name, the token's subject. */
  readonly name: string;
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
 * `app.ts` mounts it with one line (`app.route('/api/<name>', routes(ctx))`).
 */
export type RouteModule = (ctx: AppContext) => Hono<AppEnv>;
