import { performance } from 'node:perf_hooks';
import { parseFhirSearch } from '../src/server/fhir/search/parse.js';
import { demoBundlePaths, importPath } from '../src/ingest/index.js';
import { storeSink } from '../src/server/store-sink.js';
import {
  createResourceRepository,
  type Database,
  migrate,
  openDatabase,
  refreshSearchIndex,
  runFhirSearch,
} from '../src/store/index.js';
import type { Benchmark } from './lib/harness.js';
import { createScratchDatabase } from './lib/scratch-db.js';

/**
 * bench/fhir-search: the FHIR search a US Core client sends most, a patient's Observations by
 * category and date (`Observation?patient=…&category=…&date=ge…`), on the demo patients, timed
 * from query string to page (parse, index check, count, page) on PGlite and PostgreSQL. Also the
 * time to build the search index of everything imported. Goal (issue 26): p50 < 20 ms.
 *   --pg <url>     PostgreSQL admin URL (default postgres://root@127.0.0.1/postgres; `none` skips it)
 *   --rounds <n>   searches per backend (default 300)
 */
export default {
  name: 'fhir-search',
  description: "FHIR search latency: a patient's Observations by category and date, on the demo patients",
  defaultData: 'demo/synthea',
  async run({ args, log }) {
    const rounds = Number(args.rounds ?? 300);
    const adminUrl = args.pg === 'none' ? undefined : (args.pg ?? 'postgres://root@127.0.0.1/postgres');
    const rows: Record<string, unknown>[] = [];
    for (const backend of ['pglite', ...(adminUrl ? ['postgres'] : [])]) {
      const scratch = backend === 'postgres' ? await createScratchDatabase(adminUrl!) : undefined;
      const db = await openDatabase(scratch ? { databaseUrl: scratch.url } : {});
      try {
        rows.push({ backend, ...(await measure(db, rounds)) });
        log(JSON.stringify(rows.at(-1)));
      } finally {
        await db.close();
        await scratch?.drop();
      }
    }
    return { rows };
  },
} satisfies Benchmark;

async function measure(db: Database, rounds: number): Promise<Record<string, unknown>> {
  await migrate(db);
  const sink = storeSink(db, createResourceRepository(db));
  for (const path of demoBundlePaths()) await importPath(path, sink);
  const indexStart = performance.now();
  const indexed = await refreshSearchIndex(db);
  const indexSeconds = (performance.now() - indexStart) / 1000;
  // Every (patient, category) pair the demo has, each searched from the year of its middle observation.
  const { rows: pairs } = await db.query<{ patient: string; category: string; year: string }>(
    `select r.patient_id as patient, v.code as category,
       substr(percentile_disc(0.5) within group (order by d.lo)::text, 1, 4) as year
     from fhir_resources r
     join fhir_search_values v on v.resource_type = r.resource_type and v.id = r.id and v.param = 'category'
     join fhir_search_values d on d.resource_type = r.resource_type and d.id = r.id and d.param = 'date'
     where r.resource_type = 'Observation' and r.patient_id is not null and v.code is not null
     group by r.patient_id, v.code`,
  );
  const times: number[] = [];
  let found = 0;
  for (let i = 0; i < rounds; i++) {
    const pair = pairs[i % pairs.length]!;
    const query = new URLSearchParams({ patient: pair.patient, category: pair.category, date: `ge${pair.year}` });
    const t = performance.now();
    const parsed = parseFhirSearch('Observation', query);
    const out = await runFhirSearch(db, 'Observation', { ...parsed.search, patient: parsed.patient! });
    times.push(performance.now() - t);
    found += out.matches.length;
  }
  times.sort((a, b) => a - b);
  const at = (q: number) => Number(times[Math.min(times.length - 1, Math.floor(q * times.length))]!.toFixed(2));
  return {
    resourcesIndexed: indexed,
    indexSeconds: Number(indexSeconds.toFixed(2)),
    searches: rounds,
    patientCategoryPairs: pairs.length,
    meanMatches: Number((found / rounds).toFixed(1)),
    p50ms: at(0.5),
    p95ms: at(0.95),
  };
}
