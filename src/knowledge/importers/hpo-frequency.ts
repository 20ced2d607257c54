/**
 * HPO annotation frequencies (`phenotype.hpoa` column `frequency`), as the HPO documents them
 * (the frequency page of the HPO annotation documentation, obophenotype/human-phenotype-ontology): a term below
 * Frequency HP:0040279, a count `n/m` of patients, or a percentage `17%`. A class becomes the
 * middle of its documented range; a count its fraction; a percentage its value.
 */
export const HPO_FREQUENCY_CLASSES: Readonly<Record<string, { label: string; low: number; high: number }>> = {
  'HP:0040280': { label: 'Obligate', low: 1, high: 1 },
  'HP:0040281': { label: 'Very frequent', low: 0.8, high: 0.99 },
  'HP:0040282': { label: 'Frequent', low: 0.3, high: 0.79 },
  'HP:0040283': { label: 'Occasional', low: 0.05, high: 0.29 },
  'HP:0040284': { label: 'Very rare', low: 0.01, high: 0.04 },
  'HP:0040285': { label: 'Excluded', low: 0, high: 0 },
};

export type HpoFrequency =
  | { readonly kind: 'class'; readonly term: string; readonly value: number }
  | { readonly kind: 'count'; readonly n: number; readonly m: number; readonly value: number }
  | { readonly kind: 'percent'; readonly value: number };

/** Parses one frequency cell; `undefined` for an empty cell; throws a message naming the problem. */
export function parseHpoFrequency(cell: string): HpoFrequency | undefined {
  const s = cell.trim();
  if (!s) return undefined;
  const cls = HPO_FREQUENCY_CLASSES[s];
  if (cls) return { kind: 'class', term: s, value: round((cls.low + cls.high) / 2) };
  const count = /^(\d+)\/(\d+)$/.exec(s);
  if (count) {
    const n = Number(count[1]);
    const m = Number(count[2]);
    if (m === 0 || n > m) throw new Error(`count '${s}' is not n/m with 0 ≤ n ≤ m, m > 0`);
    return { kind: 'count', n, m, value: round(n / m) };
  }
  const pct = /^(\d+(?:\.\d+)?)%$/.exec(s);
  if (pct) {
    const v = Number(pct[1]);
    if (v > 100) throw new Error(`percentage '${s}' is over 100%`);
    return { kind: 'percent', value: round(v / 100) };
  }
  throw new Error(`'${s}' is not an HPO frequency term (HP:0040280–HP:0040285), n/m or a percentage`);
}

/**
 * One probability from every frequency the annotations of one disease–phenotype pair give:
 * counts are pooled (Σn/Σm, as the HPO documentation recommends); otherwise the mean of the
 * classes and percentages; `null` when no annotation gives a frequency.
 */
export function pooledProbability(freqs: readonly HpoFrequency[]): number | null {
  const counts = freqs.filter((f) => f.kind === 'count');
  if (counts.length) {
    const n = counts.reduce((a, f) => a + f.n, 0);
    const m = counts.reduce((a, f) => a + f.m, 0);
    return round(n / m);
  }
  if (!freqs.length) return null;
  return round(freqs.reduce((a, f) => a + f.value, 0) / freqs.length);
}

function round(x: number): number {
  return Math.round(x * 10000) / 10000;
}
