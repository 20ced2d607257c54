import type { Assertion, Fact, Lang, Say, Source, Verdict } from '../core/index.js';
import { conceptLabel, molarMassOf, routeOf, say } from '../core/index.js';
import { compareQuantity, formatQuantity } from './quantity.js';
import type { RecordIndex } from './record.js';
import type { ErrorType } from './taxonomy.js';

/** The verdict on one fact stated by a claim. */
export interface FactJudgement {
  readonly fact: Fact;
  readonly verdict: Verdict;
  readonly errorType?: ErrorType;
  readonly reason: string;
  /** Record sources that support it, or that contradict it. */
  readonly evidence: readonly Source[];
}

type Polarity = 'pos' | 'neg' | 'uncertain' | 'conditional';

function polarity(a: Assertion): Polarity {
  if (a === 'absent') return 'neg';
  if (a === 'possible') return 'uncertain';
  if (a === 'hypothetical') return 'conditional';
  return 'pos';
}

const rank: Record<Verdict, number> = { supported: 0, unsupported: 1, contradicted: 2 };

export function worse<T extends { verdict: Verdict }>(a: T, b: T): T {
  return rank[b.verdict] > rank[a.verdict] ? b : a;
}

/**
 * Judges one fact of a claim against the record. `cited` are the facts the claim cites: a claim is
 * judged against its citations first, then against the whole record (a supported statement with a
 * wrong citation is still supported, and says so).
 */
export interface JudgeOptions {
  /**
   * The text describes a later moment than the record (a discharge summary's condition at
   * discharge): a finding documented earlier and stated absent now is a resolution, not an error.
   */
  readonly laterThanRecord?: boolean;
  /** The sentence the fact stands in, for the cues that decide a verdict (既往…史, history of, a study). */
  readonly sentence?: string;
  /** The words around the fact up to its value ("CRP was 960 mg/L on admission"), for the moment it speaks of. */
  readonly local?: string;
}

/** The admission moment, which the record documents: a value or finding stated for it must be the record's. */
const admissionCue =
  /入院时|入院查|入院后查|入院检查|入院当天|入院|on admission|at admission|admission|presented with|on presentation/i;

/**
 * A later moment than the record's values ("复查", "出院前", "on discharge", "improved to"): a value that
 * differs may be a new measurement, so it is unverified, not contradicted.
 */
const laterCue =
  /复查|复测|再次|复诊|出院前|出院时|治疗后|术后|好转|降至|升至|回落|恢复|下降|上升|转阴|repeat|recheck|re-?check|follow-?up|on discharge|at discharge|prior to discharge|before discharge|improved|decreased|increased|trended|normali[sz]ed|post-?op|rose to|fell to/i;
/** A medication event (stop, hold, change, a single dose): its date and "once" are the event's, not the order's. */
const eventCue =
  /停用|停药|暂停|改为|换为|(?<![日天周晚早时每])一次|临时|stopped|discontinued|held|switched|changed|given once|single dose|\bonce\b(?!\s+(?:daily|a day|a week|weekly|nightly|every|per))|\bx1\b|\bstat\b/i;
/** The sentence speaks of a history, which cannot resolve ("否认糖尿病史", "no history of diabetes"). */
const historyCue = /史|既往|history|\bhx\b|past medical/i;
/** Imaging and test results: a finding reversed against the same study is a contradiction, not a resolution. */
export const resultCue =
  /胸片|X线|x-ray|xray|\bCT\b|MRI|磁共振|超声|彩超|B超|心电图|\bECG\b|\bEKG\b|造影|内镜|胃镜|肠镜|镜检|培养|病理|radiograph|imaging|ultrasound|echocardiogra|\becho\b|scan|culture|biopsy|patholog|endoscop/i;

