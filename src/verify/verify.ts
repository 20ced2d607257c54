import type { Claim, Fact, Lang, Quantity, Source, Verdict } from '../core/index.js';
import { conceptLabel, stableId } from '../core/index.js';
import { detectLanguage, extractFacts, fold, type Lexicon, parseQuantities } from '../nlp/index.js';
import { compareQuantity, formatQuantity } from './quantity.js';
import { findCitations, maskCitations } from './citations.js';
import { causalLinks, causalReason, recordLinks } from './causality.js';
import { splitClaims } from './claims.js';
import { type FactJudgement, judgeFact, worse } from './judge.js';
import { sideConflict } from './laterality.js';
import { dischargeDay, dischargeMedicationSpans, mixedContext } from './mixing.js';
import { RecordIndex, type VerificationRecord } from './record.js';
import type { ErrorType } from './taxonomy.js';
import { findUnsafeAdvice } from './unsafe.js';

export interface VerifyOptions {
  readonly lang?: Lang | 'auto';
  /** Citation keys used in the text (`F3`) → record fact ids. */
  readonly citations?: Readonly<Record<string, string>>;
  /** Facts the text must mention (allergies, medication changes, pending results…): missing ones are omissions. */
  readonly critical?: readonly Fact[];
  readonly lexicon?: Lexicon;
  /** The text describes a later moment than the record (condition at discharge): see JudgeOptions. */
  readonly laterThanRecord?: boolean;
  /** Date the text was written, for relative times. */
  readonly anchorDate?: string;
  /** Discharge day (YYYY-MM-DD) for the discharge-medication check (E11); else read from the text. */
  readonly dischargeDate?: string;
}

/** A critical record fact that the text does not mention (taxonomy E12). */
export interface Omission {
  readonly factId: string;
  readonly statement: string;
  readonly errorType: 'E12';
  readonly sources: readonly Source[];
}

export interface VerifiedClaim extends Claim {
  /** The verdict on each fact the claim states. */
  readonly facts: readonly { readonly factId: string; readonly concept: string; readonly verdict: Verdict; readonly errorType?: ErrorType; readonly reason: string }[];
}

export interface FaithfulnessReport {
  readonly lang: Lang;
  readonly claims: readonly VerifiedClaim[];
  readonly omissions: readonly Omission[];
  readonly counts: { readonly claims: number; readonly supported: number; readonly contradicted: number; readonly unsupported: number; readonly omissions: number };
  /** Sign-off is blocked while any claim is contradicted or a critical fact is omitted. */
  readonly blocked: boolean;
}

/**
 * Checks any text (generated or written by a person, zh or en) against a record: splits it into
 * atomic claims, extracts each claim's facts with the NLP stage and judges every one against its
 * citations and the whole record; then reports critical facts the text leaves out.
 */
