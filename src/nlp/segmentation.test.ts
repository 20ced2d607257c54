import { describe, expect, it } from 'vitest';
import { decodeText } from './text-guard.js';
import { detectLanguage } from './language.js';
import { Lexicon } from './lexicon.js';
import { builtinLexicon } from './builtin-lexicon.js';
import { splitSections } from './sections.js';
import { splitSentences } from './sentences.js';
import { tokenize } from './tokens.js';

describe('splitSections', () => {
  it('Chinese headings with full-width colons and numbering, inline after a sentence end', () => {
    const text = '一、主诉：头痛2天。\n二、现病史：患者…\n（三）既往史：体健。4.查体：T36.1C。5.辅助检查：胸片正常。';
    const s = splitSections(text);
    expect(s.map((x) => x.key)).toEqual(['chief_complaint', 'hpi', 'past_history', 'physical_exam', 'labs']);
    expect(text.slice(s[0]!.start, s[0]!.bodyStart)).toBe('一、主诉：');
    expect(text.slice(s[3]!.start, s[3]!.bodyStart)).toBe('4.查体：');
  });

  it('English headings in capitals, with or without a colon on their own line', () => {
    const text = 'HPI: cough.\nPast Medical History\nasthma\nAssessment and Plan: pneumonia.';
    expect(splitSections(text).map((x) => x.key)).toEqual(['hpi', 'past_history', 'assessment']);
  });

  it('a heading word inside prose is not a heading', () => {
    expect(splitSections('Patient with history of asthma.').map((x) => x.key)).toEqual(['preamble']);
  });
});

describe('splitSentences', () => {
  it('keeps decimals and abbreviations inside sentences', () => {
    const text = 'Temp was 38.5 today. Seen by Dr. Smith. Took 1 tab p.o. daily.';
    expect(splitSentences(text).map((s) => text.slice(s.start, s.end))).toEqual([
      'Temp was 38.5 today.',
      'Seen by Dr. Smith.',
      'Took 1 tab p.o. daily.',
    ]);
  });

  it('splits Chinese at 。；！？', () => {
    const text = '无发热。咳嗽；咳痰！';
    expect(splitSentences(text).map((s) => text.slice(s.start, s.end))).toEqual(['无发热。', '咳嗽；', '咳痰！']);
  });

  it('wrapped prose stays one sentence, list lines split', () => {
    const text =
      'The patient was seen in clinic today and reported a persistent dry\ncough for two weeks.\nmetoprolol 25 mg\naspirin 81 mg';
    expect(splitSentences(text).map((s) => text.slice(s.start, s.end))).toEqual([
      'The patient was seen in clinic today and reported a persistent dry\ncough for two weeks.',
      'metoprolol 25 mg',
      'aspirin 81 mg',
    ]);
  });
});

describe('detectLanguage', () => {
  it('Chinese with Latin abbreviations is Chinese', () => {
    expect(detectLanguage('患者BP 150/93mmHg，WBC 12.3')).toBe('zh');
    expect(detectLanguage('Patient denies chest pain.')).toBe('en');
  });
});

describe('Lexicon', () => {
  it('longest match wins and English needs word boundaries', () => {
    const lex = builtinLexicon();
    const text = 'Type 2 diabetes mellitus; diabetic? no. 慢性阻塞性肺疾病';
    const m = lex.match(text).map((x) => text.slice(x.start, x.end));
    expect(m).toContain('Type 2 diabetes mellitus');
    expect(m).toContain('慢性阻塞性肺疾病');
    expect(m).not.toContain('diabetes');
  });

  it('is case and width insensitive', () => {
    const lex = new Lexicon([{ term: 'COPD', lang: 'en', category: 'condition', concept: { system: 's', code: '1' } }]);
    expect(lex.match('copd and ＣＯＰＤ').map((x) => x.start)).toEqual([0, 9]);
    expect(lex.match('xcopd')).toEqual([]);
  });
});

describe('tokenize', () => {
  it('jieba segments Chinese; offsets round-trip in mixed text', () => {
    const text = '患者无明显诱因出现发热，口服aspirin 100mg';
    const tokens = tokenize(text, 'zh');
    for (const t of tokens) expect(text.slice(t.start, t.end)).toBe(t.text);
    expect(tokens.map((t) => t.text)).toContain('发热');
    expect(tokens.map((t) => t.text)).toContain('aspirin');
  });
});

describe('decodeText', () => {
  it('refuses GBK bytes with the offset', () => {
    expect(() => decodeText(new Uint8Array([0xb7, 0xa2, 0xc8, 0xc8]), 'note.txt')).toThrow(/not valid UTF-8.*offset 0/);
  });

  it('drops a BOM and reads UTF-8', () => {
    expect(decodeText(new Uint8Array([0xef, 0xbb, 0xbf, 0xe5, 0x8f, 0x91, 0xe7, 0x83, 0xad]))).toBe('发热');
  });
});

describe('Lexicon plurals', () => {
  it('English names match their regular plural, abbreviations do not get one', () => {
    const lex = new Lexicon([
      { term: 'fever', lang: 'en', category: 'finding', concept: { system: 's', code: 'f' } },
      { term: 'artery', lang: 'en', category: 'finding', concept: { system: 's', code: 'a' } },
      { term: 'ct', lang: 'en', category: 'imaging', concept: { system: 's', code: 'c' } },
    ]);
    expect(lex.match('no fevers; two arteries; cts').map((m) => m.entries[0]!.concept.code)).toEqual(['f', 'a']);
  });
});
