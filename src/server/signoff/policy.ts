import type {
  Conclusion,
  Concept,
  Dosage,
  Fact,
  Lang,
  MedicationCourse,
  PatientState,
  Source,
} from '../../core/index.js';
import { pick, say, stableId } from '../../core/index.js';
import {
  evaluateRules,
  ingredientsOf,
  type RuleConfiguration,
  type RuleResult,
  type SafetyGroup,
  type SafetyRuleBook,
  safetyRules,
  severityRank,
  type Suggestion,
} from '../../reasoning/index.js';
import type { FaithfulnessReport, VerifiedClaim } from '../../verify/index.js';
import { type ClaimAcceptance, claimKey } from './drafts.js';

/**
 * The sign-off policy of a discharge summary, enforced by the server on every sign-off:
 * - no claim contradicted by the record, no critical fact omitted (the faithfulness report);
 * - no drug-safety rule (allergy, interaction, contraindication, dose, renal, duplicate, PGx) firing
 *   on a drug the text lists for discharge, with the patient's record as it stands at the encounter;
 * - every unsupported clinical statement explicitly accepted by a clinician, with a reason.
 */

/** A drug the checked text lists for discharge (the verifier's `report.dischargeMedications`). */
export interface DischargeDrug {
  readonly claimId: string;
  readonly concept: Concept;
  readonly dosage?: Dosage;
}

/** A safety rule that fired on a discharge drug: the alert with its evidence and the claims that list the drug. */
export interface DischargeAlert {
  readonly ruleId: string;
  readonly group: SafetyGroup;
  /** Moderate severity and above block sign-off; low and info findings (e.g. "genotype on file") are shown only. */
  readonly blocking: boolean;
  readonly claimIds: readonly string[];
  readonly conclusion: Conclusion;
  readonly suggestions: readonly Suggestion[];
}

export type SignoffBlock =
  | { readonly kind: 'contradicted'; readonly claimId: string; readonly text: string; readonly message: string }
  | { readonly kind: 'omission'; readonly factId: string; readonly message: string }
  | { readonly kind: 'safety'; readonly ruleId: string; readonly claimIds: readonly string[]; readonly message: string }
  | { readonly kind: 'unaccepted'; readonly claimId: string; readonly text: string; readonly message: string };

export interface SignoffPolicy {
  readonly blocked: boolean;
  /** One line saying why sign-off is blocked, in the caller's language; absent when it is not. */
  readonly reason?: string;
  readonly blocks: readonly SignoffBlock[];
  readonly alerts: readonly DischargeAlert[];
  /** Claims that need a clinician's acceptance (unsupported clinical statements), accepted or not. */
  readonly needsAcceptance: readonly string[];
  /** Acceptances that hold for claims of this text. */
  readonly acceptances: readonly (ClaimAcceptance & { readonly currentClaimId: string })[];
}

/** The drugs the checked text lists for discharge, as the verifier reports them (none when it reports none). */
export function dischargeDrugsOf(report: FaithfulnessReport): readonly DischargeDrug[] {
  return report.dischargeMedications ?? [];
}

/**
 * A claim that states something clinical the record neither confirms nor denies: its facts are
 * clinical concepts (a diagnosis, drug, value, procedure), or it states a number the record does not
 * hold about something (E15: "吸烟史30年"). A claim with nothing to check — a list number ("2."), a
 * heading — does not count.
 */
export function needsAcceptance(c: VerifiedClaim): boolean {
  if (c.verdict !== 'unsupported') return false;
  if (c.facts.length > 0) return true;
  const words = c.text.replace(/\[F\d+(?:\s*[,，]\s*F\d+)*\]/g, '').replace(/[\d\s\p{P}\p{S}]+/gu, '');
  return c.errorType !== undefined && words.length > 0;
}

