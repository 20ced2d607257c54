import type { Context } from 'hono';
import { Hono } from 'hono';
import { z } from 'zod';
import { invalid, MedSeekError } from '../../core/index.js';
import { activateRelease, curationHistory, listReleases } from '../../knowledge/index.js';
import { loadLlmConfig, type ProviderConfig } from '../../llm/index.js';
import { auditFilterFromQuery, searchAudit } from '../audit/audit-search.js';
import { auditEvents } from '../audit/request.js';
import { checkGrant } from '../auth/api-keys.js';
import { UserStore } from '../auth/users.js';
import type { AppContext } from '../context.js';
import type { AppEnv, RouteAccess, RoutePolicies } from '../env.js';
import { fhirSourceFromEnv, settingsStoreFor } from '../settings/effective.js';
import { testModelServer } from '../settings/model-test.js';
import { releasesWithReview } from '../knowledge-releases.js';
import { checkHospital, revertRule, ruleCatalogue, ruleHistory, saveRule } from '../settings/rules.js';
import { GROUP_NAMES, type ModelServerSettings, modelServerSchema, type SettingsGroup } from '../settings/schemas.js';
import { maskSecret } from '../settings/secrets.js';
import { parseWith } from '../request-body.js';
import { body, params, query } from '../validate.js';

/**
 * `/api/admin/…`: what an administrator changes in the workspace (issue 14), admins only:
 * - settings/fhirSource, settings/models: GET (current; the environment's when never set here),
 *   PUT (a new version), GET …/history, POST …/revert {version};
 * - settings/rules: GET ?hospital= (catalogue with defaults and settings), PUT settings/rules/:ruleId,
 *   GET settings/rules/history ?hospital=&rule=, POST settings/rules/revert {version};
 * - POST models/test: a tiny prompt with nothing about any patient, to one server;
 * - knowledge/releases (+ POST :id/activate), knowledge/curation;
 * - users (list, create, PATCH, disable, enable, unlock, password); keys (list, create: shown once, revoke);
 * - audit: the audit log with filters and paging.
 * Every change is written to the audit log with who made it (`settings.update`, `settings/models@v3`).
 */
const ADMIN: RouteAccess = { roles: ['admin'] };
const P = '/api/admin';
const ROUTES = [
  ...GROUP_NAMES.flatMap((g) => [
    `GET ${P}/settings/${g}`,
    `PUT ${P}/settings/${g}`,
    `GET ${P}/settings/${g}/history`,
    `POST ${P}/settings/${g}/revert`,
  ]),
  `GET ${P}/settings/rules`,
  `PUT ${P}/settings/rules/:ruleId`,
  `GET ${P}/settings/rules/history`,
  `POST ${P}/settings/rules/revert`,
  `POST ${P}/models/test`,
  `GET ${P}/knowledge/releases`,
  `POST ${P}/knowledge/releases/:id/activate`,
  `GET ${P}/knowledge/curation`,
  `GET ${P}/users`,
  `POST ${P}/users`,
  `PATCH ${P}/users/:id`,
  `POST ${P}/users/:id/disable`,
  `POST ${P}/users/:id/enable`,
  `POST ${P}/users/:id/unlock`,
  `POST ${P}/users/:id/password`,
  `GET ${P}/keys`,
  `POST ${P}/keys`,
  `POST ${P}/keys/:id/revoke`,
  `GET ${P}/audit`,
] as const;

export const adminPolicies: RoutePolicies = Object.fromEntries(ROUTES.map((r) => [r, ADMIN]));

