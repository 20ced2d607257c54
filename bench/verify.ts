import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { basename, join } from 'node:path';
import { templateDischargeSummary } from '../src/compose/index.js';
import { allFacts, type Fact, type Lang, type PatientState } from '../src/core/index.js';
import { stateFromBundle } from '../src/fusion/index.js';
import { extractFacts } from '../src/nlp/index.js';
import {
  criticalErrorTypes,
  type ErrorType,
  errorTypes,
  type FaithfulnessReport,
  recordFromState,
  recordFromTexts,
  type VerificationRecord,
  verifyText,
} from '../src/verify/index.js';
import type { Benchmark } from './lib/harness.js';
import { sharedData } from './lib/harness.js';
import {
  allergyClassDrug,
  allergyDenied,
  allergyInvented,
  type ClinicalInjection,
  diagnosisNegated,
  imagingReversed,
  notOrderedAtDischarge,
  stoppedAtDischarge,
  valueChanged,
} from './verify-lib/clinical.js';
import { parseSeed, REPORT_SEEDS, spreadOverSeeds } from './verify-lib/seeds.js';
import {
  causalityInjector,
  fabricationInjector,
  type InjectContext,
  type Injection,
  injectors,
  mixingInjector,
  seededRandom,
} from './verify-lib/inject.js';

type Span = { readonly start: number; readonly end: number };

interface Case {
  readonly id: string;
  /** ccks: a CCKS2017 record's 出院记录-like text; template: MedSeek's composed summary; prose: a plain summary rendered here. */
  readonly variant: 'ccks' | 'template' | 'prose';
  readonly split: 'dev' | 'test';
  readonly summary: string;
  readonly record: VerificationRecord;
  /** Parts of the summary that restate the record (any flag on a claim there is wrong). */
  readonly grounded: readonly Span[];
  readonly citations?: Record<string, string>;
  readonly critical?: readonly Fact[];
}

/** Kinds issue 12 names as contradicted (beyond the taxonomy's critical types). */
const issue12Kinds = [
  'ALG-denied',
  'ALG-invented',
  'ALG-class',
  'DX-negated',
  'IMG-reversed',
  'E14-value',
  'MED-stopped',
  'MED-notordered',
  'E11',
];

const splitRule =
  'zh: dev = CCKS record id ≡ 0 (mod 4), test = the rest; en: dev = bundle at index ≡ 0 (mod 4) of the file names sorted, test = the rest. Look at dev cases only when changing the verifier; figures are reported on test (the default) unless --split says otherwise.';

/**
 * Error injection on real records (issues 7 and 12): take a record and a text about it, inject one error
 * of each kind where the text offers a place, and measure how often the verifier flags the changed claim
 * (recall), how often it blocks sign-off with that claim contradicted (block recall), and how often it
 * flags claims nobody changed.
 * - zh (CCKS2017): an 出院记录-like text per record: 入院情况 = the 病史特点 sentences of past history,
 *   allergies and examinations (copied), 诊疗经过 = the course sentences that give a drug with its dose
 *   (copied), 出院情况 = the record's own discharge-condition section; checked against the other sections.
 *   The copied parts restate the record; 出院情况 states the discharge day, which the other sections
 *   cannot contain, so a claim there is rightly *unsupported* unless the record says it.
 * - en (Synthea): MedSeek's composed discharge summary with its citations (template), and a plain summary
 *   without citations rendered here from the fused record (prose: problems, medications, results),
 *   each checked against the fused record; NegEx sentences with their polarity flipped.
 *
 * Development and report sets (kept from issue 12, not bench/lib/harness.ts devReportHalf: moving to
 * the hash halves would put records whose failures were read into the reported set): dev = CCKS
 * record id ≡ 0 (mod 4) / bundle index ≡ 0 (mod 4); individual failures (`examplesFromDev`) come from
 * dev cases only. The test cases' per-type figures were seen on every run (they are in the README)
 * while the verifier was changed, their single failures were not.
 * Seeds: without --seed the bench runs the five report seeds of verify-lib/seeds.ts, never used in
 * development (which used seed 1), and reports mean and min–max per error type; `--seed N` runs one.
 */
