import { readFileSync } from 'node:fs';
import type { Authority, Bilingual } from '../../core/index.js';
import { invalid } from '../../core/index.js';
import { type BatchData, BatchBuilder } from '../batch.js';
import type { KgSource } from '../model.js';
import { contentHash } from './read-input.js';

/**
 * The record-QC rule book (病历质控, docs/domain/qc-rules.md) as data: `data/qc/` holds one file per
 * kind (sources, rules, the sections each rule requires, its text patterns, its value lists). This
 * module reads and checks those files, merges them into one record per rule, and writes each rule
 * into the knowledge graph as a `qc-rule` relation whose attributes are the whole rule, so a
 * curator can override or retract it. `parseQcRule` checks a rule however it arrives (from the
 * files or from a release, curated or not) and names the rule and field of any problem.
 */

export type QcSourceRole = 'authority' | 'method';

export interface QcSourceRef {
  readonly id: string;
  /** The article or item (`第十八条(四)`). */
  readonly cite?: string;
  /** authority: the source the rule rests on; method: where the way of checking comes from (never the authority). */
  readonly role: QcSourceRole;
  /** The cite in the other language, where `cite` is written in one only. */
  readonly citeEn?: string;
  readonly citeZh?: string;
  /** The source's title in both languages (from sources.json), so a finding cites it in the reader's language. */
  readonly title?: Bilingual & { readonly zh: string };
}

export interface QcSourceData extends Authority {
  readonly id: string;
  /** Whose law or practice: CN or US; none for a cross-check. */
  readonly jurisdiction?: 'CN' | 'US';
  readonly kind:
    | 'regulation'
    | 'guidance'
    | 'code-table'
    | 'accreditation'
    | 'common-practice'
    | 'cross-check'
    | 'method';
  readonly note?: string;
  /** Where the text was read, when not at `url`. */
  readonly readAt?: string;
  /** The norm's title as findings cite it, in English beside the Chinese. */
  readonly title?: Bilingual & { readonly zh: string };
}

export interface QcSectionRequirement {
  readonly name: string;
  readonly severity: string;
  /** Other headings that also count (婚姻 for 婚姻状况). */
  readonly synonyms?: readonly string[];
}

export interface QcSectionList {
  /** The document type it applies to (`admission-note`). */
  readonly document: string;
  readonly label: Bilingual & { readonly zh: string };
  readonly sections: readonly QcSectionRequirement[];
  readonly sources: readonly { readonly id: string; readonly cite?: string }[];
}

/** One rule with everything the data files say about it (the attributes of its `qc-rule` relation). */
export interface QcRuleSpec {
  readonly id: string;
  readonly category: 'timeliness' | 'completeness' | 'consistency' | 'homepage';
  readonly severity: 'S1' | 'S2' | 'S3' | 'S4';
  readonly title: Bilingual & { readonly zh: string };
  readonly region?: 'cn' | 'intl';
  readonly defaultEnabled?: boolean;
  /** Defaults of what a hospital may re-set. */
  readonly params: Readonly<Record<string, unknown>>;
  /** The line shown with each finding. */
  readonly citation: string;
  readonly sources: readonly QcSourceRef[];
  readonly sections: Readonly<Record<string, QcSectionList>>;
  /** As stored: every `{re, flags}` is a pattern (see `compileQcPatterns`). */
  readonly patterns: Readonly<Record<string, unknown>>;
  readonly lists: Readonly<Record<string, readonly unknown[]>>;
}

/** A heading the section reader knows (`sections.json` `headings`). */
export interface QcHeading {
  readonly name: string;
  /** Other headings for the same item; the content under any of them counts for all (入院日期, 入院时间). */
  readonly synonyms?: readonly string[];
  /** May follow other fields on the same line ("姓名：张三　性别：男"); otherwise it starts a line. */
  readonly inline?: boolean;
}

/** How a document's type is read when its source does not code it (`headings.documents`). */
export interface QcDocumentKind {
  readonly type: string;
  /** As stored, `{re, flags}`: matched against the document's title. */
  readonly title: { readonly re: string; readonly flags?: string };
  readonly loinc?: readonly string[];
  /** Also written inside a 病程记录, under a heading line (上级医师查房记录). */
  readonly inProgressNote?: boolean;
}

/**
 * How records are read, with the sources it comes from (the `qc-headings` concept of a release):
 * the section headings and the document titles.
 */
