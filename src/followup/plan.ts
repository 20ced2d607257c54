import type {
  Authority,
  Bilingual,
  Coding,
  Fact,
  MedicationCourse,
  PatientState,
  Source,
  TextSource,
} from '../core/index.js';
import { CodeSystems, conceptLabel, isAffirmed, isCurrentCourse, stableId } from '../core/index.js';
import { type DischargeOrder, dischargeOrders, type NoteInput } from './discharge-orders.js';
import type { FollowUpKind, FollowUpRules, MonitoringRule, ReadingKind } from './rules.js';

/**
 * The follow-up and rehabilitation plan after discharge: from the fused PatientState (and the
 * discharge summary's 出院医嘱 where present), one item per thing to do, each with its reasons —
 * the patient's facts that triggered it (with their sources) and the rule (authority + citation) or
 * the discharging physician's order that asks for it. By construction an item has record evidence
 * (a trigger only matches facts with sources) and a rule or an order; `isCited` checks it (the tests
 * run it over every demo inpatient's plan).
 */

/** Why an item is in the plan: a fact of the record, a rule of the book, or an order in the discharge summary. */
export type FollowUpReason =
  | {
      readonly kind: 'record';
      readonly statement: Bilingual;
      readonly factIds: readonly string[];
      readonly sources: readonly Source[];
    }
  | {
      readonly kind: 'rule';
      readonly ruleId: string;
      readonly statement: Bilingual;
      readonly authority: Authority;
      readonly also: readonly Authority[];
      readonly citation: string;
    }
  | {
      readonly kind: 'order';
      readonly statement: Bilingual;
      readonly authority: Authority;
      readonly citation: string;
      readonly sources: readonly TextSource[];
    };

export type PlanItemKind = FollowUpKind | 'imaging';

export interface FollowUpItem {
  /** Stable for one patient, stay and item (re-planning keeps ids, so reminders and Tasks follow). */
  readonly id: string;
  readonly kind: PlanItemKind;
  readonly title: Bilingual;
  /** What the patient reads on the phone page. */
  readonly patientText: Bilingual;
  readonly code?: Coding;
  /** Days after discharge it is due by; absent: at the next clinic visit. */
  readonly dueDays?: number;
  /** ISO date (YYYY-MM-DD) it is due by. */
  readonly due?: string;
  readonly reading?: ReadingKind;
  readonly measure?: { readonly name: Bilingual; readonly unit: string; readonly at: readonly number[] };
  readonly ruleIds: readonly string[];
  readonly reasons: readonly FollowUpReason[];
}

export interface FollowUpPlan {
  readonly id: string;
  readonly patientId: string;
  readonly encounterId?: string;
  /** The end of the stay the plan follows (or the state's moment when no stay ended). */
  readonly dischargedAt: string;
  readonly createdAt: string;
  readonly rulesVersion: string;
  /** The rules' release: `kg-release/<id>` (the knowledge release) or `bundled/followup-<hash>` (the files). */
  readonly rulesRelease: string;
  readonly items: readonly FollowUpItem[];
  /** The home-reading rules (readings.json) that apply to this patient. */
  readonly readingRules: readonly string[];
  /** The discharge medications, for the patient to report adherence on (each with the facts it rests on). */
  readonly medications: readonly {
    readonly name: Bilingual;
    readonly atc?: string;
    readonly factIds: readonly string[];
  }[];
}

export interface PlanInput {
  readonly state: PatientState;
  /** The record's notes (the discharge summary's 出院医嘱 become items or reasons). */
  readonly notes?: readonly NoteInput[];
  readonly rules: FollowUpRules;
  /** When the plan is made (default: the state's moment). */
  readonly now?: string;
}

const DAY = 86_400_000;

const atcCodes = (c: MedicationCourse): string[] =>
  [c.concept, ...(c.concept.codings ?? [])].filter((x) => x.system === CodeSystems.atc).map((x) => x.code);

function codesOf(f: Fact, system: string): string[] {
  return [f.concept, ...(f.concept.codings ?? [])].filter((x) => x.system === system).map((x) => x.code);
}

const hasDischargeOrders = (state: PatientState) => (state.medications ?? []).some((c) => c.discharge);

