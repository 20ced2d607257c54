import { readFileSync } from 'node:fs';
import type { Lang } from '../core/index.js';

/** One unsafe-advice rule of `data/unsafe-advice.json` (taxonomy E13), compiled. */
export interface UnsafeRule {
  readonly id: string;
  readonly reason: Readonly<Record<Lang, string>>;
  readonly source: string;
  readonly context?: RegExp;
  readonly patterns: Readonly<Record<Lang, { readonly all: readonly RegExp[]; readonly none: readonly RegExp[] }>>;
}

interface RawRule {
  id: string;
  reason: Record<Lang, string>;
  source: string;
  context?: string;
  patterns: Record<Lang, { all: string[]; none?: string[] }>;
}

let rules: UnsafeRule[] | undefined;

export function unsafeRules(): readonly UnsafeRule[] {
  if (rules) return rules;
  const raw = JSON.parse(readFileSync(new URL('./data/unsafe-advice.json', import.meta.url), 'utf8')) as {
    rules: RawRule[];
  };
  const re = (s: string) => new RegExp(s, 'iu');
  rules = raw.rules.map((r) => ({
    id: r.id,
    reason: r.reason,
    source: r.source,
    ...(r.context ? { context: re(r.context) } : {}),
    patterns: {
      en: { all: r.patterns.en.all.map(re), none: (r.patterns.en.none ?? []).map(re) },
      zh: { all: r.patterns.zh.all.map(re), none: (r.patterns.zh.none ?? []).map(re) },
    },
  }));
  return rules;
}

export interface UnsafeMatch {
  readonly rule: UnsafeRule;
  /** Offsets of the advice in the sentence. */
  readonly start: number;
  readonly end: number;
}

/**
 * Unsafe advice in one sentence: every `all` pattern matches, no `none` pattern does, and the
 * rule's context (a seizure, warfarin…) is in `context` (the record's text and names, and the text).
 */
export function findUnsafeAdvice(sentence: string, lang: Lang, context: string): UnsafeMatch[] {
  const found: UnsafeMatch[] = [];
  for (const rule of unsafeRules()) {
    const p = rule.patterns[lang];
    if (p.none.some((r) => r.test(sentence))) continue;
    const ms = p.all.map((r) => r.exec(sentence));
    if (ms.some((m) => !m)) continue;
    if (rule.context && !rule.context.test(context)) continue;
    const start = Math.min(...ms.map((m) => m!.index));
    const end = Math.max(...ms.map((m) => m!.index + m![0].length));
    found.push({ rule, start, end });
  }
  return found;
}
