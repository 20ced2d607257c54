import { describe, expect, it } from 'vitest';
import { correctedAnswer, normalisePatientSpeech } from './patient-speech.js';
import { readAnswer } from './reading.js';
import { hasPolarity, readTopic } from './topics.js';

const zh = (id: string, text: string) => readAnswer({ id, kind: 'binary' }, text, 'zh');
const en = (id: string, text: string) => readAnswer({ id, kind: 'binary' }, text, 'en');

describe("polarity read from the finding's name (question-polarity.json classes)", () => {
  it('derives a loss question from a reduction in the name, and not from a relief or a quality', () => {
    expect(hasPolarity('E_162')).toBe(false);
    expect(hasPolarity('E_162', { zh: ['体重下降'], en: ['Unintentional weight loss'] })).toBe(true);
    expect(hasPolarity('x', { zh: ['尿少'], en: [] })).toBe(true);
    expect(hasPolarity('E_33', { zh: ['前倾位疼痛减轻'], en: ['Pain relieved by leaning forward'] })).toBe(false);
    expect(hasPolarity('E_7', { zh: ['饮食不良'], en: ['Poor diet'] })).toBe(false);
    expect(hasPolarity('E_159', { zh: ['意识丧失'], en: ['Loss of consciousness'] })).toBe(false);
    expect(zh('rf:syncope', '差点晕倒，眼前发黑').value).not.toBe('yes');
  });

  it('reads less of the named thing as yes and as much or more as no, on its topic or unframed', () => {
    const urine = { zh: ['尿少'], en: ['decreased urine output'] };
    expect(readTopic('x', '尿比平时少多了', 'zh', { names: urine }).value).toBe('yes');
    expect(readTopic('x', '尿挺多的，跟平时一样', 'zh', { names: urine }).value).toBe('no');
    expect(readTopic('x', "I'm peeing less than usual", 'en', { names: urine, unframed: true }).value).toBe('yes');
    expect(zh('E_162', '最近掉了十来斤肉')).toMatchObject({ value: 'yes', present: ['E_162'] });
    expect(zh('E_162', '体重稳稳的，没变')).toMatchObject({ value: 'no', absent: ['E_162'] });
    expect(en('E_162', "no, I've actually gained a bit")).toMatchObject({ value: 'no' });
    expect(en('E_162', 'my belt needs a new hole, everything is loose on me')).toMatchObject({ value: 'yes' });
  });

  it("reads a red-flag check named as a reduction the same way (the baby's movements)", () => {
    expect(zh('rf:reduced-fetal-movements', '这两天踢得少多了').value).toBe('yes');
    expect(zh('rf:reduced-fetal-movements', '昨晚到现在基本没动').value).toBe('yes');
    expect(zh('rf:reduced-fetal-movements', '踢得可欢了').value).toBe('no');
    expect(en('rf:reduced-fetal-movements', "he's much quieter than usual").value).toBe('yes');
    expect(en('rf:reduced-fetal-movements', 'wriggling as much as ever').value).toBe('no');
  });

  it('keeps a hedge beside a scarcely word, and a loss said outright is no hedge', () => {
    expect(zh('rf:reduced-fetal-movements', '好像没怎么动').value).toBe('partly');
    expect(zh('rf:reduced-fetal-movements', '一下午没怎么动').value).toBe('yes');
    expect(en('E_162', 'lost a little weight I guess').value).toBe('partly');
  });
});

describe('self-corrections (patient-speech.json corrections)', () => {
  it('reads an answer from its last correction on', () => {
    expect(correctedAnswer('不拉…哦不对，早上拉了三次稀的', 'zh')).toBe('早上拉了三次稀的');
    expect(correctedAnswer('no, sorry I mean yes', 'en')).toBe('yes');
    expect(correctedAnswer('有哪里不对劲吗', 'zh')).toBe('有哪里不对劲吗');
    expect(correctedAnswer('I mean it, I feel awful', 'en')).toBe('I mean it, I feel awful');
    expect(zh('E_51', '不拉…哦不对，早上拉了三次稀的').value).toBe('yes');
    expect(zh('E_76', '晕，说错了，是头疼')).toMatchObject({ value: 'other' });
    expect(zh('E_148', '恶心，不好意思打错字了，不恶心').value).toBe('no');
    expect(en('E_91', 'yes wait, no, that was my son').value).toBe('no');
    expect(en('E_201', 'nah. hang on, I do cough first thing in the morning').value).toBe('yes');
  });

  it('reads past history set aside by "this time" as history', () => {
    expect(zh('E_201', '以前一感冒就咳，但这次倒没咳').value).toBe('no');
    expect(en('E_51', 'I used to get it a lot, but this time no').value).toBe('no');
  });
});

describe('phone input and the surroundings', () => {
  it('rewrites common pinyin slips and English misspellings to the words they stand for', () => {
    expect(normalisePatientSpeech('胸门，心荒', 'zh')).toBe('胸闷，心慌');
    expect(zh('E_211', '呕土了两次').value).toBe('yes');
    expect(normalisePatientSpeech('havent got a feaver', 'en')).toBe("haven't got a fever");
    expect(en('E_148', 'feeling nausious').value).toBe('yes');
    expect(en('E_51', 'diarreah all night').value).toBe('yes');
  });

  it('does not read the weather as a chill', () => {
    expect(zh('E_201', '外面天气冷，我出门就咳')).toMatchObject({ value: 'yes', present: ['E_201'] });
    expect(zh('E_201', '外面天气冷，我出门就咳').present).not.toContain('E_94');
    expect(zh('E_94', '屋里好冷，我一直打哆嗦').value).toBe('yes');
  });

  it('reads a relative answering for the patient, and a baby`s nappies', () => {
    expect(zh('E_91', '我爱人他昨晚烧到三十八度多').value).toBe('yes');
    expect(en('E_51', 'her nappies are really loose and watery')).toMatchObject({ value: 'yes', present: ['E_51'] });
  });
});
