import { readFileSync } from 'node:fs';
import type { Authority } from '../../core/index.js';
import { invalid } from '../../core/index.js';
import { type BatchData, BatchBuilder } from '../batch.js';
import type { KgSource, RelationType } from '../model.js';
import { contentHash } from './read-input.js';

/**
 * The follow-up rule book (docs/followup.md) as data: `data/followup/monitoring.json` (what to
 * repeat, review, book or rehabilitate after discharge) and `readings.json` (what a home reading
 * must raise, and the symptom list). This module reads the two files, checks what the knowledge
 * graph needs (ids, sources, an authority per rule) and writes each rule as a relation whose
 * attributes are the whole rule as the file states it (and its `position` in the file): `followup-rule` for a monitoring rule,
 * `reading-rule` for a reading rule, so a curator can override or retract one and the next plan
 * follows. The rules' full shape is checked by src/followup (rules.ts), per rule, wherever they come from.
 */

/** Relation (and concept) types of the rules; the batch kind. */
export const FOLLOWUP_RULE: RelationType = 'followup-rule';
export const READING_RULE: RelationType = 'reading-rule';
/** The concept that holds the symptom list patients choose from (attributes: `{symptoms}`). */
export const FOLLOWUP_SYMPTOMS_CONCEPT = 'followup-symptoms';
/** The prefix of the rules' knowledge sources (`followup:esc-hf-2021`). */
export const FOLLOWUP_SOURCE_PREFIX = 'followup:';

export interface FollowUpSourceData extends Authority {
  readonly id: string;
}

export interface FollowUpData {
  readonly version: string;
  /** The sources of both files, by id (a source both files name is the same source). */
  readonly sources: readonly FollowUpSourceData[];
  /** As stored in monitoring.json (checked for id, source and citation only). */
  readonly monitoring: readonly Record<string, unknown>[];
  /** As stored in readings.json. */
  readonly readings: readonly Record<string, unknown>[];
  readonly symptoms: readonly unknown[];
  readonly contentHash: string;
}

const dataDir = new URL('../data/followup/', import.meta.url);
const isObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);
const text = (v: unknown): v is string => typeof v === 'string' && v.trim().length > 0;

function readJson(dir: URL, name: string): Record<string, unknown> {
  const raw = readFileSync(new URL(name, dir), 'utf8');
  let v: unknown;
  try {
    v = JSON.parse(raw);
  } catch (e) {
    throw invalid(`not valid JSON: ${(e as Error).message}`, { where: `data/followup/${name}` });
  }
  if (!isObject(v))
    throw invalid('must be an object with version, sources and rules', { where: `data/followup/${name}` });
  return v;
}

function sourcesOf(file: Record<string, unknown>, where: string, into: Map<string, FollowUpSourceData>): void {
  if (!isObject(file.sources)) throw invalid('sources must map ids to authorities', { where, field: 'sources' });
  for (const [id, s] of Object.entries(file.sources)) {
    if (!isObject(s) || !text(s.name) || !text(s.document))
      throw invalid(`source '${id}' needs name and document`, { where, field: `sources.${id}` });
    const src: FollowUpSourceData = {
      id,
      name: s.name,
      document: s.document,
      ...(text(s.version) ? { version: s.version } : {}),
      ...(text(s.url) ? { url: s.url } : {}),
    };
    const had = into.get(id);
    if (had && JSON.stringify(had) !== JSON.stringify(src))
      throw invalid(`source '${id}' differs between the two files`, { where, field: `sources.${id}` });
    into.set(id, src);
  }
}

