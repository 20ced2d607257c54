import { randomBytes } from 'node:crypto';
import pg from 'pg';
import { afterAll, beforeAll, describe } from 'vitest';
import { type Database, migrate, openDatabase } from '../../src/store/index.js';
import { demoTemplate, openPgliteDemo } from './demo-release.js';

/**
 * Runs one suite against every backend: embedded PGlite always, and the PostgreSQL server named by
 * MEDSEEK_TEST_DATABASE_URL when set (CI sets it to this machine's server). Each run gets a fresh,
 * fully migrated database of its own, dropped afterwards.
 */
export function forEachBackend(name: string, suite: (db: () => Database) => void): void {
  eachBackend(name, suite, false);
}

/**
 * `forEachBackend` whose databases hold the demo knowledge release (`ensureDemoRelease`) too: each a copy of one
 * built once per test process and backend (demo-release.ts), not built again for every suite.
 */
export function forEachBackendWithDemoRelease(name: string, suite: (db: () => Database) => void): void {
  eachBackend(name, suite, true);
}

function eachBackend(name: string, suite: (db: () => Database) => void, demoRelease: boolean): void {
  const backends: { label: string; url?: string }[] = [{ label: 'pglite' }];
  const server = process.env.MEDSEEK_TEST_DATABASE_URL;
  if (server) backends.push({ label: 'postgres', url: server });
  for (const backend of backends) {
    describe(`${name} [${backend.label}]`, () => {
      let db: Database | undefined;
      let drop: (() => Promise<void>) | undefined;
      beforeAll(
        async () => {
          if (backend.url) {
            const template = demoRelease ? await demoTemplate(backend.url) : undefined;
            const fresh = await createScratchDatabase(backend.url, template);
            drop = fresh.drop;
            db = await openDatabase({ databaseUrl: fresh.url, maxConnections: 4 });
          } else {
            db = demoRelease ? await openPgliteDemo() : await openDatabase();
          }
          await migrate(db);
          // The process's first demo suite builds the demo release (a busy machine took over a minute).
        },
        demoRelease ? 240_000 : undefined,
      );
      afterAll(async () => {
        await db?.close();
        await drop?.();
      });
      suite(() => {
        if (!db) throw new Error('database not open yet: use it inside a test or hook');
        return db;
      });
    });
  }
}

/**
 * Creates a database on the server of `adminUrl`, empty or a copy of `template`; returns its URL and a function
 * that drops it.
 */
export async function createScratchDatabase(
  adminUrl: string,
  template?: string,
): Promise<{ url: string; drop: () => Promise<void> }> {
  const name = `medseek_test_${randomBytes(6).toString('hex')}`;
  const admin = new pg.Client({ connectionString: adminUrl });
  await admin.connect();
  await admin.query(`create database ${name}${template ? ` template ${template}` : ''}`);
  await admin.end();
  const url = new URL(adminUrl);
  url.pathname = `/${name}`;
  return {
    url: url.toString(),
    drop: async () => {
      const c = new pg.Client({ connectionString: adminUrl });
      await c.connect();
      await c.query(`drop database if exists ${name} with (force)`);
      await c.end();
    },
  };
}
