import type { KeyObject } from 'node:crypto';
import {
  createCipheriv,
  createDecipheriv,
  createHash,
  createPrivateKey,
  createPublicKey,
  diffieHellman,
  hkdfSync,
  randomBytes,
} from 'node:crypto';
import { combine, split } from 'shamir-secret-sharing';
import { invalid } from '../core/index.js';
import type { ParsedRoundKeys, Roster } from './secure-aggregation-keys.js';
import { canonicalJson, publicKey, rosterDigest, signBody, verifyBody } from './secure-aggregation-keys.js';

/**
 * Dropout recovery for secure aggregation (Bonawitz et al., CCS 2017, §4, the double-masking protocol's
 * ShareKeys round, by files). Before exporting, each hospital u draws a fresh 32-byte self-mask seed b_u and
 * splits both b_u and its mask key's 32-byte X25519 seed into n Shamir shares, t of which rebuild it
 * (`shamir-secret-sharing` 0.0.4 by Privy, audited by Cure53 and Zellic: GF(2^8), random x-coordinates).
 * Share i goes to roster member i, itself included, sealed with AES-256-GCM under a key from HKDF-SHA256 of
 * the X25519 secret between u's and that member's encryption keys (not the mask keys: a dropped hospital's
 * mask key is rebuilt by the coordinator, and must open nothing else). The file is signed with u's Ed25519
 * key, and commits to b_u by a hash, so a rebuilt seed is checked; a rebuilt mask key is checked against the
 * roster's public key. The coordinator forwards the files; only their addressees can open the shares.
 *
 * Safety: t hospitals' shares of one secret rebuild it, so the coordinator with t − 1 colluding hospitals
 * learns nothing, and no survivor ever reveals both a hospital's key share and its self-mask share
 * (secure-aggregation-unmask.ts). Default t = ⌊n/2⌋ + 1: a majority must survive, and fewer than half the
 * hospitals can never pool shares.
 */
export const SHARES_FORMAT = 'medseek-federated-shares/1';
export const ROUND_SECRET_FORMAT = 'medseek-federated-round-secret/1';

export type ShareKind = 'key' | 'self';

/** AES-256-GCM ciphertext, base64 fields. */
export interface Sealed {
  readonly iv: string;
  readonly data: string;
  readonly tag: string;
}

export interface SharesFile {
  readonly format: typeof SHARES_FORMAT;
  readonly round: string;
  readonly roster: string;
  readonly site: string;
  readonly threshold: number;
  /** sha256 of the self-mask seed (domain-separated): checks the rebuilt seed. */
  readonly selfMaskCommitment: string;
  /** One entry per roster member, in roster order: its share of the mask key and of the self-mask seed. */
  readonly shares: readonly { readonly to: string; readonly key: Sealed; readonly self: Sealed }[];
  readonly signer: string;
  readonly signature: string;
}

/** Kept at the hospital: its self-mask seed, and the one unmasking request it has answered. */
export interface RoundSecret {
  readonly format: typeof ROUND_SECRET_FORMAT;
  readonly round: string;
  readonly roster: string;
  readonly site: string;
  readonly threshold: number;
  /** b_u, base64. */
  readonly selfMaskSeed: string;
  /** sha256 of this hospital's signed shares file. */
  readonly shares: string;
  readonly answered?: { readonly survivors: readonly string[]; readonly dropped: readonly string[] };
}

/** Default threshold: a majority, at least 2. */
export const defaultThreshold = (n: number): number => Math.max(2, Math.floor(n / 2) + 1);

export const digestOf = (body: unknown): string => createHash('sha256').update(canonicalJson(body)).digest('hex');

export const seedBytes = (s: RoundSecret): Uint8Array => new Uint8Array(Buffer.from(s.selfMaskSeed, 'base64'));

export const selfMaskCommitment = (round: string, site: string, seed: Uint8Array): string =>
  createHash('sha256').update(`medseek self-mask seed/1|${round}|${site}|`).update(seed).digest('hex');

/** The 32-byte seed of an X25519 private key. */
const keySeed = (k: KeyObject): Uint8Array =>
  new Uint8Array(Buffer.from(String(k.export({ format: 'jwk' }).d), 'base64url'));

