import type { Authenticator, Principal } from '../env.js';
import type { PatientLink } from './store.js';
import { patientLinkStore } from './store.js';
import { looksLikeLinkToken } from './token.js';

/**
 * A patient's pre-consultation link (QR code) bound to one appointment (issue 14), sent as
 * `Authorization: Bearer mpl1.…`. Any other credential is not ours (undefined); a link token that is
 * malformed, forged, expired, revoked, or whose appointment no longer stands for that patient is refused.
 */
export const patientLinkAuthenticator: Authenticator = async (ctx, c) => {
  const m = /^Bearer\s+(\S+)\s*$/i.exec(c.req.header('authorization') ?? '');
  if (!m || !looksLikeLinkToken(m[1]!)) return undefined;
  const check = await patientLinkStore(ctx).verify(m[1]!);
  return 'refused' in check ? check : { principal: linkPrincipal(check.link) };
};

export function linkPrincipal(link: PatientLink): Principal {
  return {
    kind: 'patient-link',
    id: `link:${link.id}`,
    name: `Patient/${link.patientId}`,
    role: 'patient',
    patientId: link.patientId,
    appointmentId: link.appointmentId,
    ...(link.consultSession ? { consultSession: link.consultSession } : {}),
  };
}
