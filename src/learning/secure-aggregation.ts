import type { KeyObject } from 'node:crypto';
import { createPublicKey } from 'node:crypto';
import { invalid } from '../core/index.js';
import type { Network } from '../reasoning/index.js';
import type { PrivateCounts, PrivateCountsOptions } from './federated.js';
import { privateCounts } from './federated.js';
import type { AggregatePackage } from './federated-package.js';
import { AGGREGATE_FORMAT } from './federated-package.js';
import type { Roster } from './secure-aggregation-keys.js';
import { publicKey, rosterDigest, signBody, verifyBody } from './secure-aggregation-keys.js';
import {
  addWords,
  decodeFixed,
  encodeFixed,
  FRACTION_BITS,
  isWord,
  MODULUS_BITS,
  maskWords,
  selfMaskWords,
} from './secure-aggregation-masks.js';
import type { RoundSecret } from './secure-aggregation-shares.js';
import { seedBytes } from './secure-aggregation-shares.js';
import type { DropoutRecord } from './secure-aggregation-unmask.js';
import type { ConfirmedCase, StatsLayout, SufficientStats } from './sufficient-stats.js';
import { emptyStats, statsLayout, statsToJson } from './sufficient-stats.js';

/**
 * A federated round with secure aggregation and distributed noise.
 *
 * Each hospital of the round's roster releases its counts clipped as in src/learning/federated.ts but with
 * Gaussian noise of variance σ²/(n − t) (n hospitals, σ calibrated for (ε, δ), t the colluders tolerated),
 * masked (src/learning/secure-aggregation-masks.ts) and signed with its Ed25519 key. The coordinator checks
 * every signature against the roster, sums the masked vectors and reads only the sum, which carries noise
 * n/(n − t) · σ² ≥ σ²: (ε, δ)-DP towards the coordinator, with √((n − t)) less noise per hospital than when
 * each package must be private on its own.
 *
 * Trust: the coordinator is honest but curious (follows the protocol, reads what it gets) and hospitals do
 * not collude with it. Every hospital receives the aggregate and knows its own noise, so the others' counts
 * are seen by each hospital with (n − 1)/(n − t) · σ² of noise: t = 1 keeps (ε, δ) towards any one
 * hospital too (or towards the coordinator with one hospital colluding); t = 0 (σ²/n each, the sum carrying
 * exactly σ²) holds only towards the coordinator, and any hospital that shares its noise with the coordinator
 * lowers the others' noise below σ². Each hospital's accountant is charged (ε, δ) for the round.
 *
 * Dropouts: in a round whose hospitals first sent Shamir shares (src/learning/secure-aggregation-shares.ts),
 * each package carries a self-mask too and names its shares file; the sum is then read with the survivors'
 * answers (src/learning/secure-aggregation-unmask.ts), and `aggregateMasked` refuses such packages.
 */
export const MASKED_FORMAT = 'medseek-federated-masked/1';

const FIELDS = ['diseaseCases', 'strata', 'edgePresent', 'edgeMissing', 'leakPresent', 'leakMissing'] as const;

export interface MaskedPrivacy {
  readonly epsilon: number;
  readonly delta: number;
  readonly clip: number;
  readonly sensitivity: number;
  /** σ calibrated for (ε, δ). */
  readonly sigma: number;
  /** The σ this hospital drew: σ / √(n − colluders). */
  readonly siteSigma: number;
  readonly diseaseWeight: number;
  readonly closedWorld: boolean;
  /** Hospitals whose noise may be known to an observer of the sum with (ε, δ) still holding. */
  readonly colluders: number;
}

export interface MaskedPackage {
  readonly format: typeof MASKED_FORMAT;
  readonly round: string;
  /** sha256 of the roster the masks were made with. */
  readonly roster: string;
  readonly site: string;
  readonly network: { readonly id: string; readonly release?: string; readonly fingerprint: string };
  readonly createdAt: string;
  readonly privacy: MaskedPrivacy;
  readonly encoding: { readonly modulusBits: number; readonly fractionBits: number };
  readonly layout: StatsLayout;
  /** Fixed-point words of the noised counts (fields in order), masked: uniform in [0, 2^48) alone. */
  readonly masked: readonly number[];
  /** Present when the package also carries a self-mask (a round with Shamir shares). */
  readonly dropoutRecovery?: { readonly shares: string; readonly threshold: number };
  /** Ed25519 public key (SPKI DER, base64) that signed; must be the roster's for the site. */
  readonly signer: string;
  /** Signature of the canonical JSON of every other field. */
  readonly signature: string;
}

