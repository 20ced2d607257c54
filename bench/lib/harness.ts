import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

/**
 * A benchmark: `npx medseek bench <name> [--data <path>] [--train <path>] [--out <file>] [--key value…]`.
 * It reads the shared external data by default, any file of the same format when given, prints a
 * table and writes JSON (bench/results/<name>.json by default). A benchmark that learns takes
 * `--train`: it learns only from that file and scores only `--data`.
 *
 * What `run` returns is written as it is, plus `provenance` (src/cli/commands/bench.ts). Two fields
 * feed it: `split` (which records were scored, and why those) and `inputs` (absolute paths of any
 * other file the figures depend on, hashed like --data).
 */
export interface Benchmark {
  readonly name: string;
  readonly description: string;
  /** Default data path, relative to the repository root (usually under ../shared/data). */
  readonly defaultData: string;
  /** It learns from data: takes `--train` (learn from that file only, score --data); without it, its own split. */
  readonly learns?: boolean;
  run(options: BenchOptions): Promise<Record<string, unknown>>;
}

export interface BenchOptions {
  /** Absolute path of the data to read (score). */
  readonly data: string;
  /** Absolute path of the file to learn from (`--train`), checked to exist; absent: the benchmark's own protocol. */
  readonly train?: string;
  /** Extra `--key value` options (e.g. mode, lang, seed). */
  readonly args: Readonly<Record<string, string>>;
  /** Print a line of progress or a table row. */
  readonly log: (line: string) => void;
}

/** The package root: the nearest folder above this file with a package.json (the sources, or dist/ inside them). */
export const repoRoot = packageRoot(dirname(fileURLToPath(import.meta.url)));

function packageRoot(from: string): string {
  for (let dir = from; ; dir = dirname(dir)) {
    if (existsSync(join(dir, 'package.json'))) return dir;
    if (dirname(dir) === dir) throw new Error(`no package.json above ${from}`);
  }
}
export const sharedData = (...parts: string[]): string => join(repoRoot, '..', 'shared', 'data', ...parts);

/** Prints rows as an aligned text table. */
export function table(rows: readonly Record<string, unknown>[]): string {
  if (rows.length === 0) return '(no rows)';
  const cols = [...new Set(rows.flatMap((r) => Object.keys(r)))];
  const cell = (v: unknown): string =>
    typeof v === 'number' ? (Number.isInteger(v) ? String(v) : v.toFixed(4)) : String(v ?? '');
  const widths = cols.map((c) => Math.max(c.length, ...rows.map((r) => cell(r[c]).length)));
  const line = (vals: string[]) => vals.map((v, i) => v.padEnd(widths[i]!)).join('  ');
  return [
    line(cols),
    line(widths.map((w) => '-'.repeat(w))),
    ...rows.map((r) => line(cols.map((c) => cell(r[c])))),
  ].join('\n');
}

export function writeResult(out: string, result: Record<string, unknown>): void {
  mkdirSync(dirname(out), { recursive: true });
  writeFileSync(out, `${JSON.stringify(result, null, 2)}\n`);
}

/** Peak resident memory so far, in MiB. */
export function peakRssMiB(): number {
  return Math.round(process.resourceUsage().maxRSS / 1024);
}

/** p-th percentile (0..100) of a list of numbers. */
export function percentile(values: readonly number[], p: number): number {
  if (values.length === 0) return Number.NaN;
  const sorted = [...values].sort((a, b) => a - b);
  const idx = Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1));
  return sorted[idx]!;
}

/** The two halves of a shared data set: `dev` is looked at while developing, `report` is what the README reports. */
export type Half = 'dev' | 'report';

/**
 * Which half a record belongs to, from its key alone: the first byte of sha256(key), even → dev.
 * Deterministic, independent of order and file, and every record with the same key (all sentences of
 * one report, all turns of one consultation) falls in the same half.
 */
export function halfOf(key: string): Half {
  return createHash('sha256').update(key).digest()[0]! % 2 === 0 ? 'dev' : 'report';
}

/** Splits records into the development half and the report half by a grouping key (see halfOf). */
export function devReportHalf<T>(items: readonly T[], key: (item: T) => string): { dev: T[]; report: T[] } {
  const dev: T[] = [];
  const report: T[] = [];
  for (const item of items) (halfOf(key(item)) === 'dev' ? dev : report).push(item);
  return { dev, report };
}

/** `--split`: `report` (the default, what the README shows), `dev`, or `all` records. */
export type HalfChoice = Half | 'all';

export function parseHalf(value: string | undefined): HalfChoice {
  const s = value ?? 'report';
  if (s !== 'dev' && s !== 'report' && s !== 'all') throw new Error(`--split: '${s}' is not report, dev or all`);
  return s;
}

/** The records of the chosen half (all of them for `all`). */
export function chooseHalf<T>(items: readonly T[], key: (item: T) => string, half: HalfChoice): T[] {
  return half === 'all' ? [...items] : devReportHalf(items, key)[half];
}

/** `--errors` prints single failures, which is looking at them: only the development half may be printed. */
export function assertErrorsAllowed(args: Readonly<Record<string, string>>, half: HalfChoice): boolean {
  if (!args.errors) return false;
  if (half !== 'dev')
    throw new Error(`--errors: prints the errors of the development half only; add --split dev (not '${half}')`);
  return true;
}
