// Builds the compact allele-definition and phenotype tables in this folder from a PharmCAT checkout
// (https://github.com/PharmGKB/PharmCAT, MPL-2.0; its data come from CPIC and PharmVar via ClinPGx).
// Usage: node src/knowledge/data/pgx-alleles/build.mjs <PharmCAT git dir> [commit]
// Reads src/main/resources/org/pharmgkb/pharmcat/{definition/alleles/<GENE>_translation.json,phenotype/<GENE>.json}.
import { execFileSync } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const GENES = ['CYP2C19', 'CYP2C9', 'VKORC1', 'SLCO1B1', 'TPMT', 'NUDT15', 'DPYD', 'CYP3A5', 'UGT1A1'];
const [gitDir, commit = 'HEAD'] = process.argv.slice(2);
if (!gitDir) throw new Error('usage: build.mjs <PharmCAT git dir> [commit]');
const show = (p) =>
  JSON.parse(execFileSync('git', ['--git-dir', gitDir, 'show', `${commit}:${p}`], { maxBuffer: 1 << 28 }));
const sha = execFileSync('git', ['--git-dir', gitDir, 'rev-parse', commit]).toString().trim();
const R = 'src/main/resources/org/pharmgkb/pharmcat';
const out = dirname(fileURLToPath(import.meta.url));

for (const gene of GENES) {
  const def = show(`${R}/definition/alleles/${gene}_translation.json`);
  const ph = show(`${R}/phenotype/${gene}.json`);
  const fn = new Map(ph.namedAlleles.map((a) => [a.name, a]));
  const activity = ph.namedAlleles.some((a) => a.activityValue != null);
  const keyOf = (names) => {
    const vals = names.map((n) => fn.get(n)?.lookupKey);
    if (vals.some((v) => v == null)) return undefined;
    return activity ? vals.reduce((s, v) => s + Number(v), 0).toFixed(1) : vals.sort().join(' / ');
  };
  const phenotypes = {};
  for (const d of ph.diplotypes) {
    const names = Object.entries(d.diplotypekey).flatMap(([n, c]) => Array(c).fill(n));
    if (names.length !== 2) continue;
    const k = keyOf(names);
    if (k === undefined) continue;
    if (phenotypes[k] && phenotypes[k] !== d.generesult)
      throw new Error(`${gene}: key ${k} maps to ${phenotypes[k]} and ${d.generesult}`);
    phenotypes[k] = d.generesult;
  }
  const data = {
    gene,
    chromosome: def.chromosome,
    genomeBuild: def.genomeBuild,
    source: {
      authority:
        'CPIC / PharmVar allele definitions and CPIC allele function and diplotype-phenotype tables, ' +
        'as packaged by PharmCAT',
      pharmcatCommit: sha,
      definitionVersion: def.version,
      definitionSource: def.source,
      phenotypeVersion: ph.version,
      files: [`${R}/definition/alleles/${gene}_translation.json`, `${R}/phenotype/${gene}.json`],
      licence: 'MPL-2.0 (PharmCAT); underlying CPIC data CC0',
    },
    phenotypeBy: activity ? 'activity-score' : 'function-pair',
    positions: def.variants.map((v) => ({
      position: v.position,
      rsid: v.rsid ?? null,
      ref: v.ref,
      alts: v.alts,
      ...(v.type && v.type !== 'SNP' ? { type: v.type } : {}),
      ...(Object.entries(v.cpicToVcfAlleleMap ?? {}).some(([c, x]) => c !== x)
        ? { cpicToVcf: v.cpicToVcfAlleleMap }
        : {}),
    })),
    alleles: def.namedAlleles.map((a) => ({
      name: a.name,
      ...(a.reference ? { reference: true } : {}),
      ...(a.structuralVariant ? { structuralVariant: true } : {}),
      alleles: a.alleles,
      function: fn.get(a.name)?.functionValue ?? null,
      ...(activity ? { activity: fn.get(a.name)?.activityValue ?? null } : {}),
    })),
    phenotypes,
  };
  writeFileSync(join(out, `${gene}.json`), `${JSON.stringify(data)}\n`);
  console.log(
    gene,
    def.variants.length,
    'positions',
    def.namedAlleles.length,
    'alleles',
    Object.keys(phenotypes).length,
    'phenotype keys',
  );
}
