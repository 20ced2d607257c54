import { timingSafeEqual } from 'node:crypto';
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { serve } from '@hono/node-server';
import type { Context } from 'hono';
import { Hono } from 'hono';
import { MEDIA } from './dap-codec.js';
import { DapHelper, DapProblem } from './dap-helper.js';
import { hpkeConfigList } from './dap-hpke.js';
import { DapLeader } from './dap-leader.js';
import type { DapCounters } from './dap-prepare.js';
import type { DapSecret, DapTask } from './dap-task.js';

/**
 * The HTTP face of a DAP-09 aggregator (§3, §4): GET /hpke_config for clients, and per role the task's resources —
 * leader: PUT tasks/{id}/reports, PUT and POST tasks/{id}/collection_jobs/{job}; helper: PUT
 * tasks/{id}/aggregation_jobs/{job}, POST tasks/{id}/aggregate_shares. Errors are problem details (RFC 9457) of type
 * urn:ietf:params:ppm:dap:error:<type>. Requests between aggregators and from the collector carry a bearer token
 * (DAP-09 leaves the scheme to the deployment). Hono on node:http, as the rest of MedSeek serves.
 */
export interface DapAggregatorServer {
  readonly url: string;
  readonly counters: () => DapCounters;
  close(): Promise<void>;
}

export function dapApp(role: 'leader' | 'helper', task: DapTask, secret: DapSecret) {
  const app = new Hono();
  const leader = role === 'leader' ? new DapLeader(task, secret) : undefined;
  const helper = role === 'helper' ? new DapHelper(task, secret) : undefined;
  const problem = (c: Context, p: DapProblem) =>
    c.body(
      JSON.stringify({
        type: `urn:ietf:params:ppm:dap:error:${p.type}`,
        title: p.title,
        status: p.status,
        taskid: task.id,
      }),
      p.status as 400,
      { 'Content-Type': 'application/problem+json' },
    );
  const guard = async (c: Context, token: string | undefined, run: (body: Buffer) => Promise<Response> | Response) => {
    if (c.req.param('task') !== task.id) return problem(c, new DapProblem('unrecognizedTask', 'unknown task', 404));
    if (token !== undefined && !bearerIs(c.req.header('Authorization'), token))
      return problem(c, new DapProblem('unauthorizedRequest', 'missing or wrong bearer token', 403));
    try {
      return await run(Buffer.from(await c.req.arrayBuffer()));
    } catch (e) {
      return problem(c, e instanceof DapProblem ? e : new DapProblem('invalidMessage', (e as Error).message));
    }
  };
  app.get('/hpke_config', (c) => {
    const id = c.req.query('task_id');
    if (id !== undefined && id !== task.id) return problem(c, new DapProblem('unrecognizedTask', 'unknown task'));
    return c.body(new Uint8Array(hpkeConfigList(secret.hpke)), 200, { 'Content-Type': MEDIA.hpkeConfigList });
  });
  if (leader) {
    app.put('/tasks/:task/reports', (c) =>
      guard(c, undefined, (body) => {
        leader.upload(body);
        return c.body(null, 200);
      }),
    );
    app.put('/tasks/:task/collection_jobs/:job', (c) =>
      guard(c, secret.collectorToken, (body) => {
        leader.createCollectionJob(c.req.param('job'), body);
        return c.body(null, 201);
      }),
    );
    app.post('/tasks/:task/collection_jobs/:job', (c) =>
      guard(c, secret.collectorToken, () => {
        const out = leader.poll(c.req.param('job'));
        return out
          ? c.body(new Uint8Array(out), 200, { 'Content-Type': MEDIA.collection })
          : c.body(null, 202, { 'Retry-After': '1' });
      }),
    );
  }
  if (helper) {
    app.put('/tasks/:task/aggregation_jobs/:job', (c) =>
      guard(c, secret.aggregatorToken, async (body) =>
        c.body(new Uint8Array(await helper.initJob(c.req.param('job'), body)), 200, {
          'Content-Type': MEDIA.aggregationJobResp,
        }),
      ),
    );
    app.post('/tasks/:task/aggregate_shares', (c) =>
      guard(c, secret.aggregatorToken, async (body) =>
        c.body(new Uint8Array(await helper.aggregateShare(body)), 200, { 'Content-Type': MEDIA.aggregateShare }),
      ),
    );
  }
  return { app, counters: () => (leader ?? helper)!.counters };
}

function bearerIs(header: string | undefined, token: string): boolean {
  const got = Buffer.from(header?.replace(/^Bearer /, '') ?? '');
  const want = Buffer.from(token);
  return got.length === want.length && timingSafeEqual(got, want);
}

/** Serves an aggregator on `port` (0: any free port) of `host`; its URL is where it listens. */
export function startDapAggregator(
  role: 'leader' | 'helper',
  task: DapTask,
  secret: DapSecret,
  o: { port?: number; host?: string } = {},
): Promise<DapAggregatorServer> {
  const { app, counters } = dapApp(role, task, secret);
  const host = o.host ?? '127.0.0.1';
  return new Promise((resolve) => {
    const server = serve({ fetch: app.fetch, port: o.port ?? 0, hostname: host }, (info: AddressInfo) => {
      // A report of thousands of cells is megabytes, and an aggregator busy preparing one reads slowly: no deadline
      // for receiving a request (Node's default is 300 s).
      (server as Server).requestTimeout = 0;
      (server as Server).headersTimeout = 0;
      resolve({
        url: `http://${host}:${info.port}/`,
        counters,
        close: () => new Promise((done) => server.close(() => done())),
      });
    });
  });
}
