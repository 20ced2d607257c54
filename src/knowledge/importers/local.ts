import { extname } from 'node:path';
import { invalid, parseCsv } from '../../core/index.js';
import type { Lang } from '../../core/index.js';
import { type BatchData, BatchBuilder } from '../batch.js';
import { CONCEPT_TYPES, type ConceptType, type KgSource, RELATION_TYPES, type RelationType } from '../model.js';
import { contentHash, parseJson, readText } from './read-input.js';

/**
 * A hospital's own knowledge, in JSON or CSV (format in src/knowledge/README.md). It must name its
 * source (at least `id` and `name`); relations may point at concepts of other batches (an ICD-10
 * code, a DDXPlus pathology) by id. Importing a new version of the same source replaces the old
 * one in the next release.
 */
export function readLocal(path: string): BatchData {
  const text = readText(path);
  return extname(path).toLowerCase() === '.csv' ? parseLocalCsv(text, path) : parseLocalJson(text, path);
}

const SOURCE_FIELDS = ['id', 'name', 'document', 'version', 'url', 'licence', 'date', 'note'] as const;

function checkSource(raw: Record<string, unknown> | undefined, where: string): KgSource {
  if (!raw || typeof raw !== 'object')
    throw invalid('missing "source": every relation needs the authority that asserts it', { where, field: 'source' });
  for (const f of ['id', 'name'] as const) {
    if (typeof raw[f] !== 'string' || !(raw[f] as string).trim())
      throw invalid(`source.${f} is required`, { where, field: `source.${f}` });
  }
  if (!/^[\w.-]+$/.test(raw.id as string))
    throw invalid('source.id may hold letters, digits, _ . - only', { where, field: 'source.id' });
  const s: Record<string, unknown> = { shippable: raw.shippable !== false };
  for (const f of SOURCE_FIELDS) if (typeof raw[f] === 'string' && raw[f]) s[f] = raw[f];
  s.id = `local:${raw.id as string}`;
  return s as unknown as KgSource;
}

function conceptType(v: unknown, where: string, field: string): ConceptType {
  if (!CONCEPT_TYPES.includes(v as ConceptType))
    throw invalid(`unknown concept type '${String(v)}'; known: ${CONCEPT_TYPES.join(', ')}`, { where, field });
  return v as ConceptType;
}

function relationType(v: unknown, where: string, field: string): RelationType {
  if (!RELATION_TYPES.includes(v as RelationType))
    throw invalid(`unknown relation type '${String(v)}'; known: ${RELATION_TYPES.join(', ')}`, { where, field });
  return v as RelationType;
}

interface LocalJson {
  source?: Record<string, unknown>;
  concepts?: Record<string, unknown>[];
  relations?: Record<string, unknown>[];
}

export function parseLocalJson(text: string, where = 'local.json'): BatchData {
  const doc = parseJson(text, where) as LocalJson;
  if (!doc || typeof doc !== 'object' || Array.isArray(doc))
    throw invalid('expected an object with source, concepts, relations', { where });
  const b = new BatchBuilder();
  const src = b.source(checkSource(doc.source, where));
  if (doc.concepts !== undefined && !Array.isArray(doc.concepts))
    throw invalid('concepts must be an array', { where, field: 'concepts' });
  if (!Array.isArray(doc.relations)) throw invalid('relations must be an array', { where, field: 'relations' });
  (doc.concepts ?? []).forEach((c, i) => {
    const at = `${where} concepts[${i}]`;
    if (typeof c.id !== 'string' || !c.id) throw invalid('id is required', { where: at, field: 'id' });
    if (!c.en && !c.zh) throw invalid('a concept needs a name (en or zh)', { where: at, field: 'en' });
    const synonyms = Array.isArray(c.synonyms) ? (c.synonyms as { term: string; lang: Lang }[]) : [];
    synonyms.forEach((s, j) => {
      if (typeof s?.term !== 'string' || (s.lang !== 'zh' && s.lang !== 'en'))
        throw invalid('a synonym is {term, lang: zh|en}', { where: at, field: `synonyms[${j}]` });
    });
    const codes = Array.isArray(c.codes) ? (c.codes as { system: string; code: string }[]) : [];
    codes.forEach((k, j) => {
      if (typeof k?.system !== 'string' || typeof k?.code !== 'string')
        throw invalid('a code is {system, code}', { where: at, field: `codes[${j}]` });
    });
    b.concept(
      c.id,
      conceptType(c.type, at, 'type'),
      { en: c.en as string | undefined, zh: c.zh as string | undefined },
      { synonyms, codes, attrs: (c.attrs as Record<string, unknown>) ?? {} },
    );
  });
  doc.relations.forEach((r, i) => {
    const at = `${where} relations[${i}]`;
    const type = relationType(r.type, at, 'type');
    if (typeof r.from !== 'string' || !r.from) throw invalid('from is required', { where: at, field: 'from' });
    if (r.to !== undefined && (typeof r.to !== 'string' || !r.to))
      throw invalid('to must be a concept id', { where: at, field: 'to' });
    if (r.attrs !== undefined && (typeof r.attrs !== 'object' || Array.isArray(r.attrs) || r.attrs === null))
      throw invalid('attrs must be an object', { where: at, field: 'attrs' });
    checkAttrs(r.attrs as Record<string, unknown> | undefined, at);
    b.relation(type, r.from, r.to as string | undefined, src, (r.attrs as Record<string, unknown>) ?? {});
  });
  const source = b.sources.get(src)!;
  return b.build({ kind: 'local', key: source.id, contentHash: contentHash(text), path: where, external: true });
}

