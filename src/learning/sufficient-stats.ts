import { createHash } from 'node:crypto';
import type { Sex } from '../core/index.js';
import { invalid } from '../core/index.js';
import type { CaseInput, Network } from '../reasoning/index.js';
import { resolveCase } from '../reasoning/index.js';

/**
 * What a causal network learns from confirmed cases, kept as counts (sufficient statistics) so that
 * learning is a sum: hospitals add them, noise can be added to them, and a posterior is read from
 * them at any time.
 *
 * Per disease–finding edge of the network (structure comes from the knowledge release; learning never
 * adds an edge): among confirmed cases of the disease, how often the finding was present, and how
 * often it was not observed at all (neither present nor absent). Per finding: the same among cases whose
 * disease has no edge to it (the leak). Per prior stratum (sex × age band) and disease: how many cases.
 * Observed-absent counts are derived: cases − present − missing.
 */
export interface ConfirmedCase {
  /** The case's identity (encounter or visit id), where known: keeps held-back cases apart from learned ones. */
  readonly id?: string;
  /** The findings observed (present and pertinent negatives), age and sex, as `medseek diagnose` reads them. */
  readonly input: CaseInput;
  /** The confirmed diagnosis: a disease id of the network. */
  readonly diagnosis: string;
  /** The department that saw the patient (for calibration per department). */
  readonly department?: string;
}

/** Age bands `[from, to)` of the prior strata, as DDXPlus's learner has them (src/reasoning/diagnosis/ddxplus.ts). */
export const AGE_BANDS: readonly (readonly [number, number])[] = [
  [0, 5],
  [5, 16],
  [16, 35],
  [35, 65],
  [65, 200],
];
export const STRATUM_SEXES: readonly Sex[] = ['male', 'female'];

/** The shape of the counts for one network: indices of diseases, findings, edges and strata. */
export interface StatsLayout {
  readonly diseases: readonly string[];
  readonly findings: readonly string[];
  /** `causes` edges as [disease index, finding index]. */
  readonly edges: readonly (readonly [number, number])[];
  /** sha256 of the above: counts combine only with counts of the same layout. */
  readonly fingerprint: string;
}

export interface SufficientStats {
  readonly layout: StatsLayout;
  /** Confirmed cases counted. */
  cases: number;
  readonly diseaseCases: Float64Array;
  /** [stratum × diseases + disease]; stratum = sex index × bands + band. */
  readonly strata: Float64Array;
  readonly edgePresent: Float64Array;
  readonly edgeMissing: Float64Array;
  readonly leakPresent: Float64Array;
  readonly leakMissing: Float64Array;
  /**
   * Standard deviation of zero-mean Gaussian noise in the counts (differentially private releases and
   * their sums): in `diseaseCases`, and in every other cell. Absent: exact counts.
   */
  noise?: NoiseLevel;
}

export interface NoiseLevel {
  readonly diseaseCases: number;
  readonly cells: number;
}

export function statsLayout(net: Network): StatsLayout {
  const edges: [number, number][] = [];
  for (const e of net.model.edges)
    if (e.kind === 'causes') edges.push([net.diseaseIndex.get(e.from)!, net.findingIndex.get(e.to)!]);
  const diseases = net.diseases.map((d) => d.id);
  const findings = net.findings.map((f) => f.id);
  return { diseases, findings, edges, fingerprint: layoutFingerprint(diseases, findings, edges) };
}

const layoutFingerprint = (
  diseases: readonly string[],
  findings: readonly string[],
  edges: readonly (readonly [number, number])[],
) =>
  createHash('sha256')
    .update(JSON.stringify([diseases, findings, edges]))
    .digest('hex');

export const STRATA = STRATUM_SEXES.length * AGE_BANDS.length;

export function emptyStats(layout: StatsLayout): SufficientStats {
  const d = layout.diseases.length;
  const f = layout.findings.length;
  const e = layout.edges.length;
  return {
    layout,
    cases: 0,
    diseaseCases: new Float64Array(d),
    strata: new Float64Array(STRATA * d),
    edgePresent: new Float64Array(e),
    edgeMissing: new Float64Array(e),
    leakPresent: new Float64Array(f),
    leakMissing: new Float64Array(f),
  };
}

/** The stratum of a patient, or −1 when sex or age is unknown (such a case counts only in the overall prior). */
export function stratumOf(age: number | undefined, sex: Sex | undefined): number {
  const s = STRATUM_SEXES.indexOf(sex ?? 'unknown');
  if (s < 0 || age === undefined) return -1;
  const b = AGE_BANDS.findIndex(([from, to]) => age >= from && age < to);
  return b < 0 ? -1 : s * AGE_BANDS.length + b;
}

/** One case as unit contributions, in order of importance (what clipping keeps first). */
export interface CaseContribution {
  readonly disease: number;
  readonly stratum: number;
  readonly presentEdges: readonly number[];
  readonly presentLeaks: readonly number[];
  readonly missingEdges: readonly number[];
  readonly missingLeaks: readonly number[];
}

