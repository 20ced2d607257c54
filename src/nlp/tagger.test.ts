import { describe, expect, it } from 'vitest';
import { EntityTagger, type TaggedText } from './tagger.js';

function example(text: string, marks: [string, string][]): TaggedText {
  return {
    text,
    entities: marks.map(([m, type]) => {
      const start = text.indexOf(m);
      if (start < 0) throw new Error(m);
      return { start, end: start + m.length, type };
    }),
  };
}

const train = [
  example('患者右下肢疼痛3天。', [
    ['右下肢', 'body'],
    ['疼痛', 'sym'],
  ]),
  example('左上肢麻木1周。', [
    ['左上肢', 'body'],
    ['麻木', 'sym'],
  ]),
  example('患者头痛，伴恶心。', [
    ['头痛', 'sym'],
    ['恶心', 'sym'],
  ]),
  example('查体：右上肢肿胀。', [
    ['右上肢', 'body'],
    ['肿胀', 'sym'],
  ]),
  example('左下肢疼痛，无麻木。', [
    ['左下肢', 'body'],
    ['疼痛', 'sym'],
    ['麻木', 'sym'],
  ]),
  example('患者腹部疼痛。', [
    ['腹部', 'body'],
    ['疼痛', 'sym'],
  ]),
];

describe('EntityTagger', () => {
  it('learns the training examples back', () => {
    const tagger = EntityTagger.train(train, { epochs: 10 });
    for (const e of train) expect(tagger.tag(e.text)).toEqual(e.entities);
  });

  it('generalises to a new combination of seen parts', () => {
    const tagger = EntityTagger.train(train, { epochs: 10 });
    const text = '患者左上肢疼痛2天。';
    expect(tagger.tag(text).map((e) => [text.slice(e.start, e.end), e.type])).toEqual([
      ['左上肢', 'body'],
      ['疼痛', 'sym'],
    ]);
  });

  it('is deterministic for a seed', () => {
    const a = EntityTagger.train(train, { epochs: 3, seed: 7 });
    const b = EntityTagger.train(train, { epochs: 3, seed: 7 });
    expect(a.tag('右下肢麻木，伴头痛。')).toEqual(b.tag('右下肢麻木，伴头痛。'));
  });

  it('uses dictionary features for unseen words', () => {
    const dictionary = new Map([['胸闷', 'sym']]);
    const withDict = train.map((e, i) => ({ ...e, dictionaryIndex: i % 2 }));
    const dicts = [
      new Map([
        ['疼痛', 'sym'],
        ['麻木', 'sym'],
      ]),
      new Map([
        ['头痛', 'sym'],
        ['肿胀', 'sym'],
        ['恶心', 'sym'],
      ]),
    ];
    const tagger = EntityTagger.train(withDict, { epochs: 10, dictionary, trainingDictionaries: dicts });
    const text = '患者胸闷。';
    expect(tagger.tag(text).map((e) => text.slice(e.start, e.end))).toEqual(['胸闷']);
  });

  it('learns from a fixed lexicon and uses it for words it never saw annotated', () => {
    const lexicon = new Map(['疼痛', '麻木', '头痛', '肿胀', '恶心', '心悸'].map((t) => [t, 'kg-symptom']));
    const text = '患者心悸2天。'; // like 患者右下肢疼痛3天: without the lexicon 心悸2 reads as a body part
    const spans = (t: EntityTagger) => t.tag(text).map((e) => [text.slice(e.start, e.end), e.type]);
    expect(spans(EntityTagger.train(train, { epochs: 10 }))).not.toEqual([['心悸', 'sym']]);
    expect(spans(EntityTagger.train(train, { epochs: 10, lexicon }))).toEqual([['心悸', 'sym']]);
  });

  it('tags empty text as nothing', () => {
    expect(EntityTagger.train(train, { epochs: 1 }).tag('')).toEqual([]);
  });
});
