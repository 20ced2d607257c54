import { existsSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { resolve } from 'node:path';
import type { Command } from 'commander';
import { invalid, loadConfig } from '../../core/index.js';
import type { Spend } from '../../learning/index.js';
import {
  aggregateCounts,
  aggregatePackages,
  cryptoUniform,
  exportPackage,
  LearnedReleases,
  PrivacyAccountant,
  readConfirmedCases,
} from '../../learning/index.js';
import { knowledgeBaseResolver } from '../../reasoning/index.js';
import { openMigratedDatabase } from '../../server/index.js';

/**
 * `medseek federate export|aggregate|import`: federated learning of a causal network by files.
 *
 * - `export --kb <name> --cases <file.jsonl> --site <name> --epsilon E --delta D --clip C --ledger <file>
 *   [--budget-epsilon B --budget-delta BD] [--closed-world] --out <package.json>`: the hospital's confirmed
 *   cases (one `{"id"?, "diagnosis", "input": {age, sex, findings}}` a line) as counts, clipped and noised for
 *   (ε, δ)-DP; the ledger (created with the budget on first use) refuses a release past the budget.
 * - `aggregate <package.json…> --out <aggregate.json>`: the coordinator sums packages of one network.
 * - `import <aggregate.json> --kb <name> --by <who>`: the sum becomes a candidate learned release, to be
 *   evaluated on held-back cases before it can be activated (src/learning/releases.ts).
 */
export function register(program: Command): void {
  const fed = program.command('federate').description('federated learning of the diagnostic network by counts');
  fed
    .command('export')
    .description('write this hospital’s confirmed cases as differentially private counts')
    .requiredOption('--kb <name>', 'the network the counts are for: release, release:<id>, ddxplus, dxy')
    .requiredOption('--cases <file>', 'confirmed cases, JSON lines')
    .requiredOption('--site <name>', 'this hospital’s name in the package')
    .requiredOption('--ledger <file>', 'the privacy ledger of this hospital (JSON)')
    .requiredOption('--out <file>', 'the package to write')
    .option('--epsilon <e>', 'ε of this release', '1')
    .option('--delta <d>', 'δ of this release', '1e-5')
    .option('--clip <n>', 'most count cells one case may touch', '44')
    .option('--budget-epsilon <e>', 'the hospital’s total ε (only when the ledger is created)')
    .option('--budget-delta <d>', 'the hospital’s total δ (only when the ledger is created)')
    .option('--closed-world', 'every finding of every case is recorded present or absent')
    .action(async (o: Record<string, string | boolean | undefined>) => {
      const net = await resolveNetwork(String(o.kb));
      const cases = readConfirmedCases(String(o.cases));
      const ledgerPath = resolve(String(o.ledger));
      const accountant = loadLedger(ledgerPath, o.budgetEpsilon, o.budgetDelta);
      const pkg = exportPackage(net, cases, String(o.site), {
        epsilon: num(o.epsilon, '--epsilon'),
        delta: num(o.delta, '--delta'),
        clip: num(o.clip, '--clip'),
        closedWorld: o.closedWorld === true,
        accountant,
        uniform: cryptoUniform,
        what: `${String(o.site)} counts of ${cases.length} cases for ${net.model.id}`,
      });
      // The ledger is saved before the package exists: a crash never leaves a release unaccounted.
      writeAtomic(ledgerPath, { budget: accountant.budget, spends: accountant.ledger });
      writeAtomic(resolve(String(o.out)), pkg);
      const spent = accountant.spent;
      process.stdout.write(
        `wrote ${o.out}: ${cases.length} cases, σ ${pkg.privacy.sigma.toFixed(3)}; spent ε ${spent.epsilon} of ${accountant.budget.epsilon}\n`,
      );
    });
  fed
    .command('aggregate <packages...>')
    .description('sum hospitals’ packages of one network (coordinator)')
    .requiredOption('--out <file>', 'the aggregate to write')
    .action((packages: string[], o: { out: string }) => {
      const agg = aggregatePackages(packages.map((p) => readJson(p)));
      writeAtomic(resolve(o.out), agg);
      process.stdout.write(`wrote ${o.out}: ${agg.sites.length} sites, ${agg.stats.cases} cases (noisy)\n`);
    });
  fed
    .command('import <aggregate>')
    .description('make an aggregate a candidate learned release (evaluate before activating)')
    .requiredOption('--kb <name>', 'the network it updates')
    .requiredOption('--by <who>', 'who imports it')
    .action(async (file: string, o: { kb: string; by: string }) => {
      const db = await openMigratedDatabase(loadConfig());
      try {
        const net = await knowledgeBaseResolver({ sql: db })(o.kb);
        const body = readJson(file) as { sites?: { site: string }[] };
        const stats = aggregateCounts(body, net);
        const sites = (body.sites ?? []).map((s) => s.site).join(', ');
        const release = await new LearnedReleases(db).propose({
          source: net,
          stats,
          options: { label: `federated aggregate of ${sites}` },
          data: { label: `federated aggregate ${resolve(file)} (${sites})`, cases: stats.cases },
          createdBy: o.by,
        });
        process.stdout.write(`${JSON.stringify({ id: release.id, status: release.status, diff: release.diff })}\n`);
      } finally {
        await db.close();
      }
    });
}

async function resolveNetwork(kb: string) {
  if (!kb.startsWith('release')) return knowledgeBaseResolver({})(kb);
  const db = await openMigratedDatabase(loadConfig());
  try {
    return await knowledgeBaseResolver({ sql: db })(kb);
  } finally {
    await db.close();
  }
}

const num = (v: unknown, field: string): number => {
  const n = Number(v);
  if (v === undefined || !Number.isFinite(n)) throw invalid(`must be a number, not '${String(v)}'`, { field });
  return n;
};

function readJson(path: string): unknown {
  try {
    return JSON.parse(readFileSync(resolve(path), 'utf8'));
  } catch (e) {
    throw invalid(`cannot read JSON: ${(e as Error).message}`, { where: path });
  }
}

function loadLedger(path: string, budgetEpsilon: unknown, budgetDelta: unknown): PrivacyAccountant {
  if (existsSync(path)) {
    const l = readJson(path) as { budget: { epsilon: number; delta: number }; spends: Spend[] };
    if (budgetEpsilon !== undefined || budgetDelta !== undefined)
      throw invalid('the ledger exists: its budget cannot be changed here', { field: '--budget-epsilon' });
    return new PrivacyAccountant(l.budget, l.spends);
  }
  if (budgetEpsilon === undefined || budgetDelta === undefined)
    throw invalid(`no ledger at ${path}: a new one needs --budget-epsilon and --budget-delta`, {
      field: '--budget-epsilon',
    });
  return new PrivacyAccountant({
    epsilon: num(budgetEpsilon, '--budget-epsilon'),
    delta: num(budgetDelta, '--budget-delta'),
  });
}

function writeAtomic(path: string, body: unknown): void {
  const tmp = `${path}.${process.pid}.tmp`;
  writeFileSync(tmp, `${JSON.stringify(body)}\n`, { mode: 0o600 });
  renameSync(tmp, path);
}