export default {
  name: 'verify',
  description: 'claim verification: recall and block recall per error kind, false alarms, zh and en (dev/test split)',
  defaultData: '../shared/data/emr-ccks2017-ner/ccks2017_emr_records.jsonl',
  async run({ data, args, log }) {
    const lang: Lang = (args.lang as Lang) ?? (data.endsWith('.jsonl') ? 'zh' : 'en');
    const seeds = args.seed === undefined ? REPORT_SEEDS : [parseSeed(args.seed)];
    const limit = Number(args.limit ?? Number.POSITIVE_INFINITY);
    const split = (args.split ?? 'test') as 'dev' | 'test' | 'all';
    if (!['dev', 'test', 'all'].includes(split)) throw new Error(`--split: '${split}' is not dev, test or all`);
    const variants = (args.variants ?? 'template,prose').split(',');
    const skipped: string[] = [];
    const all = lang === 'zh' ? zhCases(data) : enCases(data, variants, skipped);
    const cases = all.filter((c) => split === 'all' || c.split === split).slice(0, limit);
    log(
      `${cases.length} ${lang} cases (${split} split of ${all.length}) from ${data}${skipped.length ? `; ${skipped.length} texts not built` : ''}`,
    );
    const runs = seeds.map((seed) => {
      log(`seed ${seed}`);
      return scoreSeed(seed);
    });
    const result: Record<string, unknown> =
      args.seed === undefined
        ? spreadOverSeeds(runs, seeds)
        : {
            ...runs[0]!,
            seedUse: `one seed given with --seed: development; the README figures are the mean over ${REPORT_SEEDS.join(', ')}`,
          };
    if (lang === 'en' && args.negex !== 'false') {
      const negexPath = args.negex ?? sharedData('negex', 'negex_annotations_part1.tsv');
      Object.assign(result, {
        negex: negexFlips(negexPath),
        ...(existsSync(negexPath) ? { inputs: [negexPath] } : {}),
      });
    }
    return result;

    function scoreSeed(seed: number) {
      const rand = seededRandom(seed);
      const pick = <T>(xs: readonly T[]) => (xs.length === 0 ? undefined : xs[Math.floor(rand() * xs.length)]);
      // The later kinds draw from their own streams so the earlier kinds' picks stay as they were.
      const rand2 = seededRandom(seed + 7919);
      const pickLate = <T>(xs: readonly T[]) => (xs.length === 0 ? undefined : xs[Math.floor(rand2() * xs.length)]);
      const rand3 = seededRandom(seed + 104729);
      const pick12 = <T>(xs: readonly T[]) => (xs.length === 0 ? undefined : xs[Math.floor(rand3() * xs.length)]);
      const late = new Set(['E10', 'E11', 'E13']);
      const known = (s: string, l: Lang) => extractFacts(s, { lang: l }).facts;
      const built: Record<string, (c: InjectContext) => Injection | undefined> = {
        E01: fabricationInjector(known),
        E10: causalityInjector(known),
        E11: mixingInjector(known),
      };
      const clinical: Record<string, (c: InjectContext) => ClinicalInjection | undefined> = {
        'ALG-denied': allergyDenied,
        'ALG-invented': allergyInvented,
        'ALG-class': allergyClassDrug,
        'DX-negated': diagnosisNegated,
        'IMG-reversed': imagingReversed,
        'E14-value': valueChanged,
        'MED-stopped': stoppedAtDischarge,
        'MED-notordered': notOrderedAtDischarge(known),
      };
      const types = [
        'E01',
        ...Object.keys(injectors).filter((t) => !late.has(t)),
        'E12',
        'E10',
        'E11',
        'E13',
        ...Object.keys(clinical),
      ];
      const blank = () => ({
        n: 0,
        flagged: 0,
        blocked: 0,
        typed: 0,
        controls: 0,
        controlFlagged: 0,
        controlContradicted: 0,
        parts: {} as Record<string, { n: number; flagged: number; blocked: number }>,
      });
      const per: Record<string, ReturnType<typeof blank>> = {};
      const examples: Record<string, { case: string; note: string; claim: string; verdict: string; reason: string }[]> =
        {};
      const unaltered = {
        claims: 0,
        flagged: 0,
        contradicted: 0,
        omissions: 0,
        major: 0,
        groundedClaims: 0,
        groundedFlagged: 0,
        wrong: 0,
      };
      const byVariant: Record<string, { claims: number; flagged: number; wrong: number; contradicted: number }> = {};
      for (const c of cases) {
        const opts = { lang, citations: c.citations, critical: c.critical, laterThanRecord: lang === 'zh' };
        const base = verifyText(c.summary, c.record, opts);
        const inGrounded = (x: Span) => c.grounded.some((g) => x.start < g.end && x.end > g.start);
        byVariant[c.variant] ??= { claims: 0, flagged: 0, wrong: 0, contradicted: 0 };
        const v = byVariant[c.variant]!;
        for (const x of base.claims) {
          const grounded = inGrounded(x);
          const flagged = x.verdict !== 'supported';
          const contradicted = x.verdict === 'contradicted';
          const wrong = contradicted || (grounded && flagged);
          const major = flagged && !!x.errorType && !!errorTypes[x.errorType as ErrorType]?.major;
          unaltered.claims++;
          unaltered.flagged += +flagged;
          unaltered.contradicted += +contradicted;
          unaltered.major += +major;
          unaltered.groundedClaims += +grounded;
          unaltered.groundedFlagged += +(grounded && flagged);
          unaltered.wrong += +wrong;
          v.claims++;
          v.flagged += +flagged;
          v.contradicted += +contradicted;
          v.wrong += +wrong;
        }
        unaltered.omissions += base.omissions.length;
        const supportedFacts = new Set(
          base.claims.filter((x) => x.verdict === 'supported').flatMap((x) => x.facts.map((f) => f.factId)),
        );
        const facts = extractFacts(
          c.summary.replace(/\[F\d+(?:\s*,\s*F\d+)*\]/g, (m) => ' '.repeat(m.length)),
          { lang, document: 'checked-text' },
        ).facts;
        const ctx: InjectContext = {
          text: c.summary,
          lang,
          facts,
          record: c.record.facts,
          documents: c.record.documents,
          eligible: (f) => supportedFacts.has(f.id),
          pick,
          grounded: c.grounded,
        };
        for (const type of types) {
          let inj: ClinicalInjection | undefined;
          if (type === 'E12') inj = lang === 'en' ? omit(c, base, pick) : undefined;
          else if (clinical[type]) inj = clinical[type]!({ ...ctx, pick: pick12 });
          else inj = (built[type] ?? injectors[type]!)(late.has(type) ? { ...ctx, pick: pickLate } : ctx);
          if (!inj) continue;
          const report = verifyText(inj.text, c.record, opts);
          per[inj.type] ??= blank();
          const s = per[inj.type]!;
          s.n++;
          if (inj.type === 'E12') {
            const found = +(report.omissions.length > base.omissions.length);
            s.flagged += found;
            s.blocked += found;
            s.typed += found;
            continue;
          }
          const hit = report.claims.filter((x) => x.start < Math.max(inj.end, inj.start + 1) && x.end > inj.start);
          const flaggedHit = hit.filter((x) => x.verdict !== 'supported');
          if (flaggedHit.length > 0) s.flagged++;
          const blocked = report.blocked && hit.some((x) => x.verdict === 'contradicted');
          if (blocked) s.blocked++;
          if (lang === 'zh' && (inj.type.startsWith('E02') || inj.type === 'E06')) {
            const part = inj.type === 'E06' ? sidePart(inj, c) : polarityPart(inj, c);
            s.parts[part] ??= { n: 0, flagged: 0, blocked: 0 };
            const p = s.parts[part]!;
            p.n++;
            p.flagged += +(flaggedHit.length > 0);
            p.blocked += +blocked;
          }
          const family = inj.type.slice(0, 3);
          if (flaggedHit.some((x) => x.errorType === family || x.facts.some((f) => f.errorType === family))) s.typed++;
          if (!blocked && c.split === 'dev') {
            examples[inj.type] ??= [];
            const list = examples[inj.type]!;
            const shown = hit[0];
            if (list.length < 6)
              list.push({
                case: c.id,
                note: inj.note,
                claim: shown?.text ?? '(no claim)',
                verdict: shown?.verdict ?? '-',
                reason: shown?.reason ?? '',
              });
          }
          if (inj.control) {
            const k = inj.control;
            const cr = verifyText(k.text, c.record, opts);
            const kh = cr.claims.filter((x) => x.start < k.end && x.end > k.start);
            s.controls++;
            if (kh.some((x) => x.verdict !== 'supported')) s.controlFlagged++;
            if (kh.some((x) => x.verdict === 'contradicted')) s.controlContradicted++;
          }
        }
      }
      const isCritical = (t: string) =>
        criticalErrorTypes.includes(t.slice(0, 3) as ErrorType) || issue12Kinds.includes(t);
      const taxonomyCritical = (t: string) =>
        criticalErrorTypes.includes(t.slice(0, 3) as ErrorType) && !issue12Kinds.includes(t);
      const perType = Object.fromEntries(
        Object.entries(per).map(([t, s]) => [
          t,
          {
            n: s.n,
            recall: ratio(s.flagged, s.n),
            blockRecall: ratio(s.blocked, s.n),
            typedRecall: ratio(s.typed, s.n),
            critical: isCritical(t),
            ...(s.controls
              ? {
                  controls: s.controls,
                  controlFlagRate: ratio(s.controlFlagged, s.controls),
                  controlContradictedRate: ratio(s.controlContradicted, s.controls),
                }
              : {}),
            ...(Object.keys(s.parts).length ? { parts: s.parts } : {}),
          },
        ]),
      );
      const sum = (pred: (t: string) => boolean, k: 'n' | 'flagged' | 'blocked') =>
        Object.entries(per)
          .filter(([t]) => pred(t))
          .reduce((a, [, s]) => a + s[k], 0);
      const injected = sum(() => true, 'n');
      // Polarity flips in the 出院情况 part that agree with what the record says at admission cannot be
      // refuted from the record (the discharge day is not in it): counted apart, as the limit they are.
      const partSum = (parts: readonly string[], k: 'n' | 'flagged' | 'blocked') =>
        Object.values(per).reduce(
          (a, s) =>
            a +
            Object.entries(s.parts)
              .filter(([part]) => parts.includes(part))
              .reduce((b, [, x]) => b + x[k], 0),
          0,
        );
      // Flagging is warranted unless the record agrees with the flipped statement or never names it;
      // blocking is warranted only where the text and the record speak of the same moment (the restated part).
      const unflaggable = (k: 'n' | 'flagged' | 'blocked') =>
        partSum(['discharge:record-present', 'discharge:record-silent', 'discharge:negated-finding'], k);
      const unblockable = (k: 'n' | 'flagged' | 'blocked') =>
        partSum(
          [
            'discharge:record-present',
            'discharge:record-silent',
            'discharge:record-absent',
            'discharge:negated-finding',
          ],
          k,
        );
      const result = {
        lang,
        seed,
        split: { scored: split, rule: splitRule, cases: cases.length, of: all.length },
        n: injected,
        cases: cases.length,
        recall: ratio(
          sum(() => true, 'flagged'),
          injected,
        ),
        criticalRecall: ratio(sum(isCritical, 'flagged'), sum(isCritical, 'n')),
        criticalBlockRecall: ratio(sum(isCritical, 'blocked'), sum(isCritical, 'n')),
        taxonomyCriticalRecall: ratio(sum(taxonomyCritical, 'flagged'), sum(taxonomyCritical, 'n')),
        ...(lang === 'zh'
          ? {
              detectableCriticalRecall: ratio(
                sum(isCritical, 'flagged') - unflaggable('flagged'),
                sum(isCritical, 'n') - unflaggable('n'),
              ),
              detectableCriticalBlockRecall: ratio(
                sum(isCritical, 'blocked') - unblockable('blocked'),
                sum(isCritical, 'n') - unblockable('n'),
              ),
              injectionsNotFlaggable: unflaggable('n'),
              injectionsNotBlockable: unblockable('n'),
            }
          : {}),
        issue12Recall: ratio(
          sum((t) => issue12Kinds.includes(t), 'flagged'),
          sum((t) => issue12Kinds.includes(t), 'n'),
        ),
        issue12BlockRecall: ratio(
          sum((t) => issue12Kinds.includes(t), 'blocked'),
          sum((t) => issue12Kinds.includes(t), 'n'),
        ),
        wronglyFlaggedRate: ratio(unaltered.wrong, unaltered.claims),
        falseAlarmRate: ratio(unaltered.flagged, unaltered.claims),
        falseContradictionRate: ratio(unaltered.contradicted + unaltered.omissions, unaltered.claims),
        majorFalseAlarmRate: ratio(unaltered.major, unaltered.claims),
        groundedFlagRate: ratio(unaltered.groundedFlagged, unaltered.groundedClaims),
        unalteredClaims: unaltered.claims,
        groundedClaims: unaltered.groundedClaims,
        byVariant: Object.fromEntries(
          Object.entries(byVariant).map(([k, x]) => [
            k,
            {
              claims: x.claims,
              anyFlagRate: ratio(x.flagged, x.claims),
              wronglyFlaggedRate: ratio(x.wrong, x.claims),
              contradictedRate: ratio(x.contradicted, x.claims),
            },
          ]),
        ),
        perType,
        goal: { criticalRecall: 0.97, wronglyFlaggedRate: 0.03 },
        definitions: {
          recall:
            'share of injected errors whose changed claim the verifier flags (contradicted or unsupported); E12: the omission is reported',
          blockRecall:
            'share where sign-off is blocked with the changed claim contradicted (E12: blocked by the omission) — what "unsafe text cannot reach sign-off" needs',
          criticalRecall: `flag recall over the critical kinds: the taxonomy's (${criticalErrorTypes.join(', ')}; E02-neg counts with E02) and issue 12's (${issue12Kinds.join(', ')})`,
          taxonomyCriticalRecall:
            'flag recall over the taxonomy critical types only (the figure issue 7/12 first quoted, 0.63 zh)',
          wronglyFlaggedRate:
            'share of unaltered claims wrongly flagged: called contradicted anywhere, or flagged at all where the text restates the record (the copied 入院情况/诊疗经过 sentences; the whole en summary). An unaltered 出院情况 claim that the record cannot confirm (discharge-day vitals, 无发热 at discharge) is rightly unsupported and is not counted',
          falseAlarmRate:
            'share of unaltered claims flagged at all (contradicted or unsupported), whatever the record can confirm — the 14 % figure of issue 12',
          falseContradictionRate:
            'share of unaltered claims called contradicted (plus omissions reported on unaltered texts)',
          majorFalseAlarmRate:
            'share of unaltered claims flagged with a major error type (E15 "not documented" flags are minor)',
          detectableCriticalRecall:
            'criticalRecall without the E02/E02-neg injections made in the 出院情况 part where the record text affirms the finding or never names it (parts "discharge:record-present"/"discharge:record-silent"): a discharge-day statement that agrees with the admission note cannot be questioned from the record. Parts: restated (copied 入院情况/诊疗经过), discharge:record-absent (the admission note negates it), discharge:record-present, discharge:record-silent',
          detectableCriticalBlockRecall:
            'criticalBlockRecall without any E02/E02-neg injection in the 出院情况 part (nor E06 side swaps of a finding stated absent there, part "discharge:negated-finding", also left out of detectableCriticalRecall): a finding present at discharge that the admission note denied may be new (咽部稍浮肿 after 无水肿), so the record warrants a flag (unsupported) there, not a contradiction; only flips in the restated part are refutable',
          controls:
            'for ALG-denied, ALG-invented and DX-negated the same sentence true to the record is appended instead; controlFlagRate = share of those flagged (false alarms of that kind)',
          'E02-neg':
            'a finding the record affirms, stated absent; in a later-moment text (condition at discharge) indistinguishable from resolution without later documentation',
          E10: 'appended “因A导致B” / “B due to A” linking two record concepts no record sentence links with a causal cue',
          E11: 'appended “出院带药：X” / “Discharge medications: X” for a drug the record stopped before the discharge day (critical: the record refutes it)',
          'E11-iv':
            'the same for a drug the record gave only IV, in a record without discharge orders: not critical (a flag is warranted, a contradiction is not)',
          E13: 'appended one unsafe-advice sentence per rule of src/verify/data/unsafe-advice.json',
          'ALG-denied':
            'record affirms a drug allergy (pattern on the record text, bench/verify-lib/clinical.ts); appended “否认药物过敏史。” / “No known drug allergies.”',
          'ALG-invented':
            'record denies drug allergies and names no allergen; appended an allergy to penicillin, a cephalosporin or sulfa',
          'ALG-class':
            'record affirms an allergy to a class with a labelled cross-reactivity contraindication; appended a discharge prescription of another member (sources in clinical.ts)',
          'DX-negated':
            'zh: record past history denies 高血压/糖尿病/冠心病/脑梗死/肝炎/结核; appended “既往有X病史。”',
          'IMG-reversed':
            'zh: an imaging result in the copied 入院情况 turned to its opposite (a finding → 未见明显异常; a normal chest/head study → 右下肺斑片状密度增高影 / 右侧基底节区低密度影)',
          'E14-value': 'a laboratory value in the restated part multiplied by ten',
          'MED-stopped': 'en: a drug whose every order is stopped/completed in the record, listed at discharge',
          'MED-notordered': 'en: a drug the record never names, listed at discharge in a record with active orders',
        },
        notCovered:
          lang === 'zh'
            ? 'CCKS2017 records have no discharge orders and no stop/once events (停用, 一次, 临时医嘱): MED-stopped / MED-notordered / drug-given-once cannot be injected on them; the pair suite (src/verify/pairs.test.ts) covers them'
            : 'Synthea bundles hold no drug allergies (only food/environment), no allergy denials, no imaging results and no text: the ALG-* kinds, DX-negated and IMG-reversed cannot be injected; the pair suite covers them',
        ...(skipped.length ? { skipped } : {}),
        examplesFromDev: examples,
        table: Object.entries(perType).map(([type, s]) => ({ type, ...s })),
      };
      return result;
    }
  },
} satisfies Benchmark;

