import type { Fact, Lang } from '../../core/index.js';
import { dischargePrompt, SECTION_TITLES } from '../../compose/index.js';

/**
 * The task a summary line teaches, exactly as MedSeek asks it at run time (compose's `dischargePrompt`).
 * `cite`: ask for `[F<n>]` after each statement, as the reward items do (their completions are
 * checked with the keys); SFT and DPO targets are the text as signed, which carries no markers, so
 * their prompt does not ask for them.
 */
export function summaryPrompt(
  lang: Lang,
  citations: Readonly<Record<string, string>>,
  facts: readonly Fact[],
  templateText: string,
  cite: boolean,
): { role: 'system' | 'user'; content: string }[] {
  const { system, user } = dischargePrompt(lang, citations, facts, templateText, { cite });
  return [
    { role: 'system', content: system.trimEnd() },
    { role: 'user', content: user },
  ];
}

/**
 * A signed document's text without its signature item: who signed and when is not something the
 * model writes (and a clinician's name is an identifier). Works on `signedText` output, zh
 * (`医师签名：…` on one line) and en (`Signature:` then its paragraph).
 */
export function withoutSignature(text: string, lang: Lang): string {
  const title = SECTION_TITLES.signature?.[lang] ?? (lang === 'zh' ? '医师签名' : 'Signature');
  const out: string[] = [];
  let skipping = false;
  for (const line of text.split('\n')) {
    if (lang === 'zh' ? line.startsWith(`${title}：`) : line.trim() === `${title}:`) {
      skipping = lang === 'en';
      continue;
    }
    if (skipping) {
      if (!line.trim()) skipping = false;
      continue;
    }
    out.push(line);
  }
  return `${out.join('\n').trim()}\n`;
}

/** The same text for comparison: whitespace folded. */
export function sameText(a: string, b: string): boolean {
  const fold = (s: string) => s.replace(/\s+/g, ' ').trim();
  return fold(a) === fold(b);
}
