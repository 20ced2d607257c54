import { expect, it } from 'vitest';
import { forEachBackendWithDemoRelease } from '../../test/support/backends.js';
import { loadConfig } from '../core/index.js';
import { demoBundlePaths } from '../ingest/index.js';
import { createResourceRepository } from '../store/index.js';
import { allRecords } from './__fixtures__/records.js';
import { openContext } from './context.js';
import { DEMO_SETTING, type DemoLoader } from './demo.js';
import { createLogger } from './logger.js';

forEachBackendWithDemoRelease('demo data on first run', (db) => {
  it('loads once, records it in medseek_settings, and leaves later runs alone', async () => {
    let calls = 0;
    const loader: DemoLoader = async (tx) => {
      calls++;
      await createResourceRepository(tx).putMany(allRecords, tx);
      return { resources: allRecords.length };
    };
    const config = loadConfig({}, { demo: true, apiKeys: [] });
    const first = await openContext(config, { db: db(), logger: createLogger('silent'), demoLoader: loader, jwt: {} });
    expect(first.demoLoaded).toEqual({ resources: allRecords.length });
    const setting = await db().query<{ value: { resources: number } }>(
      'select value from medseek_settings where key = $1',
      [DEMO_SETTING],
    );
    expect(setting.rows[0]!.value.resources).toBe(allRecords.length);
    const second = await openContext(config, { db: db(), logger: createLogger('silent'), demoLoader: loader, jwt: {} });
    expect(second.demoLoaded).toBeUndefined();
    expect(calls).toBe(1);
    const notDemo = await openContext(loadConfig({}, { demo: false }), {
      db: db(),
      logger: createLogger('silent'),
      demoLoader: loader,
      jwt: {},
    });
    expect(notDemo.demoLoaded).toBeUndefined();
    expect(calls).toBe(1);
  });

  it('rolls back a demo load that fails, so the next run tries again', async () => {
    await db().query('delete from medseek_settings where key = $1', [DEMO_SETTING]);
    const failing: DemoLoader = async (tx) => {
      await createResourceRepository(tx).put({ resourceType: 'Patient', id: 'half-written' }, tx);
      throw new Error('disk full');
    };
    const config = loadConfig({}, { demo: true });
    await expect(
      openContext(config, { db: db(), logger: createLogger('silent'), demoLoader: failing, jwt: {} }),
    ).rejects.toThrow('disk full');
    expect(await createResourceRepository(db()).read('Patient', 'half-written')).toBeUndefined();
    const setting = await db().query('select 1 from medseek_settings where key = $1', [DEMO_SETTING]);
    expect(setting.rows).toHaveLength(0);
  });

  it.skipIf(demoBundlePaths().length === 0)('loads the shipped demo/ bundles through ingest', async () => {
    await db().query('delete from medseek_settings where key = $1', [DEMO_SETTING]);
    const ctx = await openContext(loadConfig({}, { demo: true }), {
      db: db(),
      logger: createLogger('silent'),
      jwt: {},
    });
    expect(ctx.demoLoaded?.resources).toBeGreaterThan(0);
    const patients = await ctx.resources.search('Patient', { count: 0 });
    expect(patients.total).toBeGreaterThan(1);
  });
});
