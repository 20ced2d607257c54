import { fileURLToPath } from 'node:url';
import { beforeAll, describe, expect, it } from 'vitest';
import { ensureDemoRelease } from '../knowledge/index.js';
import { migrate, openDatabase } from '../store/index.js';
import { activeReasoner, learnerAnswer, loadCaseLibrary, namesMatch, type Reasoner, stepFeedback } from './index.js';

const fixture = fileURLToPath(new URL('./__fixtures__/ccks-sample.jsonl', import.meta.url));

describe('the tutor against MedSeek reasoning on the demo release', () => {
  let r: Reasoner;
  beforeAll(async () => {
    const db = await openDatabase();
    await migrate(db);
    await ensureDemoRelease(db);
    r = await activeReasoner(db);
  }, 240_000);

  it("compares the learner's differential and tests with MedSeek's and the record's", () => {
    const c = loadCaseLibrary({ demo: false, ccksFiles: [fixture] }).cases[0]!;
    const f = stepFeedback(c, 2, { differential: ['肺炎', '肺结核'], tests: ['胸部CT', '头颅MRI'] }, r);
    expect(f.step).toBe('exam');
    expect(f.medseek.length).toBeGreaterThan(0);
    // Every entry of MedSeek's differential carries its explanation and the knowledge edges' authorities.
    for (const e of f.medseek) {
      expect(e.explanation.length).toBeGreaterThan(0);
      expect(e.evidence.length).toBeGreaterThan(0);
    }
    expect(f.medseek.some((e) => e.knowledge.some((k) => k.kind === 'knowledge'))).toBe(true);
    expect(f.differential.find((d) => d.text === '肺炎')).toMatchObject({ inRecord: true });
    expect(f.differential.find((d) => d.text === '肺结核')).toMatchObject({ inRecord: false });
    expect(f.tests).toEqual([
      { text: '胸部CT', done: true },
      { text: '头颅MRI', done: false },
    ]);
    expect(f.diagnoses).toBeUndefined();
    const last = stepFeedback(c, 4, { differential: [], tests: [] }, r, 'en');
    expect(last.diagnoses).toEqual(['肺炎']);
    expect(last.summary).toMatch(/^0 of your 0 diagnoses/);
  });

  it('counts a test as done when the record codes it or its results text names it', () => {
    const cap = loadCaseLibrary().cases.find((c) => c.steps[0]!.text.includes('发热、咳嗽、咳痰'))!;
    expect(cap.tests.some((t) => namesMatch('胸部CT', t))).toBe(false);
    const f = stepFeedback(cap, 1, { differential: [], tests: ['胸部CT', 'C反应蛋白', '头颅MRI'] }, r);
    expect(f.tests.map((t) => t.done)).toEqual([true, true, false]);
  });

  it('refuses a bad answer or step, naming the field', () => {
    const c = loadCaseLibrary({ demo: false, ccksFiles: [fixture] }).cases[0]!;
    expect(() => learnerAnswer({ differential: 'pneumonia' })).toThrow(/differential must be a list/);
    expect(() => learnerAnswer({ tests: [3] })).toThrow(/tests\[0\] must be a string/);
    expect(() => stepFeedback(c, 5, { differential: [], tests: [] }, r)).toThrow(/step must be 0 to 4/);
  });

  it('matches names across case, width and inclusion, not on one character', () => {
    expect(namesMatch('Pneumonia', 'pneumonia ')).toBe(true);
    expect(namesMatch('社区获得性肺炎', '肺炎')).toBe(true);
    expect(namesMatch('炎', '肺炎')).toBe(false);
  });
});
