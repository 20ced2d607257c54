import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { pathToFileURL } from 'node:url';
import { z } from 'zod';
import type { Authority, Bilingual, Severity, Sql } from '../core/index.js';
import { invalid } from '../core/index.js';
import {
  FOLLOWUP_RULE,
  FOLLOWUP_SOURCE_PREFIX,
  FOLLOWUP_SYMPTOMS_CONCEPT,
  KnowledgeGraph,
  READING_RULE,
} from '../knowledge/index.js';

/**
 * The follow-up rule book: what to repeat, review, book or rehabilitate after discharge
 * (`monitoring.json`) and what a home reading must raise (`readings.json`), read from
 * `src/knowledge/data/followup/` and checked here. Medical knowledge stays in those files, each rule
 * with its authority and citation; this file holds only the shape and the checks.
 *
 * The knowledge release carries the rules (knowledge/importers/followup.ts: one `followup-rule` or
 * `reading-rule` relation per rule, attributes: the rule), so a curator's override or retraction changes
 * the next plan: `activeFollowUpRules(sql)` reads the active release's rules (cached per release id) and
 * every plan and alert names that release. `loadFollowUpRules()` reads the bundled files, for callers
 * without a database and for a release made before the rules were data.
 */

const bilingual = z.object({ en: z.string().min(1), zh: z.string().min(1) });
const authority = z.object({
  name: z.string().min(1),
  document: z.string().min(1),
  version: z.string().optional(),
  url: z.string().optional(),
});

const drugTrigger = z.object({
  /** WHO ATC prefixes; absent: any drug (with `current-not-discharged`). */
  atc: z.array(z.string().min(1)).optional(),
  /**
   * - `discharged-on`: on the discharge orders (or active at the end of the stay);
   * - `current`: active or as-needed at the state's moment;
   * - `current-not-discharged`: active while discharge orders exist that leave it out;
   * - `changed-in-stay`: started, stopped, resumed or dose-changed in the record;
   * - `started-in-stay`: started in the record;
   * - `any`: any course in the record, stopped ones too.
   */
  course: z.enum(['discharged-on', 'current', 'current-not-discharged', 'changed-in-stay', 'started-in-stay', 'any']),
});
const conditionTrigger = z.object({
  icd10: z.array(z.string()).default([]),
  snomed: z.array(z.string()).default([]),
});
const resultTrigger = z.object({
  loinc: z.array(z.string()).default([]),
  names: z.array(z.string()).default([]),
  atLeast: z.number().optional(),
  below: z.number().optional(),
  unit: z.string(),
});
const genotypeTrigger = z.object({ gene: z.string().min(1), phenotypes: z.array(z.string().min(1)).min(1) });

export const FOLLOW_UP_KINDS = [
  'lab',
  'appointment',
  'medication-review',
  'rehabilitation',
  'self-monitoring',
] as const;
export type FollowUpKind = (typeof FOLLOW_UP_KINDS)[number];

export const READING_KINDS = ['blood-pressure', 'weight', 'glucose', 'symptom', 'adherence'] as const;
export type ReadingKind = (typeof READING_KINDS)[number];

const monitoringRule = z.object({
  id: z.string().regex(/^FU-[A-Z0-9-]+$/, 'a rule id FU-…'),
  kind: z.enum(FOLLOW_UP_KINDS),
  when: z
    .object({
      drugs: drugTrigger.optional(),
      genotype: genotypeTrigger.optional(),
      conditions: conditionTrigger.optional(),
      results: resultTrigger.optional(),
    })
    .refine((w) => Object.keys(w).length > 0, 'a rule needs at least one trigger'),
  code: z.object({ system: z.string(), code: z.string(), display: z.string() }).optional(),
  reading: z.enum(READING_KINDS).optional(),
  measure: z.object({ name: bilingual, unit: z.string(), at: z.array(z.number().int().min(0)) }).optional(),
  title: bilingual,
  patientText: bilingual,
  keywords: z.array(z.string().min(1)).default([]),
  dueDays: z.number().int().min(0).nullable(),
  source: z.string().min(1),
  also: z.array(z.string()).default([]),
  citation: z.string().min(1),
  rationale: bilingual,
});