/**
 * Where a zh polarity flip was made: in the restated part, or in 出院情况 — and then whether the record
 * text negates the finding (refutable), affirms it, or never names it. Read with a plain pattern on the
 * record text, not with the NLP stage under test.
 */
function polarityPart(inj: Injection, c: Case): string {
  if (c.grounded.some((g) => inj.start >= g.start && inj.start < g.end)) return 'restated';
  const after = inj.text.slice(inj.start, inj.start + 12);
  const word = /^(?:无|no )?([\u4e00-\u9fa5]{2,4})/.exec(after)?.[1];
  if (!word) return 'discharge:record-silent';
  const stem = word.slice(0, 2);
  const docs = c.record.documents.map((d) => d.text).join('\n');
  const negated = new RegExp(`(?:无|未见|未及|未闻及|否认|不伴|没有|未)[^。；，,]{0,6}${stem}`).test(docs);
  if (negated) return 'discharge:record-absent';
  return docs.includes(stem) ? 'discharge:record-present' : 'discharge:record-silent';
}

/**
 * Where a zh side swap was made: in the restated part, or in 出院情况 on a finding stated absent
 * ("左胸部无肿胀" for 右胸部无肿胀 — a statement about the discharge day the record cannot question) or
 * present.
 */
function sidePart(inj: Injection, c: Case): string {
  if (c.grounded.some((g) => inj.start >= g.start && inj.start < g.end)) return 'restated';
  const clause = inj.text.slice(inj.start, inj.start + 16).split(/[，,。；;\n]/)[0] ?? '';
  return /无|未|不|否认/.test(clause) ? 'discharge:negated-finding' : 'discharge:affirmed-finding';
}