export interface MaskedExportOptions extends Omit<PrivateCountsOptions, 'noiseShare' | 'what'> {
  readonly roster: Roster;
  readonly site: string;
  readonly agreementKey: KeyObject;
  readonly signingKey: KeyObject;
  /** Colluding hospitals tolerated (see above). Default 1. */
  readonly colluders?: number;
  /** This hospital's secret from `makeShares`: adds its self-mask, so the round survives dropouts. */
  readonly dropout?: RoundSecret;
}

/** Noise variance share of one hospital: 1/(n − t). */
export function noiseShare(sites: number, colluders: number): number {
  if (!Number.isInteger(colluders) || colluders < 0 || colluders >= sites)
    throw invalid(`colluders must be an integer in [0, ${sites - 1}], not ${colluders}`, { field: 'colluders' });
  return 1 / (sites - colluders);
}

const spki = (k: KeyObject) => createPublicKey(k).export({ type: 'spki', format: 'der' }).toString('base64');

/**
 * This hospital's masked, signed package for the round, and its own noised counts (kept at the hospital:
 * with the aggregate they give the sum of the others' releases). Refused before any noise is drawn when the
 * roster does not list this hospital's keys or the hospital already released in this round.
 */
export function exportMaskedPackage(
  net: Network,
  cases: readonly ConfirmedCase[],
  o: MaskedExportOptions,
): { package: MaskedPackage; own: PrivateCounts } {
  const { roster, site } = o;
  const me = roster.members.find((m) => m.site === site);
  if (!me) throw invalid(`site '${site}' is not in the roster of round '${roster.round}'`, { field: 'site' });
  if (me.agreementKey !== spki(o.agreementKey) || me.signingKey !== spki(o.signingKey))
    throw invalid(`the roster's keys for '${site}' are not this hospital's keys`, { field: 'keys' });
  const secret = o.dropout;
  if (secret && (secret.round !== roster.round || secret.site !== site || secret.roster !== rosterDigest(roster)))
    throw invalid(`the self-mask seed is ${secret.site}'s for round '${secret.round}' or another roster`, {
      field: 'dropout',
    });
  const tag = `round ${roster.round}:`;
  if (o.accountant.ledger.some((s) => s.what.startsWith(tag)))
    throw invalid(`'${site}' already released in round '${roster.round}': a second package would reuse its masks`, {
      field: 'round',
    });
  const n = roster.members.length;
  const colluders = o.colluders ?? 1;
  const layout = statsLayout(net);
  const own = privateCounts(
    net,
    cases,
    { ...o, noiseShare: noiseShare(n, colluders), what: `${tag} ${site} masked counts of ${cases.length} cases` },
    layout,
  );
  const words = encodeFixed(
    FIELDS.flatMap((k) => Array.from(own.stats[k])),
    n,
  );
  const body: Omit<MaskedPackage, 'signature'> = {
    format: MASKED_FORMAT,
    round: roster.round,
    roster: rosterDigest(roster),
    site,
    network: {
      id: net.model.id,
      ...(net.model.release ? { release: net.model.release } : {}),
      fingerprint: layout.fingerprint,
    },
    createdAt: new Date().toISOString(),
    privacy: {
      epsilon: o.epsilon,
      delta: o.delta,
      clip: o.clip,
      sensitivity: own.sensitivity,
      sigma: own.sigma,
      siteSigma: own.drawnSigma,
      diseaseWeight: o.diseaseWeight ?? 4,
      closedWorld: o.closedWorld ?? false,
      colluders,
    },
    encoding: { modulusBits: MODULUS_BITS, fractionBits: FRACTION_BITS },
    layout,
    masked: secret
      ? selfMaskWords(maskWords(words, site, o.agreementKey, roster), seedBytes(secret), site, roster, 1)
      : maskWords(words, site, o.agreementKey, roster),
    ...(secret ? { dropoutRecovery: { shares: secret.shares, threshold: secret.threshold } } : {}),
    signer: me.signingKey,
  };
  return { package: { ...body, signature: signBody(body, o.signingKey) }, own };
}

