import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { hasChromium, screenshot, startWorkspace, type Workspace } from '../support/browser.js';

/**
 * The discharge summary bound to its patient, in Debian's Chromium: a summary of patient A never
 * shows under patient B (not even one still being composed when the URL changes), the sign button
 * stays disabled with its reason until B's own summary says it may be signed, a blocked sign-off
 * says why, a draft sent under the wrong patient is refused in the clinician's language, and an
 * unsupported statement is accepted with a reason before signing. Skipped where no Chromium is installed.
 */
const A = '93f0e6d2-da20-4eec-8eb3-410de4fe430a'; // 张建国, community-acquired pneumonia, penicillin allergy
const B = '318d8f7d-f21b-4d07-8a2e-6f24ae05bb26'; // 李秀英, heart failure on warfarin

describe.skipIf(!hasChromium)('discharge-summary sign-off in a browser', () => {
  let ws: Workspace;
  let page: Page;

  beforeAll(async () => {
    ws = await startWorkspace('signoff');
    page = await ws.browser.newPage({ viewport: { width: 1280, height: 900 }, locale: 'zh-CN' });
  }, 240_000);

  afterAll(async () => {
    await ws?.close();
  });

  const shot = (name: string) => screenshot(page, name);
  const signButton = () => page.getByRole('button', { name: '签名确认' });
  const textbox = () => page.getByRole('textbox', { name: '出院记录', exact: true });
  /** Generates this patient's summary and returns the draft id the server handed out. */
  const generate = async (patientId: string) => {
    const response = page.waitForResponse(
      (r) => r.url().endsWith(`/api/patients/${patientId}/summary`) && r.request().method() === 'POST',
    );
    await page.getByRole('button', { name: '生成' }).click();
    const body = (await (await response).json()) as { draftId: string };
    await page.locator('.claim').first().waitFor({ timeout: 60_000 });
    return body.draftId;
  };
  const reverify = async () => {
    const response = page.waitForResponse((r) => r.url().includes('/verify') && r.request().method() === 'POST');
    await page.getByRole('button', { name: '重新核查' }).click();
    await response;
    await page.locator('.loading').waitFor({ state: 'detached' });
  };
  let draftB = '';

  it("shows patient A's summary with citation chips, never raw markers, and lets it be signed", async () => {
    await page.goto(`${ws.url}/#/patients/${A}/summary`);
    await page.getByRole('heading', { name: /张建国/ }).waitFor();
    await generate(A);
    await expect.poll(() => page.locator('.summary-doc').textContent()).toContain('社区获得性肺炎');
    expect((await page.locator('.summary-doc').textContent()) ?? '').not.toMatch(/\[F\d+|##/);
    expect(await page.locator('.summary-doc sup.cite a').count()).toBeGreaterThan(5);
    expect(await signButton().isDisabled()).toBe(false);
    // A chip opens its source, in this patient's record.
    await page.locator('.summary-doc sup.cite a').first().click();
    expect(page.url()).toContain(`#/patients/${A}/`);
    await page.goBack();
    // Back on the summary: the draft is still there (the editor stays mounted for this patient).
    await page.locator('.summary-doc').waitFor();
    expect(await signButton().isDisabled()).toBe(false);
  });

  it("moving by URL to patient B while A's summary is composed shows nothing of A, and sign-off waits for B's own summary", async () => {
    await page.goto(`${ws.url}/#/patients/${A}/summary`);
    await page.getByRole('heading', { name: /张建国/ }).waitFor();
    // Ask for A's summary and change the URL before it arrives.
    const settled = new Promise<void>((resolve) => {
      const done = (r: { url(): string }) => r.url().endsWith(`/api/patients/${A}/summary`) && resolve();
      page.on('requestfailed', done);
      page.on('requestfinished', done);
    });
    await page.getByRole('button', { name: '生成' }).click();
    await page.evaluate((b) => {
      location.hash = `#/patients/${b}/summary`;
    }, B);
    await page.getByRole('heading', { name: /李秀英/ }).waitFor();
    await settled;
    const editor = page.locator(`.summary-editor[data-patient="${B}"]`);
    await editor.waitFor();
    await page.locator('.loading').waitFor({ state: 'detached' });
    const shown = (await page.locator('main').textContent()) ?? '';
    expect(shown).not.toMatch(/张建国|社区获得性肺炎|莫西沙星/);
    expect(await page.locator('.claim').count()).toBe(0);
    expect(await textbox().count()).toBe(0);
    expect(await signButton().isDisabled()).toBe(true);
    expect((await page.locator('#sign-why').textContent()) ?? '').toBe('请先为本患者生成出院记录');
    await shot('summary-other-patient');

    draftB = await generate(B);
    await expect.poll(() => page.locator('.summary-doc').textContent()).toContain('华法林');
    expect((await page.locator('main').textContent()) ?? '').not.toMatch(/张建国|社区获得性肺炎|莫西沙星/);
  });

  it('keeps sign-off disabled with the reason while a discharge drug fires a safety rule', async () => {
    const text = await textbox().inputValue();
    await textbox().fill(text.replace('出院带药：', '出院带药：布洛芬缓释胶囊 0.3 g 口服 每日2次；'));
    expect((await page.locator('#sign-why').textContent()) ?? '').toBe('文本已修改，请先重新核查');
    expect(await signButton().isDisabled()).toBe(true);
    await reverify();
    expect(await signButton().isDisabled()).toBe(true);
    expect((await page.locator('#sign-why').textContent()) ?? '').toMatch(/不能签名.*安全规则/);
    const blocks = (await page.locator('.sign-blocks').textContent()) ?? '';
    expect(blocks).toMatch(/DDI16/);
    expect(blocks).toMatch(/CI01/);
    await page.locator('.discharge-alerts [data-rule="DDI16"]').waitFor();
    await shot('summary-signoff-blocked');
  });

  it("refuses another patient's draft in the clinician's language", async () => {
    await page.goto(`${ws.url}/#/patients/${A}/summary`);
    await page.getByRole('heading', { name: /张建国/ }).waitFor();
    await generate(A);
    expect(await signButton().isDisabled()).toBe(false);
    // A stale or tampered request: A's sign-off carrying B's draft.
    await page.route(`**/api/patients/${A}/summary/sign`, async (route) => {
      const body = JSON.parse(route.request().postData() ?? '{}') as Record<string, unknown>;
      await route.continue({ postData: JSON.stringify({ ...body, draftId: draftB }) });
    });
    await signButton().click();
    await page.locator('.refusal').waitFor();
    expect((await page.locator('.refusal').textContent()) ?? '').toMatch(/签名被拒绝.*另一位患者/);
    await page.unroute(`**/api/patients/${A}/summary/sign`);
  });

  it('accepts an unsupported diagnosis with a reason, then signs', async () => {
    const text = await textbox().inputValue();
    await textbox().fill(text.replace('## 出院情况\n', '## 出院情况\n考虑慢性阻塞性肺疾病可能。 '));
    await reverify();
    const claim = page.locator('.claim', { hasText: '慢性阻塞性肺疾病' }).first();
    expect(await claim.getAttribute('data-verdict')).toBe('unsupported');
    expect(await signButton().isDisabled()).toBe(true);
    expect((await page.locator('#sign-why').textContent()) ?? '').toMatch(/未经医师确认/);
    const accept = claim.getByRole('button', { name: '确认采纳' });
    expect(await accept.isDisabled()).toBe(true);
    await claim.getByRole('textbox', { name: '确认理由', exact: true }).fill('胸片示肺气肿，待门诊肺功能确认');
    await accept.click();
    await claim.locator('.accepted').waitFor();
    await expect.poll(() => signButton().isDisabled()).toBe(false);
    await signButton().click();
    await page.getByRole('status').filter({ hasText: '已签名并保存' }).waitFor();
    await shot('summary-signed');
  });
});