function ratio(a: number, b: number): number {
  return b === 0 ? Number.NaN : a / b;
}

const SUMMARY = '出院情况';
// Sentences of 病史特点 that an 出院记录's 入院情况 restates: past history, allergies, examinations.
const admissionSentence = /既往|过敏|辅助检查|CT|X光|X线|正位片|彩超|B超|超声|MRI|磁共振|血常规|示[：:]/;

export function zhCases(path: string): Case[] {
  return readFileSync(path, 'utf8')
    .split('\n')
    .filter((l) => l.trim())
    .flatMap((line, i) => {
      const r = JSON.parse(line) as { id: number; sections: Record<string, { text: string }> };
      const id = r.id ?? i + 1;
      const target = r.sections[SUMMARY]?.text;
      if (!target) return [];
      const sources = Object.entries(r.sections)
        .filter(([k]) => k !== SUMMARY)
        .map(([k, v]) => ({ id: `${id}/${k}`, text: v.text }));
      const record = recordFromTexts(sources, { lang: 'zh' });
      const sentences = (t: string) => t.split(/(?<=[。；])/).filter((s) => s.trim());
      const admission = sentences(r.sections['病史特点']?.text ?? '').filter((s) => admissionSentence.test(s));
      const course = sentences(r.sections['诊疗经过']?.text ?? '').filter((s) =>
        extractFacts(s, { lang: 'zh' }).facts.some((f) => f.category === 'medication' && f.dosage?.dose),
      );
      const parts = [
        { head: '入院情况：', body: admission.join('') },
        { head: '诊疗经过：', body: course.join('') },
        { head: '出院情况：', body: target },
      ].filter((p) => p.body);
      let summary = '';
      const grounded: Span[] = [];
      for (const p of parts) {
        const start = summary.length + p.head.length;
        summary += `${p.head}${p.body}${p.body.endsWith('。') ? '' : '。'}\n`;
        if (p.head !== '出院情况：') grounded.push({ start, end: start + p.body.length });
      }
      return [
        {
          id: String(id),
          variant: 'ccks' as const,
          split: id % 4 === 0 ? ('dev' as const) : ('test' as const),
          summary,
          record,
          grounded,
        },
      ];
    });
}

