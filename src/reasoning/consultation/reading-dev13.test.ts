import { describe, expect, it } from 'vitest';
import { compileNetwork } from '../diagnosis/index.js';
import { respiratoryModel } from './__fixtures__/respiratory.js';
import { readAnswer } from './reading.js';
import type { ConsultContext, StepResult } from './session.js';
import { answerSession, startSession } from './session.js';
import { temperatureIn } from './temperature.js';

/**
 * Issue 13, sixteenth round (dev13): a device the patient does not trust, a hedge in a clause of its own, a function
 * reduced but still working, a pain at another site or a question to the clinic instead of an answer, a high fever
 * graded by its reading, the voice slip 可说 for 咳嗽, and a negative pregnancy test beside one-sided pain. The
 * phrasings are this file's own, not the data sets'.
 */
const zh = (id: string, text: string) => readAnswer({ id, kind: 'binary' }, text, 'zh');
const en = (id: string, text: string) => readAnswer({ id, kind: 'binary' }, text, 'en');
const slot = (slotName: string, text: string, lang: 'zh' | 'en') =>
  readAnswer({ id: slotName, kind: 'slot', slot: slotName }, text, lang).value;

describe('a device the patient does not trust', () => {
  it('reads its reading as unknown', () => {
    expect(zh('E_91', '电子体温计老不准，刚才说37度8').value).toBe('unknown');
    expect(zh('E_155', '手环老是乱报心率，说我一百二').value).toBe('unknown');
    expect(en('E_155', 'my band says 130 but the thing is way off most days').value).toBe('unknown');
    expect(en('E_91', 'the ear thermometer is glitchy, it said 38.2').value).toBe('unknown');
  });

  it('keeps a reading the patient stands by after the doubt', () => {
    expect(zh('E_91', '体温计有点不准，不过换了一根量还是36度6').value).toBe('no');
    expect(zh('E_91', '量了39度2，体温计是新买的').value).toBe('yes');
  });
});

describe('a hedge in a clause of its own', () => {
  it('reads a few of the symptom, or a little said apart from a downplay, as partly', () => {
    expect(en('E_201', 'a few coughs in the morning, nothing big').value).toBe('partly');
    expect(en('E_94', 'a couple of shivers after dinner, nothing since').value).toBe('partly');
    expect(zh('E_148', '有一点吧，不算严重').value).toBe('partly');
    expect(zh('E_51', '有一点，不是很稀').value).toBe('partly');
  });

  it('reads a few of the effort that brings it on, or a span, as no hedge', () => {
    expect(en('E_64', 'yes, a few stairs and I have to stop').value).toBe('yes');
    expect(en('E_201', 'coughing badly for a few days').value).toBe('yes');
  });
});

describe('a function reduced but still working', () => {
  it('reads the loss in part', () => {
    expect(zh('E_103', '鼻子没原来灵了，不过香水还闻得到').value).toBe('partly');
    expect(zh('E_32', '饭吃得少了点，但还吃得下').value).toBe('partly');
    expect(en('E_103', 'smell is a little weaker, I can still smell garlic').value).toBe('partly');
  });

  it('keeps a plain loss and a plain denial', () => {
    expect(zh('E_103', '啥味都闻不到了').value).toBe('yes');
    expect(zh('E_32', '胃口挺好，还能吃两碗').value).toBe('no');
  });

  it('reads eating as much or refusing food on the appetite question', () => {
    expect(zh('E_32', '照样吃，一口没少').value).toBe('no');
    expect(en('E_32', "he won't eat anything I give him").value).toBe('yes');
  });
});

