import type { Sql } from '../core/index.js';
import { demoBundlePaths, importPath } from '../ingest/index.js';
import { createResourceRepository } from '../store/index.js';
import type { Logger } from './logger.js';
import { storeSink } from './store-sink.js';

/** The `medseek_settings` key recording that the demo patients were loaded (and what). */
export const DEMO_SETTING = 'demo.loaded';

/** Loads demo data through `db` (a transaction); undefined when there is nothing to load. */
export type DemoLoader = (db: Sql, log: Logger) => Promise<{ resources: number } | undefined>;

/**
 * The demo patients shipped in `demo/` (ingest finds them), imported like any bundle. A problem in
 * them is logged, not fatal: the server must still start for the user to see what went wrong.
 */
export const loadShippedDemo: DemoLoader = async (db, log) => {
  const paths = demoBundlePaths();
  if (paths.length === 0) return undefined;
  const sink = storeSink(db, createResourceRepository(db));
  let resources = 0;
  for (const path of paths) {
    const summary = await importPath(path, sink);
    resources += summary.created + summary.updated + summary.unchanged;
    if (summary.errors.length)
      log.warn(
        { file: path, errors: summary.errors.slice(0, 5), rejected: summary.rejected },
        'demo bundle had problems',
      );
  }
  return { resources };
};

/**
 * Loads the demo patients the first time demo mode runs on a database, and records it in
 * `medseek_settings` so later runs (and a user who deleted demo patients) are left alone.
 * Returns what was loaded, or undefined when it had been loaded before.
 */
export async function loadDemoOnce(db: Sql, log: Logger, load: DemoLoader): Promise<{ resources: number } | undefined> {
  const done = await db.query<{ value: unknown }>('select value from medseek_settings where key = $1', [DEMO_SETTING]);
  if (done.rows.length) return undefined;
  const loaded = await db.transaction(async (tx) => {
    const result = await load(tx, log);
    if (!result) return undefined;
    const claimed = await tx.query(
      `insert into medseek_settings (key, value) values ($1, $2::jsonb) on conflict (key) do nothing`,
      [DEMO_SETTING, JSON.stringify({ at: new Date().toISOString(), resources: result.resources })],
    );
    return claimed.rowCount > 0 ? result : undefined;
  });
  if (loaded) log.info({ resources: loaded.resources }, 'demo patients loaded');
  return loaded;
}
