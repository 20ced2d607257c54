import type {
  Authority,
  Bilingual,
  Conclusion,
  Evidence,
  Fact,
  KnowledgeSource,
  PatientState,
  Severity,
} from '../../core/index.js';
import { stableId } from '../../core/index.js';

/** The groups of safety rules (cds-rules.md sections 1–4, plus the general drug checks the issue asks for). */
export type SafetyGroup =
  | 'ddi'
  | 'allergy'
  | 'contraindication'
  | 'dose'
  | 'renal'
  | 'duplicate'
  | 'pgx'
  | 'critical-value';

/** A suggestion a clinician can take from an alert: drop the new drug, swap it, or order something. */
export type Suggestion =
  | { readonly kind: 'remove'; readonly label: Bilingual; readonly factId: string }
  | {
      readonly kind: 'replace';
      readonly label: Bilingual;
      readonly factId: string;
      /** The alternative; `drugs`: the formulary drug ids it names (drugs.json), one coded order each. */
      readonly with: Bilingual & { readonly drugs?: readonly string[] };
    }
  | { readonly kind: 'order'; readonly label: Bilingual; readonly what: Bilingual };

/**
 * The value a rule compared with one of its configurable thresholds (an eGFR, a daily dose, a potassium), kept with
 * the alert so the alert-burden view can suggest a threshold from the values of overridden alerts
 * (src/learning/alert-burden.ts); never applied by itself.
 */
export interface AlertTrigger {
  /** The parameter that holds the threshold: `below`, `maxDailyMg`, `thresholds.adult.high`. */
  readonly param: string;
  readonly value: number;
  readonly unit?: string;
  /** The threshold compared with, in the unit of `value`. */
  readonly threshold: number;
  /** The side of the threshold on which the rule fires. */
  readonly direction: 'below' | 'above';
}

/** What one rule found: the statement, the evidence, and which facts it concerns. */
export interface Finding {
  readonly statement: Bilingual;
  readonly detail?: Bilingual;
  /** Overrides the rule's default severity (e.g. the missing-value notice is `info`). */
  readonly severity?: Severity;
  readonly evidence: readonly Evidence[];
  /** Facts the finding is about; with a focus set (draft orders), only findings touching it are kept. */
  readonly involves: readonly string[];
  readonly suggestions?: readonly Suggestion[];
  readonly concept?: Fact['concept'];
  /** Distinguishes several findings of one rule on one patient (e.g. the drug pair). */
  readonly key?: string;
  /** When the thing found happened (a critical result's time). */
  readonly at?: string;
  readonly trigger?: AlertTrigger;
}

/** Per-hospital parameters a rule reads (thresholds, limits); each rule documents its own keys. */
export type RuleParams = Readonly<Record<string, unknown>>;

export interface RuleContext {
  readonly state: PatientState;
  readonly params: RuleParams;
  /** The moment of evaluation (defaults to `state.at`). */
  readonly now: string;
}

/** A rule: data (id, titles, severity, source) plus a small predicate over the PatientState. */
export interface SafetyRule {
  readonly id: string;
  readonly group: SafetyGroup;
  readonly title: Bilingual & { readonly zh: string };
  /** Default severity: S1 → `high`, S2 → `moderate` (cds-rules.md: only S1 interrupts). */
  readonly severity: Severity;
  readonly source: Authority;
  /** Off unless a hospital turns it on (e.g. troponin as a critical value). */
  readonly defaultEnabled?: boolean;
  /** Default parameters (thresholds…); a hospital's configuration is merged over them. */
  readonly defaults?: RuleParams;
  evaluate(ctx: RuleContext): readonly Finding[];
}

/** One hospital's settings for one rule. */
export interface RuleSetting {
  readonly enabled?: boolean;
  readonly params?: RuleParams;
  readonly severity?: Severity;
}

export type RuleConfiguration = Readonly<Record<string, RuleSetting>>;

/** A conclusion plus what the workflow (CDS Hooks) needs: the rule and its suggestions. */
export interface RuleResult {
  readonly ruleId: string;
  readonly group: SafetyGroup;
  readonly conclusion: Conclusion;
  readonly suggestions: readonly Suggestion[];
  readonly involves: readonly string[];
  readonly at?: string;
  readonly trigger?: AlertTrigger;
}

export interface EvaluateOptions {
  readonly config?: RuleConfiguration;
  /** Only findings that involve one of these facts (the draft orders being signed). */
  readonly focus?: ReadonlySet<string>;
  readonly now?: string;
  readonly knowledgeRelease?: string;
}

export function knowledgeOf(rule: Pick<SafetyRule, 'id' | 'source'>): KnowledgeSource {
  return { kind: 'knowledge', edgeId: `rule:${rule.id}`, authority: rule.source };
}

/** Evidence that a fact of the patient supports a finding. */
export function factEvidence(f: Fact, statement: Bilingual, role: Evidence['role'] = 'supports'): Evidence {
  return { role, statement, factId: f.id, sources: f.sources };
}

export function isEnabled(rule: SafetyRule, setting: RuleSetting | undefined): boolean {
  return setting?.enabled ?? rule.defaultEnabled ?? true;
}

/** Runs every enabled rule over a state; each finding becomes a Conclusion of kind `alert`. */
export function evaluateRules(
  state: PatientState,
  rules: readonly SafetyRule[],
  options: EvaluateOptions = {},
): RuleResult[] {
  const now = options.now ?? state.at;
  const out: RuleResult[] = [];
  for (const rule of rules) {
    const setting = options.config?.[rule.id];
    if (!isEnabled(rule, setting)) continue;
    const params = { ...(rule.defaults ?? {}), ...(setting?.params ?? {}) };
    const findings = rule.evaluate({ state, params, now });
    for (const f of findings) {
      if (options.focus && !f.involves.some((id) => options.focus!.has(id))) continue;
      const severity = f.severity ?? setting?.severity ?? rule.severity;
      const conclusion: Conclusion = {
        id: stableId(rule.id, state.patientId, f.key ?? f.involves.join(',')),
        kind: 'alert',
        producer: `safety/${rule.id}`,
        patientId: state.patientId,
        statement: f.statement,
        ...(f.detail ? { detail: f.detail } : {}),
        severity,
        ...(f.concept ? { concept: f.concept } : {}),
        evidence: [
          ...f.evidence,
          {
            role: 'context',
            statement: { en: `Rule ${rule.id}: ${rule.title.en}`, zh: `规则 ${rule.id}：${rule.title.zh}` },
            sources: [],
            knowledge: [knowledgeOf(rule)],
          },
        ],
        ...(options.knowledgeRelease ? { knowledgeRelease: options.knowledgeRelease } : {}),
        model: { used: false, reason: 'rule' },
        createdAt: now,
      };
      out.push({
        ruleId: rule.id,
        group: rule.group,
        conclusion,
        suggestions: f.suggestions ?? [],
        involves: f.involves,
        ...(f.at ? { at: f.at } : {}),
        ...(f.trigger ? { trigger: f.trigger } : {}),
      });
    }
  }
  return out;
}

const ORDER: Record<Severity, number> = { critical: 4, high: 3, moderate: 2, low: 1, info: 0 };
export function severityRank(s: Severity | undefined): number {
  return s ? ORDER[s] : 0;
}
