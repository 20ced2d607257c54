import { Hono } from 'hono';
import { beforeAll, expect, it } from 'vitest';
import { forEachBackend } from '../../test/support/backends.js';
import { isMedSeekError } from '../core/index.js';
import { importKnowledge } from '../knowledge/index.js';
import { onRuleBookProblems, type SafetyRuleBook } from '../reasoning/index.js';
import { AuditLog } from './audit/audit-log.js';
import type { AppEnv } from './env.js';
import { kgRoutes } from './routes/kg.js';

/**
 * The rule book's problems (edges the safety engines cannot use) are not only logged: the
 * releases answer shows them for the active release, so the curator sees an edit that does nothing.
 */
forEachBackend('knowledge releases show the rule book problems of the active release', (db) => {
  let app: Hono<AppEnv>;
  const heard: SafetyRuleBook[] = [];

  beforeAll(async () => {
    await importKnowledge(db(), 'cds', undefined, { activate: true });
    onRuleBookProblems(db(), (book) => heard.push(book));
    app = new Hono<AppEnv>();
    app.onError((e, c) => c.json({ error: e.message }, isMedSeekError(e) ? 400 : 500));
    app.use('*', async (c, next) => {
      c.set('principal', { kind: 'api-key', id: 'key:kg-admin', name: 'kg admin', role: 'admin' });
      c.set('requestId', 'req-review');
      await next();
    });
    app.route('/api/kg', kgRoutes({ db: db(), audit: new AuditLog(db()) }));
  });

  const releases = async () =>
    (await (await app.request('/api/kg/releases')).json()) as {
      releases: { id: number; active: boolean }[];
      ruleBook?: { release: number; problems: string[] };
    };

  it('lists none for the imported release, and names the edge a curator added without a severity', async () => {
    const before = await releases();
    expect(before.ruleBook).toEqual({ release: before.releases.find((r) => r.active)!.id, problems: [] });
    const r = await app.request('/api/kg/curation', {
      method: 'POST',
      headers: { 'Content-Type': 'application/json' },
      body: JSON.stringify({
        author: 'dr.li',
        reason: 'an interaction without its severity',
        source: { id: 'pharmacy-2026-07', name: 'Hospital pharmacy committee decision 2026-07' },
        add: [
          {
            type: 'interacts-with',
            from: 'drug:clopidogrel',
            to: 'drug:omeprazole',
            attrs: { rule: 'LOCAL-NO-SEVERITY', risk: 'reduced activation', action: 'Use pantoprazole.' },
          },
        ],
      }),
    });
    expect(r.status).toBe(201);
    const { releaseId, relationIds } = (await r.json()) as { releaseId: number; relationIds: string[] };
    const after = await releases();
    expect(after.ruleBook?.release).toBe(releaseId);
    expect(after.ruleBook?.problems).toEqual([expect.stringContaining(relationIds[0]!)]);
    expect(after.ruleBook?.problems[0]).toContain('severity must be S1 or S2');
    // The server's listener (a log warning in openContext) heard of it once.
    expect(heard.map((b) => b.release?.id)).toEqual([releaseId]);
  });
});
