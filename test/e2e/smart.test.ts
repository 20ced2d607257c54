import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { hasChromium, screenshot, startWorkspace, type Workspace } from '../support/browser.js';

/**
 * A SMART EHR launch against MedSeek's own FHIR endpoint, driven by the real `fhirclient` library in
 * Debian's Chromium (issue 14): MedSeek launches its workspace app on one patient
 * (`/oauth2/launch`), fhirclient discovers the endpoints, authorizes with PKCE, the user approves,
 * fhirclient exchanges the code and reads the launch patient with its token; the workspace then
 * opens that patient. The token it was given reads that patient's record and no other's.
 */
const PNEUMONIA = '93f0e6d2-da20-4eec-8eb3-410de4fe430a';
const WARFARIN = '318d8f7d-f21b-4d07-8a2e-6f24ae05bb26';

describe.skipIf(!hasChromium)('SMART EHR launch of the workspace against MedSeek’s own FHIR endpoint', () => {
  let ws: Workspace;

  beforeAll(async () => {
    ws = await startWorkspace('smart');
  }, 300_000);

  afterAll(async () => {
    await ws?.close();
  });

  it('launches, authorizes with fhirclient, shows the launch patient, and the token reads no other patient', async () => {
    const context = await ws.browser.newContext({ viewport: { width: 1280, height: 900 }, locale: 'zh-CN' });
    const page = await context.newPage();
    await page.goto(`${ws.url}/oauth2/launch?patient=${PNEUMONIA}&client_id=medseek-workspace`);

    // fhirclient has read the discovery document and sent the browser to the approval page.
    const approve = page.getByRole('button', { name: '批准' });
    await approve.waitFor({ timeout: 30_000 });
    const authorizeUrl = new URL(page.url());
    expect(authorizeUrl.pathname).toBe('/oauth2/authorize');
    expect(authorizeUrl.searchParams.get('code_challenge_method')).toBe('S256');
    expect(authorizeUrl.searchParams.get('aud')).toBe(`${ws.url}/fhir`);
    await expect(page.locator('[data-patient-id]').getAttribute('data-patient-id')).resolves.toBe(PNEUMONIA);
    await screenshot(page, 'smart-approval');
    await approve.click();

    // Back in the app: the code exchanged, the patient read from /fhir with the token, the workspace opened on it.
    await page.waitForURL(`**/#/patients/${PNEUMONIA}`, { timeout: 60_000 });
    await page.getByText('张建国').first().waitFor({ timeout: 30_000 });
    await screenshot(page, 'smart-launched-patient');

    const tokenResponse = await page.evaluate(() => {
      const key = JSON.parse(sessionStorage.getItem('SMART_KEY') ?? 'null') as string | null;
      const state = key
        ? (JSON.parse(sessionStorage.getItem(key) ?? 'null') as { tokenResponse?: Record<string, unknown> } | null)
        : null;
      return state?.tokenResponse ?? null;
    });
    expect(tokenResponse).toMatchObject({ token_type: 'Bearer', patient: PNEUMONIA });
    expect(String(tokenResponse!.scope).split(' ')).toEqual(
      expect.arrayContaining(['launch', 'launch/patient', 'openid', 'fhirUser', 'patient/*.rs']),
    );
    expect(typeof tokenResponse!.id_token).toBe('string');

    const read = (path: string) =>
      fetch(`${ws.url}/fhir/${path}`, {
        headers: { Authorization: `Bearer ${String(tokenResponse!.access_token)}`, Accept: 'application/fhir+json' },
      });
    expect((await read(`Patient/${PNEUMONIA}`)).status).toBe(200);
    expect((await read(`Patient/${WARFARIN}`)).status).toBe(403);
    await context.close();
  }, 180_000);
});
