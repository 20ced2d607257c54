import { randomBytes } from 'node:crypto';
import pg from 'pg';

/** An empty database on the PostgreSQL server of `adminUrl`: its URL, and `drop` to remove it (forcing). */
export async function createScratchDatabase(adminUrl: string): Promise<{ url: string; drop: () => Promise<void> }> {
  const name = `medseek_bench_${randomBytes(6).toString('hex')}`;
  const admin = async (sql: string) => {
    const c = new pg.Client({ connectionString: adminUrl });
    await c.connect();
    try {
      await c.query(sql);
    } finally {
      await c.end();
    }
  };
  await admin(`create database ${name}`);
  const url = new URL(adminUrl);
  url.pathname = `/${name}`;
  return { url: url.toString(), drop: () => admin(`drop database if exists ${name} with (force)`) };
}

/** `fn` run on a fresh scratch database, dropped afterwards whatever `fn` did. */
export async function withScratchDatabase<T>(adminUrl: string, fn: (url: string) => Promise<T>): Promise<T> {
  const scratch = await createScratchDatabase(adminUrl);
  try {
    return await fn(scratch.url);
  } finally {
    await scratch.drop();
  }
}
