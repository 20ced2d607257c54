import type { GeneDefinition, NamedAllele } from './definitions.js';

/** One sample's genotype at one definition position: VCF alleles (not indices), phased or not. */
export interface SampleGenotype {
  readonly alleles: readonly [string, string];
  readonly phased: boolean;
  /** VCF line it came from (for evidence). */
  readonly line: number;
}

export type CallStatus = 'called' | 'ambiguous' | 'no-call' | 'not-tested';

export interface GeneCall {
  readonly gene: string;
  /**
   * `called`: one diplotype explains the data; `ambiguous`: several do (unphased heterozygous
   * positions, or positions missing from the VCF);
   * `no-call`: no combination of defined alleles explains the data; `not-tested`: no position of the
   * gene is in the VCF.
   */
  readonly status: CallStatus;
  /**
   * Every diplotype that explains the genotypes (`*1/*2`), the most specific first (PharmCAT's score:
   * the number of tested positions the two definitions state).
   */
  readonly diplotypes: readonly string[];
  /** The best-scoring of them (PharmCAT's "top candidate"); a likelihood order, not a call. */
  readonly best: readonly string[];
  /** CPIC phenotype when every possible diplotype gives the same one (never guessed); otherwise undefined. */
  readonly phenotype?: string;
  /** Candidate phenotypes, when the candidates disagree. */
  readonly possiblePhenotypes?: readonly string[];
  readonly activityScore?: string;
  /** Definition positions absent from the VCF (or `./.`): not tested. */
  readonly missing: readonly { readonly position: number; readonly rsid: string | null }[];
  readonly tested: number;
  /** Non-reference genotypes seen at definition positions. */
  readonly variants: readonly {
    readonly position: number;
    readonly rsid: string | null;
    readonly ref: string;
    readonly genotype: readonly [string, string];
    readonly phased: boolean;
    readonly line: number;
  }[];
  readonly reason?: string;
}

/** Unphased heterozygous positions beyond which the phase combinations are not enumerated. */
const MAX_UNPHASED_HETS = 16;

const IUPAC: Readonly<Record<string, string>> = {
  R: 'AG',
  Y: 'CT',
  S: 'GC',
  W: 'AT',
  K: 'GT',
  M: 'AC',
  B: 'CGT',
  D: 'AGT',
  H: 'ACT',
  V: 'ACG',
  N: 'ACGT',
};

function alleleMatches(defined: string, seen: string): boolean {
  if (defined === seen) return true;
  const set = defined.length === 1 ? IUPAC[defined] : undefined;
  return set !== undefined && seen.length === 1 && set.includes(seen);
}

interface Candidate {
  readonly a: NamedAllele;
  readonly i: number;
  readonly b: NamedAllele;
  readonly j: number;
  readonly score: number;
}

/**
 * Calls a gene's diplotype from a sample's genotypes the way PharmCAT's NamedAlleleMatcher does
 * (https://pharmcat.clinpgx.org/methods/NamedAlleleMatcher-101/): a named allele matches a haplotype
 * when every position it defines carries its allele (undefined positions match anything); its score
 * is the number of positions it defines that the VCF tested; every phase assignment of unphased
 * heterozygous positions is tried. Every diplotype that fits is kept, ordered by score; more than one
 * is reported as ambiguous, never resolved by guessing. Combination alleles (`*80+*28`) are not
 * built.
 */
