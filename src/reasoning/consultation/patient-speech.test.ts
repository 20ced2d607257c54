import { describe, expect, it } from 'vitest';
import { normalisePatientSpeech } from './patient-speech.js';

const zh = (s: string) => normalisePatientSpeech(s, 'zh');

describe('normalisePatientSpeech', () => {
  it('drops erhua but keeps the 儿 of words that need it', () => {
    expect(zh('气儿不够使')).toBe('气不够使');
    expect(zh('嗓子眼儿疼')).toBe('嗓子眼疼');
    expect(zh('儿子咳嗽')).toBe('儿子咳嗽');
    expect(zh('女儿发烧')).toBe('女儿发烧');
  });

  it('collapses reduplicated sensation words and onomatopoeia, not 一阵一阵 or 天天', () => {
    expect(zh('身上滚烫滚烫的')).toBe('身上滚烫的');
    expect(zh('心里扑腾扑腾的')).toBe('心里扑腾的');
    expect(zh('痰黄黄的')).toBe('痰黄的');
    expect(zh('一阵一阵的')).toBe('一阵一阵的');
    expect(zh('天天咳')).toBe('天天咳');
  });

  it('joins split verb-object compounds only across an aspect mark, a number or a measure word', () => {
    expect(zh('拉了三天肚子')).toBe('拉肚子了三天');
    expect(zh('一天跑了七八趟厕所')).toBe('一天跑厕所了七八趟');
    expect(zh('发了两天烧')).toBe('发烧了两天');
    expect(zh('发现肚子疼')).toBe('发现肚子疼');
  });

  it('turns a lack stated after its noun into the usual word', () => {
    expect(zh('一点力气都没有')).toBe('没力气');
    expect(zh('胃口也没有')).toBe('没胃口');
  });

  it('moves adverbs before the body part, keeping a negation with the sensation', () => {
    expect(zh('嗓子稍微有点不舒服')).toBe('稍微有点嗓子不舒服');
    expect(zh('心也不慌')).toBe('也不心慌');
    expect(zh('嗓子眼发痒')).toBe('嗓子眼痒');
  });

  it('gives a later clause that names only a sensation the body part of the clause before', () => {
    expect(zh('嗓子不疼，就是痒')).toBe('不嗓子疼，就是嗓子痒');
    expect(zh('嗓子哑了，还有点疼')).toBe('嗓子哑了，还有点嗓子疼');
    expect(zh('不冷，但是出汗多')).toBe('不冷，但是出汗多');
  });

  it('reorders English degree words and auxiliaries so the symptom is one phrase', () => {
    expect(normalisePatientSpeech('my throat is really sore', 'en')).toBe('my really throat is sore');
    expect(normalisePatientSpeech("my heart's been jumping around", 'en')).toBe('my heart jumping around');
    expect(normalisePatientSpeech('no cough', 'en')).toBe('no cough');
  });
});
