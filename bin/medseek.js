#!/usr/bin/env node
// The `medseek` command runs the compiled JavaScript in dist/ (`npm run build`; `npm start` and
// `npm test` build first), so an install without dev dependencies works and nothing compiles at
// run time. In a source checkout it warns when src/ has changed since the last build.
import { existsSync, readdirSync, statSync } from 'node:fs';
import { fileURLToPath, pathToFileURL } from 'node:url';

const root = fileURLToPath(new URL('..', import.meta.url));
const main = `${root}dist/src/cli/main.js`;
const stamp = `${root}dist/.build-stamp`;

if (!existsSync(main)) {
  process.stderr.write('medseek: not built yet. Run `npm run build` (npm start and npm test build first).\n');
  process.exit(1);
}
if (existsSync(`${root}src`) && existsSync(stamp) && newestTs(`${root}src`) > statSync(stamp).mtimeMs) {
  process.stderr.write('medseek: src/ has changed since the last build; run `npm run build` to use the changes.\n');
}
await import(pathToFileURL(main).href);

/** Newest modification time of a .ts file under dir (a few hundred files: milliseconds). */
function newestTs(dir) {
  let newest = 0;
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const path = `${dir}/${entry.name}`;
    if (entry.isDirectory()) newest = Math.max(newest, newestTs(path));
    else if (entry.name.endsWith('.ts')) newest = Math.max(newest, statSync(path).mtimeMs);
  }
  return newest;
}