export function judgeFact(
  fact: Fact,
  index: RecordIndex,
  cited: readonly Fact[],
  lang: Lang,
  options: JudgeOptions = {},
): FactJudgement {
  const t = say(lang);
  const name = conceptLabel(fact.concept, lang);
  if (polarity(fact.assertion) === 'conditional') {
    return {
      fact,
      verdict: 'supported',
      reason: t(
        `conditional instruction about ${name}; not a statement of fact`,
        `关于“${name}”的条件性嘱咐，非事实陈述`,
      ),
      evidence: [],
    };
  }
  const citedSame = cited.filter((c) => index.candidates(fact).includes(c));
  if (citedSame.length > 0) {
    const j = judgeAgainst(fact, citedSame, t, name, options);
    if (j.verdict === 'supported') return j;
  }
  const all = index.candidates(fact);
  if (all.length === 0) {
    const mention = fact.sources.find((s) => s.kind === 'text')?.quote;
    const verbatim = mention ? index.findVerbatim(mention) : undefined;
    if (
      verbatim &&
      fact.assertion !== 'absent' &&
      fact.value?.original &&
      !index.findVerbatim(fact.value.original) &&
      !index.findVerbatim(String(fact.value.value))
    ) {
      return {
        fact,
        verdict: 'unsupported',
        errorType: 'E14',
        reason: t(
          `${name} ${formatQuantity(fact.value)}: this value is not in the record`,
          `${name} ${formatQuantity(fact.value)}：病历中无此数值`,
        ),
        evidence: [verbatim],
      };
    }
    if (verbatim && fact.assertion !== 'absent') {
      return {
        fact,
        verdict: 'supported',
        reason: t(`“${mention}” appears in the record`, `“${mention}”见于病历原文`),
        evidence: [verbatim],
      };
    }
    const named = mention ? index.namedLike(mention) : [];
    if (named.length > 0) return judgeAgainst(fact, named, t, name, options);
    if (fact.assertion === 'absent') {
      return {
        fact,
        verdict: 'unsupported',
        errorType: 'E15',
        reason: t(`the record does not document the absence of ${name}`, `病历未记载“无${name}”`),
        evidence: [],
      };
    }
    // A diagnosis the patient never had, where the record lists the diagnoses and problem history.
    const diagnoses =
      fact.category === 'condition' &&
      fact.subject.who === 'patient' &&
      (fact.assertion === 'present' || fact.assertion === 'historical')
        ? index.diagnosisList(fact.assertion === 'historical' || fact.section === 'past_history')
        : [];
    if (diagnoses.length > 0) {
      const listed = [...new Set(diagnoses.map((d) => conceptLabel(d.concept, lang)))]
        .slice(0, 6)
        .join(lang === 'zh' ? '、' : ', ');
      return {
        fact,
        verdict: 'contradicted',
        errorType: 'E01',
        reason: t(
          `${name} is not among the record's diagnoses and problem history (${listed})`,
          `病历的诊断及既往史中没有“${name}”（病历诊断：${listed}）`,
        ),
        evidence: diagnoses.flatMap((d) => d.sources).slice(0, 6),
      };
    }
    return {
      fact,
      verdict: 'unsupported',
      errorType: 'E01',
      reason: t(`${name} is not in the record`, `病历中没有“${name}”`),
      evidence: [],
    };
  }
  const j = judgeAgainst(fact, all, t, name, options);
  if (j.verdict === 'supported' && cited.length > 0 && citedSame.length === 0) {
    return { ...j, reason: t(`${j.reason} (the cited facts do not state it)`, `${j.reason}（所引事实未述及）`) };
  }
  return j;
}