export interface SecureAggregate extends AggregatePackage {
  readonly secureAggregation: {
    readonly round: string;
    readonly roster: string;
    readonly colluders: number;
    readonly siteSigma: number;
    readonly trust: string;
    /** A round with Shamir shares: who dropped, and the noise and privacy the sum of the survivors has. */
    readonly dropouts?: DropoutRecord;
  };
}

const TRUST =
  'honest-but-curious coordinator, hospitals not colluding with it; the sum is (ε, δ)-DP towards the ' +
  'coordinator, and towards each hospital (or the coordinator with that many hospitals) when colluders ≥ 1';

/** Checks one package against the roster; the error names the hospital and why it is refused. */
function checkPackage(body: unknown, i: number, roster: Roster, digest: string): MaskedPackage {
  const p = body as Partial<MaskedPackage> | null;
  const where = `packages[${i}]${typeof p?.site === 'string' ? ` (${p.site})` : ''}`;
  if (!p || p.format !== MASKED_FORMAT) throw invalid(`not a ${MASKED_FORMAT} package`, { where, field: 'format' });
  const member = roster.members.find((m) => m.site === p.site);
  if (!member)
    throw invalid(`hospital '${p.site}' is not in the roster of round '${roster.round}'`, { where, field: 'site' });
  if (p.signer !== member.signingKey)
    throw invalid(`hospital '${p.site}' signed with a key not in the roster`, { where, field: 'signer' });
  const { signature, ...signed } = p;
  if (typeof signature !== 'string' || !verifyBody(signed, signature, publicKey(member.signingKey, 'ed25519', where)))
    throw invalid(`hospital '${p.site}': the signature does not verify (package altered or not signed by it)`, {
      where,
      field: 'signature',
    });
  if (p.round !== roster.round || p.roster !== digest)
    throw invalid(`hospital '${p.site}' masked for another round or roster`, { where, field: 'roster' });
  if (p.encoding?.modulusBits !== MODULUS_BITS || p.encoding.fractionBits !== FRACTION_BITS)
    throw invalid(`hospital '${p.site}' used another fixed-point encoding`, { where, field: 'encoding' });
  if (!Array.isArray(p.masked) || !p.masked.every(isWord))
    throw invalid(`hospital '${p.site}': masked words must be integers in [0, 2^48)`, { where, field: 'masked' });
  return p as MaskedPackage;
}

const SAME = ['epsilon', 'delta', 'clip', 'sigma', 'siteSigma', 'diseaseWeight', 'closedWorld', 'colluders'] as const;

/** Each package checked against the roster, at most one a hospital. */
export function checkPackages(bodies: readonly unknown[], roster: Roster): MaskedPackage[] {
  const digest = rosterDigest(roster);
  const packages = bodies.map((b, i) => checkPackage(b, i, roster, digest));
  const seen = new Set<string>();
  for (const p of packages) {
    if (seen.has(p.site)) throw invalid(`hospital '${p.site}' sent more than one package`, { field: 'packages' });
    seen.add(p.site);
  }
  if (packages.length === 0) throw invalid('no package', { field: 'packages' });
  return packages;
}

/**
 * The coordinator's step in a round without Shamir shares: the sum of one round's packages, unmasked.
 * Refused when a package is missing, duplicated, from a hospital or key not in the roster, altered, or
 * inconsistent, or carries a self-mask (then the survivors must answer first).
 */
