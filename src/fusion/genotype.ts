import type { Fact } from '../core/index.js';
import { factStart } from './fhir.js';
import { mergeInto } from './reconcile.js';

/** What a genotype fact says, for rules (CPIC-style: gene, diplotype, metabolizer phenotype). */
export interface Genotype {
  readonly gene: string;
  readonly diplotype?: string;
  readonly phenotype?: string;
}

export function genotypeOf(f: Fact): Genotype | undefined {
  if (f.category !== 'genotype') return undefined;
  const gene = f.qualifiers?.gene ?? f.concept.display ?? f.concept.code;
  return {
    gene,
    ...(f.qualifiers?.diplotype ? { diplotype: f.qualifiers.diplotype } : {}),
    ...(f.qualifiers?.phenotype ? { phenotype: f.qualifiers.phenotype } : {}),
  };
}

function label(g: Genotype): string {
  return `${g.gene}${g.diplotype ? ` ${g.diplotype}` : ''}${g.phenotype ? ` (${g.phenotype})` : ''}`;
}

/**
 * One result reported as two Observations — the genotype (LOINC 84413-4) and the phenotype
 * (53040-2) of the same gene on the same day — becomes one biology fact with both sources, so a
 * rule finds the diplotype and the metabolizer status together. Disagreeing results stay apart.
 */
export function mergeGenotypes(facts: readonly Fact[]): Fact[] {
  const out: Fact[] = [];
  for (const f of facts) {
    const g = genotypeOf(f);
    const i = g
      ? out.findIndex((o) => {
          const h = genotypeOf(o);
          if (!h || h.gene !== g.gene || o.assertion !== f.assertion) return false;
          if (h.diplotype && g.diplotype && h.diplotype !== g.diplotype) return false;
          if (h.phenotype && g.phenotype && h.phenotype !== g.phenotype) return false;
          const ta = factStart(o.time);
          const tb = factStart(f.time);
          return ta === undefined || tb === undefined ? ta === tb : Math.abs(ta - tb) <= 36 * 3_600_000;
        })
      : -1;
    if (i < 0) {
      out.push(f);
      continue;
    }
    const merged = mergeInto(out[i]!, f);
    const qualifiers = { ...f.qualifiers, ...out[i]!.qualifiers };
    const m = { ...merged, qualifiers };
    out[i] = { ...m, valueText: label(genotypeOf(m)!) };
  }
  return out;
}
