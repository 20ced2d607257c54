import { createServer, request as httpRequest } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadConfig } from '../core/index.js';
import { openDatabase, type Database } from '../store/index.js';
import { allRecords } from './__fixtures__/records.js';
import { type AppContext, openContext } from './context.js';
import { closeGracefully, listen, type RunningServer } from './listen.js';
import { createLogger } from './logger.js';

describe('listening server', () => {
  let db: Database;
  let ctx: AppContext;
  let server: RunningServer;

  beforeAll(async () => {
    db = await openDatabase();
    ctx = await openContext(loadConfig({}, { apiKeys: ['listen-key'], demo: false }), {
      db,
      logger: createLogger('silent'),
      jwt: {},
    });
    await ctx.resources.putMany(allRecords);
    server = await listen(ctx, { port: 0, host: '127.0.0.1' });
  });

  afterAll(async () => {
    await server?.close();
    await ctx?.close();
    await db?.close();
  });

  it('answers over real HTTP, with auth, and records the peer address in the audit log', async () => {
    expect(server.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
    expect((await fetch(`${server.url}/health`)).status).toBe(200);
    expect((await fetch(`${server.url}/fhir/Patient/p1`)).status).toBe(401);
    const res = await fetch(`${server.url}/fhir/Observation?patient=p1&_count=3`, {
      headers: { Authorization: 'Bearer listen-key' },
    });
    expect(res.status).toBe(200);
    const bundle = (await res.json()) as { total: number; link: { relation: string; url: string }[] };
    expect(bundle.total).toBe(25);
    expect(bundle.link.find((l) => l.relation === 'next')?.url).toBe(
      `${server.url}/fhir/Observation?patient=p1&_count=3&_offset=3`,
    );
    const rows = await ctx.audit.query({ patient: 'p1', limit: 1 });
    expect(rows[0]).toMatchObject({ action: 'search', clientAddress: expect.stringMatching(/127\.0\.0\.1/) });
  });

  it('refuses to serve demo mode on a non-loopback address', async () => {
    const demoCtx = await openContext(loadConfig({}, { demo: true }), {
      db,
      logger: createLogger('silent'),
      jwt: {},
      demoLoader: false,
    });
    await expect(listen(demoCtx, { port: 0, host: '0.0.0.0' })).rejects.toThrow(/loopback/);
    const local = await listen(demoCtx, { port: 0, host: '127.0.0.1' });
    try {
      expect((await fetch(`${local.url}/fhir/Patient/p1`)).status).toBe(200);
    } finally {
      await local.close();
    }
  }, 120_000);
});

describe('graceful close', () => {
  /** A server whose one route answers when the test says so. */
  async function slowServer() {
    let release!: () => void;
    const released = new Promise<void>((r) => (release = r));
    let arrived!: () => void;
    const inFlight = new Promise<void>((r) => (arrived = r));
    const server = createServer((_req, res) => {
      arrived();
      void released.then(() => res.end('done'));
    });
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    const port = (server.address() as AddressInfo).port;
    const get = () =>
      new Promise<{ status: number; body: string }>((resolve, reject) => {
        const req = httpRequest({ host: '127.0.0.1', port, path: '/' }, (res) => {
          let body = '';
          res.on('data', (d) => (body += d));
          res.on('end', () => resolve({ status: res.statusCode ?? 0, body }));
          res.on('error', reject);
        });
        req.on('error', reject);
        req.end();
      });
    return { server, get, release, inFlight };
  }

  it('stops accepting, finishes the request in flight, then closes', async () => {
    const { server, get, release, inFlight } = await slowServer();
    const pending = get();
    await inFlight;
    const closed = closeGracefully(server, 60_000);
    await expect(get()).rejects.toMatchObject({ code: 'ECONNREFUSED' });
    release();
    expect(await pending).toEqual({ status: 200, body: 'done' });
    await closed;
    expect(server.listening).toBe(false);
  });

  it('cuts a request that outlives the grace period', async () => {
    const { server, get, inFlight } = await slowServer();
    const pending = get();
    await inFlight;
    await closeGracefully(server, 50);
    await expect(pending).rejects.toMatchObject({ code: 'ECONNRESET' });
  });
});
