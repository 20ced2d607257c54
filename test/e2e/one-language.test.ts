import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { hasChromium, startWorkspace, type Workspace } from '../support/browser.js';
import { foreignWords } from './one-language.js';

/**
 * One language at a time (issue 16): the workspace walked in Chinese shows no Latin-letter UI word outside codes,
 * names and units, and in English no Chinese character outside patient data. The record's and the cited sources'
 * own words are marked `data-verbatim` by the page (a patient's name, a note, an authority, a knowledge name the
 * knowledge has in the other language only, beside its "(英文名)" tag, a record heading or a norm's citation line a QC
 * finding quotes), text in its own language carries `lang` (the note, the language switch). Every page is walked: the patient list, each demo patient's five tabs, the
 * pre-consultation, the queue, model use and every settings page; every offending word is listed per page.
 */
const TABS = ['overview', 'notes', 'differential', 'alerts', 'summary'];
const SETTINGS = ['fhir', 'models', 'users', 'keys', 'rules', 'knowledge', 'audit'];

describe.skipIf(!hasChromium)('the workspace in one language at a time', () => {
  let ws: Workspace;
  let patients: string[] = [];

  beforeAll(async () => {
    ws = await startWorkspace('one-language');
    const page = await ws.browser.newPage({ locale: 'zh-CN' });
    await page.goto(`${ws.url}/#/`);
    await page.locator('a[href^="#/patients/"]').first().waitFor();
    patients = await page
      .locator('a[href^="#/patients/"]')
      .evaluateAll((as) => as.map((a) => (a.getAttribute('href') ?? '').split('/')[2] ?? ''));
    await page.close();
  }, 240_000);

  afterAll(async () => {
    await ws?.close();
  });

  const pages = () => [
    '#/',
    ...patients.flatMap((p) => TABS.map((tab) => `#/patients/${p}/${tab}`)),
    '#/consult',
    '#/queue',
    '#/models',
    ...SETTINGS.map((s) => `#/settings/${s}`),
  ];

  /** The UI text a page shows once it has settled: no loading indicator, and the text unchanged for half a second. */
  async function textOf(page: Page, hash: string): Promise<string> {
    await page.evaluate(() => {
      (window as { settled?: unknown }).settled = undefined;
    });
    await page.goto(`${ws.url}/${hash}`);
    // The bell polls, so the network never idles: wait for the page's text to stop changing instead.
    await page
      .waitForFunction(
        () => {
          const w = window as { settled?: { text: string; since: number } };
          const text = document.body.textContent ?? '';
          if (/加载中|Loading…/.test(text)) w.settled = undefined;
          else if (w.settled?.text !== text) w.settled = { text, since: performance.now() };
          return w.settled !== undefined && performance.now() - w.settled.since >= 500;
        },
        undefined,
        { polling: 100, timeout: 30_000 },
      )
      .catch(() => undefined);
    return page.evaluate(() => {
      const skip = '[data-verbatim], body [lang], code, script, style, textarea, select';
      // Each text node on its own line, so that words of neighbouring elements never run together.
      const texts: string[] = [];
      const walker = document.createTreeWalker(document.body, NodeFilter.SHOW_TEXT);
      for (let n = walker.nextNode(); n; n = walker.nextNode())
        if (!n.parentElement?.closest(skip)) texts.push(n.textContent ?? '');
      // Inputs' placeholders and controls' accessible names are UI too.
      const attrs = [...document.querySelectorAll('[placeholder], [aria-label]')]
        .filter((el) => !el.closest(skip))
        .flatMap((el) => ['placeholder', 'aria-label'].map((a) => el.getAttribute(a) ?? ''));
      return `${texts.join('\n')}\n${attrs.join('\n')}`;
    });
  }

  for (const lang of ['zh', 'en'] as const) {
    it(`shows the workspace in ${lang} only`, async () => {
      const page = await ws.browser.newPage({ locale: lang === 'zh' ? 'zh-CN' : 'en-US' });
      await page.addInitScript((l) => localStorage.setItem('medseek.lang', l), lang);
      const found: Record<string, string[]> = {};
      for (const hash of pages()) {
        const words = foreignWords(await textOf(page, hash), lang);
        if (words.length) found[hash] = words;
      }
      await page.close();
      expect(found).toEqual({});
    }, 600_000);
  }
});
