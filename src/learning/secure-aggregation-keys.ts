import type { KeyObject } from 'node:crypto';
import { createHash, createPrivateKey, createPublicKey, generateKeyPairSync, sign, verify } from 'node:crypto';
import { invalid } from '../core/index.js';

/**
 * The keys of a secure-aggregation round (src/learning/secure-aggregation.ts) and the roster that names them.
 *
 * Each hospital makes, for each round, an X25519 key pair (pairwise mask agreement, as in Bonawitz et al.,
 * CCS 2017, §4), a second X25519 key pair (seals the Shamir shares it sends for dropout recovery,
 * src/learning/secure-aggregation-shares.ts) and an Ed25519 key pair (signs its files); the public halves go
 * into the round's roster, which every hospital and the coordinator hold. The roster is the trust root: each
 * hospital must check that the roster lists its own keys (and that the others' were received authentically,
 * e.g. fingerprints read out between hospitals) before exporting. The two X25519 pairs are Bonawitz's s_u and
 * c_u: when a hospital drops, the coordinator rebuilds its mask key from the survivors' shares; had that key
 * also sealed the shares, the coordinator could then open every share sent to or by the dropped hospital.
 * Keys are per round: masks derive from the round's id and roster digest too, but fresh keys keep a leaked
 * key from unmasking another round. All primitives are
 * node:crypto's (OpenSSL); nothing here is a home-made cipher.
 */
export const ROSTER_FORMAT = 'medseek-federated-roster/1';
export const ROUND_KEYS_FORMAT = 'medseek-federated-round-keys/1';

export interface RosterMember {
  readonly site: string;
  /** X25519 public key, SPKI DER, base64. */
  readonly agreementKey: string;
  /** Ed25519 public key, SPKI DER, base64. */
  readonly signingKey: string;
  /** X25519 public key that Shamir shares for this hospital are encrypted to (absent in rosters made before it). */
  readonly encryptionKey?: string;
}

export interface Roster {
  readonly format: typeof ROSTER_FORMAT;
  readonly round: string;
  readonly members: readonly RosterMember[];
}

/** A hospital's private keys for one round (kept at the hospital, never sent). */
export interface RoundKeys {
  readonly format: typeof ROUND_KEYS_FORMAT;
  readonly round: string;
  readonly site: string;
  /** PKCS#8 PEM. */
  readonly agreementPrivate: string;
  readonly signingPrivate: string;
  readonly encryptionPrivate?: string;
}

const spki = (k: KeyObject) => k.export({ type: 'spki', format: 'der' }).toString('base64');
const pkcs8 = (k: KeyObject) => String(k.export({ type: 'pkcs8', format: 'pem' }));

/** A hospital's fresh key pairs for a round: the private keys and its roster entry. */
export function roundKeys(round: string, site: string): { keys: RoundKeys; member: RosterMember } {
  checkName(round, 'round');
  checkName(site, 'site');
  const agreement = generateKeyPairSync('x25519');
  const signing = generateKeyPairSync('ed25519');
  const encryption = generateKeyPairSync('x25519');
  return {
    keys: {
      format: ROUND_KEYS_FORMAT,
      round,
      site,
      agreementPrivate: pkcs8(agreement.privateKey),
      signingPrivate: pkcs8(signing.privateKey),
      encryptionPrivate: pkcs8(encryption.privateKey),
    },
    member: {
      site,
      agreementKey: spki(agreement.publicKey),
      signingKey: spki(signing.publicKey),
      encryptionKey: spki(encryption.publicKey),
    },
  };
}

function checkName(s: string, field: string): void {
  if (!s.trim() || s.includes('|')) throw invalid(`must be a non-empty name without '|', not '${s}'`, { field });
}

/** The roster with one more member (a new roster when none); a site or key already listed is an error. */
export function addToRoster(roster: Roster | undefined, round: string, member: RosterMember): Roster {
  const r = roster ?? { format: ROSTER_FORMAT, round, members: [] };
  if (r.round !== round) throw invalid(`the roster is for round '${r.round}', not '${round}'`, { field: 'round' });
  const keys = [member.agreementKey, member.signingKey, member.encryptionKey].filter(Boolean);
  const taken = r.members.find(
    (m) => m.site === member.site || [m.agreementKey, m.signingKey, m.encryptionKey].some((k) => keys.includes(k)),
  );
  if (taken) throw invalid(`the roster already lists site '${taken.site}' or its keys`, { field: 'members' });
  return { ...r, members: [...r.members, member].sort((a, b) => (a.site < b.site ? -1 : 1)) };
}