export interface QcHeadings {
  readonly items: readonly QcHeading[];
  /** In order: the first whose LOINC code or title matches gives the type. */
  readonly documents: readonly QcDocumentKind[];
  /** A physician's title read from a signature or heading line, first match wins (`{title, pattern}`). */
  readonly titles: readonly {
    readonly title: string;
    readonly pattern: { readonly re: string; readonly flags?: string };
  }[];
  /** An order's category by the ATC group of its drug, first match wins. */
  readonly orders: readonly { readonly category: string; readonly atc: readonly string[] }[];
  readonly sources: readonly { readonly id: string; readonly cite?: string }[];
}

export interface QcData {
  readonly document: { readonly title: string; readonly version: string; readonly path: string };
  readonly sources: readonly QcSourceData[];
  readonly rules: readonly QcRuleSpec[];
  readonly headings: QcHeadings;
  readonly contentHash: string;
}

/** The concept that holds the headings in a release (its attributes: `QcHeadings`). */
export const QC_HEADINGS_CONCEPT = 'qc-headings';

export const QC_CATEGORIES = ['timeliness', 'completeness', 'consistency', 'homepage'] as const;
const SEVERITIES = ['S1', 'S2', 'S3', 'S4'];
const ROLES: readonly QcSourceRole[] = ['authority', 'method'];
const SOURCE_KINDS = [
  'regulation',
  'guidance',
  'code-table',
  'accreditation',
  'common-practice',
  'cross-check',
  'method',
];

const dataDir = new URL('../data/qc/', import.meta.url);

function readJson(dir: URL, name: string): Record<string, unknown> {
  const text = readFileSync(new URL(name, dir), 'utf8');
  try {
    return JSON.parse(text) as Record<string, unknown>;
  } catch (e) {
    throw invalid(`not valid JSON: ${(e as Error).message}`, { where: `data/qc/${name}` });
  }
}

const isObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);
const need = (ok: boolean, where: string, field: string, why: string) => {
  if (!ok) throw invalid(`${field} ${why}`, { where, field });
};
const text = (v: unknown) => typeof v === 'string' && v.trim().length > 0;

/**
 * Compiles every `{re, flags}` inside a value into a RegExp (other values kept). Throws naming the
 * rule and field when a pattern does not compile or asks for the stateful g/y flags.
 */
export function compileQcPatterns(value: unknown, where: string, field: string): unknown {
  if (Array.isArray(value)) return value.map((v, i) => compileQcPatterns(v, where, `${field}[${i}]`));
  if (!isObject(value)) return value;
  if (typeof value.re === 'string' && Object.keys(value).every((k) => k === 're' || k === 'flags')) {
    const flags = value.flags ?? '';
    need(
      typeof flags === 'string' && !/[gy]/.test(flags),
      where,
      `${field}.flags`,
      'must be a string without g or y (patterns are tested, not iterated)',
    );
    try {
      return new RegExp(value.re, flags as string);
    } catch (e) {
      throw invalid(`${field} is not a valid pattern: ${(e as Error).message}`, { where, field });
    }
  }
  return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, compileQcPatterns(v, where, `${field}.${k}`)]));
}

