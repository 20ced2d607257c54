import type { Fact, Sql } from '../core/index.js';
import { isMedSeekError, sha256 } from '../core/index.js';
import { lexiconSnapshot } from '../knowledge/index.js';
import { extractFacts, type Lexicon, releaseLexicon } from '../nlp/index.js';
import type { ResourceRepository } from '../store/index.js';
import type { AnyResource } from './fhir.js';
import { instant } from './fhir.js';
import { isCurrentNote, type NoteText, noteText } from './note-text.js';

/** Reads one note's text into facts. The default is the NLP stage's `extractFacts` with the active release's lexicon. */
export type NoteExtractor = (note: NoteText, patientId: string) => readonly Fact[] | Promise<readonly Fact[]>;

/** The NLP stage's extractor with a lexicon (the knowledge graph's export; default the built-in list). */
export function nlpExtractor(lexicon?: Lexicon): NoteExtractor {
  return (note, patientId) =>
    extractFacts(note.text, {
      ...(note.lang ? { lang: note.lang } : {}),
      patientId,
      document: note.document,
      ...(note.date ? { anchorDate: note.date } : {}),
      ...(lexicon ? { lexicon } : {}),
    }).facts;
}

export const defaultExtractor: NoteExtractor = nlpExtractor();

/**
 * The extractor for the store's active knowledge release: its names and synonyms under the built-in
 * list (nlp releaseLexicon, built once per release), named after the digest of those names so notes
 * read with other names are read again (a release that changes only relations reads none again);
 * the built-in extractor when no release is active.
 */
export async function releaseExtractor(sql: Sql): Promise<{ extract: NoteExtractor; extractor: string }> {
  const snapshot = await lexiconSnapshot(sql);
  if (!snapshot) return { extract: defaultExtractor, extractor: defaultExtractorName };
  return {
    extract: nlpExtractor(releaseLexicon(snapshot)),
    extractor: `${defaultExtractorName}+lexicon-${snapshot.digest}`,
  };
}

export interface ExtractOptions {
  /** Re-extract notes already extracted (same version, same extractor). */
  readonly force?: boolean;
  readonly extract?: NoteExtractor;
  /** Names the extractor and its lexicon (e.g. `kg-release-12`); notes read by another one are read again. */
  readonly extractor?: string;
  /** The patient's resources when the caller has them already (saves a read). */
  readonly resources?: readonly AnyResource[];
}

export interface NoteOutcome {
  readonly document: string;
  readonly versionId: string;
  readonly status: 'extracted' | 'unchanged' | 'no-text' | 'error';
  readonly facts: number;
  readonly error?: string;
}

export interface ExtractReport {
  readonly patientId: string;
  readonly notes: readonly NoteOutcome[];
  readonly extracted: number;
  readonly unchanged: number;
  readonly failed: number;
  readonly facts: number;
}

// Bump when the NLP stage's output changes, so stored notes are read again.
export const defaultExtractorName = 'nlp-builtin-5';

type Repo = Pick<ResourceRepository, 'everything'>;

/**
 * (Re)extracts a patient's notes: every current DocumentReference with readable text is decoded
 * and read into facts, stored in `note_facts` keyed by document id + version. Idempotent: a version
 * already read by the same extractor is skipped (unless `force`), and re-reading replaces its
 * facts in one transaction. A note that cannot be read (bad charset, binary, empty) is recorded
 * with its error and the others go on; nothing throws for one bad note.
 */
