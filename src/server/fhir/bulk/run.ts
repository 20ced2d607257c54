import type { Logger } from 'pino';
import type { Sql } from '../../../core/index.js';
import { runFhirSearch, type StoredResource, toStored } from '../../../store/index.js';
import { permits } from '../../auth/smart-scopes.js';
import { MAX_COUNT, parseFhirSearch } from '../search/parse.js';
import {
  addFile,
  beginRun,
  completeJob,
  failJob,
  getJob,
  purgeExpired,
  type StoredRequest,
  setProgress,
  unfinishedJobs,
} from './jobs.js';

/** Resources per NDJSON file, and characters: a client downloads files of a size it can handle. */
const MAX_PER_FILE = 10_000;
const MAX_CHARS_PER_FILE = 32 * 1024 * 1024;
/** Rows read per query. */
const PAGE = 500;

class Cancelled extends Error {}

/**
 * Runs export jobs one at a time, off the request path: the kick-off only stores the job and
 * returns 202. The output is a snapshot as of the job's transaction time: a resource changed while
 * the job runs is exported as the version it had then (from history), one created later not at all.
 */
export class ExportRunner {
  private readonly queue: string[] = [];
  private running: Promise<void> | undefined;

  constructor(
    private readonly sql: Sql,
    private readonly log: Logger,
  ) {}

  /** Picks up jobs a stopped server left unfinished, and removes expired output. */
  async resume(): Promise<void> {
    await purgeExpired(this.sql);
    for (const id of await unfinishedJobs(this.sql)) this.enqueue(id);
  }

  enqueue(id: string): void {
    if (!this.queue.includes(id)) this.queue.push(id);
    this.running ??= this.drain().finally(() => {
      this.running = undefined;
    });
  }

  /** Resolves when no job is queued or running (tests, shutdown). */
  async idle(): Promise<void> {
    while (this.running) await this.running;
  }

  private async drain(): Promise<void> {
    for (let id = this.queue.shift(); id !== undefined; id = this.queue.shift()) {
      try {
        await this.run(id);
      } catch (e) {
        if (e instanceof Cancelled) continue;
        this.log.error({ job: id, err: (e as Error).message }, 'bulk export failed');
        await failJob(this.sql, id, `the export failed: ${(e as Error).message}`).catch(() => {});
      }
    }
  }

  private async run(id: string): Promise<void> {
    const job = await getJob(this.sql, id);
    if (job?.status !== 'in-progress') return;
    const transactionTime = await beginRun(this.sql, id);
    if (!transactionTime) return;
    const request = job.request;
    const types = await this.typesToExport(request);
    let seq = 0;
    let exported = 0;
    const notes = [...request.ignored, ...request.notes];
    for (const [i, type] of types.entries()) {
      const progress = `${type} (${i + 1} of ${types.length} types), ${exported} resources so far`;
      if (!(await setProgress(this.sql, id, progress))) throw new Cancelled();
      const matching = await this.filtered(type, request);
      const file = new FileWriter(async (count, patients, body) => {
        if (!(await addFile(this.sql, id, { seq: seq++, type, count, patients, body }))) throw new Cancelled();
      });
      for await (const s of this.versions(type, request, transactionTime)) {
        if (matching && !matching.has(s.id)) continue;
        await file.add(s);
        exported++;
      }
      await file.flush();
    }
    if (notes.length) {
      const body = `${notes.map((n) => JSON.stringify(note(n))).join('\n')}\n`;
      if (
        !(await addFile(this.sql, id, {
          seq: seq++,
          type: 'OperationOutcome',
          count: notes.length,
          patients: [],
          body,
        }))
      )
        throw new Cancelled();
    }
    await completeJob(this.sql, id);
    this.log.info({ job: id, types: types.length, resources: exported }, 'bulk export completed');
  }

  /**
   * The types the level covers (system: every stored type; patient and group: Patient and the types
   * with resources in a patient's compartment), narrowed by `_type` and the token's scopes.
   */
  private async typesToExport(request: StoredRequest): Promise<string[]> {
    const compartment = request.level !== 'system';
    const r = await this.sql.query<{ resource_type: string }>(
      `select distinct resource_type from fhir_resources where not deleted
       ${compartment ? "and (patient_id is not null or resource_type = 'Patient')" : ''} order by resource_type`,
    );
    let types = r.rows.map((row) => row.resource_type);
    if (request.types) types = request.types.filter((t) => types.includes(t));
    if (request.scopes) types = types.filter((t) => permits(request.scopes!, t, 'r'));
    return types;
  }

