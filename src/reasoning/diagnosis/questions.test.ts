import { describe, expect, it } from 'vitest';
import { tinyModel } from './__fixtures__/build.js';
import { resolveCase } from './evidence.js';
import { infer } from './inference.js';
import type { CausalModel } from './model.js';
import { compileNetwork } from './network.js';
import { rankQuestions } from './questions.js';

describe('next best question', () => {
  const base = tinyModel({ A: 0.05, B: 0.05 }, { S: 0.01, X: 0.01, Y: 0.01 }, [
    ['A', 'S', 0.9],
    ['B', 'S', 0.9],
    ['A', 'X', 0.9],
    ['B', 'X', 0.85],
    ['A', 'Y', 0.9],
  ]);

  it('asks what separates the candidates, not what they share', () => {
    const net = compileNetwork(base);
    const obs = resolveCase(net, { findings: [{ id: 'S' }] });
    const ranked = rankQuestions(net, obs, infer(net, obs).posterior);
    expect(ranked[0]!.question.id).toBe('Y');
    expect(ranked.find((q) => q.question.id === 'X')!.gain).toBeLessThan(ranked[0]!.gain);
    // Known findings are never asked again.
    expect(ranked.map((q) => q.question.id)).not.toContain('S');
  });

  it('scales a question by the chance the patient can answer it', () => {
    const net = compileNetwork(base);
    const obs = resolveCase(net, { findings: [{ id: 'S' }] });
    const post = infer(net, obs).posterior;
    const plain = rankQuestions(net, obs, post);
    const gainOf = (r: typeof plain, id: string) => r.find((q) => q.question.id === id)!.gain;
    const rated = rankQuestions(net, obs, post, { answerRate: (q) => (q.id === 'Y' ? 0.01 : 1) });
    expect(gainOf(rated, 'Y')).toBeCloseTo(0.01 * gainOf(plain, 'Y'), 12);
    expect(gainOf(rated, 'X')).toBeCloseTo(gainOf(plain, 'X'), 12);
    // Y separates best, but if patients can never answer it, X (always answerable) comes first.
    expect(rankQuestions(net, obs, post, { answerRate: (q) => (q.id === 'Y' ? 0 : 1) })[0]!.question.id).toBe('X');
  });

  it('computes the exact information gain of a yes/no question', () => {
    const net = compileNetwork(
      tinyModel({ A: 0.1, B: 0.1 }, { S: 0.01, Y: 0.01 }, [
        ['A', 'S', 0.9],
        ['B', 'S', 0.9],
        ['A', 'Y', 0.9],
      ]),
    );
    const obs = resolveCase(net, { findings: [{ id: 'S' }] });
    const post = infer(net, obs).posterior;
    const gain = rankQuestions(net, obs, post)[0]!.gain;
    // By hand: π = normalised posterior of A, B; P(Y | A) = 1 − 0.99·0.1, P(Y | B) = 0.01.
    const pa = post[0]! / (post[0]! + post[1]!);
    const h = (p: number) => -p * Math.log(p) - (1 - p) * Math.log(1 - p);
    const ya = 1 - 0.99 * 0.1;
    const yb = 0.01;
    const expected = h(pa * ya + (1 - pa) * yb) - (pa * h(ya) + (1 - pa) * h(yb));
    expect(gain).toBeCloseTo(expected, 12);
  });

  it('weights dangerous diseases: a question that rules out the dangerous one comes first', () => {
    // Two look-alikes; Q1 separates the benign pair C/D, Q2 separates the dangerous E from the rest.
    const m: CausalModel = tinyModel({ C: 0.1, D: 0.1, E: 0.05 }, { S: 0.01, Q1: 0.01, Q2: 0.01 }, [
      ['C', 'S', 0.9],
      ['D', 'S', 0.9],
      ['E', 'S', 0.9],
      ['C', 'Q1', 0.9],
      ['E', 'Q2', 0.9],
    ]);
    const plain = compileNetwork(m);
    const obs = resolveCase(plain, { findings: [{ id: 'S' }] });
    const post = infer(plain, obs).posterior;
    expect(rankQuestions(plain, obs, post, { dangerWeight: () => 1 })[0]!.question.id).toBe('Q1');
    const dangerous = compileNetwork({
      ...m,
      diseases: m.diseases.map((d) => (d.id === 'E' ? { ...d, severity: 1 } : { ...d, severity: 5 })),
    });
    expect(rankQuestions(dangerous, obs, post)[0]!.question.id).toBe('Q2');
  });

  it('bounds the gain of a multi-option question from below by the pairwise estimate', () => {
    const m: CausalModel = {
      ...tinyModel({ A: 0.1, B: 0.1 }, { S: 0.01, L1: 0.02, L2: 0.02 }, [
        ['A', 'S', 0.9],
        ['B', 'S', 0.9],
        ['A', 'L1', 0.8],
        ['B', 'L2', 0.7],
      ]),
      questions: [
        { id: 'S', kind: 'binary', text: { en: 'S?' }, options: [{ finding: 'S' }] },
        {
          id: 'where',
          kind: 'multi',
          text: { en: 'Where?' },
          options: [
            { finding: 'L1', value: 'l1' },
            { finding: 'L2', value: 'l2' },
          ],
        },
      ],
    };
    const net = compileNetwork(m);
    const obs = resolveCase(net, { findings: [{ id: 'S' }] });
    const post = infer(net, obs).posterior;
    const bound = rankQuestions(net, obs, post, { dangerWeight: () => 1 })[0]!;
    expect(bound.question.id).toBe('where');
    // Exact mutual information over the 4 answer combinations.
    const pa = post[0]! / (post[0]! + post[1]!);
    const like = { A: [1 - 0.98 * 0.2, 0.02], B: [0.02, 1 - 0.98 * 0.3] };
    let hAns = 0;
    let hCond = 0;
    for (const a1 of [0, 1])
      for (const a2 of [0, 1]) {
        const p = (d: 'A' | 'B') => (a1 ? like[d][0]! : 1 - like[d][0]!) * (a2 ? like[d][1]! : 1 - like[d][1]!);
        const mix = pa * p('A') + (1 - pa) * p('B');
        hAns -= mix * Math.log(mix);
        hCond -= pa * p('A') * Math.log(p('A')) + (1 - pa) * p('B') * Math.log(p('B'));
      }
    const exact = hAns - hCond;
    expect(bound.gain).toBeLessThanOrEqual(exact + 1e-12);
    expect(bound.gain).toBeGreaterThan(exact * 0.5);
  });
});