const readingTest = z.discriminatedUnion('type', [
  z.object({
    type: z.literal('rise'),
    moreThan: z.number().positive(),
    unit: z.literal('kg'),
    withinDays: z.number().positive(),
  }),
  z.object({
    type: z.literal('any'),
    systolicAtLeast: z.number().optional(),
    diastolicAtLeast: z.number().optional(),
    below: z.number().optional(),
    atLeast: z.number().optional(),
    unit: z.string().optional(),
  }),
  z.object({
    type: z.literal('mean'),
    systolicAtLeast: z.number(),
    diastolicAtLeast: z.number(),
    withinDays: z.number().positive(),
    minReadings: z.number().int().min(1),
  }),
  z.object({ type: z.literal('symptom'), symptoms: z.array(z.string().min(1)).min(1) }),
  z.object({
    type: z.literal('missed'),
    atc: z.array(z.string().min(1)).min(1),
    missedAtLeast: z.number().int().min(1),
    withinDays: z.number().positive(),
  }),
]);

const readingRule = z.object({
  id: z.string().regex(/^HR-[A-Z0-9-]+$/, 'a rule id HR-…'),
  reading: z.enum(READING_KINDS),
  test: readingTest,
  severity: z.enum(['moderate', 'high', 'critical']),
  /** The monitoring rule (a plan item) that makes this rule apply; absent: it applies to every patient. */
  when: z.string().optional(),
  title: bilingual,
  action: bilingual,
  source: z.string().min(1),
  citation: z.string().min(1),
});

const monitoringFile = z.object({
  version: z.string(),
  sources: z.record(z.string(), authority),
  rules: z.array(monitoringRule).min(1),
});
const readingsFile = z.object({
  version: z.string(),
  sources: z.record(z.string(), authority),
  rules: z.array(readingRule).min(1),
  symptoms: z.array(z.object({ id: z.string().min(1), label: bilingual })).min(1),
});

export type MonitoringRule = Omit<z.infer<typeof monitoringRule>, 'source' | 'also'> & {
  readonly source: Authority;
  readonly also: readonly Authority[];
};
export type ReadingTest = z.infer<typeof readingTest>;
export type ReadingRule = Omit<z.infer<typeof readingRule>, 'source' | 'severity'> & {
  readonly source: Authority;
  readonly severity: Severity;
};
export interface SymptomOption {
  readonly id: string;
  readonly label: Bilingual & { readonly zh: string };
}

export interface FollowUpRules {
  readonly version: string;
  /** Where the rules come from: `kg-release/<id>`, or `bundled/followup-<hash>` for the files in the package. */
  readonly release: string;
  readonly releaseId?: number;
  /** Rules of the release that cannot be used (e.g. a malformed curated rule), each naming the rule and why. */
  readonly problems: readonly string[];
  readonly monitoring: readonly MonitoringRule[];
  readonly readings: readonly ReadingRule[];
  readonly symptoms: readonly SymptomOption[];
}

const DATA_DIR = new URL('../knowledge/data/followup/', import.meta.url);

function readJson(name: string, dir: URL): unknown {
  const text = readFileSync(new URL(name, dir), 'utf8');
  try {
    return JSON.parse(text);
  } catch (e) {
    throw invalid(`not valid JSON: ${(e as Error).message}`, { where: `data/followup/${name}` });
  }
}

function parsed<T>(schema: z.ZodType<T>, raw: unknown, where: string): T {
  const r = schema.safeParse(raw);
  if (r.success) return r.data;
  const issue = r.error.issues[0]!;
  throw invalid(issue.message, { where, field: issue.path.join('.') });
}

function sourceOf(sources: Record<string, Authority>, id: string, where: string): Authority {
  const s = sources[id];
  if (!s) throw invalid(`unknown source '${id}'`, { where, field: 'source' });
  return s;
}

function monitoringOf(
  rule: z.infer<typeof monitoringRule>,
  sources: Record<string, Authority>,
  ids: Set<string>,
  where: string,
): MonitoringRule {
  if (ids.has(rule.id)) throw invalid(`duplicate id ${rule.id}`, { where, field: 'id' });
  if (rule.kind === 'lab' && !rule.code) throw invalid('a lab rule needs the test code', { where, field: 'code' });
  if (rule.kind === 'self-monitoring' && !rule.reading)
    throw invalid('a self-monitoring rule names the reading', { where, field: 'reading' });
  if (rule.kind === 'rehabilitation' && !rule.measure)
    throw invalid('a rehabilitation rule names its measure', { where, field: 'measure' });
  const out = {
    ...rule,
    source: sourceOf(sources, rule.source, where),
    also: rule.also.map((a) => sourceOf(sources, a, where)),
  };
  ids.add(rule.id);
  return out;
}

