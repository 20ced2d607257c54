import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { hasChromium, screenshot, startWorkspace, type Workspace } from '../support/browser.js';

/**
 * The teaching page in Debian's Chromium (demo mode: the loopback caller is an admin): a learner opens
 * the demo pneumonia case from the workspace's navigation, writes a differential and tests at each
 * step, sees MedSeek's differential with its knowledge sources, reveals the case to its diagnosis, and
 * answers a practice question whose key and source the server gives only after the answer.
 */
describe.skipIf(!hasChromium)('a teaching case in a browser', () => {
  let ws: Workspace;
  let page: Page;

  beforeAll(async () => {
    ws = await startWorkspace('teaching');
    page = await ws.browser.newPage({ viewport: { width: 1280, height: 900 }, locale: 'zh-CN' });
  }, 240_000);

  afterAll(async () => {
    await ws?.close();
  });

  it('walks one case from the presenting complaint to the diagnosis', async () => {
    await page.goto(`${ws.url}/#/`);
    await page
      .getByRole('navigation')
      .getByRole('link', { name: 'Teaching' })
      .or(page.getByRole('navigation').getByRole('link', { name: '教学' }))
      .click();
    // The Chinese workspace: switch if the page opened in English.
    if ((await page.getByRole('button', { name: '中文' }).count()) > 0)
      await page.getByRole('button', { name: '中文' }).click();
    const list = page.getByRole('region', { name: '教学病例' });
    const pneumonia = list.getByRole('listitem').filter({ hasText: '发热、咳嗽、咳痰' });
    await pneumonia.getByRole('button').click();
    const c = page.getByRole('region', { name: '教学病例' });
    await c.getByRole('heading', { name: '主诉' }).waitFor();
    // Nothing past the presenting complaint is on the page yet.
    expect(await c.textContent()).not.toContain('社区获得性肺炎');
    expect(await page.content()).not.toContain('张建国');

    const titles = ['主诉', '病史', '体格检查', '辅助检查', '诊断'];
    for (let step = 0; step < titles.length; step++) {
      await c.getByRole('heading', { name: titles[step]! }).waitFor();
      await c.getByLabel('你的鉴别诊断（每行一个）').fill('肺炎\n肺结核');
      await c.getByLabel('下一步检查（每行一个）').fill('胸部CT');
      await c.getByRole('button', { name: '核对我的答案' }).click();
      const fb = c.getByRole('region', { name: '反馈' });
      await fb.getByRole('status').waitFor();
      const medseek = fb.getByRole('region', { name: 'MedSeek 鉴别诊断' });
      expect(await medseek.getByRole('listitem').count()).toBeGreaterThan(0);
      if (step === 2) {
        // MedSeek's differential carries the knowledge it rests on, each with its source.
        expect(await medseek.textContent()).toMatch(/来源：/);
        await screenshot(page, 'teaching-case');
      }
      if (step < titles.length - 1) await fb.getByRole('button', { name: '显示下一步' }).click();
    }
    const record = c.getByRole('note', { name: '病历诊断' });
    await expect.poll(() => record.textContent()).toMatch(/社区获得性肺炎/);
    expect(await c.getByRole('button', { name: '显示下一步' }).count()).toBe(0);
  });

  it('answers a practice question and then shows its key and source', async () => {
    await page.getByRole('tab', { name: '练习题' }).click();
    const first = page.getByRole('region', { name: '练习题' }).getByRole('group').first();
    await first.getByRole('radio').first().check();
    await first.getByRole('button', { name: '核对' }).click();
    const result = first.getByRole('status');
    await expect.poll(() => result.textContent()).toMatch(/回答(正确|错误)[\s\S]*来源：/);
    expect(await first.textContent()).toContain('✓');
  });
});