/** Checks one rule record (from the files or a release's relation attributes) and returns it typed. */
export function parseQcRule(raw: unknown, where: string): QcRuleSpec {
  need(isObject(raw), where, 'rule', 'must be an object');
  const r = raw as Record<string, unknown>;
  need(text(r.id), where, 'id', 'is required');
  need(QC_CATEGORIES.includes(r.category as never), where, 'category', `must be one of ${QC_CATEGORIES.join(', ')}`);
  need(SEVERITIES.includes(r.severity as string), where, 'severity', 'must be S1, S2, S3 or S4');
  const title = r.title as Record<string, unknown> | undefined;
  need(isObject(title) && text(title.en) && text(title.zh), where, 'title', 'needs en and zh');
  need(r.region === undefined || r.region === 'cn' || r.region === 'intl', where, 'region', 'must be cn or intl');
  need(
    r.defaultEnabled === undefined || typeof r.defaultEnabled === 'boolean',
    where,
    'defaultEnabled',
    'must be true or false',
  );
  need(isObject(r.params ?? {}), where, 'params', 'must be an object');
  need(text(r.citation), where, 'citation', 'is required');
  const sources = r.sources as unknown[];
  need(Array.isArray(sources) && sources.length > 0, where, 'sources', 'must name at least one source');
  sources.forEach((s, i) => {
    need(isObject(s) && text(s.id), where, `sources[${i}].id`, 'is required');
    need(
      ROLES.includes((s as { role: QcSourceRole }).role),
      where,
      `sources[${i}].role`,
      'must be authority or method',
    );
  });
  need(
    sources.some((s) => (s as QcSourceRef).role === 'authority'),
    where,
    'sources',
    'must name an authority (role "authority")',
  );
  const sections = (r.sections ?? {}) as Record<string, unknown>;
  need(isObject(sections), where, 'sections', 'must be an object');
  for (const [key, list] of Object.entries(sections)) {
    const f = `sections.${key}`;
    need(isObject(list) && text(list.document), where, `${f}.document`, 'is required');
    const l = list as Record<string, unknown>;
    need(
      isObject(l.label) &&
        text((l.label as Record<string, unknown>).en) &&
        text((l.label as Record<string, unknown>).zh),
      where,
      `${f}.label`,
      'needs en and zh',
    );
    need(Array.isArray(l.sections) && l.sections.length > 0, where, `${f}.sections`, 'must list at least one section');
    (l.sections as unknown[]).forEach((s, i) => {
      need(isObject(s) && text(s.name), where, `${f}.sections[${i}].name`, 'is required');
      need(
        SEVERITIES.includes((s as { severity: string }).severity),
        where,
        `${f}.sections[${i}].severity`,
        'must be S1, S2, S3 or S4',
      );
      const syn = (s as { synonyms?: unknown }).synonyms;
      need(
        syn === undefined || (Array.isArray(syn) && syn.every(text)),
        where,
        `${f}.sections[${i}].synonyms`,
        'must be a list of names',
      );
    });
  }
  const patterns = (r.patterns ?? {}) as Record<string, unknown>;
  need(isObject(patterns), where, 'patterns', 'must be an object');
  compileQcPatterns(patterns, where, 'patterns');
  const lists = (r.lists ?? {}) as Record<string, unknown>;
  need(isObject(lists) && Object.values(lists).every(Array.isArray), where, 'lists', 'must map names to lists');
  return {
    id: r.id as string,
    category: r.category as QcRuleSpec['category'],
    severity: r.severity as QcRuleSpec['severity'],
    title: { en: title!.en as string, zh: title!.zh as string },
    ...(r.region ? { region: r.region as 'cn' | 'intl' } : {}),
    ...(r.defaultEnabled === false ? { defaultEnabled: false } : {}),
    params: (r.params ?? {}) as Record<string, unknown>,
    citation: r.citation as string,
    sources: sources.map((s) => {
      const x = s as QcSourceRef;
      return {
        id: x.id,
        ...(x.cite ? { cite: x.cite } : {}),
        role: x.role,
        ...(x.citeEn ? { citeEn: x.citeEn } : {}),
        ...(x.citeZh ? { citeZh: x.citeZh } : {}),
        ...(x.title?.en && x.title.zh ? { title: { en: x.title.en, zh: x.title.zh } } : {}),
      };
    }),
    sections: sections as Record<string, QcSectionList>,
    patterns,
    lists: lists as Record<string, unknown[]>,
  };
}

