import { describe, expect, it } from 'vitest';
import { findConcept, scoreNegex } from './negex-eval.js';
import { layers, scoreEntities } from './ner-eval.js';

describe('scoreEntities', () => {
  it('strict needs the same span and type; overlap needs shared characters and the same type', () => {
    const s = scoreEntities([
      {
        gold: [
          { start: 0, end: 3, type: 'a' },
          { start: 5, end: 8, type: 'b' },
          { start: 10, end: 12, type: 'a' },
        ],
        pred: [
          { start: 0, end: 3, type: 'a' }, // exact
          { start: 5, end: 7, type: 'b' }, // overlap only
          { start: 10, end: 12, type: 'b' }, // wrong type
        ],
      },
    ]);
    expect(s.strict).toMatchObject({ tp: 1, fp: 2, fn: 2 });
    expect(s.overlap).toMatchObject({ tp: 2, fp: 1, fn: 1 });
    expect(s.perType.a!.strict).toMatchObject({ tp: 1, fp: 0, fn: 1 });
    expect(s.strict.f1).toBeCloseTo(1 / 3);
  });
});

describe('layers', () => {
  it('puts nested entities in separate layers, outermost first', () => {
    const l = layers([
      { start: 2, end: 4, type: 'bod' },
      { start: 0, end: 6, type: 'sym' },
      { start: 8, end: 9, type: 'dru' },
    ]);
    expect(l).toEqual([
      [
        { start: 0, end: 6, type: 'sym' },
        { start: 8, end: 9, type: 'dru' },
      ],
      [{ start: 2, end: 4, type: 'bod' }],
    ]);
  });
});

describe('NegEx scoring', () => {
  it('finds the upper-cased concept and scores the negated class', () => {
    expect(findConcept('He denies any CHEST PAIN today.', 'chest pain')).toEqual({ start: 14, end: 24 });
    const s = scoreNegex([
      { report: '1', concept: 'chest pain', sentence: 'He denies any CHEST PAIN.', negated: true },
      { report: '1', concept: 'cough', sentence: 'He has a COUGH.', negated: false },
      { report: '1', concept: 'fever', sentence: 'FEVER resolved on day 3.', negated: true },
    ]);
    expect(s).toMatchObject({ n: 3, tp: 1, tn: 1 });
    expect(s.precision).toBe(1);
  });
});
