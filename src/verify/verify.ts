import type { Claim, Fact, Lang, Quantity, Source, Verdict } from '../core/index.js';
import { conceptLabel, say, stableId } from '../core/index.js';
import { detectLanguage, extractFacts, fold, type Lexicon, parseQuantities } from '../nlp/index.js';
import { compareQuantity, formatQuantity } from './quantity.js';
import { findCitations, maskCitations } from './citations.js';
import { causalLinks, causalReason, recordLinks } from './causality.js';
import {
  allergyVerdicts,
  type ClinicalVerdict,
  type DischargeMedication,
  dischargeMedications,
  dischargeVerdict,
  drugUnderAllergy,
  isAllergyFact,
  textContext,
} from './clinical.js';
import { findAllergens } from '../knowledge/index.js';
import { activeAllergyClasses } from './allergy.js';
import { courseEndConflict, dateConflict, findDates, recordHasDay } from './dates.js';
import { reversedResult } from './findings.js';
import { splitClaims } from './claims.js';
import { type FactJudgement, judgeFact, worse } from './judge.js';
import { sideConflict } from './laterality.js';
import { siteVouched } from './sites.js';
import { routeSwapped, unitSwapped } from './wording.js';
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
  readonly facts: readonly {
    readonly factId: string;
    readonly concept: string;
    readonly verdict: Verdict;
    readonly errorType?: ErrorType;
    readonly reason: string;
  }[];
}