/** Checks the headings (from the files or a release's `qc-headings` concept): names, no name twice. */
export function parseQcHeadings(raw: unknown, where: string): QcHeadings {
  need(isObject(raw), where, 'headings', 'must be an object with items and sources');
  const r = raw as Record<string, unknown>;
  need(Array.isArray(r.items) && r.items.length > 0, where, 'headings.items', 'must list at least one heading');
  need(Array.isArray(r.sources) && r.sources.length > 0, where, 'headings.sources', 'must name where they come from');
  const seen = new Set<string>();
  const items = (r.items as unknown[]).map((h, i) => {
    const f = `headings.items[${i}]`;
    need(isObject(h) && text(h.name), where, `${f}.name`, 'is required');
    const x = h as { name: string; synonyms?: unknown; inline?: unknown };
    need(
      x.synonyms === undefined || (Array.isArray(x.synonyms) && x.synonyms.every(text)),
      where,
      `${f}.synonyms`,
      'must be a list of names',
    );
    need(x.inline === undefined || typeof x.inline === 'boolean', where, `${f}.inline`, 'must be true or false');
    for (const n of [x.name, ...((x.synonyms as string[] | undefined) ?? [])]) {
      need(!seen.has(n), where, `${f}`, `names '${n}' a second time`);
      seen.add(n);
    }
    return {
      name: x.name,
      ...(x.synonyms ? { synonyms: x.synonyms as string[] } : {}),
      ...(x.inline ? { inline: true } : {}),
    };
  });
  const sources = (r.sources as unknown[]).map((s, i) => {
    need(isObject(s) && text(s.id), where, `headings.sources[${i}].id`, 'is required');
    const x = s as { id: string; cite?: string };
    return { id: x.id, ...(x.cite ? { cite: x.cite } : {}) };
  });
  need(Array.isArray(r.documents), where, 'headings.documents', 'must list the document kinds');
  const documents = (r.documents as unknown[]).map((k, i) => {
    const f = `headings.documents[${i}]`;
    need(isObject(k) && text(k.type), where, `${f}.type`, 'is required');
    const x = k as { type: string; title?: unknown; loinc?: unknown; inProgressNote?: unknown };
    need(compileQcPatterns(x.title, where, `${f}.title`) instanceof RegExp, where, `${f}.title`, 'must be a pattern');
    need(
      x.loinc === undefined || (Array.isArray(x.loinc) && x.loinc.every(text)),
      where,
      `${f}.loinc`,
      'must be a list of LOINC codes',
    );
    return {
      type: x.type,
      title: x.title as QcDocumentKind['title'],
      ...(x.loinc ? { loinc: x.loinc as string[] } : {}),
      ...(x.inProgressNote === true ? { inProgressNote: true } : {}),
    };
  });
  need(Array.isArray(r.titles), where, 'headings.titles', 'must list the physician titles');
  const titles = (r.titles as unknown[]).map((t, i) => {
    const f = `headings.titles[${i}]`;
    need(isObject(t) && text(t.title), where, `${f}.title`, 'is required');
    const x = t as { title: string; pattern: unknown };
    need(
      compileQcPatterns(x.pattern, where, `${f}.pattern`) instanceof RegExp,
      where,
      `${f}.pattern`,
      'must be a pattern',
    );
    return { title: x.title, pattern: x.pattern as { re: string; flags?: string } };
  });
  need(Array.isArray(r.orders), where, 'headings.orders', 'must list the order categories');
  const orders = (r.orders as unknown[]).map((o, i) => {
    const f = `headings.orders[${i}]`;
    need(isObject(o) && text(o.category), where, `${f}.category`, 'is required');
    const atc = (o as { atc?: unknown }).atc;
    need(Array.isArray(atc) && atc.length > 0 && atc.every(text), where, `${f}.atc`, 'must list ATC groups');
    return { category: (o as { category: string }).category, atc: atc as string[] };
  });
  return { items, documents, titles, orders, sources };
}

interface KeyedEntry {
  readonly rule: string;
  readonly key: string;
  readonly sources?: readonly { readonly id: string; readonly cite?: string }[];
}

