import type { PatientState, Sql } from '../../core/index.js';
import { type AnyResource, buildPatientState } from '../../fusion/index.js';
import type { StoredResource } from '../../store/index.js';
import { isInpatient } from '../quality/run.js';
import { safetyRules } from './catalog.js';
import { loadRuleConfiguration } from './config-store.js';
import { evaluateRules, type RuleConfiguration, type RuleResult, type SafetyRule, severityRank } from './rule.js';
import { activeSafetyRules, releaseLabel, type SafetyRuleBook } from './rulebook.js';

const periodStart = (r: AnyResource) => String((r as { period?: { start?: string } }).period?.start ?? '');

/** The record's inpatient stays (Encounters), latest first. */
export function inpatientStays(resources: readonly AnyResource[]): AnyResource[] {
  return resources
    .filter((r) => r.resourceType === 'Encounter' && isInpatient(r))
    .sort((a, b) => periodStart(b).localeCompare(periodStart(a)));
}

/** Rule results most severe first. */
export const bySeverity = (a: RuleResult, b: RuleResult): number =>
  severityRank(b.conclusion.severity ?? 'info') - severityRank(a.conclusion.severity ?? 'info');

/**
 * Critical-value rules looking back over a whole stay (plus a day) instead of their live window, so a
 * stay's critical results are found when it is reviewed after discharge: the settings to lay over the
 * stored ones (none when the stay has no start).
 */
export function criticalLookback(
  rules: readonly SafetyRule[],
  stored: RuleConfiguration,
  at: string,
  stayStart: string,
): RuleConfiguration {
  const hours = Math.ceil((Date.parse(at) - Date.parse(stayStart)) / 3_600_000) + 24;
  if (!Number.isFinite(hours)) return {};
  return Object.fromEntries(
    rules
      .filter((r) => r.group === 'critical-value')
      .map((r) => [r.id, { ...stored[r.id], params: { ...(stored[r.id]?.params ?? {}), lookbackHours: hours } }]),
  );
}

export interface PatientSafetyInput {
  readonly patientId: string;
  /** The patient's stored record, read once by the caller. */
  readonly stored: readonly StoredResource[];
  /** Review this stay as it stood at its end, critical values over the whole stay; without one, the live view. */
  readonly stay?: AnyResource | undefined;
  /** Which of the active rule book's rules to run (default: all safety rules). */
  readonly select?: (book: SafetyRuleBook) => readonly SafetyRule[];
}

/** What one evaluation of a patient's safety rules read and found. */
export interface PatientSafety {
  readonly state: PatientState;
  /** The hospital's stored rule settings (before the stay's look-back). */
  readonly settings: RuleConfiguration;
  readonly book: SafetyRuleBook;
  readonly release?: string;
  /** Most severe first. */
  readonly results: RuleResult[];
}

/**
 * The active release's safety rules (drug safety, critical values) on a patient's record, with the
 * hospital's settings: at the end of `stay` with critical values looked for over the whole stay, or now
 * (critical values in the rules' live window).
 */
export async function evaluatePatientSafety(sql: Sql, input: PatientSafetyInput): Promise<PatientSafety> {
  const { stay } = input;
  const state = await buildPatientState(
    sql,
    { everything: async () => [...input.stored] },
    input.patientId,
    stay?.id ? { encounterId: stay.id } : {},
  );
  const [settings, book] = await Promise.all([loadRuleConfiguration(sql), activeSafetyRules(sql)]);
  const rules = (input.select ?? safetyRules)(book);
  const config = stay ? { ...settings, ...criticalLookback(rules, settings, state.at, periodStart(stay)) } : settings;
  const release = releaseLabel(book);
  const results = evaluateRules(state, rules, { config, ...(release ? { knowledgeRelease: release } : {}) }).sort(
    bySeverity,
  );
  return { state, settings, book, results, ...(release ? { release } : {}) };
}
