import { randomUUID } from 'node:crypto';
import type { Fact, PatientState, Source } from '../../core/index.js';
import { allFacts, sourceKey } from '../../core/index.js';
import type { BookDrug, RuleResult, SafetyRuleBook } from '../../reasoning/index.js';

/**
 * Rule results → CDS Hooks 2.0 cards (https://cds-hooks.hl7.org/2.0/#card-attributes): summary
 * under 140 characters, indicator (only high/critical findings are `critical`, i.e. interrupting;
 * moderate → `warning`; the rest `info`), detail in Markdown with the evidence and where it came
 * from, source with the authority and its link, suggestions (remove/replace a draft drug, order a
 * test) as create/delete actions, override reasons, and a uuid for feedback. A replacement that
 * names formulary drugs becomes one suggestion per drug (delete the order, create a coded draft
 * MedicationRequest), so the clinician picks one (`selectionBehavior: at-most-one`). Every card
 * a clinician may act against (warning, critical) offers coded override reasons; the reason comes
 * back with the feedback (POST {service}/feedback, outcome `overridden`) and is stored there.
 */
export interface Action {
  readonly type: 'create' | 'update' | 'delete';
  readonly description: string;
  readonly resource?: Record<string, unknown>;
  readonly resourceId?: string;
}

export interface Suggestion {
  readonly label: string;
  readonly uuid: string;
  readonly isRecommended?: boolean;
  readonly actions?: readonly Action[];
}

export interface Coding {
  readonly code: string;
  readonly system: string;
  readonly display?: string;
}

export interface Card {
  readonly uuid: string;
  readonly summary: string;
  readonly detail?: string;
  readonly indicator: 'info' | 'warning' | 'critical';
  readonly source: { readonly label: string; readonly url?: string; readonly topic?: Coding };
  readonly suggestions?: readonly Suggestion[];
  readonly selectionBehavior?: 'at-most-one' | 'any';
  readonly overrideReasons?: readonly Coding[];
}

export const OVERRIDE_SYSTEM = 'urn:medseek:cds-override-reason';
/** Override reasons offered on interrupting cards (cds-rules.md: "Record the override reason"). */
export const OVERRIDE_REASONS: readonly Coding[] = [
  {
    code: 'benefit-outweighs-risk',
    system: OVERRIDE_SYSTEM,
    display: 'Benefit outweighs risk; will monitor / 获益大于风险，将监测',
  },
  {
    code: 'patient-tolerated-before',
    system: OVERRIDE_SYSTEM,
    display: 'Patient has tolerated this before / 患者既往耐受',
  },
  { code: 'not-applicable', system: OVERRIDE_SYSTEM, display: 'Alert does not apply to this patient / 不适用于该患者' },
  {
    code: 'will-adjust',
    system: OVERRIDE_SYSTEM,
    display: 'Will adjust dose or stop the other drug / 将调整剂量或停用另一药物',
  },
];

/** Override reasons of a critical-value card: the loop is handled elsewhere, or the result does not apply. */
export const CRITICAL_VALUE_OVERRIDE_REASONS: readonly Coding[] = [
  {
    code: 'already-notified',
    system: OVERRIDE_SYSTEM,
    display: 'Physician already notified and action documented / 已通知医师并记录处理',
  },
  {
    code: 'repeat-ordered',
    system: OVERRIDE_SYSTEM,
    display: 'Repeat test ordered to confirm / 已开具复查',
  },
  {
    code: 'expected-for-patient',
    system: OVERRIDE_SYSTEM,
    display: 'Expected for this patient (known condition) / 与已知病情相符',
  },
  { code: 'not-applicable', system: OVERRIDE_SYSTEM, display: 'Alert does not apply to this patient / 不适用于该患者' },
];

/** Every code a MedSeek card offers (feedback naming MedSeek's system must use one of them). */
export const OVERRIDE_CODES: ReadonlySet<string> = new Set(
  [...OVERRIDE_REASONS, ...CRITICAL_VALUE_OVERRIDE_REASONS].map((c) => c.code),
);

const ATC = 'http://www.whocc.no/atc';

export function indicatorOf(severity: string | undefined): Card['indicator'] {
  return severity === 'high' || severity === 'critical' ? 'critical' : severity === 'moderate' ? 'warning' : 'info';
}

/** Cut to fewer than 140 characters (the spec's limit), on a character boundary. */
export function summaryOf(text: string): string {
  const chars = [...text];
  return chars.length < 140 ? text : `${chars.slice(0, 138).join('')}…`;
}

function resourceRefs(sources: readonly Source[]): string[] {
  return sources.map((s) => (s.kind === 'resource' ? `${s.resourceType}/${s.id}` : sourceKey(s)));
}

/** A fact's name in both languages (the drug being replaced). */
function label(f: Fact | undefined): { en: string; zh: string } {
  const en = f?.concept.display ?? f?.concept.displayZh ?? f?.concept.code ?? 'the order';
  return { en, zh: f?.concept.displayZh ?? en };
}

/** The FHIR resource a fact came from (to delete a draft order), when it came from one. */
function resourceOf(f: Fact | undefined): string | undefined {
  const s = f?.sources.find((x) => x.kind === 'resource');
  return s && s.kind === 'resource' ? `${s.resourceType}/${s.id}` : undefined;
}

