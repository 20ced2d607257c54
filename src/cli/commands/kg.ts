import { SingleBar } from 'cli-progress';
import type { Command } from 'commander';
import { invalid, loadConfig } from '../../core/index.js';
import {
  activateRelease,
  buildBroadRelease,
  conceptName,
  IMPORT_KINDS,
  importKnowledge,
  type KgConcept,
  KnowledgeGraph,
  listReleases,
  type ProgressFn,
  releaseReport,
} from '../../knowledge/index.js';
import type { Database } from '../../store/index.js';
import { AuditLog, openMigratedDatabase } from '../../server/index.js';

/**
 * `medseek kg …`: the knowledge graph. import <kind> <path> makes a new numbered release (the
 * active one plus the import); releases lists them; activate switches; find and path query the
 * active release (or --release).
 */
export function register(program: Command): void {
  const kg = program
    .command('kg')
    .description('the knowledge graph: import sources, list and activate releases, look up concepts and paths');

  kg.command('import <kind> [path]')
    .description(
      `import knowledge into a new release; kinds: ${IMPORT_KINDS.join(', ')} ` +
        '(cds, qc, hpo and doid need no path: bundled data)',
    )
    .option('--base <release>', "start from this release instead of the active one ('none': from nothing)")
    .option('--activate', 'make the new release the active one')
    .option('--label <text>', 'a label for the release')
    .option('--json', 'print the result as JSON')
    .action(
      async (
        kind: string,
        path: string | undefined,
        opts: { base?: string; activate?: boolean; label?: string; json?: boolean },
      ) => {
        await withDb(async (db) => {
          const base =
            opts.base === undefined ? undefined : opts.base === 'none' ? null : releaseNumber(opts.base, '--base');
          const { progress, stop } = progressBar();
          try {
            const r = await importKnowledge(db, kind, path, {
              ...(base !== undefined ? { base } : {}),
              ...(opts.activate ? { activate: true } : {}),
              ...(opts.label ? { label: opts.label } : {}),
              progress,
            });
            stop();
            await new AuditLog(db).recordCliChange('kg.import', `kg-release/${r.releaseId}`, {
              kind,
              batchId: r.batchId,
              releaseId: r.releaseId,
              activated: Boolean(opts.activate),
            });
            if (opts.json) return print(r);
            const what = r.batchCreated ? 'imported' : 'already imported (same content): reused';
            process.stdout.write(
              `${kind}: ${what} ${r.counts.concepts} concepts, ${r.counts.relations} relations (batch ${r.batchId})\n`,
            );
            process.stdout.write(
              `release ${r.releaseId}${r.releaseCreated ? ' created' : ' (existing, same content)'}${opts.activate ? ', active' : ''}\n`,
            );
          } finally {
            stop();
          }
        });
      },
    );

  kg.command('build')
    .description(
      'build the broad release from every bundled shippable source (CDS, DDXPlus, ICD-10 国家临床版, QC, HPO, DO) in one go',
    )
    .option('--activate', 'make the new release the active one')
    .option('--label <text>', 'a label for the release')
    .option('--json', 'print the result and the release report as JSON')
    .action(async (opts: { activate?: boolean; label?: string; json?: boolean }) => {
      await withDb(async (db) => {
        const { progress, stop } = progressBar();
        try {
          const r = await buildBroadRelease(db, {
            progress,
            ...(opts.activate ? { activate: true } : {}),
            ...(opts.label ? { label: opts.label } : {}),
          });
          stop();
          await new AuditLog(db).recordCliChange('kg.build', `kg-release/${r.releaseId}`, {
            releaseId: r.releaseId,
            batches: r.batches.map((b) => b.batchId),
            activated: Boolean(opts.activate),
          });
          const report = await releaseReport(db, r.releaseId);
          if (opts.json) return print({ ...r, report });
          for (const b of r.batches)
            process.stdout.write(
              `${b.kind}: ${b.created ? 'imported' : 'reused'} ${b.concepts} concepts, ` +
                `${b.relations} relations (batch ${b.batchId})\n`,
            );
          process.stdout.write(
            `release ${r.releaseId}${r.created ? ' created' : ' (existing, same content)'}` +
              `${opts.activate ? ', active' : ''} in ${(r.seconds.read + r.seconds.write).toFixed(1)} s\n`,
          );
          writeReport(report);
        } finally {
          stop();
        }
      });
    });

  kg.command('report')
    .description('diseases, findings, edges with frequencies, Chinese-name coverage, sources and licences of a release')
    .option('--release <id>', 'report on this release instead of the active one')
    .option('--json', 'print as JSON')
    .action(async (opts: { release?: string; json?: boolean }) => {
      await withDb(async (db) => {
        const report = await releaseReport(db, opts.release ? releaseNumber(opts.release, '--release') : undefined);
        if (opts.json) return print(report);
        writeReport(report);
      });
    });

  kg.command('releases')
    .description('list the knowledge releases (* = active)')
    .option('--json', 'print as JSON')
    .action(async (opts: { json?: boolean }) => {
      await withDb(async (db) => {
        const releases = await listReleases(db);
        if (opts.json) return print(releases);
        if (!releases.length)
          return void process.stdout.write('no knowledge releases yet: medseek kg import <kind> <path>\n');
        for (const r of releases) {
          const counts = r.batches.reduce((n, b) => n + (b.counts.relations ?? 0), 0);
          process.stdout.write(
            `${r.active ? '*' : ' '} ${r.id}  ${r.createdAt}  ${r.shippable ? '' : '[not shippable: unlicensed source] '}${r.label}  (${r.batches.map((b) => b.kind).join(', ')}; ${counts} relations)\n`,
          );
        }
      });
    });

  kg.command('activate <release>')
    .description('make a release the active one')
    .action(async (release: string) => {
      await withDb(async (db) => {
        const before = (await listReleases(db)).find((r) => r.active)?.id;
        await activateRelease(db, releaseNumber(release, 'release'));
        await new AuditLog(db).recordCliChange('kg.activate', `kg-release/${release}`, {
          activeBefore: before ?? null,
          activeAfter: releaseNumber(release, 'release'),
        });
        process.stdout.write(`release ${release} is active\n`);
      });
    });

  kg.command('find <query>')
    .description('look a concept up by code, Chinese or English name, synonym, or a near spelling')
    .option('--release <id>', 'query this release instead of the active one')
    .option('--limit <n>', 'how many', '10')
    .option('--json', 'print as JSON')
    .action(async (query: string, opts: { release?: string; limit: string; json?: boolean }) => {
      await withDb(async (db) => {
        const graph = new KnowledgeGraph(db);
        const release = opts.release ? releaseNumber(opts.release, '--release') : undefined;
        const found = await graph.find(query, {
          ...(release !== undefined ? { release } : {}),
          limit: releaseNumber(opts.limit, '--limit'),
        });
        if (opts.json) return print(found);
        if (!found.length) return void process.stdout.write(`nothing found for '${query}'\n`);
        for (const m of found)
          process.stdout.write(
            `${m.concept.id}  [${m.concept.type}]  ${label(m.concept)}  (${m.matched.how}: ${m.matched.text})\n`,
          );
      });
    });

  kg.command('path <a> <b>')
    .description('paths between two concepts (ids, codes or names), each edge with its source')
    .option('--release <id>', 'query this release instead of the active one')
    .option('--max-hops <n>', 'longest path', '3')
    .option('--limit <n>', 'how many paths', '5')
    .option('--json', 'print as JSON')
    .action(
      async (a: string, b: string, opts: { release?: string; maxHops: string; limit: string; json?: boolean }) => {
        await withDb(async (db) => {
          const graph = new KnowledgeGraph(db);
          const release = opts.release ? releaseNumber(opts.release, '--release') : undefined;
          const ro = release !== undefined ? { release } : {};
          const [ca, cb] = await Promise.all([graph.resolve(a, ro), graph.resolve(b, ro)]);
          const paths = await graph.paths(ca.id, cb.id, {
            ...ro,
            maxHops: releaseNumber(opts.maxHops, '--max-hops'),
            limit: releaseNumber(opts.limit, '--limit'),
          });
          if (opts.json) return print(paths);
          if (!paths.length)
            return void process.stdout.write(
              `no path of at most ${opts.maxHops} steps from ${label(ca)} to ${label(cb)}\n`,
            );
          for (const p of paths) {
            const names = new Map(p.concepts.map((c) => [c.id, label(c)]));
            process.stdout.write(`${p.nodes.map((n) => names.get(n) ?? n).join(' — ')}\n`);
            for (const e of p.edges) {
              process.stdout.write(
                `    ${names.get(e.from) ?? e.from} -[${e.type}]-> ${e.to ? (names.get(e.to) ?? e.to) : ''}   source: ${e.source.name}${e.source.document ? `, ${e.source.document}` : ''}${e.source.licence ? ` (${e.source.licence})` : ''}\n`,
              );
            }
          }
        });
      },
    );
}

