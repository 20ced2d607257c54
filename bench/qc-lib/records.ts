import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { basename, join } from 'node:path';
import type { AnyResource } from '../../src/fusion/index.js';
import type { QcEncounter } from '../../src/reasoning/index.js';
import { encounterFromResources } from '../../src/reasoning/index.js';

/** A deep-writable copy of a read-only model type, for injecting defects into a clone. */
export type Draft<T> = T extends readonly (infer U)[]
  ? Draft<U>[]
  : T extends object
    ? { -readonly [K in keyof T]: Draft<T[K]> }
    : T;

/** `fresh`: written by hand for the bench; `demo`: a demo patient; `ccks`: a frame around CCKS 2017 text. */
export type Source = 'fresh' | 'demo' | 'ccks';

/** `dev`: the engine's developer may look at it; `report`: scored once, never tuned on (bench/data/qc/heldout). */
export type Half = 'dev' | 'report';

/** A record before any defect is injected, and which half of the bench it feeds. */
export interface BaseRecord {
  readonly id: string;
  readonly source: Source;
  readonly half: Half;
  readonly file: string;
  readonly encounter: QcEncounter;
}

const fail = (file: string, field: string, why: string): never => {
  throw new Error(`${file}: field ${field}: ${why}`);
};

/**
 * One clean record as written in bench/data/qc/clean/*.json: a QcEncounter (src/reasoning/quality/model.ts)
 * whose documents may give their text as `lines` (joined with newlines), for writing by hand.
 */
export function parseCleanRecord(json: unknown, file: string, source: Source, half: Half): BaseRecord {
  if (!json || typeof json !== 'object') return fail(file, '(root)', 'not an object');
  const o = json as Record<string, unknown>;
  for (const k of ['id', 'patientId', 'admitAt'] as const)
    if (typeof o[k] !== 'string' || !o[k]) fail(file, k, 'a non-empty string is required');
  if (Number.isNaN(Date.parse(o.admitAt as string))) fail(file, 'admitAt', `'${o.admitAt}' is not a time`);
  const patient = o.patient as Record<string, unknown> | undefined;
  if (!patient || !['male', 'female', 'other', 'unknown'].includes(patient.sex as string))
    fail(file, 'patient.sex', 'male, female, other or unknown is required');
  if (!Array.isArray(o.documents) || o.documents.length === 0) fail(file, 'documents', 'a non-empty list is required');
  const documents = (o.documents as Record<string, unknown>[]).map((d, i) => {
    const at = `documents[${i}]`;
    if (typeof d.id !== 'string' || !d.id) fail(file, `${at}.id`, 'required');
    if (typeof d.type !== 'string' || !d.type) fail(file, `${at}.type`, 'required');
    if (!Array.isArray(d.signatures)) fail(file, `${at}.signatures`, 'a list is required (may be empty)');
    const text = Array.isArray(d.lines) ? (d.lines as string[]).join('\n') : d.text;
    if (typeof text !== 'string' || !text) fail(file, `${at}.lines`, 'lines (or text) are required');
    const { lines: _lines, ...rest } = d;
    return { ...rest, text };
  });
  const list = (k: string): unknown[] => {
    const v = o[k];
    if (v === undefined) return [];
    if (!Array.isArray(v)) return fail(file, k, 'a list is required');
    return v;
  };
  const encounter = {
    ...o,
    documents,
    orders: list('orders'),
    results: list('results'),
    surgeries: list('surgeries'),
    rescues: list('rescues'),
    consults: list('consults'),
    transfers: list('transfers'),
    handovers: list('handovers'),
    acuity: list('acuity'),
    transfusions: list('transfusions'),
    criticalValues: list('criticalValues'),
  } as unknown as QcEncounter;
  return { id: o.id as string, source, half, file, encounter };
}

/**
 * Every clean record of a folder (`*.json`, sorted by name), all in one half: `report` for the held-out
 * records (bench/data/qc/heldout), `dev` for every folder the engine's developer may look at.
 */
export function loadCleanRecords(dir: string, source: Source, half: Half): BaseRecord[] {
  if (!existsSync(dir)) return [];
  const out: BaseRecord[] = [];
  const ids = new Set<string>();
  for (const name of readdirSync(dir).sort()) {
    if (!name.endsWith('.json')) continue;
    const file = join(dir, name);
    let json: unknown;
    try {
      json = JSON.parse(readFileSync(file, 'utf8'));
    } catch (e) {
      throw new Error(`${file}: not JSON (${(e as Error).message})`);
    }
    const r = parseCleanRecord(json, file, source, half);
    if (ids.has(r.id)) fail(file, 'id', `'${r.id}' is used by another record`);
    ids.add(r.id);
    out.push(r);
  }
  return out;
}

/**
 * A demo patient's FHIR transaction bundle as `medseek qc` sees it once imported: resource ids from the
 * `urn:uuid` full URLs, references rewritten to `Type/id`, then the engine's own FHIR mapping.
 */
export function demoRecord(bundlePath: string): BaseRecord {
  const bundle = JSON.parse(readFileSync(bundlePath, 'utf8')) as {
    entry?: { fullUrl?: string; resource?: AnyResource }[];
  };
  const entries = bundle.entry ?? [];
  let text = JSON.stringify(
    entries.map((e) => ({ ...e.resource, id: e.resource?.id ?? e.fullUrl?.replace('urn:uuid:', '') })),
  );
  for (const e of entries)
    if (e.fullUrl && e.resource)
      text = text.split(`"${e.fullUrl}"`).join(`"${e.resource.resourceType}/${e.fullUrl.replace('urn:uuid:', '')}"`);
  const resources = JSON.parse(text) as AnyResource[];
  const encounter = resources.find((r) => r.resourceType === 'Encounter');
  if (!encounter) throw new Error(`${bundlePath}: field entry: no Encounter in the bundle`);
  const patient = resources.find((r) => r.resourceType === 'Patient');
  const enc = encounterFromResources({ encounter, ...(patient ? { patient } : {}), resources });
  const id = `demo-${basename(bundlePath, '.json').replace(/^zh-/, '')}`;
  return { id, source: 'demo', half: 'dev', file: bundlePath, encounter: enc };
}