function rulesOf(
  file: Record<string, unknown>,
  where: string,
  prefix: string,
  sources: ReadonlyMap<string, FollowUpSourceData>,
  seen: Set<string>,
): Record<string, unknown>[] {
  if (!Array.isArray(file.rules) || file.rules.length === 0)
    throw invalid('rules must list at least one rule', { where, field: 'rules' });
  return file.rules.map((r: unknown, i: number) => {
    if (!isObject(r) || !text(r.id) || !r.id.startsWith(prefix))
      throw invalid(`rules[${i}].id must be a rule id ${prefix}…`, { where, field: `rules[${i}].id` });
    const at = `${where} ${r.id}`;
    if (seen.has(r.id)) throw invalid(`duplicate id ${r.id}`, { where: at, field: 'id' });
    seen.add(r.id);
    if (!text(r.source) || !sources.has(r.source))
      throw invalid(`source must name one of the file's sources (an authority)`, { where: at, field: 'source' });
    for (const a of Array.isArray(r.also) ? r.also : [])
      if (!sources.has(a as string)) throw invalid(`'also' names unknown source '${a}'`, { where: at, field: 'also' });
    if (!text(r.citation)) throw invalid('citation is required', { where: at, field: 'citation' });
    return r;
  });
}

/** Reads and checks the two files (or those of `dir`). Throws naming the file, rule and field. */
export function readFollowUpData(dir: URL = dataDir): FollowUpData {
  const m = readJson(dir, 'monitoring.json');
  const r = readJson(dir, 'readings.json');
  const sources = new Map<string, FollowUpSourceData>();
  sourcesOf(m, 'data/followup/monitoring.json', sources);
  sourcesOf(r, 'data/followup/readings.json', sources);
  const seen = new Set<string>();
  const monitoring = rulesOf(m, 'data/followup/monitoring.json', 'FU-', sources, seen);
  const readings = rulesOf(r, 'data/followup/readings.json', 'HR-', sources, seen);
  if (!Array.isArray(r.symptoms) || r.symptoms.length === 0)
    throw invalid('symptoms must list at least one symptom', {
      where: 'data/followup/readings.json',
      field: 'symptoms',
    });
  const version = `${String(m.version)}/${String(r.version)}`;
  const hash = contentHash(
    JSON.stringify({ v: version, s: [...sources.values()], m: monitoring, r: readings, y: r.symptoms }),
  );
  return {
    version,
    sources: [...sources.values()],
    monitoring,
    readings,
    symptoms: r.symptoms,
    contentHash: hash,
  };
}

/** A follow-up source as the knowledge graph keeps it (`followup:<id>`). */
export function followupKgSource(s: FollowUpSourceData): KgSource {
  return {
    id: `${FOLLOWUP_SOURCE_PREFIX}${s.id}`,
    name: s.name,
    ...(s.document ? { document: s.document } : {}),
    ...(s.version ? { version: s.version } : {}),
    ...(s.url ? { url: s.url } : {}),
    note: 'follow-up rule authority (data/followup)',
    shippable: true,
  };
}

/**
 * The follow-up rules as a batch: their sources, one concept and one relation per rule
 * (`followup-rule` / `reading-rule`, attributes: the rule; the relation's source: the rule's
 * authority) and the `followup-symptoms` concept.
 */
export function followupBatch(data: FollowUpData = readFollowUpData()): BatchData {
  const b = new BatchBuilder();
  for (const s of data.sources) b.source(followupKgSource(s));
  const concept = (id: string, title: unknown, attrs: Record<string, unknown> = {}) => {
    const t = isObject(title) ? title : {};
    return b.concept(
      id,
      'followup-rule',
      { ...(text(t.en) ? { en: t.en } : {}), ...(text(t.zh) ? { zh: t.zh } : {}) },
      { attrs },
    );
  };
  // `position`: the rule's place in its file, which orders the plan's items as the file does.
  const relation = (type: RelationType, rule: Record<string, unknown>, position: number) => {
    const from = concept(`${type}:${String(rule.id)}`, rule.title);
    b.relation(
      type,
      from,
      undefined,
      `${FOLLOWUP_SOURCE_PREFIX}${String(rule.source)}`,
      { ...rule, position },
      {
        discriminator: String(rule.id),
      },
    );
  };
  for (const [i, r] of data.monitoring.entries()) relation(FOLLOWUP_RULE, r, i);
  for (const [i, r] of data.readings.entries()) relation(READING_RULE, r, i);
  concept(
    FOLLOWUP_SYMPTOMS_CONCEPT,
    { en: 'Home symptom list', zh: '居家症状清单' },
    { symptoms: data.symptoms, version: data.version },
  );
  return b.build({ kind: 'followup', contentHash: data.contentHash, path: 'data/followup' });
}