export function aggregateMasked(bodies: readonly unknown[], roster: Roster): SecureAggregate {
  const packages = checkPackages(bodies, roster);
  const selfMasked = packages.find((p) => p.dropoutRecovery);
  if (selfMasked)
    throw invalid(
      `hospital '${selfMasked.site}' sent Shamir shares and self-masked its package: the sum is read only with ` +
        "the survivors' answers (unmaskRequest, then aggregateWithRecovery)",
      { field: 'packages' },
    );
  const seen = new Set(packages.map((p) => p.site));
  const missing = roster.members.filter((m) => !seen.has(m.site)).map((m) => m.site);
  if (missing.length > 0)
    throw invalid(
      `missing the package of ${missing.join(', ')}: in a round without Shamir shares (federate shares before ` +
        'export) their masks cannot be removed; run the round again with a new roster',
      { field: 'packages' },
    );
  return maskedAggregate(packages, sumPackages(packages), roster);
}

/** The packages' words summed mod 2^48, after checking they are for one network with the same privacy. */
export function sumPackages(packages: readonly MaskedPackage[]): number[] {
  const first = packages[0]!;
  const layout = first.layout;
  const stats = emptyStats(layout);
  const length = FIELDS.reduce((a, k) => a + stats[k].length, 0);
  for (const p of packages) {
    const where = `package of ${p.site}`;
    if (p.network.fingerprint !== first.network.fingerprint || p.layout.fingerprint !== layout.fingerprint)
      throw invalid(`counts for another network layout than ${first.site}'s`, { where, field: 'network' });
    for (const k of SAME)
      if (p.privacy[k] !== first.privacy[k])
        throw invalid(`privacy.${k} differs from ${first.site}'s: the sum's noise would not be what is claimed`, {
          where,
          field: `privacy.${k}`,
        });
    if (p.masked.length !== length) throw invalid(`expected ${length} words`, { where, field: 'masked' });
  }
  return first.masked.map((_, j) => packages.reduce((a, p) => addWords(a, p.masked[j]!), 0));
}

/** The aggregate of unmasked summed words (masks removed) of `packages`. */
export function maskedAggregate(
  packages: readonly MaskedPackage[],
  sum: readonly number[],
  roster: Roster,
  dropouts?: DropoutRecord,
): SecureAggregate {
  const first = packages[0]!;
  const layout = first.layout;
  const stats = emptyStats(layout);
  const values = decodeFixed(sum);
  let at = 0;
  for (const k of FIELDS) {
    stats[k].set(values.slice(at, at + stats[k].length));
    at += stats[k].length;
  }
  const { siteSigma, diseaseWeight } = first.privacy;
  const sumSigma = siteSigma * Math.sqrt(packages.length);
  stats.noise = { diseaseCases: sumSigma / diseaseWeight, cells: sumSigma };
  stats.cases = Math.max(0, Math.round(stats.diseaseCases.reduce((a, b) => a + b, 0)));
  return {
    format: AGGREGATE_FORMAT,
    network: first.network,
    createdAt: new Date().toISOString(),
    sites: packages.map((p) => ({ site: p.site, epsilon: p.privacy.epsilon, delta: p.privacy.delta })),
    stats: statsToJson(stats),
    secureAggregation: {
      round: roster.round,
      roster: rosterDigest(roster),
      colluders: first.privacy.colluders,
      siteSigma,
      trust: TRUST,
      ...(dropouts ? { dropouts } : {}),
    },
  };
}

/**
 * What a hospital learns of the others from the aggregate: the sum minus its own noised release (which it
 * drew, so knows), with the remaining noise.
 */
export function othersFromAggregate(aggregate: SufficientStats, own: SufficientStats): SufficientStats {
  const out = emptyStats(aggregate.layout);
  for (const k of FIELDS) for (let j = 0; j < out[k].length; j++) out[k][j] = aggregate[k][j]! - own[k][j]!;
  const rest = (a = 0, b = 0) => Math.sqrt(Math.max(0, a * a - b * b));
  out.noise = {
    diseaseCases: rest(aggregate.noise?.diseaseCases, own.noise?.diseaseCases),
    cells: rest(aggregate.noise?.cells, own.noise?.cells),
  };
  out.cases = Math.max(0, Math.round(out.diseaseCases.reduce((a, b) => a + b, 0)));
  return out;
}
