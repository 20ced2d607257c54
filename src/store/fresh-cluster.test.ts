import { describe, expect, it } from 'vitest';
import { openDatabase } from './database.js';
import { migrate } from './migrate.js';

// In-memory databases after a process's first start from a copy of the empty cluster (database.ts): each must
// still be empty and independent, whatever the databases before it wrote.
describe('a new in-memory database', () => {
  it('is empty and its own, though opened after others that wrote', async () => {
    const first = await openDatabase();
    await first.exec('create table left_behind (x int); insert into left_behind values (1)');
    await migrate(first);
    const second = await openDatabase();
    const third = await openDatabase();
    try {
      for (const db of [second, third]) {
        const tables = await db.query<{ n: number }>(
          `select count(*)::int as n from information_schema.tables where table_schema = 'public'`,
        );
        expect(tables.rows[0]!.n).toBe(0);
      }
      // Migrations (pg_trgm among them) apply to the copy as to a new cluster.
      expect((await migrate(second)).length).toBeGreaterThan(0);
      await third.exec('create table mine (y int)');
      const seen = await second.query(`select 1 from information_schema.tables where table_name = 'mine'`);
      expect(seen.rows).toEqual([]);
    } finally {
      for (const db of [first, second, third]) await db.close();
    }
  }, 120_000);
});