export async function extractPatientNotes(
  sql: Sql,
  repo: Repo,
  patientId: string,
  options: ExtractOptions = {},
): Promise<ExtractReport> {
  const resources =
    options.resources ??
    (await repo.everything(patientId)).filter((s) => !s.deleted).map((s) => s.resource as AnyResource);
  const docs = resources.filter((r) => r.resourceType === 'DocumentReference' && r.id && isCurrentNote(r));
  const release = options.extract ? undefined : await releaseExtractor(sql);
  const extractor = options.extractor ?? release?.extractor ?? defaultExtractorName;
  const extract = options.extract ?? release?.extract ?? defaultExtractor;
  const done = new Map<string, string>();
  const existing = await sql.query<{ document_id: string; version_id: string; extractor: string }>(
    'select document_id, version_id, extractor from note_extractions where patient_id = $1',
    [patientId],
  );
  for (const row of existing.rows) done.set(`${row.document_id}|${row.version_id}`, row.extractor);
  const notes: NoteOutcome[] = [];
  for (const doc of docs) {
    const versionId = doc.meta?.versionId ?? '1';
    const document = `DocumentReference/${doc.id}`;
    if (!options.force && done.get(`${doc.id}|${versionId}`) === extractor) {
      notes.push({ document, versionId, status: 'unchanged', facts: 0 });
      continue;
    }
    notes.push(await extractOne(sql, doc, patientId, versionId, extractor, extract));
  }
  return {
    patientId,
    notes,
    extracted: notes.filter((n) => n.status === 'extracted').length,
    unchanged: notes.filter((n) => n.status === 'unchanged').length,
    failed: notes.filter((n) => n.status === 'error').length,
    facts: notes.reduce((n, x) => n + x.facts, 0),
  };
}

async function extractOne(
  sql: Sql,
  doc: AnyResource,
  patientId: string,
  versionId: string,
  extractor: string,
  extract: NoteExtractor,
): Promise<NoteOutcome> {
  const document = `DocumentReference/${doc.id}`;
  let note: NoteText | undefined;
  let facts: readonly Fact[] = [];
  let error: string | undefined;
  try {
    note = noteText(doc);
    if (note) facts = await extract(note, patientId);
  } catch (e) {
    // One unreadable note (or an extractor failure on it) is recorded, and the others go on.
    error = isMedSeekError(e) || e instanceof Error ? e.message : String(e);
  }
  const status = error ? 'error' : note ? 'ok' : 'no-text';
  // Only full dates go in the timestamptz column (FHIR allows `2024` and `2024-03`; PostgreSQL does not).
  const date =
    note?.date && /^\d{4}-\d{2}-\d{2}/.test(note.date) && instant(note.date) !== undefined ? note.date : null;
  await sql.transaction(async (tx) => {
    // Two requests building the same patient at once must not collide on the same note's rows.
    if (tx.dialect === 'postgres')
      await tx.query('select pg_advisory_xact_lock(hashtext($1))', [`medseek-note:${doc.id}`]);
    await tx.query('delete from note_extractions where document_id = $1 and version_id = $2', [doc.id, versionId]);
    await tx.query(
      `insert into note_extractions (document_id, version_id, patient_id, text_sha256, extractor, lang, note_date, status, error, fact_count)
       values ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10)`,
      [
        doc.id,
        versionId,
        patientId,
        note ? sha256(note.text) : null,
        extractor,
        note?.lang ?? null,
        date,
        status,
        error ?? null,
        facts.length,
      ],
    );
    const batch = 200;
    for (let i = 0; i < facts.length; i += batch) {
      const chunk = facts.slice(i, i + batch);
      const params: unknown[] = [];
      const rows = chunk.map((f, j) => {
        params.push(doc.id, versionId, i + j, patientId, f.id, JSON.stringify(f));
        const k = j * 6;
        return `($${k + 1}, $${k + 2}, $${k + 3}, $${k + 4}, $${k + 5}, $${k + 6}::jsonb)`;
      });
      await tx.query(
        `insert into note_facts (document_id, version_id, ordinal, patient_id, fact_id, fact) values ${rows.join(', ')}`,
        params,
      );
    }
  });
  if (error) return { document, versionId, status: 'error', facts: 0, error };
  return { document, versionId, status: note ? 'extracted' : 'no-text', facts: facts.length };
}

export interface PendingReport {
  readonly notes: number;
  readonly extracted: number;
  readonly unchanged: number;
  readonly failed: number;
  readonly facts: number;
  readonly patients: readonly string[];
  readonly errors: readonly NoteOutcome[];
}

/**
 * Extracts every stored note not yet read by this extractor — all of them, or those of the given
 * patients. Meant to run after an import (or as a background job); safe to run any number of times.
 */