export function verifyText(text: string, record: VerificationRecord, options: VerifyOptions = {}): FaithfulnessReport {
  const lang: Lang = !options.lang || options.lang === 'auto' ? detectLanguage(text) : options.lang;
  const index = new RecordIndex(record);
  const masked = maskCitations(text);
  const facts = masked.trim() ? extractFacts(masked, { lang, lexicon: options.lexicon, anchorDate: options.anchorDate, document: 'checked-text' }).facts : [];
  const dischargeSpans = dischargeMedicationSpans(masked);
  const discharge = options.dischargeDate ?? dischargeDay(masked);
  const context = [masked, ...record.documents.map((d) => d.text), ...record.facts.flatMap((f) => [f.concept.display, f.concept.displayZh])].filter(Boolean).join('\n');
  const unsafeBySentence = new Map<number, ReturnType<typeof findUnsafeAdvice>>();
  const claims: VerifiedClaim[] = splitClaims(text).map((span) => {
    const claimText = text.slice(span.start, span.end);
    // A clause without its own marker is covered by the markers of its sentence.
    const keys = span.citationKeys.length > 0 ? span.citationKeys : sentenceKeys(text, span.sentence);
    const cited = keys.map((k) => options.citations?.[k]).filter((id): id is string => !!id);
    const citedFacts = cited.map((id) => index.fact(id)).filter((f): f is Fact => !!f);
    const own = facts.filter((f) => {
      const s = f.sources[0];
      return s?.kind === 'text' && s.start >= span.start && s.start < span.end;
    });
    const names = citedNameSpans(text, span, citedFacts);
    const judgements = own.map((f) => {
      const s = f.sources[0] as { start: number; end: number };
      const inName = names.find((n) => s.start >= n.start && s.end <= n.end);
      const judge = (x: Fact) => judgeFact(x, index, citedFacts, lang, { laterThanRecord: options.laterThanRecord });
      if (!inName) return judge(f);
      // Words inside a cited fact's own name state nothing new: another concept ("sodium" in
      // "Naproxen sodium 220 MG"), or a strength printed in the product name ("Lasix 40mg").
      if (!index.candidates(f).includes(inName.fact)) return { fact: f, verdict: 'supported' as const, reason: lang === 'zh' ? '为所引事实名称的一部分' : 'part of the cited fact’s name', evidence: inName.fact.sources };
      const nameText = text.slice(inName.start, inName.end);
      const dose = f.dosage?.dose?.original ?? f.dosage?.strength?.original;
      return judge(dose && nameText.includes(dose) ? { ...f, dosage: { ...f.dosage, dose: undefined, strength: undefined } } : f);
    });
    let overall: Overall = judgements.length > 0 ? judgements.reduce(worse) : judgeWithoutFacts(claimText, index, citedFacts, lang);
    overall = contextChecks(overall, { text, masked, span, lang, index, facts, own, citedFacts, dischargeSpans, discharge, context, unsafeBySentence });
    return {
      id: stableId('claim', span.start, span.end, claimText),
      text: claimText,
      start: span.start,
      end: span.end,
      citations: cited,
      verdict: overall.verdict,
      reason: overall.reason,
      evidence: uniqueSources([...overall.evidence, ...(overall.verdict === 'supported' ? judgements.flatMap((j) => j.evidence) : [])]),
      ...(overall.errorType ? { errorType: overall.errorType } : {}),
      facts: judgements.map((j) => ({
        factId: j.fact.id,
        concept: conceptLabel(j.fact.concept, lang),
        verdict: j.verdict,
        reason: j.reason,
        ...(j.errorType ? { errorType: j.errorType } : {}),
      })),
    };
  });
  const omissions = findOmissions(masked, facts, options.critical ?? [], lang);
  const count = (v: Verdict) => claims.filter((c) => c.verdict === v).length;
  const contradicted = count('contradicted');
  return {
    lang,
    claims,
    omissions,
    counts: { claims: claims.length, supported: count('supported'), contradicted, unsupported: count('unsupported'), omissions: omissions.length },
    blocked: contradicted > 0 || omissions.length > 0,
  };
}

type Overall = Pick<FactJudgement, 'verdict' | 'reason' | 'evidence' | 'errorType'>;

interface ContextInput {
  readonly text: string;
  readonly masked: string;
  readonly span: { start: number; end: number; sentence: { start: number; end: number } };
  readonly lang: Lang;
  readonly index: RecordIndex;
  /** All facts of the checked text, and the claim's own. */
  readonly facts: readonly Fact[];
  readonly own: readonly Fact[];
  readonly citedFacts: readonly Fact[];
  readonly dischargeSpans: readonly { start: number; end: number }[];
  readonly discharge: string | undefined;
  /** Record text and names plus the checked text, for the context of unsafe-advice rules. */
  readonly context: string;
  readonly unsafeBySentence: Map<number, ReturnType<typeof findUnsafeAdvice>>;
}

