import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import pg from 'pg';
import { MedSeekError } from '../core/index.js';
import type { FhirResource, PutOutcome } from './resource-store.js';
import { mergeStatement, type OutcomeRow, type Prepared, prepareWrite, SEP } from './resources.js';

/**
 * Import at COPY speed on a PostgreSQL server (issue 20): each batch is streamed with `COPY … FROM
 * STDIN` into a temporary staging table and merged into the store by the same one statement as every
 * other write (resources.ts `mergeStatement`): new resources created, changed ones given a new version
 * with the old one moved to history, identical ones unchanged; the search-index trigger queues each
 * written row as for any write. Batch by batch, so memory holds one batch whatever the file size.
 * `pg-copy-streams` is loaded when the sink opens; without it, `openCopySink` says so.
 */
const STAGING = 'medseek_copy_staging';
const STAGING_DDL = `create temporary table if not exists ${STAGING} (
  resource_type text not null, id text not null, content_hash text not null, patient_id text,
  codes text, identifiers text, date_start timestamptz, date_end timestamptz, resource jsonb not null
) on commit delete rows`;
const STAGING_INPUT = `select resource_type, id, content_hash, patient_id,
    coalesce(string_to_array(codes, chr(31)), '{}') as codes,
    coalesce(string_to_array(identifiers, chr(31)), '{}') as identifiers, date_start, date_end, resource
  from ${STAGING}`;
const MERGE = mergeStatement(STAGING_INPUT, '$1');
const COPY = `copy ${STAGING} (resource_type, id, content_hash, patient_id, codes, identifiers, date_start, date_end,
  resource) from stdin`;

/** The store as an import sink over COPY (the shape of ingest's IngestSink), with its own connections. */
export interface CopySink {
  write(resources: readonly FhirResource[], options: { readonly atomic: boolean }): Promise<PutOutcome[]>;
  findByIdentifier(resourceType: string, identifiers: readonly string[]): Promise<string | undefined>;
  close(): Promise<void>;
}

type CopyFrom = (text: string) => NodeJS.WritableStream & pg.Submittable;

/** A COPY text-format field: backslash, tab, newline and carriage return escaped; null as `\N`. */
export function copyField(v: string | null | undefined): string {
  if (v === null || v === undefined) return '\\N';
  return v.replace(/[\\\t\n\r]/g, (c) => (c === '\\' ? '\\\\' : c === '\t' ? '\\t' : c === '\n' ? '\\n' : '\\r'));
}

/** One staging row as a COPY text line. */
export function copyLine(p: Prepared): string {
  const { patientId, codes, identifiers, dateStart, dateEnd } = p.index;
  return `${[
    p.resource.resourceType,
    p.resource.id,
    p.hash,
    patientId,
    codes.length ? codes.join(SEP) : null,
    identifiers.length ? identifiers.join(SEP) : null,
    dateStart,
    dateEnd,
    p.json,
  ]
    .map(copyField)
    .join('\t')}\n`;
}

export async function openCopySink(
  databaseUrl: string,
  options: { readonly connections?: number } = {},
): Promise<CopySink> {
  let copyFrom: CopyFrom;
  try {
    copyFrom = ((await import('pg-copy-streams')) as unknown as { from: CopyFrom }).from;
  } catch (e) {
    throw new MedSeekError('unavailable', 'COPY import needs the pg-copy-streams package', {}, { cause: e });
  }
  const pool = new pg.Pool({ connectionString: databaseUrl, max: options.connections ?? 2 });
  pool.on('error', () => {});
  const staged = new WeakSet<pg.PoolClient>();
  return {
    async write(resources) {
      if (resources.length === 0) return [];
      const prepared = prepareWrite(resources);
      const client = await pool.connect();
      try {
        // Always one transaction: the staging rows live until its commit.
        await client.query('begin');
        if (!staged.has(client)) {
          await client.query(STAGING_DDL);
          staged.add(client);
        }
        await pipeline(
          Readable.from(
            (function* () {
              for (const p of prepared) yield copyLine(p);
            })(),
          ),
          client.query(copyFrom(COPY)),
        );
        // Statistics for the batch just copied: without them the planner takes the staging table for
        // empty or huge and joins it to fhir_resources by a scan of the whole store.
        await client.query(`analyze ${STAGING}`);
        const now = new Date().toISOString();
        const { rows } = await client.query<OutcomeRow>(MERGE, [now]);
        await client.query('commit');
        const byKey = new Map(rows.map((r) => [`${r.resource_type}/${r.id}`, r.outcome]));
        return prepared.map((p) => {
          const outcome = byKey.get(`${p.resource.resourceType}/${p.resource.id}`);
          if (!outcome) throw new MedSeekError('internal', `no result for ${p.resource.resourceType}/${p.resource.id}`);
          return outcome;
        });
      } catch (e) {
        await client.query('rollback').catch(() => {});
        // A staging table created in the rolled-back transaction is gone with it.
        staged.delete(client);
        throw e;
      } finally {
        client.release();
      }
    },
    async findByIdentifier(resourceType, identifiers) {
      if (identifiers.length === 0) return undefined;
      const { rows } = await pool.query<{ id: string }>(
        `select id from fhir_resources where resource_type = $1 and cardinality(identifiers) > 0
         and identifiers && $2::text[] and not deleted order by id limit 1`,
        [resourceType, [...identifiers]],
      );
      return rows[0]?.id;
    },
    close: () => pool.end(),
  };
}
