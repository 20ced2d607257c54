import { Hono } from 'hono';
import type { AppContext } from '../context.js';
import type { AppEnv, RoutePolicies } from '../env.js';

/** SMART App Launch 2.x: `/fhir/.well-known/smart-configuration`, `/oauth2/…` (issue 14). Placeholder until built. */
export const smartPolicies: RoutePolicies = {};

export function smartRoutes(_ctx: AppContext): Hono<AppEnv> {
  return new Hono<AppEnv>();
}
