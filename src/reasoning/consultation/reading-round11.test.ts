import { describe, expect, it } from 'vitest';
import { readAnswer, readDuration, readSeverity } from './reading.js';

/**
 * Issue 13, eleventh round of the answer reader: an absence said in positive words ("嗓子好端端的", "appetite's
 * unchanged"), two findings denied in one answer, doubt without a "don't know" word (没人看见, "without looking"),
 * 粤 and 吴 words, a relative's or an echo clause beside the patient's own, and durations and severity in new
 * forms. Rules and data only (answer-cues.json `fineWords`, `fineTopics`, `speechPatterns`, `cannotTell`;
 * patient-speech.json `dialect`; answer-scope.json `rhetoric`, `self`, `echoList`); the phrasings here are not
 * those of `answers-dev11.jsonl`.
 */
const zh = (id: string, text: string) => readAnswer({ id, kind: 'binary' }, text, 'zh');
const en = (id: string, text: string) => readAnswer({ id, kind: 'binary' }, text, 'en');

describe('an absence said in positive words', () => {
  it('reads a topic said to be well, clear or unchanged as a no', () => {
    expect(zh('E_97', '喉咙好端端的，没啥').value).toBe('no');
    expect(zh('E_97', '嗓子一点事儿都没有').value).toBe('no');
    expect(zh('E_148', '胃里挺舒坦').value).toBe('no');
    expect(zh('E_181', '鼻子也通气').value).toBe('no');
    expect(en('E_32', 'my appetite is unchanged').value).toBe('no');
    expect(en('E_155', 'pulse is steady').value).toBe('no');
    expect(en('E_181', "my nose isn't stuffy").value).toBe('no');
    expect(en('E_51', 'my bowels have been regular').value).toBe('no');
    expect(en('E_148', 'my stomach has settled').value).toBe('no');
  });

  it('reads the clause by its longest topic and a whole-answer no as a no', () => {
    expect(zh('E_103', '鼻子闻味道没变化')).toMatchObject({ value: 'no', absent: ['E_103'] });
    expect(en('E_89', "can't complain").value).toBe('no');
  });

  it('keeps a negated or hedged state a complaint', () => {
    expect(zh('E_148', '胃里不舒服，老想吐').value).toBe('yes');
    expect(zh('E_181', '鼻子不太通气').value).not.toBe('no');
  });

  it('reads loss-type answers both ways', () => {
    expect(zh('E_32', '什么都想吃').value).toBe('no');
    expect(zh('E_32', '最近饭都不想吃了').value).toBe('yes');
    expect(zh('E_89', '浑身有使不完的劲').value).toBe('no');
    expect(en('E_211', "she's kept her food down").value).toBe('no');
  });
});

describe('several findings in one answer', () => {
  it('states the other topic said to be fine as absent', () => {
    expect(zh('E_91', '不烧，鼻子也通')).toMatchObject({ value: 'no', absent: expect.arrayContaining(['E_181']) });
    expect(zh('E_89', '不累，吃饭也香')).toMatchObject({ value: 'no', absent: expect.arrayContaining(['E_32']) });
    expect(en('E_201', 'no cough, nose is clear')).toMatchObject({
      value: 'no',
      absent: expect.arrayContaining(['E_181']),
    });
  });

  it('reads "X is fine, no Y" as an answer, not as an echo of the question', () => {
    expect(en('E_97', "throat's fine, no fever")).toMatchObject({
      value: 'no',
      absent: expect.arrayContaining(['E_91']),
    });
  });

  it('reads a finding denied after it is named (X倒是没有, X有，Y没有)', () => {
    expect(zh('E_201', '嗓子疼得厉害，咳嗽倒是没有')).toMatchObject({ value: 'no', present: ['E_97'] });
    expect(zh('E_201', '咳嗽有，痰没有')).toMatchObject({ value: 'yes', absent: ['E_77'] });
  });

  it('reads the denial of what the asked finding entails as a no', () => {
    expect(en('E_64', 'no problems with my breathing at all').value).toBe('no');
  });
});

describe('doubt without a "don\'t know" word', () => {
  it('reads no witness, no look or no means as unknown', () => {
    expect(zh('rf:syncope', '倒没倒下去，当时没人在身边').value).toBe('unknown');
    expect(zh('E_77', '没瞅见是啥颜色，都咽下去了').value).toBe('unknown');
    expect(zh('E_155', '心跳快慢我从来没数过')).toMatchObject({ value: 'unknown', present: [] });
    expect(zh('E_214', '喘气有没得响声，我耳朵背')).toMatchObject({ value: 'unknown' });
    expect(en('E_77', 'I swallow it without looking').value).toBe('unknown');
    expect(en('rf:syncope', 'nobody was there, so no telling').value).toBe('unknown');
  });

  it('drops a finding named only inside the doubted question', () => {
    expect(zh('rf:syncope', '晕没晕过去，没人看见').present).not.toContain('E_76');
  });
});

describe('regional words', () => {
  it('reads 粤 and 吴 words for the finding and for a small degree', () => {
    expect(zh('E_32', '呢两日食唔落饭').value).toBe('yes');
    expect(zh('E_51', '屙咗三次水').value).toBe('yes');
    expect(zh('E_91', '发寒热，三十八度几').value).toBe('yes');
    expect(zh('E_148', '有啲想呕').value).toBe('partly');
    expect(zh('E_201', '咳嗽勿咳的').value).toBe('no');
    expect(zh('E_97', '喉咙冇咩事').value).toBe('no');
    expect(zh('E_32', '饭食得落').value).toBe('no');
    expect(zh('E_76', '头倒不昏').value).toBe('no');
  });
});

describe('whose answer it is', () => {
  it('sets another person aside when the patient speaks of themselves apart', () => {
    expect(zh('E_211', '我老公吐了一晚上，我倒是一直没事，没吐').value).toBe('no');
    expect(en('E_211', 'the kids were sick all night, but me, no, never threw up').value).toBe('no');
  });

  it('sets aside the patient repeating the question', () => {
    expect(zh('E_201', '您问咳不咳，不咳').value).toBe('no');
  });
});

describe('partly by a time limit, durations and severity', () => {
  it('reads "only when / only first thing" as partly', () => {
    expect(en('E_76', 'only when I bend down').value).toBe('partly');
    expect(en('E_148', 'only first thing, before breakfast').value).toBe('partly');
    // A red-flag check is not softened by it ("only when I press on it" answers another question).
    expect(en('rf:severe-breathlessness', 'only when I press on it').value).not.toBe('partly');
  });

  it('reads half a unit and 到 as a degree complement', () => {
    expect(readDuration('about half an hour')).toMatchObject({ value: 30, unit: 'minute' });
    expect(readDuration('half a month now')).toMatchObject({ value: 15, unit: 'day' });
    expect(readSeverity('疼到晚上睡不着', 'zh')).toBeGreaterThanOrEqual(7);
    expect(readDuration('一年半了')).toMatchObject({ value: 1.5, unit: 'year' });
    expect(readDuration('三刻钟')).toMatchObject({ value: 45, unit: 'minute' });
    expect(readDuration('一礼拜零三天')).toMatchObject({ value: 10, unit: 'day' });
    expect(readDuration('三个来礼拜')).toMatchObject({ value: 3, unit: 'week' });
  });
});
