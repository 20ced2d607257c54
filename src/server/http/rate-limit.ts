import { createHash } from 'node:crypto';
import type { Context, MiddlewareHandler } from 'hono';
import { invalid } from '../../core/index.js';
import { clientAddress } from '../client-address.js';
import { outcomeResponse } from './outcome.js';

export interface RateLimitOptions {
  /** Requests per minute per credential (MEDSEEK_RATE_LIMIT; 0 turns limiting off). */
  readonly perMinute: number;
  /** Login attempts per minute per client address (MEDSEEK_LOGIN_RATE_LIMIT). */
  readonly loginPerMinute: number;
  /** Clock (tests). */
  readonly now?: () => number;
}

export function rateLimitFromEnv(env: NodeJS.ProcessEnv = process.env): RateLimitOptions {
  const read = (name: string, fallback: number) => {
    const raw = env[name];
    if (raw === undefined || raw === '') return fallback;
    const n = Number(raw);
    if (!Number.isInteger(n) || n < 0)
      throw invalid(`'${raw}' is not a whole number of requests per minute`, { field: name });
    return n;
  };
  return { perMinute: read('MEDSEEK_RATE_LIMIT', 600), loginPerMinute: read('MEDSEEK_LOGIN_RATE_LIMIT', 20) };
}

const WINDOW_MS = 60_000;

/**
 * Fixed one-minute windows counted in this process's memory. Several API processes behind a load
 * balancer each keep their own counts (the limit is then per process); counting in PostgreSQL
 * would share them.
 */
class Windows {
  private readonly counts = new Map<string, { start: number; n: number }>();
  constructor(
    private readonly limit: number,
    private readonly now: () => number,
  ) {}

  /** undefined: allowed; otherwise the seconds until the window resets. */
  take(key: string): number | undefined {
    const t = this.now();
    let w = this.counts.get(key);
    if (!w || t - w.start >= WINDOW_MS) {
      if (this.counts.size >= 50_000) this.prune(t);
      w = { start: t, n: 0 };
      this.counts.set(key, w);
    }
    if (w.n >= this.limit) return Math.max(1, Math.ceil((w.start + WINDOW_MS - t) / 1000));
    w.n++;
    return undefined;
  }

  private prune(t: number): void {
    for (const [k, w] of this.counts) if (t - w.start >= WINDOW_MS) this.counts.delete(k);
  }
}

/**
 * Who a request counts against, before authentication: the credential it carries (its hash; the
 * key id is not known yet and the secret is never kept), else the client's address.
 */
export function rateKey(c: Context): string {
  const auth = c.req.header('authorization');
  const session = /(?:^|;\s*)(medseek[_-]session|session)=([^;]+)/i.exec(c.req.header('cookie') ?? '')?.[2];
  const credential = auth ?? session;
  if (credential) return `cred:${createHash('sha256').update(credential).digest('base64url').slice(0, 22)}`;
  return `addr:${clientAddress(c) ?? 'unknown'}`;
}

/**
 * Per-credential rate limits: 429 with Retry-After once a credential (or an anonymous address) has
 * used its requests for the minute; login attempts are limited per address, more strictly, since
 * each guess there carries a new credential. The liveness probe is never limited.
 */
export function rateLimitMiddleware(options: RateLimitOptions): MiddlewareHandler {
  const now = options.now ?? Date.now;
  const general = new Windows(options.perMinute, now);
  const login = new Windows(options.loginPerMinute, now);
  return async (c, next) => {
    // In-process requests (app.request: tests, property suites) have no peer and are not counted.
    const address = clientAddress(c);
    if (address === undefined || c.req.path === '/health') return next();
    if (options.loginPerMinute > 0 && c.req.method === 'POST' && c.req.path === '/api/auth/login') {
      const wait = login.take(`addr:${address}`);
      if (wait !== undefined) return tooMany(wait, `too many login attempts from this address; try again in ${wait} s`);
    }
    if (options.perMinute > 0) {
      const wait = general.take(rateKey(c));
      if (wait !== undefined)
        return tooMany(
          wait,
          `rate limit of ${options.perMinute} requests per minute reached for this credential; try again in ${wait} s`,
        );
    }
    return next();
  };
}

function tooMany(seconds: number, message: string): Response {
  return outcomeResponse(429, 'throttled', message, 'Authorization', { 'Retry-After': String(seconds) });
}
