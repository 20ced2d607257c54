import { describe, expect, it } from 'vitest';
import { readAnswer } from './reading.js';
import { temperatureIn } from './temperature.js';
import { redFlagsInText } from './redflags.js';

/**
 * Issue 13, eighth round of the answer reader: doubt about perceiving the finding ("哪听得清", "I'd only be
 * guessing"), answers from someone who did not look or was not let look, slang for a finding, hedges by
 * frequency or a temperature bound, a denial after the finding named ("恶心那倒没有"), and an idiom of anger
 * that only looks like haematemesis. Rules and data only (answer-cues.json `cannotTell`, `findings`,
 * `partly`; red-flags.json `masks`); the phrasings here are not the benchmark's.
 */
const zh = (id: string, text: string) => readAnswer({ id, kind: 'binary' }, text, 'zh');
const en = (id: string, text: string) => readAnswer({ id, kind: 'binary' }, text, 'en');

describe('doubt about perceiving the finding', () => {
  it('reads a rhetorical "how could I tell" as unknown, in zh and en', () => {
    expect(zh('E_155', '心跳快不快，我自己哪感觉得出来').value).toBe('unknown');
    expect(zh('E_214', '喘气有没有哨音，自己哪听得清').value).toBe('unknown');
    expect(zh('E_91', '烧没烧我哪晓得，家里也没人量')).toMatchObject({ value: 'unknown', present: [] });
    expect(zh('E_148', '恶心不恶心，我也讲不清爽').value).toBe('unknown');
    expect(en('E_66', "honestly, I'd only be guessing").value).toBe('unknown');
    expect(en('E_91', "I can't truthfully say").value).toBe('unknown');
    expect(en('E_89', "that's a hard question to answer").value).toBe('unknown');
    expect(en('E_214', "I wouldn't be able to hear that on myself").value).toBe('unknown');
  });

  it('reads "did not look" or "was not let look" as unknown, never as a denial', () => {
    expect(zh('E_45', '大便带不带血，我没敢瞅').value).toBe('unknown');
    expect(zh('E_129', '身上有没有疹子，他不让我看').value).toBe('unknown');
    expect(zh('rf:fever-rash', '按压褪不褪色，还没试过').value).toBe('unknown');
    expect(
      readAnswer({ id: 'allergies', kind: 'slot', slot: 'allergies' }, "never been tested, who's to know", 'en').value,
    ).toBe('unknown');
  });

  it('keeps a plain answer a plain answer', () => {
    expect(zh('E_155', '心跳得厉害，自己都感觉得到').value).toBe('yes');
    expect(zh('E_45', '看了，没有血').value).toBe('no');
  });
});

describe('slang for the finding asked', () => {
  it('reads British and dialect slang as the finding', () => {
    expect(en('E_89', "I'm totally cream crackered today").value).toBe('yes');
    expect(en('E_155', "the old ticker's racing away").value).toBe('yes');
    expect(en('E_211', 'he chucked up twice after dinner').value).toBe('yes');
    expect(en('E_211', 'not chucked up at all').value).toBe('no');
    expect(zh('E_51', '琴日肚痾咗两次').value).toBe('yes');
    expect(zh('E_169', '鼻孔里头老是刺挠').value).toBe('yes');
    expect(zh('E_155', '心口噗咚噗咚的').value).toBe('yes');
  });
});

describe('hedges by frequency and bounds', () => {
  it('reads an every-so-often or a few-a-day answer as partly', () => {
    expect(zh('E_201', '隔三岔五会咳一阵').value).toBe('partly');
    expect(zh('E_201', '咳是会咳，一天几下').value).toBe('partly');
    expect(en('E_94', 'a couple of chills, nothing serious').value).toBe('partly');
  });

  it('reads a temperature bound as a bound, not a measured fever', () => {
    expect(temperatureIn('体温没到38度')).toBeUndefined();
    expect(temperatureIn('it stayed under 38')).toBeUndefined();
    expect(temperatureIn('量了38度5')).toBe(38.5);
    expect(zh('E_91', '好像有点热，体温不到38度').value).toBe('partly');
  });

  it('fills the duration slot even when the symptom comes and goes', () => {
    const r = readAnswer({ id: 'duration', kind: 'slot', slot: 'duration' }, '时好时坏的，有两年了', 'zh');
    expect(r.value).toBe('yes');
    expect(r.duration).toMatchObject({ value: 2 });
  });
});

describe('denials after the finding named', () => {
  it('reads "X那倒没有" and "XY不X，就是…" as no, with the finding absent', () => {
    expect(zh('E_76', '头晕那倒没有')).toMatchObject({ value: 'no', present: [], absent: ['E_76'] });
    expect(zh('E_201', '咳嗽不咳，主要是鼻子堵').value).toBe('no');
    expect(en('E_53', "I wouldn't call it pain, no").value).toBe('no');
    expect(
      readAnswer({ id: 'medications', kind: 'slot', slot: 'medications' }, 'nothing at the moment', 'en').value,
    ).toBe('no');
  });
});

describe('an idiom of anger is not haematemesis', () => {
  const ids = (t: string) => redFlagsInText(t).map((f) => f.id);
  it('masks 气得吐血 but keeps blood actually brought up', () => {
    expect(ids('儿子不听话，气得我都要吐血')).not.toContain('major-bleeding');
    expect(ids('今天早上吐血了，吐了一大口')).toContain('major-bleeding');
    expect(ids('跟人吵架气得吐血了')).toContain('major-bleeding');
  });
});
