import { readFileSync, writeFileSync } from 'node:fs';
import pg from 'pg';
import { importPath } from './src/ingest/index.js';
import { migrate, openDatabase, resourceSink } from './src/store/index.js';
// resolved-reference NDJSON like the bench
const admin = new pg.Client({ connectionString: 'postgres://root@127.0.0.1/postgres' });
await admin.connect();
await admin.query('drop database if exists medseek_exp with (force)');
await admin.query('create database medseek_exp');
const db0 = await openDatabase({ databaseUrl: 'postgres://root@127.0.0.1/medseek_exp' });
await migrate(db0);
let qtime = 0;
const db = { ...db0, query: async (t: string, p?: readonly unknown[]) => { const s = performance.now(); try { return await db0.query(t, p); } finally { qtime += performance.now() - s; } } } as typeof db0;
const t = performance.now();
const s = await importPath(process.argv[2]!, resourceSink(db), { batchSize: Number(process.argv[3] ?? 500), concurrency: Number(process.argv[4] ?? 2) });
console.log('total', (performance.now() - t) / 1000, 'in queries', qtime / 1000, s.read, s.rejected);
await db0.close();
await admin.query('drop database medseek_exp with (force)');
await admin.end();
