import type { Context, MiddlewareHandler } from 'hono';
import { matchedRoutes } from 'hono/route';
import type { AppContext } from '../context.js';
import type { AppEnv, Principal, RouteAccess, RoutePolicies } from '../env.js';
import { refuse, requirePrincipal } from './middleware.js';

/** A route as Hono lists it: `METHOD /full/path`. */
export type RouteKey = string;

interface MatchedRoute {
  readonly method: string;
  readonly path: string;
  readonly handler: { readonly length: number };
}

/**
 * Middleware (`(c, next)`, two parameters) as Hono itself tells them from handlers: it only
 * passes on, so the route that answers is the first matched handler after it.
 */
export function isMiddleware(r: { readonly handler: { readonly length: number } }): boolean {
  return r.handler.length >= 2;
}

/** The route that answers this request (the first matched handler), or undefined when none does. */
export function answeringRoute(c: Context): MatchedRoute | undefined {
  return (matchedRoutes(c) as MatchedRoute[]).find((r) => !isMiddleware(r));
}

export function routeKey(r: { method: string; path: string }): RouteKey {
  return `${r.method} ${r.path}`;
}

export interface AccessOptions {
  /** Paths whose sub-app authenticates callers itself (CDS Hooks: the EHR's own JWT). */
  readonly selfAuthenticated?: (path: string) => boolean;
  /** True for API paths: there an unmatched request still needs a credential before its 404. */
  readonly isApiPath: (path: string) => boolean;
  /** Routes that answer whatever nothing else did (the web workspace's `GET /*`): on an API path they count as no route. */
  readonly isCatchAll?: (route: { method: string; path: string }) => boolean;
}

/**
 * Authentication and authorization for every route: finds the route Hono matched, applies its
 * policy (public: no credential; authenticated: any role; roles: those listed). A route with no
 * policy is refused (403) rather than open. Patient scope is checked by the routes themselves.
 */
export function accessControl(
  ctx: AppContext,
  policies: RoutePolicies,
  options: AccessOptions,
): MiddlewareHandler<AppEnv> {
  return async (c, next) => {
    const path = c.req.path;
    const matched = answeringRoute(c);
    const route = matched && options.isApiPath(path) && options.isCatchAll?.(matched) ? undefined : matched;
    const key = route ? routeKey(route) : undefined;
    const policy: RouteAccess | undefined = key ? policies[key] : undefined;
    if (policy === 'public') return next();
    if (options.selfAuthenticated?.(path)) return next();
    if (!route && !options.isApiPath(path)) return next();
    const refused = await requirePrincipal(ctx, c);
    if (refused) return refused;
    const principal = c.get('principal');
    if (!route) return next();
    if (!policy) return refuse(ctx, c, 403, `no access policy for this route (${key})`, principal.id);
    if (!allowedBy(policy, principal))
      return refuse(
        ctx,
        c,
        403,
        `role '${principal.role}' may not call ${c.req.method} ${path}; allowed: ${(policy as { roles: readonly string[] }).roles.join(', ')}`,
        principal.id,
      );
    return next();
  };
}

export function allowedBy(policy: RouteAccess, p: Principal): boolean {
  if (policy === 'public' || policy === 'authenticated') return true;
  return policy.roles.includes(p.role);
}

/** Merges route modules' policies; the same route in two modules is a mistake worth failing on. */
export function mergePolicies(...all: readonly RoutePolicies[]): RoutePolicies {
  const out: Record<string, RouteAccess> = {};
  for (const policies of all) {
    for (const [key, access] of Object.entries(policies)) {
      if (key in out) throw new Error(`two access policies for ${key}`);
      out[key] = access;
    }
  }
  return out;
}

/** The 403 for a patient outside the caller's scope, audited. */
export function refusePatient(ctx: AppContext, c: Context<AppEnv>, patientId: string): Promise<Response> {
  const p = c.get('principal');
  return refuse(ctx, c, 403, `${p.name} (${p.role}) may not see Patient/${patientId}`, p.id, patientId);
}

export const ADMIN: RouteAccess = { roles: ['admin'] };
export const STAFF: RouteAccess = { roles: ['admin', 'clinician'] };
export const ANY_ROLE: RouteAccess = { roles: ['admin', 'clinician', 'patient'] };
