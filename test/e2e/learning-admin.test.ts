import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { simulatedWorld } from '../../src/learning/__fixtures__/simulated.js';
import { CalibrationReleases, recordAlertContext } from '../../src/learning/index.js';
import { compileNetwork } from '../../src/reasoning/index.js';
import { hasChromium, screenshot, startWorkspace, type Workspace } from '../support/browser.js';

/**
 * What the hospital learned, for the administrator, in Debian's Chromium (demo mode: the loopback caller is an
 * admin): a calibration map's reliability diagrams per department, activated from the page; the alert burden of a
 * renal rule with its suggested threshold, which opens the rule settings prefilled and saves nothing by itself.
 */
describe.skipIf(!hasChromium)('learning settings in a browser', () => {
  let ws: Workspace;
  let page: Page;

  beforeAll(async () => {
    ws = await startWorkspace('learning-admin');
    page = await ws.browser.newPage({ viewport: { width: 1280, height: 900 }, locale: 'en-US' });
    const world = simulatedWorld(5);
    const net = compileNetwork(world.source);
    const ward = (d: number) => (d % 2 ? 'ward-a' : 'ward-b');
    const store = new CalibrationReleases(ws.ctx.db);
    const r = await store.propose({
      network: net,
      cases: world.sample(300, 3, ward),
      label: 'wards',
      createdBy: 'dr.li',
    });
    await store.evaluate(r.id, net, { label: 'held back', cases: world.sample(300, 4, ward) }, 'dr.li');
    // RD01 (renal, fires below its eGFR threshold): accepted at 12 and 18, overridden at 25, 28 and 35.
    const seeded: [string, 'accepted' | 'overridden', number][] = [
      ['a1', 'accepted', 12],
      ['a2', 'accepted', 18],
      ['o1', 'overridden', 25],
      ['o2', 'overridden', 28],
      ['o3', 'overridden', 35],
    ];
    for (const [card, outcome, value] of seeded) {
      await ws.ctx.db.query(
        `insert into cds_card_issued (uuid, service_id, rule_id, patient_id, indicator, summary)
         values ($1, 'workspace', 'RD01', 'p1', 'warning', 's')`,
        [card],
      );
      await ws.ctx.db.query(
        `insert into cds_feedback (service_id, card_uuid, outcome, override_reason, outcome_timestamp, client_id)
         values ('workspace', $1, $2, $3::jsonb, now(), 'dr.li')`,
        [card, outcome, outcome === 'overridden' ? '{"reason": {"code": "not-applicable", "system": "x"}}' : null],
      );
      await recordAlertContext(ws.ctx.db, { cardUuid: card, unit: 'ward-5', trigger: { param: 'below', value } });
    }
  }, 300_000);

  afterAll(async () => {
    await ws?.close();
  });

  it('draws the reliability diagrams per department and activates the map that passed', async () => {
    await page.goto(`${ws.url}/#/settings/calibration`);
    await page.getByRole('tab', { name: 'Calibration', selected: true }).waitFor();
    for (const name of ['All departments', 'ward-a', 'ward-b']) await page.getByRole('img', { name }).waitFor();
    expect(await page.getByRole('img', { name: 'ward-a' }).locator('circle').count()).toBeGreaterThan(2);
    await screenshot(page, 'settings-calibration');
    await page.getByRole('button', { name: 'Activate' }).click();
    await page.getByRole('button', { name: 'Roll back' }).waitFor();
    expect(await page.getByText('active', { exact: true }).count()).toBeGreaterThan(0);
  });

  it('suggests a threshold that opens the rule settings prefilled, saving nothing', async () => {
    await page.goto(`${ws.url}/#/settings/alert-burden`);
    const link = page.getByRole('link', { name: /Set below to 21\.5: removes 100% of overridden alerts/ });
    await link.waitFor();
    await screenshot(page, 'settings-alert-burden');
    await link.click();
    const editor = page.getByRole('region', { name: 'Rule setting RD01' });
    await editor.waitFor();
    expect(await editor.getByLabel('below').inputValue()).toBe('21.5');
    expect(await editor.getByText('Never changed (defaults apply).').count()).toBe(1);
  });
});