export interface FaithfulnessReport {
  readonly lang: Lang;
  readonly claims: readonly VerifiedClaim[];
  readonly omissions: readonly Omission[];
  readonly counts: {
    readonly claims: number;
    readonly supported: number;
    readonly contradicted: number;
    readonly unsupported: number;
    readonly omissions: number;
  };
  /** Sign-off is blocked while any claim is contradicted or a critical fact is omitted. */
  readonly blocked: boolean;
  /**
   * The drugs the checked text lists for discharge (a discharge-medication section, 出院带药,
   * "出院后继续…", "discharged on…"), with the claim each stands in: the sign-off route runs the
   * drug-safety rules (allergy, interaction, contraindication, renal dose) on these.
   */
  readonly dischargeMedications: readonly DischargeMedication[];
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
  const facts = masked.trim()
    ? extractFacts(masked, { lang, lexicon: options.lexicon, anchorDate: options.anchorDate, document: 'checked-text' })
        .facts
    : [];
  const dischargeSpans = dischargeMedicationSpans(masked);
  const discharge = options.dischargeDate ?? dischargeDay(masked);
  const tc = textContext(masked, lang, facts, dischargeSpans);
  const moments = momentHeadings(masked);
  const context = [
    masked,
    ...record.documents.map((d) => d.text),
    ...record.facts.flatMap((f) => [f.concept.display, f.concept.displayZh]),
  ]
    .filter(Boolean)
    .join('\n');
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
    const judgements = own.map((f0) => {
      let f = f0;
      const s = f.sources[0] as { start: number; end: number };
      const inName = names.find((n) => s.start >= n.start && s.end <= n.end);
      // A salt in a drug's name ("Naproxen sodium 220 MG", "Penicillin V Potassium", "头孢唑林钠") is no lab value.
      if (f.category === 'measurement' && saltOfDrug(masked, f, own))
        return {
          fact: f,
          verdict: 'supported' as const,
          reason: lang === 'zh' ? '为药品名称中的盐' : 'the salt of a drug’s name',
          evidence: [],
        };
      // The indication of an as-needed order ("PRN fever or pain", "必要时…") is a condition, not a finding.
      if ((f.category === 'finding' || f.category === 'condition') && prnBefore(masked, span.start, f))
        f = { ...f, assertion: 'hypothetical' };
      const later = laterAt(moments, span.start, options.laterThanRecord);
      const judge = (x: Fact) =>
        siteVouched(
          masked,
          span.start,
          span.sentence.start,
          x,
          index,
          lang,
          later,
          siteChecked(
            masked,
            span.start,
            x,
            index,
            lang,
            later,
            judgeFact(x, index, citedFacts, lang, {
              laterThanRecord: later,
              sentence: masked.slice(span.sentence.start, span.sentence.end),
              local: localWindow(masked, span, x),
            }),
          ),
        );
      if (!inName) return judge(f);
      // Words inside a cited fact's own name state nothing new: another concept ("sodium" in
      // "Naproxen sodium 220 MG"), or a strength printed in the product name ("Lasix 40mg").
      if (!index.candidates(f).includes(inName.fact)) {
        // A value stated after the cited measurement's name is the cited fact's value: compare it.
        if (f.value && inName.fact.value) {
          const m = compareQuantity(f.value, inName.fact.value, undefined, true);
          if (m !== 'same' && m !== 'incomparable') {
            const name = conceptLabel(inName.fact.concept, lang);
            return {
              fact: f,
              verdict: 'contradicted' as const,
              errorType: (m === 'unit-error' ? 'E04' : 'E14') as ErrorType,
              reason:
                lang === 'zh'
                  ? `${name}：${formatQuantity(f.value)}，所引病历为${formatQuantity(inName.fact.value)}`
                  : `${name}: ${formatQuantity(f.value)} vs ${formatQuantity(inName.fact.value)} in the cited record`,
              evidence: inName.fact.sources,
            };
          }
        }
        return {
          fact: f,
          verdict: 'supported' as const,
          reason: lang === 'zh' ? '为所引事实名称的一部分' : 'part of the cited fact’s name',
          evidence: inName.fact.sources,
        };
      }
      const nameText = text.slice(inName.start, inName.end);
      const dose = f.dosage?.dose?.original ?? f.dosage?.strength?.original;
      return judge(
        dose && nameText.includes(dose) ? { ...f, dosage: { ...f.dosage, dose: undefined, strength: undefined } } : f,
      );
    });
    // Allergy statements, read per substance with polarity, replace the reading of their words as facts.
    const allergy = allergyVerdicts(tc, span, index);
    const statements = allergy.map((a) => a.statement);
    const judged = judgements.map((j) => {
      if (!isAllergyFact(j.fact, statements)) return j;
      const s = j.fact.sources[0] as { start: number; end: number };
      const mine =
        allergy.find((a) => a.verdict && s.start < a.statement.end && s.end > a.statement.start) ??
        (j.fact.category === 'allergy' || allergy.length === 1 ? allergy.find((a) => a.verdict) : undefined);
      return mine?.verdict ? { ...j, ...mine.verdict } : j;
    });
    const extra: ClinicalVerdict[] = [
      ...allergy.flatMap((a) => (a.verdict ? [a.verdict] : [])),
      ...[
        drugUnderAllergy(tc, span, own, index),
        dischargeVerdict(tc, span, own, index),
        reversedResult(masked, span, index, lang, laterAt(moments, span.start, options.laterThanRecord)),
        dateConflict(masked, span, index, lang),
        courseEndConflict(masked, span, own, index, lang),
      ].filter((v): v is ClinicalVerdict => !!v && v.verdict === 'contradicted'),
    ];
    const all: Overall[] = [...judged, ...extra];
    let overall: Overall = all.length > 0 ? all.reduce(worse) : judgeWithoutFacts(claimText, index, citedFacts, lang);
    overall = contextChecks(overall, {
      text,
      masked,
      span,
      lang,
      index,
      facts,
      own,
      citedFacts,
      dischargeSpans,
      discharge,
      context,
      unsafeBySentence,
    });
    return {
      id: stableId('claim', span.start, span.end, claimText),
      text: claimText,
      start: span.start,
      end: span.end,
      citations: cited,
      verdict: overall.verdict,
      reason: overall.reason,
      evidence: uniqueSources([
        ...overall.evidence,
        ...(overall.verdict === 'supported' ? judged.flatMap((j) => j.evidence) : []),
      ]),
      ...(overall.errorType ? { errorType: overall.errorType } : {}),
      facts: judged.map((j) => ({
        factId: j.fact.id,
        concept: conceptLabel(j.fact.concept, lang),
        verdict: j.verdict,
        reason: j.reason,
        ...(j.errorType ? { errorType: j.errorType } : {}),
      })),
    };
  });
  const omissions = findOmissions(masked, facts, options.critical ?? [], lang);
  const onDischarge = dischargeMedications(tc, claims);
  const count = (v: Verdict) => claims.filter((c) => c.verdict === v).length;
  const contradicted = count('contradicted');
  return {
    lang,
    claims,
    omissions,
    counts: {
      claims: claims.length,
      supported: count('supported'),
      contradicted,
      unsupported: count('unsupported'),
      omissions: omissions.length,
    },
    blocked: contradicted > 0 || omissions.length > 0,
    dischargeMedications: onDischarge,
  };
}

