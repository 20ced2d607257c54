// Turns PharmCAT's NamedAlleleMatcher<Gene>Test.java cases into VCF files plus their expected diplotypes.
// Usage: node bench/pgx-lib/extract-cases.mjs <PharmCAT git dir> <out dir> [commit]
// A case built with TestVcfBuilder is written as PharmCAT's builder writes it: every definition position of the
// gene as 0/0 unless the case gives CPIC alleles (mapped to VCF alleles) or names it missing (line left out).
// A case read from a stored VCF copies that file. Expected: PharmCAT's asserted diplotype list, in its order.
import { execFileSync } from 'node:child_process';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const [gitDir, outDir, commit = 'HEAD'] = process.argv.slice(2);
if (!gitDir || !outDir) throw new Error('usage: extract-cases.mjs <PharmCAT git dir> <out dir> [commit]');
const git = (...a) => execFileSync('git', ['--git-dir', gitDir, ...a], { maxBuffer: 1 << 28 }).toString();
const sha = git('rev-parse', commit).trim();
const alleleDir = join(dirname(fileURLToPath(import.meta.url)), '../../src/knowledge/data/pgx-alleles');
const TESTS = {
  Cyp2c19: 'CYP2C19',
  Cyp2c9: 'CYP2C9',
  Cyp3a5: 'CYP3A5',
  Slco1b1: 'SLCO1B1',
  Tpmt: 'TPMT',
  Ugt1a1: 'UGT1A1',
  Vkorc1: 'VKORC1',
};
mkdirSync(outDir, { recursive: true });
const cases = [];
const skipped = [];
const strs = (s) => [...s.matchAll(/"((?:[^"\\]|\\.)*)"/g)].map((m) => m[1]);

