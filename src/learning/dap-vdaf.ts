import { Prio3SumVec } from '@divviup/prio3';
import { invalid } from '../core/index.js';

/**
 * Prio3SumVec (VDAF draft-08, §7.4.3; @divviup/prio3) for a hospital's noised count vector, and what the aggregators
 * need that the library leaves to its caller: decoding the wire forms of input, public and preparation shares.
 *
 * The vector: noised counts are real numbers that may be negative (zero-mean noise on a zero count). Prio3SumVec sums
 * integers in [0, 2^bits), with a proof that each one is in range. A value x is sent as q = round(x · 2^f) + 2^(bits−1)
 * (fixed point with f fraction bits, then a public offset). Rounding is post-processing of the noised value (no privacy
 * cost); a q outside [0, 2^bits) is refused before anything is sent (the export checks the range can hold every count
 * plus 20σ of noise before it charges the budget, so this is never met in practice; clipping instead would bias the sum
 * by an amount no one could correct). The sum of n reports is read back exactly as (Σq − n · 2^(bits−1)) / 2^f: the
 * sum of the hospitals' quantised noised values. Field128 leaves ample room (n · 2^bits ≪ 2^128), and the decoded sum
 * is an integer below 2^53 while n · 2^bits is, which the task checks.
 *
 * Cost: the measurement is length · bits field elements (each bit proved 0 or 1). The library's SumVec encodes with
 * 32-bit shifts, so bits ≤ 30 here. Chunk length √(length · bits), the draft's suggestion.
 */
export interface SumVecParams {
  readonly length: number;
  readonly bits: number;
  readonly chunkLength: number;
  /** Fraction bits f of the fixed point. */
  readonly fractionBits: number;
}

export const MAX_BITS = 30;

export function sumVecParams(length: number, bits: number, fractionBits: number): SumVecParams {
  if (!Number.isInteger(bits) || bits < 2 || bits > MAX_BITS)
    throw invalid(`bits must be an integer in [2, ${MAX_BITS}], not ${bits}`, { field: 'bits' });
  if (!Number.isInteger(fractionBits) || fractionBits < 0 || fractionBits >= bits - 1)
    throw invalid(`fractionBits must be an integer in [0, bits − 1), not ${fractionBits}`, { field: 'fractionBits' });
  return { length, bits, fractionBits, chunkLength: Math.max(1, Math.round(Math.sqrt(length * bits))) };
}

export const sumVec = (p: SumVecParams) =>
  new Prio3SumVec({ shares: 2, length: p.length, bits: p.bits, chunkLength: p.chunkLength });

/** The largest |x| a report can carry: 2^(bits − 1 − f), less one step. */
export const valueBound = (p: SumVecParams) => (2 ** (p.bits - 1) - 1) / 2 ** p.fractionBits;

/** The measurement of a noised vector: each value quantised and offset into [0, 2^bits). */
export function encodeMeasurement(values: ArrayLike<number>, p: SumVecParams): number[] {
  if (values.length !== p.length)
    throw invalid(`expected ${p.length} values, not ${values.length}`, { field: 'length' });
  const offset = 2 ** (p.bits - 1);
  const scale = 2 ** p.fractionBits;
  return Array.from(values, (x, i) => {
    const q = Math.round(x * scale) + offset;
    if (!Number.isFinite(q) || q < 0 || q >= 2 * offset)
      throw invalid(`value ${x} is outside ±${valueBound(p)}, the range of a ${p.bits}-bit report`, {
        field: `vector[${i}]`,
      });
    return q;
  });
}

/** The quantised value a report carries for x (what the aggregate sums). */
export const quantise = (x: number, p: SumVecParams) => Math.round(x * 2 ** p.fractionBits) / 2 ** p.fractionBits;

/** The sum of `reports` measurements, from the unsharded Prio3SumVec output (Σq per cell). */
export function decodeSum(sums: readonly number[], reports: number, p: SumVecParams): number[] {
  const offset = reports * 2 ** (p.bits - 1);
  return sums.map((s) => (s - offset) / 2 ** p.fractionBits);
}