// Request bodies (exported for the OpenAPI document).
export const idParams = z.object({ id: z.string().min(1).describe('The id') });
export const activateParams = z.object({
  id: z
    .string()
    .regex(/^\d{1,9}$/, 'must be a whole number')
    .transform(Number)
    .describe('The release id'),
});
export const ruleParams = z.object({ ruleId: z.string().min(1).max(200).describe('The rule id') });
export const hospitalQuery = z.object({
  hospital: z.string().optional().describe('The hospital whose settings (default: default)'),
});
export const ruleHistoryQuery = hospitalQuery.extend({
  rule: z.string().optional().describe('One rule’s changes only'),
});
/** A settings document or a rule setting: an object, whose contents the group's schema or the rule checks. */
export const settingsDocument = z.record(z.string(), z.unknown(), 'must be a JSON object');
export const revertBody = z.object({ version: z.number().int().positive() }).strict();
export const modelTestBody = z.union([
  z.object({ name: z.string().min(1) }).strict(),
  z.object({ server: z.unknown() }).strict(),
]);
const roleOfUser = z.enum(['admin', 'clinician']);
const units = z.array(z.string().trim().min(1, 'is empty').max(128)).max(200);
export const newUserBody = z
  .object({
    username: z.string().min(1, 'is required').max(64),
    displayName: z.string().trim().max(200).optional(),
    password: z.string().max(1024).optional(),
    role: roleOfUser,
    units: units.optional(),
    allPatients: z.boolean().optional(),
  })
  .strict();
export const userPatchBody = z
  .object({
    displayName: z.string().trim().max(200).optional(),
    role: roleOfUser.optional(),
    units: units.optional(),
    allPatients: z.boolean().optional(),
  })
  .strict();
export const passwordBody = z.object({ password: z.string().min(1, 'is required').max(1024) }).strict();
export const newKeyBody = z
  .object({
    name: z.string().trim().min(1, 'is required').max(100),
    role: z.enum(['admin', 'clinician', 'patient']),
    patientId: z
      .string()
      .trim()
      .regex(/^[A-Za-z0-9\-.]{1,64}$/, 'is not a FHIR id')
      .optional(),
    units: units.optional(),
    allPatients: z.boolean().optional(),
  })
  .strict()
  .superRefine((k, ctx) => {
    if (k.role === 'patient' && !k.patientId)
      ctx.addIssue({
        code: 'custom',
        path: ['patientId'],
        message: 'a patient key needs the Patient id it is bound to',
      });
    if (k.role !== 'patient' && k.patientId)
      ctx.addIssue({ code: 'custom', path: ['patientId'], message: 'only a patient key is bound to a patient' });
    if (k.role === 'clinician' && !k.units?.length && !k.allPatients)
      ctx.addIssue({ code: 'custom', path: ['units'], message: 'a clinician key needs its units or allPatients' });
    if (k.role !== 'clinician' && (k.units?.length || k.allPatients))
      ctx.addIssue({ code: 'custom', path: ['units'], message: 'units and allPatients are for clinician keys' });
  });

export interface AdminOptions {
  /** The environment the settings fall back to (default process.env). */
  readonly env?: NodeJS.ProcessEnv;
}