/**
 * The words a fact's moment is read from: back to the clause start within its claim, forward to the
 * end of what it states ("CRP was 960 mg/L on admission" of "… and 18 mg/L on repeat").
 */
function localWindow(text: string, span: { start: number; end: number }, f: Fact): string {
  const s = f.sources[0];
  if (s?.kind !== 'text') return '';
  const back = text.slice(span.start, s.start);
  const cut = Math.max(...['，', ',', '；', ';', '。'].map((c) => back.lastIndexOf(c)), back.search(/ and [^,]*$/));
  const from = cut >= 0 ? span.start + cut + 1 : span.start;
  const fwd = text.slice(s.end, span.end);
  const stop = /[，,；;。]| and |及|、/.exec(fwd);
  return text.slice(from, s.end + (stop ? stop.index : fwd.length));
}

const salts = /^(?:sodium|potassium|calcium|magnesium|钠|钾|钙|镁)$/i;

function saltOfDrug(text: string, f: Fact, own: readonly Fact[]): boolean {
  const s = f.sources[0];
  if (s?.kind !== 'text' || !salts.test(s.quote ?? text.slice(s.start, s.end))) return false;
  const gap = (end: number) => end <= s.start && /^[\sA-Za-z\u4e00-\u9fff]{0,12}$/.test(text.slice(end, s.start));
  if (own.some((m) => m.category === 'medication' && m.sources[0]?.kind === 'text' && gap(m.sources[0].end)))
    return true;
  const from = Math.max(0, s.start - 40);
  return findAllergens(text.slice(from, s.start), activeAllergyClasses()).some((m) => !m.isClass && gap(from + m.end));
}

/**
 * Headings that set the moment a part of the text speaks of: 入院情况 / on admission (the record's
 * moment) or 出院情况 / condition at discharge (later). A text restating both reads each part at its own.
 */
function momentHeadings(text: string): { at: number; later: boolean }[] {
  const re =
    /(入院情况|入院时情况|入院时|入院诊断|出院情况|出院时情况|出院时|出院诊断|on admission|admission findings|hospital course|condition at discharge|condition on discharge|discharge condition|at discharge)\s*[:：]/gi;
  return [...text.matchAll(re)].map((m) => ({
    at: m.index,
    later: /出院|discharge/i.test(m[1]!) && !/诊断/.test(m[1]!),
  }));
}

function laterAt(
  moments: readonly { at: number; later: boolean }[],
  pos: number,
  fallback: boolean | undefined,
): boolean | undefined {
  let found: boolean | undefined;
  for (const m of moments) if (m.at <= pos) found = m.later;
  return found ?? fallback;
}

/**
 * A finding stated at discharge at one site ("咽部稍浮肿") is not contradicted by the record's denial of
 * it at another ("双下肢无水肿"): when the words before the claim's mention name a site that no denying
 * record sentence names, the finding is only unverified.
 */
