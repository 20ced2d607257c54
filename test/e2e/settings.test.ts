import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startOpenAiTestServer } from '../../src/llm/index.js';
import { hasChromium, screenshot, startWorkspace, type Workspace } from '../support/browser.js';

/**
 * The administrator's settings pages in Debian's Chromium (demo mode: the loopback caller is an
 * admin): a rule threshold changed in the form becomes a new version in its history (and in the
 * reasoning stage's configuration), a bad FHIR source is refused with the error beside its field,
 * a new API key is shown once and never again, and the audit log filters down to those changes.
 */
describe.skipIf(!hasChromium)('settings in a browser', () => {
  let ws: Workspace;
  let page: Page;

  beforeAll(async () => {
    ws = await startWorkspace('settings');
    page = await ws.browser.newPage({ viewport: { width: 1280, height: 900 }, locale: 'en-US' });
  }, 240_000);

  afterAll(async () => {
    await ws?.close();
  });

  it('changes a rule threshold and shows the new version in its history', async () => {
    await page.goto(`${ws.url}/#/settings/rules`);
    await page.getByRole('tab', { name: 'Rules', selected: true }).waitFor();
    await page.getByLabel('Find a rule').fill('T09');
    await page.getByRole('button', { name: 'Edit T09' }).click();
    const editor = page.getByRole('region', { name: 'Rule setting T09' });
    await editor.getByText('Never changed (defaults apply).').waitFor();
    await editor.getByLabel('routineHours').fill('36');
    await editor.getByRole('button', { name: 'Save' }).click();
    const entry = page.getByRole('region', { name: 'Rule setting T09' }).locator('ol.history li').first();
    await expect.poll(() => entry.textContent()).toMatch(/version \d+.*demo.*routineHours: .* → 36/);
    const rows = await ws.ctx.db.query<{ params: { routineHours: number }; updated_by: string }>(
      "select params, updated_by from reasoning_rule_config where rule_id = 'T09' and hospital_id = 'default'",
    );
    expect(rows.rows).toEqual([{ params: { routineHours: 36 }, updated_by: 'demo' }]);
    // A threshold that is not a number is refused beside its field, and nothing changes.
    await page.getByRole('region', { name: 'Rule setting T09' }).getByLabel('routineHours').fill('-5');
    await page.getByRole('region', { name: 'Rule setting T09' }).getByRole('button', { name: 'Save' }).click();
    await page
      .getByRole('region', { name: 'Rule setting T09' })
      .locator('.field', { hasText: 'routineHours' })
      .getByRole('alert')
      .waitFor();
    expect(
      (await ws.ctx.db.query("select 1 from reasoning_rule_config_history where rule_id = 'T09'")).rows,
    ).toHaveLength(1);
    await screenshot(page, 'settings-rules');
  });

  it('shows a validation error next to the field it concerns', async () => {
    await page.goto(`${ws.url}/#/settings/fhir`);
    await page.getByLabel('FHIR base URL').fill('ftp://ehr.example/fhir');
    await page.getByRole('button', { name: 'Save' }).click();
    const field = page.locator('.field', { hasText: 'FHIR base URL' });
    await expect.poll(() => field.getByRole('alert').textContent()).toMatch(/http or https/);
    expect(await page.locator('.error-inline').count()).toBe(1);
  });

  it('tests a model server from the form, and saves the servers with the de-identification policy', async () => {
    const model = await startOpenAiTestServer();
    try {
      await page.goto(`${ws.url}/#/settings/models`);
      await page.getByRole('button', { name: 'Add server' }).click();
      const server = page.locator('fieldset').last();
      await server.getByLabel('Base URL').fill(model.url);
      await server.getByLabel('Model').fill('qwen2.5');
      await server.getByLabel('API key').fill('sk-e2e-test-98765');
      await server.getByLabel('Where it runs').selectOption('local');
      await server.getByRole('button', { name: 'Test' }).click();
      await expect.poll(() => server.getByRole('status').textContent()).toMatch(/OK · \d+ ms/);
      expect(model.requests.at(-1)?.headers.authorization).toBe('Bearer sk-e2e-test-98765');
      await page.getByLabel('De-identification policy').selectOption('never');
      await page.getByRole('button', { name: 'Save' }).click();
      await expect.poll(() => page.locator('form').getByRole('status').last().textContent()).toMatch(/Saved as v1/);
      // The key comes back masked, never in clear.
      await expect.poll(() => server.getByLabel('API key').inputValue()).toBe('••••8765');
      expect(await page.content()).not.toContain('sk-e2e-test');
      await screenshot(page, 'settings-models');
    } finally {
      await model.close();
    }
  });

  let created = '';
  it('creates an API key, shows it once with a copy button, and never again', async () => {
    await page.goto(`${ws.url}/#/settings/keys`);
    await page.getByRole('tab', { name: 'API keys', selected: true }).waitFor();
    const form = page.locator('form', { hasText: 'New key' });
    await form.getByLabel('Name').fill('lab integration');
    await form.getByLabel('Role').selectOption('clinician');
    await form.getByLabel('Units (comma-separated)').fill('ward-7');
    await form.getByRole('button', { name: 'Create key' }).click();
    const shown = page.getByRole('alert', { name: 'New key' });
    created = (await shown.locator('code.new-key').textContent()) ?? '';
    expect(created).toMatch(/^msk_[A-Za-z0-9_-]{20,}$/);
    await shown.getByRole('button', { name: 'Copy' }).waitFor();
    await page.getByRole('cell', { name: 'lab integration' }).waitFor();
    await shown.getByRole('button', { name: 'I have saved it' }).click();
    await page.reload();
    await page.getByRole('cell', { name: 'lab integration' }).waitFor();
    expect(await page.content()).not.toContain(created);
    expect(await page.getByRole('row', { name: /lab integration/ }).textContent()).toContain('ward-7');
    // The key works, with the role it was given: a clinician may not read the audit log.
    const res = await fetch(`${ws.url}/api/admin/audit`, { headers: { Authorization: `Bearer ${created}` } });
    expect(res.status).toBe(403);
  });

  it('filters the audit log', async () => {
    await page.goto(`${ws.url}/#/settings/audit`);
    await page.getByRole('tab', { name: 'Audit log', selected: true }).waitFor();
    await page.getByLabel('Action').fill('key.create');
    await page.getByRole('button', { name: 'Filter' }).click();
    await expect.poll(() => page.getByRole('status').textContent()).toMatch(/^1 entries/);
    const rows = page.locator('table.audit tbody tr');
    expect(await rows.count()).toBe(1);
    expect(await rows.first().textContent()).toMatch(/demo.*key\.create.*api-key\//);
    await page.getByLabel('Action').fill('settings.*');
    await page.getByRole('button', { name: 'Filter' }).click();
    await expect
      .poll(() => page.locator('table.audit tbody').textContent())
      .toMatch(/settings\.update.*settings\/models@v1.*settings\.update.*settings\/rules\/default\/T09@v\d+/);
    // The refused clinician key shows under its outcome.
    await page.getByLabel('Action').fill('');
    await page.getByLabel('Outcome').fill('403');
    await page.getByRole('button', { name: 'Filter' }).click();
    await expect.poll(() => page.locator('table.audit tbody tr').first().textContent()).toContain('/api/admin/audit');
    await page.getByLabel('Outcome').fill('teapot');
    await page.getByRole('button', { name: 'Filter' }).click();
    await page.locator('.field', { hasText: 'Outcome' }).getByRole('alert').waitFor();
    await screenshot(page, 'settings-audit');
  });
});
