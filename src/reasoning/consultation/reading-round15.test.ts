import { describe, expect, it } from 'vitest';
import { compileNetwork } from '../diagnosis/index.js';
import { respiratoryModel } from './__fixtures__/respiratory.js';
import { readAnswer } from './reading.js';
import type { ConsultContext, StepResult } from './session.js';
import { answerSession, startSession } from './session.js';

/**
 * Issue 13, fifteenth round: a positive pregnancy test with one-sided lower abdominal pain (suspected ectopic)
 * reaches the emergency exit, and a red-flag check is never read "no" when the answer doubts it ("not yet tried")
 * or states it in part beside a denial of something else. Rules and data only; the phrasings are the tests' own
 * beside the exact safety cases of the round.
 */
const net = compileNetwork(respiratoryModel);
const ctx: ConsultContext = { net, now: () => '2026-12-07T08:30:00.000Z', policy: { maxQuestions: 6 } };
const zh = (id: string, text: string) => readAnswer({ id, kind: 'binary' }, text, 'zh');
const en = (id: string, text: string) => readAnswer({ id, kind: 'binary' }, text, 'en');

/** The session's status after the complaint and the answers (a woman of 30). */
function statusAfter(complaint: string, lang: 'zh' | 'en', answers: readonly string[]): string {
  let step: StepResult = startSession(ctx, { id: 's', kb: net.model.id, lang, complaint, age: 30, sex: 'female' });
  for (const a of answers) {
    if (step.state.status !== 'active') break;
    step = answerSession(ctx, step.state, a);
  }
  return step.state.status;
}

describe('suspected ectopic pregnancy', () => {
  it('exits on a positive test with one-sided lower abdominal pain', () => {
    expect(statusAfter('验孕棒两条杠，小肚子一侧疼得直不起腰，肩膀也疼', 'zh', ['对', '两个钟头'])).toBe('emergency');
    expect(statusAfter('早孕试纸测出来阳性，右边小肚子一抽一抽地疼', 'zh', ['是', '今天上午'])).toBe('emergency');
    expect(statusAfter('positive pregnancy test last week, now a stabbing pain low on the left side', 'en', [])).toBe(
      'emergency',
    );
  });

  it('keeps a negative test, a denied pain or period pain without pregnancy benign', () => {
    expect(statusAfter('验孕棒一条杠，肚子一边有点胀', 'zh', ['没有', '没有'])).not.toBe('emergency');
    expect(statusAfter('测出两道杠了，肚子不疼也没出血，想问问建档', 'zh', ['没有', '没有'])).not.toBe('emergency');
    expect(statusAfter('来月经了，左边小肚子有点坠，没怀孕', 'zh', ['没有', '今天'])).not.toBe('emergency');
  });
});

describe('a red-flag check is never read more negative', () => {
  it('reads "not yet tried" as unknown, not no', () => {
    expect(zh('rf:stroke', '刚睡醒，手脚有没有劲还没起来试').value).toBe('unknown');
    expect(zh('rf:stroke', '才躺下，腿有没有力气还没下床试').value).toBe('unknown');
  });

  it('reads a hedged clause beside a denial of something else as partly', () => {
    expect(zh('rf:anaphylaxis', '嗓子好像有点紧紧的，嘴唇没肿').value).toBe('partly');
    expect(zh('rf:anaphylaxis', '喉咙好像有一点发紧，脸倒是没肿').value).toBe('partly');
    expect(en('rf:anaphylaxis', 'my throat feels a bit tight, lips are not swollen').value).not.toBe('no');
  });

  it('still reads a plain or doubly denied check as no', () => {
    expect(zh('rf:anaphylaxis', '没有，嗓子不紧，嘴唇也没肿').value).toBe('no');
    expect(en('rf:stroke', 'no, both arms are fine and my speech is normal').value).toBe('no');
  });
});

describe('hedged answers', () => {
  it('reads a small count or a very small amount as partly', () => {
    expect(en('E_129', 'just a couple of tiny spots on my ankle').value).toBe('partly');
    expect(en('E_129', 'a few small red dots on my arm').value).toBe('partly');
    expect(zh('E_129', '腿上有几个小疙瘩，没几个').value).toBe('partly');
    expect(zh('E_211', '吐过一小口，很少的').value).toBe('partly');
  });

  it('reads a spell that passes on its own as partly', () => {
    expect(zh('E_181', '刚起床那会儿淌点清鼻涕，过会就好').value).toBe('partly');
  });

  it('reads the asked finding hedged in its own clause, a denial beside it, as partly', () => {
    expect(zh('E_66', '走快了有点喘，坐着没事').value).toBe('partly');
    expect(zh('E_66', '喘不喘？不喘').value).toBe('no');
  });

  it('does not read "很少" as a severe degree', () => {
    expect(zh('E_211', '很少吐').severity).not.toBe(8);
  });
});

describe('粤 denials of a history slot', () => {
  const slot = (slot: string, text: string) => readAnswer({ id: slot, kind: 'slot', slot }, text, 'zh').value;
  it('reads 冇嘢 / 冇食 / 冇饮 as a denial', () => {
    expect(slot('allergies', '冇嘢过敏嘅，咩都食得')).toBe('no');
    expect(slot('medications', '最近冇食药')).toBe('no');
  });
});
