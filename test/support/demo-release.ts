import { createHash } from 'node:crypto';
import { hostname } from 'node:os';
import { gunzipSync } from 'node:zlib';
import pg from 'pg';
import { ensureDemoRelease } from '../../src/knowledge/index.js';
import { type Database, migrate, openDatabase } from '../../src/store/index.js';
import { alive } from '../../src/store/lock.js';

/**
 * A migrated database holding the demo release, built once per test process and backend, then copied for each
 * suite that asks for one: building it (bundled files parsed, a bulk load) took seconds per suite and backend.
 * Each copy is the suite's own; the build is the one `ensureDemoRelease` makes, by this process's code.
 */
let pgliteDemo: Promise<Blob> | undefined;

/** PGlite: a new in-memory database holding the demo release: the one built, then copies of its snapshot. */
export async function openPgliteDemo(): Promise<Database> {
  if (pgliteDemo) return openDatabase({ loadDataDir: await pgliteDemo });
  const db = await openDatabase();
  pgliteDemo = seed(db).then(() => tarOf(db));
  try {
    await pgliteDemo;
  } catch (e) {
    await db.close();
    throw e;
  }
  return db;
}

/** The whole data directory of an open in-memory PGlite as an uncompressed tarball (loads skip the inflate). */
async function tarOf(db: Database): Promise<Blob> {
  const gz = Buffer.from(await (await db.dump!()).arrayBuffer());
  return new Blob([gunzipSync(gz)], { type: 'application/x-tar' });
}

const templates = new Map<string, Promise<string>>();
// The host in a template's name: leftovers of this machine's dead processes are dropped, never another machine's.
const host = createHash('sha256').update(hostname()).digest('hex').slice(0, 8);
const PREFIX = `medseek_tmpl_${host}_`;

/**
 * PostgreSQL: the name of this process's template database on the server of `adminUrl` (`create database …
 * template …` copies it in well under a second). It outlives the process, which has no reliable last moment to
 * drop it; the next process to make one drops those left by dead processes.
 */
export function demoTemplate(adminUrl: string): Promise<string> {
  let name = templates.get(adminUrl);
  if (!name) {
    name = makeTemplate(adminUrl);
    templates.set(adminUrl, name);
  }
  return name;
}

async function makeTemplate(adminUrl: string): Promise<string> {
  const name = `${PREFIX}${process.pid}`;
  await admin(adminUrl, async (c) => {
    const old = await c.query<{ datname: string }>('select datname from pg_database where datname like $1', [
      `${PREFIX}%`,
    ]);
    for (const { datname } of old.rows)
      if (datname === name || !alive(Number(datname.slice(PREFIX.length))))
        await c.query(`drop database if exists ${datname} with (force)`);
    await c.query(`create database ${name}`);
  });
  const url = new URL(adminUrl);
  url.pathname = `/${name}`;
  const db = await openDatabase({ databaseUrl: url.toString(), maxConnections: 2 });
  try {
    await seed(db);
  } finally {
    // A template with a connection open cannot be copied.
    await db.close();
  }
  return name;
}

async function seed(db: Database): Promise<void> {
  await migrate(db);
  await ensureDemoRelease(db);
}

async function admin(adminUrl: string, fn: (c: pg.Client) => Promise<void>): Promise<void> {
  const c = new pg.Client({ connectionString: adminUrl });
  await c.connect();
  try {
    await fn(c);
  } finally {
    await c.end();
  }
}
