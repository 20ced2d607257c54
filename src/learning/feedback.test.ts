import { expect, it } from 'vitest';
import { forEachBackend } from '../../test/support/backends.js';
import { FeedbackStore, parseFeedback } from './feedback.js';

it('names the field that is wrong in a feedback body', () => {
  expect(() => parseFeedback({ targetKind: 'nope', targetId: 'x', verdict: 'accept' }, 'demo')).toThrow(/targetKind/);
  expect(() => parseFeedback({ targetKind: 'claim', targetId: 'x', verdict: 'reject' }, 'demo')).toThrow(
    /field reason: a reason is required/,
  );
  expect(() =>
    parseFeedback({ targetKind: 'claim', targetId: 'x', verdict: 'correct', reason: 'dose' }, 'demo'),
  ).toThrow(/correction/);
  expect(parseFeedback({ targetKind: 'alert', targetId: 'a1', verdict: 'accept' }, 'key:1')).toMatchObject({
    targetKind: 'alert',
    principal: 'key:1',
  });
});

forEachBackend('feedback store', (db) => {
  it('keeps every verdict with its reason and sums them per producer', async () => {
    const store = new FeedbackStore(db());
    await store.record({
      targetKind: 'alert',
      targetId: 'c1',
      patientId: 'p1',
      verdict: 'accept',
      producer: 'ddi/warfarin-nsaid',
      principal: 'demo',
    });
    await store.record({
      targetKind: 'alert',
      targetId: 'c2',
      patientId: 'p1',
      verdict: 'reject',
      reason: 'already stopped',
      producer: 'ddi/warfarin-nsaid',
      principal: 'demo',
    });
    await store.record({
      targetKind: 'claim',
      targetId: 'k1',
      patientId: 'p2',
      verdict: 'correct',
      reason: 'dose',
      correction: '30 mg',
      principal: 'demo',
    });
    const p1 = await store.list({ patientId: 'p1' });
    expect(p1.map((r) => r.verdict).sort()).toEqual(['accept', 'reject']);
    expect(p1.find((r) => r.verdict === 'reject')?.reason).toBe('already stopped');
    const sums = await store.summary();
    expect(sums.find((s) => s.producer === 'ddi/warfarin-nsaid')).toMatchObject({ accept: 1, reject: 1, correct: 0 });
  });
});
