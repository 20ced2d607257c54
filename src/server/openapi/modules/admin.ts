import { z } from 'zod';
import { AUDIT_FILTERS } from '../../audit/audit-search.js';
import {
  hospitalQuery,
  modelTestBody,
  newKeyBody,
  newUserBody,
  passwordBody,
  revertBody,
  ruleHistoryQuery,
  userPatchBody,
} from '../../routes/admin.js';
import { GROUP_NAMES, SETTINGS_GROUPS } from '../../settings/schemas.js';
import { JsonObject } from '../components.js';
import type { ModuleDoc, OperationDoc } from '../operation.js';

/**
 * `/api/admin` (routes/admin.ts). Bodies are the route's own zod schemas and the settings groups'
 * (settings/schemas.ts). Checked by hand, described here: `hospital` / `rule` queries
 * (settings/rules.ts `checkHospital`), a rule setting body (`saveRule`), the audit filters
 * (audit/audit-search.ts `auditFilterFromQuery`).
 */
const P = '/api/admin';
const ok = (description: string) => ({ description, schema: JsonObject });
const ruleSetting = z.strictObject({
  enabled: z.boolean().optional(),
  severity: z
    .enum(['info', 'low', 'moderate', 'high', 'critical'])
    .optional()
    .describe('The severity the rule’s findings get'),
  params: z
    .record(z.string(), z.unknown())
    .optional()
    .describe('The rule’s parameters (thresholds…), checked by the rule’s own validator'),
});
const auditQuery = z.object(
  Object.fromEntries(
    AUDIT_FILTERS.map((f) => [
      f,
      (f === 'limit' || f === 'offset' ? z.string().regex(/^\d{1,9}$/) : z.string().max(200)).optional().describe(
        {
          principal: 'Who (`user:<id>`, `key:<id>`, `anonymous`…)',
          patient: 'About this Patient id',
          action: 'read, search, denied, settings.update…',
          outcome: 'HTTP status',
          from: 'From this date (2026-12-05) or ISO date-time',
          to: 'Up to this date (the whole day) or date-time',
          limit: 'Page size',
          offset: 'How many to skip',
        }[f],
      ),
    ]),
  ),
);
const id = (what: string) => z.object({ id: z.string().describe(what) });

const settingsGroups = GROUP_NAMES.flatMap((g): OperationDoc[] => {
  const what =
    g === 'fhirSource'
      ? 'the hospital’s FHIR server to pull from'
      : 'the model servers and the de-identification policy';
  return [
    {
      method: 'get',
      path: `${P}/settings/${g}`,
      summary: `Current ${g} settings`,
      description: `The current settings of ${what} (secrets masked), or the environment’s when never set here.`,
      responses: { 200: ok('`{source: settings|environment|none, version?, value}`.') },
    },
    {
      method: 'put',
      path: `${P}/settings/${g}`,
      summary: `Change ${g} settings`,
      description: `Validates and saves a new version of ${what}; a masked or omitted secret keeps the stored one. Audited with who changed what.`,
      body: { schema: SETTINGS_GROUPS[g] },
      responses: { 200: ok('The saved version.') },
    },
    {
      method: 'get',
      path: `${P}/settings/${g}/history`,
      summary: `${g} settings history`,
      description: 'Every version, who saved it and when.',
      responses: { 200: ok('`{group, versions}`.') },
    },
    {
      method: 'post',
      path: `${P}/settings/${g}/revert`,
      summary: `Revert ${g} settings`,
      description: 'Saves an older version again, as a new version. Audited.',
      body: { schema: revertBody },
      responses: { 200: ok('The new version.') },
    },
  ];
});