function readingOf(
  rule: z.infer<typeof readingRule>,
  sources: Record<string, Authority>,
  monitoringIds: ReadonlySet<string>,
  ids: Set<string>,
  where: string,
): ReadingRule {
  if (ids.has(rule.id)) throw invalid(`duplicate id ${rule.id}`, { where, field: 'id' });
  if (rule.when && !monitoringIds.has(rule.when))
    throw invalid(`'when' names no monitoring rule '${rule.when}'`, { where, field: 'when' });
  const out = { ...rule, source: sourceOf(sources, rule.source, where) };
  ids.add(rule.id);
  return out;
}

const hashOf = (v: unknown) => createHash('sha256').update(JSON.stringify(v)).digest('hex').slice(0, 12);

/** Checks the two files' contents (as parsed JSON) and resolves each rule's sources. Throws naming the rule and field. */
export function followUpRulesFrom(monitoringRaw: unknown, readingsRaw: unknown): FollowUpRules {
  const m = parsed(monitoringFile, monitoringRaw, 'data/followup/monitoring.json');
  const r = parsed(readingsFile, readingsRaw, 'data/followup/readings.json');
  const ids = new Set<string>();
  const monitoring = m.rules.map((rule) =>
    monitoringOf(rule, m.sources, ids, `data/followup/monitoring.json ${rule.id}`),
  );
  const readingIds = new Set<string>();
  const readings = r.rules.map((rule) =>
    readingOf(rule, r.sources, ids, readingIds, `data/followup/readings.json ${rule.id}`),
  );
  return {
    version: `${m.version}/${r.version}`,
    release: `bundled/followup-${hashOf([monitoringRaw, readingsRaw])}`,
    problems: [],
    monitoring,
    readings,
    symptoms: r.symptoms,
  };
}

/** One rule as a release holds it: the relation's attributes. */
export interface HeldRule {
  readonly attrs: unknown;
  readonly relationId?: string;
}

const message = (e: unknown) => {
  const err = e as { message?: string; location?: { field?: string } };
  return `${err.location?.field ? `${err.location.field}: ` : ''}${err.message ?? String(e)}`;
};

/**
 * The rules a release holds, each checked on its own: a rule that does not parse (a curator's
 * malformed override) or names an unknown source is left out and named in `problems`; the others
 * are used. Sources by their file id (`esc-hf-2021`).
 */
export function followUpRulesFromRelease(input: {
  readonly release: string;
  readonly releaseId?: number;
  readonly version: string;
  readonly sources: Record<string, Authority>;
  readonly monitoring: readonly HeldRule[];
  readonly readings: readonly HeldRule[];
  readonly symptoms: unknown;
}): FollowUpRules {
  const problems: string[] = [];
  const whereOf = (kind: string, h: HeldRule) => {
    const id = (h.attrs as { id?: unknown } | null)?.id;
    return `${kind} ${typeof id === 'string' ? id : '(no id)'} (${input.release}${h.relationId ? `, relation ${h.relationId}` : ''})`;
  };
  const each = <T, R>(kind: string, held: readonly HeldRule[], schema: z.ZodType<T>, use: (r: T, w: string) => R) =>
    held.flatMap((h) => {
      const where = whereOf(kind, h);
      try {
        return [use(parsed(schema, h.attrs, where), where)];
      } catch (e) {
        problems.push(`${where}: ${message(e)}`);
        return [];
      }
    });
  const ids = new Set<string>();
  // In the files' order (the relation's `position`; a rule a curator added, after them), then by id.
  const key = (h: HeldRule) => {
    const a = (h.attrs ?? {}) as { id?: unknown; position?: unknown };
    return { at: typeof a.position === 'number' ? a.position : Number.MAX_SAFE_INTEGER, id: String(a.id ?? '') };
  };
  const byId = (a: HeldRule, b: HeldRule) => key(a).at - key(b).at || key(a).id.localeCompare(key(b).id);
  const monitoring = each('follow-up rule', [...input.monitoring].sort(byId), monitoringRule, (r, w) =>
    monitoringOf(r, input.sources, ids, w),
  );
  const readingIds = new Set<string>();
  const readings = each('reading rule', [...input.readings].sort(byId), readingRule, (r, w) =>
    readingOf(r, input.sources, ids, readingIds, w),
  );
  const symptomList = z.array(z.object({ id: z.string().min(1), label: bilingual })).min(1);
  let symptoms: SymptomOption[] = [];
  try {
    symptoms = parsed(symptomList, input.symptoms, `symptom list (${input.release})`);
  } catch (e) {
    problems.push(`symptom list (${input.release}): ${message(e)}`);
  }
  return {
    version: input.version,
    release: input.release,
    ...(input.releaseId !== undefined ? { releaseId: input.releaseId } : {}),
    problems,
    monitoring,
    readings,
    symptoms,
  };
}