export function parseRoster(body: unknown, where = 'roster'): Roster {
  const r = body as Partial<Roster> | null;
  if (!r || r.format !== ROSTER_FORMAT) throw invalid(`not a ${ROSTER_FORMAT} file`, { where, field: 'format' });
  if (typeof r.round !== 'string' || !r.round) throw invalid('must name the round', { where, field: 'round' });
  if (!Array.isArray(r.members) || r.members.length < 2)
    throw invalid('a round needs at least two hospitals (one alone has nothing to hide its counts in)', {
      where,
      field: 'members',
    });
  const sites = new Set<string>();
  r.members.forEach((m, i) => {
    if (typeof m?.site !== 'string' || sites.has(m.site))
      throw invalid('each member needs a distinct site', { where, field: `members[${i}].site` });
    sites.add(m.site);
    publicKey(m.agreementKey, 'x25519', `${where} members[${i}].agreementKey`);
    publicKey(m.signingKey, 'ed25519', `${where} members[${i}].signingKey`);
    if (m.encryptionKey !== undefined) publicKey(m.encryptionKey, 'x25519', `${where} members[${i}].encryptionKey`);
  });
  return r as Roster;
}

/** sha256 of the roster's canonical JSON: binds a package and its masks to exactly this roster. */
export const rosterDigest = (r: Roster): string =>
  createHash('sha256')
    .update(canonicalJson({ format: r.format, round: r.round, members: r.members }))
    .digest('hex');

export function publicKey(b64: unknown, type: 'x25519' | 'ed25519', where: string): KeyObject {
  let k: KeyObject;
  try {
    k = createPublicKey({ key: Buffer.from(String(b64), 'base64'), format: 'der', type: 'spki' });
  } catch {
    throw invalid(`not a public key (SPKI DER, base64)`, { where });
  }
  if (k.asymmetricKeyType !== type) throw invalid(`expected an ${type} key, not ${k.asymmetricKeyType}`, { where });
  return k;
}

export interface ParsedRoundKeys {
  readonly keys: RoundKeys;
  readonly agreement: KeyObject;
  readonly signing: KeyObject;
  readonly encryption?: KeyObject;
}

export function parseRoundKeys(body: unknown): ParsedRoundKeys {
  const k = body as Partial<RoundKeys> | null;
  if (!k || k.format !== ROUND_KEYS_FORMAT) throw invalid(`not a ${ROUND_KEYS_FORMAT} file`, { field: 'format' });
  return {
    keys: k as RoundKeys,
    agreement: createPrivateKey(String(k.agreementPrivate)),
    signing: createPrivateKey(String(k.signingPrivate)),
    ...(k.encryptionPrivate ? { encryption: createPrivateKey(String(k.encryptionPrivate)) } : {}),
  };
}

/** JSON with object keys sorted at every level: the bytes a signature covers. */
export function canonicalJson(v: unknown): string {
  if (Array.isArray(v)) return `[${v.map(canonicalJson).join(',')}]`;
  if (v && typeof v === 'object')
    return `{${Object.keys(v)
      .filter((k) => (v as Record<string, unknown>)[k] !== undefined)
      .sort()
      .map((k) => `${JSON.stringify(k)}:${canonicalJson((v as Record<string, unknown>)[k])}`)
      .join(',')}}`;
  return JSON.stringify(v);
}

/** Ed25519 signature (base64) of a body's canonical JSON. */
export const signBody = (body: unknown, key: KeyObject): string =>
  sign(null, Buffer.from(canonicalJson(body)), key).toString('base64');

export const verifyBody = (body: unknown, signature: string, key: KeyObject): boolean =>
  verify(null, Buffer.from(canonicalJson(body)), key, Buffer.from(signature, 'base64'));
