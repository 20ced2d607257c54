import { Hono } from 'hono';
import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { isMedSeekError } from '../core/index.js';
import { outcomeForError } from './fhir/operation-outcome.js';
import { body, params, query } from './validate.js';

// The app's error handler in little: a MedSeekError becomes its OperationOutcome and status.
const app = new Hono();
app.onError((e, c) => {
  if (!isMedSeekError(e)) return c.json({ unexpected: e.message }, 500);
  const { status, body: outcome } = outcomeForError(e);
  return c.json(outcome, (e.code === 'unsupported' ? 415 : status) as 400);
});
app.post(
  '/items/:n',
  params(z.object({ n: z.string().regex(/^\d+$/, 'must be digits') })),
  query(z.object({ dry: z.enum(['true', 'false']).optional() })),
  body(z.object({ name: z.string(), tags: z.array(z.string()) })),
  (c) => c.json({ n: c.req.valid('param').n, dry: c.req.valid('query').dry ?? null, ...c.req.valid('json') }),
);
app.post('/strict', body(z.object({ a: z.number() }), { jsonOnly: true }), (c) => c.json(c.req.valid('json')));

const post = (path: string, payload: string, type: string | undefined = 'application/json') =>
  app.request(path, { method: 'POST', body: payload, ...(type ? { headers: { 'Content-Type': type } } : {}) });
const issues = async (r: Response) =>
  ((await r.json()) as { issue: { diagnostics: string; expression?: string[]; location?: string[] }[] }).issue;

describe('validate: zod-validator with the 400 every route answers', () => {
  it('passes parsed values to the handler', async () => {
    const r = await post('/items/7?dry=true', JSON.stringify({ name: 'x', tags: ['a'] }));
    expect(await r.json()).toEqual({ n: '7', dry: 'true', name: 'x', tags: ['a'] });
  });

  it('names the field of the first problem and lists them all, saying which part of the request', async () => {
    const r = await post('/items/7', JSON.stringify({ tags: ['a', 3] }));
    expect(r.status).toBe(400);
    const all = await issues(r);
    expect(all[0]).toMatchObject({ expression: ['name'], location: ['body'] });
    expect(all.map((i) => i.expression?.[0])).toEqual(expect.arrayContaining(['name', 'tags[1]']));
    const q = await issues(await post('/items/7?dry=maybe', JSON.stringify({ name: 'x', tags: [] })));
    expect(q[0]).toMatchObject({ expression: ['dry'], location: ['query'] });
    const p = await issues(await post('/items/seven', JSON.stringify({ name: 'x', tags: [] })));
    expect(p[0]).toMatchObject({
      expression: ['n'],
      location: ['param'],
      diagnostics: expect.stringMatching(/must be digits/),
    });
  });

  it('reads a body that is not JSON as a 400 naming body; without a JSON type only where the route requires it', async () => {
    expect(await issues(await post('/items/7', '{'))).toMatchObject([{ expression: ['body'] }]);
    // A JSON body without a JSON Content-Type is read as before…
    expect((await post('/items/7', JSON.stringify({ name: 'x', tags: [] }), 'text/plain')).status).toBe(200);
    // …except where the route is JSON-only (no cross-site form can send it): 415.
    expect((await post('/strict', JSON.stringify({ a: 1 }), 'text/plain')).status).toBe(415);
    expect((await post('/strict', JSON.stringify({ a: 1 }))).status).toBe(200);
  });
});
