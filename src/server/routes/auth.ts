import { Hono } from 'hono';
import type { AppContext } from '../context.js';
import type { AppEnv, RoutePolicies } from '../env.js';

/** `/api/auth/…`: who am I, log in, log out (issue 14, identity). */
export const authPolicies: RoutePolicies = {
  'GET /api/auth/me': 'authenticated',
};

export function authRoutes(_ctx: AppContext): Hono<AppEnv> {
  const app = new Hono<AppEnv>();
  app.get('/me', (c) => {
    const p = c.get('principal');
    return c.json({ id: p.id, name: p.name, kind: p.kind, role: p.role, ...(p.patientId ? { patientId: p.patientId } : {}), ...(p.consultSession ? { consultSession: p.consultSession } : {}) });
  });
  return app;
}
