import type { Hono } from 'hono';
import type { AppContext } from '../context.js';
import type { AppEnv } from '../env.js';
import { allowedHostsFromEnv, allowedHostsMiddleware } from './allowed-hosts.js';
import { connectSourcesMiddleware } from './connect-sources.js';
import { rateLimitFromEnv, rateLimitMiddleware } from './rate-limit.js';
import { frameAncestorsFromEnv, secureHeadersMiddleware } from './secure-headers.js';

export { allowedHostsFromEnv, allowedHostsMiddleware, splitHost } from './allowed-hosts.js';
export { backupPolicies, backupRoutes } from './backup-route.js';
export { connectSourcesMiddleware } from './connect-sources.js';
export { isLoopbackHost } from './loopback.js';
export { rateKey, rateLimitFromEnv, rateLimitMiddleware, type RateLimitOptions } from './rate-limit.js';
export { frameAncestorsFromEnv, secureHeadersMiddleware } from './secure-headers.js';

/**
 * The network and browser defences, mounted first in `createApp` so that every response (refusals
 * and errors included) carries them: secure headers, the allowed-hosts check, rate limits.
 * Configuration comes from the environment (MEDSEEK_FRAME_ANCESTORS, MEDSEEK_ALLOWED_HOSTS,
 * MEDSEEK_RATE_LIMIT, MEDSEEK_LOGIN_RATE_LIMIT); a bad value stops the server at start.
 */
export function mountHttpDefences(
  app: Hono<AppEnv>,
  ctx: AppContext,
  env: NodeJS.ProcessEnv = process.env,
  options: { connectSources?: () => Promise<readonly string[]> } = {},
): void {
  // Registered before secureHeaders so that it runs after it on the way out and edits its CSP.
  if (options.connectSources) app.use('*', connectSourcesMiddleware(options.connectSources));
  app.use('*', secureHeadersMiddleware({ frameAncestors: frameAncestorsFromEnv(env) }));
  app.use(
    '*',
    allowedHostsMiddleware({
      bind: ctx.config.host,
      ...(allowedHostsFromEnv(env) ? { allowed: allowedHostsFromEnv(env)! } : {}),
    }),
  );
  app.use('*', rateLimitMiddleware(rateLimitFromEnv(env)));
}