for (const [cls, gene] of Object.entries(TESTS)) {
  const path = `src/test/java/org/pharmgkb/pharmcat/haplotype/NamedAlleleMatcher${cls}Test.java`;
  const src = git('show', `${commit}:${path}`);
  const def = JSON.parse(readFileSync(join(alleleDir, `${gene}.json`), 'utf8'));
  const methods = src.split(/@Test\s*\n/).slice(1);
  for (const m of methods) {
    const name = /void\s+(\w+)\s*\(/.exec(m)?.[1];
    const files = new Map(
      [...m.matchAll(/Path\s+(\w+)\s*=\s*PathUtils\.getPathToResource\("([^"]+)"\)/g)].map((x) => [x[1], x[2]]),
    );
    const lists = new Map(
      [
        ...m.matchAll(/List<String>\s+(\w+)\s*=\s*(?:Lists\.newArrayList\(((?:"[^"]*"|\s|,)*)\)|new ArrayList<>\(\))/g),
      ].map((x) => [x[1], strs(x[2] ?? '')]),
    );
    const results = new Map(
      [...m.matchAll(/Result\s+(\w+)\s*=\s*(testMatchNamedAlleles\([^;]*\));/g)].map((x) => [x[1], x[2]]),
    );
    let i = 0;
    for (const a of m.matchAll(/assertDiplotypePairs\(/g)) {
      const start = a.index + a[0].length;
      // the argument text up to the matching parenthesis
      let depth = 1;
      let j = start;
      while (depth > 0 && j < m.length) {
        if (m[j] === '(') depth++;
        else if (m[j] === ')') depth--;
        j++;
      }
      let args = m.slice(start, j - 1);
      const rv = /,\s*(\w+)\s*$/.exec(args)?.[1];
      if (rv && results.has(rv)) args = args.replace(/,\s*\w+\s*$/, `, ${results.get(rv)}`);
      const id = `${gene}-${name}${i++ ? `-${i}` : ''}`;
      const exp = /^\s*(?:"([^"]*)"|Lists\.newArrayList\(((?:"[^"]*"|\s|,)*)\)|new ArrayList<>\(()\)|(\w+))\s*,/.exec(
        args,
      );
      if (!exp) {
        skipped.push({ id, why: 'expected not literal' });
        continue;
      }
      const expected =
        exp[1] !== undefined
          ? [exp[1]]
          : exp[2] !== undefined
            ? strs(exp[2])
            : exp[3] !== undefined
              ? []
              : lists.get(exp[4]);
      if (!expected) {
        skipped.push({ id, why: `expected list ${exp[4]} not found` });
        continue;
      }
      const topOnly = /generate\(\)\s*,\s*true\s*\)|\w+\s*,\s*true\s*\)\s*$/.test(args.trim());
      if (/findCombinations|,\s*true\s*,\s*true|,\s*false\s*,\s*true/.test(args)) {
        skipped.push({ id, why: 'combination/partial mode' });
        continue;
      }
      let vcf;
      if (args.includes('new TestVcfBuilder')) {
        if (/\.phased\(\)|extraPosition|\.allowUnknownAllele|reference\("\w+",/.test(args)) {
          skipped.push({ id, why: 'builder feature not reproduced' });
          continue;
        }
        const edits = new Map();
        for (const v of args.matchAll(/\.variation\(([^)]*)\)/g)) {
          const [g, rsid, ...al] = strs(v[1]);
          if (g !== gene) {
            edits.set('?', null);
            break;
          }
          edits.set(rsid, al);
        }
        for (const v of args.matchAll(/\.missing\(([^)]*)\)/g)) {
          const [, ...rsids] = strs(v[1]);
          for (const r of rsids) edits.set(r, []);
        }
        if (edits.has('?')) {
          skipped.push({ id, why: 'other gene in VCF' });
          continue;
        }
        const lines = [];
        let bad = false;
        for (const p of def.positions) {
          const e = edits.get(p.rsid) ?? edits.get(`${def.chromosome}:${p.position}`);
          if (e && e.length === 0) continue;
          let gt = '0/0';
          if (e) {
            const vcfAlleles = [p.ref, ...p.alts];
            const idx = e.map((c) => vcfAlleles.indexOf(p.cpicToVcf?.[c] ?? c));
            if (idx.some((x) => x < 0)) {
              bad = true;
              break;
            }
            gt = idx.join('/');
          }
          lines.push(
            [
              def.chromosome,
              p.position,
              p.rsid ?? '.',
              p.ref,
              p.alts.join(','),
              '.',
              'PASS',
              `PX=${gene}`,
              'GT',
              gt,
            ].join('\t'),
          );
        }
        if (bad) {
          skipped.push({ id, why: 'allele outside the definition' });
          continue;
        }
        vcf = `${header(def.chromosome, id)}${lines.join('\n')}\n`;
      } else {
        const fv = /testMatchNamedAlleles\([^,]+,[^,]+,\s*(\w+)/.exec(args)?.[1];
        const res = fv && files.get(fv);
        if (!res) {
          skipped.push({ id, why: 'VCF not found' });
          continue;
        }
        vcf = git('show', `${commit}:src/test/resources/${res}`);
      }
      const file = `${id}.vcf`;
      writeFileSync(join(outDir, file), vcf);
      cases.push({ id, gene, file, expected, topCandidateOnly: topOnly });
    }
  }
}
const SOURCE = {
  repository: 'https://github.com/PharmGKB/PharmCAT',
  commit: sha,
  licence: 'MPL-2.0',
  from: 'src/test/java/org/pharmgkb/pharmcat/haplotype/NamedAlleleMatcher*Test.java',
};
function header(chrom, id) {
  return [
    '##fileformat=VCFv4.2',
    `##source=PharmCAT test ${id} (regenerated by bench/pgx-lib/extract-cases.mjs)`,
    '##reference=GRCh38',
    `##contig=<ID=${chrom},assembly=GRCh38.p13,species="Homo sapiens">`,
    '##INFO=<ID=PX,Number=.,Type=String,Description="Gene">',
    '##FORMAT=<ID=GT,Number=1,Type=String,Description="Genotype">',
    '#CHROM\tPOS\tID\tREF\tALT\tQUAL\tFILTER\tINFO\tFORMAT\tSAMPLE\n',
  ].join('\n');
}
// Whole-sample cases: PharmCAT's Sample_1 VCF with its full phenotyper output (diplotype and phenotype per gene).
const samples = [];
for (const name of ['Sample_1']) {
  const base = 'src/test/resources/org/pharmgkb/pharmcat';
  const reports = JSON.parse(git('show', `${commit}:${base}/${name}.phenotype.json`)).geneReports;
  const file = `sample-${name}.vcf`;
  writeFileSync(join(outDir, file), git('show', `${commit}:${base}/${name}.preprocessed.vcf`));
  const genes = {};
  for (const gene of Object.values(TESTS).concat(['DPYD', 'NUDT15'])) {
    const r = reports[gene];
    if (!r) continue;
    const dips = (r.recommendationDiplotypes ?? []).map((d) => d.label).filter((l) => l !== 'Unknown/Unknown');
    const phens = [...new Set((r.recommendationDiplotypes ?? []).flatMap((d) => d.phenotypes ?? []))].filter(
      (p) => p !== 'No Result' && p !== 'n/a',
    );
    genes[gene] = { diplotypes: dips, phenotypes: phens };
  }
  samples.push({ id: name, file, from: `${base}/${name}.phenotype.json`, genes });
}
writeFileSync(
  join(outDir, 'expected.json'),
  `${JSON.stringify({ source: SOURCE, cases, samples, skipped }, null, 1)}\n`,
);
console.log(`${cases.length} cases, ${skipped.length} skipped`);
