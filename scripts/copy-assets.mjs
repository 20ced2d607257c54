// Copies the non-TypeScript files the code reads at run time (SQL migrations, rule and lexicon
// data) next to the compiled output, so `node dist/src/cli/main.js` finds them as the sources do,
// and stamps the build so `bin/medseek.js` can tell when src/ has changed since.
import { cpSync, readdirSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

const assetExt = /\.(sql|json|csv|tsv|txt|md|gz)$/;
function walk(dir) {
  for (const name of readdirSync(dir)) {
    const p = join(dir, name);
    if (statSync(p).isDirectory()) walk(p);
    else if (assetExt.test(name)) cpSync(p, join('dist', p));
  }
}
walk('src');
writeFileSync(join('dist', '.build-stamp'), `${new Date().toISOString()}\n`);
