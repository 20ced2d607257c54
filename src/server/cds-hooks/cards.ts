import { randomUUID } from 'node:crypto';
import type { Fact, PatientState, Source } from '../../core/index.js';
import { allFacts, sourceKey } from '../../core/index.js';
import type { RuleResult } from '../../reasoning/index.js';

/**
 * Rule results → CDS Hooks 2.0 cards (https://cds-hooks.hl7.org/2.0/#card-attributes): summary
 * under 140 characters, indicator (only high/critical findings are `critical`, i.e. interrupting;
 * moderate → `warning`; the rest `info`), detail in Markdown with the evidence and where it came
 * from, source with the authority and its link, suggestions (remove/replace a draft drug, order a
 * test) as create/delete actions, override reasons, and a uuid for feedback.
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

/** The FHIR resource a fact came from (to delete a draft order), when it came from one. */
function resourceOf(f: Fact | undefined): string | undefined {
  const s = f?.sources.find((x) => x.kind === 'resource');
  return s && s.kind === 'resource' ? `${s.resourceType}/${s.id}` : undefined;
}

export function cardOf(r: RuleResult, state: PatientState): Card {
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
  const suggestions: Suggestion[] = r.suggestions.map((s, i) => {
    const uuid = randomUUID();
    if (s.kind === 'order') {
      return {
        label: s.label.zh ? `${s.label.en} / ${s.label.zh}` : s.label.en,
        uuid,
        isRecommended: i === 0,
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
      };
    }
    const target = resourceOf(facts.get(s.factId));
    const actions: Action[] = target ? [{ type: 'delete', description: `Remove ${target}`, resourceId: target }] : [];
    if (s.kind === 'replace')
      actions.push({
        type: 'create',
        description: `Order ${s.with.en} instead`,
        resource: {
          resourceType: 'MedicationRequest',
          status: 'draft',
          intent: 'proposal',
          subject: { reference: `Patient/${state.patientId}` },
          medicationCodeableConcept: { text: s.with.en },
        },
      });
    return {
      label: s.label.zh ? `${s.label.en} / ${s.label.zh}` : s.label.en,
      uuid,
      isRecommended: i === 0,
      ...(actions.length ? { actions } : {}),
    };
  });
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
    ...(suggestions.length ? { suggestions, selectionBehavior: 'at-most-one' as const } : {}),
    ...(indicator === 'critical' ? { overrideReasons: OVERRIDE_REASONS } : {}),
  };
}
