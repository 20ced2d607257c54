import { createHmac, timingSafeEqual } from 'node:crypto';

/**
 * A patient link's token: `mpl1.<link id>.<expiry, unix seconds in base 36>.<HMAC-SHA256, base64url>`
 * (`mpf1.…` for a follow-up link, which opens the follow-up pages only). Four dot-separated parts, so it
 * is never mistaken for a JWT (three) or an API key (`msk_`), and URL-safe for `#/p/<token>` and a QR
 * code. The signature covers the prefix, id and expiry: a pre-consultation token cannot be re-labelled.
 */
export const TOKEN_PREFIX = 'mpl1';
export const FOLLOW_UP_TOKEN_PREFIX = 'mpf1';

export type LinkScope = 'pre-consultation' | 'follow-up';
const PREFIX: Record<LinkScope, string> = { 'pre-consultation': TOKEN_PREFIX, 'follow-up': FOLLOW_UP_TOKEN_PREFIX };

export interface TokenClaims {
  readonly linkId: string;
  /** Expiry, unix seconds. */
  readonly exp: number;
  /** Default `pre-consultation`. */
  readonly scope?: LinkScope;
}

export function signToken(secret: Buffer, claims: TokenClaims): string {
  const body = `${PREFIX[claims.scope ?? 'pre-consultation']}.${claims.linkId}.${claims.exp.toString(36)}`;
  return `${body}.${mac(secret, body)}`;
}

/** True when the credential claims to be a patient link (then only the link authenticator judges it). */
export function looksLikeLinkToken(credential: string): boolean {
  return credential.startsWith(`${TOKEN_PREFIX}.`) || credential.startsWith(`${FOLLOW_UP_TOKEN_PREFIX}.`);
}

/** The claims as written, unverified; undefined when the token is malformed. */
export function readToken(
  token: string,
): (Required<TokenClaims> & { readonly body: string; readonly signature: string }) | undefined {
  const m = /^(mpl1|mpf1)\.([0-9a-f]{8,64})\.([0-9a-z]{1,12})\.([\w-]{43})$/.exec(token);
  if (!m) return undefined;
  const exp = Number.parseInt(m[3]!, 36);
  if (!Number.isSafeInteger(exp)) return undefined;
  const scope: LinkScope = m[1] === FOLLOW_UP_TOKEN_PREFIX ? 'follow-up' : 'pre-consultation';
  return { linkId: m[2]!, exp, scope, body: `${m[1]}.${m[2]}.${m[3]}`, signature: m[4]! };
}

/** Constant-time check of the signature against the key. */
export function signatureValid(secret: Buffer, token: { readonly body: string; readonly signature: string }): boolean {
  const expected = Buffer.from(mac(secret, token.body), 'utf8');
  const given = Buffer.from(token.signature, 'utf8');
  return expected.length === given.length && timingSafeEqual(expected, given);
}

function mac(secret: Buffer, body: string): string {
  return createHmac('sha256', secret).update(body, 'utf8').digest('base64url');
}