export function adminRoutes(ctx: AppContext, options: AdminOptions = {}): Hono<AppEnv> {
  const app = new Hono<AppEnv>();
  const env = options.env ?? process.env;
  const settings = settingsStoreFor(ctx.db, env, ctx.config);
  const users = new UserStore(ctx.db);
  const who = (c: Context<AppEnv>) => c.get('principal').id;
  const audit = (
    c: Context<AppEnv>,
    action: string,
    resource: string,
    outcome = 200,
    detail?: Record<string, unknown>,
  ) => ctx.audit.record(auditEvents(c, { action, resource, outcome, patients: [], ...(detail ? { detail } : {}) }));

  // ── settings documents ──
  for (const group of GROUP_NAMES) {
    app.get(`/settings/${group}`, async (c) => {
      const current = await settings.current(group);
      if (current) return c.json({ source: 'settings', ...current });
      const fromEnv = environmentValue(group, env);
      return c.json({ group, source: fromEnv ? 'environment' : 'none', ...(fromEnv ? { value: fromEnv } : {}) });
    });
    // The group's own schema (settings/schemas.ts) checks the document; here only that it is an object.
    app.put(`/settings/${group}`, body(settingsDocument), async (c) => {
      const saved = await settings.update(group, c.req.valid('json'), who(c));
      await audit(c, 'settings.update', `settings/${group}@v${saved.version}`, 200, {
        group,
        version: saved.version,
        ...(saved.version > 1 ? { previous: saved.version - 1 } : {}),
      });
      return c.json({ source: 'settings', ...saved });
    });
    app.get(`/settings/${group}/history`, async (c) => c.json({ group, versions: await settings.history(group) }));
    app.post(`/settings/${group}/revert`, body(revertBody), async (c) => {
      const { version } = c.req.valid('json');
      const saved = await settings.revert(group, version, who(c));
      await audit(c, 'settings.revert', `settings/${group}@v${saved.version}`, 200, {
        group,
        version: saved.version,
        revertedTo: version,
      });
      return c.json({ source: 'settings', ...saved });
    });
  }

  // ── rule settings (the reasoning stage's per-hospital configuration) ──
  app.get('/settings/rules', query(hospitalQuery), async (c) =>
    c.json(await ruleCatalogue(ctx.db, checkHospital(c.req.valid('query').hospital))),
  );
  app.get('/settings/rules/history', query(ruleHistoryQuery), async (c) => {
    const hospital = checkHospital(c.req.valid('query').hospital);
    const rule = c.req.valid('query').rule?.trim();
    return c.json({ hospital, versions: await ruleHistory(ctx.db, hospital, rule || undefined) });
  });
  // The rule's own validator checks its parameters (saveRule); here the setting's shape.
  app.put('/settings/rules/:ruleId', params(ruleParams), query(hospitalQuery), body(settingsDocument), async (c) => {
    const hospital = checkHospital(c.req.valid('query').hospital);
    const saved = await saveRule(ctx.db, hospital, c.req.valid('param').ruleId, c.req.valid('json'), who(c));
    await audit(c, 'settings.update', `settings/rules/${hospital}/${saved.ruleId}@v${saved.version}`, 200, {
      hospital,
      ruleId: saved.ruleId,
      before: saved.before ?? null,
      after: saved.after,
    });
    return c.json(saved);
  });
  app.post('/settings/rules/revert', body(revertBody), async (c) => {
    const { version } = c.req.valid('json');
    const saved = await revertRule(ctx.db, version, who(c));
    await audit(c, 'settings.revert', `settings/rules/${saved.hospital}/${saved.ruleId}@v${saved.version}`, 200, {
      revertedTo: version,
      before: saved.before ?? null,
      after: saved.after,
    });
    return c.json(saved);
  });

  // ── the model test button ──
  app.post('/models/test', body(modelTestBody), async (c) => {
    const body = c.req.valid('json');
    const stored = (await settings.effective('models'))?.servers ?? environmentServers(env, false);
    let server: ModelServerSettings;
    if ('name' in body) {
      const hit = stored.find((s) => s.name === body.name);
      if (!hit) throw invalid(`no model server named '${body.name}'`, { field: 'name' });
      server = hit;
    } else {
      // The form's values, before saving: a masked or missing key is the stored one of that server.
      const form = parseWith(modelServerSchema, body.server, 'server');
      const kept = stored.find((s) => s.name === form.name)?.apiKey;
      const apiKey = form.apiKey && !form.apiKey.startsWith('••••') ? form.apiKey : kept;
      server = { ...form, ...(apiKey ? { apiKey } : {}) };
      if (!apiKey) delete (server as { apiKey?: string }).apiKey;
    }
    const result = await testModelServer(server);
    await audit(c, 'models.test', `settings/models/${server.name}`, result.ok ? 200 : 502);
    return c.json(result);
  });

  // ── knowledge releases and curation (the same functions as /api/kg) ──
  app.get('/knowledge/releases', async (c) => c.json(await releasesWithReview(ctx.db)));
  app.post('/knowledge/releases/:id/activate', params(activateParams), async (c) => {
    const { id } = c.req.valid('param');
    const before = (await listReleases(ctx.db)).find((r) => r.active)?.id;
    await activateRelease(ctx.db, id);
    await audit(c, 'kg.activate', `kg-release/${id}`, 200, { activeBefore: before ?? null, activeAfter: id });
    return c.json({ active: id });
  });
  app.get('/knowledge/curation', async (c) => c.json({ edits: await curationHistory(ctx.db) }));

  // ── users ──
  app.get('/users', async (c) => c.json({ users: await users.list() }));
  app.post('/users', body(newUserBody), async (c) => {
    const body = c.req.valid('json');
    const user = await users.create(body);
    await audit(c, 'user.create', `user/${user.id}`, 201, { username: user.username, role: user.role });
    return c.json(user, 201);
  });
  app.patch('/users/:id', params(idParams), body(userPatchBody), async (c) => {
    const { id } = c.req.valid('param');
    const patch = c.req.valid('json');
    if (patch.role && patch.role !== 'admin') notSelf(c, id, 'take away your own administrator role');
    const user = await users.update(id, patch);
    await audit(c, 'user.update', `user/${id}`, 200, { fields: Object.keys(patch) });
    return c.json(user);
  });
  for (const [action, disabled] of [
    ['disable', true],
    ['enable', false],
  ] as const) {
    app.post(`/users/:id/${action}`, params(idParams), async (c) => {
      const { id } = c.req.valid('param');
      if (disabled) notSelf(c, id, 'disable your own account');
      const user = await users.update(id, { disabled });
      await audit(c, `user.${action}`, `user/${id}`);
      return c.json(user);
    });
  }
  app.post('/users/:id/unlock', params(idParams), async (c) => {
    const { id } = c.req.valid('param');
    const user = await users.unlock(id);
    await audit(c, 'user.unlock', `user/${id}`);
    return c.json(user);
  });
  app.post('/users/:id/password', params(idParams), body(passwordBody), async (c) => {
    const { id } = c.req.valid('param');
    const { password } = c.req.valid('json');
    const user = await users.setPassword(id, password);
    await audit(c, 'user.password', `user/${id}`);
    return c.json(user);
  });

  // ── API keys ──
  app.get('/keys', async (c) => c.json({ keys: await ctx.apiKeys.list() }));
  app.post('/keys', body(newKeyBody), async (c) => {
    const { name, ...grant } = c.req.valid('json');
    const created = await ctx.apiKeys.create(name, checkGrant(grant));
    await audit(c, 'key.create', `api-key/${created.info.id}`, 201, {
      name: created.info.name,
      role: created.info.role,
    });
    // The key itself, this once: never stored, never shown again, never cached.
    c.header('Cache-Control', 'no-store');
    return c.json(created, 201);
  });
  app.post('/keys/:id/revoke', params(idParams), async (c) => {
    const info = await ctx.apiKeys.revoke(c.req.valid('param').id);
    await audit(c, 'key.revoke', `api-key/${info.id}`);
    return c.json(info);
  });

  // ── the audit log ──
  app.get('/audit', async (c) =>
    c.json(await searchAudit(ctx.db, auditFilterFromQuery(new URL(c.req.url).searchParams))),
  );

  return app;
}

