import type { Authority, Sql } from '../../core/index.js';
import { invalid } from '../../core/index.js';
import {
  compileQcPatterns,
  KnowledgeGraph,
  parseQcHeadings,
  parseQcRule,
  QC_CATEGORIES,
  QC_HEADINGS_CONCEPT,
  type QcHeadings,
  qcKgSource,
  type QcRuleSpec,
  readQcData,
} from '../../knowledge/index.js';
import type { QcPredicate, QcRule } from './rule.js';
import { COMPLETENESS_PREDICATES } from './rules/completeness.js';
import { CONSISTENCY_PREDICATES } from './rules/consistency.js';
import { HOMEPAGE_PREDICATES } from './rules/homepage.js';
import { TIMELINESS_PREDICATES } from './rules/timeliness.js';
import { bundledHeadings, type HeadingSet, headingSet } from './text.js';

/**
 * The QC rule book: the rules the knowledge release holds (`qc-rule` relations, written by
 * knowledge/importers/qc.ts from `knowledge/data/qc`), each joined to the TypeScript predicate of
 * the same rule id. A curator's override or retraction of a rule changes the book of the release
 * it makes; every finding names the release its rule came from.
 */

/** The predicates, by rule id: what data cannot express. */
export const QC_PREDICATES: Readonly<Record<string, QcPredicate>> = {
  ...TIMELINESS_PREDICATES,
  ...COMPLETENESS_PREDICATES,
  ...CONSISTENCY_PREDICATES,
  ...HOMEPAGE_PREDICATES,
};

/** An authority a rule names, by its sources.json id (`BW2010`). */
export interface QcAuthority extends Authority {
  readonly id: string;
  readonly note?: string;
}

export interface QcRuleBook {
  /** The release as findings name it: `kg-release/<id>`, or `bundled/qc-<hash>` for the files in the package. */
  readonly release: string;
  readonly releaseId?: number;
  /** In order: timeliness, completeness, consistency, front sheet; by id within each. */
  readonly rules: readonly QcRule[];
  readonly sources: ReadonlyMap<string, QcAuthority>;
  /** The headings the section reader knows (the release's `qc-headings`). */
  readonly headings: HeadingSet;
  rule(id: string): QcRule | undefined;
}

interface RuleInput {
  readonly spec: QcRuleSpec;
  readonly relationId?: string;
}

/**
 * Joins rule data to predicates and checks it: every rule has a predicate, names known sources and
 * holds the sections, patterns and lists its predicate reads; patterns compile.
 */
export function buildRuleBook(
  inputs: readonly RuleInput[],
  sources: ReadonlyMap<string, QcAuthority>,
  release: { readonly label: string; readonly releaseId?: number },
  headings: HeadingSet = bundledHeadings(),
): QcRuleBook {
  const seen = new Set<string>();
  const rules: QcRule[] = [];
  for (const { spec, relationId } of inputs) {
    const where = `QC rule ${spec.id}`;
    if (seen.has(spec.id)) throw invalid(`${where} appears twice in ${release.label}`, { where, field: 'id' });
    seen.add(spec.id);
    const pred = QC_PREDICATES[spec.id];
    if (!pred) throw invalid(`${where} has no predicate in code (src/reasoning/quality/rules)`, { where, field: 'id' });
    for (const s of spec.sources)
      if (!sources.has(s.id)) throw invalid(`${where} names unknown source '${s.id}'`, { where, field: 'sources' });
    for (const kind of ['sections', 'patterns', 'lists'] as const) {
      for (const key of pred.needs?.[kind] ?? [])
        if (!(key in spec[kind]))
          throw invalid(`${where} lacks ${kind}.${key}, which its predicate reads`, { where, field: `${kind}.${key}` });
    }
    const patterns = compileQcPatterns(spec.patterns, where, 'patterns') as Record<string, unknown>;
    rules.push({
      id: spec.id,
      category: spec.category,
      title: spec.title,
      severity: spec.severity,
      source: spec.citation,
      sources: spec.sources,
      ...(spec.region ? { region: spec.region } : {}),
      ...(spec.defaultEnabled === false ? { defaultEnabled: false } : {}),
      defaults: spec.params,
      sections: spec.sections,
      patterns,
      lists: spec.lists,
      ...(relationId ? { relationId } : {}),
      check: pred.check,
    });
  }
  const rank = (r: QcRule) => QC_CATEGORIES.indexOf(r.category);
  rules.sort((a, b) => rank(a) - rank(b) || a.id.localeCompare(b.id));
  const byId = new Map(rules.map((r) => [r.id, r]));
  return {
    release: release.label,
    ...(release.releaseId !== undefined ? { releaseId: release.releaseId } : {}),
    rules,
    sources,
    headings,
    rule: (id) => byId.get(id),
  };
}