function judgeAgainst(
  fact: Fact,
  candidates: readonly Fact[],
  t: Say,
  name: string,
  options: JudgeOptions,
): FactJudgement {
  const sources = (fs: readonly Fact[]) => fs.flatMap((f) => f.sources);
  // Who: a relative's condition stated as the patient's, or the reverse (E09).
  const same = candidates.filter((c) => c.subject.who === fact.subject.who);
  if (same.length === 0) {
    const who = fact.subject.who === 'patient' ? t('a relative', '家属') : t('the patient', '患者本人');
    return {
      fact,
      verdict: 'contradicted',
      errorType: 'E09',
      reason: t(`the record gives ${name} for ${who}`, `病历中“${name}”属于${who}`),
      evidence: sources(candidates),
    };
  }
  const p = polarity(fact.assertion);
  const pos = same.filter((c) => polarity(c.assertion) === 'pos');
  const neg = same.filter((c) => polarity(c.assertion) === 'neg');
  const unc = same.filter((c) => polarity(c.assertion) === 'uncertain');
  if (p === 'neg') {
    // A side on a denied or ruled-out finding is part of what is denied: "待除外右侧第5肋骨骨折" is not the
    // record's "待除外左侧第5肋骨骨折", nor "右下肢无水肿" its "左下肢无水肿".
    const sided = neg.filter((c) => c.laterality);
    // (Where the record also affirms the finding, the site check in sites.ts compares the claim with that.)
    if (
      fact.laterality &&
      pos.length === 0 &&
      sided.length > 0 &&
      !sided.some((c) => c.laterality === fact.laterality) &&
      !same.some((c) => c.laterality === fact.laterality || c.laterality === 'bilateral')
    ) {
      const c = sided[0]!;
      const ruleOut = /待除外|待排|除外|不除外|可疑|疑似|rule out|r\/o|possible|suspected|cannot be excluded/i.test(
        options.local ?? options.sentence ?? '',
      );
      return {
        fact,
        verdict: ruleOut ? 'contradicted' : 'unsupported',
        errorType: 'E06',
        reason: t(
          `${name}: the record's statement is about the ${c.laterality} side, not ${fact.laterality}`,
          `${name}：病历所述为${zhSide(c.laterality!)}，非${zhSide(fact.laterality)}`,
        ),
        evidence: sided.flatMap((x) => x.sources),
      };
    }
    if (neg.length > 0)
      return {
        fact,
        verdict: 'supported',
        reason: t(`the record also documents no ${name}`, `病历亦记载无${name}`),
        evidence: sources(neg),
      };
    const local = options.local ?? options.sentence ?? '';
    const atAdmission = admissionCue.test(local) && !laterCue.test(local);
    if (options.laterThanRecord && fact.category === 'finding' && !atAdmission) {
      return {
        fact,
        verdict: 'supported',
        reason: t(`${name} was documented earlier; now stated resolved`, `病历曾记载${name}，现述已消失`),
        evidence: sources(pos),
      };
    }
    // A history denied that the record documents cannot be a resolution; nor, in a text about the
    // same stay, a diagnosis, an allergy or a study's result stated absent that the record affirms.
    const sentence = options.sentence ?? '';
    const history = (fact.category === 'condition' || fact.category === 'allergy') && historyCue.test(sentence);
    const admission = admissionCue.test(options.local ?? sentence) && !laterCue.test(options.local ?? sentence);
    const sameMoment =
      ((!options.laterThanRecord || admission) && (fact.category === 'condition' || fact.category === 'allergy')) ||
      ((fact.category === 'finding' || fact.category === 'imaging') &&
        ((!options.laterThanRecord && resultCue.test(sentence)) || admission));
    if (pos.length > 0 && (history || sameMoment)) {
      return {
        fact,
        verdict: 'contradicted',
        errorType: 'E02',
        reason: t(`the record documents ${name}`, `病历记载有${name}`),
        evidence: sources(pos),
      };
    }
    // Present earlier and absent now may be resolution: flag for review, don't call it false.
    return {
      fact,
      verdict: 'unsupported',
      errorType: 'E02',
      reason: t(
        `the record documents ${name} as present; its absence is not documented`,
        `病历记载有${name}，未记载其消失`,
      ),
      evidence: sources([...pos, ...unc]),
    };
  }
  if (p === 'uncertain') {
    if (pos.length + unc.length > 0)
      return {
        fact,
        verdict: 'supported',
        reason: t(`${name} is in the record`, `病历中有${name}`),
        evidence: sources([...unc, ...pos]),
      };
    return {
      fact,
      verdict: 'contradicted',
      errorType: 'E08',
      reason: t(`the record rules ${name} out`, `病历已排除${name}`),
      evidence: sources(neg),
    };
  }
  if (pos.length === 0) {
    if (unc.length > 0)
      return {
        fact,
        verdict: 'contradicted',
        errorType: 'E08',
        reason: t(`the record has ${name} only as suspected`, `病历中${name}仅为疑似`),
        evidence: sources(unc),
      };
    return {
      fact,
      verdict: 'contradicted',
      errorType: 'E02',
      reason: t(`the record documents no ${name}`, `病历记载无${name}`),
      evidence: sources(neg),
    };
  }
  return judgeAttributes(fact, pos, t, name, options);
}