/** Per network: for each disease, its edges by finding (finding index → edge index). */
const edgeMaps = new WeakMap<StatsLayout, Map<number, number>[]>();
function edgesOf(layout: StatsLayout): Map<number, number>[] {
  let m = edgeMaps.get(layout);
  if (!m) {
    m = layout.diseases.map(() => new Map<number, number>());
    layout.edges.forEach(([d, f], e) => {
      m![d]!.set(f, e);
    });
    edgeMaps.set(layout, m);
  }
  return m;
}

/** Resolves a confirmed case against the network; unknown diagnoses and findings are errors naming the case. */
export function caseContribution(net: Network, layout: StatsLayout, c: ConfirmedCase, where: string): CaseContribution {
  const disease = net.diseaseIndex.get(c.diagnosis);
  if (disease === undefined)
    throw invalid(`confirmed diagnosis '${c.diagnosis}' is not a disease of network '${net.model.id}'`, {
      where,
      field: 'diagnosis',
    });
  const obs = resolveCase(net, c.input);
  const present = new Set(obs.positive);
  const observed = new Set([...obs.positive, ...obs.negative]);
  const byFinding = edgesOf(layout)[disease]!;
  const presentEdges: number[] = [];
  const presentLeaks: number[] = [];
  const missingEdges: number[] = [];
  const missingLeaks: number[] = [];
  for (let f = 0; f < layout.findings.length; f++) {
    const e = byFinding.get(f);
    if (present.has(f)) (e === undefined ? presentLeaks : presentEdges).push(e ?? f);
    else if (!observed.has(f)) (e === undefined ? missingLeaks : missingEdges).push(e ?? f);
  }
  return {
    disease,
    stratum: stratumOf(c.input.age, c.input.sex),
    presentEdges,
    presentLeaks,
    missingEdges,
    missingLeaks,
  };
}

/** Adds one case's contribution (weight 1) to the counts. */
export function addContribution(stats: SufficientStats, c: CaseContribution): void {
  const nd = stats.layout.diseases.length;
  stats.cases += 1;
  stats.diseaseCases[c.disease]! += 1;
  if (c.stratum >= 0) stats.strata[c.stratum * nd + c.disease]! += 1;
  for (const e of c.presentEdges) stats.edgePresent[e]! += 1;
  for (const e of c.missingEdges) stats.edgeMissing[e]! += 1;
  for (const f of c.presentLeaks) stats.leakPresent[f]! += 1;
  for (const f of c.missingLeaks) stats.leakMissing[f]! += 1;
}

/** Counts of confirmed cases for a network. */
export function countCases(net: Network, cases: readonly ConfirmedCase[], layout = statsLayout(net)): SufficientStats {
  const stats = emptyStats(layout);
  cases.forEach((c, i) => {
    addContribution(stats, caseContribution(net, layout, c, `cases[${i}]`));
  });
  return stats;
}

const FIELDS = ['diseaseCases', 'strata', 'edgePresent', 'edgeMissing', 'leakPresent', 'leakMissing'] as const;

/** The sum of counts of the same layout (what pooling or a federated aggregate is). */
export function addStats(parts: readonly SufficientStats[]): SufficientStats {
  if (parts.length === 0) throw invalid('nothing to add', { field: 'stats' });
  const layout = parts[0]!.layout;
  const out = emptyStats(layout);
  parts.forEach((p, i) => {
    if (p.layout.fingerprint !== layout.fingerprint)
      throw invalid(`counts for a different network layout (${p.layout.fingerprint.slice(0, 12)})`, {
        where: `stats[${i}]`,
        field: 'layout',
      });
    out.cases += p.cases;
    if (p.noise)
      // Independent noises add their variances.
      out.noise = {
        diseaseCases: Math.hypot(out.noise?.diseaseCases ?? 0, p.noise.diseaseCases),
        cells: Math.hypot(out.noise?.cells ?? 0, p.noise.cells),
      };
    for (const k of FIELDS) {
      const dst = out[k];
      const src = p[k];
      for (let j = 0; j < dst.length; j++) dst[j]! += src[j]!;
    }
  });
  return out;
}

/** Counts as plain JSON (numbers rounded to 4 decimals: noisy counts are not integers). */
export interface StatsJson {
  readonly layout: StatsLayout;
  readonly cases: number;
  readonly noise?: NoiseLevel;
  readonly counts: Record<(typeof FIELDS)[number], number[]>;
}

export function statsToJson(s: SufficientStats): StatsJson {
  const r = (a: Float64Array) => Array.from(a, (x) => Math.round(x * 1e4) / 1e4);
  return {
    layout: s.layout,
    cases: s.cases,
    ...(s.noise ? { noise: s.noise } : {}),
    counts: Object.fromEntries(FIELDS.map((k) => [k, r(s[k])])) as StatsJson['counts'],
  };
}

export function statsFromJson(j: StatsJson, where = 'stats'): SufficientStats {
  const l = j.layout;
  if (!l || layoutFingerprint(l.diseases, l.findings, l.edges) !== l.fingerprint)
    throw invalid('the layout does not match its fingerprint', { where, field: 'layout' });
  const out = emptyStats(l);
  out.cases = j.cases;
  if (j.noise) out.noise = j.noise;
  for (const k of FIELDS) {
    const src = j.counts?.[k];
    if (!Array.isArray(src) || src.length !== out[k].length)
      throw invalid(`expected ${out[k].length} numbers`, { where, field: `counts.${k}` });
    out[k].set(src);
  }
  return out;
}
