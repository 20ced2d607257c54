import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { templateDischargeSummary } from '../src/compose/index.js';
import type { Fact, Lang } from '../src/core/index.js';
import { extractFacts } from '../src/nlp/index.js';
import { stateFromBundle } from '../src/fusion/index.js';
import { criticalErrorTypes, type ErrorType, errorTypes, type FaithfulnessReport, recordFromState, recordFromTexts, type VerificationRecord, verifyText } from '../src/verify/index.js';
import type { Benchmark } from './lib/harness.js';
import { sharedData } from './lib/harness.js';
import { causalityInjector, fabricationInjector, type InjectContext, injectors, mixingInjector, seededRandom } from './verify-lib/inject.js';

interface Case {
  readonly id: string;
  readonly summary: string;
  readonly record: VerificationRecord;
  readonly citations?: Record<string, string>;
  readonly critical?: readonly Fact[];
}

/**
 * Error injection on real text (issue 7): take a record and a summary of it, inject one error of
 * each type where the summary offers a place, and measure how often the verifier flags the changed
 * claim, and how often it flags claims nobody changed.
 * - zh: CCKS2017 records — the 出院情况 section (plus the 诊疗经过 sentences that carry a drug
 *   dose, so dose/unit/frequency errors have somewhere to go) checked against the other sections.
 * - en: summaries composed by MedSeek's template from Synthea bundles, checked against the fused
 *   record (with the critical facts for omission), and NegEx sentences with their polarity flipped.
 */