describe('an answer about something else', () => {
  it('reads a pain at another site as other, not as the painful finding asked about', () => {
    expect(zh('E_97', '是胃疼，别的没啥').value).toBe('other');
    expect(en('E_97', 'my knee hurts, nothing else').value).toBe('other');
    expect(en('E_144', 'my tooth is killing me').value).toBe('other');
  });

  it('still reads a pain at the asked site, all over, or without a site as the finding', () => {
    expect(zh('E_97', '嗓子疼，咽口水都疼').value).toBe('yes');
    expect(zh('E_144', '浑身骨头疼').value).toBe('yes');
    expect(en('E_144', 'aching from head to toe').value).toBe('yes');
    expect(en('E_97', 'it hurts at the back when I swallow').value).toBe('yes');
  });

  it('reads a question or a request to the clinic as other in a history slot', () => {
    expect(slot('medications', '能不能给我开点便宜的药？', 'zh')).toBe('other');
    expect(slot('allergies', 'can I take aspirin with this?', 'en')).toBe('other');
    expect(slot('medications', '我在吃降压药，能一起吃吗？', 'zh')).toBe('yes');
  });
});

describe('rhetorical amounts', () => {
  it('reads 没少 and "not a day without" as a plain yes', () => {
    expect(zh('E_201', '最近晚上可没少咳').value).toBe('yes');
    expect(en('E_201', 'not a day goes by without a coughing fit').value).toBe('yes');
    expect(en('E_211', "I haven't stopped vomiting since lunch").value).toBe('yes');
  });
});

describe('fever readings', () => {
  it('reads Chinese numbers to 40 and Fahrenheit', () => {
    expect(temperatureIn('烧到四十度二')).toBeCloseTo(40.2);
    expect(temperatureIn('三十八度五')).toBeCloseTo(38.5);
    expect(temperatureIn('the thermometer said 102.2')).toBeCloseTo(39);
    expect(temperatureIn('103F last night')).toBeCloseTo(39.4);
    expect(temperatureIn('it was 100 degrees outside')).toBeUndefined();
  });

  it('grades a high fever as severe, a lower one not', () => {
    expect(zh('E_91', '昨晚烧到39度9').severity).toBe('severe');
    expect(en('E_91', 'temp was 40.5 this morning').severity).toBe('severe');
    expect(zh('E_91', '烧到38度2').severity).toBeUndefined();
  });
});

describe('the voice slip 可说', () => {
  it('reads 可说 as 咳嗽, and 可说不好 as not knowing', () => {
    expect(zh('E_201', '晚上一躺下就可说').value).toBe('yes');
    expect(zh('E_91', '可说不好，家里没体温计').value).toBe('unknown');
  });
});

describe('a heart rate or a throat said to be fine', () => {
  it('reads the denial before another finding', () => {
    expect(zh('E_155', '心跳倒不快，主要是胸闷').value).toBe('no');
    expect(en('E_97', "throat's all good, it's my nose").value).toBe('no');
  });
});

const net = compileNetwork(respiratoryModel);
const ctx: ConsultContext = { net, now: () => '2026-12-07T08:30:00.000Z', policy: { maxQuestions: 6 } };

/** The session's status after the complaint and the answers (a woman of 28). */
function statusAfter(complaint: string, lang: 'zh' | 'en', answers: readonly string[]): string {
  let step: StepResult = startSession(ctx, { id: 's', kb: net.model.id, lang, complaint, age: 28, sex: 'female' });
  for (const a of answers) {
    if (step.state.status !== 'active') break;
    step = answerSession(ctx, step.state, a);
  }
  return step.state.status;
}

describe('a negative pregnancy test', () => {
  it('masks the ectopic pattern beside one-sided pain', () => {
    expect(statusAfter('验孕棒是一条杠，右边小肚子有点疼', 'zh', ['没有', '没有'])).not.toBe('emergency');
    expect(statusAfter('pregnancy test was negative, dull pain on my left side low down', 'en', ['no', 'no'])).not.toBe(
      'emergency',
    );
  });

  it('keeps a positive test with one-sided pain an emergency', () => {
    expect(statusAfter('验孕棒两道线，右边小肚子疼得厉害', 'zh', ['是', '一个钟头'])).toBe('emergency');
  });
});