/**
 * Runs the safety rules with the text's discharge drugs as the patient's medications (proposed, as
 * CDS Hooks order-sign passes draft orders: status `draft`, assertion `hypothetical`), over the rest
 * of the record as it stands (allergies, conditions, results, genotypes). The record's own medication
 * facts are set aside: what goes home is the list the clinician signs, and a drug given only in
 * hospital must not raise an interaction with it. Only findings that involve a discharge drug count.
 * The rules are the rule book's (`book`: the active knowledge release's, `activeSafetyRules`), so a
 * curator's edit changes what blocks the next sign-off as it changes the next CDS card.
 */
export function dischargeDrugAlerts(
  state: PatientState,
  report: FaithfulnessReport,
  options: { book: SafetyRuleBook; config?: RuleConfiguration; documentKey: string },
): DischargeAlert[] {
  const drugs = distinctDrugs(dischargeDrugsOf(report));
  if (drugs.length === 0) return [];
  const claims = new Map(report.claims.map((c) => [c.id, c]));
  const factsByClaim = new Map<string, readonly string[]>();
  const facts: Fact[] = drugs.map((d) => {
    const sources: Source[] = d.claimIds.flatMap((id) => {
      const claim = claims.get(id);
      return claim
        ? [
            {
              kind: 'text' as const,
              document: options.documentKey,
              start: claim.start,
              end: claim.end,
              quote: claim.text,
            },
          ]
        : [];
    });
    const fact: Fact = {
      id: stableId('discharge-drug', options.documentKey, d.concept.system, d.concept.code, ...d.claimIds),
      patientId: state.patientId,
      category: 'medication',
      concept: d.concept,
      assertion: 'hypothetical',
      subject: { who: 'patient' },
      status: 'draft',
      ...(d.dosage ? { dosage: d.dosage } : {}),
      section: 'discharge_medications',
      sources,
    };
    factsByClaim.set(fact.id, d.claimIds);
    return fact;
  });
  const courses: MedicationCourse[] = facts.map((f) => ({
    concept: f.concept,
    status: 'active',
    discharge: true,
    ...(f.dosage ? { dosage: f.dosage } : {}),
    events: [{ kind: 'discharge', factIds: [f.id], sources: f.sources, ...(f.dosage ? { dosage: f.dosage } : {}) }],
    factIds: [f.id],
    sources: f.sources,
  }));
  const discharge: PatientState = {
    ...state,
    intervention: [...state.intervention.filter((f) => f.category !== 'medication'), ...facts],
    medications: courses,
  };
  const focus = new Set(factsByClaim.keys());
  return evaluateRules(discharge, safetyRules(options.book), {
    focus,
    ...(options.config ? { config: options.config } : {}),
    now: state.at,
  })
    .sort((a, b) => severityRank(b.conclusion.severity) - severityRank(a.conclusion.severity))
    .map((r: RuleResult) => ({
      ruleId: r.ruleId,
      group: r.group,
      blocking: severityRank(r.conclusion.severity) >= severityRank('moderate'),
      claimIds: [...new Set(r.involves.flatMap((id) => factsByClaim.get(id) ?? []))],
      conclusion: r.conclusion,
      suggestions: r.suggestions,
    }));
}

/**
 * One entry per drug that goes home. A text names a discharge drug more than once (the list with
 * its dose, then "新加用：…" / "New: …" by name): those mentions are one prescription, not a
 * duplicate therapy. Mentions of the same concept merge; a mention without a dose merges into a
 * dosed one sharing an ingredient. Two dosed entries of one ingredient stay two (a real duplicate).
 */
export function distinctDrugs(
  mentions: readonly DischargeDrug[],
): { concept: Concept; dosage?: Dosage; claimIds: string[] }[] {
  const out: { concept: Concept; dosage?: Dosage; claimIds: string[]; ingredients: Set<string> }[] = [];
  const key = (c: Concept) => `${c.system}|${c.code}`;
  const ingredients = (c: Concept) =>
    new Set<string>(
      ingredientsOf({
        id: key(c),
        patientId: '',
        category: 'medication',
        concept: c,
        assertion: 'present',
        subject: { who: 'patient' },
        sources: [],
      }),
    );
  const shares = (a: Set<string>, b: Set<string>) => [...a].some((x) => b.has(x));
  const ordered = [...mentions.filter((m) => m.dosage), ...mentions.filter((m) => !m.dosage)];
  for (const m of ordered) {
    const ings = ingredients(m.concept);
    const same =
      out.find((d) => key(d.concept) === key(m.concept)) ??
      (m.dosage ? undefined : out.find((d) => shares(d.ingredients, ings)));
    if (same) {
      if (!same.claimIds.includes(m.claimId)) same.claimIds.push(m.claimId);
      if (!same.dosage && m.dosage) same.dosage = m.dosage;
    } else
      out.push({
        concept: m.concept,
        ...(m.dosage ? { dosage: m.dosage } : {}),
        claimIds: [m.claimId],
        ingredients: ings,
      });
  }
  return out.map(({ ingredients: _i, ...d }) => d);
}

