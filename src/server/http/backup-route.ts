import { Hono } from 'hono';
import { MedSeekError } from '../../core/index.js';
import { auditEvents } from '../audit/request.js';
import type { AppContext } from '../context.js';
import type { AppEnv, RoutePolicies } from '../env.js';

export const backupPolicies: RoutePolicies = { 'GET /api/backup': { roles: ['admin'] } };

/**
 * `GET /api/backup` (admins): a consistent copy of the embedded database, made by the process that
 * holds it while it keeps answering: a checkpoint, then PGlite's `dumpDataDir` (a gzipped tarball
 * of the data directory taken with queries held off). `medseek restore FILE` loads it into a new
 * directory. On PostgreSQL the answer is 409: back up with pg_dump.
 */
export function backupRoutes(ctx: AppContext): Hono<AppEnv> {
  const app = new Hono<AppEnv>();
  app.get('/', async (c) => {
    const principal = c.get('principal');
    const audit = (outcome: number) =>
      ctx.audit.record(auditEvents(c, { action: 'backup', resource: 'database', outcome, patients: [] }));
    if (principal.role !== 'admin') {
      await audit(403);
      throw new MedSeekError('forbidden', 'only an admin may back up the database', { field: 'Authorization' });
    }
    if (!ctx.db.dump) {
      await audit(409);
      throw new MedSeekError(
        'conflict',
        `the database is ${ctx.db.description}: back it up with pg_dump (see the README)`,
        { field: 'DATABASE_URL' },
      );
    }
    await ctx.db.exec('CHECKPOINT');
    const tarball = await ctx.db.dump();
    await audit(200);
    const stamp = new Date().toISOString().replace(/[:.]/g, '-');
    return c.body(await tarball.arrayBuffer(), 200, {
      'Content-Type': 'application/gzip',
      'Content-Disposition': `attachment; filename="medseek-${stamp}.tar.gz"`,
      'Cache-Control': 'no-store',
    });
  });
  return app;
}
