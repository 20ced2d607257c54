import { existsSync, statSync } from 'node:fs';
import { join } from 'node:path';

const root = join(import.meta.dirname, '..', '..');

/**
 * The compiled form in dist/ of source modules (`src/store/database.ts` → `dist/src/store/database.js`), for a
 * child process run by plain node: it starts in a fraction of the time tsx takes to compile TypeScript. `npm test`
 * builds dist/ first (pretest); a missing or older build is an error that says so, not a test of stale code.
 * Returns the absolute path of the first module's build; the others are the sources it depends on, checked too.
 */
export function builtModule(source: string, ...dependsOn: string[]): string {
  const built = (s: string) => join(root, 'dist', s.replace(/\.ts$/, '.js'));
  for (const s of [source, ...dependsOn]) {
    const out = built(s);
    if (!existsSync(out) || statSync(out).mtimeMs < statSync(join(root, s)).mtimeMs)
      throw new Error(`${out} is missing or older than ${s}: run \`npm run build\` first (\`npm test\` does it)`);
  }
  return built(source);
}