/** An administrator cannot lock themselves out by accident. */
function notSelf(c: Context<AppEnv>, userId: string, what: string): void {
  if (c.get('principal').id === `user:${userId}`)
    throw new MedSeekError('conflict', `you cannot ${what}; ask another administrator`, { field: 'id' });
}

/** What the environment configures, as the settings page shows it (secrets masked), for a group never set here. */
function environmentValue(group: SettingsGroup, env: NodeJS.ProcessEnv): unknown {
  if (group === 'fhirSource') {
    const s = fhirSourceFromEnv(env);
    if (!s) return undefined;
    return s.auth.type === 'bearer' && s.auth.token
      ? { ...s, auth: { type: 'bearer', token: maskSecret(s.auth.token) } }
      : s;
  }
  const servers = environmentServers(env, true);
  if (!servers.length) return undefined;
  let external: 'deidentified' | 'never' = 'deidentified';
  try {
    external = loadLlmConfig(env).external;
  } catch {
    // shown as the default
  }
  return { deidentification: external, servers };
}

/** The environment's OpenAI-compatible servers as settings (an in-process GGUF is not a server). */
function environmentServers(env: NodeJS.ProcessEnv, mask: boolean): ModelServerSettings[] {
  let providers: readonly ProviderConfig[];
  try {
    providers = loadLlmConfig(env).providers;
  } catch {
    return [];
  }
  return providers
    .filter((p) => p.kind !== 'gguf' && p.baseURL)
    .map((p) => ({
      name: p.name,
      kind: p.kind as ModelServerSettings['kind'] & string,
      baseUrl: p.baseURL!,
      model: p.model,
      ...(p.apiKey ? { apiKey: mask ? maskSecret(p.apiKey) : p.apiKey } : {}),
      timeoutMs: p.timeoutMs,
      location: p.trust,
    }));
}
