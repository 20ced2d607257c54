import type { BrowserContext, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { hasChromium, screenshot, startWorkspace, type Workspace } from '../support/browser.js';

/**
 * A patient's pre-consultation link (QR code), issue 14, on a real install (credentials required):
 * a clinician's key issues it only once the Appointment exists; on a phone it opens the consent, then
 * the questions, with no clinician navigation, and resumes after a reload; it reads nothing of
 * another patient, and stops working when revoked or when the appointment no longer names the patient.
 */
const PHONE = { width: 390, height: 844 };

describe.skipIf(!hasChromium)('a patient’s pre-consultation link', () => {
  let ws: Workspace;
  let phone: BrowserContext;
  let page: Page;
  let key: string;
  let patientA: string;
  let patientB: string;
  let url: string;
  let token: string;
  let linkId: string;

  beforeAll(async () => {
    ws = await startWorkspace('patient-link', { demo: false });
    key = (await ws.ctx.apiKeys.create('dr-link', { role: 'clinician', allPatients: true })).key;
    const r = await ws.ctx.db.query<{ id: string }>(
      "select id from fhir_resources where resource_type = 'Patient' and not deleted order by id limit 2",
    );
    [patientA, patientB] = r.rows.map((x) => x.id) as [string, string];
    phone = await ws.browser.newContext({
      viewport: PHONE,
      locale: 'zh-CN',
      isMobile: true,
      hasTouch: true,
      deviceScaleFactor: 2,
    });
    page = await phone.newPage();
  }, 300_000);

  afterAll(async () => {
    await ws?.close();
  });

  const api = (path: string, init: { method?: string; body?: unknown } = {}) =>
    fetch(`${ws.url}${path}`, {
      method: init.method ?? (init.body === undefined ? 'GET' : 'POST'),
      headers: { Authorization: `Bearer ${key}`, 'Content-Type': 'application/json' },
      ...(init.body === undefined ? {} : { body: JSON.stringify(init.body) }),
    });
  const appointment = (id: string, patient: string) =>
    ws.ctx.resources.put({
      resourceType: 'Appointment',
      id,
      status: 'booked',
      description: '呼吸内科门诊',
      start: new Date(Date.now() + 2 * 3600_000).toISOString(),
      end: new Date(Date.now() + 3 * 3600_000).toISOString(),
      participant: [{ actor: { reference: `Patient/${patient}` }, status: 'accepted' }],
    });
  /** The status a request with the patient's token gets, sent from the phone's page. */
  const asPatient = (path: string) =>
    page.evaluate(
      async ([t, p]) => (await fetch(p!, { headers: { Authorization: `Bearer ${t}` } })).status,
      [token, path],
    );

  it('issues a link only once the appointment exists', async () => {
    const before = await api('/api/patient-links', { body: { appointmentId: 'e2e-visit' } });
    expect(before.status).toBe(404);
    expect(await before.text()).toContain('Appointment/e2e-visit');
    await appointment('e2e-visit', patientA);
    const r = await api('/api/patient-links', { body: { appointmentId: 'e2e-visit' } });
    expect(r.status).toBe(201);
    const issued = (await r.json()) as {
      link: { id: string; patientId: string };
      token: string;
      url: string;
      qrSvg: string;
    };
    expect(issued.link.patientId).toBe(patientA);
    expect(issued.url).toBe(`${ws.url}/#/p/${issued.token}`);
    expect(issued.qrSvg).toMatch(/^<svg/);
    ({ url, token } = issued);
    linkId = issued.link.id;
  });

  it('opens the consent on a phone, then the questions, with no clinician navigation, and resumes after a reload', async () => {
    await page.goto(url);
    await page.getByRole('heading', { name: '预问诊：开始前请阅读' }).waitFor({ timeout: 30_000 });
    await expect(page.getByText(/收集什么/).count()).resolves.toBe(1);
    await expect(page.getByText('呼吸内科门诊', { exact: false }).count()).resolves.toBeGreaterThan(0);
    await expect(page.locator('nav').count()).resolves.toBe(0);
    await screenshot(page, 'patient-link-consent');
    // The token is kept for the tab only.
    expect(await page.evaluate(() => sessionStorage.getItem('medseek.patientToken'))).toBe(token);
    await page.getByRole('button', { name: '同意并开始' }).click();
    const answer = page.getByRole('textbox', { name: '您的回答' });
    await answer.waitFor({ timeout: 30_000 });
    const consent = await ws.ctx.resources.read('Consent', `pc-${linkId}`);
    expect(consent?.resource).toMatchObject({ status: 'active', patient: { reference: `Patient/${patientA}` } });
    await answer.fill('咳嗽三天了，有点发烧');
    await page.getByRole('button', { name: '发送', exact: true }).click();
    await page.locator('.bubble.medseek').first().waitFor({ timeout: 60_000 });
    const question = (await page.locator('.bubble.medseek').first().textContent())?.trim();
    expect(question).toBeTruthy();
    await expect(page.locator('nav, a[href="#/queue"], a[href="#/settings"]').count()).resolves.toBe(0);
    expect(await page.locator('body').textContent()).not.toMatch(/鉴别诊断|differential|分诊|Ⅱ级|红区/i);
    await screenshot(page, 'patient-link-question');
    // A reload picks the conversation up where it was, the question's tappable answers included.
    const choices = page.locator('.choices .choice');
    await choices.first().waitFor({ timeout: 30_000 });
    const offered = await choices.allInnerTexts();
    await page.reload();
    await page.locator('.bubble.patient', { hasText: '咳嗽三天了，有点发烧' }).waitFor({ timeout: 30_000 });
    await expect(page.locator('.bubble.medseek').last().textContent()).resolves.toContain(question!.slice(0, 8));
    await answer.waitFor({ timeout: 30_000 });
    await expect(page.getByRole('heading', { name: '预问诊：开始前请阅读' }).count()).resolves.toBe(0);
    await choices.first().waitFor({ timeout: 30_000 });
    expect(await choices.allInnerTexts()).toEqual(offered);

    // Past the yes/no safety checks, to a question about the cough itself with its own choices (an OPQRST slot
    // or the network's), then a reload in the middle of it: the same question, the same choices, the same progress.
    const yesNo = ['是', '没有', '不确定'];
    for (let i = 0; i < 8 && JSON.stringify(await choices.allInnerTexts()) === JSON.stringify(yesNo); i++) {
      const n = await page.locator('.bubble.medseek').count();
      await choices.filter({ hasText: '没有' }).first().click();
      await page.locator('.bubble.medseek').nth(n).waitFor({ timeout: 60_000 });
      await choices.first().waitFor({ timeout: 30_000 });
    }
    const text = async (selector: string) => ((await page.locator(selector).last().textContent()) ?? '').trim();
    const pending = {
      text: await text('.bubble.medseek'),
      choices: await choices.allInnerTexts(),
      progress: await text('.progress small'),
    };
    expect(pending.choices).not.toEqual(yesNo);
    await page.reload();
    await page
      .locator('.bubble.medseek')
      .last()
      .filter({ hasText: pending.text.slice(0, 12) })
      .waitFor({ timeout: 30_000 });
    await choices.first().waitFor({ timeout: 30_000 });
    expect(await choices.allInnerTexts()).toEqual(pending.choices);
    expect(await text('.progress small')).toBe(pending.progress);
    await screenshot(page, 'patient-link-resumed-choices');
  });

  it('reads nothing of another patient, nor the queue or the audit log', async () => {
    expect(await asPatient(`/fhir/Patient/${patientA}`)).toBe(200);
    expect(await asPatient(`/fhir/Patient/${patientB}`)).toBe(403);
    expect(await asPatient('/api/consult')).toBe(403);
    expect(await asPatient('/api/audit')).toBe(403);
    expect(await asPatient(`/api/patient-links?patient=${patientA}`)).toBe(403);
  });

  it('shows the patient their own summary once finished, after a reload, and no differential', async () => {
    const session = await page.evaluate(
      async (t) =>
        (
          (await (await fetch('/api/patient-links/me', { headers: { Authorization: `Bearer ${t}` } })).json()) as {
            session: string;
          }
        ).session,
      token,
    );
    expect(session).toBeTruthy();
    const kind = await page.evaluate(
      async ([t, id]) => {
        let k = 'question';
        for (let i = 0; i < 40 && (k === 'question' || k === 'reprompt'); i++) {
          const r = await fetch(`/api/consult/${id}/answers`, {
            method: 'POST',
            headers: { Authorization: `Bearer ${t}`, 'Content-Type': 'application/json' },
            body: JSON.stringify({ text: '没有' }),
          });
          k = ((await r.json()) as { reply: { kind: string } }).reply.kind;
        }
        return k;
      },
      [token, session],
    );
    expect(kind).toBe('done');
    await page.reload();
    await page.locator('.patient-report').waitFor({ timeout: 60_000 });
    await expect(page.locator('.patient-report').textContent()).resolves.toContain('咳嗽');
    expect(await page.locator('body').textContent()).not.toMatch(/鉴别诊断|仅医生可见|differential/i);
    await expect(page.getByRole('textbox', { name: '您的回答' }).count()).resolves.toBe(0);
  });

  it('stops working for another patient, and when revoked, with a plain message', async () => {
    // The appointment now names someone else: the link is not theirs to use.
    await appointment('e2e-visit', patientB);
    expect(await asPatient('/api/patient-links/me')).toBe(401);
    await appointment('e2e-visit', patientA);
    expect(await asPatient('/api/patient-links/me')).toBe(200);
    expect((await api(`/api/patient-links/${linkId}`, { method: 'DELETE' })).status).toBe(200);
    await page.goto(url);
    await page.reload();
    await page.getByRole('heading', { name: '链接已失效' }).waitFor({ timeout: 30_000 });
    await expect(page.getByRole('alert').textContent()).resolves.toMatch(/联系.*医院|诊室/);
    await expect(page.locator('nav').count()).resolves.toBe(0);
    await screenshot(page, 'patient-link-expired');
  });
});
