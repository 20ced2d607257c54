import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { hasChromium, startWorkspace, type Workspace } from '../support/browser.js';
import { foreignWords } from './one-language.js';

/**
 * One language at a time (issue 16): the workspace walked in Chinese shows no Latin-letter UI word outside codes,
 * names and units, and in English no Chinese character outside patient data. The record's and the cited sources'
 * own words are marked `data-verbatim` by the page (a patient's name, a note, a concept's name, an authority), text in
 * its own language carries `lang` (the note, the language switch). Every offending word is listed per page.
 *
 * WALKED: the pages issue 16 fixed, in both languages; the alerts tab and the rule list also in Chinese. NOT_YET:
 * pages whose words come from statements the reasoners, QC and knowledge releases give in one language only (the
 * differential's evidence naming English guideline bodies in Chinese and Chinese diseases in English; QC findings
 * quoting Chinese norms in English; rule titles and release labels without a translation; audit principals and
 * actions). ONE_LANGUAGE_ALL=1 walks them too and lists what remains.
 */
const WALKED_TABS = { zh: ['overview', 'notes', 'summary', 'alerts'], en: ['overview', 'notes', 'summary'] };
const NOT_YET_TABS = { zh: ['differential'], en: ['differential', 'alerts'] };
const WALKED_SETTINGS = { zh: ['fhir', 'models', 'users', 'keys', 'rules'], en: ['fhir', 'models', 'users', 'keys'] };
const NOT_YET_SETTINGS = { zh: ['knowledge', 'audit'], en: ['rules', 'knowledge', 'audit'] };
const all = process.env.ONE_LANGUAGE_ALL === '1';

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

  const pages = (lang: 'zh' | 'en') => {
    const tabs = all ? [...WALKED_TABS[lang], ...NOT_YET_TABS[lang]] : WALKED_TABS[lang];
    const settings = all ? [...WALKED_SETTINGS[lang], ...NOT_YET_SETTINGS[lang]] : WALKED_SETTINGS[lang];
    return [
      '#/',
      ...patients.flatMap((p) => tabs.map((tab) => `#/patients/${p}/${tab}`)),
      '#/consult',
      '#/queue',
      '#/models',
      ...settings.map((s) => `#/settings/${s}`),
    ];
  };

  /** The UI text a page shows once it has settled: loading indicators gone, then a moment for late panels. */
  async function textOf(page: Page, hash: string): Promise<string> {
    await page.goto(`${ws.url}/${hash}`);
    // The bell polls, so the network never idles: wait for the page's panels instead.
    await page.waitForTimeout(1000);
    await page
      .waitForFunction(() => !/加载中|Loading…/.test(document.body.textContent ?? ''), undefined, { timeout: 20_000 })
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
      for (const hash of pages(lang)) {
        const words = foreignWords(await textOf(page, hash), lang);
        if (words.length) found[hash] = words;
      }
      await page.close();
      expect(found).toEqual({});
    }, 600_000);
  }
});
