import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

/**
 * A benchmark: `npx medseek bench <name> [--data <path>] [--out <file>] [--key value…]`.
 * It reads the shared external data by default, any file of the same format when given, prints a
 * table and writes JSON (bench/results/<name>.json by default).
 */
export interface Benchmark {
  readonly name: string;
  readonly description: string;
  /** Default data path, relative to the repository root (usually under ../shared/data). */
  readonly defaultData: string;
  run(options: BenchOptions): Promise<Record<string, unknown>>;
}

export interface BenchOptions {
  /** Absolute path of the data to read. */
  readonly data: string;
  /** Extra `--key value` options (e.g. mode, lang, seed). */
  readonly args: Readonly<Record<string, string>>;
  /** Print a line of progress or a table row. */
  readonly log: (line: string) => void;
}

export const repoRoot = resolve(dirname(fileURLToPath(import.meta.url)), '..', '..');
export const sharedData = (...parts: string[]): string => join(repoRoot, '..', 'shared', 'data', ...parts);

/** Prints rows as an aligned text table. */
export function table(rows: readonly Record<string, unknown>[]): string {
  if (rows.length === 0) return '(no rows)';
  const cols = [...new Set(rows.flatMap((r) => Object.keys(r)))];
  const cell = (v: unknown): string => (typeof v === 'number' ? (Number.isInteger(v) ? String(v) : v.toFixed(4)) : String(v ?? ''));
  const widths = cols.map((c) => Math.max(c.length, ...rows.map((r) => cell(r[c]).length)));
  const line = (vals: string[]) => vals.map((v, i) => v.padEnd(widths[i]!)).join('  ');
  return [line(cols), line(widths.map((w) => '-'.repeat(w))), ...rows.map((r) => line(cols.map((c) => cell(r[c]))))].join('\n');
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