function label(c: KgConcept): string {
  const n = conceptName(c);
  return n.zh && n.zh !== n.en ? `${n.zh} / ${n.en}` : n.en;
}

function writeReport(r: Awaited<ReturnType<typeof releaseReport>>): void {
  const pct = (x: number) => `${(x * 100).toFixed(1)} %`;
  process.stdout.write(
    `release ${r.releaseId}: ${r.diseases.withFindings} diseases with findings ` +
      `(Chinese name: ${pct(r.diseases.zhCoverage)}), ${r.findings.total} findings ` +
      `(Chinese name: ${pct(r.findings.zhCoverage)}), ${r.edges.total} has-finding edges ` +
      `(${r.edges.withFrequency} with a frequency, ${r.edges.frequencyUnknown} frequency unknown)\n`,
  );
  for (const s of r.sources)
    process.stdout.write(
      `  ${s.id}: ${s.relations} relations; ${s.licence ?? 'licence not stated'}` +
        `${s.version ? `; version ${s.version}` : ''}${s.shippable ? '' : ' [not shippable]'}\n`,
    );
}

function releaseNumber(v: string, field: string): number {
  if (!/^\d{1,9}$/.test(v)) throw invalid(`${field} must be a whole number, got '${v}'`, { field });
  return Number(v);
}

function print(v: unknown): void {
  process.stdout.write(`${JSON.stringify(v, (_k, x) => (x instanceof Map ? Object.fromEntries(x) : x), 2)}\n`);
}

async function withDb(fn: (db: Database) => Promise<void>): Promise<void> {
  const db = await openMigratedDatabase(loadConfig());
  try {
    await fn(db);
  } finally {
    await db.close();
  }
}

/** A progress bar on a terminal (stderr); silent otherwise. */
function progressBar(): { progress: ProgressFn; stop: () => void } {
  if (!process.stderr.isTTY) return { progress: () => {}, stop: () => {} };
  let bar: SingleBar | undefined;
  return {
    progress: (done, total, phase) => {
      if (!bar) {
        bar = new SingleBar({
          stream: process.stderr,
          format: '{bar} {percentage}% ({phase})',
          hideCursor: true,
          clearOnComplete: true,
        });
        bar.start(total, 0, { phase });
      }
      if (bar.getTotal() !== total) bar.setTotal(total);
      bar.update(done, { phase });
    },
    stop: () => {
      bar?.stop();
      bar = undefined;
    },
  };
}
