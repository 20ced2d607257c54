import { existsSync, readdirSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import type { Command } from 'commander';
import { invalid } from '../../core/index.js';

// bench/ sits beside src/ (in the sources and in dist/); benchmarks are found by file name.
const benchDir = fileURLToPath(new URL('../../../bench/', import.meta.url));
const ext = import.meta.url.endsWith('.ts') ? '.ts' : '.js';

export function listBenchmarks(): string[] {
  return readdirSync(benchDir)
    .filter((f) => f.endsWith(ext) && !f.endsWith(`.test${ext}`))
    .map((f) => f.slice(0, -ext.length))
    .sort();
}

export function register(program: Command): void {
  program
    .command('bench <name>')
    .description(`run a benchmark on external data and write its figures (bench/results/<name>.json)`)
    .option('--data <path>', 'data to read (default: the shared data set the benchmark names)')
    .option(
      '--train <path>',
      'file to learn from, for benchmarks that learn (only this is learned from; --data is scored)',
    )
    .option('--out <file>', 'where to write the JSON result')
    .allowUnknownOption(true)
    .allowExcessArguments(true)
    .action(async (name: string, opts: { data?: string; train?: string; out?: string }, cmd: Command) => {
      const names = listBenchmarks();
      if (!names.includes(name))
        throw invalid(`unknown benchmark '${name}'; known: ${names.join(', ')}`, { field: 'name' });
      const train = opts.train === undefined ? undefined : resolve(opts.train);
      if (train !== undefined && !existsSync(train))
        throw invalid(`training file not found: ${train}`, { field: '--train' });
      const mod = (await import(pathToFileURL(join(benchDir, `${name}${ext}`)).href)) as {
        default: import('../../../bench/lib/harness.js').Benchmark;
      };
      const bench = mod.default;
      const { repoRoot, table, writeResult } = await import(pathToFileURL(join(benchDir, 'lib', `harness${ext}`)).href);
      const { loadNow, provenance } = (await import(
        pathToFileURL(join(benchDir, 'lib', `provenance${ext}`)).href
      )) as typeof import('../../../bench/lib/provenance.js');
      const data = resolve(opts.data ?? join(repoRoot, bench.defaultData));
      if (!existsSync(data)) throw invalid(`data not found: ${data}`, { field: '--data' });
      if (train !== undefined && !bench.learns)
        throw invalid(`benchmark '${name}' learns nothing, so it takes no training file`, { field: '--train' });
      const args = parseExtraArgs(cmd.args.slice(1));
      const started = Date.now();
      const loadAtStart = loadNow();
      const result = await bench.run({ data, train, args, log: (line: string) => process.stdout.write(`${line}\n`) });
      const out = resolve(opts.out ?? join(repoRoot, 'bench', 'results', `${name}.json`));
      const { inputs, ...figures } = result as { inputs?: unknown } & Record<string, unknown>;
      if (
        inputs !== undefined &&
        !(Array.isArray(inputs) && inputs.every((p) => typeof p === 'string' && existsSync(p)))
      )
        throw invalid(`benchmark '${name}' returned 'inputs' that are not paths of existing files`, {
          field: 'inputs',
        });
      const seconds = (Date.now() - started) / 1000;
      const made = await provenance({
        repoRoot,
        argv: process.argv.slice(2),
        data,
        train,
        inputs: inputs as string[] | undefined,
        split: figures.split,
        loadAtStart,
      });
      writeResult(out, {
        benchmark: name,
        data,
        ...(train ? { train } : {}),
        ranAt: made.date,
        seconds,
        ...figures,
        provenance: made,
      });
      if (Array.isArray(result.table)) process.stdout.write(`${table(result.table)}\n`);
      process.stdout.write(`wrote ${out}\n`);
    });
}

function parseExtraArgs(rest: readonly string[]): Record<string, string> {
  const args: Record<string, string> = {};
  for (let i = 0; i < rest.length; i++) {
    const key = rest[i]!;
    if (!key.startsWith('--')) throw invalid(`unexpected argument '${key}'`, { field: key });
    const next = rest[i + 1];
    if (next !== undefined && !next.startsWith('--')) {
      args[key.slice(2)] = next;
      i++;
    } else args[key.slice(2)] = 'true';
  }
  return args;
}
