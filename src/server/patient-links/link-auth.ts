import type { Authenticator, Principal } from '../env.js';
import { FOLLOW_UP_LINK_PATHS } from './followup-link.js';
import type { PatientLink } from './store.js';
import { patientLinkStore } from './store.js';
import { looksLikeLinkToken } from './token.js';

/**
 * A patient's pre-consultation link (QR code) bound to one appointment (issue 14), sent as
 * `Authorization: Bearer mpl1.…`. Any other credential is not ours (undefined); a link token that is
 * malformed, forged, expired, revoked, or whose appointment no longer stands for that patient is refused.
 * A follow-up link (`mpf1.…`, issue 21) is bound to a plan and opens the follow-up pages only: anywhere
 * else it is refused, so a link that lives for months cannot start a pre-consultation or read the record.
 */
export const patientLinkAuthenticator: Authenticator = async (ctx, c) => {
  const m = /^Bearer\s+(\S+)\s*$/i.exec(c.req.header('authorization') ?? '');
  if (!m || !looksLikeLinkToken(m[1]!)) return undefined;
  const check = await patientLinkStore(ctx).verify(m[1]!);
  if ('refused' in check) return check;
  if (check.link.scope === 'follow-up' && !FOLLOW_UP_LINK_PATHS.test(c.req.path))
    return {
      refused: { credential: `link:${check.link.id}`, reason: 'a follow-up link opens only the follow-up pages' },
    };
  return { principal: linkPrincipal(check.link) };
};

export function linkPrincipal(link: PatientLink): Principal {
  return {
    kind: 'patient-link',
    id: `link:${link.id}`,
    name: `Patient/${link.patientId}`,
    role: 'patient',
    patientId: link.patientId,
    ...(link.appointmentId ? { appointmentId: link.appointmentId } : {}),
    ...(link.consultSession ? { consultSession: link.consultSession } : {}),
  };
}