/**
 * Checks that look past single facts: unsafe advice (E13) in the claim's sentence, a side the record
 * gives the other way for the same site (E06, for sites the lexicon does not name), a causal link the
 * record does not state (E10), a drug in the discharge-medication list that the record stopped or
 * gave only in hospital (E11). E13 overrides anything short of a contradiction; E10 and E11 only
 * flag claims that are otherwise supported.
 */
function contextChecks(overall: Overall, c: ContextInput): Overall {
  const { span, lang } = c;
  const t = (en: string, zh: string) => (lang === 'zh' ? zh : en);
  let unsafe = c.unsafeBySentence.get(span.sentence.start);
  if (!unsafe) {
    unsafe = findUnsafeAdvice(c.masked.slice(span.sentence.start, span.sentence.end), lang, c.context);
    c.unsafeBySentence.set(span.sentence.start, unsafe);
  }
  const hit = unsafe.find((u) => span.sentence.start + u.start < span.end && span.sentence.start + u.end > span.start);
  if (hit && overall.verdict !== 'contradicted') {
    return { verdict: 'contradicted', errorType: 'E13', reason: t(`unsafe advice: ${hit.rule.reason.en} (source: ${hit.rule.source})`, `不安全建议：${hit.rule.reason.zh}（依据：${hit.rule.source}）`), evidence: [] };
  }
  if (overall.verdict !== 'contradicted') {
    const side = sideConflict(c.masked, span.start, span.end, c.index, lang);
    if (side) return { verdict: 'contradicted', errorType: 'E06', reason: t(`“${side.said}”: the record has “${side.recorded}”`, `“${side.said}”：病历为“${side.recorded}”`), evidence: [side.evidence] };
  }
  if (overall.verdict !== 'supported') return overall;
  const sentenceFacts = c.facts.filter((f) => {
    const s = f.sources[0];
    return s?.kind === 'text' && s.start >= span.sentence.start && s.start < span.sentence.end;
  });
  for (const link of causalLinks(c.masked, span.sentence, sentenceFacts, lang)) {
    if (link.start < span.start || link.start >= span.end) continue;
    if (recordLinks(c.index, link.cause, link.effect)) continue;
    return { verdict: 'unsupported', errorType: 'E10', reason: causalReason(link, lang), evidence: [] };
  }
  if (c.dischargeSpans.some((d) => span.start < d.end && span.end > d.start)) {
    for (const f of c.own) {
      const why = mixedContext(f, c.index, c.citedFacts, lang, c.discharge);
      if (why) return { verdict: 'unsupported', errorType: 'E11', reason: why, evidence: c.index.candidates(f).flatMap((x) => x.sources) };
    }
  }
  return overall;
}

/** A claim with no clinical concept in it: verbatim grounding, else numbers need a source, else nothing to check. */
function judgeWithoutFacts(claimText: string, index: RecordIndex, cited: readonly Fact[], lang: Lang): Overall {
  const t = (en: string, zh: string) => (lang === 'zh' ? zh : en);
  const bare = claimText.replace(/\[F\d+(?:\s*[,，]\s*F\d+)*\]/g, '').replace(/[。.;；,，\s]+$/u, '').trim();
  const verbatim = index.findVerbatim(bare);
  if (verbatim) return { verdict: 'supported', reason: t('stated verbatim in the record', '与病历原文一致'), evidence: [verbatim] };
  if (cited.length > 0) {
    const wrong = quantityAgainstCited(bare, cited, t);
    if (wrong) return wrong;
    return { verdict: 'supported', reason: t('its statements are those of the cited facts', '与所引事实一致'), evidence: cited.flatMap((f) => f.sources) };
  }
  if (/\d/.test(bare)) {
    const cites = (d: string) => cited.some((f) => f.time?.start?.startsWith(d) || f.time?.end?.startsWith(d));
    const undated = bare.replace(/\d{4}-\d{2}-\d{2}/g, (d) => (cites(d) || index.hasDate(d) ? '' : d));
    const missing = (undated.match(/\d+(?:\.\d+)?/g) ?? []).filter((n) => !index.findVerbatim(n));
    if (missing.length === 0) return { verdict: 'supported', reason: t('its dates and numbers are in the record', '日期与数字与病历一致'), evidence: cited.flatMap((f) => f.sources) };
    if (missing.length > 0) return { verdict: 'unsupported', errorType: 'E15', reason: t(`numbers not found in the record: ${missing.join(', ')}`, `病历中未见数字：${missing.join('、')}`), evidence: [] };
  }
  return { verdict: 'supported', reason: t('no clinical fact to check', '无可核对的临床事实'), evidence: [] };
}