function enCases(path: string, variants: readonly string[], skipped: string[]): Case[] {
  const files = statSync(path).isDirectory()
    ? readdirSync(path)
        .filter((f) => f.endsWith('.json'))
        .sort()
        .map((f) => join(path, f))
    : [path];
  return files.flatMap((file, i) => {
    const state = stateFromBundle(JSON.parse(readFileSync(file, 'utf8')));
    const record = recordFromState(state);
    const split = i % 4 === 0 ? ('dev' as const) : ('test' as const);
    const out: Case[] = [];
    if (variants.includes('template')) {
      try {
        const s = templateDischargeSummary(state, 'en');
        out.push({
          id: `${basename(file)}#template`,
          variant: 'template',
          split,
          summary: s.text,
          record: { ...record, facts: [...record.facts, ...s.extraFacts] },
          grounded: [{ start: 0, end: s.text.length }],
          citations: s.citations,
          critical: s.critical,
        });
      } catch (e) {
        skipped.push(`${basename(file)} template: ${(e as Error).message}`);
      }
    }
    if (variants.includes('prose')) {
      const text = proseSummary(state);
      if (text)
        out.push({
          id: `${basename(file)}#prose`,
          variant: 'prose',
          split,
          summary: text,
          record,
          grounded: [{ start: 0, end: text.length }],
        });
      else skipped.push(`${basename(file)} prose: nothing to state`);
    }
    return out;
  });
}

