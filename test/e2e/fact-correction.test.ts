import type { Locator, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Fact } from '../../src/core/index.js';
import { hasChromium, screenshot, startWorkspace, type Workspace } from '../support/browser.js';
import { foreignWords } from './one-language.js';

// biome-ignore lint/suspicious/noExplicitAny: response bodies are read field by field in assertions
type Json = Record<string, any>;
const PNEUMONIA = '93f0e6d2-da20-4eec-8eb3-410de4fe430a';

/**
 * A clinician corrects facts read from a note, in Debian's Chromium (demo mode: the loopback caller is an admin, who
 * may do what a clinician does): a wrong assertion with its cue word in Chinese, a wrong concept picked from the
 * knowledge release in English; each correction is then a candidate in the administrator's curation list
 * (issue 17: corrections to extracted facts become lexicon and assertion-cue candidates).
 */
describe.skipIf(!hasChromium)('correcting an extracted fact in a browser', () => {
  let ws: Workspace;
  /** Facts listed with the patient's first note (the one the notes tab opens) that the fused record keeps, as kept. */
  let correctable: Fact[] = [];

  beforeAll(async () => {
    ws = await startWorkspace('fact-correction');
    const api = await ws.browser.newPage();
    const json = async (path: string) => (await api.request.get(`${ws.url}${path}`)).json() as Promise<Json>;
    const state = await json(`/api/patients/${PNEUMONIA}/state`);
    const kept = new Map<string, Fact>(
      [...state.phenotype, ...state.intervention, ...state.biology].map((f: Fact) => [f.id, f]),
    );
    const { notes } = await json(`/api/patients/${PNEUMONIA}/notes`);
    correctable = (notes[0].facts as Fact[])
      .flatMap((f) => kept.get(f.id) ?? [])
      .filter((f) => f.assertion === 'present' && f.sources.some((s) => s.kind === 'text' && s.quote));
    await api.close();
  }, 240_000);

  afterAll(async () => {
    await ws?.close();
  });

  const candidates = async (page: Page): Promise<Json[]> =>
    (await (await page.request.get(`${ws.url}/api/admin/learning/curation?status=candidate`)).json()).candidates;

  /** A form's words as the one-language walk reads them: its text and its inputs' placeholders. */
  const uiText = async (form: Locator) =>
    [
      await form.evaluate((el) => el.textContent ?? ''),
      ...(await form.locator('[placeholder]').evaluateAll((els) => els.map((e) => e.getAttribute('placeholder')))),
    ].join('\n');

  async function openNotes(lang: 'zh' | 'en'): Promise<Page> {
    const page = await ws.browser.newPage({
      viewport: { width: 1280, height: 900 },
      locale: lang === 'zh' ? 'zh-CN' : 'en-US',
    });
    await page.goto(`${ws.url}/#/patients/${PNEUMONIA}/notes`);
    await page.locator('.facts li').first().waitFor();
    return page;
  }

  it('sends a wrong assertion with its cue word, which the curation list then holds', async () => {
    const fact = correctable.find((f) => f.category === 'finding')!;
    expect(fact).toBeDefined();
    const page = await openNotes('zh');
    const item = page.locator(`.facts li[data-fact="${fact.id}"]`);
    await item.getByRole('button', { name: '纠正', exact: true }).click();
    // Opening the correction selects the fact, so its span is highlighted in the note.
    await page.locator('.note-text .hl.selected').waitFor();
    const form = item.getByRole('group', { name: '纠正' });
    expect(await form.getByRole('button', { name: '提交' }).isDisabled()).toBe(true);
    await form.getByLabel('断言应为').selectOption('absent');
    // The cue word is marked in the note: selected there, then taken into the form.
    await page.evaluate(() => {
      const walker = document.createTreeWalker(document.querySelector('.note-text pre')!, NodeFilter.SHOW_TEXT);
      for (let n = walker.nextNode(); n; n = walker.nextNode()) {
        const at = n.textContent!.indexOf('无');
        if (at < 0) continue;
        const range = document.createRange();
        range.setStart(n, at);
        range.setEnd(n, at + 1);
        getSelection()!.removeAllRanges();
        getSelection()!.addRange(range);
        return;
      }
    });
    await form.getByRole('button', { name: '取病历中选中的文字' }).click();
    expect(await form.getByLabel('提示词（可选）').inputValue()).toBe('无');
    await form.getByLabel('提示词位置').selectOption('forward');
    // The walk in one-language.test.ts never opens the form: its words are checked here.
    expect(foreignWords(await uiText(form), 'zh')).toEqual([]);
    await screenshot(page, 'fact-correction');
    await form.getByRole('button', { name: '提交' }).click();
    await item.getByText('已提交知识审核').waitFor();
    const found = (await candidates(page)).find((c) => c.kind === 'assertion-cue' && c.term === '无');
    expect(found).toMatchObject({ target: 'absent', category: 'forward', corrections: 1, lang: 'zh' });
    expect(found!.spans[0]).toMatchObject({ was: 'present', span: expect.stringMatching(/^DocumentReference\//) });
    await page.close();
  });

  it('sends a wrong concept picked from the knowledge release, in English', async () => {
    // Fever's concept in the demo release (DDXPlus E_91, SNOMED CT 386661006): a fact read as something else.
    const fact = correctable.find((f) => f.concept.code !== '386661006')!;
    const page = await openNotes('en');
    const item = page.locator(`.facts li[data-fact="${fact.id}"]`);
    await item.getByRole('button', { name: 'Correct', exact: true }).click();
    const form = item.getByRole('group', { name: 'Correct' });
    await form.getByLabel('The assertion should be').selectOption('possible');
    expect(foreignWords(await uiText(form), 'en')).toEqual([]);
    await form.getByLabel('The assertion should be').selectOption('');
    await form.getByLabel('The concept should be').fill('发热');
    await form.getByRole('button', { name: 'Search' }).click();
    await form.locator('.fact-concept-matches button').first().click();
    await form.getByText('386661006').waitFor();
    await form.getByRole('button', { name: 'Send' }).click();
    await item.getByText('Sent for curation').waitFor();
    // The term is the text the kept fact was first read from.
    const text = fact.sources.find((s) => s.kind === 'text');
    const found = (await candidates(page)).find((c) => c.kind === 'lexicon' && c.target.code === '386661006');
    expect(found).toMatchObject({
      term: text?.kind === 'text' ? text.quote : undefined,
      target: { system: 'http://snomed.info/sct', code: '386661006', display: 'Fever' },
      category: fact.category,
    });
    await page.close();
  });
});