/**
 * A claim the lexicon cannot read (a drug name it does not know) is still checked for numbers:
 * every quantity it states must be one its cited facts hold (value, dose or strength).
 */
function quantityAgainstCited(text: string, cited: readonly Fact[], t: (en: string, zh: string) => string): Overall | undefined {
  const held = cited.flatMap((f) => [f.value, f.dosage?.dose, f.dosage?.strength].filter((q): q is Quantity => !!q).map((q) => ({ q, f })));
  if (held.length === 0) return undefined;
  for (const { quantity } of parseQuantities(text)) {
    if (!quantity.unit || quantity.unit === '1') continue;
    const results = held.map(({ q, f }) => ({ match: compareQuantity(quantity, q), q, f }));
    if (results.some((r) => r.match === 'same')) continue;
    const comparable = results.find((r) => r.match !== 'incomparable');
    if (!comparable) continue;
    const med = comparable.f.category === 'medication';
    const errorType = comparable.match === 'unit-error' ? 'E04' : med ? 'E03' : 'E14';
    const said = formatQuantity(quantity);
    const rec = formatQuantity(comparable.q);
    return { verdict: 'contradicted', errorType, reason: t(`${said} vs ${rec} in the cited record`, `${said}，所引病历为${rec}`), evidence: comparable.f.sources };
  }
  return undefined;
}

function findOmissions(text: string, textFacts: readonly Fact[], critical: readonly Fact[], lang: Lang): Omission[] {
  if (critical.length === 0) return [];
  const mentioned = new RecordIndex({ facts: textFacts, documents: [{ id: 'checked-text', text }] });
  const seen = new Set<string>();
  return critical
    .filter((f) => {
      const k = `${f.concept.system}|${f.concept.code}`;
      if (seen.has(k)) return false;
      seen.add(k);
      if (mentioned.candidates(f).length > 0) return false;
      // A name the lexicon does not know still counts as mentioned when written out.
      return ![f.concept.display, f.concept.displayZh].some((n) => n && mentioned.findVerbatim(n));
    })
    .map((f) => ({
      factId: f.id,
      statement: lang === 'zh' ? `未提及：${conceptLabel(f.concept, 'zh')}` : `not mentioned: ${conceptLabel(f.concept, 'en')}`,
      errorType: 'E12' as const,
      sources: f.sources,
    }));
}

/** Where the cited facts' names stand in the claim's sentence (a name may hold commas, so not just the clause). */
function citedNameSpans(text: string, span: { sentence: { start: number; end: number } }, cited: readonly Fact[]): { start: number; end: number; fact: Fact }[] {
  const base = span.sentence.start;
  const body = fold(text.slice(base, span.sentence.end));
  return cited.flatMap((fact) =>
    [fact.concept.display, fact.concept.displayZh].flatMap((name) => {
      if (!name || name.length < 2) return [];
      const at = body.indexOf(fold(name));
      return at >= 0 ? [{ start: base + at, end: base + at + name.length, fact }] : [];
    }),
  );
}

function sentenceKeys(text: string, sentence: { start: number; end: number }): string[] {
  return findCitations(text.slice(sentence.start, sentence.end)).flatMap((c) => c.keys);
}

function uniqueSources(sources: readonly Source[]): Source[] {
  const seen = new Set<string>();
  return sources.filter((s) => {
    const k = JSON.stringify(s);
    if (seen.has(k)) return false;
    seen.add(k);
    return true;
  });
}
