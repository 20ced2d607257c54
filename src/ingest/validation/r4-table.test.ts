import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { compileR4Table } from './r4-table.js';

describe('the compiled R4 table', () => {
  it('matches the definitions installed (else: npx tsx src/ingest/validation/write-r4-table.ts)', () => {
    const shipped = JSON.parse(readFileSync(new URL('./r4-table.json', import.meta.url), 'utf8'));
    expect(shipped).toEqual(JSON.parse(JSON.stringify(compileR4Table())));
  });
});
