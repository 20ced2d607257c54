import { describe, expect, it } from 'vitest';
import { compileNetwork } from '../diagnosis/index.js';
import { respiratoryModel } from './__fixtures__/respiratory.js';
import { redFlagRulesMatching, redFlagsDeferred, redFlagsInText } from './redflags.js';
import type { ConsultContext } from './session.js';
import { answerSession, startSession } from './session.js';

/**
 * Issue 13, benign look-alikes the complaint screen read as emergencies, each beside its dangerous twin: a sign
 * denied with "aren't", an event the patient says is over or has always had, another person's baby, and
 * chest-wall pain that hurts on lifting the arm (movement, not pain spreading down the arm).
 */
const stated = (text: string) => redFlagsInText(text).map((f) => f.id);
const deferred = (text: string) => redFlagsDeferred(text).map((f) => f.id);

describe('a sign denied with a contraction is not stated', () => {
  it('"my lips aren\'t swollen" states no anaphylaxis', () => {
    expect(stated("a few hives after trying a new face cream, my lips aren't swollen")).not.toContain('anaphylaxis');
  });

  it.each([["my lips are swelling and I can't breathe"], ["throat is closing up, I can't swallow"]])(
    '"%s" still states anaphylaxis',
    (text) => {
      expect(stated(text)).toContain('anaphylaxis');
    },
  );
});

describe('an event the patient says is over, or has always had, is history', () => {
  it.each([
    ['my speech was slurred last night after a few too many beers, totally fine this morning'],
    ['was slurring after way too many shots last night, fine now just hungover'],
    ['昨晚喝多了说话不清，现在已经好了'],
    ['讲话本来就含糊不清，几十年了，来看看眼睛'],
  ])('"%s" asks the stroke check instead of the exit', (text) => {
    expect(stated(text)).not.toContain('stroke');
    expect(deferred(text)).toContain('stroke');
  });

  it.each([
    ['my speech was slurred last night and it is still slurred now'],
    ['昨晚开始说话不清，现在还是说不清'],
    ['他突然说话含糊不清，嘴也歪了'],
  ])('"%s" is still a stroke exit', (text) => {
    expect(stated(text)).toContain('stroke');
  });
});

describe("another person's baby does not meet the infant-fever rule", () => {
  it("a colleague's two-month-old with a fever, the patient with a cough: no rule", () => {
    expect(redFlagRulesMatching('我同事家两个月的宝宝发烧住院了，我就是有点咳嗽', 30).map((r) => r.id)).toEqual([]);
  });

  it.each([['两个月的宝宝发烧了'], ['my 3 weeks old baby has a fever']])('"%s" meets it', (text) => {
    expect(redFlagRulesMatching(text, 30).map((r) => r.id)).toContain('infant-fever');
  });
});

describe('chest-wall pain on lifting the arm after a chest workout', () => {
  it('is the chest-pain check, not the exit', () => {
    const text = '昨天健身房练胸，今天胸口按着疼，抬胳膊也疼';
    expect(stated(text)).not.toContain('chest-pain');
    expect(deferred(text)).toContain('chest-pain');
  });

  it.each([
    ['健身完胸口按着疼，疼到左胳膊，出冷汗'],
    ['chest hurts after the gym when I press it, the pain goes down my left arm'],
  ])('"%s" (pain spreading to the arm) is still the exit', (text) => {
    expect(stated(text)).toContain('chest-pain');
  });
});

describe('a look-alike in the complaint is settled by its check, not by the words of the answer', () => {
  const net = compileNetwork(respiratoryModel);
  const ctx: ConsultContext = { net, now: () => '2026-12-07T08:30:00.000Z', policy: { maxQuestions: 6 } };
  const complaint = 'was slurring after way too many shots last night, fine now just hungover';
  const first = () => startSession(ctx, { id: 's', kb: net.model.id, lang: 'en', complaint, age: 40, sex: 'male' });

  it('after a no to the stroke check, "since I woke up" does not make the old slurring current', () => {
    const s = first();
    expect(s.state.pending).toBe('rf:stroke');
    const no = answerSession(ctx, s.state, 'no');
    expect(no.state.status).toBe('active');
    expect(answerSession(ctx, no.state, 'since i woke up').state.status).toBe('active');
  });

  it('a yes to it is the exit', () => {
    expect(answerSession(ctx, first().state, 'yes').reply.kind).toBe('emergency');
  });
});

describe('a rash that whitens when pressed is a no to the rash sign', () => {
  const net = compileNetwork(respiratoryModel);
  const ctx: ConsultContext = { net, now: () => '2026-12-07T08:30:00.000Z', policy: { maxQuestions: 6 } };
  const complaint = '孩子有点低烧，脸上身上起了红疹';
  const first = () => startSession(ctx, { id: 's', kb: net.model.id, lang: 'zh', complaint, age: 7, sex: 'male' });

  it('"没有，一按就白" goes on', () => {
    const s = first();
    expect(s.state.pending).toBe('rf:fever-rash/non-blanching-rash');
    expect(answerSession(ctx, s.state, '没有，一按就白').state.status).toBe('active');
  });

  it('"按了也不褪" is the exit', () => {
    expect(answerSession(ctx, first().state, '按了也不褪').reply.kind).toBe('emergency');
  });
});