function courseMatches(c: MedicationCourse, course: string, dischargeListed: boolean): boolean {
  const kinds = new Set(c.events.map((e) => e.kind));
  switch (course) {
    case 'discharged-on':
      return c.discharge || (!dischargeListed && isCurrentCourse(c));
    case 'current':
      return isCurrentCourse(c);
    case 'current-not-discharged':
      return dischargeListed && isCurrentCourse(c) && !c.discharge;
    case 'changed-in-stay':
      return ['started', 'stopped', 'resumed', 'dose-changed'].some((k) => kinds.has(k as never));
    case 'started-in-stay':
      return kinds.has('started');
    default:
      return true;
  }
}

function courseStatement(c: MedicationCourse): Bilingual {
  const name = { en: conceptLabel(c.concept, 'en'), zh: conceptLabel(c.concept, 'zh') };
  const events = c.events.filter((e) => e.kind !== 'discharge');
  const en = events.map(
    (e) => `${e.kind}${e.time ? ` ${e.time.slice(0, 10)}` : ''}${e.reason ? ` (${e.reason})` : ''}`,
  );
  const ZH: Record<string, string> = {
    started: '启用',
    stopped: '停用',
    held: '暂停',
    resumed: '恢复',
    'one-off': '临时',
    prn: '按需',
    'dose-changed': '调整剂量',
  };
  const zh = events.map(
    (e) => `${e.time ? `${e.time.slice(0, 10)} ` : ''}${ZH[e.kind] ?? e.kind}${e.reason ? `（${e.reason}）` : ''}`,
  );
  const dis = c.discharge ? { en: '; on the discharge orders', zh: '；出院带药' } : { en: '', zh: '' };
  return {
    en: `${name.en}: ${c.status}${en.length ? `, ${en.join(', ')}` : ''}${dis.en}`,
    zh: `${name.zh}：${zh.length ? zh.join('，') : c.status}${dis.zh}`,
  };
}

const recordReason = (statement: Bilingual, factIds: readonly string[], sources: readonly Source[]) =>
  ({ kind: 'record', statement, factIds, sources }) as const;

/** The record evidence a rule's triggers find in the state, one group per trigger; undefined when a trigger fails. */
function triggerEvidence(
  rule: MonitoringRule,
  state: PatientState,
): { reasons: FollowUpReason[]; courses: MedicationCourse[] } | undefined {
  const reasons: FollowUpReason[] = [];
  let courses: MedicationCourse[] = [];
  const w = rule.when;
  if (w.drugs) {
    const listed = hasDischargeOrders(state);
    const atc = w.drugs.atc;
    courses = (state.medications ?? []).filter(
      (c) =>
        (!atc || atcCodes(c).some((code) => atc.some((p) => code.startsWith(p)))) &&
        courseMatches(c, w.drugs!.course, listed) &&
        c.sources.length > 0,
    );
    if (!courses.length) return undefined;
    for (const c of courses) reasons.push(recordReason(courseStatement(c), c.factIds, c.sources));
  }
  if (w.genotype) {
    const g = w.genotype;
    const found = state.biology.filter(
      (f) =>
        f.qualifiers?.gene === g.gene &&
        g.phenotypes.some((p) => (f.qualifiers?.phenotype ?? f.valueText ?? '').toLowerCase().includes(p)),
    );
    if (!found.length) return undefined;
    for (const f of found)
      reasons.push(
        recordReason(
          {
            en: `${g.gene} ${f.qualifiers?.diplotype ?? ''} (${f.qualifiers?.phenotype ?? f.valueText ?? ''})`,
            zh: `${g.gene} ${f.qualifiers?.diplotype ?? ''}（${f.qualifiers?.phenotype ?? f.valueText ?? ''}）`,
          },
          [f.id],
          f.sources,
        ),
      );
  }
  if (w.conditions) {
    const { icd10, snomed } = w.conditions;
    const found = state.phenotype.filter(
      (f) =>
        f.category === 'condition' &&
        isAffirmed(f) &&
        f.status !== 'resolved' &&
        f.status !== 'inactive' &&
        f.sources.length > 0 &&
        (codesOf(f, CodeSystems.icd10).some((c) => icd10.some((p) => c.startsWith(p))) ||
          codesOf(f, CodeSystems.snomed).some((c) => snomed.includes(c))),
    );
    if (!found.length) return undefined;
    // A coded Condition resource is the fact to click; note mentions only when no resource says it.
    const coded = found.filter((f) => f.sources.some((s) => s.kind === 'resource'));
    for (const f of (coded.length ? coded : found).slice(0, 3))
      reasons.push(
        recordReason(
          { en: conceptLabel(f.concept, 'en'), zh: conceptLabel(f.concept, 'zh') },
          [f.id],
          f.sources.some((s) => s.kind === 'resource') ? f.sources.filter((s) => s.kind === 'resource') : f.sources,
        ),
      );
  }
  if (w.results) {
    const r = w.results;
    const latest = state.phenotype
      .filter(
        (f) =>
          f.category === 'measurement' &&
          f.value &&
          f.value.unit === r.unit &&
          (codesOf(f, CodeSystems.loinc).some((c) => r.loinc.includes(c)) ||
            r.names.some((n) => `${f.concept.display ?? ''} ${f.concept.displayZh ?? ''}`.includes(n))),
      )
      .sort((a, b) => (a.time?.start ?? '').localeCompare(b.time?.start ?? ''))
      .at(-1);
    if (!latest?.value) return undefined;
    const v = latest.value.value;
    if (r.atLeast !== undefined && !(v >= r.atLeast)) return undefined;
    if (r.below !== undefined && !(v < r.below)) return undefined;
    const when = latest.time?.start?.slice(0, 10) ?? '';
    reasons.push(
      recordReason(
        {
          en: `${conceptLabel(latest.concept, 'en')} ${v} ${latest.value.unit} (${when})`,
          zh: `${conceptLabel(latest.concept, 'zh')} ${v} ${latest.value.unit}（${when}）`,
        },
        [latest.id],
        latest.sources,
      ),
    );
  }
  return { reasons, courses };
}

