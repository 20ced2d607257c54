import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Bundle, BundleEntry, OperationOutcome, OperationOutcomeIssue } from 'fhir/r4.js';
import type { Sql } from '../../core/index.js';
import { invalid, MedSeekError, shown } from '../../core/index.js';
import { type ImportSummary, importPath } from '../../ingest/index.js';
import type { FhirResource, PutOutcome, ResourceRepository } from '../../store/index.js';
import { patientIdFromReference } from '../../store/index.js';
import { storeSink } from '../store-sink.js';
import { operationOutcome } from './operation-outcome.js';
import type { WriteAccess } from './write/access.js';
import { type BundleStatus, needsWriteEngine, runBundle } from './write/bundle.js';
import type { PreferReturn } from './write/headers.js';

/**
 * `POST /fhir` with a transaction or batch Bundle (https://hl7.org/fhir/R4/http.html#transaction),
 * imported through ingest (the same checks, id rules and `urn:uuid:` resolution as
 * `medseek import`). A transaction is all or nothing: any problem gives a 400 OperationOutcome
 * naming every entry and field, and nothing is written. A batch answers per entry.
 */
export interface BundlePostResult {
  /** 200, or the failing status of a transaction. */
  readonly status: BundleStatus;
  readonly body: Bundle | ReturnType<typeof operationOutcome>;
  /** Patients whose records were written, for the audit log. */
  readonly patients: string[];
  readonly kind: 'transaction' | 'batch';
}

const ENTRY = /^Bundle\.entry\[(\d+)\]/;

export interface BundlePostOptions {
  /** Who writes: SMART scopes and the patients they may write for (default: everything). */
  readonly access?: WriteAccess;
  readonly prefer?: PreferReturn;
}

/**
 * Bundles whose entries are plain POST/PUT go through ingest as before (import semantics: ids from
 * `urn:uuid:` fullUrls and identifiers, so a re-sent Bundle changes nothing); a Bundle with any
 * other interaction (DELETE, PATCH, conditional create or update, If-Match) through the write engine.
 */