  /** The ids matching any of the type's `_typeFilter` searches, or undefined when it has none. */
  private async filtered(type: string, request: StoredRequest): Promise<Set<string> | undefined> {
    const filters = request.typeFilters.filter((f) => f.type === type);
    if (!filters.length) return undefined;
    const ids = new Set<string>();
    for (const f of filters) {
      const { search } = parseFhirSearch(type, new URLSearchParams(f.query));
      for (let offset = 0; ; offset += MAX_COUNT) {
        const page = { ...search, count: MAX_COUNT, offset, total: 'none' as const, include: [], revinclude: [] };
        const { matches } = await runFhirSearch(this.sql, type, page);
        for (const m of matches) ids.add(m.id);
        if (matches.length < MAX_COUNT) break;
      }
    }
    return ids;
  }

  /** Each resource of the type as of the transaction time, within the patients and `_since` asked for. */
  private async *versions(type: string, request: StoredRequest, until: string): AsyncGenerator<StoredResource> {
    const params: unknown[] = [type, '', until, PAGE];
    const where: string[] = [];
    if (request.since) {
      params.push(request.since);
      where.push(`last_updated > $${params.length}`);
    }
    const patients = request.allowedPatients;
    if (patients) {
      params.push(patients);
      where.push(`${type === 'Patient' ? 'id' : 'patient_id'} = any($${params.length}::text[])`);
    } else if (request.level !== 'system' && type !== 'Patient') where.push('patient_id is not null');
    const text = `select resource_type, id, version_id, last_updated, patient_id, deleted, resource
      from fhir_resources where resource_type = $1 and id > $2 and (not deleted or last_updated > $3)
      ${where.map((w) => `and ${w}`).join(' ')} order by id limit $4`;
    for (;;) {
      const r = await this.sql.query<Parameters<typeof toStored>[0]>(text, params);
      for (const row of r.rows) {
        const s =
          new Date(row.last_updated).getTime() > Date.parse(until) ? await this.asOf(row, until) : toStored(row);
        if (!s || s.deleted) continue;
        if (request.since && Date.parse(s.lastUpdated) <= Date.parse(request.since)) continue;
        yield s;
      }
      if (r.rows.length < PAGE) return;
      params[1] = r.rows.at(-1)!.id;
    }
  }

  /** The version a resource changed after the transaction time had at that time (undefined: it did not exist). */
  private async asOf(row: Parameters<typeof toStored>[0], until: string): Promise<StoredResource | undefined> {
    const r = await this.sql.query<Parameters<typeof toStored>[0]>(
      `select resource_type, id, version_id, last_updated, patient_id, deleted, resource from fhir_resource_history
       where resource_type = $1 and id = $2 and last_updated <= $3 order by version_id desc limit 1`,
      [row.resource_type, row.id, until],
    );
    return r.rows[0] ? toStored(r.rows[0]) : undefined;
  }
}

/** Collects NDJSON lines and the patients they belong to, writing a file when it is full. */
class FileWriter {
  private lines: string[] = [];
  private chars = 0;
  private patients = new Set<string>();

  constructor(private readonly write: (count: number, patients: string[], body: string) => Promise<void>) {}

  async add(s: StoredResource): Promise<void> {
    const line = JSON.stringify(s.resource);
    this.lines.push(line);
    this.chars += line.length + 1;
    const patient = s.resourceType === 'Patient' ? s.id : s.patientId;
    if (patient) this.patients.add(patient);
    if (this.lines.length >= MAX_PER_FILE || this.chars >= MAX_CHARS_PER_FILE) await this.flush();
  }

  async flush(): Promise<void> {
    if (!this.lines.length) return;
    const body = `${this.lines.join('\n')}\n`;
    const count = this.lines.length;
    const patients = [...this.patients];
    this.lines = [];
    this.chars = 0;
    this.patients = new Set();
    await this.write(count, patients, body);
  }
}

/** A line of the manifest's `error` file: what the export left out or ignored, and why. */
function note(text: string) {
  return {
    resourceType: 'OperationOutcome',
    issue: [{ severity: 'warning', code: 'informational', diagnostics: text }],
  };
}
