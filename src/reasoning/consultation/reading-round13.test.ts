import { describe, expect, it } from 'vitest';
import { readAnswer } from './reading.js';
import { redFlagsInText } from './redflags.js';

/**
 * Issue 13, thirteenth round of the answer reader: another person's illness told beside the patient's own
 * consultation (a relative who has it too, a spouse's illness at a past time, the one the patient came with),
 * unsure answers without a "don't know" word (not yet uncovered to look, someone else would know or handles it, an
 * untrusted device, cannot compare with the usual self, no way to hear or press), small amounts (一丁点, 一丝丝,
 * "a smidgen"), "not at all" (一点不X), comparisons down from the usual self, dialect and slang names, nights
 * counted as days, spitting sputum that is no vomiting, idioms whose symptom word is not meant, and red-flag
 * look-alikes (a nosebleed in pregnancy, a baby not yet felt moving, confused by an app, a faint with nothing like it
 * since). Rules and data only; the phrasings here are the tests' own, not those of the benchmark files.
 */
const zh = (id: string, text: string) => readAnswer({ id, kind: 'binary' }, text, 'zh');
const en = (id: string, text: string) => readAnswer({ id, kind: 'binary' }, text, 'en');
const slot = (name: string, text: string, lang: 'zh' | 'en') =>
  readAnswer({ id: name, kind: 'slot', slot: name }, text, lang);

describe('another person beside the patient', () => {
  it('sets aside a relative who has it too (也 right after the person)', () => {
    expect(zh('E_201', '我闺女也咳嗽，要不要一块儿看')).toMatchObject({ value: 'other', present: [] });
    expect(zh('E_66', '我爸也有哮喘')).toMatchObject({ value: 'other', present: [] });
    // 也…也: two findings of the one spoken for, not a second person; 饭也不吃 is "not even eating".
    expect(zh('E_211', '孩子也吐也拉').value).toBe('yes');
    expect(zh('E_32', '我家闺女饭也不吃了').value).toBe('yes');
  });

  it("sets aside a spouse's illness at a past time, but not a spouse describing the patient now", () => {
    expect(zh('E_211', '我老伴前天吐了')).toMatchObject({ value: 'other', present: [] });
    expect(en('E_91', 'my wife had a temperature yesterday')).toMatchObject({ value: 'other', present: [] });
    expect(zh('E_148', '我老公他有点恶心').value).toBe('partly');
    expect(en('E_148', 'my wife feels a bit queasy').value).toBe('partly');
  });

  it('reads "我是陪她来的" as the patient speaking apart from the one they came with', () => {
    expect(zh('E_91', '我闺女发烧了，我是陪她来的')).toMatchObject({ value: 'other', present: [] });
  });
});

describe('unsure without a "don\'t know" word', () => {
  it('reads not yet uncovered to look, and someone else who would know or handles it', () => {
    expect(zh('E_129', '衣服还没来得及掀开看')).toMatchObject({ value: 'unknown' });
    expect(zh('E_51', '尿布我还没打开瞧')).toMatchObject({ value: 'unknown' });
    expect(slot('medications', '吃的啥药得问我女婿，都是他给我管', 'zh').value).toBe('unknown');
    expect(zh('E_211', '吐没吐得等他睡醒了问')).toMatchObject({ value: 'unknown' });
  });

  it('reads an untrusted device and no way to hear, see, press or compare', () => {
    expect(zh('E_155', '手环上显示过一百二，可那手环不准')).toMatchObject({ value: 'unknown' });
    expect(en('E_155', 'the fitbit showed 130 but it is a cheap one')).toMatchObject({ value: 'unknown' });
    expect(en('E_214', "I'm deaf in one ear, wouldn't hear a wheeze")).toMatchObject({ value: 'unknown' });
    expect(en('E_77', 'I just swallow it, never see the colour')).toMatchObject({ value: 'unknown' });
    expect(en('E_50', "it's a heatwave, everyone's sweating, can't compare")).toMatchObject({ value: 'unknown' });
    expect(zh('E_77', '痰都咽到肚子里的，从没吐出来看过')).toMatchObject({ value: 'unknown', absent: [] });
  });

  it('reads "never been tested" as unknown, not a denial, for a history slot', () => {
    expect(slot('allergies', 'never been tested, rarely take anything', 'en').value).toBe('unknown');
  });
});

