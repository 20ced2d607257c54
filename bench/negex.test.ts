import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import negex from './negex.js';

// Four rows in the NegEx annotation format, two reports (not the shared file).
const tsv = [
  'Report No.\tConcept\tSentence\tNegation',
  '1\tfever\tThe patient denies FEVER.\tNegated',
  '1\tcough\tShe has a COUGH.\tAffirmed',
  '2\tchest pain\tNo CHEST PAIN today.\tNegated',
  '2\tnausea\tNAUSEA since yesterday.\tAffirmed',
].join('\n');

function file(): string {
  const path = join(mkdtempSync(join(tmpdir(), 'negex-')), 'other.tsv');
  writeFileSync(path, `${tsv}\n`);
  return path;
}

describe('negex bench', () => {
  it('shows no reference row for a file other than the one negex.py was run on', async () => {
    const r = await negex.run({ data: file(), args: { split: 'all' }, log: () => {} });
    expect(r.reference).toEqual({ none: expect.stringContaining('no reference for this file') });
    const systems = (r.table as { system: string }[]).map((row) => row.system);
    expect(systems).toContain('reference negex.py: no reference for this file');
    expect(systems.some((s) => s.startsWith('reference negex.py (whole file)'))).toBe(false);
    expect(r.f1).toBe(1);
  });

  it('prints errors of the development half only', async () => {
    await expect(negex.run({ data: file(), args: { errors: 'true' }, log: () => {} })).rejects.toThrow(
      /--errors: .*--split dev/,
    );
    await expect(
      negex.run({ data: file(), args: { errors: 'true', split: 'dev' }, log: () => {} }),
    ).resolves.toBeDefined();
  });
});