export const adminDoc: ModuleDoc = {
  tag: 'Administration',
  description:
    'What an administrator changes in the workspace: the FHIR source, model servers, rule settings per hospital (validated, versioned), knowledge releases, users, keys, and the audit log. Every change is audited with who made it.',
  operations: [
    ...settingsGroups,
    {
      method: 'get',
      path: `${P}/settings/rules`,
      summary: 'Rule catalogue',
      description: 'Every safety and record-QC rule with its defaults and the hospital’s setting.',
      query: hospitalQuery,
      responses: { 200: ok('`{hospital, hospitals, rules}`.') },
    },
    {
      method: 'get',
      path: `${P}/settings/rules/history`,
      summary: 'Rule settings history',
      description: 'Changes, newest first, each with the setting before and after and who made it.',
      query: ruleHistoryQuery,
      responses: { 200: ok('`{hospital, versions}`.') },
    },
    {
      method: 'put',
      path: `${P}/settings/rules/:ruleId`,
      summary: 'Change a rule’s setting',
      description:
        'Enables or disables a rule, sets its severity or parameters for a hospital, validated by the rule itself. Audited.',
      params: z.object({ ruleId: z.string().describe('The rule id (ddi/warfarin-nsaid…)') }),
      query: hospitalQuery,
      body: { schema: ruleSetting },
      responses: { 200: ok('The new version.') },
    },
    {
      method: 'post',
      path: `${P}/settings/rules/revert`,
      summary: 'Revert a rule setting',
      description: 'Saves the setting of an older version again, as a new version. Audited.',
      body: { schema: revertBody },
      responses: { 200: ok('The new version.') },
    },
    {
      method: 'post',
      path: `${P}/models/test`,
      summary: 'Test a model server',
      description:
        'Sends a tiny prompt, with nothing about any patient, to a stored server (by name) or to the form’s values before saving. Audited.',
      body: { schema: modelTestBody },
      responses: { 200: ok('`{ok, …}`: whether it answered, how long it took, and the error if not.') },
    },
    {
      method: 'get',
      path: `${P}/knowledge/releases`,
      summary: 'Knowledge releases',
      description:
        'Every release and which is active, with the active release’s rule-book problems ' +
        '(edges the safety engines cannot use, each with why).',
      responses: { 200: ok('`{releases, ruleBook?: {release, problems}}`.') },
    },
    {
      method: 'post',
      path: `${P}/knowledge/releases/:id/activate`,
      summary: 'Activate a knowledge release',
      description: 'Makes a release the one every query and diagnosis uses. Audited.',
      params: id('The release id'),
      responses: { 200: ok('`{active}`.') },
    },
    {
      method: 'get',
      path: `${P}/knowledge/curation`,
      summary: 'Curation history',
      description: 'Every local edit of the knowledge graph: who, why, on what source.',
      responses: { 200: ok('`{edits}`.') },
    },
    {
      method: 'get',
      path: `${P}/users`,
      summary: 'Users',
      description: 'Every workspace user (never a password hash).',
      responses: { 200: ok('`{users}`.') },
    },
    {
      method: 'post',
      path: `${P}/users`,
      summary: 'Create a user',
      description: 'A local user (with a password) or one who logs in through the hospital’s provider. Audited.',
      body: { schema: newUserBody },
      responses: { 201: ok('The user.'), 409: { description: 'The username is taken.' } },
    },
    {
      method: 'patch',
      path: `${P}/users/:id`,
      summary: 'Change a user',
      description: 'Display name, role, units, all patients. Audited.',
      params: id('The user id'),
      body: { schema: userPatchBody },
      responses: { 200: ok('The user.') },
    },
    {
      method: 'post',
      path: `${P}/users/:id/disable`,
      summary: 'Disable a user',
      description: 'The user can no longer log in; their sessions end. Audited.',
      params: id('The user id'),
      responses: { 200: ok('The user.') },
    },
    {
      method: 'post',
      path: `${P}/users/:id/enable`,
      summary: 'Enable a user',
      description: 'Lets a disabled user log in again. Audited.',
      params: id('The user id'),
      responses: { 200: ok('The user.') },
    },
    {
      method: 'post',
      path: `${P}/users/:id/unlock`,
      summary: 'Unlock a user',
      description: 'Ends a lockout after failed logins. Audited.',
      params: id('The user id'),
      responses: { 200: ok('The user.') },
    },
    {
      method: 'post',
      path: `${P}/users/:id/password`,
      summary: 'Set a user’s password',
      description: 'Sets a new password; the user’s sessions end. Audited.',
      params: id('The user id'),
      body: { schema: passwordBody },
      responses: { 200: ok('The user.') },
    },
    {
      method: 'get',
      path: `${P}/keys`,
      summary: 'API keys',
      description: 'Every key with its role and scope (never the key itself).',
      responses: { 200: ok('`{keys}`.') },
    },
    {
      method: 'post',
      path: `${P}/keys`,
      summary: 'Create an API key',
      description:
        'A key with a role (a patient key is bound to one patient; a clinician key to units or all patients). The key is shown once, in this answer. Audited.',
      body: { schema: newKeyBody },
      responses: { 201: ok('`{key, info}`: the key (only now) and its details.') },
    },
    {
      method: 'post',
      path: `${P}/keys/:id/revoke`,
      summary: 'Revoke an API key',
      description: 'The key stops working at once. Audited.',
      params: id('The key id or name'),
      responses: { 200: ok('The key’s details, now revoked.') },
    },
    {
      method: 'get',
      path: `${P}/audit`,
      summary: 'Audit log with filters',
      description:
        'Who did what to which patient, refusals included, newest first, with filters and paging. Unknown parameters are refused.',
      query: auditQuery,
      responses: { 200: ok('`{entries, total, …}`: a page of the audit log.') },
    },
  ],
};
