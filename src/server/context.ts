import type { Config } from '../core/index.js';
import { loadDefinitions } from '../ingest/index.js';
import { ensureDemoRelease } from '../knowledge/index.js';
import { LlmClient } from '../llm/index.js';
import {
  type Database,
  migrate,
  openDatabase,
  createResourceRepository,
  type ResourceRepository,
} from '../store/index.js';
import { AuditLog } from './audit/audit-log.js';
import { ApiKeyStore } from './auth/api-keys.js';
import { createPatientScope, type PatientScope } from './auth/patient-scope.js';
import { createJwtVerifier, type JwtSettings, type JwtVerifier, loadJwtSettings } from './auth/jwt.js';
import { type DemoLoader, loadDemoOnce, loadShippedDemo } from './demo.js';
import { createLogger, type Logger } from './logger.js';
import { effectiveModelSettings } from './settings/effective.js';

/**
 * The composition root: everything a route needs, built once per process. Routes receive the
 * context and take what they need from it; nothing else holds state (ARCHITECTURE.md: "Nothing in
 * MedSeek keeps state outside the database").
 *
 * To add a service (knowledge graph, LLM providers…): add a readonly field to `AppContext`, build
 * it in `openContext` where marked (one line), and, if it holds resources, push its closer onto
 * `closers`. Routes then read `ctx.<service>`.
 */
export interface AppContext {
  readonly config: Config;
  readonly db: Database;
  readonly resources: ResourceRepository;
  readonly apiKeys: ApiKeyStore;
  /** Undefined when neither MEDSEEK_JWT_SECRET nor MEDSEEK_JWKS_URL is set: bearer JWTs are refused. */
  readonly jwt?: JwtVerifier;
  readonly audit: AuditLog;
  /** Which patients a principal may see (roles, units, patient-bound credentials). */
  readonly patientScope: PatientScope;
  readonly log: Logger;
  /**
   * The language-model client the environment configures (MEDSEEK_LLM_*, DEEPSEEK_API_KEY…);
   * `llm.configured` is false when none is, and every stage then works without a model.
   */
  readonly llm?: LlmClient;
  /** What the first demo run loaded (undefined when not in demo mode or loaded earlier). */
  readonly demoLoaded?: { readonly resources: number };
  close(): Promise<void>;
}

export interface ContextOptions {
  /** An already open (and migrated or not) database, e.g. a test's; the context then does not close it. */
  readonly db?: Database;
  readonly jwt?: JwtSettings;
  readonly logger?: Logger;
  /** A model client of the caller's (tests); `false`: none. Default: the one the environment configures. */
  readonly llm?: LlmClient | false;
  /** `false`: no demo knowledge release in demo mode (tests that bring their own). */
  readonly demoKnowledge?: boolean;
  /** Loads the demo patients on the first demo-mode run (default: the shipped `demo/` bundles); `false` skips it. */
  readonly demoLoader?: DemoLoader | false;
}

export async function openContext(config: Config, options: ContextOptions = {}): Promise<AppContext> {
  const log = options.logger ?? createLogger(config.logLevel);
  const ownsDb = !options.db;
  const db =
    options.db ??
    (await openDatabase(config.databaseUrl ? { databaseUrl: config.databaseUrl } : { dataDir: config.dataDir }));
  const closers: (() => Promise<void>)[] = [];
  if (ownsDb) closers.push(() => db.close());
  try {
    const applied = await migrate(db);
    if (applied.length) log.info({ migrations: applied }, 'database migrated');
    const resources = createResourceRepository(db);
    // The R4 definitions every FHIR write is validated against: loaded now, not on the first write (1–2 s once per process).
    loadDefinitions();
    const jwt = createJwtVerifier(options.jwt ?? loadJwtSettings());
    // Services of later stages are built here, one line each.
    // The model servers an administrator saved in Settings, else the environment's (settings/effective.ts).
    const llm =
      options.llm === false
        ? undefined
        : (options.llm ??
          LlmClient.fromConfig(await effectiveModelSettings(db, process.env, config, (m) => log.warn(m)), db, (e) =>
            log[e.level]({ provider: e.provider }, e.message),
          ));
    const demoLoader = options.demoLoader ?? loadShippedDemo;
    // The demo knowledge release (DDXPlus, ICD-10 国家临床版, the CDS rules): imported once, on the first demo run.
    if (config.demo && options.demoKnowledge !== false && (await ensureDemoRelease(db)) !== undefined)
      log.info('demo knowledge release imported');
    const demoLoaded = config.demo && demoLoader ? await loadDemoOnce(db, log, demoLoader) : undefined;
    return {
      config,
      db,
      resources,
      apiKeys: new ApiKeyStore(db, config.apiKeys),
      ...(jwt ? { jwt } : {}),
      audit: new AuditLog(db),
      patientScope: createPatientScope(db),
      log,
      ...(llm ? { llm } : {}),
      ...(demoLoaded ? { demoLoaded } : {}),
      async close() {
        for (const close of closers.reverse()) await close();
      },
    };
  } catch (e) {
    for (const close of closers.reverse()) await close().catch(() => {});
    throw e;
  }
}

/** The database alone, migrated: for CLI commands that need no server (`keys`, `pull`). */
export async function openMigratedDatabase(config: Config): Promise<Database> {
  const db = await openDatabase(config.databaseUrl ? { databaseUrl: config.databaseUrl } : { dataDir: config.dataDir });
  try {
    await migrate(db);
    return db;
  } catch (e) {
    await db.close().catch(() => {});
    throw e;
  }
}
