import { join } from 'node:path';
import { seededRandom } from '../src/core/index.js';
import { importBatch, KnowledgeGraph, readBatch } from '../src/knowledge/index.js';
import { type Database, migrate, openDatabase } from '../src/store/index.js';
import { type Benchmark, peakRssMiB, percentile, sharedData } from './lib/harness.js';
import { createScratchDatabase } from './lib/scratch-db.js';

/**
 * The knowledge graph on both backends: import time and size of the 276k-triple Chinese KG
 * (kg-xywy-medical triples.tsv) and of DDXPlus; lexicon export time; p50/p99 latency of name
 * lookup (exact names, and misspelt names that need the trigram index) and of two-hop path
 * queries. PostgreSQL runs in a scratch database on `--pg` (default postgres://root@127.0.0.1/postgres;
 * `--pg none` skips it). `--data` is the xywy folder; DDXPlus is read from ../shared/data/ddxplus.
 *
 * No published baseline exists for these (the issue asks for our own figures); xywy's upstream
 * README counts 24,802 entities / 247,007 relations, our triples.tsv 276,122 triples.
 */
export default {
  name: 'knowledge',
  description:
    'knowledge graph: import time/size (xywy 276k triples, DDXPlus), lexicon export, lookup and two-hop path p50/p99 on PGlite and PostgreSQL',
  defaultData: '../shared/data/kg-xywy-medical',
  async run({ data, args, log }) {
    const pgUrl = args.pg ?? process.env.MEDSEEK_TEST_DATABASE_URL ?? 'postgres://root@127.0.0.1/postgres';
    const samples = Number(args.samples ?? 300);
    const ddxplusPath = args.ddxplus ?? sharedData('ddxplus');
    const backends: { label: string; open: () => Promise<{ db: Database; drop: () => Promise<void> }> }[] = [
      { label: 'pglite', open: async () => ({ db: await openDatabase(), drop: async () => {} }) },
    ];
    if (pgUrl !== 'none') backends.push({ label: 'postgres', open: () => scratchPostgres(pgUrl) });

    let t = performance.now();
    const xywy = readBatch('xywy', data);
    const xywyParseMs = performance.now() - t;
    t = performance.now();
    const ddx = readBatch('ddxplus', join(ddxplusPath, 'release_conditions.json'));
    const ddxParseMs = performance.now() - t;
    log(
      `parsed xywy: ${xywy.concepts.length} concepts, ${xywy.relations.length} relations in ${ms(xywyParseMs)} ms; DDXPlus ${ddx.concepts.length} / ${ddx.relations.length} in ${ms(ddxParseMs)} ms`,
    );

    // Query samples, fixed by a seeded generator so both backends answer the same questions.
    const rand = seededRandom(Number(args.seed ?? 7));
    const names = [...xywy.concepts].filter((c) => c.type === 'disease' || c.type === 'finding').map((c) => c.nameZh!);
    const exactNames = Array.from({ length: samples }, () => names[Math.floor(rand() * names.length)]!);
    const misspelt = exactNames
      .filter((n) => n.length >= 4)
      .slice(0, Math.floor(samples / 3))
      .map((n) => {
        const i = 1 + Math.floor(rand() * (n.length - 2));
        return n.slice(0, i) + n.slice(i + 1);
      });
    const out = new Map<string, string[]>();
    for (const r of xywy.relations) {
      if (
        !r.to ||
        r.type === 'department' ||
        r.type === 'avoid-food' ||
        r.type === 'good-food' ||
        r.type === 'recipe' ||
        r.type === 'treated-by'
      )
        continue;
      (out.get(r.from) ?? out.set(r.from, []).get(r.from)!).push(r.to);
      (out.get(r.to) ?? out.set(r.to, []).get(r.to)!).push(r.from);
    }
    const starts = [...out.keys()].filter((k) => k.startsWith('zh:disease:'));
    const pairs: [string, string][] = [];
    while (pairs.length < Math.min(samples, 200)) {
      const a = starts[Math.floor(rand() * starts.length)]!;
      const mids = out.get(a)!;
      const m = mids[Math.floor(rand() * mids.length)]!;
      const ends = out.get(m)!.filter((e) => e !== a);
      if (ends.length) pairs.push([a, ends[Math.floor(rand() * ends.length)]!]);
    }

    const table: Record<string, unknown>[] = [];
    const results: Record<string, unknown> = {};
    for (const backend of backends) {
      const { db, drop } = await backend.open();
      try {
        await migrate(db);
        const r: Record<string, number> = {};
        t = performance.now();
        const ddxImport = await importBatch(db, ddx, { base: null });
        r.ddxplusImportMs = performance.now() - t;
        t = performance.now();
        const xywyImport = await importBatch(db, xywy, { base: null });
        r.xywyImportMs = performance.now() - t;
        const kg = new KnowledgeGraph(db);
        const stats = await kg.stats({ release: xywyImport.releaseId });
        const ddxStats = await kg.stats({ release: ddxImport.releaseId });
        r.xywyConcepts = stats.concepts;
        r.xywyTerms = stats.terms;
        r.xywyRelations = Object.values(stats.relations).reduce((a, b) => a + b, 0);
        r.ddxplusConcepts = ddxStats.concepts;
        r.ddxplusRelations = Object.values(ddxStats.relations).reduce((a, b) => a + b, 0);
        r.tablesMiB = await tableSizeMiB(db);
        t = performance.now();
        const lexicon = await kg.exportLexicon({ release: xywyImport.releaseId });
        r.lexiconExportMs = performance.now() - t;
        r.lexiconEntries = lexicon.length;
        const time = async (fn: () => Promise<unknown>) => {
          const s = performance.now();
          await fn();
          return performance.now() - s;
        };
        const lookups: number[] = [];
        let hits = 0;
        for (const n of exactNames)
          lookups.push(
            await time(async () =>
              (await kg.find(n, { release: xywyImport.releaseId, limit: 5 })).length ? hits++ : 0,
            ),
          );
        // Exact only (id, code, name, synonym): what a caller that does its own fallback pays.
        const exactOnly: number[] = [];
        for (const n of exactNames)
          exactOnly.push(await time(() => kg.find(n, { release: xywyImport.releaseId, limit: 5, fuzzy: false })));
        const fuzzy: number[] = [];
        let fuzzyHits = 0;
        for (const n of misspelt)
          fuzzy.push(
            await time(async () =>
              (await kg.find(n, { release: xywyImport.releaseId, limit: 5 })).length ? fuzzyHits++ : 0,
            ),
          );
        const twoHop: number[] = [];
        let found = 0;
        for (const [a, b] of pairs)
          twoHop.push(
            await time(async () =>
              (await kg.paths(a, b, { release: xywyImport.releaseId, maxHops: 2, limit: 5 })).length ? found++ : 0,
            ),
          );
        Object.assign(r, {
          lookupP50Ms: percentile(lookups, 50),
          lookupP99Ms: percentile(lookups, 99),
          lookupFound: hits / exactNames.length,
          exactLookupP50Ms: percentile(exactOnly, 50),
          exactLookupP99Ms: percentile(exactOnly, 99),
          fuzzyLookupP50Ms: percentile(fuzzy, 50),
          fuzzyLookupP99Ms: percentile(fuzzy, 99),
          fuzzyFound: fuzzyHits / Math.max(1, misspelt.length),
          twoHopPathP50Ms: percentile(twoHop, 50),
          twoHopPathP99Ms: percentile(twoHop, 99),
          twoHopPathFound: found / pairs.length,
        });
        results[backend.label] = r;
        table.push({
          backend: backend.label,
          ...Object.fromEntries(Object.entries(r).map(([k, v]) => [k, Math.round(v * 100) / 100])),
        });
        log(`${backend.label}: ${JSON.stringify(r)}`);
      } finally {
        await db.close();
        await drop();
      }
    }
    const flip = Object.keys(results[backends[0]!.label] as object).map((metric) => ({
      metric,
      ...Object.fromEntries(
        backends.map((b) => [b.label, round((results[b.label] as Record<string, number>)[metric]!)]),
      ),
    }));
    return {
      split: 'none: import and lookup timings, nothing learned or scored against labels',
      inputs: [ddxplusPath],
      read: {
        xywy: data,
        ddxplus: ddxplusPath,
        xywyTriples: xywy.relations.length,
        xywyParseMs: round(xywyParseMs),
        ddxplusParseMs: round(ddxParseMs),
        samples: { lookups: exactNames.length, fuzzy: misspelt.length, twoHopPairs: pairs.length },
      },
      results,
      peakRssMiB: peakRssMiB(),
      published: {
        note: 'No published baseline: the issue asks for our own figures. Upstream xywy README counts 24,802 entities / 247,007 relations.',
      },
      table: flip,
    };
  },
} satisfies Benchmark;

function ms(v: number): number {
  return Math.round(v);
}

function round(v: number): number {
  return Math.round(v * 100) / 100;
}

async function tableSizeMiB(db: Database): Promise<number> {
  const r = await db.query<{ bytes: string | number }>(
    `select sum(pg_total_relation_size(c.oid)) as bytes from pg_class c where c.relname in ('kg_concept', 'kg_term', 'kg_code', 'kg_relation', 'kg_batch', 'kg_release', 'kg_source')`,
  );
  return round(Number(r.rows[0]?.bytes ?? 0) / 1024 / 1024);
}

async function scratchPostgres(adminUrl: string): Promise<{ db: Database; drop: () => Promise<void> }> {
  const scratch = await createScratchDatabase(adminUrl);
  const db = await openDatabase({ databaseUrl: scratch.url, maxConnections: 4 });
  return { db, drop: scratch.drop };
}