/** Reads `data/qc` (or another folder with the same files), checks every reference and merges it per rule. */
export function readQcData(dir: URL = dataDir): QcData {
  const src = readJson(dir, 'sources.json') as { document: QcData['document']; sources: QcSourceData[] };
  const rulesFile = readJson(dir, 'rules.json') as { rules: Record<string, unknown>[] };
  const sectionsFile = readJson(dir, 'sections.json') as {
    headings: unknown;
    sections: (KeyedEntry & Omit<QcSectionList, 'sources'>)[];
  };
  const patternsFile = readJson(dir, 'patterns.json') as { patterns: (KeyedEntry & { value: unknown })[] };
  const listsFile = readJson(dir, 'lists.json') as { lists: (KeyedEntry & { items: unknown[] })[] };
  const sources = new Map<string, QcSourceData>();
  src.sources.forEach((s, i) => {
    const where = `data/qc/sources.json[${i}]`;
    need(text(s.id) && !sources.has(s.id), where, 'id', `is missing or repeats (${s.id})`);
    need(text(s.name) && text(s.document), where, 'name', 'and document are required (the authority and its citation)');
    need(SOURCE_KINDS.includes(s.kind), where, 'kind', `must be one of ${SOURCE_KINDS.join(', ')}`);
    need(
      s.jurisdiction === undefined || s.jurisdiction === 'CN' || s.jurisdiction === 'US',
      where,
      'jurisdiction',
      'must be CN or US',
    );
    sources.set(s.id, s);
  });
  const byId = new Map<string, Record<string, unknown>>();
  rulesFile.rules.forEach((r, i) => {
    need(
      text(r.id) && !byId.has(r.id as string),
      `data/qc/rules.json[${i}]`,
      'id',
      `is missing or repeats (${String(r.id)})`,
    );
    // Each source a rule names carries the source's bilingual title into the rule (and so into a release).
    const refs = ((r.sources ?? []) as QcSourceRef[]).map((s) => {
      const title = sources.get(s.id)?.title;
      return title ? { ...s, title } : s;
    });
    byId.set(r.id as string, { ...r, sources: refs, sections: {}, patterns: {}, lists: {} });
  });
  const attach = (
    file: string,
    entries: readonly KeyedEntry[],
    kind: 'sections' | 'patterns' | 'lists',
    value: (e: never) => unknown,
  ) => {
    entries.forEach((e, i) => {
      const where = `data/qc/${file}[${i}]`;
      const rule = byId.get(e.rule);
      need(!!rule, where, 'rule', `names unknown rule '${e.rule}'`);
      need(text(e.key), where, 'key', 'is required');
      const slot = rule![kind] as Record<string, unknown>;
      need(!(e.key in slot), where, 'key', `repeats ${e.rule} ${kind}.${e.key}`);
      need(Array.isArray(e.sources) && e.sources.length > 0, where, 'sources', 'must name where the entry comes from');
      for (const s of e.sources ?? []) need(sources.has(s.id), where, 'sources', `names unknown source '${s.id}'`);
      slot[e.key] = value(e as never);
    });
  };
  attach(
    'sections.json',
    sectionsFile.sections,
    'sections',
    ({ rule: _r, key: _k, ...list }: KeyedEntry & QcSectionList) => list,
  );
  attach('patterns.json', patternsFile.patterns, 'patterns', (e: { value: unknown }) => e.value);
  attach('lists.json', listsFile.lists, 'lists', (e: { items: unknown[] }) => e.items);
  const rules = [...byId.values()].map((r) => parseQcRule(r, `data/qc rule ${String(r.id)}`));
  const headings = parseQcHeadings(sectionsFile.headings, 'data/qc/sections.json');
  for (const s of headings.sources)
    need(sources.has(s.id), 'data/qc/sections.json', 'headings.sources', `names unknown source '${s.id}'`);
  const known = new Set(headings.items.flatMap((h) => [h.name, ...(h.synonyms ?? [])]));
  for (const r of rules)
    for (const [key, list] of Object.entries(r.sections))
      for (const s of list.sections)
        for (const n of [s.name, ...(s.synonyms ?? [])])
          need(known.has(n), `data/qc rule ${r.id}`, `sections.${key}`, `requires '${n}', which is not a heading`);
  for (const r of rules)
    for (const s of r.sources)
      need(sources.has(s.id), `data/qc rule ${r.id}`, 'sources', `names unknown source '${s.id}'`);
  const hash = contentHash(JSON.stringify({ d: src.document, s: src.sources, r: rules, h: headings }));
  return { document: src.document, sources: [...sources.values()], rules, headings, contentHash: hash };
}

/** A QC source as the knowledge graph keeps it (`qc:<id>`); jurisdiction and kind go in the note. */
export function qcKgSource(s: QcSourceData): KgSource {
  const note = [
    `${s.kind}${s.jurisdiction ? ` (${s.jurisdiction})` : ''}`,
    s.note,
    s.readAt ? `text read at ${s.readAt}` : undefined,
  ]
    .filter(Boolean)
    .join('; ');
  return {
    id: `qc:${s.id}`,
    name: s.name,
    ...(s.document ? { document: s.document } : {}),
    ...(s.version ? { version: s.version } : {}),
    ...(s.url ? { url: s.url } : {}),
    ...(s.licence ? { licence: s.licence } : {}),
    ...(s.date ? { date: s.date } : {}),
    note,
    shippable: true,
  };
}

/** The QC rule book as a batch: its sources, one `qc-rule` concept and relation per rule (attributes: the rule). */
export function qcBatch(data: QcData = readQcData()): BatchData {
  const b = new BatchBuilder();
  for (const s of data.sources) b.source(qcKgSource(s));
  for (const r of data.rules) {
    const concept = b.concept(`qc-rule:${r.id}`, 'qc-rule', r.title);
    const authority = r.sources.find((s) => s.role === 'authority')!;
    b.relation('qc-rule', concept, undefined, `qc:${authority.id}`, { ...r }, { discriminator: r.id });
  }
  b.concept(
    QC_HEADINGS_CONCEPT,
    'qc-rule',
    { en: 'Record section headings', zh: '病历段落标题' },
    { attrs: { ...data.headings } },
  );
  return b.build({ kind: 'qc', contentHash: data.contentHash, path: data.document.path });
}
