import type { Sql } from '../../core/index.js';
import { loadConfig, MedSeekError } from '../../core/index.js';
import { guessKind, type LlmConfig, loadLlmConfig, type ProviderConfig, presets } from '../../llm/index.js';
import type { PullOptions } from '../fhir-pull.js';
import type { FhirSourceSettings, ModelServerSettings, ModelsSettings } from './schemas.js';
import { type SettingsPlace, secretBox, settingsKey } from './secrets.js';
import { SettingsStore } from './store.js';

/**
 * What the rest of MedSeek reads. Order, first that applies wins:
 *   1. a command-line option (`medseek pull --fhir … --bearer …`), for that one run;
 *   2. the workspace setting (the newest version in `medseek_setting_versions`);
 *   3. the environment (MEDSEEK_LLM_*, DEEPSEEK_API_KEY, MEDSEEK_LLM_CONFIG; MEDSEEK_PULL_FHIR, MEDSEEK_PULL_BEARER);
 *   4. built-in defaults.
 * One exception: MEDSEEK_LLM_EXTERNAL=never is a lock the workspace cannot loosen.
 */
export function settingsStoreFor(
  sql: Sql,
  env: NodeJS.ProcessEnv = process.env,
  place: SettingsPlace = loadConfig(env),
): SettingsStore {
  return new SettingsStore(
    sql,
    secretBox((create) => settingsKey(env, place, create)),
  );
}

/**
 * The model configuration to build the client from: the workspace's `models` setting over the
 * environment's. With `warn`, an API key that cannot be unsealed (MEDSEEK_SETTINGS_KEY changed) is
 * left out and reported instead of stopping the server.
 */
export async function effectiveModelSettings(
  sql: Sql,
  env: NodeJS.ProcessEnv = process.env,
  place?: SettingsPlace,
  warn?: (message: string) => void,
): Promise<LlmConfig> {
  const stored = await settingsStoreFor(sql, env, place).effective(
    'models',
    warn
      ? {
          unreadable: (field) =>
            warn(
              `a stored model ${field} cannot be unsealed (MEDSEEK_SETTINGS_KEY changed?): enter it again in Settings → Models`,
            ),
        }
      : {},
  );
  if (!stored) return loadLlmConfig(env);
  return llmConfigFromSettings(stored, env);
}

/** Turns the `models` document into the client's configuration; retries, cache and the de-identification secret stay the environment's. */
export function llmConfigFromSettings(stored: ModelsSettings, env: NodeJS.ProcessEnv): LlmConfig {
  let base: LlmConfig | undefined;
  try {
    base = loadLlmConfig(env);
  } catch {
    base = undefined; // a broken environment configuration does not stop the workspace's one
  }
  // An in-process GGUF is a file on this machine, not a server: it stays as the environment set it.
  const gguf = base?.providers.filter((p) => p.kind === 'gguf') ?? [];
  const lock = env.MEDSEEK_LLM_EXTERNAL === 'never';
  return {
    providers: [
      ...stored.servers.map(providerFromServer),
      ...gguf.filter((g) => !stored.servers.some((s) => s.name === g.name)),
    ],
    external: lock ? 'never' : stored.deidentification,
    retry: base?.retry ?? { attempts: 3, baseDelayMs: 250, maxDelayMs: 8_000 },
    breaker: base?.breaker ?? { threshold: 5, cooldownMs: 30_000 },
    cache: base?.cache ?? true,
    ...(base?.deadlines ? { deadlines: base.deadlines } : {}),
    ...(env.MEDSEEK_DEID_SECRET ? { deidSecret: env.MEDSEEK_DEID_SECRET } : {}),
  };
}

export function providerFromServer(s: ModelServerSettings): ProviderConfig {
  const kind = s.kind ?? guessKind(s.baseUrl);
  const preset = presets[kind];
  return {
    name: s.name,
    kind,
    baseURL: s.baseUrl,
    ...(s.apiKey ? { apiKey: s.apiKey } : {}),
    model: s.model,
    trust: preset.alwaysExternal ? 'external' : s.location,
    jsonMode: kind === 'deepseek' && s.model.includes('reasoner') ? 'none' : preset.jsonMode,
    concurrency: preset.concurrency,
    timeoutMs: s.timeoutMs,
  };
}

