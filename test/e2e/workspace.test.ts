import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { hasChromium, screenshot, startWorkspace, type Workspace } from '../support/browser.js';

/**
 * The workspace as a clinician and a patient use it, in Debian's Chromium driven by playwright-core:
 * open a demo patient, click from the differential to the note span, generate and verify a discharge
 * summary, give feedback, run a pre-consultation in Chinese to its report. Screenshots go to
 * test-artifacts/screenshots (and docs/screenshots with UPDATE_SCREENSHOTS=1). Skipped where no
 * Chromium is installed (.ci/run installs it).
 */

describe.skipIf(!hasChromium)('clinician workspace in a browser', () => {
  let ws: Workspace;
  let page: Page;

  beforeAll(async () => {
    ws = await startWorkspace('workspace');
    page = await ws.browser.newPage({ viewport: { width: 1280, height: 800 }, locale: 'zh-CN' });
  }, 240_000);

  afterAll(async () => {
    await ws?.close();
  });

  const shot = (name: string) => screenshot(page, name);

  it('opens a demo patient from the list, in Chinese because the browser asks for it', async () => {
    await page.goto(`${ws.url}/#/`);
    await page.getByRole('link', { name: /张建国/ }).click();
    await page.getByRole('tab', { name: '概览' }).waitFor();
    await page.locator('.card h2', { hasText: '问题列表' }).waitFor();
    await shot('patient-overview');
  });

  it('answers a question asked of the record in the side panel, verified and with its sources', async () => {
    const panel = page.getByRole('complementary', { name: '询问病历' });
    await panel.getByRole('textbox', { name: '问题' }).fill('莫西沙星什么剂量');
    await panel.getByRole('button', { name: '提问' }).click();
    const sentence = panel.locator('.ask-sentence[data-kind="record"]').first();
    await sentence.waitFor({ timeout: 60_000 });
    expect(await sentence.textContent()).toMatch(/莫西沙星.*剂量0\.4 g|莫西沙星.*剂量400 mg/);
    expect(await sentence.locator('.badge').count()).toBe(1);
    expect(await sentence.locator('.ask-sources a').count()).toBeGreaterThan(0);
    await sentence.scrollIntoViewIfNeeded();
    await shot('ask-the-record');
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
    await page.goto(`${ws.url}/#/consult`);
    await page.getByRole('textbox', { name: '您的回答' }).fill('咳嗽、发热3天');
    await page.getByRole('button', { name: '发送' }).click();
    const done = page.locator('.patient-report, .emergency-exit');
    const no = page.getByRole('button', { name: /^(否|没有)$/ });
    const box = page.getByRole('textbox', { name: '您的回答' });
    for (let i = 0; i < 40; i++) {
      await page.locator('.bubble.medseek').nth(i).waitFor({ timeout: 30_000 });
      // The last question's bubble comes before the report, which is fetched next: the answer form is
      // gone by then, so wait for whichever comes (the report, a tappable 否, or the form) before acting.
      await done.or(no).or(box).first().waitFor({ timeout: 30_000 });
      if (await done.count()) break;
      if (await no.count()) await no.click();
      else {
        await box.fill('没有');
        await page.getByRole('button', { name: '发送' }).click();
      }
    }
    await page.locator('.patient-report').waitFor({ timeout: 30_000 });
    await shot('consultation');
    // The clinician finds it in the queue and opens its report.
    await page.goto(`${ws.url}/#/queue`);
    await page
      .getByRole('button', { name: /咳嗽、发热3天/ })
      .first()
      .click();
    await page.locator('.report-text', { hasText: '预问诊报告' }).waitFor();
    await shot('queue');
  }, 240_000);

  it('fits a phone screen', async () => {
    await page.setViewportSize({ width: 390, height: 844 });
    await page.goto(`${ws.url}/#/`);
    await page.getByRole('link', { name: /张建国/ }).waitFor();
    const overflow = await page.evaluate(() => document.documentElement.scrollWidth > window.innerWidth + 1);
    expect(overflow).toBe(false);
    await shot('phone');
  });
});
