import { classifyError, ProviderError } from './errors.js';

/** At most `limit` calls at once per provider; the rest wait in order. */
export class Semaphore {
  private active = 0;
  private readonly waiting: (() => void)[] = [];
  constructor(readonly limit: number) {}

  async run<T>(fn: () => Promise<T>): Promise<T> {
    if (this.active >= this.limit) await new Promise<void>((r) => this.waiting.push(r));
    else this.active++;
    try {
      return await fn();
    } finally {
      const next = this.waiting.shift();
      if (next) next();
      else this.active--;
    }
  }

  get inFlight(): number {
    return this.active;
  }
}

export type BreakerState = 'closed' | 'open' | 'half-open';

/**
 * Circuit breaker: after `threshold` consecutive failures the provider is skipped for `cooldownMs`;
 * then one trial call is let through (half-open) and its outcome closes or re-opens the circuit.
 */
export class CircuitBreaker {
  private failures = 0;
  private openedAt = 0;
  private trial = false;
  constructor(
    readonly threshold = 5,
    readonly cooldownMs = 30_000,
    private readonly now: () => number = Date.now,
  ) {}

  get state(): BreakerState {
    if (this.failures < this.threshold) return 'closed';
    return this.now() - this.openedAt >= this.cooldownMs ? 'half-open' : 'open';
  }

  /** Whether a call may go through now (claims the single half-open trial). */
  allow(): boolean {
    const s = this.state;
    if (s === 'closed') return true;
    if (s === 'open' || this.trial) return false;
    this.trial = true;
    return true;
  }

  success(): void {
    this.failures = 0;
    this.trial = false;
  }

  failure(): void {
    this.trial = false;
    this.failures++;
    if (this.failures >= this.threshold) this.openedAt = this.now();
  }
}

export interface RetryPolicy {
  /** Attempts in all, including the first. */
  readonly attempts: number;
  readonly baseDelayMs: number;
  readonly maxDelayMs: number;
  /** Per-attempt timeout. */
  readonly timeoutMs: number;
  /** The caller's deadline across all attempts: an attempt gets at most the time left, and none starts after it. */
  readonly deadline?: Deadline;
}

/** One deadline for a whole user-facing request: when it falls (`at`, Date.now() clock) and its length, for messages. */
export interface Deadline {
  readonly at: number;
  readonly ms: number;
}

export function deadlineIn(ms: number, now = Date.now()): Deadline {
  return { at: now + ms, ms };
}

/** `no answer within 20 s`: what a clinician is told when the deadline passed. */
export function deadlineMessage(d: Deadline): string {
  const s = d.ms / 1000;
  return `no answer within ${s >= 10 ? Math.round(s) : Number(s.toFixed(1))} s`;
}

export const defaultRetryPolicy: RetryPolicy = { attempts: 3, baseDelayMs: 250, maxDelayMs: 8_000, timeoutMs: 60_000 };

/** Exponential backoff with full jitter; a Retry-After from the server wins (capped at maxDelayMs). */
export function backoffMs(
  attempt: number,
  policy: RetryPolicy,
  retryAfterMs?: number,
  random: () => number = Math.random,
): number {
  if (retryAfterMs !== undefined) return Math.min(retryAfterMs, policy.maxDelayMs);
  const cap = Math.min(policy.maxDelayMs, policy.baseDelayMs * 2 ** attempt);
  return Math.round(cap / 2 + (random() * cap) / 2);
}

/**
 * Runs `fn` with a timeout per attempt and retries on 429, 5xx, timeouts and connection errors,
 * only while the policy's deadline (if any) leaves time.
 * `fn` gets an AbortSignal that fires on timeout. Throws the last ProviderError.
 */
export async function withRetry<T>(
  fn: (signal: AbortSignal, attempt: number) => Promise<T>,
  policy: RetryPolicy,
  onRetry?: (e: ProviderError, attempt: number, delayMs: number) => void,
): Promise<{ value: T; attempts: number }> {
  let last: ProviderError | undefined;
  const deadline = policy.deadline;
  for (let attempt = 0; attempt < policy.attempts; attempt++) {
    const left = deadline ? deadline.at - Date.now() : Infinity;
    if (left <= 0)
      throw new ProviderError(
        'timeout',
        deadlineMessage(deadline!),
        last ? { cause: last, noRetry: true } : { noRetry: true },
      );
    // The attempt's own timeout, or the time left before the caller's deadline, whichever is sooner.
    const byDeadline = left < policy.timeoutMs;
    const timeoutMs = Math.min(policy.timeoutMs, left);
    const timeoutMessage = byDeadline ? deadlineMessage(deadline!) : `no answer within ${policy.timeoutMs} ms`;
    const ac = new AbortController();
    const timer = setTimeout(() => ac.abort(new ProviderError('timeout', timeoutMessage)), timeoutMs);
    // Settles at the timeout even when `fn` ignores its signal (e.g. queued behind a busy provider).
    const abandoned = new Promise<never>((_, reject) =>
      ac.signal.addEventListener('abort', () => reject(ac.signal.reason as Error), { once: true }),
    );
    try {
      const value = await Promise.race([fn(ac.signal, attempt), abandoned]);
      return { value, attempts: attempt + 1 };
    } catch (e) {
      last = ac.signal.aborted
        ? new ProviderError('timeout', timeoutMessage, { cause: e, noRetry: byDeadline })
        : classifyError(e);
      if (!last.retryable || attempt + 1 >= policy.attempts) throw last;
      const delay = backoffMs(attempt, policy, last.retryAfterMs);
      // No retry that could not finish before the deadline.
      if (deadline && Date.now() + delay >= deadline.at) throw last;
      onRetry?.(last, attempt + 1, delay);
      await new Promise((r) => setTimeout(r, delay));
    } finally {
      clearTimeout(timer);
    }
  }
  throw last ?? new ProviderError('unavailable', 'no attempt was made');
}
