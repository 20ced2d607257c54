import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { UserStore } from '../../src/server/auth/users.js';
import { hasChromium, screenshot, startWorkspace, type Workspace } from '../support/browser.js';

/**
 * Logging in to a real install (credentials required) in Debian's Chromium: a local user logs in,
 * sees the patient list, logs out and is back at the login page; five wrong passwords lock the
 * account and the page says so, even when the right password follows.
 */
describe.skipIf(!hasChromium)('workspace login in a browser', () => {
  let ws: Workspace;
  let page: Page;
  const PASSWORD = 'a long enough passphrase';

  beforeAll(async () => {
    ws = await startWorkspace('login', { demo: false });
    const users = new UserStore(ws.ctx.db);
    await users.create({
      username: 'dr.chen',
      displayName: '陈医生',
      password: PASSWORD,
      role: 'clinician',
      allPatients: true,
    });
    await users.create({
      username: 'dr.lin',
      displayName: '林医生',
      password: PASSWORD,
      role: 'clinician',
      allPatients: true,
    });
    page = await ws.browser.newPage({ viewport: { width: 1280, height: 800 }, locale: 'zh-CN' });
  }, 240_000);

  afterAll(async () => {
    await ws?.close();
  });

  const logIn = async (username: string, password: string) => {
    await page.getByLabel('用户名').fill(username);
    await page.getByLabel('密码').fill(password);
    await page.getByRole('button', { name: '登录' }).click();
  };

  it('logs in, shows the patient list, logs out back to the login page', async () => {
    await page.goto(`${ws.url}/#/`);
    await page.getByRole('heading', { name: '登录临床工作台' }).waitFor();
    await screenshot(page, 'login');
    await logIn('dr.chen', PASSWORD);
    await page.getByRole('link', { name: /张建国/ }).waitFor();
    expect(await page.locator('.who').textContent()).toBe('陈医生');
    const cookies = await page.context().cookies();
    expect(cookies.find((c) => c.name === 'medseek_session')?.httpOnly).toBe(true);
    await page.getByRole('button', { name: '退出登录' }).click();
    await page.getByRole('heading', { name: '登录临床工作台' }).waitFor();
    expect((await page.context().cookies()).some((c) => c.name === 'medseek_session')).toBe(false);
    // Reloading does not bring the session back.
    await page.reload();
    await page.getByRole('heading', { name: '登录临床工作台' }).waitFor();
  });

  it('says a wrong password is wrong, and locks the account after five', async () => {
    await logIn('dr.lin', 'not the password 0');
    await page.getByRole('alert').filter({ hasText: '用户名或密码错误' }).waitFor();
    for (let i = 1; i < 5; i++) {
      await logIn('dr.lin', `not the password ${i}`);
      // Each answer replaces the last: wait for the button to be usable again.
      await page.getByRole('button', { name: '登录' }).and(page.locator(':enabled')).waitFor();
    }
    await page.getByRole('alert').filter({ hasText: '账号已锁定' }).waitFor();
    expect(await page.getByRole('alert').textContent()).toMatch(/15 分钟后再试/);
    await logIn('dr.lin', PASSWORD);
    await page.getByRole('button', { name: '登录' }).and(page.locator(':enabled')).waitFor();
    await page.getByRole('alert').filter({ hasText: '账号已锁定' }).waitFor();
    await screenshot(page, 'login-locked');
    expect((await new UserStore(ws.ctx.db).find('dr.lin')).lockedUntil).toBeTruthy();
  });
});
