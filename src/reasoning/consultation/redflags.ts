import { readFileSync } from 'node:fs';
import type { Bilingual, Lang } from '../../core/index.js';

/** One red flag of the screen (consultation.md §3). */
export interface RedFlag {
  readonly id: string;
  readonly domain: string;
  readonly label: Bilingual;
  readonly keywords: { readonly zh: readonly string[]; readonly en: readonly string[] };
  /** Level on the triage scale (1 = most urgent). */
  readonly triage: number;
  /** `handover`: immediate human handover (mental health); otherwise emergency referral. */
  readonly action?: 'emergency' | 'handover';
  readonly source: string;
}

/** A rule on the patient's details plus the complaint, with no question (an infant with fever). */
export interface RedFlagRule {
  readonly id: string;
  readonly domain: string;
  readonly label: Bilingual;
  readonly when: { readonly maxAgeYears?: number; readonly keywords: { readonly zh: readonly string[]; readonly en: readonly string[] } };
  readonly triage: number;
  readonly source: string;
}

export interface RedFlagConfig {
  readonly version: string;
  readonly flags: readonly RedFlag[];
  readonly rules: readonly RedFlagRule[];
}

export interface TriageLevel {
  readonly level: number;
  readonly name: Bilingual;
  readonly colour: string;
  readonly zone: Bilingual;
  readonly responseLimitMin: number;
}

/** The triage scale as configuration (PC-08): `{scale, level, colour, responseLimitMin}`, never hard-coded. */
export interface TriageScale {
  readonly scale: string;
  readonly title: Bilingual;
  readonly sources: readonly string[];
  readonly levels: readonly TriageLevel[];
}

const data = (name: string) => new URL(`./data/${name}`, import.meta.url);

let cachedFlags: RedFlagConfig | undefined;
let cachedScale: TriageScale | undefined;

export function defaultRedFlags(): RedFlagConfig {
  cachedFlags ??= JSON.parse(readFileSync(data('red-flags.json'), 'utf8')) as RedFlagConfig;
  return cachedFlags;
}

export function defaultTriageScale(): TriageScale {
  cachedScale ??= JSON.parse(readFileSync(data('triage-scale.json'), 'utf8')) as TriageScale;
  return cachedScale;
}

export function triageLevel(scale: TriageScale, level: number): TriageLevel {
  return scale.levels.find((l) => l.level === level) ?? scale.levels[scale.levels.length - 1]!;
}

// Negation cues just before a keyword: "没有胸痛", "denies chest pain", "no chest pain".
const NEGATION_ZH = /(没有|没|无|否认|不是|未|不)[^，。,.;；!?！？]{0,4}$/;
const NEGATION_EN = /\b(no|not|denies|denied|without|never|nor)\b[^,.;!?]{0,20}$/i;

/** Red flags whose keywords the text states (not negated), in either language. */
export function redFlagsInText(text: string, config: RedFlagConfig = defaultRedFlags()): RedFlag[] {
  const lower = text.toLowerCase();
  return config.flags.filter((f) => [...f.keywords.zh, ...f.keywords.en].some((k) => affirmed(lower, k.toLowerCase())));
}

/** Rules on age plus complaint keywords (no question needed). */
export function redFlagRulesMatching(text: string, age: number | undefined, config: RedFlagConfig = defaultRedFlags()): RedFlagRule[] {
  const lower = text.toLowerCase();
  return config.rules.filter((r) => {
    if (r.when.maxAgeYears !== undefined && (age === undefined || age >= r.when.maxAgeYears)) return false;
    return [...r.when.keywords.zh, ...r.when.keywords.en].some((k) => affirmed(lower, k.toLowerCase()));
  });
}

function affirmed(text: string, keyword: string): boolean {
  let from = 0;
  for (;;) {
    const at = text.indexOf(keyword, from);
    if (at < 0) return false;
    const before = text.slice(Math.max(0, at - 24), at);
    if (!NEGATION_ZH.test(before) && !NEGATION_EN.test(before)) return true;
    from = at + keyword.length;
  }
}

/** The one screening question: every red flag as a numbered option. */
export function screenQuestion(lang: Lang, config: RedFlagConfig = defaultRedFlags()): string {
  const items = config.flags.map((f, i) => `  ${i + 1}. ${lang === 'zh' ? (f.label.zh ?? f.label.en) : f.label.en}`).join('\n');
  return lang === 'zh'
    ? `首先排查危险情况。您现在是否有以下任何一种情况？\n${items}\n请回答对应的编号（可多选，如"1,3"），没有请回答"没有"，不确定请回答"不知道"。`
    : `First, a safety check. Do you have any of the following right now?\n${items}\nAnswer with the numbers (several allowed, e.g. "1,3"), "none" if none, or "don't know".`;
}
