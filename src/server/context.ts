import type { Config } from '../core/index.js';
import { loadDefinitions } from '../ingest/index.js';
import { ensureStartingRelease, type StartingRelease } from '../knowledge/index.js';
import { LlmClient } from '../llm/index.js';
import { onRuleBookProblems } from '../reasoning/index.js';
import {
  type Database,
  migrate,
  openDatabase,
  createResourceRepository,
  refreshSearchIndex,
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
  /**
   * The release a store with none starts with, in any mode (`medseek serve`: `broad`). Default: `demo` in demo mode
   * (unless `demoKnowledge` is false), none otherwise, so that tests load the small demo release.
   */
  readonly knowledge?: StartingRelease;
  /** Loads the demo patients on the first demo-mode run (default: the shipped `demo/` bundles); `false` skips it. */
  readonly demoLoader?: DemoLoader | false;
  /** Told as each start-up step begins and ends (`medseek serve` prints them: a first start takes seconds). */
  readonly onStep?: (step: StartStep) => void;
}

/** One step of opening the context: `done` is undefined when it starts, its outcome (`3 applied`) when it ends. */
export interface StartStep {
  readonly name: 'database' | 'migrations' | 'definitions' | 'knowledge' | 'demo patients';
  readonly done?: string;
  /** While a long step runs (building the broad knowledge release): the fraction done, 0–1. */
  readonly progress?: number;
}

export async function openContext(config: Config, options: ContextOptions = {}): Promise<AppContext> {
  const log = options.logger ?? createLogger(config.logLevel);
  const step = options.onStep ?? (() => {});
  const ownsDb = !options.db;
  if (ownsDb) step({ name: 'database' });
  const db =
    options.db ??
    (await openDatabase(config.databaseUrl ? { databaseUrl: config.databaseUrl } : { dataDir: config.dataDir }));
  if (ownsDb) step({ name: 'database', done: db.description });
  const closers: (() => Promise<void>)[] = [];
  if (ownsDb) closers.push(() => db.close());
  try {
    step({ name: 'migrations' });
    const applied = await migrate(db);
    step({ name: 'migrations', done: applied.length ? `${applied.length} applied` : 'up to date' });
    if (applied.length) log.info({ migrations: applied }, 'database migrated');
    // A release whose rule book has edges the safety engines cannot use says so once, when first read.
    onRuleBookProblems(db, (book) =>
      log.warn(
        { release: book.release?.id, count: book.problems.length, problems: book.problems.slice(0, 50) },
        'knowledge release: rule-book entries the safety engines cannot use (admins see them with the releases)',
      ),
    );
    const resources = createResourceRepository(db);
    // The R4 definitions every FHIR write is validated against: loaded now, not on the first write (1–2 s once per process).
    step({ name: 'definitions' });
    loadDefinitions();
    step({ name: 'definitions', done: 'FHIR R4 loaded' });
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
    // The starting knowledge release (knowledge/default-release.ts): made once, on the first run of a store.
    const knowledge = options.knowledge ?? (config.demo && options.demoKnowledge !== false ? 'demo' : 'none');
    if (knowledge !== 'none') {
      step({ name: 'knowledge' });
      const made = await ensureStartingRelease(db, knowledge, (done, total) =>
        step({ name: 'knowledge', progress: done / Math.max(total, 1) }),
      );
      step({ name: 'knowledge', done: made.summary });
      if (made.releaseId !== undefined) log.info({ release: made.releaseId }, made.summary);
    }
    if (config.demo && demoLoader) step({ name: 'demo patients' });
    const demoLoaded = config.demo && demoLoader ? await loadDemoOnce(db, log, demoLoader) : undefined;
    if (config.demo && demoLoader)
      step({ name: 'demo patients', done: demoLoaded ? `${demoLoaded.resources} resources loaded` : 'already loaded' });
    // Resources stored before the search index existed (or queued by another process): indexed now,
    // not on the first search.
    await refreshSearchIndex(db);
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