/** What stands between this text and a signature, each block with a message in `lang`. */
export function signoffPolicy(input: {
  report: FaithfulnessReport;
  alerts: readonly DischargeAlert[];
  acceptances: readonly ClaimAcceptance[];
  lang: Lang;
}): SignoffPolicy {
  const { report, alerts, lang } = input;
  const t = say(lang);
  const blocks: SignoffBlock[] = [];
  for (const c of report.claims) {
    if (c.verdict === 'contradicted')
      blocks.push({
        kind: 'contradicted',
        claimId: c.id,
        text: c.text,
        message: t(
          `Contradicted by the record: “${claimKey(c.text)}” — ${c.reason}`,
          `与病历矛盾：“${claimKey(c.text)}”——${c.reason}`,
        ),
      });
  }
  for (const o of report.omissions) {
    blocks.push({
      kind: 'omission',
      factId: o.factId,
      message: t(`A critical fact is left out: ${o.statement}`, `遗漏关键信息：${o.statement}`),
    });
  }
  for (const a of alerts.filter((x) => x.blocking)) {
    const statement = pick(a.conclusion.statement, lang);
    blocks.push({
      kind: 'safety',
      ruleId: a.ruleId,
      claimIds: a.claimIds,
      message: t(
        `Safety rule ${a.ruleId} fires on a discharge drug: ${statement}`,
        `出院用药触发安全规则 ${a.ruleId}：${statement}`,
      ),
    });
  }
  const byKey = new Map<string, ClaimAcceptance>();
  for (const a of input.acceptances) byKey.set(claimKey(a.claimText), a);
  const needing = report.claims.filter(needsAcceptance);
  const held: (ClaimAcceptance & { currentClaimId: string })[] = [];
  for (const c of needing) {
    const a = byKey.get(claimKey(c.text));
    if (a) held.push({ ...a, currentClaimId: c.id });
    else
      blocks.push({
        kind: 'unaccepted',
        claimId: c.id,
        text: c.text,
        message: t(
          `Not supported by the record and not accepted: “${claimKey(c.text)}” — ${c.reason}`,
          `病历无据且未经确认：“${claimKey(c.text)}”——${c.reason}`,
        ),
      });
  }
  const counts = (k: SignoffBlock['kind']) => blocks.filter((b) => b.kind === k).length;
  const parts = [
    counts('contradicted') &&
      t(`${counts('contradicted')} contradicted claim(s)`, `${counts('contradicted')} 处与病历矛盾`),
    counts('omission') && t(`${counts('omission')} critical fact(s) omitted`, `遗漏 ${counts('omission')} 项关键信息`),
    counts('safety') &&
      t(`${counts('safety')} safety rule(s) firing on discharge drugs`, `出院用药触发 ${counts('safety')} 条安全规则`),
    counts('unaccepted') &&
      t(
        `${counts('unaccepted')} unsupported statement(s) not accepted`,
        `${counts('unaccepted')} 处无据陈述未经医师确认`,
      ),
  ].filter((x): x is string => typeof x === 'string');
  return {
    blocked: blocks.length > 0,
    ...(blocks.length > 0
      ? { reason: t(`Sign-off is blocked: ${parts.join('; ')}.`, `不能签名：${parts.join('；')}。`) }
      : {}),
    blocks,
    alerts,
    needsAcceptance: needing.map((c) => c.id),
    acceptances: held,
  };
}
