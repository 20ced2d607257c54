import { describe, expect, it } from 'vitest';
import { parseRetryAfter, ProviderError } from './errors.js';
import { splitThink, ThinkStreamSplitter } from './reasoning.js';
import { backoffMs, CircuitBreaker, Semaphore, withRetry } from './resilience.js';

describe('retry policy', () => {
  const policy = { attempts: 4, baseDelayMs: 100, maxDelayMs: 1_000, timeoutMs: 1_000 };

  it('backs off exponentially with jitter, honouring Retry-After up to the cap', () => {
    expect(backoffMs(0, policy, undefined, () => 1)).toBe(100);
    expect(backoffMs(2, policy, undefined, () => 0)).toBe(200);
    expect(backoffMs(5, policy, undefined, () => 1)).toBe(1_000);
    expect(backoffMs(0, policy, 700)).toBe(700);
    expect(backoffMs(0, policy, 60_000)).toBe(1_000);
  });

  it('reads Retry-After as seconds or an HTTP date', () => {
    expect(parseRetryAfter('3')).toBe(3_000);
    expect(parseRetryAfter('Wed, 25 Nov 2026 12:00:10 GMT', Date.parse('Wed, 25 Nov 2026 12:00:00 GMT'))).toBe(10_000);
    expect(parseRetryAfter('soon')).toBeUndefined();
  });

  it('retries retryable failures only', async () => {
    let calls = 0;
    const r = await withRetry(async () => {
      calls++;
      if (calls < 3) throw new ProviderError('server-error', 'boom', { status: 502, retryAfterMs: 0 });
      return 'ok';
    }, policy);
    expect(r).toEqual({ value: 'ok', attempts: 3 });
    let bad = 0;
    await expect(
      withRetry(async () => {
        bad++;
        throw new ProviderError('bad-request', 'no', { status: 400 });
      }, policy),
    ).rejects.toMatchObject({ kind: 'bad-request' });
    expect(bad).toBe(1);
  });
});

describe('circuit breaker', () => {
  it('opens after the threshold, lets one trial through after the cooldown, and closes on success', () => {
    let now = 0;
    const b = new CircuitBreaker(2, 1_000, () => now);
    b.failure();
    expect(b.allow()).toBe(true);
    b.failure();
    expect(b.state).toBe('open');
    expect(b.allow()).toBe(false);
    now = 1_000;
    expect(b.state).toBe('half-open');
    expect(b.allow()).toBe(true);
    expect(b.allow()).toBe(false);
    b.failure();
    expect(b.state).toBe('open');
    now = 2_000;
    expect(b.allow()).toBe(true);
    b.success();
    expect(b.state).toBe('closed');
  });
});

describe('semaphore', () => {
  it('never runs more than its limit at once and runs everything', async () => {
    const s = new Semaphore(2);
    let active = 0;
    let most = 0;
    const done: number[] = [];
    await Promise.all(
      Array.from({ length: 7 }, (_, i) =>
        s.run(async () => {
          active++;
          most = Math.max(most, active);
          await new Promise((r) => setTimeout(r, 5));
          active--;
          done.push(i);
        }),
      ),
    );
    expect(most).toBe(2);
    expect(done.sort()).toEqual([0, 1, 2, 3, 4, 5, 6]);
    expect(s.inFlight).toBe(0);
  });
});

describe('reasoning traces', () => {
  it('splits <think> blocks from the answer', () => {
    expect(splitThink('<think>a</think>B')).toEqual({ content: 'B', reasoning: 'a' });
    expect(splitThink('only thought</think> answer')).toEqual({ content: 'answer', reasoning: 'only thought' });
    expect(splitThink('<think>unfinished')).toEqual({ content: '', reasoning: 'unfinished' });
    expect(splitThink('plain')).toEqual({ content: 'plain' });
  });

  it('splits a stream whose tags straddle chunks', () => {
    const s = new ThinkStreamSplitter();
    const parts = ['<th', 'ink>why', ' not</th', 'ink>Yes', '<', '3'].map((c) => s.push(c));
    parts.push(s.flush());
    expect(parts.map((p) => p.content).join('')).toBe('Yes<3');
    expect(parts.map((p) => p.reasoning).join('')).toBe('why not');
  });
});