export default {
  name: 'verify',
  description: 'claim verification: detection recall per error type and false alarms, zh and en',
  defaultData: '../shared/data/emr-ccks2017-ner/ccks2017_emr_records.jsonl',
  async run({ data, args, log }) {
    const lang: Lang = (args.lang as Lang) ?? (data.endsWith('.jsonl') ? 'zh' : 'en');
    const seed = Number(args.seed ?? 1);
    const limit = Number(args.limit ?? Number.POSITIVE_INFINITY);
    const rand = seededRandom(seed);
    const pick = <T>(xs: readonly T[]) => (xs.length === 0 ? undefined : xs[Math.floor(rand() * xs.length)]);
    // The later types (E10, E11, E13) draw from their own stream so the earlier types' picks stay as they were.
    const rand2 = seededRandom(seed + 7919);
    const pickLate = <T>(xs: readonly T[]) => (xs.length === 0 ? undefined : xs[Math.floor(rand2() * xs.length)]);
    const late = new Set(['E10', 'E11', 'E13']);
    const cases = (lang === 'zh' ? zhCases(data) : enCases(data)).slice(0, limit);
    log(`${cases.length} ${lang} cases from ${data}`);
    const known = (s: string, l: Lang) => extractFacts(s, { lang: l }).facts;
    const built: Record<string, ReturnType<typeof fabricationInjector>> = { E01: fabricationInjector(known), E10: causalityInjector(known), E11: mixingInjector(known) };
    const types = ['E01', ...Object.keys(injectors).filter((t) => !late.has(t)), ...(lang === 'en' ? ['E12'] : []), 'E10', 'E11', 'E13'];
    const per: Record<string, { n: number; flagged: number; contradicted: number; typed: number }> = Object.fromEntries(types.map((t) => [t, { n: 0, flagged: 0, contradicted: 0, typed: 0 }]));
    let unaltered = 0;
    let falseFlag = 0;
    let falseContradicted = 0;
    let falseMajor = 0;
    for (const c of cases) {
      const opts = { lang, citations: c.citations, critical: c.critical, laterThanRecord: lang === 'zh' };
      const base = verifyText(c.summary, c.record, opts);
      unaltered += base.claims.length;
      falseFlag += base.claims.filter((x) => x.verdict !== 'supported').length;
      falseContradicted += base.claims.filter((x) => x.verdict === 'contradicted').length + base.omissions.length;
      falseMajor += base.claims.filter((x) => x.verdict !== 'supported' && x.errorType && errorTypes[x.errorType as ErrorType]?.major).length;
      const supportedFacts = new Set(base.claims.filter((x) => x.verdict === 'supported').flatMap((x) => x.facts.map((f) => f.factId)));
      const facts = extractFacts(c.summary.replace(/\[F\d+(?:\s*,\s*F\d+)*\]/g, (m) => ' '.repeat(m.length)), { lang, document: 'checked-text' }).facts;
      const ctx: InjectContext = { text: c.summary, lang, facts, record: c.record.facts, documents: c.record.documents, eligible: (f) => supportedFacts.has(f.id), pick };
      for (const type of types) {
        const inj = type === 'E12' ? omit(c, base, pick) : (built[type] ?? injectors[type]!)(late.has(type) ? { ...ctx, pick: pickLate } : ctx);
        if (!inj) continue;
        const report = verifyText(inj.text, c.record, opts);
        const hit = report.claims.filter((x) => x.start <= inj.end && x.end >= inj.start && x.verdict !== 'supported');
        per[inj.type] ??= { n: 0, flagged: 0, contradicted: 0, typed: 0 };
        const s = per[inj.type]!;
        s.n++;
        if (type === 'E12') {
          const found = report.omissions.length > base.omissions.length;
          if (found) {
            s.flagged++;
            s.contradicted++;
            s.typed++;
          }
          continue;
        }
        if (hit.length > 0) s.flagged++;
        if (hit.some((x) => x.verdict === 'contradicted')) s.contradicted++;
        const family = inj.type.slice(0, 3);
        if (hit.some((x) => x.errorType === family || x.facts.some((f) => f.errorType === family))) s.typed++;
      }
    }
    const perType = Object.fromEntries(
      Object.entries(per).map(([t, s]) => [t, { n: s.n, recall: ratio(s.flagged, s.n), contradictedRecall: ratio(s.contradicted, s.n), typedRecall: ratio(s.typed, s.n), critical: isCritical(t) }]),
    );
    const crit = Object.entries(per).filter(([t]) => isCritical(t));
    const injected = Object.values(per).reduce((a, s) => a + s.n, 0);
    const flagged = Object.values(per).reduce((a, s) => a + s.flagged, 0);
    const result = {
      lang,
      seed,
      n: injected,
      cases: cases.length,
      recall: ratio(flagged, injected),
      criticalRecall: ratio(
        crit.reduce((a, [, s]) => a + s.flagged, 0),
        crit.reduce((a, [, s]) => a + s.n, 0),
      ),
      falseAlarmRate: ratio(falseFlag, unaltered),
      falseContradictionRate: ratio(falseContradicted, unaltered),
      majorFalseAlarmRate: ratio(falseMajor, unaltered),
      unalteredClaims: unaltered,
      perType,
      goal: { criticalRecall: 0.97, falseAlarmRate: 0.03 },
      definitions: {
        'E02-neg': 'a finding the record affirms, stated absent; in a later-moment text (condition at discharge) indistinguishable from resolution without later documentation',
        recall: 'share of injected errors whose changed claim the verifier flags (contradicted or unsupported); E12: the omission is reported',
        contradictedRecall: 'share flagged as contradicted (the stricter verdict that blocks sign-off)',
        falseAlarmRate: 'share of claims of the unaltered summaries flagged contradicted or unsupported',
        majorFalseAlarmRate: 'share of unaltered claims flagged with a major error type (E15 “not documented” flags are minor)',
        falseContradictionRate: 'share of unaltered claims called contradicted (plus omissions reported on unaltered summaries)',
        E10: 'appended “因A导致B” / “B due to A” linking two record concepts no record sentence links with a causal cue',
        E11: 'appended “出院带药：X” / “Discharge medications: X” for a drug the record stopped before the discharge day or gave only IV (none in the Synthea bundles: no end dates or routes)',
        E13: 'appended one unsafe-advice sentence per rule of src/verify/data/unsafe-advice.json (own random stream, so earlier types keep their picks)',
      },
      table: Object.entries(perType).map(([type, s]) => ({ type, ...s })),
    };
    if (lang === 'en' && args.negex !== 'false') Object.assign(result, { negex: negexFlips(args.negex ?? sharedData('negex', 'negex_annotations_part1.tsv')) });
    return result;
  },
} satisfies Benchmark;

/** E02-neg counts with E02: a negation flip either way is critical. */
function isCritical(type: string): boolean {
  return criticalErrorTypes.includes(type.slice(0, 3) as never);
}

