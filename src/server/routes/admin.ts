import { Hono } from 'hono';
import type { AppContext } from '../context.js';
import type { AppEnv, RoutePolicies } from '../env.js';

/** `/api/admin/…`: settings an administrator changes (issue 14). Placeholder until built. */
export const adminPolicies: RoutePolicies = {};

export function adminRoutes(_ctx: AppContext): Hono<AppEnv> {
  return new Hono<AppEnv>();
}