/** A `qc:` knowledge source as the rule book keeps it (id without the prefix). */
function authorityOf(s: {
  id: string;
  name: string;
  document?: string | null;
  version?: string | null;
  url?: string | null;
  licence?: string | null;
  date?: string | null;
  note?: string | null;
}): QcAuthority {
  return {
    id: s.id.replace(/^qc:/, ''),
    name: s.name,
    ...(s.document ? { document: s.document } : {}),
    ...(s.version ? { version: s.version } : {}),
    ...(s.url ? { url: s.url } : {}),
    ...(s.licence ? { licence: s.licence } : {}),
    ...(s.date ? { date: s.date } : {}),
    ...(s.note ? { note: s.note } : {}),
  };
}

let bundled: QcRuleBook | undefined;

/**
 * The rule book straight from the bundled data files (no database): for pure tests and for a
 * database with no QC release yet.
 */
export function qualityRulesFromData(): QcRuleBook {
  if (bundled) return bundled;
  const data = readQcData();
  const sources = new Map(data.sources.map((s) => [s.id, authorityOf(qcKgSource(s))]));
  bundled = buildRuleBook(
    data.rules.map((spec) => ({ spec })),
    sources,
    { label: `bundled/qc-${data.contentHash.slice(0, 12)}` },
    headingSet(data.headings.items, data.headings.documents, data.headings.orders, data.headings.titles),
  );
  return bundled;
}

/** Releases never change once written, so a book is cached per database and release id. */
const books = new WeakMap<Sql, Map<number, Promise<QcRuleBook>>>();

/** The rule book a release holds (the active release when none is named); refuses a release without QC rules. */
export async function loadQualityRules(sql: Sql, releaseId?: number): Promise<QcRuleBook> {
  const kg = new KnowledgeGraph(sql);
  const { releaseId: id, batchIds } = await kg.resolveRelease(releaseId);
  const perDb = books.get(sql) ?? new Map<number, Promise<QcRuleBook>>();
  books.set(sql, perDb);
  let book = perDb.get(id);
  if (!book) {
    book = readBook(sql, kg, id, batchIds);
    perDb.set(id, book);
    book.catch(() => perDb.delete(id));
  }
  return book;
}

async function readBook(sql: Sql, kg: KnowledgeGraph, id: number, batchIds: readonly number[]): Promise<QcRuleBook> {
  if (!(await hasQcBatch(sql, batchIds)))
    throw invalid(`knowledge release ${id} holds no QC rules: import them (the 'qc' batch) into a new release`, {
      field: 'release',
    });
  const relations = await kg.relationsOfType('qc-rule', { release: id });
  const inputs = relations.map((r) => ({
    spec: parseQcRule(r.attrs, `QC rule ${String(r.attrs.id ?? r.from)} (release ${id}, relation ${r.id})`),
    relationId: r.id,
  }));
  // A release made before the headings were data reads with the bundled ones.
  const held = await kg.concept(QC_HEADINGS_CONCEPT, { release: id });
  const headings: QcHeadings | undefined = held
    ? parseQcHeadings(held.attrs, `QC headings (release ${id}, concept ${QC_HEADINGS_CONCEPT})`)
    : undefined;
  const ids = [
    ...new Set([
      ...inputs.flatMap((i) => i.spec.sources.map((s) => `qc:${s.id}`)),
      ...(headings?.sources ?? []).map((s) => `qc:${s.id}`),
    ]),
  ];
  const rows = await sql.query<{
    id: string;
    name: string;
    document: string | null;
    version: string | null;
    url: string | null;
    licence: string | null;
    date: string | null;
    note: string | null;
  }>('select id, name, document, version, url, licence, date, note from kg_source where id = any($1)', [ids]);
  const sources = new Map(rows.rows.map((r) => [r.id.replace(/^qc:/, ''), authorityOf(r)]));
  return buildRuleBook(
    inputs,
    sources,
    { label: `kg-release/${id}`, releaseId: id },
    headings ? headingSet(headings.items, headings.documents, headings.orders, headings.titles) : bundledHeadings(),
  );
}

async function hasQcBatch(sql: Sql, batchIds: readonly number[]): Promise<boolean> {
  const r = await sql.query("select 1 from kg_batch where id = any($1) and kind = 'qc' limit 1", [batchIds]);
  return r.rows.length > 0;
}

/**
 * The rule book in force: the active release's, or the bundled one when there is no release yet or
 * the active release was made before QC rules were data (its findings then name the bundled book).
 */
export async function activeQualityRules(sql: Sql): Promise<QcRuleBook> {
  const kg = new KnowledgeGraph(sql);
  let release: { releaseId: number; batchIds: number[] };
  try {
    release = await kg.resolveRelease();
  } catch (e) {
    if ((e as { code?: string }).code === 'not-found') return qualityRulesFromData();
    throw e;
  }
  if (!(await hasQcBatch(sql, release.batchIds))) return qualityRulesFromData();
  return loadQualityRules(sql, release.releaseId);
}
