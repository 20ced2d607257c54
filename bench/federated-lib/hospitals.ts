import { createHash } from 'node:crypto';
import type { Half } from '../lib/harness.js';
import { halfOf } from '../lib/harness.js';

/**
 * Simulated hospitals: disjoint partitions of one patient file with different case mixes. Each disease
 * has a home hospital (its index mod the number of hospitals) that receives `homeShare` of its patients
 * in expectation; the others share the rest equally. Which patients a hospital holds back (scores, never
 * learns from) is decided by each patient's own key (bench/lib/harness.ts halfOf: the report half is held
 * back; `heldBack: 'dev'` swaps the halves, for a check on patients no design choice was scored on),
 * so the split is the same whatever the partition.
 */
export interface Hospital<T> {
  readonly name: string;
  readonly train: T[];
  readonly heldBack: T[];
}

export function partitionHospitals<T>(
  items: readonly T[],
  options: {
    readonly hospitals: number;
    readonly homeShare: number;
    readonly diseaseOf: (item: T) => string;
    readonly diseases: readonly string[];
    readonly keyOf: (item: T) => string;
    readonly uniform: () => number;
    readonly heldBack?: Half;
    /**
     * Tuning on training patients only: the held-back half is left out, and each hospital's training patients
     * are split again by sha256('inner:' + key): first byte odd, scored (held back); even, learned from.
     */
    readonly innerSplit?: boolean;
    /** No split by halves: every item is learned from (`train`) or held back (`heldBack`); see partitionFresh. */
    readonly every?: 'train' | 'heldBack';
  },
): Hospital<T>[] {
  const { hospitals: h, homeShare } = options;
  if (!Number.isInteger(h) || h < 2) throw new Error(`--hospitals must be an integer ≥ 2, not ${h}`);
  if (!(homeShare >= 1 / h && homeShare < 1)) throw new Error(`--home-share must be in [1/${h}, 1), not ${homeShare}`);
  const home = new Map(options.diseases.map((d, i) => [d, i % h]));
  const out = Array.from({ length: h }, (_, i) => ({
    name: `hospital-${String.fromCharCode(65 + i)}`,
    train: [] as T[],
    heldBack: [] as T[],
  }));
  for (const item of items) {
    const d = options.diseaseOf(item);
    const hh = home.get(d);
    if (hh === undefined) throw new Error(`unknown disease '${d}'`);
    const u = options.uniform();
    const other = (1 - homeShare) / (h - 1);
    // Home with probability homeShare, else one of the others uniformly.
    const at = u < homeShare ? hh : (hh + 1 + Math.min(h - 2, Math.floor((u - homeShare) / other))) % h;
    if (options.every) {
      out[at]![options.every].push(item);
      continue;
    }
    const key = options.keyOf(item);
    const heldBack = halfOf(key) === (options.heldBack ?? 'report');
    if (!options.innerSplit) (heldBack ? out[at]!.heldBack : out[at]!.train).push(item);
    else if (!heldBack) (innerScored(key) ? out[at]!.heldBack : out[at]!.train).push(item);
  }
  return out;
}

/**
 * The fresh held-out evaluation (`--held-back fresh`): each hospital learns from all its patients of the bench's
 * file (both halves: the dev and report halves were each scored before, so every one of them has been seen) and
 * holds back its share of patients from a second file that no run has read. Both files are partitioned with the
 * same home hospital per disease and home share (the same case-mix skew); the fresh file with its own draw
 * (`freshUniform`), so which hospital a fresh patient goes to does not depend on the learning file. A fresh patient
 * whose key is also in the learning file is refused (the two must be disjoint).
 */
export function partitionFresh<T>(
  learn: readonly T[],
  fresh: readonly T[],
  options: Omit<Parameters<typeof partitionHospitals<T>>[1], 'heldBack' | 'innerSplit' | 'every'> & {
    readonly freshUniform: () => number;
  },
): Hospital<T>[] {
  const learnKeys = new Set(learn.map(options.keyOf));
  const seen = fresh.filter((x) => learnKeys.has(options.keyOf(x))).length;
  if (seen > 0) throw new Error(`${seen} of the ${fresh.length} fresh patients are also in the learning file`);
  const train = partitionHospitals(learn, { ...options, every: 'train' });
  const held = partitionHospitals(fresh, { ...options, uniform: options.freshUniform, every: 'heldBack' });
  return train.map((h, i) => ({ name: h.name, train: h.train, heldBack: held[i]!.heldBack }));
}

const innerScored = (key: string) => createHash('sha256').update(`inner:${key}`).digest()[0]! % 2 === 1;
