import { beforeAll, expect, it } from 'vitest';
import { forEachBackendWithDemoRelease } from '../../../test/support/backends.js';
import { loadConfig } from '../../core/index.js';
import type { CalibrationRelease } from '../../learning/index.js';
import { activeReleaseNetwork, releaseNetworks } from '../../reasoning/index.js';
import { createApp } from '../app.js';
import { type AppContext, openContext } from '../context.js';
import { createLogger } from '../logger.js';

// biome-ignore lint/suspicious/noExplicitAny: response bodies are read field by field in assertions
type Json = Record<string, any>;
const KEY = 'differential-calibration-test-key-0123456789';
const PNEUMONIA = '93f0e6d2-da20-4eec-8eb3-410de4fe430a';

// The workspace's differential with an active calibration map: calibrated probabilities beside the raw ones.
forEachBackendWithDemoRelease('calibrated differential', (db) => {
  let ctx: AppContext;
  let app: ReturnType<typeof createApp>;
  beforeAll(async () => {
    ctx = await openContext(loadConfig({}, { apiKeys: [KEY], demo: true, logLevel: 'warn' }), {
      db: db(),
      llm: false,
      logger: createLogger('warn', { write: () => {} }),
    });
    app = createApp(ctx);
  }, 240_000);

  const differential = async (query = '') => {
    const res = await app.request(`/api/patients/${PNEUMONIA}/differential${query}`, {
      headers: { Authorization: `Bearer ${KEY}` },
    });
    expect(res.status).toBe(200);
    return (await res.json()) as Json;
  };

  it('serves raw posteriors without a map, and the active map’s calibrated ones with its id when there is one', async () => {
    const raw = await differential();
    expect(raw.calibration).toBeUndefined();
    expect(raw.differential[0]).not.toHaveProperty('calibratedProbability');

    const { release, net } = await activeReleaseNetwork(ctx.db, releaseNetworks(ctx.db));
    // Stored as active directly: the serving path is under test here, the evaluation gate in src/learning.
    const map: CalibrationRelease = {
      id: `${net.model.id}~calibration-test`,
      networkId: net.model.id,
      modelRelease: String(release),
      parentId: null,
      status: 'active',
      createdBy: 'dr.li',
      createdAt: '2026-12-01T00:00:00.000Z',
      data: { label: 'test', cases: 100 },
      options: {},
      map: { method: 'platt', pooled: { a: 0.5, b: 0, n: 100 }, departments: { icu: { a: 0.5, b: -1, n: 40 } } },
      history: [],
    };
    await ctx.db.query(
      `insert into learning_calibrations (id, network_id, status, created_by, created_at, body)
       values ($1, $2, 'active', 'dr.li', $3, $4)`,
      [map.id, map.networkId, map.createdAt, JSON.stringify(map)],
    );
    const cal = await differential();
    expect(cal.calibration).toMatchObject({ id: map.id, method: 'platt', createdBy: 'dr.li' });
    expect(cal.differential.map((d: Json) => d.id)).toEqual(raw.differential.map((d: Json) => d.id));
    const [top] = cal.differential;
    expect(top.probability).toBe(raw.differential[0].probability);
    const logit = Math.log(top.share / (1 - top.share));
    expect(top.calibratedProbability).toBeCloseTo(1 / (1 + Math.exp(-0.5 * logit)), 3);
    const icu = await differential('?department=icu');
    expect(icu.calibration.department).toBe('icu');
    expect(icu.differential[0].calibratedProbability).toBeLessThan(top.calibratedProbability);
  });
});