/** The hospital FHIR server to pull from: the workspace's `fhirSource` setting, else MEDSEEK_PULL_FHIR (+ MEDSEEK_PULL_BEARER); undefined when neither is set. */
export async function effectiveFhirSource(
  sql: Sql,
  env: NodeJS.ProcessEnv = process.env,
  place?: SettingsPlace,
): Promise<FhirSourceSettings | undefined> {
  const stored = await settingsStoreFor(sql, env, place).effective('fhirSource');
  if (stored) return stored;
  return fhirSourceFromEnv(env);
}

export function fhirSourceFromEnv(env: NodeJS.ProcessEnv): FhirSourceSettings | undefined {
  const base = env.MEDSEEK_PULL_FHIR?.trim();
  if (!base) return undefined;
  const bearer = env.MEDSEEK_PULL_BEARER;
  return {
    baseUrl: base.replace(/\/+$/, ''),
    auth: bearer ? { type: 'bearer', token: bearer } : { type: 'none' },
    pull: { pageSize: 100, useEverything: true, timeoutMs: 30_000 },
  };
}

/**
 * The `pullFromFhir` options a source gives: its base URL, a bearer token (for client credentials,
 * one fetched now from the token endpoint), the patients, page size and `$everything` choice.
 */
export async function pullOptionsFrom(
  source: FhirSourceSettings,
  options: { fetch?: typeof fetch } = {},
): Promise<Pick<PullOptions, 'base' | 'bearer' | 'patients' | 'pageSize' | 'noEverything' | 'timeoutMs'>> {
  const auth = source.auth;
  const bearer =
    auth.type === 'bearer'
      ? auth.token
      : auth.type === 'client-credentials'
        ? await clientCredentialsToken(auth, options.fetch ?? fetch, source.pull.timeoutMs)
        : undefined;
  return {
    base: source.baseUrl,
    ...(bearer ? { bearer } : {}),
    ...(source.pull.patients?.length ? { patients: source.pull.patients } : {}),
    pageSize: source.pull.pageSize,
    noEverything: !source.pull.useEverything,
    timeoutMs: source.pull.timeoutMs,
  };
}

type ClientCredentials = Extract<FhirSourceSettings['auth'], { type: 'client-credentials' }>;

/** OAuth 2.0 client credentials (RFC 6749 §4.4) with client_secret_basic; the secret never appears in an error. */
export async function clientCredentialsToken(
  auth: ClientCredentials,
  fetchFn: typeof fetch,
  timeoutMs: number,
): Promise<string> {
  const body = new URLSearchParams({ grant_type: 'client_credentials', ...(auth.scope ? { scope: auth.scope } : {}) });
  const basic = Buffer.from(
    `${encodeURIComponent(auth.clientId)}:${encodeURIComponent(auth.clientSecret ?? '')}`,
  ).toString('base64');
  let res: Response;
  try {
    res = await fetchFn(auth.tokenUrl, {
      method: 'POST',
      headers: {
        Authorization: `Basic ${basic}`,
        'Content-Type': 'application/x-www-form-urlencoded',
        Accept: 'application/json',
      },
      body,
      signal: AbortSignal.timeout(timeoutMs),
    });
  } catch (e) {
    throw new MedSeekError('unavailable', `token endpoint unreachable: ${(e as Error).message}`, {
      field: 'auth.tokenUrl',
    });
  }
  const json = (await res.json().catch(() => ({}))) as { access_token?: unknown; error?: unknown };
  if (!res.ok || typeof json.access_token !== 'string') {
    throw new MedSeekError(
      'unavailable',
      `token endpoint answered ${res.status}${typeof json.error === 'string' ? ` (${json.error.slice(0, 100)})` : ''}`,
      { field: 'auth.tokenUrl' },
    );
  }
  return json.access_token;
}