// PKCS#8 DER of an X25519 private key is this prefix and the 32-byte seed (RFC 8410).
const X25519_PKCS8 = Buffer.from('302e020100300506032b656e04220420', 'hex');

/** The X25519 key of a rebuilt seed, refused unless its public half is `site`'s in the roster. */
export function keyFromSeed(seed: Uint8Array, roster: Roster, site: string): KeyObject {
  const member = roster.members.find((m) => m.site === site);
  let key: KeyObject | undefined;
  try {
    key = createPrivateKey({ key: Buffer.concat([X25519_PKCS8, seed]), format: 'der', type: 'pkcs8' });
  } catch {
    key = undefined;
  }
  const pub = key && createPublicKey(key).export({ type: 'spki', format: 'der' }).toString('base64');
  if (!key || pub !== member?.agreementKey)
    throw invalid(`the shares of '${site}'s mask key do not rebuild the roster's key (a share is wrong)`, {
      field: 'keyShares',
    });
  return key;
}

function shareKey(own: KeyObject, other: string, roster: Roster, from: string, to: string): Buffer {
  const secret = diffieHellman({ privateKey: own, publicKey: publicKey(other, 'x25519', `roster encryption key`) });
  const info = `medseek secure aggregation shares/1|${roster.round}|${from}|${to}`;
  return Buffer.from(hkdfSync('sha256', secret, Buffer.from(rosterDigest(roster), 'hex'), info, 32));
}

const aad = (round: string, from: string, to: string, kind: ShareKind) => Buffer.from(`${round}|${from}|${to}|${kind}`);

function seal(key: Buffer, plain: Uint8Array, ad: Buffer): Sealed {
  const iv = randomBytes(12);
  const c = createCipheriv('aes-256-gcm', key, iv).setAAD(ad);
  const data = Buffer.concat([c.update(plain), c.final()]);
  return { iv: iv.toString('base64'), data: data.toString('base64'), tag: c.getAuthTag().toString('base64') };
}

function encryptionKeyOf(roster: Roster, site: string): string {
  const k = roster.members.find((m) => m.site === site)?.encryptionKey;
  if (!k)
    throw invalid(`roster member '${site}' has no encryption key: make the round's keys again (federate keys)`, {
      field: 'members',
    });
  return k;
}

const spki = (k: KeyObject) => createPublicKey(k).export({ type: 'spki', format: 'der' }).toString('base64');

/**
 * This hospital's signed shares file (sent to the coordinator, who forwards it) and its round secret (kept).
 * Refused when the roster does not list this hospital's keys or a member lacks an encryption key.
 */
export async function makeShares(
  roster: Roster,
  site: string,
  keys: ParsedRoundKeys,
  threshold = defaultThreshold(roster.members.length),
): Promise<{ shares: SharesFile; secret: RoundSecret }> {
  const n = roster.members.length;
  const me = roster.members.find((m) => m.site === site);
  if (!me) throw invalid(`site '${site}' is not in the roster of round '${roster.round}'`, { field: 'site' });
  if (!keys.encryption) throw invalid('these round keys have no encryption key', { field: 'keys' });
  if (
    me.agreementKey !== spki(keys.agreement) ||
    me.signingKey !== spki(keys.signing) ||
    me.encryptionKey !== spki(keys.encryption)
  )
    throw invalid(`the roster's keys for '${site}' are not this hospital's keys`, { field: 'keys' });
  if (!Number.isInteger(threshold) || threshold < 2 || threshold > n)
    throw invalid(`threshold must be an integer in [2, ${n}], not ${threshold}`, { field: 'threshold' });
  const seed = new Uint8Array(randomBytes(32));
  const [keyShares, selfShares] = await Promise.all([
    split(keySeed(keys.agreement), n, threshold),
    split(seed, n, threshold),
  ]);
  const body: Omit<SharesFile, 'signature'> = {
    format: SHARES_FORMAT,
    round: roster.round,
    roster: rosterDigest(roster),
    site,
    threshold,
    selfMaskCommitment: selfMaskCommitment(roster.round, site, seed),
    shares: roster.members.map((m, i) => {
      const k = shareKey(keys.encryption!, encryptionKeyOf(roster, m.site), roster, site, m.site);
      return {
        to: m.site,
        key: seal(k, keyShares[i]!, aad(roster.round, site, m.site, 'key')),
        self: seal(k, selfShares[i]!, aad(roster.round, site, m.site, 'self')),
      };
    }),
    signer: me.signingKey,
  };
  const shares: SharesFile = { ...body, signature: signBody(body, keys.signing) };
  return {
    shares,
    secret: {
      format: ROUND_SECRET_FORMAT,
      round: roster.round,
      roster: body.roster,
      site,
      threshold,
      selfMaskSeed: Buffer.from(seed).toString('base64'),
      shares: digestOf(shares),
    },
  };
}