export async function postBundle(
  db: Sql,
  repo: ResourceRepository,
  bytes: Uint8Array,
  base: string,
  options: BundlePostOptions = {},
): Promise<BundlePostResult> {
  const doc = parseBody(bytes);
  const kind = doc.type;
  if (Array.isArray(doc.entry) && needsWriteEngine(doc.entry)) {
    const r = await runBundle(db, repo, options.access ?? {}, kind, doc.entry, base, options.prefer ?? 'minimal');
    return { ...r, kind };
  }
  const entries = Array.isArray(doc.entry) ? doc.entry.length : 0;
  const written: { resource: FhirResource; outcome: PutOutcome; versionId: number; lastUpdated: string }[] = [];
  const sink = storeSink(db, repo);
  const recording = {
    async write(resources: readonly FhirResource[], options: { readonly atomic: boolean }) {
      const results = options.atomic
        ? await db.transaction((tx) => repo.putMany(resources, tx))
        : await repo.putMany(resources);
      results.forEach((r, i) => {
        written.push({
          resource: resources[i]!,
          outcome: r.outcome,
          versionId: r.stored.versionId,
          lastUpdated: r.stored.lastUpdated,
        });
      });
      return results.map((r) => r.outcome);
    },
    findByIdentifier: sink.findByIdentifier,
  };

  // ingest reads files (streaming large ones); the body goes to a private temp file for it.
  const dir = await mkdtemp(join(tmpdir(), 'medseek-post-'));
  let summary: ImportSummary;
  try {
    const file = join(dir, 'bundle.json');
    await writeFile(file, bytes, { mode: 0o600 });
    summary = await importPath(file, recording);
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
  const patients = [...new Set(written.map((w) => patientOf(w.resource)).filter((p): p is string => p !== undefined))];
  const issues = summary.errors.map(
    (e): OperationOutcomeIssue => ({
      severity: 'error',
      code: e.code === 'not-found' ? 'not-found' : e.code === 'too-large' ? 'too-costly' : 'invalid',
      diagnostics: `${e.where ? `${e.where}${e.entry ? ` (${e.entry})` : ''}: ` : ''}${e.message}`,
      ...(e.field ? { expression: [e.field] } : {}),
      ...(e.where ? { location: [e.where] } : {}),
    }),
  );

  if (kind === 'transaction') {
    if (summary.rejected > 0 || issues.length > 0) {
      const [first, ...more] = issues;
      return {
        status: 400,
        body: {
          resourceType: 'OperationOutcome',
          issue: first ? [first, ...more] : operationOutcome('invalid', 'transaction rejected').issue,
        },
        patients: [],
        kind,
      };
    }
    return {
      status: 200,
      body: responseBundle(
        'transaction-response',
        written.map((w) => okEntry(base, w)),
      ),
      patients,
      kind,
    };
  }

  // Batch: entries answered in request order; rejected entries are named by their `where`.
  const failed = new Map<number, OperationOutcomeIssue[]>();
  for (const [i, e] of summary.errors.entries()) {
    const m = e.where ? ENTRY.exec(e.where) : null;
    if (m) failed.set(Number(m[1]), [...(failed.get(Number(m[1])) ?? []), issues[i]!]);
  }
  const out: BundleEntry[] = [];
  let next = 0;
  for (let i = 0; i < entries; i++) {
    const problems = failed.get(i);
    if (problems) {
      const outcome: OperationOutcome = { resourceType: 'OperationOutcome', issue: problems };
      out.push({ response: { status: '400 Bad Request', outcome } });
    } else {
      const w = written[next++];
      out.push(
        w
          ? okEntry(base, w)
          : {
              response: {
                status: '400 Bad Request',
                outcome: operationOutcome('invalid', `Bundle.entry[${i}] was not written`),
              },
            },
      );
    }
  }
  return { status: 200, body: responseBundle('batch-response', out), patients, kind };
}

function parseBody(bytes: Uint8Array): { type: 'transaction' | 'batch'; entry?: unknown } {
  let text: string;
  try {
    text = new TextDecoder('utf-8', { fatal: true }).decode(bytes);
  } catch {
    throw new MedSeekError('encoding', 'the body is not valid UTF-8', { where: 'body' });
  }
  let doc: unknown;
  try {
    doc = JSON.parse(text);
  } catch (e) {
    throw invalid(`the body is not valid JSON: ${(e as Error).message}`, { where: 'body' });
  }
  if (!doc || typeof doc !== 'object' || Array.isArray(doc))
    throw invalid('the body must be a JSON object', { where: 'body', field: 'resourceType' });
  const d = doc as Record<string, unknown>;
  if (d.resourceType !== 'Bundle')
    throw invalid(`POST /fhir takes a Bundle, got resourceType '${shown(d.resourceType)}'`, {
      where: 'body',
      field: 'Bundle.resourceType',
    });
  if (d.type !== 'transaction' && d.type !== 'batch')
    throw invalid(`POST /fhir takes a transaction or batch Bundle, got type '${shown(d.type)}'`, {
      where: 'body',
      field: 'Bundle.type',
    });
  return d as { type: 'transaction' | 'batch'; entry?: unknown };
}

function okEntry(
  base: string,
  w: { resource: FhirResource; outcome: PutOutcome; versionId: number; lastUpdated: string },
): BundleEntry {
  const location = `${w.resource.resourceType}/${w.resource.id}/_history/${w.versionId}`;
  return {
    fullUrl: `${base}/${w.resource.resourceType}/${w.resource.id}`,
    response: {
      status: w.outcome === 'created' ? '201 Created' : '200 OK',
      location,
      etag: `W/"${w.versionId}"`,
      lastModified: w.lastUpdated,
    },
  };
}

function responseBundle(type: 'transaction-response' | 'batch-response', entry: BundleEntry[]): Bundle {
  return { resourceType: 'Bundle', type, entry };
}

function patientOf(r: FhirResource): string | undefined {
  if (r.resourceType === 'Patient') return r.id;
  for (const name of ['subject', 'patient', 'beneficiary']) {
    const id = patientIdFromReference(r[name]);
    if (id) return id;
  }
  return undefined;
}
