import type { Authenticator, Principal } from '../env.js';
import { AuthzStore } from './authz-store.js';
import { issuerOf, verifyAccessToken } from './tokens.js';

/**
 * Access tokens MedSeek's own SMART authorization server issued (`Authorization: Bearer <jwt>`):
 * signature, expiry, issuer and audience (this server's origin and FHIR base) checked, and the
 * grant it names must still stand. The principal acts as the user who approved, limited by the
 * granted scopes and, with a launch patient, to that patient. Other bearer tokens: undefined.
 */
export const smartTokenAuthenticator: Authenticator = async (ctx, c) => {
  const m = /^Bearer\s+(\S+)\s*$/i.exec(c.req.header('authorization') ?? '');
  if (!m || m[1]!.split('.').length !== 3) return undefined;
  const r = await verifyAccessToken(ctx.db, issuerOf(c.req.url), m[1]!);
  if (!r) return undefined;
  if ('refused' in r)
    return {
      refused: { ...(r.refused.sub ? { credential: `smart:${r.refused.sub}` } : {}), reason: r.refused.reason },
    };
  const { claims } = r;
  const credential = `smart:${claims.sub}`;
  const grant = await new AuthzStore(ctx.db).grant(claims.grant);
  if (!grant || grant.revoked)
    return { refused: { credential, reason: 'the SMART authorization behind this token was revoked' } };
  const user = grant.principal;
  // A patient user's token is theirs whatever the launch says; others are bound to the launch patient.
  const patientId = user.role === 'patient' ? user.patientId : (claims.patient ?? grant.launchPatient);
  const principal: Principal = {
    kind: 'smart',
    id: credential,
    name: user.name,
    role: user.role,
    ...(patientId ? { patientId } : {}),
    ...(user.units ? { units: user.units } : {}),
    ...(user.allPatients ? { allPatients: true } : {}),
    scopes: grant.scopes,
  };
  return { principal };
};
