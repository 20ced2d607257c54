import { buildProvider } from '../../llm/index.js';
import { providerFromServer } from './effective.js';
import type { ModelServerSettings } from './schemas.js';

/** What the workspace's "test" button reports. */
export interface ModelTestResult {
  readonly ok: boolean;
  readonly server: string;
  readonly model: string;
  readonly latencyMs: number;
  /** The first characters of the answer. */
  readonly reply?: string;
  readonly error?: string;
}

/** A prompt with nothing about any patient in it: safe to send to any server, local or external. */
export const TEST_PROMPT = 'Reply with the single word OK.';

/**
 * Sends the tiny prompt straight to one server (no cache, no retries, no fallback to another
 * server) with a short timeout, and reports whether it answered, how fast, or why not. The API key
 * is never part of the answer, even when the server echoes it in an error.
 */
export async function testModelServer(server: ModelServerSettings, timeoutMs = 10_000): Promise<ModelTestResult> {
  const config = { ...providerFromServer(server), timeoutMs };
  const provider = buildProvider(config);
  const start = performance.now();
  const base = { server: server.name, model: server.model };
  try {
    const r = await provider.complete({
      model: server.model,
      messages: [{ role: 'user', content: TEST_PROMPT }],
      maxTokens: 8,
      temperature: 0,
      signal: AbortSignal.timeout(timeoutMs),
    });
    return {
      ...base,
      ok: true,
      latencyMs: Math.round(performance.now() - start),
      reply: r.content.trim().slice(0, 80),
    };
  } catch (e) {
    let message = (e as Error).message || String(e);
    if (server.apiKey) message = message.split(server.apiKey).join('••••');
    return { ...base, ok: false, latencyMs: Math.round(performance.now() - start), error: message.slice(0, 300) };
  } finally {
    await provider.close?.().catch(() => {});
  }
}