let cached: FollowUpRules | undefined;

/** The bundled follow-up rule files (or those of `dir`), checked; cached for the default folder. */
export function loadFollowUpRules(dir?: string): FollowUpRules {
  if (!dir && cached) return cached;
  const base = dir ? pathToFileURL(dir.endsWith('/') ? dir : `${dir}/`) : DATA_DIR;
  const rules = followUpRulesFrom(readJson('monitoring.json', base), readJson('readings.json', base));
  if (!dir) cached = rules;
  return rules;
}

/** Releases never change once written, so the rules are cached per database and release id. */
const books = new WeakMap<Sql, Map<number, Promise<FollowUpRules>>>();

/** The follow-up rules a release holds (the active release when none is named); undefined when it holds none. */
export async function loadReleaseFollowUpRules(sql: Sql, releaseId?: number): Promise<FollowUpRules | undefined> {
  const kg = new KnowledgeGraph(sql);
  const { releaseId: id, batchIds } = await kg.resolveRelease(releaseId);
  const has = await sql.query("select 1 from kg_batch where id = any($1) and kind = 'followup' limit 1", [batchIds]);
  if (!has.rows.length) return undefined;
  const perDb = books.get(sql) ?? new Map<number, Promise<FollowUpRules>>();
  books.set(sql, perDb);
  let book = perDb.get(id);
  if (!book) {
    book = readRelease(sql, kg, id);
    perDb.set(id, book);
    book.catch(() => perDb.delete(id));
  }
  return book;
}

async function readRelease(sql: Sql, kg: KnowledgeGraph, id: number): Promise<FollowUpRules> {
  const [monitoring, readings, symptoms] = await Promise.all([
    kg.relationsOfType(FOLLOWUP_RULE, { release: id }),
    kg.relationsOfType(READING_RULE, { release: id }),
    kg.concept(FOLLOWUP_SYMPTOMS_CONCEPT, { release: id }),
  ]);
  const named = (v: unknown) => (Array.isArray(v) ? v : [v]).filter((x): x is string => typeof x === 'string');
  const ids = [
    ...new Set(
      [...monitoring, ...readings].flatMap((r) =>
        [...named(r.attrs.source), ...named(r.attrs.also)].map((s) => `${FOLLOWUP_SOURCE_PREFIX}${s}`),
      ),
    ),
  ];
  const rows = await sql.query<{
    id: string;
    name: string;
    document: string | null;
    version: string | null;
    url: string | null;
  }>('select id, name, document, version, url from kg_source where id = any($1)', [ids]);
  const sources: Record<string, Authority> = {};
  for (const r of rows.rows)
    sources[r.id.slice(FOLLOWUP_SOURCE_PREFIX.length)] = {
      name: r.name,
      ...(r.document ? { document: r.document } : {}),
      ...(r.version ? { version: r.version } : {}),
      ...(r.url ? { url: r.url } : {}),
    };
  const held = (r: { attrs: unknown; id: string }) => ({ attrs: r.attrs, relationId: r.id });
  return followUpRulesFromRelease({
    release: `kg-release/${id}`,
    releaseId: id,
    version: String(symptoms?.attrs.version ?? `kg-release/${id}`),
    sources,
    monitoring: monitoring.map(held),
    readings: readings.map(held),
    symptoms: symptoms?.attrs.symptoms,
  });
}

/**
 * The follow-up rules in force: the active release's, or the bundled files' when there is no
 * release yet or the active release was made before the follow-up rules were data.
 */
export async function activeFollowUpRules(sql: Sql): Promise<FollowUpRules> {
  try {
    return (await loadReleaseFollowUpRules(sql)) ?? loadFollowUpRules();
  } catch (e) {
    if ((e as { code?: string }).code === 'not-found') return loadFollowUpRules();
    throw e;
  }
}
