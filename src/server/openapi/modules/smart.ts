import { z } from 'zod';
import { pullBody } from '../../smart/pull-route.js';
import { JsonObject, OAuthError } from '../components.js';
import type { ModuleDoc } from '../operation.js';

/**
 * SMART App Launch 2.x (smart/routes.ts). The OAuth endpoints read their query and form fields by
 * hand (smart/authorize.ts, token-endpoint.ts, launch.ts), as OAuth requires; described here.
 */
const authorizeQuery = z.object({
  response_type: z.enum(['code']),
  client_id: z.string().describe('A registered app'),
  redirect_uri: z.string().describe('One of the app’s registered redirect URIs'),
  scope: z.string().describe('Space-separated SMART scopes (`launch/patient openid fhirUser patient/*.rs`)'),
  state: z.string().optional(),
  aud: z.string().describe('MedSeek’s FHIR base URL'),
  code_challenge: z
    .string()
    .regex(/^[A-Za-z0-9_-]{43,128}$/)
    .describe('PKCE S256 challenge'),
  code_challenge_method: z.enum(['S256']),
  launch: z.string().optional().describe('The EHR launch context (EHR launch)'),
  nonce: z.string().optional(),
});
const approvalForm = z.object({
  csrf: z.string().describe('The token of the approval page (also in its cookie)'),
  request: z.string().describe('The pending request id of the approval page'),
  decision: z.enum(['approve', 'deny']),
  scope: z.array(z.string()).optional().describe('The scopes the user approves (only ones requested)'),
  patient: z.string().optional().describe('The chosen patient, when the app asks for a patient context'),
});
const tokenForm = z.object({
  grant_type: z.enum(['authorization_code', 'refresh_token']),
  code: z.string().optional().describe('authorization_code: the code from the redirect'),
  code_verifier: z
    .string()
    .regex(/^[A-Za-z0-9._~-]{43,128}$/)
    .optional()
    .describe('authorization_code: the PKCE verifier'),
  redirect_uri: z.string().optional().describe('authorization_code: the same redirect URI'),
  refresh_token: z.string().optional().describe('refresh_token: the refresh token'),
  scope: z.string().optional().describe('refresh_token: the same or fewer scopes'),
  client_id: z.string().optional().describe('Public clients; confidential ones may use HTTP Basic instead'),
  client_secret: z.string().optional().describe('Confidential clients using client_secret_post'),
});
const tokenResponse = z.looseObject({
  access_token: z.string(),
  token_type: z.literal('Bearer'),
  expires_in: z.number().int(),
  scope: z.string(),
  refresh_token: z.string().optional(),
  id_token: z.string().optional(),
  patient: z.string().optional().describe('The launch patient'),
  need_patient_banner: z.boolean().optional(),
});
const launchQuery = z.object({
  patient: z.string().describe('The Patient id to open the app on'),
  client_id: z.string().describe('The registered app'),
});
const html = (description: string) => ({ description, contentType: 'text/html', schema: z.string() });
const redirect = (description: string) => ({ description, contentType: 'text/plain' });

export const smartDoc: ModuleDoc = {
  tag: 'SMART on FHIR',
  description:
    'SMART App Launch 2.x: MedSeek’s own authorization server for its FHIR endpoint (discovery, authorize with PKCE, token, JWKS, EHR launch), and the workspace’s pull of an EHR-launched patient.',
  operations: [
    {
      method: 'get',
      path: '/fhir/.well-known/smart-configuration',
      summary: 'SMART configuration',
      description: 'Where to authorize and get tokens, the scopes and capabilities supported. No credential needed.',
      responses: { 200: { description: 'The SMART configuration.', schema: JsonObject } },
    },
    {
      method: 'get',
      path: '/.well-known/openid-configuration',
      summary: 'OpenID Connect discovery',
      description: 'The OpenID Connect metadata of MedSeek’s id_tokens.',
      responses: { 200: { description: 'The discovery document.', schema: JsonObject } },
    },
    {
      method: 'get',
      path: '/oauth2/jwks',
      summary: 'Signing keys',
      description: 'The public key(s) MedSeek signs id_tokens with.',
      responses: { 200: { description: '`{keys}`: a JSON Web Key Set.', schema: JsonObject } },
    },
    {
      method: 'get',
      path: '/oauth2/style.css',
      summary: 'Stylesheet of the approval page',
      description: 'Served separately so the page needs no inline style.',
      responses: { 200: { description: 'CSS.', contentType: 'text/css', schema: z.string() } },
    },
    {
      method: 'get',
      path: '/oauth2/authorize',
      summary: 'Authorize (show the approval page)',
      description:
        'Checks the app, its redirect URI and PKCE, then shows the logged-in user what the app asks for (a user not logged in is sent to the login page first). Problems with the app or redirect URI are shown here; others go back to the app as OAuth errors.',
      query: authorizeQuery,
      responses: {
        200: html('The approval page.'),
        302: redirect('To the login page, or back to the app with an OAuth error.'),
        400: html('An unknown app or redirect URI.'),
      },
    },
    {
      method: 'post',
      path: '/oauth2/authorize',
      summary: 'Approve or deny',
      description:
        'The approval form (guarded by its CSRF token): records the grant and sends the browser back to the app with a code, or with access_denied. Audited.',
      body: { schema: approvalForm, contentType: 'application/x-www-form-urlencoded' },
      responses: {
        303: redirect('Back to the app with `code` and `state`.'),
        400: html('A patient must be chosen.'),
        403: html('A stale form, or the user changed.'),
      },
    },
    {
      method: 'post',
      path: '/oauth2/token',
      summary: 'Token',
      description:
        'Exchanges a code (with its PKCE verifier) or a refresh token for an access token; `patient` carries the launch patient. Confidential clients authenticate with HTTP Basic or client_secret.',
      body: { schema: tokenForm, contentType: 'application/x-www-form-urlencoded' },
      responses: {
        200: { description: 'The token response.', schema: tokenResponse },
        400: {
          description: 'invalid_request, invalid_grant, invalid_scope or unsupported_grant_type.',
          schema: OAuthError,
        },
        401: { description: 'invalid_client.', schema: OAuthError },
      },
    },
    {
      method: 'options',
      path: '/oauth2/token',
      summary: 'Token (CORS preflight)',
      description: 'Lets browser apps on other origins call the token endpoint.',
      responses: { 204: { description: 'CORS headers.' } },
    },
    {
      method: 'get',
      path: '/oauth2/launch',
      summary: 'EHR launch from MedSeek',
      description:
        'A clinician or admin opens a registered app on a patient they may see: redirects to the app’s launch URL with `iss` and a short-lived `launch` context bound to this app and user. Audited.',
      query: launchQuery,
      responses: {
        302: redirect('To the app’s launch URL.'),
        400: html('The app has no launch URL.'),
        403: html('Not a clinician or admin, or not a patient they may see.'),
      },
    },
    {
      method: 'post',
      path: '/api/smart/pull',
      summary: 'Pull the launch patient from the EHR',
      description:
        'After an EHR launched the workspace, copies the launch patient from the EHR’s FHIR server with the token the EHR gave the app. Only from trusted issuers (the configured FHIR source or MEDSEEK_SMART_ISSUERS). Audited.',
      body: { schema: pullBody },
      responses: { 200: { description: '`{patient, resources, created, updated, unchanged}`.', schema: JsonObject } },
    },
  ],
};
