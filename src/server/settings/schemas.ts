import { z } from 'zod';

/**
 * The settings groups an administrator edits, each one validated document. Secret fields
 * (`token`, `clientSecret`, `apiKey`) are plain strings here; the store seals them and never
 * returns them (see store.ts). Rule settings are not a document: they live in the reasoning stage's
 * own per-rule tables (rules.ts).
 */
export const SECRET_FIELDS: ReadonlySet<string> = new Set(['token', 'clientSecret', 'apiKey']);

const httpUrl = z
  .string()
  .trim()
  .url('must be a URL')
  .refine((u) => /^https?:\/\//i.test(u), 'must be an http or https URL')
  .transform((u) => u.replace(/\/+$/, ''));
const secret = z.string().max(4096).optional();

/** The hospital's FHIR server that `medseek pull` (and the workspace's pull) copies patients from. */
export const fhirSourceSchema = z
  .object({
    baseUrl: httpUrl,
    auth: z.discriminatedUnion('type', [
      z.object({ type: z.literal('none') }).strict(),
      z.object({ type: z.literal('bearer'), token: secret }).strict(),
      z
        .object({
          type: z.literal('client-credentials'),
          tokenUrl: httpUrl,
          clientId: z.string().trim().min(1, 'is required'),
          clientSecret: secret,
          scope: z.string().trim().max(1000).optional(),
        })
        .strict(),
    ]),
    /** Patient-compartment pull: which patients (default every patient listed), page size, `$everything` or per-type searches. */
    pull: z
      .object({
        patients: z
          .array(z.string().regex(/^[A-Za-z0-9\-.]{1,64}$/, 'is not a FHIR id'))
          .max(10_000)
          .optional(),
        pageSize: z.number().int().min(1).max(1000).default(100),
        useEverything: z.boolean().default(true),
        timeoutMs: z.number().int().min(1000).max(600_000).default(30_000),
      })
      .strict()
      .default({ pageSize: 100, useEverything: true, timeoutMs: 30_000 }),
  })
  .strict();
export type FhirSourceSettings = z.infer<typeof fhirSourceSchema>;

/** OpenAI-compatible server kinds (an in-process GGUF is a file, configured by MEDSEEK_LLM_GGUF). */
export const SERVER_KINDS = ['deepseek', 'openai-compatible', 'vllm', 'sglang', 'ollama', 'llamacpp-server'] as const;

export const modelServerSchema = z
  .object({
    name: z
      .string()
      .trim()
      .regex(/^[A-Za-z0-9][\w.-]{0,63}$/, 'letters, digits, . _ - (up to 64)'),
    kind: z.enum(SERVER_KINDS).optional(),
    baseUrl: httpUrl,
    model: z.string().trim().min(1, 'is required').max(200),
    apiKey: secret,
    timeoutMs: z.number().int().min(1000).max(600_000).default(60_000),
    /**
     * `local`: runs inside the hospital and may receive identifiable text as it is; `external`:
     * outside, receives what `deidentification` allows. DeepSeek's API is always external.
     */
    location: z.enum(['local', 'external']).default('external'),
  })
  .strict();
export type ModelServerSettings = z.infer<typeof modelServerSchema>;

export const modelsSchema = z
  .object({
    /** What external servers receive of text that may identify a patient: de-identified text, or nothing. */
    deidentification: z.enum(['deidentified', 'never']).default('deidentified'),
    servers: z.array(modelServerSchema).max(8),
  })
  .strict()
  .superRefine((m, ctx) => {
    const seen = new Set<string>();
    m.servers.forEach((s, i) => {
      if (seen.has(s.name))
        ctx.addIssue({ code: 'custom', path: ['servers', i, 'name'], message: `another server is named '${s.name}'` });
      seen.add(s.name);
      if ((s.kind === 'deepseek' || /(^|\.)deepseek\.com$/.test(hostOf(s.baseUrl))) && s.location === 'local') {
        ctx.addIssue({
          code: 'custom',
          path: ['servers', i, 'location'],
          message: "DeepSeek's API is outside the hospital: it cannot be 'local'",
        });
      }
    });
  });
export type ModelsSettings = z.infer<typeof modelsSchema>;

function hostOf(url: string): string {
  try {
    return new URL(url).hostname;
  } catch {
    return '';
  }
}

export const SETTINGS_GROUPS = {
  fhirSource: fhirSourceSchema,
  models: modelsSchema,
} as const;
export type SettingsGroup = keyof typeof SETTINGS_GROUPS;
export interface GroupValue {
  fhirSource: FhirSourceSettings;
  models: ModelsSettings;
}
export const GROUP_NAMES = Object.keys(SETTINGS_GROUPS) as SettingsGroup[];

/** Checks after secrets are merged: a secret the chosen mode needs is there. Paths name the field. */
export function missingSecrets(group: SettingsGroup, value: unknown): { path: string; message: string }[] {
  const out: { path: string; message: string }[] = [];
  if (group === 'fhirSource') {
    const auth = (value as FhirSourceSettings).auth;
    if (auth.type === 'bearer' && !auth.token) out.push({ path: 'auth.token', message: 'a bearer token is required' });
    if (auth.type === 'client-credentials' && !auth.clientSecret)
      out.push({ path: 'auth.clientSecret', message: 'the client secret is required' });
  } else {
    (value as ModelsSettings).servers.forEach((s, i) => {
      if ((s.kind === 'deepseek' || /(^|\.)deepseek\.com$/.test(hostOf(s.baseUrl))) && !s.apiKey)
        out.push({ path: `servers[${i}].apiKey`, message: "DeepSeek's API needs an API key" });
    });
  }
  return out;
}