type Vdaf = ReturnType<typeof sumVec>;
/** The VDAF's input share as prepareInit takes it. */
type InputShare = Parameters<Vdaf['prepareInit']>[5];
type PublicShare = Parameters<Vdaf['prepareInit']>[4];
type PrepShare = Parameters<Vdaf['unshardPreparationShares']>[1][number];

// Prio3's XOF usages (VDAF-08 §7.2.1).
const USAGE_MEASUREMENT_SHARE = 1;
const USAGE_PROOF_SHARE = 2;

/**
 * An input share from its encoding (VDAF-08 §7.2.6): the leader's (aggregator 0) carries its measurement and proof
 * shares as field elements; the helper's carries seeds from which they are expanded. Then the joint-randomness blind.
 */
export async function decodeInputShare(vdaf: Vdaf, aggregatorId: 0 | 1, bytes: Buffer): Promise<InputShare> {
  const { flp, xof, proofs } = vdaf;
  const { field } = flp;
  const seed = xof.seedSize;
  const proofLen = flp.proofLen * proofs;
  if (aggregatorId === 0) {
    const m = flp.measurementLen * field.encodedSize;
    const p = proofLen * field.encodedSize;
    if (bytes.length !== m + p + seed) throw invalid('the leader input share has the wrong length', { field: 'share' });
    const wireMeasurementShare = bytes.subarray(0, m);
    const wireProofShare = bytes.subarray(m, m + p);
    return {
      wireMeasurementShare,
      wireProofShare,
      blind: bytes.subarray(m + p),
      measurementShare: field.decode(wireMeasurementShare),
      proofsShare: field.decode(wireProofShare),
    };
  }
  if (bytes.length !== 3 * seed) throw invalid('the helper input share has the wrong length', { field: 'share' });
  const [wireMeasurementShare, wireProofShare, blind] = [0, 1, 2].map((i) => bytes.subarray(i * seed, (i + 1) * seed));
  return {
    wireMeasurementShare: wireMeasurementShare!,
    wireProofShare: wireProofShare!,
    blind: blind!,
    measurementShare: await xof.expandIntoVec(
      field,
      wireMeasurementShare!,
      vdaf.domainSeparationTag(USAGE_MEASUREMENT_SHARE),
      Buffer.of(aggregatorId),
      flp.measurementLen,
    ),
    proofsShare: await xof.expandIntoVec(
      field,
      wireProofShare!,
      vdaf.domainSeparationTag(USAGE_PROOF_SHARE),
      Buffer.of(proofs, aggregatorId),
      proofLen,
    ),
  };
}

/** The public share: one joint-randomness part a share. */
export function decodePublicShare(vdaf: Vdaf, bytes: Buffer): PublicShare {
  const seed = vdaf.xof.seedSize;
  if (bytes.length !== 2 * seed) throw invalid('the public share has the wrong length', { field: 'publicShare' });
  return { jointRandParts: [Buffer.from(bytes.subarray(0, seed)), Buffer.from(bytes.subarray(seed))] };
}

/** A preparation share: the verifier share (field elements), then the joint-randomness part. */
export function decodePrepShare(vdaf: Vdaf, bytes: Buffer): PrepShare {
  const { flp, xof, proofs } = vdaf;
  const v = flp.verifierLen * proofs * flp.field.encodedSize;
  if (bytes.length !== v + xof.seedSize) throw invalid('the preparation share has the wrong length', { field: 'prep' });
  return { verifiersShare: flp.field.decode(bytes.subarray(0, v)), jointRandomnessPart: bytes.subarray(v) };
}

/** The preparation message: the joint-randomness seed. */
export const decodePrepMessage = (vdaf: Vdaf, bytes: Buffer) => {
  if (bytes.length !== vdaf.xof.seedSize) throw invalid('the preparation message has the wrong length', {});
  return { jointRand: bytes };
};

export const decodeAggregateShare = (vdaf: Vdaf, bytes: Buffer): bigint[] => {
  const out = vdaf.flp.field.decode(bytes);
  if (out.length !== vdaf.flp.outputLen) throw invalid('the aggregate share has the wrong length', {});
  return out;
};
