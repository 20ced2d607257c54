import { createHash } from 'node:crypto';
import type { FhirResource } from '../types.js';
import type { GeneCall } from './caller.js';
import type { VcfCalls } from './call-vcf.js';

/**
 * Gene calls → FHIR R4 resources in the style of the HL7 Genomics Reporting IG
 * (https://hl7.org/fhir/uv/genomics-reporting/): per called gene a genotype Observation
 * (LOINC 84413-4, the diplotype), a phenotype Observation (53040-2, CPIC's phenotype) derived from
 * it, and a variant Observation (69548-6) per non-reference genotype it rests on; one genomic
 * DiagnosticReport (81247-9) lists them and says, gene by gene, what was not tested or cannot be
 * called from a VCF. An ambiguous call is written so that no single diplotype can be read from it
 * (`CYP2C19*1/CYP2C19*4 or …`, the PharmVar full form); a phenotype is written only when every
 * candidate agrees on it. Ids derive from the patient, the file's sha256 and the gene, so importing
 * the same file again changes nothing.
 */
export interface GenomicResourcesOptions {
  readonly patient: string;
  /** sha256 of the VCF file (ids and the report's identifier). */
  readonly fileSha256: string;
  /** When the result holds (ISO date-time). */
  readonly effective: string;
  readonly fileName: string;
}

const LOINC = 'http://loinc.org';
const IG = 'http://hl7.org/fhir/uv/genomics-reporting/StructureDefinition';
const category = [
  { coding: [{ system: 'http://terminology.hl7.org/CodeSystem/observation-category', code: 'laboratory' }] },
  { coding: [{ system: 'http://terminology.hl7.org/CodeSystem/v2-0074', code: 'GE', display: 'Genetics' }] },
];
const loinc = (code: string, display: string) => ({ coding: [{ system: LOINC, code, display }] });
/** meta.profile (FhirResource types only the meta fields the store sets). */
const profile = (name: string) => ({ profile: [`${IG}/${name}`] }) as FhirResource['meta'];
const geneStudied = (gene: string) => ({
  code: loinc('48018-6', 'Gene studied [ID]'),
  valueCodeableConcept: { text: gene },
});

export function genomicResources(v: VcfCalls, o: GenomicResourcesOptions): FhirResource[] {
  const key = createHash('sha256').update(`${o.patient}|${o.fileSha256}|${v.read.sample}`).digest('hex').slice(0, 16);
  const id = (...parts: string[]) =>
    `vcf-${key}-${parts.join('-')}`
      .toLowerCase()
      .replace(/[^a-z0-9.-]/g, '-')
      .slice(0, 64);
  const subject = { reference: `Patient/${o.patient}` };
  const common = { status: 'final', category, subject, effectiveDateTime: o.effective, issued: o.effective };
  const method = {
    text:
      'VCF star-allele calling (MedSeek; CPIC/PharmVar allele definitions via PharmCAT, pgx-alleles/SOURCE.md; ' +
      `from ${v.definitionsOrigin})`,
  };
  const out: FhirResource[] = [];
  const results: { reference: string }[] = [];
  for (const c of v.calls) {
    if (c.status !== 'called' && c.status !== 'ambiguous') continue;
    const variantRefs = c.variants.map((x) => {
      const vid = id(c.gene, 'var', String(x.position));
      const hom = x.genotype[0] === x.genotype[1];
      out.push({
        resourceType: 'Observation',
        id: vid,
        meta: profile('variant'),
        ...common,
        code: loinc('69548-6', 'Genetic variant assessment'),
        valueCodeableConcept: { coding: [{ system: LOINC, code: 'LA9633-4', display: 'Present' }] },
        method,
        component: [
          geneStudied(c.gene),
          ...(x.rsid
            ? [
                {
                  code: loinc('81252-9', 'Discrete genetic variant'),
                  valueCodeableConcept: {
                    coding: [{ system: 'http://www.ncbi.nlm.nih.gov/projects/SNP', code: x.rsid }],
                  },
                },
              ]
            : []),
          {
            code: loinc('62374-4', 'Human reference sequence assembly version'),
            valueCodeableConcept: { coding: [{ system: LOINC, code: 'LA26806-2', display: 'GRCh38' }] },
          },
          { code: loinc('81254-5', 'Genomic allele start-end'), valueRange: { low: { value: x.position } } },
          { code: loinc('69547-8', 'Genomic ref allele [ID]'), valueString: x.ref },
          {
            code: loinc('69551-0', 'Genomic alt allele [ID]'),
            valueString: [...new Set(x.genotype.filter((a) => a !== x.ref))].join(','),
          },
          {
            code: loinc('53034-5', 'Allelic state'),
            valueCodeableConcept: hom
              ? { coding: [{ system: LOINC, code: 'LA6705-3', display: 'Homozygous' }] }
              : { coding: [{ system: LOINC, code: 'LA6706-1', display: 'Heterozygous' }] },
          },
        ],
        note: [{ text: `${o.fileName} line ${x.line}: genotype ${x.genotype.join(x.phased ? '|' : '/')}` }],
      });
      return { reference: `Observation/${vid}` };
    });
    const gid = id(c.gene, 'genotype');
    out.push({
      resourceType: 'Observation',
      id: gid,
      meta: profile('genotype'),
      ...common,
      code: loinc('84413-4', 'Genotype display name'),
      valueCodeableConcept: { text: genotypeText(c) },
      method,
      component: [geneStudied(c.gene)],
      ...(variantRefs.length ? { derivedFrom: variantRefs } : {}),
      note: notes(c).map((text) => ({ text })),
    });
    results.push({ reference: `Observation/${gid}` }, ...variantRefs);
    if (c.phenotype) {
      const pid = id(c.gene, 'phenotype');
      out.push({
        resourceType: 'Observation',
        id: pid,
        meta: profile('therapeutic-implication'),
        ...common,
        code: loinc('53040-2', "Genetic variation's effect on drug metabolism"),
        valueCodeableConcept: {
          text: `${c.gene} ${c.phenotype}${c.activityScore ? ` (activity score ${c.activityScore})` : ''}`,
        },
        method: { text: 'CPIC allele function and diplotype-to-phenotype tables' },
        component: [geneStudied(c.gene)],
        derivedFrom: [{ reference: `Observation/${gid}` }],
      });
      results.push({ reference: `Observation/${pid}` });
    }
  }
  out.push({
    resourceType: 'DiagnosticReport',
    id: id('report'),
    meta: profile('genomic-report'),
    identifier: [{ system: 'urn:medseek:vcf-sha256', value: `${o.fileSha256}:${v.read.sample}` }],
    status: 'final',
    category,
    code: loinc('81247-9', 'Master HL7 genetic variant reporting panel'),
    subject,
    effectiveDateTime: o.effective,
    issued: o.effective,
    result: results,
    conclusion: conclusion(v),
  });
  return out;
}

