import type { KeyObject } from 'node:crypto';
import { createCipheriv, diffieHellman, hkdfSync } from 'node:crypto';
import { invalid } from '../core/index.js';
import type { Roster } from './secure-aggregation-keys.js';
import { publicKey, rosterDigest } from './secure-aggregation-keys.js';

/**
 * Pairwise masks of secure aggregation (Bonawitz et al., "Practical Secure Aggregation for
 * Privacy-Preserving Machine Learning", CCS 2017, §4, the round without dropouts): hospitals u < v (by site
 * name) agree a secret s_uv by X25519; u adds PRG(s_uv) to its vector and v subtracts it, mod 2^48, so every
 * pair's masks cancel in the sum and each single masked vector is uniformly distributed to whoever lacks
 * the secrets. PRG: HKDF-SHA256 (salt: the roster's digest; info: round and pair) keys AES-256-CTR, whose
 * keystream read 6 bytes at a time gives the 48-bit mask words. All from node:crypto.
 *
 * Fixed point: a noised count x is sent as round(x · 2^16) mod 2^48 and the sum is read back as a signed
 * integer in [−2^47, 2^47), so negative noisy counts survive. Overflow guard: every value must satisfy
 * |round(x · 2^16)| < 2^47 / n for n hospitals (|x| < 2^31 / n: over 700 million per cell for 3 hospitals),
 * so the sum of n cannot wrap; a value outside is refused before anything is masked. Resolution 2^−16 ≈
 * 1.5e−5 of a count, far below the noise. Words stay below 2^49 in every addition: exact in doubles.
 *
 * Dropouts (Bonawitz et al.'s double masking): in a round with Shamir shares
 * (src/learning/secure-aggregation-shares.ts) each hospital also adds a self-mask PRG(b_u), from a fresh
 * 32-byte seed b_u, with the same PRG (info: round and site). The coordinator removes a dropped hospital's
 * pairwise masks from its rebuilt key and the survivors' self-masks from their rebuilt seeds
 * (src/learning/secure-aggregation-unmask.ts). Without shares a missing package is refused by name.
 */
export const MODULUS_BITS = 48;
export const FRACTION_BITS = 16;
const MODULUS = 2 ** MODULUS_BITS;
const HALF = 2 ** (MODULUS_BITS - 1);
const SCALE = 2 ** FRACTION_BITS;
const WORD_BYTES = MODULUS_BITS / 8;

/** Fixed-point words of a vector, refusing values the sum of `sites` vectors could overflow with. */
export function encodeFixed(values: ArrayLike<number>, sites: number): number[] {
  const limit = HALF / sites;
  return Array.from(values, (x, i) => {
    const q = Math.round(x * SCALE);
    if (!Number.isFinite(q) || Math.abs(q) >= limit)
      throw invalid(`value ${x} is outside ±${limit / SCALE} (the sum of ${sites} sites would overflow 2^48)`, {
        field: `vector[${i}]`,
      });
    return q < 0 ? q + MODULUS : q;
  });
}

/** The signed values of summed fixed-point words. */
export const decodeFixed = (words: readonly number[]): number[] =>
  words.map((w) => (w >= HALF ? w - MODULUS : w) / SCALE);

export const addWords = (a: number, b: number): number => (a + b) % MODULUS;
const subWords = (a: number, b: number): number => (a - b + MODULUS) % MODULUS;

export const isWord = (w: unknown): w is number => Number.isInteger(w) && (w as number) >= 0 && (w as number) < MODULUS;

/** The PRG: `length` mask words from a secret (a pair's X25519 secret or a self-mask seed). */
function prg(secret: Buffer, salt: Buffer, info: string, length: number): Buffer {
  const okm = Buffer.from(hkdfSync('sha256', secret, salt, info, 48));
  const cipher = createCipheriv('aes-256-ctr', okm.subarray(0, 32), okm.subarray(32, 48));
  return Buffer.concat([cipher.update(Buffer.alloc(length * WORD_BYTES)), cipher.final()]);
}

/**
 * `words` masked by `site`'s pairwise masks with every other member of the roster (or only with the members
 * `only` names: the coordinator, holding a dropped hospital's rebuilt key, cancels its pairs with survivors).
 */
export function maskWords(
  words: readonly number[],
  site: string,
  agreementKey: KeyObject,
  roster: Roster,
  only?: ReadonlySet<string>,
): number[] {
  const salt = Buffer.from(rosterDigest(roster), 'hex');
  const out = [...words];
  for (const other of roster.members) {
    if (other.site === site || (only && !only.has(other.site))) continue;
    const secret = diffieHellman({
      privateKey: agreementKey,
      publicKey: publicKey(other.agreementKey, 'x25519', `roster ${other.site}`),
    });
    const [lo, hi] = site < other.site ? [site, other.site] : [other.site, site];
    const mask = prg(secret, salt, `medseek secure aggregation/1|${roster.round}|${lo}|${hi}`, out.length);
    const add = site === lo;
    for (let i = 0; i < out.length; i++) {
      const m = mask.readUIntBE(i * WORD_BYTES, WORD_BYTES);
      out[i] = add ? addWords(out[i]!, m) : subWords(out[i]!, m);
    }
  }
  return out;
}

/** `words` plus (sign 1) or minus (sign −1) the self-mask PRG(seed) of `site` in this round. */
export function selfMaskWords(
  words: readonly number[],
  seed: Uint8Array,
  site: string,
  roster: Roster,
  sign: 1 | -1,
): number[] {
  const salt = Buffer.from(rosterDigest(roster), 'hex');
  const mask = prg(
    Buffer.from(seed),
    salt,
    `medseek secure aggregation self-mask/1|${roster.round}|${site}`,
    words.length,
  );
  return words.map((w, i) => {
    const m = mask.readUIntBE(i * WORD_BYTES, WORD_BYTES);
    return sign === 1 ? addWords(w, m) : subWords(w, m);
  });
}
