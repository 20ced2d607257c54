import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadConfig } from '../core/index.js';
import { openDatabase, type Database } from '../store/index.js';
import { allRecords } from './__fixtures__/records.js';
import { type AppContext, openContext } from './context.js';
import { listen, type RunningServer } from './listen.js';
import { createLogger } from './logger.js';

describe('listening server', () => {
  let db: Database;
  let ctx: AppContext;
  let server: RunningServer;

  beforeAll(async () => {
    db = await openDatabase();
    ctx = await openContext(loadConfig({}, { apiKeys: ['listen-key'], demo: false }), { db, logger: createLogger('silent'), jwt: {} });
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
    const res = await fetch(`${server.url}/fhir/Observation?patient=p1&_count=3`, { headers: { Authorization: 'Bearer listen-key' } });
    expect(res.status).toBe(200);
    const bundle = (await res.json()) as { total: number; link: { relation: string; url: string }[] };
    expect(bundle.total).toBe(25);
    expect(bundle.link.find((l) => l.relation === 'next')?.url).toBe(`${server.url}/fhir/Observation?patient=p1&_count=3&_offset=3`);
    const rows = await ctx.audit.query({ patient: 'p1', limit: 1 });
    expect(rows[0]).toMatchObject({ action: 'search', clientAddress: expect.stringMatching(/127\.0\.0\.1/) });
  });

  it('refuses to serve demo mode on a non-loopback address', async () => {
    const demoCtx = await openContext(loadConfig({}, { demo: true }), { db, logger: createLogger('silent'), jwt: {}, demoLoader: false });
    await expect(listen(demoCtx, { port: 0, host: '0.0.0.0' })).rejects.toThrow(/loopback/);
    const local = await listen(demoCtx, { port: 0, host: '127.0.0.1' });
    try {
      expect((await fetch(`${local.url}/fhir/Patient/p1`)).status).toBe(200);
    } finally {
      await local.close();
    }
  });
});
