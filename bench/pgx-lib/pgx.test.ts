import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import pgx from '../pgx.js';

const cases = fileURLToPath(new URL('./cases', import.meta.url));

describe('bench pgx', () => {
  it("scores MedSeek's calls against PharmCAT's expected diplotypes per gene and on the whole sample", async () => {
    const lines: string[] = [];
    const r = (await pgx.run({ data: cases, args: {}, log: (l) => lines.push(l) })) as {
      n: number;
      exact: number;
      genes: { gene: string; cases: number; exact: number }[];
      wholeSample: { genes: number; diplotypeMatch: number; phenotypeMatch: number };
    };
    expect(r.n).toBeGreaterThanOrEqual(50);
    expect(r.genes.map((g) => g.gene)).toEqual(
      expect.arrayContaining(['CYP2C19', 'CYP2C9', 'SLCO1B1', 'TPMT', 'VKORC1']),
    );
    // Every PharmCAT case agrees today; a regression in the caller shows up here.
    expect(r.exact).toBe(r.n);
    expect(r.wholeSample).toMatchObject({ diplotypeMatch: r.wholeSample.genes, phenotypeMatch: r.wholeSample.genes });
  });
});
