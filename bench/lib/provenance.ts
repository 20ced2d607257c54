import { execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { createReadStream, readdirSync, statSync } from 'node:fs';
import { cpus, loadavg } from 'node:os';
import { join } from 'node:path';
import { pipeline } from 'node:stream/promises';

/** Where a figure came from: written into every bench/results/*.json by `medseek bench`. */
export interface Provenance {
  /** The command line as typed (arguments after the program). */
  readonly command: string;
  readonly date: string;
  /** `git rev-parse HEAD`, null outside a git checkout; dirty: the tree had changes not committed. */
  readonly commit: string | null;
  readonly dirty: boolean | null;
  readonly data: FileHash;
  readonly train?: FileHash;
  /** Other files the figures depend on (knowledge files, question sets), as the benchmark names them. */
  readonly inputs?: readonly FileHash[];
  /** Which records were learned from and which scored, as the benchmark states it. */
  readonly split: unknown;
  /** The machine's 1-minute load average when the run began and ended, beside its CPU count: timings depend on it. */
  readonly load: { readonly cpus: number; readonly atStart?: number; readonly atEnd: number };
}

/** The 1-minute load average now (call before a run; pass it to provenance as loadAtStart). */
export const loadNow = (): number => Number(loadavg()[0]!.toFixed(2));

export interface FileHash {
  readonly path: string;
  /** sha256 of the file; of a directory: of its sorted entries' names and hashes. */
  readonly sha256: string;
}

/** sha256 of a file read as a stream (data files run to hundreds of MB), or of a directory's files. */
export async function sha256Of(path: string): Promise<string> {
  if (statSync(path).isDirectory()) {
    const h = createHash('sha256');
    for (const name of readdirSync(path).sort()) h.update(`${name}\0${await sha256Of(join(path, name))}\n`);
    return h.digest('hex');
  }
  const h = createHash('sha256');
  await pipeline(createReadStream(path), h);
  return h.digest('hex');
}

export async function fileHash(path: string): Promise<FileHash> {
  return { path, sha256: await sha256Of(path) };
}

/** The checkout's commit and whether it had uncommitted changes; nulls where git or the checkout is missing. */
export function gitState(cwd: string): { commit: string | null; dirty: boolean | null } {
  try {
    const git = (...args: string[]) =>
      execFileSync('git', args, { cwd, encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] });
    const commit = git('rev-parse', 'HEAD').trim();
    return { commit, dirty: git('status', '--porcelain').trim().length > 0 };
  } catch {
    return { commit: null, dirty: null };
  }
}

/** Quotes an argument the way a shell would need it, so the command can be pasted back. */
export function shellQuote(arg: string): string {
  return /^[\w@%+=:,./-]+$/.test(arg) ? arg : `'${arg.replace(/'/g, `'\\''`)}'`;
}

export async function provenance(options: {
  readonly repoRoot: string;
  readonly argv: readonly string[];
  readonly data: string;
  readonly train?: string;
  readonly inputs?: readonly string[];
  readonly split: unknown;
  readonly loadAtStart?: number;
}): Promise<Provenance> {
  const inputs = [...new Set(options.inputs ?? [])].filter((p) => p !== options.data && p !== options.train);
  return {
    command: ['medseek', ...options.argv].map(shellQuote).join(' '),
    date: new Date().toISOString(),
    ...gitState(options.repoRoot),
    data: await fileHash(options.data),
    ...(options.train ? { train: await fileHash(options.train) } : {}),
    ...(inputs.length ? { inputs: await Promise.all(inputs.map(fileHash)) } : {}),
    split: options.split ?? 'not stated by the benchmark',
    load: {
      cpus: cpus().length,
      ...(options.loadAtStart === undefined ? {} : { atStart: options.loadAtStart }),
      atEnd: loadNow(),
    },
  };
}
