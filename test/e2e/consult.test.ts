import type { BrowserContext, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { hasChromium, screenshot, startWorkspace, type Workspace } from '../support/browser.js';

/**
 * The pre-consultation as a patient uses it on a phone (390×844) and as a clinician sees it in the
 * queue, in Debian's Chromium driven by playwright-core (issue 13): a zh consultation answered with
 * tapped choices and the patient's own words, reaching the report; an emergency whose call button is
 * on screen at once while the clinician's open queue shows it at the top without a reload; the draft
 * 门诊病历 edited, re-verified and accepted into a patient's record. Screenshots go to
 * test-artifacts/screenshots (and docs/screenshots with UPDATE_SCREENSHOTS=1). Skipped where no
 * Chromium is installed (.ci/run installs it).
 */
const PHONE = { width: 390, height: 844 };

describe.skipIf(!hasChromium)('pre-consultation on a phone and in the clinicians’ queue', () => {
  let ws: Workspace;
  let phone: BrowserContext;
  let desk: BrowserContext;
  let patient: Page;
  let clinician: Page;
  let completed: string | undefined;

  beforeAll(async () => {
    ws = await startWorkspace('consult');
    phone = await ws.browser.newContext({
      viewport: PHONE,
      locale: 'zh-CN',
      isMobile: true,
      hasTouch: true,
      deviceScaleFactor: 2,
    });
    desk = await ws.browser.newContext({ viewport: { width: 1280, height: 900 }, locale: 'zh-CN' });
    patient = await phone.newPage();
    clinician = await desk.newPage();
  }, 300_000);

  afterAll(async () => {
    await ws?.close();
  });

  const answerBox = (p: Page) => p.getByRole('textbox', { name: '您的回答' });
  const say = async (p: Page, text: string) => {
    await answerBox(p).fill(text);
    await p.getByRole('button', { name: '发送', exact: true }).click();
  };
  const noHorizontalScroll = (p: Page) =>
    p.evaluate(() => document.documentElement.scrollWidth <= window.innerWidth + 1);

  it('takes a zh consultation on a phone to its report, with tapped choices and the patient’s own words', async () => {
    await patient.goto(`${ws.url}/#/consult`);
    await patient.getByRole('spinbutton', { name: '年龄' }).fill('34');
    await patient.getByRole('combobox', { name: '性别' }).selectOption('male');
    await say(patient, '咳嗽三天了，有点发烧');
    let tapped = 0;
    let typed = 0;
    let sawProgress = false;
    for (let i = 0; i < 40; i++) {
      const replies = patient.locator('.bubble.medseek');
      await replies.nth(i).waitFor({ timeout: 30_000 });
      // After the last reply the answer box goes and the report is fetched (slow on a loaded
      // machine: it ranks the differential for the clinician's copy): wait for one or the other.
      const ended = patient.locator('.patient-report, .emergency-exit, .error');
      await ended.or(answerBox(patient)).first().waitFor({ timeout: 120_000 });
      if (await ended.count()) break;
      sawProgress ||= (await patient.getByRole('progressbar').count()) > 0;
      const question = ((await replies.nth(i).textContent()) ?? '').trim();
      const choices = patient.locator('.choices .choice');
      // Answers as a patient gives them: free text where it is natural (and every third question
      // anyway), a tap otherwise, and never the emergency-sounding option. No hedging ("好像没有"):
      // a hedged answer to a danger-sign question rightly counts as yes.
      const free = freeTextAnswer(question);
      if (free || (await choices.count()) === 0 || i % 3 === 2) {
        await say(patient, free ?? (i % 2 ? '没有' : '没有这种情况'));
        typed++;
      } else {
        const labels = await choices.allInnerTexts();
        const pick = labels.findIndex((l) => /^(否|没有|都没有|不是|no|none)$/i.test(l.trim()));
        await choices.nth(pick >= 0 ? pick : labels.length - 1).click();
        tapped++;
      }
      if (i === 2) {
        // The question being asked is on screen, above the answer buttons, not under them.
        await patient.locator('.bubble.medseek').nth(3).waitFor();
        expect(await inViewport(patient, patient.locator('.bubble.medseek').nth(3))).toBe(true);
        expect(await noHorizontalScroll(patient)).toBe(true);
        await screenshot(patient, 'consult-phone-question');
      }
    }
    expect(await patient.locator('.error').allTextContents()).toEqual([]);
    await patient.locator('.patient-report').waitFor({ timeout: 30_000 });
    expect(await patient.locator('.emergency-exit').count()).toBe(0);
    expect(tapped).toBeGreaterThan(0);
    expect(typed).toBeGreaterThan(0);
    expect(sawProgress).toBe(true);
    // The patient's copy carries no diagnosis and no triage wording (PC-05).
    const summary = (await patient.locator('.patient-report').textContent()) ?? '';
    // What the patient said in passing is kept, not forced into the yes/no asked.
    const said = await patient.locator('.bubble.patient').allTextContents();
    if (said.includes('不流鼻涕，就是嗓子有点疼')) expect(summary).toMatch(/咽痛|嗓子/);
    expect(summary).not.toMatch(/鉴别诊断|分诊|Ⅰ级|Ⅱ级|Ⅲ级|Ⅳ级|红区|黄区|绿区/);
    expect(await noHorizontalScroll(patient)).toBe(true);
    await screenshot(patient, 'consult-phone-report');
    completed = await patient.evaluate(async () => {
      const r = await fetch('/api/consult');
      const { sessions } = (await r.json()) as { sessions: { id: string; complaint: string }[] };
      return sessions.find((s) => s.complaint === '咳嗽三天了，有点发烧')?.id;
    });
    expect(completed).toBeTruthy();
  }, 300_000);

  it('puts an emergency’s call button on the phone screen at once and the session atop the open queue, without a reload', async () => {
    // The clinician's queue is open before the patient starts.
    await clinician.goto(`${ws.url}/#/queue`);
    await clinician.getByText('● 实时').waitFor({ timeout: 30_000 });
    await clinician.evaluate(() => {
      (window as unknown as { stillHere: boolean }).stillHere = true;
    });
    // A colleague elsewhere in the workspace (the patient list) is told too.
    const colleague = await desk.newPage();
    await colleague.goto(`${ws.url}/#/`);
    await colleague.getByRole('link', { name: /张建国/ }).waitFor();
    const complaint = '胸口像压了块大石头，出冷汗';
    await patient.goto(`${ws.url}/#/consult`);
    await patient.reload();
    await patient.getByRole('spinbutton', { name: '年龄' }).fill('61');
    await say(patient, complaint);
    // Answer the few red-flag checks the complaint calls for, as a frightened patient would.
    for (let i = 0; i < 3 && (await patient.locator('.emergency-exit').count()) === 0; i++) {
      await Promise.race([
        patient.locator('.emergency-exit').waitFor({ timeout: 30_000 }),
        patient.locator('.bubble.medseek').nth(i).waitFor({ timeout: 30_000 }),
      ]);
      if (await patient.locator('.emergency-exit').count()) break;
      await say(patient, '是的，一直压着疼，喘不上气');
    }
    const exit = patient.getByRole('alert').filter({ has: patient.locator('.call') });
    await exit.waitFor({ timeout: 30_000 });
    const call = exit.locator('a.call');
    expect(await call.getAttribute('href')).toBe('tel:120');
    expect(await inViewport(patient, call)).toBe(true);
    // Focus moved to the alert, which speaks plain words: no triage jargon for the patient.
    expect(await patient.evaluate(() => document.activeElement?.classList.contains('emergency-exit'))).toBe(true);
    const words = (await exit.textContent()) ?? '';
    expect(words).not.toMatch(/分诊|Ⅰ级|Ⅱ级|红区|急危|急重|triage/i);
    expect(words).toContain('已通知医院的医护人员');
    await screenshot(patient, 'consult-phone-emergency');
    // Scrolling does not take it away.
    await patient.mouse.wheel(0, 2000);
    await patient.evaluate(() => window.scrollTo(0, document.body.scrollHeight));
    expect(await inViewport(patient, call)).toBe(true);
    // Nor does reloading the tab.
    await patient.reload();
    await exit.waitFor();
    expect(await inViewport(patient, call)).toBe(true);
    expect(await exit.textContent()).toContain('已通知医院的医护人员');

    // The queue, never reloaded, shows it first, with the banner.
    const first = clinician.locator('.queue-list li').first();
    await first.filter({ hasText: complaint }).waitFor({ timeout: 15_000 });
    expect(await first.getAttribute('data-status')).toBe('emergency');
    await clinician.getByRole('alert').filter({ hasText: '新的急诊预警' }).filter({ hasText: complaint }).waitFor();
    expect(await clinician.evaluate(() => (window as unknown as { stillHere?: boolean }).stillHere)).toBe(true);
    await screenshot(clinician, 'queue-emergency');
    const bell = colleague.getByRole('button', { name: /急诊预警/ });
    await bell.waitFor({ timeout: 15_000 });
    expect(await bell.textContent()).toContain('胸口像压了块大石头');
    await bell.click();
    await colleague.locator('.queue-list li').first().filter({ hasText: complaint }).waitFor();
    await colleague.close();
  }, 180_000);

  it('gives an English-speaking patient the same exit, in English', async () => {
    const en = await ws.browser.newContext({ viewport: PHONE, locale: 'en-US', isMobile: true, hasTouch: true });
    try {
      const p = await en.newPage();
      await p.goto(`${ws.url}/#/consult`);
      await p.getByRole('textbox', { name: 'Your answer' }).fill('crushing pressure on my chest and I am sweating');
      await p.getByRole('button', { name: 'Send', exact: true }).click();
      const exit = p.getByRole('alert').filter({ has: p.locator('.call') });
      await exit.waitFor({ timeout: 30_000 });
      expect(await exit.locator('a.call').getAttribute('href')).toBe('tel:120');
      expect(await inViewport(p, exit.locator('a.call'))).toBe(true);
      const words = (await exit.textContent()) ?? '';
      expect(words).toContain('Hospital staff have been alerted');
      expect(words).not.toMatch(/triage|level [IV]+|red zone|分诊/i);
    } finally {
      await en.close();
    }
  }, 60_000);

  describe('on the clinic’s shared kiosk', () => {
    let kiosk: BrowserContext;
    let tablet: Page;
    beforeAll(async () => {
      kiosk = await ws.browser.newContext({ viewport: { width: 800, height: 1280 }, locale: 'zh-CN', hasTouch: true });
      tablet = await kiosk.newPage();
    });
    afterAll(async () => {
      await kiosk?.close();
    });
    const bubbles = (p: Page) => p.locator('.bubble').allInnerTexts();
    const choiceLabels = (p: Page) => p.locator('.choices .choice').allInnerTexts();
    /** Waits for the n-th (0-based) question of MedSeek and its tappable answers. */
    const question = async (p: Page, n: number) => {
      await p.locator('.bubble.medseek').nth(n).waitFor({ timeout: 60_000 });
      await p.locator('.choices .choice').first().waitFor({ timeout: 30_000 });
      return ((await p.locator('.bubble.medseek').nth(n).textContent()) ?? '').trim();
    };
    const tap = (p: Page, label: string) => p.locator('.choices .choice', { hasText: label }).first().click();
    const start = async (p: Page, complaint: string, age: string, sex: 'male' | 'female') => {
      await p.goto(`${ws.url}/#/consult`);
      await p.getByRole('spinbutton', { name: '年龄' }).fill(age);
      await p.getByRole('combobox', { name: '性别' }).selectOption(sex);
      await say(p, complaint);
    };
    const freshStart = async (p: Page) => {
      await p.getByRole('spinbutton', { name: '年龄' }).waitFor({ timeout: 30_000 });
      expect(await p.locator('.bubble').count()).toBe(0);
      expect(await p.getByRole('progressbar').count()).toBe(0);
    };

    it('resumes after a reload exactly where it was: the transcript, the progress and the pending question with its choices', async () => {
      await start(tablet, '膝盖疼两周', '45', 'male');
      // The safety checks come first, one flag per yes/no question; then the knee pain's slots (where, what
      // kind, how bad), each with choices of its own.
      const yesNo = ['是', '没有', '不确定'];
      let n = 0;
      await question(tablet, n);
      while (n < 6 && JSON.stringify(await choiceLabels(tablet)) === JSON.stringify(yesNo)) {
        await tap(tablet, '没有');
        await question(tablet, ++n);
      }
      const asked = await question(tablet, n);
      const before = {
        bubbles: await bubbles(tablet),
        choices: await choiceLabels(tablet),
        progress: ((await tablet.locator('.progress small').textContent()) ?? '').trim(),
      };
      expect(before.choices.length).toBeGreaterThan(3);
      expect(before.choices).not.toEqual(yesNo);
      await tablet.reload();
      await question(tablet, n);
      expect(await bubbles(tablet)).toEqual(before.bubbles);
      expect(await choiceLabels(tablet)).toEqual(before.choices);
      expect(((await tablet.locator('.progress small').textContent()) ?? '').trim()).toBe(before.progress);
      expect(await tablet.getByRole('spinbutton', { name: '年龄' }).count()).toBe(0);
      await screenshot(tablet, 'consult-kiosk-resumed');
      // And it goes on from there: a tapped choice answers the question that was pending.
      await tablet.locator('.choices .choice').first().click();
      await tablet
        .locator('.bubble.medseek')
        .nth(n + 1)
        .waitFor({ timeout: 60_000 });
      expect((await tablet.locator('.bubble.patient').allInnerTexts()).at(-1)).toBe(before.choices[0]);
      expect(((await tablet.locator('.bubble.medseek').nth(n).textContent()) ?? '').trim()).toBe(asked);
    }, 180_000);

    it('never reopens one patient’s conversation for the next: "next patient", a finished session and an idle one start afresh', async () => {
      // "Next patient" mid-conversation (after confirming) clears the screen, and a reload does not bring it back.
      tablet.once('dialog', (d) => void d.accept());
      await tablet.getByRole('button', { name: '下一位患者' }).click();
      await freshStart(tablet);
      await tablet.reload();
      await freshStart(tablet);

      // A session finished (here from elsewhere, while this tab still holds it) is not resumed on a reload.
      await start(tablet, '流鼻涕、打喷嚏三天', '30', 'female');
      await question(tablet, 0);
      const id = await tablet.evaluate(
        () => (JSON.parse(sessionStorage.getItem('medseek.consult.session') ?? '{}') as { id?: string }).id,
      );
      expect(id).toBeTruthy();
      const kind = await tablet.evaluate(async (sid) => {
        let k = 'question';
        for (let i = 0; i < 40 && (k === 'question' || k === 'reprompt'); i++) {
          const r = await fetch(`/api/consult/${sid}/answers`, {
            method: 'POST',
            headers: { 'Content-Type': 'application/json' },
            body: JSON.stringify({ text: '没有' }),
          });
          k = ((await r.json()) as { reply: { kind: string } }).reply.kind;
        }
        return k;
      }, id);
      expect(kind).toBe('done');
      await tablet.reload();
      await freshStart(tablet);
      expect(await tablet.locator('.patient-report').count()).toBe(0);
      expect(await tablet.evaluate(() => sessionStorage.getItem('medseek.consult.session'))).toBeNull();

      // One left untouched for long (its patient walked away) is not reopened either.
      await start(tablet, '嗓子有点疼，两天了', '52', 'male');
      await question(tablet, 0);
      await tablet.evaluate(() => {
        const v = JSON.parse(sessionStorage.getItem('medseek.consult.session') ?? '{}') as {
          id: string;
          savedAt: number;
        };
        sessionStorage.setItem('medseek.consult.session', JSON.stringify({ ...v, savedAt: v.savedAt - 31 * 60_000 }));
      });
      await tablet.reload();
      await freshStart(tablet);
      // Nor is an emergency panel kept from long ago (a fresh one survives a reload: see the phone test above).
      await tablet.evaluate(() => {
        const reply = {
          kind: 'emergency',
          text: '⚠',
          emergency: { message: '⚠', callNumber: '120', staffNotified: true },
        };
        const old = { session: { id: 'gone', status: 'emergency' }, reply, savedAt: Date.now() - 31 * 60_000 };
        sessionStorage.setItem('medseek.consult.emergency', JSON.stringify(old));
      });
      await tablet.reload();
      await freshStart(tablet);
      expect(await tablet.locator('.emergency-exit').count()).toBe(0);
    }, 180_000);

    it('asks about pregnancy one thing at a time: pregnant?, then bleeding?, then tummy pain?', async () => {
      // Not yet said: "pregnant?" comes alone; a no ends that check.
      await start(tablet, '下面出血两天了', '28', 'female');
      const first = await question(tablet, 0);
      expect(first).toMatch(/怀孕/);
      expect(first).not.toMatch(/出血|肚子/);
      await tap(tablet, '没有');
      const next = await question(tablet, 1);
      expect(next).not.toMatch(/怀孕|见红|阴道出血/);
      expect(await tablet.locator('.emergency-exit').count()).toBe(0);

      // Said in the complaint: not asked again; bleeding and pain each get their own question.
      tablet.once('dialog', (d) => void d.accept());
      await tablet.getByRole('button', { name: '下一位患者' }).click();
      await start(tablet, '怀孕8周了，想咨询一下', '28', 'female');
      const bleeding = await question(tablet, 0);
      expect(bleeding).toMatch(/出血|见红/);
      expect(bleeding).not.toMatch(/怀孕|肚子/);
      await tap(tablet, '没有');
      const pain = await question(tablet, 1);
      expect(pain).toMatch(/肚子/);
      expect(pain).not.toMatch(/出血|怀孕/);
      await screenshot(tablet, 'consult-pregnancy-one-question');
      await tap(tablet, '没有');
      expect(await question(tablet, 2)).not.toMatch(/怀孕|出血|肚子疼吗/);
      expect(await tablet.locator('.emergency-exit').count()).toBe(0);
    }, 180_000);
  });

  it('lets a clinician edit, re-verify and accept the draft 门诊病历 into a patient’s record', async () => {
    expect(completed).toBeTruthy();
    await clinician.goto(`${ws.url}/#/queue`);
    await clinician
      .getByRole('button', { name: /咳嗽三天了，有点发烧/ })
      .first()
      .click();
    await clinician.locator('.report-text', { hasText: '预问诊报告' }).waitFor();
    const draft = clinician.locator('.outpatient-draft');
    await draft.locator('.draft-sentences li').first().waitFor({ timeout: 30_000 });
    // Every sentence cites a patient turn and is supported by it as drafted.
    const sentences = draft.locator('.draft-sentences li');
    const n = await sentences.count();
    expect(n).toBeGreaterThan(1);
    for (let i = 0; i < n; i++) expect(await sentences.nth(i).locator('.cite').count()).toBeGreaterThan(0);
    expect(await draft.locator('[data-verdict="contradicted"]').count()).toBe(0);
    expect(await draft.locator('.draft-sentences').textContent()).toContain('主诉');
    await draft.evaluate((el) => {
      el.scrollIntoView({ block: 'start' });
    });
    await screenshot(clinician, 'outpatient-draft');

    // An edit that contradicts the patient (three days → three months) is caught and blocks acceptance.
    const area = draft.getByRole('textbox', { name: '门诊病历草稿' });
    const original = await area.inputValue();
    expect(original).toMatch(/3天|三天/);
    await area.fill(original.replace(/3天|三天/, '3个月'));
    await draft.getByRole('button', { name: '重新核查' }).click();
    await draft.locator('[data-verdict="contradicted"]').first().waitFor({ timeout: 30_000 });
    const select = draft.getByRole('combobox', { name: '归入患者' });
    const options = await select
      .locator('option')
      .evaluateAll((os) => os.map((o) => ({ value: (o as HTMLOptionElement).value, label: o.textContent ?? '' })));
    const zhang = options.find((o) => o.label.includes('张建国'));
    expect(zhang).toBeTruthy();
    await select.selectOption(zhang!.value);
    expect(await draft.getByRole('button', { name: '采纳入病历' }).isDisabled()).toBe(true);
    await screenshot(clinician, 'outpatient-draft-contradicted');

    // The clinician's own addition that the patient did not say stays theirs; accepted into the record.
    await area.fill(`${original}\n查体：咽部充血。`);
    await draft.getByRole('button', { name: '重新核查' }).click();
    await clinician.waitForFunction(
      () => document.querySelectorAll('.outpatient-draft [data-verdict="contradicted"]').length === 0,
    );
    await draft.getByRole('button', { name: '采纳入病历' }).click();
    const done = draft.getByRole('status').filter({ hasText: '已采纳入病历' });
    await done.waitFor({ timeout: 30_000 });
    const reference = ((await done.locator('a').textContent()) ?? '').trim();
    expect(reference).toMatch(/^DocumentReference\//);
    const doc = await clinician.evaluate(
      async (ref) => (await fetch(`/fhir/${ref}`, { headers: { Accept: 'application/fhir+json' } })).json(),
      reference,
    );
    expect(doc.type.coding[0]).toMatchObject({ system: 'http://loinc.org', code: '34108-1' });
    expect(doc.subject.reference).toMatch(/^Patient\//);
    expect(Buffer.from(doc.content[0].attachment.data, 'base64').toString('utf8')).toContain('查体：咽部充血。');
    await screenshot(clinician, 'outpatient-draft-accepted');
  }, 180_000);
});

/** The answer a patient would type to a history question (duration, allergies, medicines), if it is one. */
function freeTextAnswer(question: string): string | undefined {
  if (/对.{0,12}过敏|过敏史|过敏吗/.test(question)) return '没有过敏的';
  if (/用药|在用|吃.*药|药物/.test(question)) return '就吃了点感冒药，叫不上名字';
  if (/多久|什么时候|多长时间|几天/.test(question)) return '三天了';
  if (/月经/.test(question)) return '不适用';
  // Colloquial answers that carry another finding than the one asked about.
  if (/鼻涕|鼻塞/.test(question)) return '不流鼻涕，就是嗓子有点疼';
  if (/痰/.test(question)) return '有点黄痰';
  return undefined;
}

async function inViewport(page: Page, locator: ReturnType<Page['locator']>): Promise<boolean> {
  const box = await locator.boundingBox();
  const size = page.viewportSize();
  return Boolean(
    box && size && box.y >= 0 && box.x >= 0 && box.y + box.height <= size.height && box.x + box.width <= size.width,
  );
}
