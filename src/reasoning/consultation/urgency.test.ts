import { describe, expect, it } from 'vitest';
import { compileNetwork } from '../diagnosis/index.js';
import { respiratoryModel } from './__fixtures__/respiratory.js';
import type { ConsultContext, StepResult } from './session.js';
import { answerSession, startSession } from './session.js';
import { newUrgency } from './urgency.js';

/** Issue 13: a red flag raised but deferred to its danger-sign questions is an open, urgent concern until denied. */
const net = compileNetwork(respiratoryModel);
let clock = 0;
const ctx: ConsultContext = {
  net,
  now: () => new Date(Date.UTC(2026, 11, 6, 8, 30, clock++)).toISOString(),
  policy: { maxQuestions: 6 },
};

function dialogue(complaint: string, lang: 'zh' | 'en', answers: readonly string[]): StepResult[] {
  const steps: StepResult[] = [startSession(ctx, { id: 's', kb: net.model.id, lang, complaint, age: 40, sex: 'male' })];
  for (const a of answers) steps.push(answerSession(ctx, steps.at(-1)!.state, a));
  return steps;
}

describe('urgent concerns', () => {
  it('black stool after iron in the complaint is urgent, with the reason, until its danger signs are denied', () => {
    const steps = dialogue('补铁一个月，大便一直是黑色的', 'zh', ['没有', '没有', '没有']);
    const first = steps[0]!.state;
    expect(first.status).toBe('active');
    expect(newUrgency(first).map((u) => u.id)).toEqual(['black-stool']);
    expect(first.redFlags.urgent?.[0]?.reason.zh).toContain('补铁一个月，大便一直是黑色的');
    expect(first.redFlags.urgent?.[0]?.reason.zh).toMatch(/需排除.*黑便/);
    // Still urgent (not announced again) while a sign is unanswered; settled once every sign is denied.
    expect(steps[1]!.state.redFlags.urgent?.map((u) => u.id)).toEqual(['black-stool']);
    expect(newUrgency(steps[1]!.state)).toEqual([]);
    expect(steps[3]!.state.redFlags.urgent).toEqual([]);
  });

  it('a look-alike told in a later answer raises the concern at that turn', () => {
    const steps = dialogue('my tummy hurts', 'en', ['no', 'black stool since I began ferrous sulfate']);
    expect(steps[1]!.state.redFlags.urgent ?? []).toEqual([]);
    expect(newUrgency(steps[2]!.state).map((u) => [u.id, u.turn])).toEqual([['black-stool', steps[2]!.state.turn - 1]]);
    expect(steps[2]!.state.redFlags.urgent?.[0]?.reason.en).toMatch(/ferrous sulfate.*not yet ruled out/);
  });

  it('a complaint with no red-flag words raises none', () => {
    const [s] = dialogue('咳嗽三天，有点痰', 'zh', []);
    expect(s!.state.redFlags.urgent ?? []).toEqual([]);
  });
});
