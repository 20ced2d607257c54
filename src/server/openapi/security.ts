import type { RouteAccess } from '../env.js';
import { SCOPES_SUPPORTED } from '../smart/discovery.js';
import type { HttpMethod } from './operation.js';

/**
 * The SMART scopes MedSeek's FHIR endpoint understands (https://hl7.org/fhir/smart-app-launch/scopes-and-launch-context.html):
 * those its discovery document lists, and the narrower ones the operations below require.
 */
const SCOPE_WORDS: Record<string, string> = {
  openid: 'OpenID Connect: an id_token',
  fhirUser: 'The id_token names the user as a FHIR resource',
  profile: 'The user’s name in the id_token',
  'patient/*.read': "SMART v1: read the launch patient's resources",
  'user/*.read': 'SMART v1: read what the user may see',
  launch: 'EHR launch: the launch context the EHR handed over',
  'launch/patient': 'Standalone launch: pick a patient',
  offline_access: 'A refresh token that outlives the session',
  'patient/*.r': "Read the launch patient's resources",
  'patient/*.s': "Search the launch patient's resources",
  'patient/*.rs': "Read and search the launch patient's resources",
  'user/*.r': 'Read what the user may see',
  'user/*.s': 'Search what the user may see',
  'patient/*.c': "Create resources in the launch patient's record",
  'patient/*.u': "Update resources in the launch patient's record",
  'user/*.c': 'Create resources the user may see',
  'user/*.u': 'Update resources the user may see',
  'system/*.r': 'A backend service: read every resource (Bulk Data export)',
  'system/*.c': 'A backend service: create resources',
  'system/*.u': 'A backend service: update resources',
  'patient/*.d': "Delete resources in the launch patient's record",
  'user/*.d': 'Delete resources the user may see',
  'system/*.d': 'A backend service: delete resources',
  'user/*.cu': 'Create and update resources (transaction and batch Bundles)',
  'system/*.cu': 'A backend service: create and update resources (transaction and batch Bundles)',
  'user/*.rs': 'Read and search what the user may see',
  'patient/Observation.rs': "Read and search the launch patient's Observations (one type; any type works the same way)",
  'user/Observation.rs': 'Read and search Observations the user may see (one type; any type works the same way)',
};
const SMART_SCOPES: Record<string, string> = {
  ...Object.fromEntries(SCOPES_SUPPORTED.map((s) => [s, s])),
  ...SCOPE_WORDS,
};

/**
 * The ways to prove identity (CONTRACTS.md): one Authorization header carries an API key, a hospital
 * JWT, a patient's link token or a SMART access token; the workspace uses a session cookie with a
 * double-submit CSRF token on unsafe methods; CDS Hooks services take the EHR's own JWT.
 */
export const SECURITY_SCHEMES = {
  bearer: {
    type: 'http',
    scheme: 'bearer',
    description:
      "`Authorization: Bearer <credential>`: an API key (`msk_…`, from `medseek keys create`), a hospital JWT, a patient's link token, or a SMART access token issued by MedSeek. The credential's role decides what it may call.",
  },
  apiKey: {
    type: 'apiKey',
    in: 'header',
    name: 'X-API-Key',
    description: 'An API key in its own header instead of Authorization.',
  },
  session: {
    type: 'apiKey',
    in: 'cookie',
    name: 'medseek_session',
    description:
      'The workspace session after logging in (HttpOnly cookie). Unsafe methods also need the CSRF token (the `csrf` scheme).',
  },
  csrf: {
    type: 'apiKey',
    in: 'header',
    name: 'X-CSRF-Token',
    description:
      'Double-submit CSRF token: the value of the `medseek_csrf` cookie, echoed on POST, PUT, PATCH and DELETE with a session cookie.',
  },
  smart: {
    type: 'oauth2',
    description:
      'SMART App Launch 2.x (EHR and standalone launch, PKCE); the access token is sent as `Authorization: Bearer`. Discovery: /fhir/.well-known/smart-configuration.',
    flows: {
      authorizationCode: { authorizationUrl: '/oauth2/authorize', tokenUrl: '/oauth2/token', scopes: SMART_SCOPES },
    },
  },
  cdsHooksJwt: {
    type: 'http',
    scheme: 'bearer',
    bearerFormat: 'JWT',
    description:
      'CDS Hooks: the EHR signs a JWT per call (https://cds-hooks.hl7.org/2.0/#trusting-cds-clients); MedSeek checks it against the trusted issuers configured.',
  },
} as const;

export type SecurityRequirement = Record<string, string[]>;

/**
 * The security requirements of an operation from its route policy. OpenAPI 3.1 lets a non-OAuth
 * requirement list role names (https://spec.openapis.org/oas/v3.1.0#security-requirement-object):
 * they are the roles the policy allows. `public` needs none; no policy at all means refused (403).
 */
export function securityFor(
  access: RouteAccess | undefined,
  method: HttpMethod,
  smartScopes: readonly (readonly string[])[] = [],
): SecurityRequirement[] {
  if (access === 'public') return [];
  const roles = access === undefined || access === 'authenticated' ? [] : [...access.roles];
  const unsafe = method !== 'get';
  return [
    { bearer: roles },
    { apiKey: roles },
    unsafe ? { session: roles, csrf: [] } : { session: roles },
    ...smartScopes.map((scopes) => ({ smart: [...scopes] })),
  ];
}

/** Who may call it, in words (for the readable page and `x-medseek-access`). */
export function accessInWords(access: RouteAccess | undefined): string {
  if (access === undefined) return 'nobody: no access policy is listed for this route, so it is refused (403)';
  if (access === 'public') return 'anyone, without a credential';
  if (access === 'authenticated') return 'any signed-in caller (admin, clinician or patient)';
  return access.roles.join(', ');
}
