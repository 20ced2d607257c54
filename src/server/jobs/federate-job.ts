import { existsSync, mkdirSync, readdirSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { basename, dirname, join, resolve } from 'node:path';
import type { Sql } from '../../core/index.js';
import {
  type CountsPackage,
  cryptoUniform,
  exportPackage,
  PrivacyAccountant,
  readConfirmedCases,
  type Spend,
} from '../../learning/index.js';
import { knowledgeBaseResolver, type Network } from '../../reasoning/index.js';
import type { JobHandler } from './types.js';

export interface FederateSettings {
  /** The folder packages are written to, with the hospital's ledger (default MEDSEEK_FEDERATED_DIR). */
  readonly dir?: string;
  /** Resolves `data.kb` (default the knowledge bases of `medseek federate`, releases read from the store). */
  readonly networks?: (kb: string) => Promise<Network>;
}

/** The hospital's privacy ledger in the folder: the same `{budget, spends}` file `medseek federate export` keeps. */
export const LEDGER_FILE = 'privacy-ledger.json';

interface Ledger {
  readonly budget: { readonly epsilon: number; readonly delta: number };
  readonly spends: readonly Spend[];
}

/**
 * A federated export as a job: the package is written to the configured folder as
 * `<site>-<job id>.json`, and the release is charged to the folder's ledger once per job, however
 * often the job is tried. The charge names the job (`… (job <id>)`), is saved before the package
 * exists (a crash never leaves a release unaccounted) and is looked for on every attempt:
 *
 * - charged and the package written: the job was done; the package is reported, nothing is drawn.
 * - charged, no package: the earlier attempt died between the two writes, so its noisy counts never
 *   left (the package is written whole by rename; a temporary file it left is deleted first). This
 *   attempt draws them again and releases them under that one charge: one release, one charge.
 *
 * Workers on several machines share the ledger through shared storage, so every read-charge-write of it
 * holds a PostgreSQL advisory lock on its path for the transaction: two exports never both read the
 * same spent budget.
 */
export function federateExportHandler(db: Sql, settings: FederateSettings = {}): JobHandler<'federate-export'> {
  const networks = settings.networks ?? knowledgeBaseResolver({ sql: db });
  return async (data, ctx) => {
    const dir = settings.dir ?? process.env.MEDSEEK_FEDERATED_DIR;
    if (!dir) throw new Error('federate-export job: no folder for packages (set MEDSEEK_FEDERATED_DIR)');
    if (typeof data?.site !== 'string' || !data.site.trim()) throw new Error('federate-export job: data.site is empty');
    if (typeof data.cases !== 'string' || !data.cases) throw new Error('federate-export job: data.cases names no file');
    const net = await networks(data.kb);
    const cases = readConfirmedCases(data.cases);
    await ctx.progress({ done: 1, total: 3, items: cases.length, message: 'cases read' });
    mkdirSync(resolve(dir), { recursive: true });
    const ledgerPath = resolve(dir, LEDGER_FILE);
    const out = resolve(dir, `${fileSafe(data.site)}-${fileSafe(ctx.id)}.json`);
    const marker = `(job ${ctx.id})`;
    const released = await db.transaction(async (tx) => {
      await tx.query('select pg_advisory_xact_lock(hashtext($1))', [`medseek-federated-ledger:${ledgerPath}`]);
      const ledger = readLedger(ledgerPath, data.budget);
      const charged = ledger.spends.find((s) => s.what.endsWith(marker));
      if (charged && existsSync(out)) return { pkg: readPackage(out), charged, again: true };
      removeTemporaries(out);
      const accountant = new PrivacyAccountant(
        ledger.budget,
        ledger.spends.filter((s) => s !== charged),
      );
      const pkg = exportPackage(net, cases, data.site, {
        epsilon: data.epsilon,
        delta: data.delta,
        clip: data.clip,
        closedWorld: data.closedWorld === true,
        accountant,
        uniform: cryptoUniform,
        what: `${data.site} counts of ${cases.length} cases for ${net.model.id} ${marker}`,
      });
      if (!charged) writeAtomic(ledgerPath, { budget: ledger.budget, spends: accountant.ledger });
      writeAtomic(out, pkg);
      return { pkg, charged: charged ?? accountant.ledger[accountant.ledger.length - 1]!, again: false };
    });
    await ctx.progress({ done: 3, total: 3, items: cases.length, message: 'package written' });
    const spent = readLedger(ledgerPath, undefined).spends.reduce((a, s) => a + s.epsilon, 0);
    return {
      package: out,
      ledger: ledgerPath,
      site: data.site,
      network: released.pkg.network.id,
      cases: cases.length,
      sigma: released.pkg.privacy.sigma,
      charge: { epsilon: released.charged.epsilon, delta: released.charged.delta, at: released.charged.at },
      spentEpsilon: spent,
      // True when an earlier attempt had written it all and this one only reported it.
      alreadyWritten: released.again,
    };
  };
}

function readLedger(path: string, budget: Ledger['budget'] | undefined): Ledger {
  if (!existsSync(path)) {
    if (!budget)
      throw new Error(`federate-export job: no ledger at ${path}; the first export needs data.budget (ε and δ)`);
    return { budget, spends: [] };
  }
  const ledger = JSON.parse(readFileSync(path, 'utf8')) as Ledger;
  if (!ledger?.budget || !Array.isArray(ledger.spends)) throw new Error(`federate-export job: ${path} is not a ledger`);
  return ledger;
}

function readPackage(path: string): CountsPackage {
  return JSON.parse(readFileSync(path, 'utf8')) as CountsPackage;
}

/** Written whole or not at all, readable by the owner only (as `medseek federate export` writes). */
function writeAtomic(path: string, body: unknown): void {
  const tmp = `${path}.${process.pid}.tmp`;
  writeFileSync(tmp, `${JSON.stringify(body)}\n`, { mode: 0o600 });
  renameSync(tmp, path);
}

/** A dead attempt's half-written package (noisy counts that never left) is not left beside the released one. */
function removeTemporaries(out: string): void {
  const prefix = `${basename(out)}.`;
  for (const f of readdirSync(dirname(out)))
    if (f.startsWith(prefix) && f.endsWith('.tmp')) rmSync(join(dirname(out), f), { force: true });
}

const fileSafe = (s: string): string => s.replace(/[^A-Za-z0-9._-]+/g, '_');
