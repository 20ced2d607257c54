import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Sql } from '../../../core/index.js';
import type { IngestSink } from '../../types.js';
import type { Hl7Store } from '../process.js';

/** Test helpers shared by the HL7 suites; in __fixtures__ so that the build (tsconfig.build.json) leaves them out. */
export const FIXTURES = import.meta.dirname;

export function fixtureFiles(kind: 'valid' | 'malformed'): string[] {
  return readdirSync(join(FIXTURES, kind))
    .filter((f) => f.endsWith('.hl7'))
    .sort();
}

export function fixture(kind: 'valid' | 'malformed', name: string): Buffer {
  return readFileSync(join(FIXTURES, kind, name));
}

/** The store as the CLI composes it, from the store's own sink factory. */
export function storeOf(sql: Sql, sinkFor: (tx: Sql) => IngestSink): Hl7Store {
  return { sql, sinkFor };
}

/** `a.b.0.c` of a JSON value. */
export function pick(value: unknown, path: string): unknown {
  let v: unknown = value;
  for (const key of path.split('.')) {
    if (v === null || typeof v !== 'object') return undefined;
    v = (v as Record<string, unknown>)[key];
  }
  return v;
}

/** Rows in the tables an HL7 message writes, to prove a rejected one wrote nothing. */
export async function rowCounts(sql: Sql): Promise<{ resources: number; history: number; messages: number }> {
  const one = async (table: string) =>
    Number((await sql.query<{ n: string | number }>(`select count(*) as n from ${table}`)).rows[0]?.n ?? 0);
  return {
    resources: await one('fhir_resources'),
    history: await one('fhir_resource_history'),
    messages: await one('ingest_hl7_messages'),
  };
}
