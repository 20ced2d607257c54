import { expect, it } from 'vitest';
import { forEachBackend } from '../../test/support/backends.js';
import { migrate } from './migrate.js';

forEachBackend('migrations', (db) => {
  it('records what it applied and applies nothing twice', async () => {
    const again = await migrate(db());
    expect(again).toEqual([]);
    const { rows } = await db().query<{ id: string }>('select id from medseek_migrations order by id');
    expect(rows.map((r) => r.id)).toContain('0001_store_meta');
  });

  it('refuses a migration whose text changed after it was applied', async () => {
    await expect(migrate(db(), [{ id: '0001_store_meta', sql: 'select 1' }])).rejects.toThrow(
      /changed after it was applied/,
    );
  });

  it('rolls back a failing migration whole', async () => {
    await expect(
      migrate(db(), [{ id: '9999_test_broken', sql: 'create table t_half (x int); insert into nowhere values (1);' }]),
    ).rejects.toThrow();
    const { rows } = await db().query("select 1 from information_schema.tables where table_name = 't_half'");
    expect(rows).toHaveLength(0);
    const m = await db().query("select 1 from medseek_migrations where id = '9999_test_broken'");
    expect(m.rows).toHaveLength(0);
  });
});
