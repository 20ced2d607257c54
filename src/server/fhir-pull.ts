import type { Sql } from '../core/index.js';
import { MedSeekError } from '../core/index.js';
import { validationErrors } from '../ingest/index.js';
import type { FhirResource, PutOutcome, ResourceRepository } from '../store/index.js';
import { referencesIn } from './fhir/referenced.js';

/**
 * `medseek pull`: copies patients from another FHIR R4 server into the store. Reads the server's
 * CapabilityStatement; where it offers `Patient/$everything` that is used (one paged call per
 * patient), else the patient is read and every patient-compartment type the server can search by
 * `patient` is searched. Every `next` link is followed, but only on the server's own origin (the
 * bearer token is never sent anywhere else). Resources outside the compartment that the records
 * reference (Practitioner, Organization, Medication…) and that did not come with them are read one by
 * one where the server can read that type. Each patient is written in one transaction: a patient
 * comes over whole or not at all. Every resource is validated against the R4 definitions first: an
 * invalid one is left out and listed in `rejected` (with its element and reason), the valid rest
 * is stored; when the Patient itself is invalid nothing of that patient is written.
 */
export interface PullOptions {
  /** The FHIR base URL, e.g. `https://hospital/fhir`. */
  readonly base: string;
  readonly bearer?: string;
  /** Patient ids on the remote server; default: every patient it lists. */
  readonly patients?: readonly string[];
  /** Page size asked for (`_count`). */
  readonly pageSize?: number;
  /** Ignore `$everything` even where offered (per-type searches only). */
  readonly noEverything?: boolean;
  readonly fetch?: typeof fetch;
  readonly onPatient?: (id: string, resources: number) => void;
  /** Per request (ms). */
  readonly timeoutMs?: number;
}

export interface PullSummary {
  readonly base: string;
  readonly mode: 'everything' | 'per-type';
  readonly patients: number;
  readonly resources: number;
  readonly created: number;
  readonly updated: number;
  readonly unchanged: number;
  readonly byType: Record<string, { created: number; updated: number; unchanged: number }>;
  readonly requests: number;
  /** Referenced resources the server could not produce (404/410): the copy has these dangling references. */
  readonly missingReferences: readonly string[];
  /** Resources refused as invalid FHIR R4, one entry per problem; `patient` is whose pull it was. */
  readonly rejected: readonly PullRejection[];
}

export interface PullRejection {
  readonly patient: string;
  /** `Observation/o1`. */
  readonly resource: string;
  /** The element, e.g. `Observation.status`. */
  readonly field: string;
  readonly message: string;
}

/** Types searched per patient when the server lacks $everything (those it supports by `patient`). */
const COMPARTMENT_TYPES = [
  'Encounter',
  'Condition',
  'Observation',
  'MedicationRequest',
  'MedicationStatement',
  'AllergyIntolerance',
  'Procedure',
  'DiagnosticReport',
  'DocumentReference',
  'ImagingStudy',
  'Immunization',
  'CarePlan',
];

const MAX_PAGES = 10_000;
const ID = /^[A-Za-z0-9\-.]{1,64}$/;

type Json = Record<string, unknown>;

export async function pullFromFhir(sql: Sql, repo: ResourceRepository, options: PullOptions): Promise<PullSummary> {
  const base = normaliseBase(options.base);
  const client = new FhirClient(base, options);
  const capability = await client.get(`${base}/metadata`);
  if (capability.resourceType !== 'CapabilityStatement')
    throw new MedSeekError('invalid', `${base}/metadata did not return a CapabilityStatement`, { field: '--fhir' });
  const everything = !options.noEverything && offersEverything(capability);
  const types = everything ? [] : searchableByPatient(capability);
  const readable = readableTypes(capability);
  const missingReferences: string[] = [];
  const count = options.pageSize ?? 100;

  const ids = options.patients?.length ? [...options.patients] : await listPatients(client, base, count);
  for (const id of ids)
    if (!ID.test(id)) throw new MedSeekError('invalid', `'${id}' is not a FHIR id`, { field: '--patient' });

  const byType: Record<string, { created: number; updated: number; unchanged: number }> = {};
  let resources = 0;
  let patients = 0;
  const rejected: PullRejection[] = [];
  for (const id of ids) {
    const fetched = everything
      ? await client.pages(`${base}/Patient/${encodeURIComponent(id)}/$everything?_count=${count}`)
      : [
          await client.get(`${base}/Patient/${encodeURIComponent(id)}`),
          ...(await perType(client, base, id, types, count)),
        ];
    fetched.push(...(await referencedResources(client, base, fetched, readable, missingReferences)));
    const { valid: unique, invalid } = validated(dedupe(fetched, id), id);
    rejected.push(...invalid);
    // Without a valid Patient the rest would be records of nobody: the patient is not pulled.
    if (!unique.some((r) => r.resourceType === 'Patient' && r.id === id)) continue;
    const results = await sql.transaction((tx) => repo.putMany(unique, tx));
    results.forEach((r, i) => {
      tally(byType, unique[i]!.resourceType, r.outcome);
    });
    resources += unique.length;
    patients++;
    options.onPatient?.(id, unique.length);
  }
  const sum = (k: PutOutcome) => Object.values(byType).reduce((n, t) => n + t[k], 0);
  return {
    base,
    mode: everything ? 'everything' : 'per-type',
    patients,
    resources,
    created: sum('created'),
    updated: sum('updated'),
    unchanged: sum('unchanged'),
    byType,
    requests: client.requests,
    missingReferences,
    rejected,
  };
}

