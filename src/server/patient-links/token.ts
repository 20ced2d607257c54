import { createHmac, timingSafeEqual } from 'node:crypto';

/**
 * A patient link's token: `mpl1.<link id>.<expiry, unix seconds in base 36>.<HMAC-SHA256, base64url>`.
 * Four dot-separated parts, so it is never mistaken for a JWT (three) or an API key (`msk_`), and
 * URL-safe for `#/p/<token>` and a QR code. The signature covers the version, id and expiry.
 */
export const TOKEN_PREFIX = 'mpl1';

export interface TokenClaims {
  readonly linkId: string;
  /** Expiry, unix seconds. */
  readonly exp: number;
}

export function signToken(secret: Buffer, claims: TokenClaims): string {
  const body = `${TOKEN_PREFIX}.${claims.linkId}.${claims.exp.toString(36)}`;
  return `${body}.${mac(secret, body)}`;
}

/** True when the credential claims to be a patient link (then only the link authenticator judges it). */
export function looksLikeLinkToken(credential: string): boolean {
  return credential.startsWith(`${TOKEN_PREFIX}.`);
}

/** The claims as written, unverified; undefined when the token is malformed. */
export function readToken(
  token: string,
): (TokenClaims & { readonly body: string; readonly signature: string }) | undefined {
  const m = /^mpl1\.([0-9a-f]{8,64})\.([0-9a-z]{1,12})\.([\w-]{43})$/.exec(token);
  if (!m) return undefined;
  const exp = Number.parseInt(m[2]!, 36);
  if (!Number.isSafeInteger(exp)) return undefined;
  return { linkId: m[1]!, exp, body: `${TOKEN_PREFIX}.${m[1]}.${m[2]}`, signature: m[3]! };
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