function siteChecked(
  text: string,
  claimStart: number,
  f: Fact,
  index: RecordIndex,
  lang: Lang,
  later: boolean | undefined,
  j: FactJudgement,
): FactJudgement {
  // Only for a text about a later moment (the condition at discharge): a restatement of the record's
  // own moment keeps the record's denial.
  if (
    !later ||
    j.verdict !== 'contradicted' ||
    j.errorType !== 'E02' ||
    f.assertion === 'absent' ||
    (f.category !== 'finding' && f.category !== 'condition')
  )
    return j;
  const s = f.sources[0];
  if (s?.kind !== 'text') return j;
  const before = (
    text
      .slice(Math.max(claimStart, s.start - 8), s.start)
      .split(/[，,。；;、\s]/)
      .pop() ?? ''
  ).replace(/[稍轻略偶有明显较]+$/, '');
  const site = /([\u4e00-\u9fff]{1,3}?[部侧区]|[左右双][\u4e00-\u9fff]{1,3}|[a-z]{4,})$/i.exec(before)?.[0];
  if (!site) return j;
  const sentences = j.evidence.flatMap((e) => {
    if (e.kind !== 'text') return [];
    const d = index.record.documents.find((x) => x.id === e.document);
    if (!d) return [];
    const a = Math.max(0, ...['。', '；', '\n'].map((c) => d.text.lastIndexOf(c, e.start)));
    const b = Math.min(
      ...['。', '；', '\n'].map((c) => d.text.indexOf(c, e.end)).map((x) => (x < 0 ? d.text.length : x)),
    );
    return [d.text.slice(a, b)];
  });
  const core = site.replace(/[部侧区]$/, '').slice(0, 2);
  if (sentences.length === 0 || sentences.some((x) => x.includes(core))) return j;
  return {
    ...j,
    verdict: 'unsupported',
    errorType: 'E15',
    reason:
      lang === 'zh'
        ? `病历记载的“无${conceptLabel(f.concept, 'zh')}”不涉及${site}`
        : `the record’s denial of ${conceptLabel(f.concept, 'en')} is not about the ${site}`,
  };
}

/** "prn", "as needed (for)", "必要时" before a fact in its clause. */
function prnBefore(text: string, claimStart: number, f: Fact): boolean {
  const s = f.sources[0];
  if (s?.kind !== 'text') return false;
  const before = text.slice(Math.max(claimStart, s.start - 40), s.start);
  const clause = before.split(/[，,。；;]/).pop() ?? '';
  return /\bprn\b|\bas needed\b|\bif needed\b|必要时|需要时|如有/i.test(clause);
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
  const t = say(lang);
  let unsafe = c.unsafeBySentence.get(span.sentence.start);
  if (!unsafe) {
    unsafe = findUnsafeAdvice(c.masked.slice(span.sentence.start, span.sentence.end), lang, c.context);
    c.unsafeBySentence.set(span.sentence.start, unsafe);
  }
  const hit = unsafe.find((u) => span.sentence.start + u.start < span.end && span.sentence.start + u.end > span.start);
  if (hit && overall.verdict !== 'contradicted') {
    return {
      verdict: 'contradicted',
      errorType: 'E13',
      reason: t(
        `unsafe advice: ${hit.rule.reason.en} (source: ${hit.rule.source})`,
        `不安全建议：${hit.rule.reason.zh}（依据：${hit.rule.source}）`,
      ),
      evidence: [],
    };
  }
  if (overall.verdict !== 'contradicted') {
    const side = sideConflict(c.masked, span.start, span.end, c.index, lang);
    if (side)
      return {
        verdict: 'contradicted',
        errorType: 'E06',
        reason: t(`“${side.said}”: the record has “${side.recorded}”`, `“${side.said}”：病历为“${side.recorded}”`),
        evidence: [side.evidence],
      };
    // A route or unit swapped on words the lexicon does not name ("静滴降压药物", "补液400L").
    const claimText = c.masked.slice(span.start, span.end);
    const swapped = routeSwapped(claimText, c.index, lang) ?? unitSwapped(claimText, c.index);
    if (swapped) {
      const what = swapped.errorType === 'E05' ? t('route', '给药途径') : t('unit', '单位');
      return {
        verdict: 'contradicted',
        errorType: swapped.errorType,
        reason: t(
          `“${swapped.said}”: the record has “${swapped.recorded}” (${what})`,
          `“${swapped.said}”：病历为“${swapped.recorded}”（${what}）`,
        ),
        evidence: [swapped.evidence],
      };
    }
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
      if (why)
        return {
          verdict: 'unsupported',
          errorType: 'E11',
          reason: why,
          evidence: c.index.candidates(f).flatMap((x) => x.sources),
        };
    }
  }
  return overall;
}

