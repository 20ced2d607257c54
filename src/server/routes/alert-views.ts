import type { z } from 'zod';
import {
  allFacts,
  type Bilingual,
  type Conclusion,
  type Fact,
  notFound,
  type PatientState,
  sourceKey,
  stableId,
} from '../../core/index.js';
import type { AnyResource } from '../../fusion/index.js';
import {
  evaluatePatientSafety,
  inpatientStays,
  type QcIssueResult,
  type QcRuleBook,
  type RuleConfiguration,
  type RuleResult,
  type SafetyRuleBook,
} from '../../reasoning/index.js';
import type { StoredResource } from '../../store/index.js';
import { CRITICAL_VALUE_OVERRIDE_REASONS, type Coding, indicatorOf, OVERRIDE_REASONS } from '../cds-hooks/cards.js';
import type { AppContext } from '../context.js';
import type { alertAction, alertSuggestion, alertWorkspace, overrideReason } from './schemas/alerts.js';

/**
 * The workspace's alerts with what a clinician can do about them: the same rule results the CDS
 * Hooks cards are made of (cds-hooks/cards.ts), in the workspace's terms. A card's "delete the draft,
 * create a coded MedicationRequest" is here "stop order X, start Y"; each alternative is a drug of
 * the hospital formulary (the rule already kept only those: reasoning/safety/formulary.ts). Every
 * alert a clinician may act against (moderate and above) offers the cards' coded override reasons.
 * An alert's id is a hash of the rule, the patient, the finding's key and the sources of its
 * evidence, so the same finding on the same record has the same id on every read, and a new result
 * (another INR) makes a new alert to decide on.
 */
export type AlertAction = z.output<typeof alertAction>;
export type AlertSuggestion = z.output<typeof alertSuggestion>;
export type OverrideReason = z.output<typeof overrideReason>;
export type WorkspaceAlert = Conclusion & z.output<typeof alertWorkspace>;

/** A record-QC finding as the workspace shows it: the conclusion with the quotations its texts contain. */
export type WorkspaceQuality = Conclusion & { readonly quotes?: readonly string[] };

/**
 * A QC finding with what its texts quote rather than say, for the workspace to show as quotations in either language:
 * the record's own headings it names (`the ethnicity section (民族)`: the words to look for in a Chinese note, from the
 * rule book's heading list) and its rule's citation line (`BW2010 第二十二条(一)`, where a release whose sources carry
 * no titles quotes it as it is: a source citation is not translated).
 */
export function qualityView(issue: QcIssueResult, book: QcRuleBook): WorkspaceQuality {
  const c = issue.conclusion;
  const texts = [c.statement, c.detail, ...c.evidence.map((e) => e.statement)].flatMap((b) =>
    b ? [b.en, b.zh ?? ''] : [],
  );
  const headings = book.headings.headings.flatMap((h) => [h.name, ...(h.synonyms ?? [])]);
  const candidates = [book.rule(issue.ruleId)?.source, ...headings].filter((q): q is string => !!q);
  const quotes = [...new Set(candidates)].filter((q) => texts.some((t) => t.includes(q)));
  return quotes.length ? { ...c, quotes } : c;
}

const both = (b: Bilingual): { en: string; zh: string } => ({ en: b.en, zh: b.zh ?? b.en });

/** The cards' displays are "English / 中文": split into the two languages. */
export function bilingualReason(c: Coding): OverrideReason {
  const display = c.display ?? c.code;
  const cut = display.lastIndexOf(' / ');
  return {
    code: c.code,
    system: c.system,
    display: cut < 0 ? { en: display, zh: display } : { en: display.slice(0, cut), zh: display.slice(cut + 3) },
  };
}

/** The reasons a rule result's alert offers (none for an informational one), as its CDS card does. */
export function overrideReasonsOf(r: RuleResult): OverrideReason[] {
  if (indicatorOf(r.conclusion.severity) === 'info') return [];
  return (r.group === 'critical-value' ? CRITICAL_VALUE_OVERRIDE_REASONS : OVERRIDE_REASONS).map(bilingualReason);
}

/** The order a fact came from (MedicationRequest/…), when it came from one. */
function orderOf(f: Fact | undefined): string | undefined {
  const s = f?.sources.find((x) => x.kind === 'resource');
  return s && s.kind === 'resource' ? `${s.resourceType}/${s.id}` : undefined;
}

