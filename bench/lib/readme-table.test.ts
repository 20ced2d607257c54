import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { repoRoot } from './harness.js';
import { benchTable, END, START, withTable } from './readme-table.js';

describe('README benchmark table', () => {
  it('is what bench/results/*.json give (npm run bench:table rebuilds it)', () => {
    const readme = readFileSync(join(repoRoot, 'README.md'), 'utf8');
    expect(withTable(readme, benchTable(join(repoRoot, 'bench', 'results')))).toBe(readme);
  });

  it('replaces only the text between the markers, and refuses a README without them', () => {
    const readme = `# x\n${START}\nold\n${END}\nafter\n`;
    expect(withTable(readme, 'new')).toBe(`# x\n${START}\nnew\n${END}\nafter\n`);
    expect(() => withTable('# x\n', 'new')).toThrow(/markers/);
  });
});