/** A draft MedicationRequest for an alternative: coded (ATC) when the rule book knows the drug. */
function alternative(state: PatientState, text: string, drug?: BookDrug) {
  return {
    resourceType: 'MedicationRequest',
    status: 'draft',
    intent: 'proposal',
    subject: { reference: `Patient/${state.patientId}` },
    medicationCodeableConcept: {
      ...(drug?.atc.length ? { coding: drug.atc.map((code) => ({ system: ATC, code, display: drug.name.en })) } : {}),
      text,
    },
  };
}

/**
 * The card of a rule result. `book` (the rule book the rules came from) codes the alternatives a
 * replacement names; without it they are ordered by name.
 */
export function cardOf(r: RuleResult, state: PatientState, book?: SafetyRuleBook): Card {
  const c = r.conclusion;
  const facts = new Map(allFacts(state).map((f) => [f.id, f]));
  const knowledge = c.evidence.flatMap((e) => e.knowledge ?? []);
  const authority = knowledge[0]?.authority;
  const evidenceLines = c.evidence
    .filter((e) => e.role !== 'context')
    .map(
      (e) =>
        `- ${e.role === 'missing' ? '**Missing** ' : ''}${e.statement.zh ?? e.statement.en}${e.statement.zh ? ` / ${e.statement.en}` : ''}${e.sources.length ? ` — \`${resourceRefs(e.sources).join('`, `')}\`` : ''}`,
    );
  const detail = [
    c.statement.zh ? `**${c.statement.zh}**` : '',
    c.detail ? `${c.detail.zh ?? ''}${c.detail.zh ? '\n\n' : ''}${c.detail.en}` : '',
    evidenceLines.length ? `Evidence / 证据:\n${evidenceLines.join('\n')}` : '',
    authority
      ? `Source / 来源: ${authority.name}${authority.document ? ` (${authority.document})` : ''}${authority.url ? ` <${authority.url}>` : ''} — rule \`${r.ruleId}\``
      : `Rule \`${r.ruleId}\``,
    c.knowledgeRelease
      ? `Rule book / 规则库: ${c.knowledgeRelease}`
      : 'Rule book / 规则库: bundled data files (no knowledge release active)',
  ]
    .filter(Boolean)
    .join('\n\n');
  const labelOf = (l: { en: string; zh?: string }) => (l.zh ? `${l.en} / ${l.zh}` : l.en);
  const suggestions: Suggestion[] = r.suggestions.flatMap((s): Suggestion[] => {
    if (s.kind === 'order') {
      return [
        {
          label: labelOf(s.label),
          uuid: randomUUID(),
          actions: [
            {
              type: 'create',
              description: s.label.en,
              resource: {
                resourceType: 'ServiceRequest',
                status: 'draft',
                intent: 'proposal',
                subject: { reference: `Patient/${state.patientId}` },
                code: { text: s.what.en },
              },
            },
          ],
        },
      ];
    }
    const target = resourceOf(facts.get(s.factId));
    const remove: Action[] = target ? [{ type: 'delete', description: `Remove ${target}`, resourceId: target }] : [];
    if (s.kind === 'remove')
      return [{ label: labelOf(s.label), uuid: randomUUID(), ...(target ? { actions: remove } : {}) }];
    // One suggestion per formulary drug the replacement names; a class ("another statin") by name.
    const drugs = (s.with.drugs ?? []).map((id) => book?.drugs.get(id)).filter((d) => d !== undefined);
    const from = label(facts.get(s.factId));
    const options =
      drugs.length > 0
        ? drugs.map((d) => ({
            label: { en: `Replace ${from.en} with ${d.name.en}`, zh: `将${from.zh}换为${d.name.zh}` },
            resource: alternative(state, d.name.en, d),
            description: `Order ${d.name.en} instead`,
          }))
        : [{ label: s.label, resource: alternative(state, s.with.en), description: `Order ${s.with.en} instead` }];
    return options.map((o) => ({
      label: labelOf(o.label),
      uuid: randomUUID(),
      actions: [...remove, { type: 'create' as const, description: o.description, resource: o.resource }],
    }));
  });
  // The rule's first suggestion is the recommended one (CDS Hooks `isRecommended`).
  const recommended = suggestions.map((sg, i) => (i === 0 ? { ...sg, isRecommended: true } : sg));
  const indicator = indicatorOf(c.severity);
  return {
    uuid: randomUUID(),
    summary: summaryOf(c.statement.zh ? `${c.statement.zh}` : c.statement.en),
    detail,
    indicator,
    source: {
      label: authority ? `MedSeek · ${authority.name}`.slice(0, 200) : 'MedSeek',
      ...(authority?.url ? { url: authority.url } : {}),
      topic: { code: r.ruleId, system: 'urn:medseek:rule', display: r.group },
    },
    ...(recommended.length ? { suggestions: recommended, selectionBehavior: 'at-most-one' as const } : {}),
    ...(indicator === 'info'
      ? {}
      : { overrideReasons: r.group === 'critical-value' ? CRITICAL_VALUE_OVERRIDE_REASONS : OVERRIDE_REASONS }),
  };
}
