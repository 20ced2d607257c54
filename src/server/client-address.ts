import { getConnInfo } from '@hono/node-server/conninfo';
import type { Context } from 'hono';

/** The peer address of the TCP connection (not X-Forwarded-For, which any caller can forge). */
export function clientAddress(c: Context): string | undefined {
  try {
    return getConnInfo(c).remote.address ?? undefined;
  } catch {
    // In-process requests (app.request in tests) have no socket.
    return undefined;
  }
}
