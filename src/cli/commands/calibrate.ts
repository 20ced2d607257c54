import type { Command } from 'commander';
import { invalid, loadConfig } from '../../core/index.js';
import type { CalibrationRelease, LearnedRelease } from '../../learning/index.js';
import { CalibrationReleases, caseKey, fitFromStore, readConfirmedCases } from '../../learning/index.js';
import { knowledgeBaseResolver } from '../../reasoning/index.js';
import { openMigratedDatabase } from '../../server/index.js';

/**
 * `medseek calibrate fit|activate|rollback|list`: calibration maps of a network's differential learned from
 * confirmed cases (src/learning/calibrations.ts; docs/learning.md).
 *
 * - `fit --kb <name> --cases <fit.jsonl> --held-back <held.jsonl> --by <who>`: fits a candidate map on the cases
 *   (one `{"id"?, "diagnosis", "input", "department"?}` a line) and evaluates it on the held-back ones (none of them
 *   fitted on); prints its Brier score and ECE beside the raw posterior's and the active map's. A candidate worse
 *   than what is active is refused. `fit --kb <name> --from-store [--held-back-share 0.3] [--learned-release]`
 *   fits on the confirmed cases the hospital stores (accepted differentials, matched pre-consultations) and holds
 *   back a share of them by a hash of each case's id; with --learned-release a learned release is proposed and
 *   evaluated on the same held-back cases too (activated only with the learning admin page or its route).
 * - `activate <id> --by <who>`: only a candidate that passed; `rollback --kb <name> --by <who>`; `list [--kb]`.
 */
export function register(program: Command): void {
  const cal = program
    .command('calibrate')
    .description('calibration of the differential learned from confirmed outcomes');
  cal
    .command('fit')
    .description('fit a calibration map on confirmed cases and evaluate it on held-back ones')
    .requiredOption('--kb <name>', 'the network whose posteriors are calibrated (release:<id> for a knowledge release)')
    .option('--cases <file>', 'confirmed cases to fit on, JSON lines')
    .option('--held-back <file>', 'confirmed cases held back for the evaluation, JSON lines')
    .option('--from-store', 'fit on the confirmed cases the hospital stores, holding back a share of them instead')
    .option('--held-back-share <x>', 'with --from-store: the share held back (default 0.3)', Number)
    .option('--learned-release', 'with --from-store: also propose a learned release, evaluated on the same cases')
    .requiredOption('--by <who>', 'who fits it')
    .option('--label <words>', 'what the cases are (default: the file name)')
    .action(async (o: FitFlags) =>
      withStore(async (store, db) => {
        const network = await knowledgeBaseResolver({ sql: db })(o.kb);
        const release = o.kb.startsWith('release:') ? o.kb.slice('release:'.length) : undefined;
        if (o.fromStore) {
          if (o.cases || o.heldBack) throw invalid('--from-store reads no files', { field: '--from-store' });
          const r = await fitFromStore(db, {
            network,
            what: o.learnedRelease ? 'both' : 'calibration',
            by: o.by,
            ...(o.heldBackShare !== undefined ? { heldBackShare: o.heldBackShare } : {}),
            ...(release ? { modelRelease: release } : {}),
          });
          if (r.calibration) print(r.calibration);
          if (r.release) process.stdout.write(`${JSON.stringify(releaseLine(r.release))}\n`);
          return;
        }
        if (!o.cases || !o.heldBack)
          throw invalid('--cases and --held-back are required without --from-store', { field: '--cases' });
        const cases = readConfirmedCases(o.cases);
        const heldBack = { label: o.heldBack, cases: readConfirmedCases(o.heldBack) };
        // Refused before anything is stored: a candidate fitted on its own held-back cases could never be judged.
        const fitted = new Set(cases.map(caseKey));
        const overlap = heldBack.cases.filter((c) => fitted.has(caseKey(c))).length;
        if (overlap > 0)
          throw invalid(`${overlap} held-back cases are among the cases to fit on`, { field: '--held-back' });
        const proposed = await store.propose({
          network,
          ...(release ? { modelRelease: release } : {}),
          cases,
          label: o.label ?? o.cases,
          createdBy: o.by,
        });
        print(await store.evaluate(proposed.id, network, heldBack, o.by));
      }),
    );
  cal
    .command('activate <id>')
    .description('make a candidate that passed its evaluation the active map')
    .requiredOption('--by <who>', 'who activates it')
    .action(async (id: string, o: { by: string }) => withStore(async (store) => print(await store.activate(id, o.by))));
  cal
    .command('rollback')
    .description('retire the active map and restore the one it replaced')
    .requiredOption('--kb <name>', 'the network')
    .requiredOption('--by <who>', 'who rolls it back')
    .action(async (o: { kb: string; by: string }) =>
      withStore(async (store, db) => {
        const network = await knowledgeBaseResolver({ sql: db })(o.kb);
        const restored = await store.rollback(network.model.id, o.by);
        process.stdout.write(`${JSON.stringify({ networkId: network.model.id, active: restored?.id ?? null })}\n`);
      }),
    );
  cal
    .command('list')
    .description('every calibration map, oldest first')
    .option('--kb <name>', 'only this network’s')
    .action(async (o: { kb?: string }) =>
      withStore(async (store, db) => {
        const networkId = o.kb ? (await knowledgeBaseResolver({ sql: db })(o.kb)).model.id : undefined;
        for (const r of await store.list(networkId)) print(r);
      }),
    );
}

interface FitFlags {
  readonly kb: string;
  readonly cases?: string;
  readonly heldBack?: string;
  readonly fromStore?: boolean;
  readonly heldBackShare?: number;
  readonly learnedRelease?: boolean;
  readonly by: string;
  readonly label?: string;
}

/** A learned release's id, status and held-back figures beside its baseline's. */
const releaseLine = (r: LearnedRelease) => {
  const e = r.evaluation;
  const figures = (x: { gtpa1: number; gtpa3: number; brier: number }) => ({
    gtpa1: x.gtpa1,
    gtpa3: x.gtpa3,
    brier: x.brier,
  });
  return {
    id: r.id,
    kind: 'learned-release',
    status: r.status,
    cases: r.data.cases,
    ...(e
      ? {
          heldBack: e.heldBack.cases,
          baseline: { id: e.baselineId, ...figures(e.baseline) },
          candidate: figures(e.candidate),
          passed: e.passed,
          reasons: e.reasons,
        }
      : {}),
  };
};

type Db = Awaited<ReturnType<typeof openMigratedDatabase>>;

async function withStore(f: (store: CalibrationReleases, db: Db) => Promise<void>): Promise<void> {
  const db = await openMigratedDatabase(loadConfig());
  try {
    await f(new CalibrationReleases(db), db);
  } finally {
    await db.close();
  }
}

/** One line per map: its id and status, and its held-back figures where evaluated. */
function print(r: CalibrationRelease): void {
  const e = r.evaluation;
  const figures = (c: { brier: number; ece: number }) => ({ brier: c.brier, ece: c.ece });
  process.stdout.write(
    `${JSON.stringify({
      id: r.id,
      status: r.status,
      cases: r.data.cases,
      map: r.map,
      ...(e
        ? {
            heldBack: e.heldBack.cases,
            raw: figures(e.raw),
            baseline: { id: e.baselineId, ...figures(e.baseline) },
            candidate: figures(e.candidate),
            passed: e.passed,
            reasons: e.reasons,
          }
        : {}),
    })}\n`,
  );
}
