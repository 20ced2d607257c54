import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { type Browser, chromium, type Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadConfig } from '../../src/core/index.js';
import { listen, openContext, type RunningServer } from '../../src/server/index.js';

/**
 * The workspace as a clinician and a patient use it, in Debian's Chromium driven by playwright-core:
 * open a demo patient, click from the differential to the note span, generate and verify a discharge
 * summary, give feedback, run a pre-consultation in Chinese to its report. Screenshots go to
 * test-artifacts/screenshots (and docs/screenshots with UPDATE_SCREENSHOTS=1). Skipped where no
 * Chromium is installed (.ci/run installs it).
 */
const executablePath = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
const root = join(import.meta.dirname, '..', '..');
const shots = join(root, 'test-artifacts', 'screenshots');

describe.skipIf(!existsSync(executablePath))('clinician workspace in a browser', () => {
  let server: RunningServer;
  let close: () => Promise<void>;
  let browser: Browser;
  let page: Page;
  let dataDir: string;

  beforeAll(async () => {
    // Built as `npm start` builds it, in its own process: inside vitest NODE_ENV is 'test', which
    // would bundle React's development build into a production bundle.
    execFileSync(process.execPath, [join(root, 'node_modules', 'vite', 'bin', 'vite.js'), 'build', 'web', '--logLevel', 'warn'], { cwd: root, env: { ...process.env, NODE_ENV: 'production' }, stdio: 'inherit' });
    dataDir = mkdtempSync(join(tmpdir(), 'medseek-e2e-'));
    const ctx = await openContext(loadConfig({ MEDSEEK_DATA_DIR: dataDir, MEDSEEK_LOG_LEVEL: 'warn' }, { demo: true }));
    server = await listen(ctx, { port: 0, host: '127.0.0.1' });
    close = async () => {
      await server.close();
      await ctx.close();
    };
    browser = await chromium.launch({
      executablePath,
      args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--no-first-run', '--disable-quic'],
    });
    page = await browser.newPage({ viewport: { width: 1280, height: 800 }, locale: 'zh-CN' });
    mkdirSync(shots, { recursive: true });
  }, 240_000);

  afterAll(async () => {
    await browser?.close();
    await close?.();
    if (dataDir) rmSync(dataDir, { recursive: true, force: true });
  });

  const shot = async (name: string) => {
    await page.screenshot({ path: join(shots, `${name}.png`), fullPage: false });
    if (process.env.UPDATE_SCREENSHOTS) {
      mkdirSync(join(root, 'docs', 'screenshots'), { recursive: true });
      await page.screenshot({ path: join(root, 'docs', 'screenshots', `${name}.png`), fullPage: false });
    }
  };

  it('opens a demo patient from the list, in Chinese because the browser asks for it', async () => {
    await page.goto(`${server.url}/#/`);
    await page.getByRole('link', { name: /张建国/ }).click();
    await page.getByRole('tab', { name: '概览' }).waitFor();
    await page.locator('.card h2', { hasText: '问题列表' }).waitFor();
    await shot('patient-overview');
  });

  it('clicks from the differential to the note span it rests on', async () => {
    await page.getByRole('tab', { name: '鉴别诊断' }).click();
    const first = page.locator('.conclusion').first();
    await first.waitFor({ timeout: 60_000 });
    await shot('differential');
    await first.locator('a.src-text').first().click();
    await page.locator('.note-text .focus').first().waitFor();
    expect(page.url()).toContain('/notes?doc=');
    await shot('note-span');
  });

  it('generates a discharge summary whose claims are verified, then gives feedback', async () => {
    await page.getByRole('tab', { name: '出院记录' }).click();
    await page.getByRole('button', { name: '生成' }).click();
    await page.locator('.claim').first().waitFor({ timeout: 60_000 });
    expect(await page.locator('.claim[data-verdict="contradicted"]').count()).toBe(0);
    await shot('discharge-summary');
    // Edit in a wrong dose: re-verification flags it and sign-off is blocked.
    const area = page.getByRole('textbox', { name: '出院记录' });
    const text = await area.inputValue();
    await area.fill(text.replace(/30 mg 口服 每日3次/, '300 mg 口服 每日3次'));
    await page.getByRole('button', { name: '重新核查' }).click();
    await page.locator('.claim[data-verdict="contradicted"]').first().waitFor();
    expect(await page.getByRole('button', { name: '签名确认' }).isDisabled()).toBe(true);
    const bad = page.locator('.claim[data-verdict="contradicted"]').first();
    await bad.getByRole('button', { name: '驳回' }).click();
    await bad.getByRole('textbox', { name: '理由' }).fill('剂量错误');
    await bad.getByRole('button', { name: '提交' }).click();
    await bad.getByText('已记录反馈').waitFor();
    await shot('summary-contradicted');
  });

  it('runs a pre-consultation in Chinese to its report', async () => {
    await page.goto(`${server.url}/#/consult`);
    await page.getByRole('textbox', { name: '您的回答' }).fill('咳嗽、发热3天');
    await page.getByRole('button', { name: '发送' }).click();
    for (let i = 0; i < 40; i++) {
      await page.locator('.bubble.medseek').nth(i).waitFor({ timeout: 30_000 });
      if (await page.locator('.patient-report, .emergency').count()) break;
      const no = page.getByRole('button', { name: '否', exact: true });
      if (await no.count()) await no.click();
      else {
        await page.getByRole('textbox', { name: '您的回答' }).fill('不知道');
        await page.getByRole('button', { name: '发送' }).click();
      }
    }
    await page.locator('.patient-report').waitFor({ timeout: 30_000 });
    await shot('consultation');
    // The clinician finds it in the queue and opens its report.
    await page.goto(`${server.url}/#/queue`);
    await page.getByRole('button', { name: /咳嗽、发热3天/ }).first().click();
    await page.locator('.report-text', { hasText: '预问诊报告' }).waitFor();
    await shot('queue');
  }, 240_000);

  it('fits a phone screen', async () => {
    await page.setViewportSize({ width: 390, height: 844 });
    await page.goto(`${server.url}/#/`);
    await page.getByRole('link', { name: /张建国/ }).waitFor();
    const overflow = await page.evaluate(() => document.documentElement.scrollWidth > window.innerWidth + 1);
    expect(overflow).toBe(false);
    await shot('phone');
  });
});
