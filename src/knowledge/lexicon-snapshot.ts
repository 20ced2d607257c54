import { mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Concept, FactCategory, Lang, LexiconEntry, LexiconSnapshot, Sql } from '../core/index.js';
import { sha256 } from '../core/index.js';
import { KnowledgeGraph } from './queries.js';
import { activeReleaseId } from './releases.js';

/** Bump when exportLexicon's output changes, so files cached by an older version are not read. */
const FORMAT = 'lexicon-snapshot-1';

const snapshots = new WeakMap<Sql, Map<number, Promise<LexiconSnapshot>>>();
/** Releases kept in memory per store (a curation edit makes a new release; the older ones are let go). */
const KEPT = 3;

export interface LexiconSnapshotOptions {
  /** This release instead of the active one. */
  readonly release?: number;
  /**
   * A folder (e.g. `<data dir>/cache`) to keep the snapshot in as a file keyed by release and
   * digest, for processes that start often (the CLI): reading it back skips the export query
   * (about a second per 20,000 names on PGlite).
   */
  readonly cacheDir?: string;
}

/**
 * The lexicon of a knowledge release for the NLP stage (read-only): every Chinese and English name
 * and synonym of its concepts (`KnowledgeGraph.exportLexicon`), with the release id and a digest of
 * the names. Releases never change, so a snapshot is read once per store and
 * release and kept in memory (and in `cacheDir` when given). `undefined` when the store has no
 * active release and none is named: extraction then uses the NLP stage's built-in lexicon alone.
 */
export async function lexiconSnapshot(
  sql: Sql,
  options: LexiconSnapshotOptions = {},
): Promise<LexiconSnapshot | undefined> {
  const releaseId = options.release ?? (await activeReleaseId(sql));
  if (releaseId === undefined) return undefined;
  let byRelease = snapshots.get(sql);
  if (!byRelease) {
    byRelease = new Map();
    snapshots.set(sql, byRelease);
  }
  let snapshot = byRelease.get(releaseId);
  if (snapshot) byRelease.delete(releaseId);
  else {
    snapshot = readSnapshot(sql, releaseId, options.cacheDir);
    snapshot.catch(() => byRelease.delete(releaseId)); // a failed read is tried again next time
  }
  byRelease.set(releaseId, snapshot); // most recently used last
  while (byRelease.size > KEPT) byRelease.delete(byRelease.keys().next().value!);
  return snapshot;
}

async function readSnapshot(sql: Sql, releaseId: number, cacheDir: string | undefined): Promise<LexiconSnapshot> {
  const r = await sql.query<{ hashes: string[] | null }>(
    `select array_agg(b.content_hash order by b.id) as hashes
     from kg_release r join kg_batch b on b.id = any(r.batch_ids) where r.id = $1`,
    [releaseId],
  );
  // the file is keyed by the release's batches; the digest is of the names themselves, so a release
  // that changes only relations (most curation edits) has the same digest and notes are not read again
  const key = sha256(`${FORMAT}|${releaseId}|${(r.rows[0]?.hashes ?? []).join(',')}`).slice(0, 16);
  const file = cacheDir ? join(cacheDir, `lexicon-release-${releaseId}-${key}.json`) : undefined;
  const cached = file ? readCached(file) : undefined;
  if (cached) return { releaseId, ...cached };
  // throws not-found for a release that does not exist
  const entries = await new KnowledgeGraph(sql).exportLexicon({ release: releaseId });
  const lines = entries.map((e) => `${e.lang}\t${e.term}\t${e.category}\t${JSON.stringify(e.concept)}`);
  const digest = sha256(lines.sort().join('\n')).slice(0, 16);
  if (file) writeCached(file, digest, entries);
  return { releaseId, digest, entries };
}

/** The file form: each concept once, entries as [term, lang, concept index, category]. */
interface CachedFile {
  readonly format: string;
  readonly digest: string;
  readonly concepts: Concept[];
  readonly entries: [string, Lang, number, FactCategory][];
}

function readCached(file: string): { digest: string; entries: LexiconEntry[] } | undefined {
  let data: CachedFile;
  try {
    data = JSON.parse(readFileSync(file, 'utf8')) as CachedFile;
  } catch {
    return undefined; // absent or unreadable: read from the store
  }
  if (data.format !== FORMAT || typeof data.digest !== 'string' || !Array.isArray(data.concepts)) return undefined;
  if (!Array.isArray(data.entries)) return undefined;
  return {
    digest: data.digest,
    entries: data.entries.map(([term, lang, c, category]) => ({ term, lang, concept: data.concepts[c]!, category })),
  };
}

/** Best effort (a read-only data folder only loses the speed-up); written whole, then renamed into place. */
function writeCached(file: string, digest: string, entries: readonly LexiconEntry[]): void {
  const index = new Map<Concept, number>();
  const concepts: Concept[] = [];
  const rows = entries.map((e): [string, Lang, number, FactCategory] => {
    let i = index.get(e.concept);
    if (i === undefined) {
      i = concepts.push(e.concept) - 1;
      index.set(e.concept, i);
    }
    return [e.term, e.lang, i, e.category];
  });
  try {
    mkdirSync(join(file, '..'), { recursive: true });
    const tmp = `${file}.${process.pid}.tmp`;
    writeFileSync(tmp, JSON.stringify({ format: FORMAT, digest, concepts, entries: rows } satisfies CachedFile));
    renameSync(tmp, file);
  } catch {
    // the cache is an optimisation only
  }
}