/** A shares file checked against the roster: signed by its hospital, for this round, one share a member. */
export function checkSharesFile(body: unknown, roster: Roster, i: number): SharesFile {
  const f = body as Partial<SharesFile> | null;
  const where = `shares[${i}]${typeof f?.site === 'string' ? ` (${f.site})` : ''}`;
  if (!f || f.format !== SHARES_FORMAT) throw invalid(`not a ${SHARES_FORMAT} file`, { where, field: 'format' });
  const member = roster.members.find((m) => m.site === f.site);
  if (!member)
    throw invalid(`hospital '${f.site}' is not in the roster of round '${roster.round}'`, { where, field: 'site' });
  const { signature, ...signed } = f;
  if (
    f.signer !== member.signingKey ||
    typeof signature !== 'string' ||
    !verifyBody(signed, signature, publicKey(member.signingKey, 'ed25519', where))
  )
    throw invalid(`the shares file of '${f.site}' does not verify (altered or not signed by it)`, {
      where,
      field: 'signature',
    });
  if (f.round !== roster.round || f.roster !== rosterDigest(roster))
    throw invalid(`the shares of '${f.site}' are for another round or roster`, { where, field: 'roster' });
  const n = roster.members.length;
  if (!Number.isInteger(f.threshold) || f.threshold! < 2 || f.threshold! > n)
    throw invalid(`threshold must be an integer in [2, ${n}]`, { where, field: 'threshold' });
  if (!Array.isArray(f.shares) || f.shares.map((s) => s.to).join('|') !== roster.members.map((m) => m.site).join('|'))
    throw invalid(`the shares of '${f.site}' must address every roster member once, in order`, {
      where,
      field: 'shares',
    });
  return f as SharesFile;
}

/** This hospital's share (33 bytes) of `file`'s mask key or self-mask seed; refused when it does not open. */
export function openShare(file: SharesFile, kind: ShareKind, site: string, keys: ParsedRoundKeys, roster: Roster) {
  const entry = file.shares.find((s) => s.to === site);
  if (!entry || !keys.encryption) throw invalid(`no share for '${site}' from '${file.site}'`, { field: 'shares' });
  const key = shareKey(keys.encryption, encryptionKeyOf(roster, file.site), roster, file.site, site);
  const sealed = entry[kind];
  try {
    const d = createDecipheriv('aes-256-gcm', key, Buffer.from(sealed.iv, 'base64'))
      .setAAD(aad(roster.round, file.site, site, kind))
      .setAuthTag(Buffer.from(sealed.tag, 'base64'));
    return new Uint8Array(Buffer.concat([d.update(Buffer.from(sealed.data, 'base64')), d.final()]));
  } catch {
    throw invalid(`the ${kind} share from '${file.site}' to '${site}' does not open (altered, or other keys)`, {
      field: 'shares',
    });
  }
}

/** A secret rebuilt from shares (t or more). The caller checks it: too few or wrong shares give garbage. */
export async function rebuild(shares: readonly Uint8Array[], what: string): Promise<Uint8Array> {
  try {
    return await combine([...shares]);
  } catch (e) {
    throw invalid(`cannot combine the shares of ${what}: ${(e as Error).message}`, { field: 'shares' });
  }
}
