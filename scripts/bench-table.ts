// `npm run bench:table`: rebuilds the README's figure table (between <!-- bench:table:start --> and
// <!-- bench:table:end -->) from bench/results/*.json. `-- --check`: changes nothing, exits 1 when the
// README's table differs from what the results give. The rows are defined in bench/lib/readme-table.ts.
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { benchTable, withTable } from '../bench/lib/readme-table.js';
import { repoRoot } from '../bench/lib/harness.js';

const readmePath = join(repoRoot, 'README.md');
const readme = readFileSync(readmePath, 'utf8');
const updated = withTable(readme, benchTable(join(repoRoot, 'bench', 'results')));
if (process.argv.includes('--check')) {
  if (updated !== readme) {
    process.stderr.write(
      'README.md: the benchmark table differs from bench/results/*.json; run `npm run bench:table`\n',
    );
    process.exit(1);
  }
  process.stdout.write('README.md benchmark table matches bench/results\n');
} else if (updated !== readme) {
  writeFileSync(readmePath, updated);
  process.stdout.write('README.md benchmark table rebuilt from bench/results\n');
} else process.stdout.write('README.md benchmark table already matches bench/results\n');