/** A claim with no clinical concept in it: verbatim grounding, else numbers need a source, else nothing to check. */
function judgeWithoutFacts(claimText: string, index: RecordIndex, cited: readonly Fact[], lang: Lang): Overall {
  const t = say(lang);
  const bare = claimText
    .replace(/\[F\d+(?:\s*[,，]\s*F\d+)*\]/g, '')
    .replace(/[。.;；,，\s]+$/u, '')
    .trim();
  const verbatim = index.findVerbatim(bare);
  if (verbatim)
    return { verdict: 'supported', reason: t('stated verbatim in the record', '与病历原文一致'), evidence: [verbatim] };
  if (cited.length > 0) {
    const wrong = quantityAgainstCited(bare, cited, t);
    if (wrong) return wrong;
    return {
      verdict: 'supported',
      reason: t('its statements are those of the cited facts', '与所引事实一致'),
      evidence: cited.flatMap((f) => f.sources),
    };
  }
  if (/\d/.test(bare)) {
    const cites = (d: string) => cited.some((f) => f.time?.start?.startsWith(d) || f.time?.end?.startsWith(d));
    // A date the record has (with its clock time, "2018-04-05 16:13") and list numbering ("1.", "2、") state nothing to check.
    let dated = bare;
    for (const d of findDates(bare).reverse()) {
      if (!cites(d.iso) && !recordHasDay(index, d.iso)) continue;
      const time = /^[ T]\d{1,2}:\d{2}(?::\d{2})?/.exec(dated.slice(d.end))?.[0] ?? '';
      dated = dated.slice(0, d.start) + dated.slice(d.end + time.length);
    }
    const undated = dated
      // Numbers inside a unit ("10*6/uL", "{1.73_m2}", "×10^9/L") state no value.
      .replace(/\{[^}]*\}|\b10\s*[*^]\s*\d+|[×x]\s*10\s*[*^]?\s*\d+/g, ' ')
      .replace(/(^|[\s:：;；])\d{1,2}[.、)）](?=\s|$)/g, '$1')
      // Chinese enumerators run on: "入院情况：4、辅助检查", "（2）".
      .replace(/(^|[\s:：;；。，])\d{1,2}[、．](?=[\u4e00-\u9fff])|[（(]\d{1,2}[)）]/g, '$1');
    const days = findDates(bare).map((d) => d.iso);
    const missing = [...undated.matchAll(/\d+(?:\.\d+)?/g)]
      .filter((m) => {
        const n = m[0];
        if (index.findVerbatim(n) || index.hasNumber(n, days)) return false;
        // One digit is too short to look up alone: with the word it counts ("肌力4级", "每8小时", "3 more days").
        if (n.length === 1) {
          const after = undated.slice(m.index + 1, m.index + 3).trim();
          const before = undated.slice(Math.max(0, m.index - 2), m.index).trim();
          if ((after && index.findVerbatim(n + after)) || (before && index.findVerbatim(before + n))) return false;
          // English writes the word apart: "for 7 more days".
          const word = /^\s+([A-Za-z]{2,12})/.exec(undated.slice(m.index + 1))?.[1];
          if (word && index.findVerbatim(`${n} ${word}`)) return false;
        }
        return true;
      })
      .map((m) => m[0]);
    if (missing.length === 0)
      return {
        verdict: 'supported',
        reason: t('its dates and numbers are in the record', '日期与数字与病历一致'),
        evidence: cited.flatMap((f) => f.sources),
      };
    if (missing.length > 0)
      return {
        verdict: 'unsupported',
        errorType: 'E15',
        reason: t(`numbers not found in the record: ${missing.join(', ')}`, `病历中未见数字：${missing.join('、')}`),
        evidence: [],
      };
  }
  const study = untestedResult(bare, index);
  if (study)
    return {
      verdict: 'unsupported',
      errorType: 'E01',
      reason: t(`the record has no result for “${study}”`, `病历中未见“${study}”的结果`),
      evidence: [],
    };
  return { verdict: 'supported', reason: t('no clinical fact to check', '无可核对的临床事实'), evidence: [] };
}

