import { existsSync, mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { resolve } from 'node:path';
import type { Command } from 'commander';
import { invalid, loadConfig } from '../../core/index.js';
import type { RoundSecret, Spend } from '../../learning/index.js';
import {
  addToRoster,
  aggregateCounts,
  aggregateMasked,
  aggregatePackages,
  aggregateWithRecovery,
  answerUnmask,
  collectDap,
  createDapTask,
  cryptoUniform,
  exportDap,
  exportMaskedPackage,
  exportPackage,
  LearnedReleases,
  makeShares,
  PrivacyAccountant,
  parseDapSecret,
  parseDapTask,
  parseRoster,
  parseRoundKeys,
  ROSTER_FORMAT,
  ROUND_SECRET_FORMAT,
  type Roster,
  readConfirmedCases,
  roundKeys,
  startDapAggregator,
  unmaskRequest,
} from '../../learning/index.js';
import { knowledgeBaseResolver } from '../../reasoning/index.js';
import { openMigratedDatabase } from '../../server/index.js';

/**
 * `medseek federate keys|shares|export|aggregate|unmask|import`: federated learning of a causal network by files.
 *
 * - `keys --round <id> --site <name> --keys <private.json> --roster <roster.json>`: this hospital's key pairs
 *   for a secure-aggregation round (src/learning/secure-aggregation-keys.ts); the private keys stay here, the
 *   public ones are added to the roster (created on first use), which every hospital and the coordinator
 *   then share.
 * - `shares --roster <roster.json> --keys <private.json> --secret <secret.json> --out <shares.json>
 *   [--threshold t]`: for a round that survives dropouts, this hospital's Shamir shares of its mask key and of
 *   a fresh self-mask seed, sealed to each member (src/learning/secure-aggregation-shares.ts), for the
 *   coordinator to forward; the seed stays here in the secret file.
 * - `export … --round <roster.json> --keys <private.json> [--colluders T] [--secret <secret.json>]`: with a
 *   roster, the package is masked and signed and carries a 1/(n − T) share of the noise
 *   (src/learning/secure-aggregation.ts); with the secret, self-masked too.
 * - `export --kb <name> --cases <file.jsonl> --site <name> --epsilon E --delta D --clip C --ledger <file>
 *   [--budget-epsilon B --budget-delta BD] [--closed-world] --out <package.json>`: the hospital's confirmed
 *   cases (one `{"id"?, "diagnosis", "input": {age, sex, findings}}` a line) as counts, clipped and noised for
 *   (ε, δ)-DP; the ledger (created with the budget on first use) refuses a release past the budget.
 * - `aggregate <package.json…> --out <aggregate.json> [--roster <roster.json>]`: the coordinator sums packages of
 *   one network; with a roster, masked packages, each signature checked, every hospital's package required.
 *   In a round with shares: `--shares <shares.json…>` writes the unmasking request to `--out`; then
 *   `--request <request.json> --responses <response.json…>` writes the survivors' sum, with the noise and
 *   (ε, δ) it actually has (src/learning/secure-aggregation-unmask.ts).
 * - `unmask --request <request.json> --roster <roster.json> --keys <private.json> --secret <secret.json>
 *   --ledger <ledger.json> --out <response.json>`: a survivor answers with its shares (never both of one
 *   hospital; one split a round), its ledger first charged the ε that the dropouts add, if any.
 * - `import <aggregate.json> --kb <name> --by <who>`: the sum becomes a candidate learned release, to be
 *   evaluated on held-back cases before it can be activated (src/learning/releases.ts).
 *
 * Beyond files, the same round over DAP-09 with Prio3SumVec (src/learning/dap-*.ts; docs/learning.md says why DAP):
 * - `dap-task --kb <name> --leader <url> --helper <url> --hospitals n --epsilon E --delta D --clip C [--colluders T]
 *   [--closed-world] [--bits B --fraction-bits F] --out <task.json> --secrets <dir>`: the coordinator's task (public)
 *   and each party's secrets (leader.json, helper.json, collector.json in the folder) to hand over.
 * - `dap-aggregator --role leader|helper --task <task.json> --secret <file> [--port P --host H]`: serves one
 *   aggregator until stopped.
 * - `export --dap <task.json> --kb … --cases … --site … --ledger … --out <receipt.json>`: the hospital uploads its
 *   release as a DAP report (the task's ε, δ, clip and noise share apply; the ledger is charged as for a file).
 * - `collect --task <task.json> --secret <collector.json> --out <aggregate.json>`: the collector's sum, in the
 *   aggregate format `import` reads.
 */
export function register(program: Command): void {
  const fed = program.command('federate').description('federated learning of the diagnostic network by counts');
  fed
    .command('keys')
    .description('make this hospital’s keys for a secure-aggregation round and add them to the roster')
    .requiredOption('--round <id>', 'the round’s id (new keys for every round)')
    .requiredOption('--site <name>', 'this hospital’s name')
    .requiredOption('--keys <file>', 'where to write this hospital’s private keys (kept here)')
    .requiredOption('--roster <file>', 'the round’s roster (created when absent)')
    .action((o: { round: string; site: string; keys: string; roster: string }) => {
      const keysPath = resolve(o.keys);
      if (existsSync(keysPath))
        throw invalid(`${o.keys} exists: private keys are never overwritten`, { field: '--keys' });
      const rosterPath = resolve(o.roster);
      const current = existsSync(rosterPath) ? (readJson(rosterPath) as Roster) : undefined;
      if (current && current.format !== ROSTER_FORMAT)
        throw invalid(`not a ${ROSTER_FORMAT} file`, { where: o.roster });
      const { keys, member } = roundKeys(o.round, o.site);
      const roster = addToRoster(current, o.round, member);
      writeAtomic(keysPath, keys);
      writeAtomic(rosterPath, roster);
      process.stdout.write(`wrote ${o.keys}; ${o.roster} lists ${roster.members.map((m) => m.site).join(', ')}\n`);
    });
  fed
    .command('shares')
    .description('split this hospital’s mask key and a fresh self-mask seed into shares for the others')
    .requiredOption('--roster <file>', 'the round’s roster')
    .requiredOption('--keys <file>', 'this hospital’s private keys for the round')
    .requiredOption('--secret <file>', 'where to write this hospital’s self-mask seed (kept here)')
    .requiredOption('--out <file>', 'the shares file to write (for the coordinator to forward)')
    .option('--threshold <t>', 'shares that rebuild a secret (default: a majority, at least 2)')
    .action(async (o: { roster: string; keys: string; secret: string; out: string; threshold?: string }) => {
      const secretPath = resolve(o.secret);
      if (existsSync(secretPath))
        throw invalid(`${o.secret} exists: a round's seed is never replaced`, { field: '--secret' });
      const roster = parseRoster(readJson(o.roster), o.roster);
      const keys = parseRoundKeys(readJson(o.keys));
      if (keys.keys.round !== roster.round)
        throw invalid(`the keys are for round '${keys.keys.round}'`, { field: '--keys' });
      const threshold = o.threshold === undefined ? undefined : num(o.threshold, '--threshold');
      const made = await makeShares(roster, keys.keys.site, keys, threshold);
      writeAtomic(secretPath, made.secret);
      writeAtomic(resolve(o.out), made.shares);
      process.stdout.write(
        `wrote ${o.out}: shares for ${roster.members.length} hospitals, ${made.shares.threshold} rebuild a secret\n`,
      );
    });
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
    .option('--round <roster>', 'a secure-aggregation round’s roster: mask and sign the package')
    .option('--keys <file>', 'this hospital’s private keys for the round (federate keys)')
    .option('--colluders <t>', 'hospitals that may share their noise with an observer of the sum', '1')
    .option('--secret <file>', 'this hospital’s round secret (federate shares): self-mask, survive dropouts')
    .option('--dap <task>', 'a DAP task (federate dap-task): upload the release to its leader and helper')
    .action(async (o: Record<string, string | boolean | undefined>) => {
      const net = await resolveNetwork(String(o.kb));
      if (o.dap !== undefined) return exportOverDap(net, o);
      const cases = readConfirmedCases(String(o.cases));
      const ledgerPath = resolve(String(o.ledger));
      const accountant = loadLedger(ledgerPath, o.budgetEpsilon, o.budgetDelta);
      const site = String(o.site);
      const options = {
        epsilon: num(o.epsilon, '--epsilon'),
        delta: num(o.delta, '--delta'),
        clip: num(o.clip, '--clip'),
        closedWorld: o.closedWorld === true,
        accountant,
        uniform: cryptoUniform,
      };
      let pkg: { privacy: { sigma: number } };
      if (o.round !== undefined) {
        if (o.keys === undefined) throw invalid('a masked package needs --keys', { field: '--keys' });
        const roster = parseRoster(readJson(String(o.round)), String(o.round));
        const keys = parseRoundKeys(readJson(String(o.keys)));
        if (keys.keys.round !== roster.round || keys.keys.site !== site)
          throw invalid(`the keys are ${keys.keys.site}'s for round '${keys.keys.round}'`, { field: '--keys' });
        pkg = exportMaskedPackage(net, cases, {
          ...options,
          roster,
          site,
          agreementKey: keys.agreement,
          signingKey: keys.signing,
          colluders: num(o.colluders, '--colluders'),
          ...(o.secret !== undefined ? { dropout: readSecret(String(o.secret)) } : {}),
        }).package;
      } else
        pkg = exportPackage(net, cases, site, {
          ...options,
          what: `${site} counts of ${cases.length} cases for ${net.model.id}`,
        });
      // The ledger is saved before the package exists: a crash never leaves a release unaccounted.
      writeAtomic(ledgerPath, { budget: accountant.budget, spends: accountant.ledger });
      writeAtomic(resolve(String(o.out)), pkg);
      const spent = accountant.spent;
      process.stdout.write(
        `wrote ${o.out}: ${cases.length} cases, σ ${pkg.privacy.sigma.toFixed(3)}; ` +
          `spent ε ${spent.epsilon} of ${accountant.budget.epsilon}\n`,
      );
    });
  fed
    .command('aggregate <packages...>')
    .description('sum hospitals’ packages of one network (coordinator)')
    .requiredOption('--out <file>', 'the aggregate to write')
    .option('--roster <file>', 'the secure-aggregation round’s roster (masked packages)')
    .option('--shares <files...>', 'every hospital’s shares file: write the unmasking request to --out')
    .option('--request <file>', 'the unmasking request the responses answer')
    .option('--responses <files...>', 'the survivors’ answers: write the sum to --out')
    .action(async (packages: string[], o: AggregateOptions) => {
      const bodies = packages.map((p) => readJson(p));
      if ((o.shares || o.responses) && !o.roster)
        throw invalid('a round with shares needs --roster', { field: '--roster' });
      const roster = o.roster ? parseRoster(readJson(o.roster), o.roster) : undefined;
      if (o.shares) {
        const request = unmaskRequest(bodies, o.shares.map(readJson), roster!);
        writeAtomic(resolve(o.out), request);
        process.stdout.write(
          `wrote ${o.out}: survivors ${request.survivors.join(', ')}; ` +
            `dropped ${request.dropped.join(', ') || 'none'}\n`,
        );
        return;
      }
      if (o.responses && !o.request) throw invalid('--responses needs --request', { field: '--request' });
      const recovered = o.responses
        ? await aggregateWithRecovery(bodies, roster!, readJson(String(o.request)), o.responses.map(readJson))
        : undefined;
      const agg = recovered ?? (roster ? aggregateMasked(bodies, roster) : aggregatePackages(bodies));
      writeAtomic(resolve(o.out), agg);
      const note = recovered?.secureAggregation.dropouts?.note;
      process.stdout.write(
        `wrote ${o.out}: ${agg.sites.length} sites, ${agg.stats.cases} cases (noisy)${note ? `; ${note}` : ''}\n`,
      );
    });
  fed
    .command('unmask')
    .description('answer the coordinator’s unmasking request with this hospital’s shares (a survivor)')
    .requiredOption('--request <file>', 'the coordinator’s request')
    .requiredOption('--roster <file>', 'the round’s roster')
    .requiredOption('--keys <file>', 'this hospital’s private keys for the round')
    .requiredOption('--secret <file>', 'this hospital’s round secret (records the request answered)')
    .requiredOption('--ledger <file>', 'this hospital’s privacy ledger: charged the ε that dropouts add')
    .requiredOption('--out <file>', 'the response to write')
    .action((o: { request: string; roster: string; keys: string; secret: string; ledger: string; out: string }) => {
      const roster = parseRoster(readJson(o.roster), o.roster);
      const secretPath = resolve(o.secret);
      const ledgerPath = resolve(o.ledger);
      if (!existsSync(ledgerPath)) throw invalid(`no ledger at ${o.ledger}`, { field: '--ledger' });
      const accountant = loadLedger(ledgerPath, undefined, undefined);
      const answered = answerUnmask(readJson(o.request), {
        roster,
        keys: parseRoundKeys(readJson(o.keys)),
        secret: readSecret(secretPath),
        accountant,
      });
      // The answer and its cost are recorded before it leaves: a crash never lets a second, different split
      // be answered, nor a release go unaccounted.
      writeAtomic(ledgerPath, { budget: accountant.budget, spends: accountant.ledger });
      writeAtomic(secretPath, answered.secret);
      writeAtomic(resolve(o.out), answered.response);
      const { towardCoordinator: c, towardEachHospital: h } = answered.achieved;
      process.stdout.write(
        `wrote ${o.out}: shares of ${Object.keys(answered.response.keyShares).length} dropped and ` +
          `${Object.keys(answered.response.selfMaskShares).length} surviving hospitals; the sum will be ε ` +
          `${c.epsilon.toFixed(3)} towards the coordinator, ε ${h.epsilon.toFixed(3)} towards one hospital; ` +
          `spent ε ${+accountant.spent.epsilon.toFixed(3)} of ${accountant.budget.epsilon}\n`,
      );
    });
  registerDap(fed);
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

/** The DAP commands (see the list above). */
function registerDap(fed: Command): void {
  fed
    .command('dap-task')
    .description('make a DAP task for a federated round, and each party’s secrets (coordinator)')
    .requiredOption('--kb <name>', 'the network the counts are for')
    .requiredOption('--leader <url>', 'the leader aggregator’s URL')
    .requiredOption('--helper <url>', 'the helper aggregator’s URL')
    .requiredOption('--hospitals <n>', 'hospitals in the round (the batch must hold exactly this many reports)')
    .requiredOption('--out <file>', 'the task to write (public: every party gets it)')
    .requiredOption('--secrets <dir>', 'where to write leader.json, helper.json and collector.json')
    .option('--epsilon <e>', 'ε of each release', '1')
    .option('--delta <d>', 'δ of each release', '1e-5')
    .option('--clip <n>', 'most count cells one case may touch', '44')
    .option('--colluders <t>', 'hospitals that may share their noise with an observer of the sum', '1')
    .option('--disease-weight <w>', 'weight of the released disease counts', '4')
    .option('--closed-world', 'every finding of every case is recorded present or absent')
    .option('--bits <b>', 'bits of a report cell (Prio3SumVec)', '24')
    .option('--fraction-bits <f>', 'fraction bits of a cell’s fixed point', '4')
    .action(async (o: Record<string, string | boolean | undefined>) => {
      const net = await resolveNetwork(String(o.kb));
      const made = await createDapTask(net, {
        leader: String(o.leader),
        helper: String(o.helper),
        hospitals: num(o.hospitals, '--hospitals'),
        colluders: num(o.colluders, '--colluders'),
        epsilon: num(o.epsilon, '--epsilon'),
        delta: num(o.delta, '--delta'),
        clip: num(o.clip, '--clip'),
        diseaseWeight: num(o.diseaseWeight, '--disease-weight'),
        closedWorld: o.closedWorld === true,
        bits: num(o.bits, '--bits'),
        fractionBits: num(o.fractionBits, '--fraction-bits'),
      });
      const dir = resolve(String(o.secrets));
      mkdirSync(dir, { recursive: true, mode: 0o700 });
      for (const role of ['leader', 'helper', 'collector'] as const) {
        const path = resolve(dir, `${role}.json`);
        if (existsSync(path)) throw invalid(`${path} exists: secrets are never overwritten`, { field: '--secrets' });
        writeAtomic(path, made[role]);
      }
      writeAtomic(resolve(String(o.out)), made.task);
      const v = made.task.vdaf;
      process.stdout.write(
        `wrote ${o.out}: task ${made.task.id}, Prio3SumVec of ${v.length} cells × ${v.bits} bits; ` +
          `secrets in ${o.secrets}\n`,
      );
    });
  fed
    .command('dap-aggregator')
    .description('serve a DAP leader or helper for a task until stopped')
    .requiredOption('--role <role>', 'leader or helper')
    .requiredOption('--task <file>', 'the DAP task')
    .requiredOption('--secret <file>', 'this aggregator’s secrets')
    .option('--port <p>', 'port to listen on (0: any free port)', '0')
    .option('--host <h>', 'address to listen on', '127.0.0.1')
    .action(async (o: { role: string; task: string; secret: string; port: string; host: string }) => {
      if (o.role !== 'leader' && o.role !== 'helper')
        throw invalid(`--role must be leader or helper, not ${o.role}`, { field: '--role' });
      const task = parseDapTask(readJson(o.task), o.task);
      const secret = parseDapSecret(readJson(o.secret), task, o.role, o.secret);
      const server = await startDapAggregator(o.role, task, secret, { port: num(o.port, '--port'), host: o.host });
      process.stdout.write(`DAP ${o.role} for task ${task.id} listening at ${server.url}\n`);
      const stop = () => {
        process.stdout.write(`${JSON.stringify(server.counters())}\n`);
        void server.close().then(() => process.exit(0));
      };
      process.once('SIGINT', stop);
      process.once('SIGTERM', stop);
    });
  fed
    .command('collect')
    .description('collect a DAP round’s sum from the leader and write the aggregate (collector)')
    .requiredOption('--task <file>', 'the DAP task')
    .requiredOption('--secret <file>', 'the collector’s secrets')
    .requiredOption('--out <file>', 'the aggregate to write')
    .option('--timeout <s>', 'seconds to wait for the aggregators', '600')
    .action(async (o: { task: string; secret: string; out: string; timeout: string }) => {
      const task = parseDapTask(readJson(o.task), o.task);
      const secret = parseDapSecret(readJson(o.secret), task, 'collector', o.secret);
      const { aggregate } = await collectDap(task, secret, { timeoutMs: num(o.timeout, '--timeout') * 1000 });
      writeAtomic(resolve(o.out), aggregate);
      process.stdout.write(
        `wrote ${o.out}: ${aggregate.dap.reportCount} hospitals' reports, ${aggregate.stats.cases} cases (noisy)\n`,
      );
    });
}

/** `export --dap`: the release as a DAP report; the receipt names what was sent, never the counts. */
async function exportOverDap(
  net: Awaited<ReturnType<typeof resolveNetwork>>,
  o: Record<string, string | boolean | undefined>,
): Promise<void> {
  const task = parseDapTask(readJson(String(o.dap)), String(o.dap));
  const cases = readConfirmedCases(String(o.cases));
  const ledgerPath = resolve(String(o.ledger));
  const accountant = loadLedger(ledgerPath, o.budgetEpsilon, o.budgetDelta);
  const site = String(o.site);
  const sent = await exportDap(net, cases, task, {
    site,
    accountant,
    uniform: cryptoUniform,
    // The ledger is saved before the report leaves: a crash never leaves a release unaccounted.
    onCharged: () => writeAtomic(ledgerPath, { budget: accountant.budget, spends: accountant.ledger }),
  });
  writeAtomic(resolve(String(o.out)), {
    format: 'medseek-dap-receipt/1',
    task: task.id,
    leader: task.leader,
    site,
    cases: cases.length,
    reportBytes: sent.reportBytes,
    privacy: task.privacy,
  });
  process.stdout.write(
    `sent a DAP report of ${sent.reportBytes} bytes to ${task.leader}: ${cases.length} cases, σ ` +
      `${sent.own.drawnSigma.toFixed(3)} of ${sent.own.sigma.toFixed(3)}; spent ε ${accountant.spent.epsilon} of ` +
      `${accountant.budget.epsilon}\n`,
  );
}

interface AggregateOptions {
  readonly out: string;
  readonly roster?: string;
  readonly shares?: string[];
  readonly request?: string;
  readonly responses?: string[];
}

function readSecret(path: string): RoundSecret {
  const s = readJson(path) as Partial<RoundSecret> | null;
  if (s?.format !== ROUND_SECRET_FORMAT) throw invalid(`not a ${ROUND_SECRET_FORMAT} file`, { where: path });
  return s as RoundSecret;
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