/** Splits a patient's resources into the valid and, per problem, the refused ones. */
function validated(
  resources: readonly FhirResource[],
  patient: string,
): { valid: FhirResource[]; invalid: PullRejection[] } {
  const valid: FhirResource[] = [];
  const invalid: PullRejection[] = [];
  for (const r of resources) {
    const errors = validationErrors(r);
    if (errors.length === 0) valid.push(r);
    for (const e of errors)
      invalid.push({ patient, resource: `${r.resourceType}/${r.id}`, field: e.expression, message: e.message });
  }
  return { valid, invalid };
}

/** Non-patient resources referenced by `resources` and not among them, read by id (once per pull). */
async function referencedResources(
  client: FhirClient,
  base: string,
  resources: readonly FhirResource[],
  readable: ReadonlySet<string>,
  missing: string[],
): Promise<FhirResource[]> {
  const have = new Set(resources.map((r) => `${r.resourceType}/${r.id}`));
  const out: FhirResource[] = [];
  for (const r of resources) {
    for (const ref of referencesIn(r)) {
      const type = ref.slice(0, ref.indexOf('/'));
      // Compartment types belong to a patient: they come with their patient, never through a reference.
      if (have.has(ref) || type === 'Patient' || COMPARTMENT_TYPES.includes(type) || !readable.has(type)) continue;
      have.add(ref);
      if (client.known.has(ref)) {
        out.push(client.known.get(ref)!);
        continue;
      }
      try {
        const got = await client.get(`${base}/${ref}`);
        client.known.set(ref, got);
        out.push(got);
      } catch (e) {
        if (!(e instanceof MedSeekError) || e.code !== 'not-found') throw e;
        if (!missing.includes(ref)) missing.push(ref);
      }
    }
  }
  return out;
}

/** Types the server can read by id, from its CapabilityStatement. */
export function readableTypes(capability: Json): Set<string> {
  const out = new Set<string>();
  for (const rest of arr(capability.rest)) {
    for (const res of arr(rest.resource))
      if (typeof res.type === 'string' && arr(res.interaction).some((i) => i.code === 'read')) out.add(res.type);
  }
  return out;
}

function tally(
  byType: Record<string, { created: number; updated: number; unchanged: number }>,
  type: string,
  outcome: PutOutcome,
): void {
  const t = byType[type] ?? { created: 0, updated: 0, unchanged: 0 };
  t[outcome]++;
  byType[type] = t;
}

async function listPatients(client: FhirClient, base: string, count: number): Promise<string[]> {
  const patients = await client.pages(`${base}/Patient?_count=${count}`);
  return patients.map((p) => p.id).filter((id): id is string => typeof id === 'string');
}

async function perType(
  client: FhirClient,
  base: string,
  id: string,
  types: readonly string[],
  count: number,
): Promise<FhirResource[]> {
  const out: FhirResource[] = [];
  for (const type of types)
    out.push(...(await client.pages(`${base}/${type}?patient=${encodeURIComponent(id)}&_count=${count}`)));
  return out;
}

/** Pages may overlap if the remote changes while we read; the last copy of a resource wins. */
function dedupe(resources: readonly FhirResource[], patientId: string): FhirResource[] {
  const byKey = new Map<string, FhirResource>();
  resources.forEach((r, i) => {
    if (typeof r.resourceType !== 'string' || typeof r.id !== 'string' || !ID.test(r.id)) {
      throw new MedSeekError('invalid', `a resource pulled for Patient/${patientId} has no valid resourceType/id`, {
        where: `resource ${i}`,
        field: 'id',
      });
    }
    byKey.set(`${r.resourceType}/${r.id}`, r);
  });
  return [...byKey.values()];
}

export function offersEverything(capability: Json): boolean {
  for (const rest of arr(capability.rest)) {
    for (const op of arr(rest.operation)) if (isEverything(op)) return true;
    for (const res of arr(rest.resource))
      if (res.type === 'Patient' && arr(res.operation).some(isEverything)) return true;
  }
  return false;
}

function isEverything(op: Json): boolean {
  return (
    op.name === 'everything' ||
    op.name === '$everything' ||
    (typeof op.definition === 'string' && op.definition.endsWith('/Patient-everything'))
  );
}