const full = (gene: string, d: string) =>
  d
    .split('/')
    .map((a) => `${gene}${a.startsWith('*') ? '' : ' '}${a}`)
    .join('/');

function genotypeText(c: GeneCall): string {
  if (c.status === 'called') return `${c.gene} ${c.diplotypes[0]}`;
  const candidates = c.diplotypes.map((d) => full(c.gene, d)).join(' or ');
  return `ambiguous (${c.reason ?? 'several diplotypes fit'}): ${candidates}`;
}

function notes(c: GeneCall): string[] {
  const n: string[] = [];
  if (c.missing.length)
    n.push(
      `Not tested (absent from the VCF or no-call): ${c.missing.length} of ${c.missing.length + c.tested} ` +
        `defining positions: ${c.missing
          .slice(0, 20)
          .map((m) => m.rsid ?? `g.${m.position}`)
          .join(', ')}${c.missing.length > 20 ? ', …' : ''}`,
    );
  if (!c.phenotype && c.possiblePhenotypes?.length)
    n.push(
      `Phenotype not determined: the candidates give ${c.possiblePhenotypes.join(', ')} ` +
        '(a phenotype is reported only when every candidate agrees)',
    );
  return n;
}

function conclusion(v: VcfCalls): string {
  const lines = [`Sample ${v.read.sample}, ${v.read.fileformat}, build ${v.read.build}.`];
  for (const c of v.calls) {
    if (c.status === 'called')
      lines.push(
        `${c.gene}: ${c.diplotypes[0]}${c.phenotype ? `, ${c.phenotype}` : ', phenotype not determined'}` +
          `${c.missing.length ? ` (${c.missing.length} positions not tested)` : ''}.`,
      );
    else if (c.status === 'ambiguous')
      lines.push(`${c.gene}: ambiguous, ${c.diplotypes.join(' or ')}${c.phenotype ? ` (all ${c.phenotype})` : ''}.`);
    else if (c.status === 'not-tested') lines.push(`${c.gene}: not tested (no defining position in the VCF).`);
    else lines.push(`${c.gene}: no call (${c.reason}).`);
  }
  for (const x of v.notCallable) lines.push(`${x.gene}: not callable from a VCF (${x.reason}).`);
  return lines.join('\n');
}
