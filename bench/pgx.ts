import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { callVcf } from '../src/ingest/vcf/index.js';
import type { Benchmark } from './lib/harness.js';
import { sha256Of } from './lib/provenance.js';

/**
 * Star-allele calling concordance on PharmCAT's own test cases (NamedAlleleMatcher<Gene>Test.java,
 * regenerated as VCFs by bench/pgx-lib/extract-cases.mjs; `expected.json` names each case's file and
 * the diplotype list PharmCAT asserts). A case is exact when MedSeek's list equals PharmCAT's as a
 * set: every possible diplotype for the cases PharmCAT runs in its default test mode, the best-scoring
 * ones for the cases it runs with its top-candidate flag. `topMatch`: PharmCAT's first diplotype is
 * among MedSeek's best-scoring ones (an empty expectation: MedSeek makes no call either).
 */
interface Case {
  readonly id: string;
  readonly gene: string;
  readonly file: string;
  readonly expected: readonly string[];
  readonly topCandidateOnly: boolean;
}

/** A whole-sample case: PharmCAT's full output (recommendation diplotypes and phenotypes) per gene. */
interface SampleCase {
  readonly id: string;
  readonly file: string;
  readonly genes: Readonly<Record<string, { diplotypes: string[]; phenotypes: string[] }>>;
}

const norm = (d: string) => d.split('/').sort().join('/');
const sameSet = (a: readonly string[], b: readonly string[]) =>
  a.length === b.length && [...a].sort().every((x, i) => x === [...b].sort()[i]);

export default {
  name: 'pgx',
  description: "Star-allele diplotype concordance with PharmCAT's expected calls on its test VCFs, per gene",
  defaultData: 'bench/pgx-lib/cases/expected.json',
  async run({ data, log }) {
    const file = data.endsWith('.json') ? data : join(data, 'expected.json');
    const spec = JSON.parse(readFileSync(file, 'utf8')) as {
      source: unknown;
      cases: Case[];
      samples?: SampleCase[];
      skipped: unknown[];
    };
    const dir = dirname(file);
    const rows: Record<string, unknown>[] = [];
    const perGene = new Map<string, { n: number; exact: number; top: number }>();
    for (const c of spec.cases) {
      const { calls } = await callVcf(join(dir, c.file));
      const call = calls.find((x) => x.gene === c.gene);
      const list = (c.topCandidateOnly ? call?.best : call?.diplotypes) ?? [];
      const got = list.map(norm).sort();
      const want = c.expected.map(norm).sort();
      const exact = got.length === want.length && got.every((d, i) => d === want[i]);
      const best = (call?.best ?? []).map(norm);
      const top = want.length === 0 ? got.length === 0 : best.includes(norm(c.expected[0]!));
      const g = perGene.get(c.gene) ?? { n: 0, exact: 0, top: 0 };
      perGene.set(c.gene, { n: g.n + 1, exact: g.exact + (exact ? 1 : 0), top: g.top + (top ? 1 : 0) });
      rows.push({ id: c.id, expected: c.expected, got: list, status: call?.status, exact, top });
      if (!exact) log(`  ${c.id}: expected [${c.expected.join(', ')}] got [${list.join(', ')}] (${call?.status})`);
    }
    const genes = [...perGene.entries()].map(([gene, s]) => ({
      gene,
      cases: s.n,
      exact: s.exact,
      exactShare: Number((s.exact / s.n).toFixed(3)),
      topMatch: s.top,
    }));
    // Whole samples: per gene, the diplotype list and the phenotype (none where PharmCAT gives none).
    const sampleRows: Record<string, unknown>[] = [];
    for (const sc of spec.samples ?? []) {
      const { calls } = await callVcf(join(dir, sc.file));
      for (const [gene, want] of Object.entries(sc.genes)) {
        const call = calls.find((x) => x.gene === gene);
        const dips = sameSet((call?.diplotypes ?? []).map(norm), want.diplotypes.map(norm));
        const phen = sameSet(call?.phenotype ? [call.phenotype] : [], want.phenotypes);
        sampleRows.push({
          sample: sc.id,
          gene,
          expected: want,
          got: { diplotypes: call?.diplotypes, phenotype: call?.phenotype },
          diplotype: dips,
          phenotype: phen,
        });
        if (!dips || !phen)
          log(`  ${sc.id} ${gene}: expected ${JSON.stringify(want)} got ${call?.diplotypes} ${call?.phenotype}`);
      }
    }
    const dipMatch = sampleRows.filter((r) => r.diplotype).length;
    const phenMatch = sampleRows.filter((r) => r.phenotype).length;
    if (sampleRows.length)
      log(`whole sample (${sampleRows.length} genes): diplotypes ${dipMatch}, phenotypes ${phenMatch} match`);
    const n = rows.length;
    const exact = rows.filter((r) => r.exact).length;
    return {
      n,
      exact,
      exactShare: Number((exact / n).toFixed(3)),
      genes,
      split: { scored: 'all', rule: 'every case extracted from the PharmCAT tests; nothing was tuned on a subset' },
      inputs: [file],
      expectedSha256: await sha256Of(file),
      source: spec.source,
      skippedCases: spec.skipped,
      wholeSample: {
        genes: sampleRows.length,
        diplotypeMatch: dipMatch,
        phenotypeMatch: phenMatch,
        rows: sampleRows,
      },
      table: genes,
      cases: rows,
    };
  },
} satisfies Benchmark;