/**
 * A plain English summary of a fused record, written without citations (as a person or a model would):
 * the patient's problems, current and stopped medications, and the latest numeric results. Every
 * statement is the record's own, so any flag on it is a false alarm.
 */
export function proseSummary(state: PatientState): string {
  const facts = allFacts(state).filter((f) => f.subject.who === 'patient');
  const name = (f: Fact) => f.concept.display ?? f.concept.displayZh ?? '';
  const uniq = (fs: readonly Fact[]) => [...new Map(fs.filter((f) => name(f)).map((f) => [name(f), f])).values()];
  const problems = uniq(
    facts.filter(
      (f) =>
        f.category === 'condition' &&
        f.assertion === 'present' &&
        !f.time?.end &&
        f.status !== 'resolved' &&
        f.status !== 'inactive',
    ),
  ).slice(0, 6);
  const meds = uniq(facts.filter((f) => f.category === 'medication' && f.qualifiers?.kind !== 'immunization'));
  const active = meds.filter((f) => f.status === 'active').slice(0, 6);
  const activeNames = new Set(active.map(name));
  const stopped = meds
    .filter((f) => (f.status === 'stopped' || f.status === 'completed') && !activeNames.has(name(f)))
    .slice(0, 2);
  const latest = new Map<string, Fact>();
  for (const f of facts) {
    // Panels (blood pressure) carry two values; a summary writes them apart, so they are left out here.
    if (
      f.category !== 'measurement' ||
      typeof f.value?.value !== 'number' ||
      !f.value.unit ||
      !f.time?.start ||
      /blood pressure/i.test(name(f))
    )
      continue;
    const k = name(f);
    const prev = latest.get(k);
    if (!prev || (prev.time?.start ?? '') < f.time.start) latest.set(k, f);
  }
  const results = [...latest.values()].sort((a, b) => name(a).localeCompare(name(b))).slice(0, 6);
  const lines: string[] = [];
  if (problems.length) lines.push(`Problems: ${problems.map(name).join('; ')}.`);
  if (stopped.length) lines.push(...stopped.map((f) => `${name(f)} was stopped.`));
  // Values rounded to three significant digits, as a person writes them (Synthea stores 8.528144890830262).
  for (const f of results)
    lines.push(
      `${name(f)} ${Number((f.value!.value as number).toPrecision(3))} ${f.value!.unit} on ${f.time!.start!.slice(0, 10)}.`,
    );
  if (active.length)
    lines.push(
      `Discharge medications: ${active.map((f) => `${name(f)}${f.dosage?.asNeeded ? ' as needed' : ''}`).join('; ')}.`,
    );
  return lines.join('\n');
}