function ruleReason(rule: MonitoringRule): FollowUpReason {
  return {
    kind: 'rule',
    ruleId: rule.id,
    statement: rule.rationale,
    authority: rule.source,
    also: rule.also,
    citation: rule.citation,
  };
}

/** The end of the latest stay up to the state's moment, else the state's moment. */
export function dischargeTime(state: PatientState): string {
  const at = Date.parse(state.at);
  const ends = state.timeline
    .filter((e) => e.kind === 'encounter' && e.end && Date.parse(e.end) <= at)
    .map((e) => e.end!)
    .sort((a, b) => Date.parse(a) - Date.parse(b));
  return ends.at(-1) ?? state.at;
}

const dueDate = (from: string, days: number) => new Date(Date.parse(from) + days * DAY).toISOString().slice(0, 10);

interface Draft {
  key: string;
  item: Omit<FollowUpItem, 'reasons' | 'ruleIds' | 'id' | 'due'>;
  ruleIds: string[];
  reasons: FollowUpReason[];
  keywords: string[];
}

/** Builds the plan. Pure: the same state, notes and rules give the same items and ids. */
export function buildFollowUpPlan(input: PlanInput): FollowUpPlan {
  const { state, rules } = input;
  const dischargedAt = dischargeTime(state);
  const drafts = new Map<string, Draft>();
  const add = (key: string, d: Omit<Draft, 'key'>) => {
    const existing = drafts.get(key);
    if (!existing) {
      drafts.set(key, { key, ...d });
      return;
    }
    // One thing to do, several reasons: keep every reason and the earliest due day.
    for (const r of d.reasons)
      if (!existing.reasons.some((x) => JSON.stringify(x) === JSON.stringify(r))) existing.reasons.push(r);
    existing.ruleIds.push(...d.ruleIds.filter((id) => !existing.ruleIds.includes(id)));
    existing.keywords.push(...d.keywords);
    const a = existing.item.dueDays;
    const b = d.item.dueDays;
    if (b !== undefined && (a === undefined || b < a)) existing.item = { ...existing.item, dueDays: b };
  };

  for (const rule of rules.monitoring) {
    const found = triggerEvidence(rule, state);
    if (!found) continue;
    const base = {
      kind: rule.kind,
      title: rule.title,
      patientText: rule.patientText,
      ...(rule.code ? { code: rule.code } : {}),
      ...(rule.dueDays !== null ? { dueDays: rule.dueDays } : {}),
      ...(rule.reading ? { reading: rule.reading } : {}),
      ...(rule.measure ? { measure: rule.measure } : {}),
    };
    if (rule.kind === 'medication-review' && found.courses.length) {
      // A review is about one drug: one item per drug, where every rule about that drug adds its reason.
      const others = found.reasons.filter(
        (r) => r.kind === 'record' && !found.courses.some((c) => c.factIds === r.factIds),
      );
      for (const c of found.courses) {
        const drug = { en: conceptLabel(c.concept, 'en'), zh: conceptLabel(c.concept, 'zh') };
        add(`review:${c.concept.system}|${c.concept.code}`, {
          item: { ...base, title: { en: `${rule.title.en}: ${drug.en}`, zh: `${rule.title.zh}：${drug.zh}` } },
          ruleIds: [rule.id],
          reasons: [
            recordReason(courseStatement(c), c.factIds, c.sources),
            ...others,
            {
              ...ruleReason(rule),
              statement: { en: `${rule.title.en}: ${rule.rationale.en}`, zh: `${rule.title.zh}：${rule.rationale.zh}` },
            },
          ],
          keywords: rule.keywords,
        });
      }
      continue;
    }
    const key = rule.code ? `${rule.kind}:${rule.code.system}|${rule.code.code}` : `${rule.kind}:${rule.id}`;
    add(key, {
      item: base,
      ruleIds: [rule.id],
      reasons: [...found.reasons, ruleReason(rule)],
      keywords: rule.keywords,
    });
  }

  // The discharge summary's orders: a reason for an item they name, or an item of their own.
  for (const order of dischargeOrders(input.notes ?? [])) {
    const reason = orderReason(order);
    const target = [...drafts.values()].find((d) =>
      d.keywords.some((k) => order.text.toLowerCase().includes(k.toLowerCase())),
    );
    if (target) {
      add(target.key, {
        item: { ...target.item, ...(order.dueDays !== undefined ? { dueDays: order.dueDays } : {}) },
        ruleIds: [],
        reasons: [reason],
        keywords: [],
      });
      continue;
    }
    if (!order.followUp) continue;
    add(`order:${order.start}`, {
      item: {
        kind: order.kind,
        title: { en: `Discharge order: ${order.text}`, zh: order.text },
        patientText: { en: `As your doctor ordered at discharge: ${order.text}`, zh: `出院医嘱：${order.text}` },
        ...(order.dueDays !== undefined ? { dueDays: order.dueDays } : {}),
      },
      ruleIds: [],
      reasons: [reason],
      keywords: [],
    });
  }

  const items: FollowUpItem[] = [...drafts.values()].map((d) => ({
    id: stableId('followup-item', state.patientId, dischargedAt, d.key),
    ...d.item,
    ...(d.item.dueDays !== undefined ? { due: dueDate(dischargedAt, d.item.dueDays) } : {}),
    ruleIds: d.ruleIds,
    reasons: d.reasons,
  }));
  const planned = new Set(items.flatMap((i) => i.ruleIds));
  const plan: FollowUpPlan = {
    id: stableId('followup-plan', state.patientId, dischargedAt),
    patientId: state.patientId,
    ...(state.encounterId ? { encounterId: state.encounterId } : {}),
    dischargedAt,
    createdAt: input.now ?? state.at,
    rulesVersion: rules.version,
    rulesRelease: rules.release,
    items,
    readingRules: rules.readings.filter((r) => !r.when || planned.has(r.when)).map((r) => r.id),
    medications: (state.medications ?? [])
      .filter((c) => c.discharge)
      .map((c) => {
        const atc = atcCodes(c)[0];
        return {
          name: { en: conceptLabel(c.concept, 'en'), zh: conceptLabel(c.concept, 'zh') },
          ...(atc ? { atc } : {}),
          factIds: c.factIds,
        };
      }),
  };
  return plan;
}

function orderReason(order: DischargeOrder): FollowUpReason {
  return {
    kind: 'order',
    statement: { en: `Discharge order: ${order.text}`, zh: `出院医嘱：${order.text}` },
    authority: { name: 'Discharging physician (出院医嘱)', document: order.source.document },
    citation: order.text,
    sources: [order.source],
  };
}

/** An item is cited when it has record evidence with a source and a rule or order with its authority. */
export function isCited(item: FollowUpItem): boolean {
  const evidence = item.reasons.some((r) => (r.kind === 'record' || r.kind === 'order') && r.sources.length > 0);
  const authority = item.reasons.some(
    (r) => (r.kind === 'rule' && r.citation.length > 0) || (r.kind === 'order' && r.citation.length > 0),
  );
  return evidence && authority;
}
