import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { serve } from '@hono/node-server';
import { MedSeekError } from '../core/index.js';
import { createApp } from './app.js';
import type { AppContext } from './context.js';
import { isLoopbackHost } from './http/loopback.js';

export interface RunningServer {
  /** `http://127.0.0.1:8080` (the bound address and port). */
  readonly url: string;
  readonly port: number;
  /**
   * Stops accepting connections, lets requests in flight finish (at most `graceMs`, default 10 s;
   * then their connections are cut), and resolves once the server is closed.
   */
  close(graceMs?: number): Promise<void>;
}

export function isLoopback(host: string): boolean {
  return isLoopbackHost(host);
}

/**
 * Graceful close of a node:http server: no new connections, idle keep-alive ones closed now,
 * busy ones once their response is sent (Node marks them `Connection: close`), all cut at `graceMs`.
 */
export function closeGracefully(server: Server, graceMs = 10_000): Promise<void> {
  return new Promise<void>((done, fail) => {
    const cut = setTimeout(() => server.closeAllConnections(), graceMs);
    cut.unref();
    server.close((e) => {
      clearTimeout(cut);
      // Closing a server that had already stopped is not a failure of shutdown.
      if (e && (e as NodeJS.ErrnoException).code !== 'ERR_SERVER_NOT_RUNNING') fail(e);
      else done();
    });
    server.closeIdleConnections();
    // A response finished after close() leaves its keep-alive socket idle: close those as they come.
    const sweep = setInterval(() => server.closeIdleConnections(), 100);
    sweep.unref();
    server.once('close', () => clearInterval(sweep));
  });
}

/**
 * Listens on `host:port` (port 0 picks a free one). Demo mode serves without auth, so it refuses
 * any address other than loopback: demo data must never be reachable from the network unguarded.
 */
export async function listen(ctx: AppContext, options: { port: number; host: string }): Promise<RunningServer> {
  if (ctx.config.demo && !isLoopback(options.host)) {
    throw new MedSeekError(
      'forbidden',
      `demo mode serves without authentication and binds to loopback only, not '${options.host}'; drop --demo or use --host 127.0.0.1`,
      { field: '--host' },
    );
  }
  const app = createApp(ctx);
  return new Promise((resolve, reject) => {
    const server = serve({ fetch: app.fetch, port: options.port, hostname: options.host }, (info: AddressInfo) => {
      const host = info.family === 'IPv6' ? `[${info.address}]` : info.address;
      resolve({
        url: `http://${host}:${info.port}`,
        port: info.port,
        close: (graceMs?: number) => closeGracefully(server as Server, graceMs),
      });
    });
    server.once('error', (e: NodeJS.ErrnoException) =>
      reject(
        new MedSeekError(
          'unavailable',
          `cannot listen on ${options.host}:${options.port}: ${e.code ?? e.message}`,
          { field: '--port' },
          { cause: e },
        ),
      ),
    );
  });
}
