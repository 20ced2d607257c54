import { type Browser, chromium, type Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sniffContainer } from '../../src/llm/index.js';
import { type AudioTestServer, startAudioTestServer } from '../../src/llm/testing/audio-test-server.js';
import { executablePath, hasChromium, startWorkspace, type Workspace } from '../support/browser.js';

/**
 * Voice in the pre-consultation chat, in Debian's Chromium (issue 18): with a server-side speech to
 * text, the microphone records with MediaRecorder (Chromium's fake microphone, a beep), the recording
 * is uploaded and what the server heard lands in the answer box for the patient to send; with none,
 * the page falls back to the browser's own SpeechRecognition and speechSynthesis (stand-ins injected
 * here: headless Chromium's own need Google's servers). No decoder for the browser's webm/opus is
 * installed, so the test server answers a fixed sentence for a webm recording and records what it
 * got; recognition itself is tested in src/llm/audio.test.ts and src/server/routes/voice.test.ts.
 */
const HEARD = 'I have a cough and a fever';

describe.skipIf(!hasChromium)('voice in the pre-consultation chat', () => {
  let ws: Workspace;
  let speech: AudioTestServer;
  let browser: Browser;
  const saved = { stt: process.env.MEDSEEK_STT_BASE_URL, tts: process.env.MEDSEEK_TTS_BASE_URL };

  beforeAll(async () => {
    speech = await startAudioTestServer({
      recognise: async (audio) => (sniffContainer(audio) === 'webm' ? HEARD : ''),
    });
    // The voice routes read the environment when the app is made.
    process.env.MEDSEEK_STT_BASE_URL = speech.url;
    delete process.env.MEDSEEK_TTS_BASE_URL;
    ws = await startWorkspace('voice');
    browser = await chromium.launch({
      executablePath,
      args: [
        '--headless',
        '--no-sandbox',
        '--disable-gpu',
        '--use-fake-device-for-media-stream',
        '--use-fake-ui-for-media-stream',
        '--autoplay-policy=no-user-gesture-required',
      ],
    });
  }, 300_000);

  afterAll(async () => {
    await browser?.close();
    await ws?.close();
    await speech?.close();
    for (const [k, v] of [
      ['MEDSEEK_STT_BASE_URL', saved.stt],
      ['MEDSEEK_TTS_BASE_URL', saved.tts],
    ] as const)
      if (v === undefined) delete process.env[k];
      else process.env[k] = v;
  });

  const open = async (): Promise<Page> => {
    const context = await browser.newContext({ locale: 'en-US', viewport: { width: 390, height: 844 } });
    await context.addInitScript(() => localStorage.setItem('medseek.lang', 'en'));
    return context.newPage();
  };
  const answerBox = (p: Page) => p.getByRole('textbox', { name: 'Your answer' });
  const mic = (p: Page) => p.getByRole('button', { name: 'Voice input' });

  it('records with the microphone, transcribes on the server and puts the words in the box to send', async () => {
    const page = await open();
    await page.goto(`${ws.url}/#/consult`);
    await expect.poll(() => mic(page).getAttribute('data-voice'), { timeout: 30_000 }).toBe('server');
    await mic(page).click();
    await expect.poll(() => mic(page).getAttribute('aria-pressed'), { timeout: 10_000 }).toBe('true');
    await page.waitForTimeout(1_500);
    await mic(page).click();
    await expect.poll(() => answerBox(page).inputValue(), { timeout: 30_000 }).toBe(HEARD);
    await expect(page.getByRole('status').filter({ hasText: 'Check the recognised text' }).count()).resolves.toBe(1);
    const upload = speech.requests.at(-1)!;
    expect(upload.path).toBe('/v1/audio/transcriptions');
    expect(upload.language).toBe('en');
    expect(sniffContainer(upload.file!.bytes)).toBe('webm');
    expect(upload.file!.bytes.length).toBeGreaterThan(1000);
    // Sent only when the patient sends it.
    await page.getByRole('button', { name: 'Send', exact: true }).click();
    await page.locator('.bubble.patient', { hasText: HEARD }).waitFor({ timeout: 30_000 });
    await page.locator('.bubble.medseek').first().waitFor({ timeout: 60_000 });
    await page.context().close();
  }, 180_000);

  it('falls back to the browser’s own speech APIs when the server has none', async () => {
    const page = await open();
    await page.route('**/api/voice', (r) =>
      r.fulfill({
        json: { stt: { available: false }, tts: { available: false }, browserFallback: true },
      }),
    );
    await page.addInitScript(() => {
      const w = window as unknown as Record<string, unknown>;
      w.__spoken = [];
      w.SpeechRecognition = class {
        lang = '';
        interimResults = false;
        onresult: ((e: unknown) => void) | null = null;
        onend: (() => void) | null = null;
        start() {
          setTimeout(() => {
            this.onresult?.({ results: [[{ transcript: 'my head hurts' }]] });
            this.onend?.();
          }, 50);
        }
      };
      Object.defineProperty(window, 'speechSynthesis', {
        value: { speak: (u: { text: string }) => (w.__spoken as string[]).push(u.text), cancel: () => {} },
      });
    });
    const uploads = speech.requests.length;
    await page.goto(`${ws.url}/#/consult`);
    await expect.poll(() => mic(page).getAttribute('data-voice'), { timeout: 30_000 }).toBe('browser');
    await page.getByRole('button', { name: 'Read aloud' }).click();
    await mic(page).click();
    await expect.poll(() => answerBox(page).inputValue(), { timeout: 10_000 }).toBe('my head hurts');
    await page.getByRole('button', { name: 'Send', exact: true }).click();
    const question = page.locator('.bubble.medseek').first();
    await question.waitFor({ timeout: 60_000 });
    const spoken = await page.evaluate(() => (window as unknown as { __spoken: string[] }).__spoken);
    expect(spoken).toEqual([((await question.textContent()) ?? '').trim()]);
    expect(speech.requests.length).toBe(uploads);
    await page.context().close();
  }, 180_000);
});