function drugOf(f: Fact | undefined): { en: string; zh: string } {
  const en = f?.concept.display ?? f?.concept.displayZh ?? f?.concept.code ?? 'the order';
  return { en, zh: f?.concept.displayZh ?? en };
}

/** A rule result's suggestions as stop / start / order actions, one suggestion per formulary alternative. */
export function suggestionsOf(r: RuleResult, alertId: string, state: PatientState, book: SafetyRuleBook) {
  const facts = new Map(allFacts(state).map((f) => [f.id, f]));
  const options = r.suggestions.flatMap((s): { label: { en: string; zh: string }; actions: AlertAction[] }[] => {
    if (s.kind === 'order') return [{ label: both(s.label), actions: [{ kind: 'order', what: both(s.what) }] }];
    const fact = facts.get(s.factId);
    const from = drugOf(fact);
    const order = orderOf(fact);
    const stop: AlertAction = { kind: 'stop', drug: from, ...(order ? { order } : {}) };
    if (s.kind === 'remove') return [{ label: both(s.label), actions: [stop] }];
    const drugs = (s.with.drugs ?? []).flatMap((id) => {
      const d = book.drugs.get(id);
      return d ? [d] : [];
    });
    if (drugs.length === 0)
      return [{ label: both(s.label), actions: [stop, { kind: 'start', drug: both(s.with), atc: [] }] }];
    return drugs.map((d) => ({
      label: { en: `Replace ${from.en} with ${d.name.en}`, zh: `将${from.zh}换为${d.name.zh}` },
      actions: [stop, { kind: 'start', drug: both(d.name), drugId: d.id, atc: [...d.atc] }],
    }));
  });
  return options.map((o, i): AlertSuggestion => ({ id: stableId(alertId, i, o.label.en), recommended: i === 0, ...o }));
}

/** The stable id of a rule result's alert: the conclusion's (rule, patient, finding) and its evidence's sources. */
export function alertIdOf(r: RuleResult): string {
  const sources = r.conclusion.evidence
    .filter((e) => e.role !== 'context')
    .flatMap((e) => e.sources.map(sourceKey))
    .sort();
  return stableId('alert', r.conclusion.id, ...new Set(sources));
}

export function alertView(r: RuleResult, state: PatientState, book: SafetyRuleBook): WorkspaceAlert {
  const id = alertIdOf(r);
  return {
    ...r.conclusion,
    id,
    ruleId: r.ruleId,
    group: r.group,
    suggestions: suggestionsOf(r, id, state, book),
    overrideReasons: overrideReasonsOf(r),
  };
}

/** What one evaluation of a patient's safety rules read and found (the alerts route adds record QC to it). */
export interface SafetyEvaluation {
  readonly scope: 'stay' | 'now';
  readonly stored: readonly StoredResource[];
  readonly everything: readonly AnyResource[];
  readonly patient: AnyResource;
  /** Inpatient stays, latest first. */
  readonly stays: readonly AnyResource[];
  readonly state: PatientState;
  readonly settings: RuleConfiguration;
  readonly results: readonly RuleResult[];
  readonly alerts: readonly WorkspaceAlert[];
}

/**
 * Drug safety and critical values of a patient. `stay` (the default when the patient has a stay)
 * reviews the latest stay as it stood at discharge, critical values over the whole stay; `now` is
 * the live view (critical values of the last 24 h, as the rules define). Alerts most severe first.
 */
export async function evaluateSafety(
  ctx: AppContext,
  id: string,
  asked: 'stay' | 'now' = 'stay',
): Promise<SafetyEvaluation> {
  // One read of the record serves both the state and the QC of the stays.
  const stored = await ctx.resources.everything(id);
  const everything = stored.filter((e) => !e.deleted).map((e) => e.resource as AnyResource);
  const patient = everything.find((r) => r.resourceType === 'Patient');
  if (!patient) throw notFound(`no Patient/${id}`, { field: 'id' });
  const stays = inpatientStays(everything);
  const stay = asked === 'stay' ? stays[0] : undefined;
  const { state, settings, book, results } = await evaluatePatientSafety(ctx.db, { patientId: id, stored, stay });
  return {
    scope: stay ? 'stay' : 'now',
    stored,
    everything,
    patient,
    stays,
    state,
    settings,
    results,
    alerts: results.map((r) => alertView(r, state, book)),
  };
}
