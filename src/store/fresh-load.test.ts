import pg from 'pg';
import { afterEach, describe, expect, it } from 'vitest';
import type { Sql } from '../core/index.js';
import { createScratchDatabase } from '../../test/support/backends.js';
import { clientSql } from './client-sql.js';
import { beginFreshLoad, recoverFreshLoad } from './fresh-load.js';
import { indexes, markers, records, searchIds } from './__fixtures__/load-records.js';
import { type Database, migrate, openDatabase, refreshSearchIndex } from './index.js';
import { createResourceRepository } from './resources.js';

interface Backend {
  /** The store (a pool on PostgreSQL). */
  readonly db: Database;
  /** One connection for the load (PGlite: the store itself). */
  readonly single: Sql;
  /** The load's connection gone as in a crash; the store as the next process opens it. */
  crash(): Promise<Database>;
  close(): Promise<void>;
}

async function pgliteBackend(): Promise<Backend> {
  let db = await openDatabase();
  await migrate(db);
  return {
    db,
    single: db,
    async crash() {
      // What a process that died leaves on disk: the data directory as it stands, opened by a new process.
      const left = await db.dump!();
      await db.close();
      db = await openDatabase({ loadDataDir: left });
      return db;
    },
    close: () => db.close(),
  };
}

async function postgresBackend(url: string): Promise<Backend> {
  const scratch = await createScratchDatabase(url);
  const db = await openDatabase({ databaseUrl: scratch.url, maxConnections: 3 });
  await migrate(db);
  const client = new pg.Client({ connectionString: scratch.url });
  client.on('error', () => {});
  await client.connect();
  return {
    db,
    single: clientSql(client),
    async crash() {
      // The server sees the connection go (its session's advisory lock with it), as when the process dies.
      await client.end();
      return db;
    },
    async close() {
      await client.end().catch(() => {});
      await db.close();
      await scratch.drop();
    },
  };
}

const server = process.env.MEDSEEK_TEST_DATABASE_URL;
const backends: [string, () => Promise<Backend>][] = [['pglite', pgliteBackend]];
if (server) backends.push(['postgres', () => postgresBackend(server)]);

describe.each(backends)('a fresh load [%s]', (_label, open) => {
  let backend: Backend | undefined;
  afterEach(async () => {
    await backend?.close();
    backend = undefined;
  });

  it('drops the secondary indexes, says a live load is loading, and builds them again as they were', async () => {
    backend = await open();
    const { db, single } = backend;
    const before = await indexes(db);
    expect(Object.keys(before).length).toBeGreaterThanOrEqual(11);
    const load = await beginFreshLoad(single);
    expect(load?.indexes).toHaveLength(Object.keys(before).length);
    expect(await indexes(db)).toEqual({});
    expect(await markers(db)).toBe(Object.keys(before).length);
    // Another opener leaves a live load alone.
    expect(await recoverFreshLoad(db)).toEqual({ loading: true, rebuilt: [] });
    // A second load does not start while one runs (another session: the lock; this one: nothing left to drop).
    expect(await beginFreshLoad(single)).toBeUndefined();
    await createResourceRepository(db).putMany(records(20));
    await load!.end();
    expect(await indexes(db)).toEqual(before);
    expect(await markers(db)).toBe(0);
    expect(await recoverFreshLoad(db)).toEqual({ loading: false, rebuilt: [] });
  });

  it('leaves a store that is not nearly empty as it is', async () => {
    backend = await open();
    const { db, single } = backend;
    await createResourceRepository(db).putMany(records(5));
    const before = await indexes(db);
    expect(await beginFreshLoad(single, { maxStored: 10 })).toBeUndefined();
    expect(await indexes(db)).toEqual(before);
    expect(await markers(db)).toBe(0);
  });

  it('after a crash between the drop and the build, the next open builds the indexes from the markers', async () => {
    backend = await open();
    const before = await indexes(backend.db);
    const load = await beginFreshLoad(backend.single);
    expect(load).toBeDefined();
    await createResourceRepository(backend.db).putMany(records(10));
    const reopened = await backend.crash();
    expect(await markers(reopened)).toBe(Object.keys(before).length);
    expect(await indexes(reopened)).toEqual({});
    const state = await recoverFreshLoad(reopened);
    expect(state.loading).toBe(false);
    expect([...state.rebuilt].sort()).toEqual([...load!.indexes].sort());
    expect(await indexes(reopened)).toEqual(before);
    expect(await markers(reopened)).toBe(0);
    expect(await recoverFreshLoad(reopened)).toEqual({ loading: false, rebuilt: [] });
  });

  it('finds what the slow path finds: the same ids for the same searches', async () => {
    backend = await open();
    const { db, single } = backend;
    const slow = await openDatabase();
    try {
      await migrate(slow);
      const all = records(60);
      await createResourceRepository(slow).putMany(all);
      const load = await beginFreshLoad(single);
      expect(load).toBeDefined();
      const repo = createResourceRepository(db);
      await repo.putMany(all.slice(0, 90));
      // Written twice during the load: a new version, indexed as the latest.
      await repo.putMany([{ ...all[0]!, name: [{ family: 'Ngo', given: ['Changed'] }] }, ...all.slice(90)]);
      await createResourceRepository(slow).put({ ...all[0]!, name: [{ family: 'Ngo', given: ['Changed'] }] });
      await refreshSearchIndex(db);
      await load!.end();
      const expected = await searchIds(slow);
      expect(expected.every((ids) => ids.length > 0)).toBe(true);
      expect(await searchIds(db)).toEqual(expected);
    } finally {
      await slow.close();
    }
  });
});