function ratio(a: number, b: number): number {
  return b === 0 ? Number.NaN : a / b;
}

const SUMMARY = '出院情况';

function zhCases(path: string): Case[] {
  return readFileSync(path, 'utf8')
    .split('\n')
    .filter((l) => l.trim())
    .flatMap((line, i) => {
      const r = JSON.parse(line) as { id: number; sections: Record<string, { text: string }> };
      const target = r.sections[SUMMARY]?.text;
      if (!target) return [];
      const sources = Object.entries(r.sections)
        .filter(([k]) => k !== SUMMARY)
        .map(([k, v]) => ({ id: `${r.id ?? i}/${k}`, text: v.text }));
      const record = recordFromTexts(sources, { lang: 'zh' });
      // Sentences of the hospital course that give a drug with its dose, copied into the summary.
      const course = r.sections['诊疗经过']?.text ?? '';
      const withDose = course
        .split(/(?<=[。；])/)
        .filter((s) => s.trim() && extractFacts(s, { lang: 'zh' }).facts.some((f) => f.category === 'medication' && f.dosage?.dose));
      return [{ id: String(r.id ?? i), summary: [target, ...withDose].join(''), record }];
    });
}

function enCases(path: string): Case[] {
  const files = statSync(path).isDirectory()
    ? readdirSync(path)
        .filter((f) => f.endsWith('.json'))
        .map((f) => join(path, f))
    : [path];
  return files.flatMap((file) => {
    const state = stateFromBundle(JSON.parse(readFileSync(file, 'utf8')));
    let s: ReturnType<typeof templateDischargeSummary>;
    try {
      s = templateDischargeSummary(state, 'en');
    } catch {
      return [];
    }
    const record = recordFromState(state);
    return [{ id: file, summary: s.text, record: { ...record, facts: [...record.facts, ...s.extraFacts] }, citations: s.citations, critical: s.critical }];
  });
}

/** E12: drops one sentence that names a critical fact (an allergy, a discharge drug). */
function omit(c: Case, base: FaithfulnessReport, pick: <T>(xs: readonly T[]) => T | undefined) {
  if (!c.critical?.length || !c.citations) return undefined;
  const criticalIds = new Set(c.critical.map((f) => f.id));
  const claim = pick(base.claims.filter((x) => x.citations.some((id) => criticalIds.has(id))));
  if (!claim) return undefined;
  return { type: 'E12', text: c.summary.slice(0, claim.start) + c.summary.slice(claim.end), start: claim.start, end: claim.start, note: `omitted: ${claim.text}` };
}

/** NegEx sentences: the sentence is the record; the same sentence with its polarity flipped must be flagged. */
function negexFlips(path: string) {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch {
    return { n: 0, note: `not found: ${path}` };
  }
  const rows = text.split('\n').slice(1).map((l) => l.split('\t')).filter((r) => r.length >= 4);
  let n = 0;
  let flagged = 0;
  let unaltered = 0;
  let falseFlags = 0;
  const cue = /\b(no|denies|denied|without|negative for|not)\s+/i;
  for (const [, , sentence, label] of rows) {
    if (!sentence || !label) continue;
    const record = recordFromTexts([{ id: 'sentence', text: sentence }], { lang: 'en' });
    const base = verifyText(sentence, record, { lang: 'en' });
    unaltered += base.claims.length;
    falseFlags += base.claims.filter((c) => c.verdict !== 'supported').length;
    const negated = label.trim().toLowerCase() === 'negated';
    const m = cue.exec(sentence);
    const flipped = negated && m ? sentence.slice(0, m.index) + sentence.slice(m.index + m[0].length) : undefined;
    if (!flipped) continue;
    const changedAt = m!.index;
    const report = verifyText(flipped, record, { lang: 'en' });
    const facts = extractFacts(flipped, { lang: 'en' }).facts;
    if (facts.length === 0) continue; // the concept is outside the lexicon: nothing to judge
    n++;
    if (report.claims.some((c) => c.start <= changedAt + 40 && c.end >= changedAt && c.verdict !== 'supported')) flagged++;
  }
  return { n, recall: ratio(flagged, n), unalteredClaims: unaltered, falseAlarmRate: ratio(falseFlags, unaltered), note: 'negated sentences with the negation cue removed; recall = share flagged' };
}
