import { Hono } from 'hono';
import type { AppContext } from '../context.js';
import type { AppEnv, RoutePolicies } from '../env.js';

/** `/openapi.json` and its readable page (issue 14). Placeholder until built. */
export const openapiPolicies: RoutePolicies = {};

export function openapiRoutes(_ctx: AppContext): Hono<AppEnv> {
  return new Hono<AppEnv>();
}
