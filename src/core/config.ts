import { statSync } from 'node:fs';
import { isAbsolute, resolve } from 'node:path';
import { invalid } from './errors.js';

/**
 * Runtime configuration, read from the environment. Secrets (API keys, tokens) are kept here and
 * never logged: `redactedConfig` is what may be printed.
 */
export interface Config {
  /** Embedded database and other local state. */
  readonly dataDir: string;
  /** `postgres://…` to use a PostgreSQL server instead of embedded PGlite. */
  readonly databaseUrl?: string;
  readonly port: number;
  readonly host: string;
  /** API keys accepted by the server (from MEDSEEK_API_KEYS, plus keys stored with `medseek keys create`). */
  readonly apiKeys: readonly string[];
  readonly demo: boolean;
  readonly logLevel: string;
  /**
   * MEDSEEK_JOB_FILES_DIR: the folder, on storage every worker mounts, under which jobs submitted over the
   * API name their files (imports, federated cases); without it those job routes refuse.
   */
  readonly jobFilesDir?: string;
}

export function loadConfig(env: NodeJS.ProcessEnv = process.env, overrides: Partial<Config> = {}): Config {
  const port = Number(env.PORT ?? env.MEDSEEK_PORT ?? 8080);
  return {
    dataDir: resolve(env.MEDSEEK_DATA_DIR ?? '.medseek'),
    databaseUrl: env.DATABASE_URL || undefined,
    port: Number.isInteger(port) && port > 0 ? port : 8080,
    host: env.MEDSEEK_HOST ?? '127.0.0.1',
    apiKeys: (env.MEDSEEK_API_KEYS ?? '')
      .split(',')
      .map((k) => k.trim())
      .filter(Boolean),
    demo: env.MEDSEEK_DEMO === '1' || env.MEDSEEK_DEMO === 'true',
    logLevel: env.MEDSEEK_LOG_LEVEL ?? 'info',
    jobFilesDir: jobFilesDir(env.MEDSEEK_JOB_FILES_DIR),
    ...overrides,
  };
}

/** MEDSEEK_JOB_FILES_DIR checked at start: an absolute path to a folder that exists (unset or empty: none). */
function jobFilesDir(value: string | undefined): string | undefined {
  if (!value) return undefined;
  const field = 'MEDSEEK_JOB_FILES_DIR';
  if (!isAbsolute(value)) throw invalid(`${field} must be an absolute path, not '${value}'`, { field });
  const stat = statSync(value, { throwIfNoEntry: false });
  if (!stat) throw invalid(`${field} names '${value}', which does not exist`, { field });
  if (!stat.isDirectory()) throw invalid(`${field} names '${value}', which is not a folder`, { field });
  return resolve(value);
}

/** What may be printed: secrets replaced, the database password removed. */
export function redactedConfig(c: Config): Record<string, unknown> {
  return {
    ...c,
    apiKeys: c.apiKeys.map(() => '***'),
    databaseUrl: c.databaseUrl?.replace(/\/\/([^:@/]+):[^@/]*@/, '//$1:***@'),
  };
}