function checkAttrs(attrs: Record<string, unknown> | undefined, where: string): void {
  for (const k of ['probability', 'sensitivity', 'specificity']) {
    const v = attrs?.[k];
    if (v !== undefined && v !== null && !(typeof v === 'number' && v >= 0 && v <= 1))
      throw invalid(`${k} must be a number from 0 to 1`, { where, field: `attrs.${k}` });
  }
  const rr = attrs?.relativeRisk;
  if (rr !== undefined && !(typeof rr === 'number' && rr > 0))
    throw invalid('relativeRisk must be a positive number', { where, field: 'attrs.relativeRisk' });
}

const CSV_COLUMNS = ['relation', 'from', 'to', 'from_type', 'from_zh', 'from_en', 'to_type', 'to_zh', 'to_en', 'attrs'];

/**
 * CSV: leading `#source.<field>: value` lines name the source; then a header with at least
 * `relation,from`; optional `to, from_type, from_zh, from_en, to_type, to_zh, to_en, attrs` (JSON).
 */
export function parseLocalCsv(text: string, where = 'local.csv'): BatchData {
  const lines = text.split(/\r?\n/);
  const source: Record<string, unknown> = {};
  let skip = 0;
  for (const line of lines) {
    const m = /^#\s*source\.(\w+)\s*:\s*(.*)$/.exec(line);
    if (m) source[m[1]!] = m[2]!.trim();
    else if (!line.startsWith('#') && line.trim()) break;
    skip++;
  }
  if (source.shippable !== undefined) source.shippable = source.shippable !== 'false';
  const b = new BatchBuilder();
  const src = b.source(checkSource(Object.keys(source).length ? source : undefined, where));
  const rows = parseCsv(lines.slice(skip).join('\n'), where).map((r) => ({ ...r, line: r.line + skip }));
  const header = rows.shift();
  const cols = header?.cells.map((c) => c.trim()) ?? [];
  if (!cols.includes('relation') || !cols.includes('from'))
    throw invalid('header must include relation and from', { where: `${where} line ${header?.line ?? skip + 1}` });
  const unknown = cols.filter((c) => !CSV_COLUMNS.includes(c));
  if (unknown.length)
    throw invalid(`unknown column(s) ${unknown.join(', ')}; known: ${CSV_COLUMNS.join(', ')}`, {
      where: `${where} line ${header!.line}`,
    });
  for (const { line, cells } of rows) {
    const at = `${where} line ${line}`;
    const get = (c: string) => {
      const i = cols.indexOf(c);
      const v = i >= 0 ? cells[i]?.trim() : undefined;
      return v ? v : undefined;
    };
    const type = relationType(get('relation'), at, 'relation');
    const from = get('from');
    if (!from) throw invalid('from is required', { where: at, field: 'from' });
    const to = get('to');
    for (const [side, id] of [
      ['from', from],
      ['to', to],
    ] as const) {
      const t = get(`${side}_type`);
      if (t && id) b.concept(id, conceptType(t, at, `${side}_type`), { zh: get(`${side}_zh`), en: get(`${side}_en`) });
    }
    let attrs: Record<string, unknown> = {};
    const raw = get('attrs');
    if (raw) {
      try {
        attrs = JSON.parse(raw) as Record<string, unknown>;
      } catch (e) {
        throw invalid(`attrs is not JSON: ${(e as Error).message}`, { where: at, field: 'attrs' });
      }
      if (!attrs || typeof attrs !== 'object' || Array.isArray(attrs))
        throw invalid('attrs must be a JSON object', { where: at, field: 'attrs' });
    }
    checkAttrs(attrs, at);
    b.relation(type, from, to, src, attrs);
  }
  const s = b.sources.get(src)!;
  return b.build({ kind: 'local', key: s.id, contentHash: contentHash(text), path: where, external: true });
}
