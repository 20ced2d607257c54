import type { AddressInfo } from 'node:net';
import { serve } from '@hono/node-server';
import { MedSeekError } from '../core/index.js';
import { createApp } from './app.js';
import type { AppContext } from './context.js';

export interface RunningServer {
  /** `http://127.0.0.1:8080` (the bound address and port). */
  readonly url: string;
  readonly port: number;
  close(): Promise<void>;
}

const LOOPBACK = new Set(['127.0.0.1', '::1', 'localhost']);

export function isLoopback(host: string): boolean {
  return LOOPBACK.has(host) || /^127\.\d+\.\d+\.\d+$/.test(host);
}

/**
 * Listens on `host:port` (port 0 picks a free one). Demo mode serves without auth, so it refuses
 * any address other than loopback: demo data must never be reachable from the network unguarded.
 */
export async function listen(ctx: AppContext, options: { port: number; host: string }): Promise<RunningServer> {
  if (ctx.config.demo && !isLoopback(options.host)) {
    throw new MedSeekError('forbidden', `demo mode serves without authentication and binds to loopback only, not '${options.host}'; drop --demo or use --host 127.0.0.1`, { field: '--host' });
  }
  const app = createApp(ctx);
  return new Promise((resolve, reject) => {
    const server = serve({ fetch: app.fetch, port: options.port, hostname: options.host }, (info: AddressInfo) => {
      const host = info.family === 'IPv6' ? `[${info.address}]` : info.address;
      resolve({
        url: `http://${host}:${info.port}`,
        port: info.port,
        close: () =>
          new Promise<void>((done, fail) => {
            server.close((e) => (e ? fail(e) : done()));
            // Keep-alive connections would hold close() open.
            if ('closeAllConnections' in server) (server as { closeAllConnections(): void }).closeAllConnections();
          }),
      });
    });
    server.once('error', (e: NodeJS.ErrnoException) =>
      reject(new MedSeekError('unavailable', `cannot listen on ${options.host}:${options.port}: ${e.code ?? e.message}`, { field: '--port' }, { cause: e })),
    );
  });
}
