import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';
import { describe, expect, it } from 'vitest';

/**
 * Every document a comment, a data file or a page cites must be in the repository, so a reference
 * resolves in a fresh clone: `docs/…md` paths must exist, and nothing may point at the team's
 * `../shared/domain` or `../shared/design` folders, which a clone does not have (their copies live
 * in docs/domain and docs/design). Data sets stay in ../shared/data: benches read them by default.
 */
const root = join(import.meta.dirname, '..');
const scanned = ['src', 'bench', 'test', 'web/src', 'docs', 'scripts', 'README.md'];
const textFile = /\.(ts|tsx|js|mjs|json|md|tsv|csv|sql|html)$/;

function files(path: string): string[] {
  const full = join(root, path);
  if (!existsSync(full)) return [];
  if (!statSync(full).isDirectory()) return [full];
  return readdirSync(full).flatMap((name) =>
    name === 'node_modules' || name === 'dist' ? [] : files(join(path, name)),
  );
}

const texts = scanned
  .flatMap(files)
  .filter((f) => textFile.test(f) && !f.endsWith('docs-references.test.ts'))
  .map((f) => ({ file: relative(root, f), text: readFileSync(f, 'utf8') }));

describe('document references', () => {
  it('cite the copies in docs/, not the shared folders a clone lacks', () => {
    const stale = texts.flatMap(({ file, text }) =>
      [...text.matchAll(/shared\/(domain|design)\/[\w.-]+/g)].map((m) => `${file}: ${m[0]}`),
    );
    expect(stale).toEqual([]);
  });

  it('name docs/ files that exist', () => {
    const missing = texts.flatMap(({ file, text }) =>
      [...text.matchAll(/(?<![\w/.:-])docs\/[\w/.-]+?\.md\b/g)]
        .map((m) => m[0])
        .filter((p) => !existsSync(join(root, p)))
        .map((p) => `${file}: ${p}`),
    );
    expect(missing).toEqual([]);
  });
});