/** E12: drops one sentence that names a critical fact (an allergy, a discharge drug). */
function omit(
  c: Case,
  base: FaithfulnessReport,
  pick: <T>(xs: readonly T[]) => T | undefined,
): ClinicalInjection | undefined {
  if (!c.critical?.length || !c.citations) return undefined;
  const criticalIds = new Set(c.critical.map((f) => f.id));
  const claim = pick(base.claims.filter((x) => x.citations.some((id) => criticalIds.has(id))));
  if (!claim) return undefined;
  return {
    type: 'E12',
    text: c.summary.slice(0, claim.start) + c.summary.slice(claim.end),
    start: claim.start,
    end: claim.start,
    note: `omitted: ${claim.text}`,
  };
}

/** NegEx sentences: the sentence is the record; the same sentence with its polarity flipped must be flagged. */
function negexFlips(path: string) {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch {
    return { n: 0, note: `not found: ${path}` };
  }
  const rows = text
    .split('\n')
    .slice(1)
    .map((l) => l.split('\t'))
    .filter((r) => r.length >= 4);
  let n = 0;
  let flagged = 0;
  let blocked = 0;
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
    const hit = report.claims.filter((c) => c.start <= changedAt + 40 && c.end >= changedAt);
    if (hit.some((c) => c.verdict !== 'supported')) flagged++;
    if (report.blocked && hit.some((c) => c.verdict === 'contradicted')) blocked++;
  }
  return {
    n,
    recall: ratio(flagged, n),
    blockRecall: ratio(blocked, n),
    unalteredClaims: unaltered,
    falseAlarmRate: ratio(falseFlags, unaltered),
    note: 'negated sentences with the negation cue removed; recall = share flagged, blockRecall = share contradicted',
  };
}