/** Compartment types the server lists with a `patient` search parameter (all of ours when it lists none). */
export function searchableByPatient(capability: Json): string[] {
  const resources = arr(capability.rest).flatMap((r) => arr(r.resource));
  const listed = resources.filter((r) => typeof r.type === 'string' && COMPARTMENT_TYPES.includes(r.type));
  const withParam = listed.filter((r) => arr(r.searchParam).some((p) => p.name === 'patient'));
  const chosen = withParam.length ? withParam : listed.filter((r) => arr(r.searchParam).length === 0);
  return chosen.map((r) => r.type as string);
}

function arr(v: unknown): Json[] {
  return Array.isArray(v) ? v.filter((x): x is Json => !!x && typeof x === 'object') : [];
}

function normaliseBase(url: string): string {
  let u: URL;
  try {
    u = new URL(url);
  } catch {
    throw new MedSeekError('invalid', `'${url}' is not a URL`, { field: '--fhir' });
  }
  if (u.protocol !== 'http:' && u.protocol !== 'https:')
    throw new MedSeekError('invalid', `'${url}' is not an http(s) URL`, { field: '--fhir' });
  return u.toString().replace(/\/+$/, '');
}

class FhirClient {
  requests = 0;
  /** Non-patient resources already read in this pull (a practitioner shared by many patients is read once). */
  readonly known = new Map<string, Json & FhirResource>();
  readonly #origin: string;
  readonly #options: PullOptions;

  constructor(base: string, options: PullOptions) {
    this.#origin = new URL(base).origin;
    this.#options = options;
  }

  async get(url: string): Promise<Json & FhirResource> {
    if (new URL(url).origin !== this.#origin) {
      throw new MedSeekError(
        'forbidden',
        `the server sent a link to another origin (${new URL(url).origin}); not following it with our credentials`,
        { field: 'link' },
      );
    }
    const headers: Record<string, string> = { Accept: 'application/fhir+json' };
    if (this.#options.bearer) headers.Authorization = `Bearer ${this.#options.bearer}`;
    this.requests++;
    const doFetch = this.#options.fetch ?? fetch;
    let res: Response;
    try {
      res = await doFetch(url, { headers, signal: AbortSignal.timeout(this.#options.timeoutMs ?? 60_000) });
    } catch (e) {
      throw new MedSeekError(
        'unavailable',
        `cannot reach ${url}: ${(e as Error).message}`,
        { field: '--fhir' },
        { cause: e },
      );
    }
    const text = await res.text();
    let body: unknown;
    try {
      body = JSON.parse(text);
    } catch {
      body = undefined;
    }
    if (!res.ok) {
      const diagnostics = outcomeText(body) ?? text.slice(0, 200);
      const code =
        res.status === 401
          ? 'unauthorized'
          : res.status === 403
            ? 'forbidden'
            : res.status === 404 || res.status === 410
              ? 'not-found'
              : 'unavailable';
      throw new MedSeekError(code, `GET ${url} answered ${res.status}${diagnostics ? `: ${diagnostics}` : ''}`, {
        field: res.status === 401 ? '--bearer' : '--fhir',
      });
    }
    if (!body || typeof body !== 'object' || typeof (body as Json).resourceType !== 'string') {
      throw new MedSeekError('invalid', `GET ${url} did not return a FHIR resource`, { field: '--fhir' });
    }
    return body as Json & FhirResource;
  }

  /** Every entry resource of a searchset, following `next` links. */
  async pages(first: string): Promise<FhirResource[]> {
    const out: FhirResource[] = [];
    const seen = new Set<string>();
    let url: string | undefined = first;
    while (url) {
      if (seen.has(url))
        throw new MedSeekError('invalid', `the server's next link loops back to ${url}`, { field: 'link' });
      if (seen.size >= MAX_PAGES)
        throw new MedSeekError('too-large', `more than ${MAX_PAGES} pages from ${first}`, { field: 'link' });
      seen.add(url);
      const bundle = await this.get(url);
      if (bundle.resourceType !== 'Bundle')
        throw new MedSeekError('invalid', `GET ${url} returned ${bundle.resourceType}, not a Bundle`, {
          field: '--fhir',
        });
      for (const e of arr(bundle.entry)) {
        const r = e.resource as FhirResource | undefined;
        const mode = (e.search as Json | undefined)?.mode;
        // OperationOutcome entries (search.mode "outcome") carry warnings, not data.
        if (r && mode !== 'outcome' && r.resourceType !== 'OperationOutcome') out.push(r);
      }
      const next = arr(bundle.link).find((l) => l.relation === 'next')?.url;
      url = typeof next === 'string' ? new URL(next, url).toString() : undefined;
    }
    return out;
  }
}

function outcomeText(body: unknown): string | undefined {
  if (!body || typeof body !== 'object' || (body as Json).resourceType !== 'OperationOutcome') return undefined;
  return arr((body as Json).issue)
    .map((i) => i.diagnostics)
    .filter((d) => typeof d === 'string')
    .join('; ');
}