describe('small amounts and "not at all"', () => {
  it('reads 一丁点 / 一丝丝 / "a smidgen" / "a lil" as partly', () => {
    expect(zh('E_66', '走快了有一丁点喘').value).toBe('partly');
    expect(en('E_148', 'a smidgen nauseous').value).toBe('partly');
    expect(en('E_148', 'lil bit queasy tbh').value).toBe('partly');
  });

  it('reads 一点不X / 一点都不X as a plain no', () => {
    expect(zh('E_181', '一点都不堵').value).toBe('no');
    expect(zh('E_144', '身上巴适，一点不疼').value).toBe('no');
  });

  it('reads a count of events after a plain yes as a yes, not a hedge', () => {
    expect(en('E_211', 'yes, a few times since lunch').value).toBe('yes');
  });

  it('reads a hedge taken back by an assurance as a yes, and "don\'t think I\'ve…" as a no', () => {
    expect(en('E_94', 'I think so, yes, pretty sure I was shivering').value).toBe('yes');
    expect(en('E_148', "don't think I've felt sick, no").value).toBe('no');
  });
});

describe('comparisons down from the usual self', () => {
  it('reads a function less than before as its loss', () => {
    expect(zh('E_103', '鼻子好像没以前那么灵了').value).toBe('partly');
    expect(zh('E_103', '闻味儿不如以前灵').value).toBe('yes');
  });
});

describe('dialect and slang names, spans and severity', () => {
  it('reads 齉, 气透勿过来, 屙咗, "wore out", 还算行', () => {
    expect(zh('E_181', '鼻子齉齉的').value).toBe('yes');
    expect(zh('E_66', '气透勿过来，胸口闷').value).toBe('yes');
    expect(zh('E_51', '今日屙咗成日').value).toBe('yes');
    expect(en('E_89', "I'm plumb wore down").value).toBe('yes');
    expect(zh('E_32', '胃口还算可以，就是拉肚子')).toMatchObject({ value: 'no', present: ['E_51'] });
  });

  it('does not read "well" as a noun or "as well" as fine', () => {
    expect(en('E_212', 'voice is shot, croaking like a frog down a well').value).toBe('yes');
  });

  it('counts nights as days, and gives a time said after the exact one was forgotten', () => {
    expect(zh('E_94', '冷了三个晚上了').duration).toMatchObject({ value: 3, unit: 'day' });
    expect(slot('duration', '记不清几点开始的，反正是前天晚上', 'zh').value).toBe('yes');
    expect(slot('duration', 'Is the clinic open today?', 'en').value).toBe('other');
  });

  it('reads "十分里打个X分" and 粤 "痛到讲唔出" as severities', () => {
    expect(zh('E_53', '头疼，十分里打个六分').severity).toBe(6);
    expect(zh('E_97', '喉咙痛到讲唔出声').severity).toBe(8);
  });

  it('reads a medicine named before "nothing regular" as a medicine', () => {
    expect(slot('medications', 'just the odd sleeping pill, nothing regular', 'en').value).toBe('yes');
  });
});

describe('spitting and idioms', () => {
  it('does not read 吐 of sputum as vomiting, nor "blackout drunk" as a faint', () => {
    expect(zh('E_77', '痰都吐出来了，是白的').absent).not.toContain('E_211');
    expect(en('E_211', 'I was blackout drunk, no idea whether I threw up').present).toEqual([]);
    expect(slot('duration', '日子过糊涂了，想不起哪天开始的', 'zh').present).toEqual([]);
  });
});

describe('red-flag look-alikes in a complaint', () => {
  const flags = (text: string) => redFlagsInText(text).map((f) => f.id);

  it('does not read a nosebleed or bleeding gums in pregnancy as bleeding in pregnancy', () => {
    expect(flags('20 weeks pregnant, my gums bleed when I brush, otherwise fine')).not.toContain(
      'pregnancy-bleeding-pain',
    );
    expect(flags('怀孕18周，早上流了点鼻血，一会儿就止住了')).not.toContain('pregnancy-bleeding-pain');
    expect(flags('18 weeks pregnant with a nosebleed and now bleeding down below')).toContain(
      'pregnancy-bleeding-pain',
    );
  });

  it('does not read a baby not yet felt moving as reduced movements, unless it is today', () => {
    expect(flags("15 weeks along and haven't felt the baby move yet")).not.toContain('reduced-fetal-movements');
    expect(flags("34 weeks, haven't felt the baby move yet today")).toContain('reduced-fetal-movements');
  });

  it('does not read being confused by an app or a form as confusion', () => {
    expect(flags('the booking website is so confusing, can you book me in?')).not.toContain('altered-consciousness');
    expect(flags('my dad is suddenly confused and does not know where he is')).toContain('altered-consciousness');
  });

  it('reads a faint long ago with "nothing like it since" as history, but "ever since" as now', () => {
    expect(flags('passed out once as a student, never anything like it since')).not.toContain('syncope');
    expect(flags('passed out once as a student and I have been fainting ever since')).toContain('syncope');
  });
});
