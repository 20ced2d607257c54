import type { Issuer } from './tokens.js';

/** What SMART clients read first (https://hl7.org/fhir/smart-app-launch/conformance.html). */
export const SMART_CAPABILITIES = [
  'launch-ehr',
  'launch-standalone',
  'client-public',
  'client-confidential-symmetric',
  'context-ehr-patient',
  'context-standalone-patient',
  'permission-v2',
  'permission-v1',
  'permission-patient',
  'permission-user',
  'permission-offline',
  'sso-openid-connect',
] as const;

export const SCOPES_SUPPORTED = [
  'openid',
  'fhirUser',
  'profile',
  'launch',
  'launch/patient',
  'offline_access',
  'patient/*.rs',
  'user/*.rs',
  'patient/*.read',
  'user/*.read',
];

export function smartConfiguration(issuer: Issuer) {
  const o = issuer.origin;
  return {
    issuer: o,
    jwks_uri: `${o}/oauth2/jwks`,
    authorization_endpoint: `${o}/oauth2/authorize`,
    token_endpoint: `${o}/oauth2/token`,
    token_endpoint_auth_methods_supported: ['none', 'client_secret_basic', 'client_secret_post'],
    grant_types_supported: ['authorization_code', 'refresh_token'],
    response_types_supported: ['code'],
    code_challenge_methods_supported: ['S256'],
    scopes_supported: SCOPES_SUPPORTED,
    capabilities: [...SMART_CAPABILITIES],
  };
}

/** The OpenID Connect discovery document (`iss` of the ID tokens is MedSeek's origin). */
export function openidConfiguration(issuer: Issuer) {
  const o = issuer.origin;
  return {
    issuer: o,
    jwks_uri: `${o}/oauth2/jwks`,
    authorization_endpoint: `${o}/oauth2/authorize`,
    token_endpoint: `${o}/oauth2/token`,
    response_types_supported: ['code'],
    subject_types_supported: ['public'],
    id_token_signing_alg_values_supported: ['ES256'],
    scopes_supported: ['openid', 'fhirUser', 'profile'],
    claims_supported: ['iss', 'sub', 'aud', 'exp', 'iat', 'fhirUser', 'name', 'nonce'],
    code_challenge_methods_supported: ['S256'],
  };
}