export function callGene(def: GeneDefinition, sample: ReadonlyMap<number, SampleGenotype>): GeneCall {
  const present: number[] = [];
  const missing: { position: number; rsid: string | null }[] = [];
  const variants: GeneCall['variants'][number][] = [];
  def.positions.forEach((p, i) => {
    const g = sample.get(p.position);
    if (!g) missing.push({ position: p.position, rsid: p.rsid });
    else {
      present.push(i);
      if (g.alleles[0] !== p.ref || g.alleles[1] !== p.ref)
        variants.push({
          position: p.position,
          rsid: p.rsid,
          ref: p.ref,
          genotype: g.alleles,
          phased: g.phased,
          line: g.line,
        });
    }
  });
  const base = { gene: def.gene, missing, tested: present.length, variants };
  if (present.length === 0)
    return { ...base, status: 'not-tested', diplotypes: [], best: [], reason: 'no position of the gene is in the VCF' };

  const gts = present.map((i) => sample.get(def.positions[i]!.position)!);
  const hets = gts.flatMap((g, k) => (g.alleles[0] !== g.alleles[1] ? [k] : []));
  const unphased = hets.filter((k) => !gts[k]!.phased);
  if (unphased.length > MAX_UNPHASED_HETS)
    return {
      ...base,
      status: 'no-call',
      diplotypes: [],
      best: [],
      reason: `${unphased.length} unphased heterozygous positions: too many phase combinations to try`,
    };
  // Phase assignments: the first unphased het fixed (its mirror gives the same diplotypes).
  const flips = unphased.length === 0 ? 1 : 2 ** (unphased.length - 1);
  // PharmCAT's "assume reference" reading: positions missing from the VCF leave every definition;
  // an allele's score is the number of tested positions it defines, an allele left with none drops
  // out; a position an allele does not define must carry the reference allele.
  const ref = def.alleles.find((a) => a.reference);
  const refAt = (pi: number) => {
    const r = ref?.alleles[pi];
    return r && !IUPAC[r] ? r : def.positions[pi]!.ref;
  };
  const scored = def.alleles
    .map((a, idx) => ({ a, idx, score: present.filter((i) => a.alleles[i] !== null).length }))
    .filter((s) => s.a.reference || s.score > 0);
  let best = -1;
  const found = new Map<string, Candidate>();
  for (let f = 0; f < flips; f++) {
    const h1: string[] = [];
    const h2: string[] = [];
    gts.forEach((g, k) => {
      const u = unphased.indexOf(k);
      const swap = u > 0 && ((f >> (u - 1)) & 1) === 1;
      h1.push(swap ? g.alleles[1] : g.alleles[0]);
      h2.push(swap ? g.alleles[0] : g.alleles[1]);
    });
    const matching = (h: string[]) =>
      scored.filter((s) =>
        present.every((pi, k) => {
          const d = s.a.alleles[pi];
          return d === null || d === undefined ? h[k] === refAt(pi) : alleleMatches(d, h[k]!);
        }),
      );
    const m1 = matching(h1);
    const m2 = matching(h2);
    for (const x of m1)
      for (const y of m2) {
        const [p, q] = x.idx <= y.idx ? [x, y] : [y, x];
        const key = `${p.a.name}/${q.a.name}`;
        const score = p.score + q.score;
        const prev = found.get(key);
        if (!prev || prev.score < score) found.set(key, { a: p.a, i: p.idx, b: q.a, j: q.idx, score });
        best = Math.max(best, score);
      }
  }
  if (found.size === 0)
    return {
      ...base,
      status: 'no-call',
      diplotypes: [],
      best: [],
      reason: 'no combination of defined alleles explains the genotypes (an allele not in the definitions?)',
    };
  // Every diplotype that explains the genotypes is a possibility (PharmCAT's full match list); the
  // score only orders them (the most specific definitions first), it does not make the others false.
  const all = [...found.values()].map(ordered).sort((x, y) => y.score - x.score || byNames(x, y));
  const top = all.filter((c) => c.score === best);
  const diplotypes = all.map((c) => `${c.a.name}/${c.b.name}`);
  const phens = [...new Set(all.map((c) => phenotypeOf(def, c.a, c.b).phenotype))];
  const scores = [...new Set(all.map((c) => phenotypeOf(def, c.a, c.b).activityScore))];
  const agreed = phens.length === 1 && phens[0] !== undefined ? phens[0] : undefined;
  return {
    ...base,
    status: all.length === 1 ? 'called' : 'ambiguous',
    diplotypes,
    best: top.map((c) => `${c.a.name}/${c.b.name}`),
    ...(agreed ? { phenotype: agreed } : { possiblePhenotypes: phens.map((p) => p ?? 'unknown') }),
    ...(agreed && scores.length === 1 && scores[0] !== undefined ? { activityScore: scores[0] } : {}),
    ...(all.length > 1
      ? {
          reason:
            [
              ...(unphased.length > 1
                ? ['unphased heterozygous positions: the phase decides between these diplotypes']
                : []),
              ...(missing.length > 0 ? ['positions not tested leave several diplotypes possible'] : []),
            ].join('; ') || 'the tested positions do not distinguish these diplotypes',
        }
      : {}),
  };
}

/** Star alleles by number (`*2` before `*17`), then a named reference (`Reference`), then definition order. */
function alleleOrder(a: NamedAllele, i: number): [number, number, string, number] {
  const m = /^\*(\d+)(.*)$/.exec(a.name);
  if (m) return [0, Number(m[1]), m[2] ?? '', i];
  return a.reference ? [1, 0, '', i] : [2, 0, '', i];
}

function compareAlleles(x: [NamedAllele, number], y: [NamedAllele, number]): number {
  const p = alleleOrder(...x);
  const q = alleleOrder(...y);
  return p[0] - q[0] || p[1] - q[1] || p[2].localeCompare(q[2]) || p[3] - q[3];
}

function ordered(c: Candidate): Candidate {
  return compareAlleles([c.a, c.i], [c.b, c.j]) <= 0 ? c : { a: c.b, i: c.j, b: c.a, j: c.i, score: c.score };
}

function byNames(x: Candidate, y: Candidate): number {
  return compareAlleles([x.a, x.i], [y.a, y.i]) || compareAlleles([x.b, x.j], [y.b, y.j]);
}

/** CPIC phenotype of a diplotype from the allele function (or activity) table. */
export function phenotypeOf(
  def: GeneDefinition,
  a: NamedAllele,
  b: NamedAllele,
): { phenotype?: string; activityScore?: string } {
  if (def.phenotypeBy === 'activity-score') {
    const v = [a.activity, b.activity].map((x) => (x === null || x === undefined ? Number.NaN : Number(x)));
    const sum = v[0]! + v[1]!;
    if (Number.isNaN(sum)) return def.phenotypes.NaN ? { phenotype: def.phenotypes.NaN } : {};
    const key = sum.toFixed(1);
    return { ...(def.phenotypes[key] ? { phenotype: def.phenotypes[key] } : {}), activityScore: key };
  }
  if (!a.function || !b.function) return {};
  const key = [a.function, b.function].sort().join(' / ');
  const p = def.phenotypes[key];
  return p ? { phenotype: p } : {};
}
