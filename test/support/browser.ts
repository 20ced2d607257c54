import { execFileSync } from 'node:child_process';
import { cpSync, existsSync, mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { type Browser, chromium, type Page } from 'playwright-core';
import { loadConfig } from '../../src/core/index.js';
import { type AppContext, listen, openContext } from '../../src/server/index.js';

/**
 * The browser tests' harness: the web workspace built as `npm start` builds it (in its own process —
 * inside vitest NODE_ENV is 'test', which would bundle React's development build — once per test process,
 * into a folder of its own, so that test files running side by side never race on web/dist), MedSeek on a
 * fresh demo data directory of its own, and Debian's Chromium driven by playwright-core.
 */
export const executablePath = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
export const hasChromium = existsSync(executablePath);
const root = join(import.meta.dirname, '..', '..');
const shots = join(root, 'test-artifacts', 'screenshots');

export interface Workspace {
  readonly url: string;
  readonly browser: Browser;
  /** The server's context (its database, stores): to create users, keys, appointments for a test. */
  readonly ctx: AppContext;
  close(): Promise<void>;
}

export interface WorkspaceOptions {
  /** `false`: a real install (credentials required) instead of the loopback demo; its data still loaded. Default true. */
  readonly demo?: boolean;
  /** Extra environment for the server's configuration (MEDSEEK_*). */
  readonly env?: Readonly<Record<string, string>>;
}

let webBuild: string | undefined;

/**
 * The workspace built once per test process (test files share their worker's modules): every browser test of
 * the process serves the same build, removed when the process exits.
 */
function builtWeb(): string {
  if (webBuild && existsSync(webBuild)) return webBuild;
  const webDir = mkdtempSync(join(tmpdir(), 'medseek-e2e-web-'));
  execFileSync(
    process.execPath,
    [
      join(root, 'node_modules', 'vite', 'bin', 'vite.js'),
      'build',
      'web',
      '--logLevel',
      'warn',
      '--outDir',
      webDir,
      '--emptyOutDir',
    ],
    {
      cwd: root,
      env: { ...process.env, NODE_ENV: 'production' },
      stdio: 'inherit',
    },
  );
  process.once('exit', () => rmSync(webDir, { recursive: true, force: true }));
  webBuild = webDir;
  return webDir;
}

let demoDataDir: Promise<string> | undefined;

/**
 * The data directory a first demo-mode start makes (initdb, migrations, the demo release, the demo patients: tens
 * of seconds on a busy machine), made once per test process; each workspace starts on a copy of its own.
 */
function startedDemoDataDir(): Promise<string> {
  demoDataDir ??= (async () => {
    const dir = mkdtempSync(join(tmpdir(), 'medseek-e2e-demo-'));
    process.once('exit', () => rmSync(dir, { recursive: true, force: true }));
    await (await openContext(loadConfig({ MEDSEEK_DATA_DIR: dir, MEDSEEK_LOG_LEVEL: 'warn' }, { demo: true }))).close();
    return dir;
  })();
  return demoDataDir;
}

export async function startWorkspace(name: string, options: WorkspaceOptions = {}): Promise<Workspace> {
  const webDir = builtWeb();
  process.env.MEDSEEK_WEB_DIR = webDir;
  const dataDir = mkdtempSync(join(tmpdir(), `medseek-e2e-${name}-`));
  const demo = options.demo ?? true;
  // A real install too starts from the demo-mode start's data (patients and knowledge), so a test has records to guard.
  cpSync(await startedDemoDataDir(), dataDir, { recursive: true });
  const ctx = await openContext(
    loadConfig({ MEDSEEK_DATA_DIR: dataDir, MEDSEEK_LOG_LEVEL: 'warn', ...options.env }, { demo }),
  );
  const server = await listen(ctx, { port: 0, host: '127.0.0.1' });
  const browser = await chromium.launch({
    executablePath,
    args: [
      '--headless',
      '--no-sandbox',
      '--disable-gpu',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
      '--no-first-run',
      '--disable-quic',
    ],
  });
  mkdirSync(shots, { recursive: true });
  return {
    url: server.url,
    browser,
    ctx,
    async close() {
      await browser.close();
      await server.close();
      await ctx.close();
      delete process.env.MEDSEEK_WEB_DIR;
      rmSync(dataDir, { recursive: true, force: true });
    },
  };
}

/** Saves a screenshot to test-artifacts/screenshots (and docs/screenshots with UPDATE_SCREENSHOTS=1). */
export async function screenshot(page: Page, name: string): Promise<void> {
  await page.screenshot({ path: join(shots, `${name}.png`), fullPage: false });
  if (process.env.UPDATE_SCREENSHOTS) {
    mkdirSync(join(root, 'docs', 'screenshots'), { recursive: true });
    await page.screenshot({ path: join(root, 'docs', 'screenshots', `${name}.png`), fullPage: false });
  }
}
