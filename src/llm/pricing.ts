import type { Usage } from './types.js';

/** USD per million tokens. Cache-hit input is billed at `inputCached` where the API reports it. */
export interface Price {
  readonly input: number;
  readonly inputCached?: number;
  readonly output: number;
}

/**
 * DeepSeek API list prices (https://api-docs.deepseek.com/quick_start/pricing, V3.2, from
 * 2025-09-29): input $0.28/M (cache miss), $0.028/M (cache hit), output $0.42/M, the same for
 * `deepseek-chat` and `deepseek-reasoner`. Self-hosted servers cost nothing per token here;
 * operators can set their own prices in the config file.
 */
export const defaultPrices: Readonly<Record<string, Price>> = {
  'deepseek-chat': { input: 0.28, inputCached: 0.028, output: 0.42 },
  'deepseek-reasoner': { input: 0.28, inputCached: 0.028, output: 0.42 },
};

/** Cost of one call in USD (0 when no price is known). Reasoning tokens are billed as output. */
export function costUsd(usage: Usage | undefined, price: Price | undefined): number {
  if (!usage || !price) return 0;
  const cached = Math.min(usage.cachedPromptTokens ?? 0, usage.promptTokens);
  const fresh = usage.promptTokens - cached;
  return (
    (fresh * price.input + cached * (price.inputCached ?? price.input) + usage.completionTokens * price.output) / 1e6
  );
}
