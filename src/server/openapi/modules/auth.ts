import { z } from 'zod';
import { loginBody, oidcCallbackQuery, oidcLoginQuery, passwordBody } from '../../routes/auth.js';
import { JsonObject } from '../components.js';
import type { ModuleDoc } from '../operation.js';

const me = z.object({
  id: z.string().describe('`user:<id>`, `key:<id>`, `link:<id>`…'),
  name: z.string(),
  kind: z.enum(['api-key', 'jwt', 'session', 'patient-link', 'smart', 'demo']),
  role: z.enum(['admin', 'clinician', 'patient']),
  patientId: z.string().optional(),
  consultSession: z.string().optional(),
});
/** routes/auth.ts checks `return` by hand (`safeReturn`): a path on this server. */
const redirect = { description: 'A redirect (Location header).' };

export const authDoc: ModuleDoc = {
  tag: 'Identity',
  description:
    'Logging in to the workspace (local users with a password, or the hospital’s OpenID Connect provider), logging out, and who the caller is.',
  operations: [
    {
      method: 'get',
      path: '/api/auth/me',
      summary: 'Who am I',
      description:
        'The caller as the server sees them: id, name, how they authenticated, role, and for a patient their patient and consultation.',
      responses: { 200: { description: 'The caller.', schema: me } },
    },
    {
      method: 'get',
      path: '/api/auth/providers',
      summary: 'Login methods',
      description: 'Whether local login is offered and, when configured, the hospital’s OpenID Connect provider.',
      responses: { 200: { description: '`{local, oidc: {name, login} | null}`.', schema: JsonObject } },
    },
    {
      method: 'post',
      path: '/api/auth/login',
      summary: 'Log in with a password',
      description:
        'Checks the password (memory-hard hash); on success sets the HttpOnly session cookie `medseek_session` and the CSRF cookie `medseek_csrf`. Repeated failures lock the account (429 with Retry-After). Audited.',
      body: { schema: loginBody },
      responses: {
        200: { description: '`{user, return?}`: the user (never the hash) and where to go next.', schema: JsonObject },
        401: { description: 'Wrong username or password.' },
        403: { description: 'The account is disabled.' },
        429: { description: 'The account is locked after too many failed logins; Retry-After says for how long.' },
      },
    },
    {
      method: 'post',
      path: '/api/auth/logout',
      summary: 'Log out',
      description: 'Ends the session (the CSRF token must match) and clears the cookies. Audited.',
      responses: { 204: { description: 'Logged out.' } },
    },
    {
      method: 'post',
      path: '/api/auth/password',
      summary: 'Change my password',
      description:
        'For a logged-in local user: checks the current password, sets the new one, ends every other session and starts a fresh one. Audited.',
      body: { schema: passwordBody },
      responses: { 200: { description: '`{user}`.', schema: JsonObject } },
    },
    {
      method: 'get',
      path: '/api/auth/oidc/login',
      summary: 'Log in with the hospital’s identity provider',
      description:
        'Starts OpenID Connect (authorization code with PKCE): redirects to the provider. 404 when not configured.',
      query: oidcLoginQuery,
      responses: { 302: redirect },
    },
    {
      method: 'get',
      path: '/api/auth/oidc/callback',
      summary: 'OpenID Connect callback',
      description:
        'Where the provider sends the browser back: completes the login, starts a session and redirects into the workspace (or to the login page with an error code). Audited.',
      query: oidcCallbackQuery,
      responses: { 302: redirect },
    },
  ],
};
