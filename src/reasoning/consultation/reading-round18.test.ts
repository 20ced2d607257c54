import { describe, expect, it } from 'vitest';
import { compileNetwork } from '../diagnosis/index.js';
import { respiratoryModel } from './__fixtures__/respiratory.js';
import { readAnswer, readSeverity } from './reading.js';
import { redFlagChecksFor } from './redflags.js';
import type { ConsultContext } from './session.js';
import { startSession } from './session.js';

/**
 * Issue 13, round 18 read as dev: a suspected ectopic told with the pain's onset or kind between the place and the
 * pain word ("下腹部突然撕裂样疼"), beside other complaints (dizziness) whose checks used to fill the plan first; black
 * stool after dark berries or activated charcoal; answers in dialect, slang and questions back. The phrasings are this
 * file's own, not the data set's.
 */
const net = compileNetwork(respiratoryModel);
const ctx: ConsultContext = { net, now: () => '2026-12-07T08:30:00.000Z', policy: { maxQuestions: 6 } };
const start = (complaint: string, lang: 'zh' | 'en') =>
  startSession(ctx, { id: 's', kb: net.model.id, lang, complaint, age: 29, sex: 'female' });

describe('a pregnancy with belly pain told with its onset or kind, among other complaints', () => {
  it.each([
    ['验孕棒两道杠，右边下腹部突然撕裂样疼，肩膀也疼，头晕', 'zh'],
    ['早孕试纸阳性，左下腹突然刀割一样痛，头晕眼花', 'zh'],
    ['月经推迟两周了，小肚子一阵一阵像刀绞着疼，有点心慌', 'zh'],
    ['测出两条杠了，下腹剧烈地疼起来，眼前发黑', 'zh'],
    ['positive pregnancy test last week, now a sudden ripping pain in my lower right tummy and I feel dizzy', 'en'],
    ['my period is late and there is a stabbing pain low in my belly, light-headed too', 'en'],
  ] as const)('reaches the exit on "%s"', (complaint, lang) => {
    const s = start(complaint, lang);
    expect(s.reply.kind).toBe('emergency');
    expect(s.state.redFlags.positive).toContain('pregnancy-bleeding-pain');
  });

  it('plans the pregnancy check first when both the pregnancy and a danger sign are told', () => {
    expect(redFlagChecksFor('验孕棒两道杠，右边下腹部突然撕裂样疼，头晕')[0]?.id).toBe('pregnancy-bleeding-pain');
  });

  it.each([
    ['怀孕了，腰背疼，头晕', 'zh'],
    ['验孕棒两道杠，肚子不疼，就是有点头晕', 'zh'],
    ['expecting a baby, my lower back is hurting and I feel dizzy', 'en'],
  ] as const)('does not exit at once on "%s"', (complaint, lang) => {
    expect(start(complaint, lang).reply.kind).not.toBe('emergency');
  });
});

describe('black stool explained by dark berries or activated charcoal', () => {
  it.each([
    ['前天吃了好多桑椹，今天拉的屎黑乎乎的，别的都好', 'zh'],
    ['拉肚子吃了药用炭片，大便黑了，精神还行', 'zh'],
    ['had a punnet of mulberries, poo is black today, otherwise fine', 'en'],
    ['took activated charcoal for a tummy bug and now my stools are black', 'en'],
  ] as const)('asks the black-stool checks instead of the exit on "%s"', (complaint, lang) => {
    const s = start(complaint, lang);
    expect(s.reply.kind).not.toBe('emergency');
    expect(redFlagChecksFor(complaint)[0]?.id).toBe('black-stool');
  });

  it.each([
    ['吃了桑葚，大便黑的，站起来头晕心慌', 'zh'],
    ['took activated charcoal and my poo is black, I feel faint', 'en'],
  ] as const)('still exits with a danger sign on "%s"', (complaint, lang) => {
    expect(start(complaint, lang).reply.kind).toBe('emergency');
  });
});

type Lang = 'zh' | 'en';
const binary = (id: string, text: string, lang: Lang) => readAnswer({ id, kind: 'binary' }, text, lang).value;
const slot = (id: string, text: string, lang: Lang) =>
  readAnswer({ id, kind: 'slot', slot: id } as Parameters<typeof readAnswer>[0], text, lang).value;

describe('answers in dialect and slang', () => {
  it.each([
    ['E_97', "my throat ain't sore", 'en', 'no'],
    ['E_181', 'nose aint stuffy', 'en', 'no'],
    ['E_169', 'my nose be itching all day', 'en', 'yes'],
    ['E_66', "breathing's chill, no worries", 'en', 'no'],
    ['E_201', 'negative on the cough', 'en', 'no'],
    ['E_91', 'negative for fever', 'en', 'no'],
    ['E_64', 'brushing my teeth gets me out of breath', 'en', 'yes'],
    ['E_64', '刷牙都喘', 'zh', 'yes'],
    ['E_201', '咳是没咳的，就是嗓子干', 'zh', 'no'],
    ['E_77', "nothing's coming up when I cough", 'en', 'no'],
  ] as const)('%s: "%s" is %s', (id, text, lang, value) => {
    expect(binary(id, text, lang)).toBe(value);
  });
});

describe('a hedge with its degree denied', () => {
  it('reads 说不上很疼 and "nothing crazy" as mild', () => {
    expect(readSeverity('有点疼，说不上特别疼', 'zh')).toBe(2);
    expect(readSeverity('nothing crazy', 'en')).toBe(2);
    expect(binary('E_53', '有点疼，说不上很疼', 'zh')).toBe('partly');
  });

  it('reads a low-grade temperature as partly', () => {
    expect(binary('E_91', 'a low grade temp, 37.6', 'en')).toBe('partly');
    expect(binary('E_91', 'low-grade fever last night, nothing crazy', 'en')).toBe('partly');
  });
});

describe('a question back instead of an answer', () => {
  it.each([
    ['medications', 'should I take paracetamol for this?', 'en'],
    ['medications', '这个药能不能和降压药一起吃', 'zh'],
    ['medications', '吃了会不会伤胃啊', 'zh'],
    ['allergies', 'what is the difference between an allergy and a sensitivity?', 'en'],
  ] as const)('%s: "%s" tells no history', (id, text, lang) => {
    expect(slot(id, text, lang)).toBe('other');
  });

  it('keeps an allergy told inside the question', () => {
    expect(slot('allergies', "is it ok to have penicillin if I'm allergic to amoxicillin?", 'en')).toBe('yes');
  });

  it.each([
    ['E_201', 'sorry, can you say that again?', 'en'],
    ['E_201', '您说慢点，我没听清', 'zh'],
    ['E_91', '再说一遍？', 'zh'],
  ] as const)('%s: "%s" is about the talk, no answer', (id, text, lang) => {
    expect(binary(id, text, lang)).toBe('other');
  });
});
