import type { MiddlewareHandler } from 'hono';
import { clientAddress } from '../client-address.js';
import { isLoopbackHost } from './loopback.js';
import { outcomeResponse } from './outcome.js';

const LOOPBACK_NAMES = ['127.0.0.1', 'localhost', '[::1]'];

export interface AllowedHostsOptions {
  /** The address the server binds (config.host). */
  readonly bind: string;
  /** MEDSEEK_ALLOWED_HOSTS: host names (optionally `name:port`; `.example.org` for its subdomains). */
  readonly allowed?: readonly string[];
}

export function allowedHostsFromEnv(env: NodeJS.ProcessEnv = process.env): string[] | undefined {
  const list = (env.MEDSEEK_ALLOWED_HOSTS ?? '')
    .split(/[\s,]+/)
    .filter(Boolean)
    .map((h) => h.toLowerCase());
  return list.length ? list : undefined;
}

/** Host header → [name, port]; the name keeps IPv6 brackets. */
export function splitHost(host: string): [string, string | undefined] {
  const m = /^(\[[^\]]+\]|[^:]+)(?::(\d+))?$/.exec(host.trim().toLowerCase());
  return m ? [m[1]!.replace(/\.$/, ''), m[2]] : ['', undefined];
}

function matches(pattern: string, name: string, port: string | undefined): boolean {
  const [pName, pPort] = splitHost(pattern.startsWith('.') ? `x${pattern}` : pattern);
  if (pPort !== undefined && pPort !== port) return false;
  if (pattern.startsWith('.')) return name.endsWith(pattern.split(':')[0]!) || name === pattern.slice(1).split(':')[0];
  return name === pName;
}

/**
 * DNS-rebinding defence: a page on evil.example whose name is made to resolve to 127.0.0.1 talks to
 * the server with `Host: evil.example`. A server bound to loopback (the demo always is) answers only
 * loopback names; MEDSEEK_ALLOWED_HOSTS names the hosts of a real install (loopback names stay
 * allowed, for health checks on the machine). Without either, on a public address, any Host goes.
 */
export function allowedHostsMiddleware(options: AllowedHostsOptions): MiddlewareHandler {
  const list = options.allowed?.length
    ? [...options.allowed, ...LOOPBACK_NAMES]
    : isLoopbackHost(options.bind)
      ? LOOPBACK_NAMES
      : undefined;
  if (!list) return (_c, next) => next();
  return async (c, next) => {
    // Rebinding needs a browser on a socket: in-process requests (app.request in tests) pass.
    if (clientAddress(c) === undefined) return next();
    const host = c.req.header('host') ?? new URL(c.req.url).host;
    const [name, port] = splitHost(host);
    if (name && list.some((p) => matches(p, name, port))) return next();
    const hint = options.allowed?.length
      ? 'MEDSEEK_ALLOWED_HOSTS'
      : 'this server is bound to loopback; set MEDSEEK_ALLOWED_HOSTS (and --host) to serve other names';
    return outcomeResponse(421, 'forbidden', `Host '${host}' is not served here (${hint})`, 'Host');
  };
}
