import type { BrowserContext, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { hasChromium, screenshot, startWorkspace, type Workspace } from '../support/browser.js';

/**
 * Follow-up after discharge (issue 21) in a browser: a clinician makes 李秀英's plan, she opens her
 * link on a phone, reads the plan in plain Chinese and enters today's weight — 2.5 kg above two days
 * ago — and the clinician's follow-up panel shows the alert with her readings as evidence.
 */
const WARFARIN = '318d8f7d-f21b-4d07-8a2e-6f24ae05bb26';

describe.skipIf(!hasChromium)('follow-up plan and home readings in a browser', () => {
  let ws: Workspace;
  let key: string;
  let phone: BrowserContext;
  let page: Page;
  let url: string;
  let token: string;

  beforeAll(async () => {
    ws = await startWorkspace('followup', { demo: false });
    key = (await ws.ctx.apiKeys.create('dr-followup', { role: 'clinician', allPatients: true })).key;
    phone = await ws.browser.newContext({ viewport: { width: 390, height: 844 }, locale: 'zh-CN', isMobile: true });
    page = await phone.newPage();
  }, 400_000);

  afterAll(async () => {
    await ws?.close();
  });

  const api = async (path: string, body: unknown, bearer = key) => {
    const r = await fetch(`${ws.url}${path}`, {
      method: 'POST',
      headers: { Authorization: `Bearer ${bearer}`, 'Content-Type': 'application/json' },
      body: JSON.stringify(body),
    });
    expect(r.status, `${path}: ${r.status}`).toBeLessThan(300);
    return (await r.json()) as Record<string, unknown>;
  };

  it('the patient reads her plan in plain words and enters her weight on the phone', async () => {
    await api(`/api/followup/patients/${WARFARIN}/plan`, {});
    await ws.ctx.resources.put({
      resourceType: 'Appointment',
      id: 'e2e-followup',
      status: 'booked',
      description: '心衰门诊随访',
      start: new Date(Date.now() + 24 * 3600_000).toISOString(),
      end: new Date(Date.now() + 25 * 3600_000).toISOString(),
      participant: [{ actor: { reference: `Patient/${WARFARIN}` }, status: 'accepted' }],
    });
    const issued = await api('/api/patient-links', { appointmentId: 'e2e-followup', ttlHours: 72 });
    url = issued.url as string;
    token = issued.token as string;
    // Two days ago she weighed 64.5 kg (sent earlier from her phone).
    await api(
      '/api/followup/me/readings',
      { readings: [{ kind: 'weight', kg: 64.5, at: new Date(Date.now() - 2 * 86_400_000).toISOString() }] },
      token,
    );
    await page.goto(url);
    await page.getByRole('button', { name: '出院随访' }).click();
    await expect.poll(() => page.locator('.followup-plan').textContent()).toContain('一周内抽血查INR');
    await page.locator('input[name="weight"]').fill('67');
    await page.getByRole('button', { name: '提交' }).click();
    await expect.poll(() => page.getByRole('status').textContent()).toContain('医护团队已收到提醒');
    await screenshot(page, 'followup-patient');
  });

  it('opens the weeks-long follow-up link straight to the plan, saying until when it works, and nothing else', async () => {
    const issued = await api(`/api/followup/patients/${WARFARIN}/links`, {});
    expect(issued.token as string).toMatch(/^mpf1\./);
    const link = await phone.newPage();
    await link.goto(issued.url as string);
    await expect.poll(() => link.locator('.followup-plan').textContent()).toContain('一周内抽血查INR');
    const expiry = (await link.locator('.link-expiry').textContent()) ?? '';
    const until = new Date((issued.link as { expiresAt: string }).expiresAt).toLocaleDateString('zh-CN');
    expect(expiry).toContain(until);
    // The follow-up link reads the follow-up pages only: the pre-consultation answers it with 401.
    const consult = await fetch(`${ws.url}/api/consult`, {
      method: 'POST',
      headers: { Authorization: `Bearer ${issued.token as string}`, 'Content-Type': 'application/json' },
      body: JSON.stringify({ complaint: '头晕' }),
    });
    expect(consult.status).toBe(401);
    await screenshot(link, 'followup-link');
    await link.close();
  });

  it('the clinician sees the alert on the patient’s page with the readings as evidence', async () => {
    const desk = await ws.browser.newContext({ locale: 'zh-CN' });
    await desk.addInitScript(
      ([k]) => {
        localStorage.setItem('medseek.apiKey', k!);
        localStorage.setItem('medseek.lang', 'zh');
      },
      [key],
    );
    const p = await desk.newPage();
    await p.goto(`${ws.url}/#/patients/${WARFARIN}/overview`);
    const panel = p.locator('.followup-panel');
    await expect.poll(() => panel.textContent(), { timeout: 60_000 }).toContain('3天内体重增加超过2公斤');
    const text = (await panel.textContent()) ?? '';
    await panel.scrollIntoViewIfNeeded();
    expect(text).toContain('体重 67 kg');
    expect(text).toContain('体重 64.5 kg');
    expect(text).toContain('国际标准化比值（INR）');
    await screenshot(p, 'followup-clinician');
    await desk.close();
  });
});
