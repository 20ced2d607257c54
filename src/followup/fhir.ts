import type { Source } from '../core/index.js';
import { sourceKey } from '../core/index.js';
import type { FollowUpItem, FollowUpPlan, FollowUpReason } from './plan.js';

/**
 * The plan as FHIR R4: one CarePlan (https://hl7.org/fhir/R4/careplan.html) whose activities
 * reference one Task per item (https://hl7.org/fhir/R4/task.html). R4's `Task.reasonReference` holds
 * one reference; every reason is kept in a MedSeek extension instead (the fact's source, the rule
 * with its authority and citation, the discharge order's span), so nothing of the "why" is lost.
 */
export const EXT_REASON = 'https://medseek.dev/fhir/StructureDefinition/followup-reason';

type Json = Record<string, unknown>;

const TASK_CODE: Record<FollowUpItem['kind'], string> = {
  lab: 'Repeat laboratory test',
  imaging: 'Repeat imaging',
  appointment: 'Follow-up visit',
  'medication-review': 'Medication review',
  rehabilitation: 'Rehabilitation goal',
  'self-monitoring': 'Home monitoring',
};

function reference(s: Source): Json {
  return s.kind === 'resource'
    ? { reference: `${s.resourceType}/${s.id}` }
    : { display: sourceKey(s), ...(s.kind === 'text' ? { reference: s.document } : {}) };
}

function reasonExtension(r: FollowUpReason): Json {
  const ext: Json[] = [
    { url: 'kind', valueCode: r.kind },
    { url: 'statement', valueString: r.statement.en },
    ...(r.statement.zh ? [{ url: 'statementZh', valueString: r.statement.zh }] : []),
  ];
  if (r.kind === 'record' || r.kind === 'order')
    for (const s of r.sources) ext.push({ url: 'source', valueReference: reference(s) });
  if (r.kind === 'rule') ext.push({ url: 'rule', valueString: r.ruleId });
  if (r.kind === 'rule' || r.kind === 'order') {
    ext.push({ url: 'authority', valueString: r.authority.name });
    if (r.authority.document) ext.push({ url: 'document', valueString: r.authority.document });
    ext.push({ url: 'citation', valueString: r.citation });
  }
  return { url: EXT_REASON, extension: ext };
}

export function toTask(plan: FollowUpPlan, item: FollowUpItem): Json {
  const firstResource = item.reasons
    .flatMap((r) => (r.kind === 'record' ? r.sources : []))
    .find((s) => s.kind === 'resource');
  return {
    resourceType: 'Task',
    id: item.id,
    extension: item.reasons.map(reasonExtension),
    basedOn: [{ reference: `CarePlan/${plan.id}` }],
    status: 'requested',
    intent: 'plan',
    priority: 'routine',
    code: {
      ...(item.code ? { coding: [item.code] } : {}),
      text: TASK_CODE[item.kind],
    },
    description: `${item.title.en}${item.title.zh ? ` / ${item.title.zh}` : ''}`,
    for: { reference: `Patient/${plan.patientId}` },
    ...(plan.encounterId ? { encounter: { reference: `Encounter/${plan.encounterId}` } } : {}),
    authoredOn: plan.createdAt,
    ...(item.due ? { restriction: { period: { start: plan.dischargedAt, end: item.due } } } : {}),
    reasonCode: {
      text: item.reasons
        .filter((r) => r.kind !== 'record')
        .map((r) => r.statement.en)
        .join(' '),
    },
    ...(firstResource ? { reasonReference: reference(firstResource) } : {}),
    ...(item.measure
      ? {
          input: [
            {
              type: { text: 'measure' },
              valueString: `${item.measure.name.en} (${item.measure.unit}) at days ${item.measure.at.join(', ')}`,
            },
          ],
        }
      : {}),
  };
}

/** The CarePlan and its Tasks, as a FHIR R4 collection Bundle. */
export function toFhirBundle(plan: FollowUpPlan): Json {
  const careplan: Json = {
    resourceType: 'CarePlan',
    id: plan.id,
    status: 'active',
    intent: 'plan',
    category: [{ text: 'Follow-up and rehabilitation after discharge' }],
    title: 'Follow-up and rehabilitation plan / 出院随访与康复计划',
    subject: { reference: `Patient/${plan.patientId}` },
    ...(plan.encounterId ? { encounter: { reference: `Encounter/${plan.encounterId}` } } : {}),
    period: { start: plan.dischargedAt },
    created: plan.createdAt,
    activity: plan.items.map((i) => ({ reference: { reference: `Task/${i.id}` } })),
  };
  return {
    resourceType: 'Bundle',
    type: 'collection',
    entry: [careplan, ...plan.items.map((i) => toTask(plan, i))].map((resource) => ({
      fullUrl: `urn:medseek:${(resource as { resourceType: string }).resourceType}/${(resource as { id: string }).id}`,
      resource,
    })),
  };
}
