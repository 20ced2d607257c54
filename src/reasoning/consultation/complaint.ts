import type { Lang, LexiconEntry } from '../../core/index.js';
import { Lexicon, extractFacts, parseZhNumber } from '../../nlp/index.js';
import type { Network } from '../diagnosis/index.js';
import { answerLexicon } from './reading.js';

/** What the chief complaint said, in the model's terms. */
export interface ParsedComplaint {
  readonly present: readonly string[];
  readonly absent: readonly string[];
  /** Duration as written and as ISO 8601 ("3天" → P3D), when the complaint gives one. */
  readonly duration?: { readonly text: string; readonly iso: string };
  /** Which matcher read it: the NLP stage, or the fallback lexicon match. */
  readonly parser: 'nlp' | 'fallback';
}

const SYSTEM = 'urn:medseek:causal-model';

const lexicons = new WeakMap<Network, Lexicon>();

/** The model's finding names and synonyms as an NLP lexicon (concept code = finding id). */
export function modelLexicon(net: Network): Lexicon {
  let lex = lexicons.get(net);
  if (!lex) {
    const entries: LexiconEntry[] = [];
    for (const f of net.findings) {
      const concept = {
        system: SYSTEM,
        code: f.id,
        display: f.name.en,
        ...(f.name.zh ? { displayZh: f.name.zh } : {}),
      };
      const category = f.kind === 'antecedent' ? 'risk-factor' : 'finding';
      const terms: [string, Lang][] = [
        [f.name.en, 'en'],
        ...(f.name.zh ? ([[f.name.zh, 'zh']] as [string, Lang][]) : []),
      ];
      for (const s of f.synonyms ?? []) terms.push([s, /[\u4e00-\u9fff]/.test(s) ? 'zh' : 'en']);
      for (const [term, lang] of terms)
        if (term.trim().length >= 2 || /[\u4e00-\u9fff]/.test(term)) entries.push({ term, lang, concept, category });
    }
    lex = new Lexicon(entries);
    lexicons.set(net, lex);
  }
  return lex;
}

/**
 * Reads the chief complaint with the NLP stage (`extractFacts` with the model's names as lexicon:
 * segmentation, ConText negation, family and historical mentions set aside); if that fails, a
 * plain longest-match of the names with a negation cue before them.
 */
export function parseComplaint(net: Network, text: string, lang: Lang): ParsedComplaint {
  const duration = parseDuration(text);
  try {
    // The network's names plus MedSeek's zh/en names and colloquial words for its findings, read as a patient speaks.
    const ex = extractFacts(text, { lang, lexicon: answerLexicon(net), document: 'complaint', speech: 'patient' });
    const present = new Set<string>();
    const absent = new Set<string>();
    for (const f of ex.facts) {
      if (f.concept.system !== SYSTEM || f.subject.who !== 'patient') continue;
      if (f.assertion === 'present') present.add(f.concept.code);
      else if (f.assertion === 'absent') absent.add(f.concept.code);
    }
    for (const p of present) absent.delete(p);
    return { present: [...present], absent: [...absent], ...(duration ? { duration } : {}), parser: 'nlp' };
  } catch {
    return { ...fallbackParse(net, text), ...(duration ? { duration } : {}), parser: 'fallback' };
  }
}

const NEG_ZH = /(没有|没|无|否认|不)[^，。,.;；]{0,3}$/;
const NEG_EN = /\b(no|not|denies|without)\b[^,.;]{0,16}$/i;

/** Longest-first name match with a negation cue check; used when the NLP stage cannot read the text. */
export function fallbackParse(net: Network, text: string): { present: string[]; absent: string[] } {
  const lower = text.toLowerCase();
  const names: [string, string][] = [];
  for (const f of net.findings)
    for (const n of [f.name.en, f.name.zh, ...(f.synonyms ?? [])])
      if (n && n.length >= 2) names.push([n.toLowerCase(), f.id]);
  names.sort((a, b) => b[0].length - a[0].length);
  const taken: boolean[] = new Array(lower.length).fill(false);
  const present = new Set<string>();
  const absent = new Set<string>();
  for (const [name, id] of names) {
    let from = 0;
    for (;;) {
      const at = lower.indexOf(name, from);
      if (at < 0) break;
      from = at + name.length;
      if (taken.slice(at, at + name.length).some(Boolean)) continue;
      for (let i = at; i < at + name.length; i++) taken[i] = true;
      const before = lower.slice(Math.max(0, at - 20), at);
      (NEG_ZH.test(before) || NEG_EN.test(before) ? absent : present).add(id);
    }
  }
  for (const p of present) absent.delete(p);
  return { present: [...present], absent: [...absent] };
}

const UNITS: [RegExp, string, boolean][] = [
  [/^(小时|个小时|h|hours?|hrs?)/i, 'H', true],
  [/^(天|日|days?)/i, 'D', false],
  [/^(周|星期|个星期|weeks?|wks?)/i, 'W', false],
  [/^(个月|月|months?)/i, 'M', false],
  [/^(年|years?)/i, 'Y', false],
];

/** "3天" → P3D, "两周" → P2W, "2 hours" → PT2H, "半年" → P0.5Y: the patient's words kept beside. */
export function parseDuration(text: string): { text: string; iso: string } | undefined {
  // Not an age: "一周岁", "3 years old", "10个月大".
  const re =
    /(\d+(?:\.\d+)?|[一二两三四五六七八九十半]+)\s*(个小时|小时|个星期|星期|个月|天|日|周|月|年|hours?|hrs?|days?|weeks?|wks?|months?|years?|h)(?![a-z])(?!\s*(?:岁|大|old\b))/gi;
  for (const m of text.matchAll(re)) {
    const n = /\d/.test(m[1]!) ? Number(m[1]) : zhNumber(m[1]!);
    if (!Number.isFinite(n) || n <= 0) continue;
    const unit = UNITS.find(([u]) => u.test(m[2]!));
    if (!unit) continue;
    return { text: m[0], iso: `P${unit[2] ? 'T' : ''}${n}${unit[1]}` };
  }
  return undefined;
}

/** A Chinese numeral (一 … 九十九, 半) as a number; NaN when it is not one. */
export function zhNumber(s: string): number {
  return parseZhNumber(s) ?? Number.NaN;
}
