import type { LlmFailure, LlmFailureKind } from './types.js';

/** A provider failure, classified so the client knows whether to retry and how long to wait. */
export class ProviderError extends Error {
  readonly kind: LlmFailureKind;
  readonly status?: number;
  /** From a Retry-After header, in milliseconds. */
  readonly retryAfterMs?: number;
  /** Set when retrying would repeat output already streamed to the caller. */
  readonly noRetry: boolean;

  constructor(
    kind: LlmFailureKind,
    message: string,
    extra: { status?: number; retryAfterMs?: number; cause?: unknown; noRetry?: boolean } = {},
  ) {
    super(message, extra.cause === undefined ? undefined : { cause: extra.cause });
    this.name = 'ProviderError';
    this.kind = kind;
    this.status = extra.status;
    this.retryAfterMs = extra.retryAfterMs;
    this.noRetry = extra.noRetry ?? false;
  }

  get retryable(): boolean {
    return (
      !this.noRetry &&
      (this.kind === 'rate-limited' ||
        this.kind === 'server-error' ||
        this.kind === 'timeout' ||
        this.kind === 'network')
    );
  }

  toFailure(): LlmFailure {
    return { kind: this.kind, message: this.message, ...(this.status === undefined ? {} : { status: this.status }) };
  }
}

/** Retry-After is seconds or an HTTP date (RFC 9110 §10.2.3). */
export function parseRetryAfter(value: string | null | undefined, now = Date.now()): number | undefined {
  if (!value) return undefined;
  const secs = Number(value);
  if (Number.isFinite(secs) && secs >= 0) return secs * 1000;
  const at = Date.parse(value);
  return Number.isNaN(at) ? undefined : Math.max(0, at - now);
}

/** Turns whatever a client threw into a ProviderError (openai's APIError family, aborts, JSON errors). */
export function classifyError(e: unknown): ProviderError {
  if (e instanceof ProviderError) return e;
  const err = e as { name?: string; status?: number; message?: string; headers?: Headers | Record<string, string> };
  const message = err?.message ?? String(e);
  const status = typeof err?.status === 'number' ? err.status : undefined;
  if (status !== undefined) {
    const h = err.headers;
    const ra = h instanceof Headers ? h.get('retry-after') : (h?.['retry-after'] ?? undefined);
    const retryAfterMs = parseRetryAfter(ra);
    if (status === 429) return new ProviderError('rate-limited', message, { status, retryAfterMs, cause: e });
    if (status >= 500) return new ProviderError('server-error', message, { status, retryAfterMs, cause: e });
    if (status === 408) return new ProviderError('timeout', message, { status, cause: e });
    return new ProviderError('bad-request', message, { status, cause: e });
  }
  if (err?.name === 'APIConnectionTimeoutError' || err?.name === 'TimeoutError' || /timed? ?out/i.test(message)) {
    return new ProviderError('timeout', message, { cause: e });
  }
  if (err?.name === 'AbortError' || err?.name === 'APIUserAbortError' || /request was aborted/i.test(message))
    return new ProviderError('timeout', 'request aborted', { cause: e });
  if (e instanceof SyntaxError)
    return new ProviderError('invalid-output', `malformed response: ${message}`, { cause: e });
  return new ProviderError('network', message, { cause: e });
}