const resultWord =
  /(正常|阴性|阳性|未见(?:明显)?异常|无(?:明显)?异常|异常|升高|降低|偏高|偏低)|\b(negative|positive|normal|unremarkable|abnormal|elevated|decreased|grew|no growth)\b/i;
const studyZh =
  /(?:查|检查|复查|检测|化验|示|提示)?([\u4e00-\u9fffA-Za-z0-9]{2,12}?(?:功能|培养|试验|测定|筛查|造影|超声|彩超|CT|MRI|X线|胸片|心电图|抗体|抗原|检查))/;
const studyEn =
  /\b((?:[a-z-]+\s){0,3}(?:cultures?|tests?|panel|levels?|studies|study|scan|x-ray|ultrasound|ecg|ekg|echocardiogram|biopsy|serology|screen|swab|smear|stain|pcr|antigen|antibody|titers?|assay))\b/i;

/**
 * A claim that reports a test result in words the lexicon does not know ("甲状腺功能正常", "Blood
 * cultures were negative") is not "nothing to check": the study must be in the record, else the
 * result is unsupported. Returns the study's name when the record has no mention of it.
 */
function untestedResult(text: string, index: RecordIndex): string | undefined {
  if (!resultWord.test(text)) return undefined;
  const name = (studyZh.exec(text)?.[1] ?? studyEn.exec(text)?.[1])?.trim();
  if (!name || name.length < 2) return undefined;
  return index.findVerbatim(name) ? undefined : name;
}

/**
 * A claim the lexicon cannot read (a drug name it does not know) is still checked for numbers:
 * every quantity it states must be one its cited facts hold (value, dose or strength).
 */
function quantityAgainstCited(
  text: string,
  cited: readonly Fact[],
  t: (en: string, zh: string) => string,
): Overall | undefined {
  const held = cited.flatMap((f) =>
    [f.value, f.dosage?.dose, f.dosage?.strength].filter((q): q is Quantity => !!q).map((q) => ({ q, f })),
  );
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
    return {
      verdict: 'contradicted',
      errorType,
      reason: t(`${said} vs ${rec} in the cited record`, `${said}，所引病历为${rec}`),
      evidence: comparable.f.sources,
    };
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
      statement:
        lang === 'zh' ? `未提及：${conceptLabel(f.concept, 'zh')}` : `not mentioned: ${conceptLabel(f.concept, 'en')}`,
      errorType: 'E12' as const,
      sources: f.sources,
    }));
}

/** Where the cited facts' names stand in the claim's sentence (a name may hold commas, so not just the clause). */
function citedNameSpans(
  text: string,
  span: { sentence: { start: number; end: number } },
  cited: readonly Fact[],
): { start: number; end: number; fact: Fact }[] {
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
