import type { Authenticator } from '../env.js';
import { SessionStore, sessionCookie } from './sessions.js';
import { userPrincipal } from './users.js';

const UNSAFE = new Set(['POST', 'PUT', 'PATCH', 'DELETE']);

/**
 * The session cookie of a logged-in workspace user (`medseek_session`). Unsafe methods must echo the
 * session's CSRF token (cookie `medseek_csrf`) as `X-CSRF-Token`: a page of another site can make the
 * browser send the cookie, but cannot read the token (double submit, bound to the session).
 */
export const sessionAuthenticator: Authenticator = async (ctx, c) => {
  const id = sessionCookie(c);
  if (!id) return undefined;
  const session = await new SessionStore(ctx.db).resolve(id);
  if (!session) return { refused: { reason: 'the session has expired or was ended: log in again' } };
  const credential = `user:${session.user.id}`;
  if (UNSAFE.has(c.req.method) && !session.csrfMatches(c.req.header('x-csrf-token'))) {
    return {
      refused: { credential, reason: 'missing or wrong X-CSRF-Token: send the value of the medseek_csrf cookie' },
    };
  }
  return { principal: userPrincipal(session.user) };
};
