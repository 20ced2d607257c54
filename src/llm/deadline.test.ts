import { describe, expect, it } from 'vitest';
import { ProviderError } from './errors.js';
import { deadlineIn, deadlineMessage, Semaphore, withRetry } from './resilience.js';

const policy = { attempts: 5, baseDelayMs: 1, maxDelayMs: 5, timeoutMs: 60_000 };

describe('one deadline across all attempts', () => {
  it('cuts a hanging attempt at the deadline and starts no retry after it', async () => {
    let calls = 0;
    const hang = (signal: AbortSignal) => {
      calls++;
      return new Promise<never>((_, reject) => signal.addEventListener('abort', () => reject(new Error('aborted'))));
    };
    const error = await withRetry(hang, { ...policy, deadline: deadlineIn(200) }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ProviderError);
    expect(error).toMatchObject({ kind: 'timeout', message: 'no answer within 0.2 s' });
    expect(calls).toBe(1);
  });

  it('retries failures only while time remains', async () => {
    let calls = 0;
    const failing = async () => {
      calls++;
      throw new ProviderError('server-error', 'busy', { status: 503, retryAfterMs: 10_000 });
    };
    // A Retry-After of 10 s does not fit a 1 s deadline: one attempt, no waiting.
    await expect(
      withRetry(failing, { ...policy, maxDelayMs: 10_000, deadline: deadlineIn(1_000) }),
    ).rejects.toMatchObject({ kind: 'server-error' });
    expect(calls).toBe(1);
  });

  it('returns at the deadline even when the call ignores its signal (queued behind a busy provider)', async () => {
    const semaphore = new Semaphore(1);
    void semaphore.run(() => new Promise(() => {}));
    const queued = withRetry(() => semaphore.run(async () => 'never'), { ...policy, deadline: deadlineIn(150) });
    await expect(queued).rejects.toMatchObject({ kind: 'timeout' });
  });

  it('words the deadline for people', () => {
    expect(deadlineMessage({ at: 0, ms: 20_000 })).toBe('no answer within 20 s');
    expect(deadlineMessage({ at: 0, ms: 2_500 })).toBe('no answer within 2.5 s');
  });
});