/** Among facts that agree on concept, subject and polarity: do laterality, values, dose and time agree too? */
function judgeAttributes(
  fact: Fact,
  candidates: readonly Fact[],
  t: Say,
  name: string,
  options: JudgeOptions,
): FactJudgement {
  // A side stated in the claim must be a side the record gives; mentions without a side don't vouch for it.
  if (fact.laterality) {
    const sided = candidates.filter((c) => c.laterality);
    if (sided.length > 0 && !sided.some((c) => c.laterality === fact.laterality)) {
      const c = sided[0]!;
      return {
        fact,
        verdict: 'contradicted',
        errorType: 'E06',
        reason: t(
          `${name}: the record says ${c.laterality}, not ${fact.laterality}`,
          `${name}：病历为${zhSide(c.laterality!)}，非${zhSide(fact.laterality)}`,
        ),
        evidence: sided.flatMap((x) => x.sources),
      };
    }
  }
  // Likewise a duration ("发热3周"): mentions without one don't vouch for it when others disagree.
  const ft = fact.time?.duration;
  if (ft && !fact.dosage) {
    const timed = candidates.filter((c) => c.time?.duration);
    if (timed.length > 0 && !timed.some((c) => sameDuration(ft, c.time!.duration!))) {
      const ct = timed[0]!.time!.duration!;
      return {
        fact,
        verdict: 'contradicted',
        errorType: 'E07',
        reason: t(
          `${name}: ${ft.value} ${ft.unit} vs ${ct.value} ${ct.unit} in the record`,
          `${name}：${ft.value}${ft.unit}，病历为${ct.value}${ct.unit}`,
        ),
        evidence: timed.flatMap((x) => x.sources),
      };
    }
  }
  let firstMismatch: FactJudgement | undefined;
  for (const c of candidates) {
    const m = mismatch(fact, c, t, name, options);
    if (!m)
      return {
        fact,
        verdict: 'supported',
        reason: t(`${name} is in the record`, `病历中有${name}`),
        evidence: c.sources,
      };
    // The strongest disagreement speaks: a value the record gives otherwise outweighs a mention without one.
    if (!firstMismatch || rank[m.verdict] > rank[firstMismatch.verdict]) firstMismatch = m;
  }
  return firstMismatch!;
}