export async function extractPendingNotes(
  sql: Sql,
  repo: Pick<ResourceRepository, 'search'>,
  options: Omit<ExtractOptions, 'resources'> & {
    readonly patientIds?: readonly string[];
    readonly pageSize?: number;
  } = {},
): Promise<PendingReport> {
  const release = options.extract ? undefined : await releaseExtractor(sql);
  const extractor = options.extractor ?? release?.extractor ?? defaultExtractorName;
  const extract = options.extract ?? release?.extract ?? defaultExtractor;
  const pageSize = options.pageSize ?? 200;
  const outcomes: NoteOutcome[] = [];
  const patients = new Set<string>();
  const scopes = options.patientIds?.length ? options.patientIds.map((p) => ({ patient: p })) : [{}];
  for (const scope of scopes) {
    for (let offset = 0; ; offset += pageSize) {
      const page = await repo.search('DocumentReference', { ...scope, count: pageSize, offset, sort: '_lastUpdated' });
      const docs = page.entries.filter((e) => !e.deleted && e.patientId && isCurrentNote(e.resource));
      const done = new Set<string>();
      if (docs.length && !options.force) {
        const rows = await sql.query<{ document_id: string; version_id: string }>(
          'select document_id, version_id from note_extractions where document_id = any($1::text[]) and extractor = $2',
          [docs.map((d) => d.id), extractor],
        );
        for (const r of rows.rows) done.add(`${r.document_id}|${r.version_id}`);
      }
      for (const d of docs) {
        const resource = d.resource as AnyResource;
        const versionId = resource.meta?.versionId ?? String(d.versionId);
        if (done.has(`${d.id}|${versionId}`)) {
          outcomes.push({ document: `DocumentReference/${d.id}`, versionId, status: 'unchanged', facts: 0 });
          continue;
        }
        patients.add(d.patientId!);
        outcomes.push(await extractOne(sql, resource, d.patientId!, versionId, extractor, extract));
      }
      if (page.entries.length < pageSize) break;
    }
  }
  return {
    notes: outcomes.length,
    extracted: outcomes.filter((n) => n.status === 'extracted').length,
    unchanged: outcomes.filter((n) => n.status === 'unchanged').length,
    failed: outcomes.filter((n) => n.status === 'error').length,
    facts: outcomes.reduce((n, x) => n + x.facts, 0),
    patients: [...patients].sort(),
    errors: outcomes.filter((n) => n.status === 'error'),
  };
}

/** The stored facts of the given note versions (those not extracted yet are simply absent). */
export async function loadNoteFacts(
  sql: Sql,
  patientId: string,
  versions: readonly { documentId: string; versionId: string }[],
): Promise<Fact[]> {
  if (!versions.length) return [];
  const wanted = new Set(versions.map((v) => `${v.documentId}|${v.versionId}`));
  const rows = await sql.query<{ document_id: string; version_id: string; fact: Fact | string }>(
    'select document_id, version_id, fact from note_facts where patient_id = $1 order by document_id, version_id, ordinal',
    [patientId],
  );
  return rows.rows
    .filter((r) => wanted.has(`${r.document_id}|${r.version_id}`))
    .map((r) => (typeof r.fact === 'string' ? (JSON.parse(r.fact) as Fact) : r.fact));
}

/** What extraction recorded for a patient's notes (status, errors, counts), newest first. */
export async function noteExtractions(
  sql: Sql,
  patientId: string,
): Promise<
  { documentId: string; versionId: string; status: string; error?: string; facts: number; extractor: string }[]
> {
  const rows = await sql.query<{
    document_id: string;
    version_id: string;
    status: string;
    error: string | null;
    fact_count: number;
    extractor: string;
  }>(
    'select document_id, version_id, status, error, fact_count, extractor from note_extractions where patient_id = $1 order by extracted_at desc, document_id',
    [patientId],
  );
  return rows.rows.map((r) => ({
    documentId: r.document_id,
    versionId: r.version_id,
    status: r.status,
    ...(r.error ? { error: r.error } : {}),
    facts: Number(r.fact_count),
    extractor: r.extractor,
  }));
}
