import { Hono } from 'hono';
import type { AppContext } from '../context.js';
import type { AppEnv, RoutePolicies } from '../env.js';

/** `/api/patient-links/…`: pre-consultation links bound to one appointment, consent (issue 14). Placeholder until built. */
export const patientLinkPolicies: RoutePolicies = {};

export function patientLinkRoutes(_ctx: AppContext): Hono<AppEnv> {
  return new Hono<AppEnv>();
}