function mismatch(fact: Fact, c: Fact, t: Say, name: string, options: JudgeOptions): FactJudgement | undefined {
  const bad = (errorType: ErrorType, en: string, zh: string, verdict: Verdict = 'contradicted'): FactJudgement => ({
    fact,
    verdict,
    errorType,
    reason: t(en, zh),
    evidence: c.sources,
  });
  if (fact.laterality && c.laterality && fact.laterality !== c.laterality) {
    return bad(
      'E06',
      `${name}: the record says ${c.laterality}, not ${fact.laterality}`,
      `${name}：病历为${zhSide(c.laterality)}，非${zhSide(fact.laterality)}`,
    );
  }
  if (fact.value) {
    if (!c.value) {
      return bad(
        'E14',
        `${name} ${formatQuantity(fact.value)}: this value is not in the record`,
        `${name} ${formatQuantity(fact.value)}：病历中无此数值`,
        'unsupported',
      );
    }
    const q = compareQuantity(
      fact.value,
      c.value,
      molarMassOf([fact.concept.display, fact.concept.displayZh, c.concept.display].filter(Boolean).join(' ')),
      true,
    );
    // Units of different kinds (mmol/L against mg/dL) cannot be compared here: unverified, not wrong.
    if (q === 'incomparable')
      return bad(
        'E14',
        `${name} ${formatQuantity(fact.value)}: the record gives ${formatQuantity(c.value)}, in units not compared`,
        `${name} ${formatQuantity(fact.value)}：病历为${formatQuantity(c.value)}，单位不同未能比较`,
        'unsupported',
      );
    if (q === 'unit-error')
      return bad(
        'E04',
        `${name}: ${formatQuantity(fact.value)} vs ${formatQuantity(c.value)} in the record (unit)`,
        `${name}：${formatQuantity(fact.value)}，病历为${formatQuantity(c.value)}（单位）`,
      );
    // A measurement differs over time. No record value matches (every candidate is checked before
    // this one counts): contradicted, unless the text speaks of a later moment than the record
    // ("复查", "出院前", "on discharge", or a whole text about the condition at discharge), when a
    // new measurement may exist and the value is only unverified.
    const local = options.local ?? options.sentence ?? '';
    // A value ten (a hundred…) times the record's is a magnitude error, not a later result.
    const magnitude =
      q === 'different' &&
      c.value.value !== 0 &&
      Number.isInteger(Math.log10(Math.abs(fact.value.value / c.value.value))) &&
      fact.value.value !== c.value.value;
    const later =
      fact.category === 'measurement' &&
      !magnitude &&
      !admissionCue.test(local) &&
      (options.laterThanRecord || laterCue.test(local));
    if (q !== 'same')
      return bad(
        'E14',
        `${name}: ${formatQuantity(fact.value)} vs ${formatQuantity(c.value)} in the record`,
        `${name}：${formatQuantity(fact.value)}，病历为${formatQuantity(c.value)}`,
        later ? 'unsupported' : 'contradicted',
      );
  }
  const d = fact.dosage;
  const e = c.dosage;
  if (d) {
    const dose = d.dose ?? d.strength;
    const recDose = e?.dose ?? e?.strength;
    if (dose && recDose) {
      const q = compareQuantity(dose, recDose);
      if (q === 'unit-error')
        return bad(
          'E04',
          `${name}: ${formatQuantity(dose)} vs ${formatQuantity(recDose)} in the record (unit)`,
          `${name}：${formatQuantity(dose)}，病历为${formatQuantity(recDose)}（单位）`,
        );
      if (q !== 'same' && q !== 'incomparable')
        return bad(
          'E03',
          `${name}: dose ${formatQuantity(dose)} vs ${formatQuantity(recDose)} in the record`,
          `${name}：剂量${formatQuantity(dose)}，病历为${formatQuantity(recDose)}`,
        );
    } else if (dose && !recDose) {
      return bad(
        'E03',
        `${name}: the dose ${formatQuantity(dose)} is not in the record`,
        `${name}：病历中无剂量${formatQuantity(dose)}`,
        'unsupported',
      );
    }
    // "given once", "stopped on…" state an event of the course, not its standing order.
    const event = eventCue.test(options.sentence ?? '');
    if (
      !event &&
      d.frequency &&
      e?.frequency &&
      d.frequency.code !== e.frequency.code &&
      d.frequency.perDay !== e.frequency.perDay
    ) {
      return bad(
        'E05',
        `${name}: ${d.frequency.original ?? d.frequency.code} vs ${e.frequency.original ?? e.frequency.code} in the record`,
        `${name}：频次${d.frequency.original ?? d.frequency.code}，病历为${e.frequency.original ?? e.frequency.code}`,
      );
    }
    if (d.route && e?.route && normRoute(d.route) !== normRoute(e.route)) {
      return bad(
        'E05',
        `${name}: route ${d.route} vs ${e.route} in the record`,
        `${name}：途径${d.route}，病历为${e.route}`,
      );
    }
    if (d.duration && e?.duration && !sameDuration(d.duration, e.duration)) {
      return bad(
        'E05',
        `${name}: for ${d.duration.value} ${d.duration.unit} vs ${e.duration.value} ${e.duration.unit} in the record`,
        `${name}：疗程${d.duration.value}${d.duration.unit}，病历为${e.duration.value}${e.duration.unit}`,
      );
    }
  }
  const ft = fact.time?.duration;
  const ct = c.time?.duration;
  if (!d && ft && ct && !sameDuration(ft, ct)) {
    return bad(
      'E07',
      `${name}: ${ft.value} ${ft.unit} vs ${ct.value} ${ct.unit} in the record`,
      `${name}：${ft.value}${ft.unit}，病历为${ct.value}${ct.unit}`,
    );
  }
  const fs = fact.time?.start?.slice(0, 10);
  const cs = c.time?.start?.slice(0, 10);
  // A date after "服至/until" ends the course (checked by courseEndConflict in dates.ts); it is no start.
  const until = (x: string) =>
    /(?:至|到|\buntil|\bthrough|\btill)\s*(?:\d{4}|[a-z]{3,9}\.?\s+\d{1,2}\b|\d{1,2}\s+[a-z]{3,9}\b)/i.test(x);
  if (
    fs &&
    cs &&
    fs !== cs &&
    !fact.time?.relative &&
    !c.time?.relative &&
    !(
      fact.category === 'medication' &&
      (eventCue.test(options.sentence ?? '') || until(options.local ?? options.sentence ?? ''))
    )
  ) {
    return bad('E07', `${name}: ${fs} vs ${cs} in the record`, `${name}：${fs}，病历为${cs}`);
  }
  return undefined;
}

function zhSide(s: string): string {
  return s === 'left' ? '左侧' : s === 'right' ? '右侧' : '双侧';
}

/** A route's name for comparing (core's route map: 口服 = PO = oral; 静滴 = IVGTT = IV = intravenous). */
export function normRoute(r: string): string {
  return routeOf(r)?.name ?? r.toLowerCase().replace(/[.\s]/g, '');
}

function sameDuration(a: { value: number; unit: string }, b: { value: number; unit: string }): boolean {
  const days: Record<string, number> = { min: 1 / 1440, h: 1 / 24, d: 1, wk: 7, mo: 30.44, a: 365.25 };
  const x = a.value * (days[a.unit] ?? Number.NaN);
  const y = b.value * (days[b.unit] ?? Number.NaN);
  return Math.abs(x - y) <= 0.02 * Math.max(x, y);
}
