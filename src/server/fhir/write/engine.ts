import { randomUUID } from 'node:crypto';
import type { Sql } from '../../../core/index.js';
import { invalid, MedSeekError, shown } from '../../../core/index.js';
import { validationError, validationErrors } from '../../../ingest/index.js';
import {
  deindexForSearch,
  type FhirResource,
  indexForSearch,
  type ResourceRepository,
  type StoredResource,
} from '../../../store/index.js';
import { patientOfResource, requireWrite, type WriteAccess } from './access.js';
import { conditionalMatches } from './conditional.js';
import { locatedAt, WriteFailure } from './failure.js';
import { applyJsonPatch, parseJsonPatch } from './json-patch.js';

/**
 * The FHIR R4 write interactions (https://hl7.org/fhir/R4/http.html): create, conditional create,
 * update (and update as create), conditional update, JSON Patch and delete, each run inside the
 * caller's database transaction, so that a REST call and a Bundle entry behave the same. Every
 * stored resource passes the import's R4 validation and goes through the store's `put` (which
 * versions it and keeps history) and is indexed for search in the same transaction (a delete
 * de-indexed); patient state is built from the store, so it follows at once. A refused write throws (a MedSeekError:
 * 400; a WriteFailure: 403/404/409/410/412) and the transaction rolls back, leaving nothing half-written.
 */
export interface WriteContext {
  readonly repo: ResourceRepository;
  readonly tx: Sql;
  readonly access: WriteAccess;
  /** Where problems are reported: `body`, or `Bundle.entry[3]`. */
  readonly where: string;
}

export type WriteRequest =
  | {
      readonly kind: 'create';
      readonly type: string;
      readonly resource: unknown;
      readonly ifNoneExist?: string;
      /** The id to give it (a Bundle assigns ids before writing, to resolve references); else a new UUID. */
      readonly id?: string;
    }
  | {
      readonly kind: 'update';
      readonly type: string;
      readonly id: string;
      readonly resource: unknown;
      readonly ifMatch?: number;
    }
  | {
      readonly kind: 'conditional-update';
      readonly type: string;
      readonly query: string;
      readonly resource: unknown;
      readonly ifMatch?: number;
      readonly id?: string;
    }
  | {
      readonly kind: 'patch';
      readonly type: string;
      readonly id: string;
      /** The JSON Patch, or a function giving it (read once access is checked, so a refused caller learns nothing). */
      readonly patch: unknown;
      readonly ifMatch?: number;
    }
  | { readonly kind: 'delete'; readonly type: string; readonly id: string; readonly ifMatch?: number };

export type Interaction = 'create' | 'update' | 'patch' | 'delete';

export interface WriteResult {
  readonly interaction: Interaction;
  /** 201 created, 200 updated (or a conditional create that found its match), 204 nothing to delete. */
  readonly status: 200 | 201 | 204;
  readonly type: string;
  readonly id: string;
  /** The version written (or found); for a delete, the deletion. Absent when nothing was there. */
  readonly stored?: StoredResource;
  /** Patients whose records were touched (before and after), for the audit log. */
  readonly patients: readonly string[];
  /** What happened, in words (for `Prefer: return=OperationOutcome`). */
  readonly message: string;
}

export async function executeWrite(w: WriteContext, req: WriteRequest): Promise<WriteResult> {
  switch (req.kind) {
    case 'create':
      return create(w, req);
    case 'update':
      return update(w, req.type, req.id, resourceOf(w, req.resource, req.type, req.id), req.ifMatch, 'update');
    case 'conditional-update':
      return conditionalUpdate(w, req);
    case 'patch':
      return patch(w, req);
    case 'delete':
      return remove(w, req);
  }
}

async function create(w: WriteContext, req: Extract<WriteRequest, { kind: 'create' }>): Promise<WriteResult> {
  const body = resourceOf(w, req.resource, req.type);
  if (req.ifNoneExist !== undefined) {
    const matches = await conditionalMatches(w.tx, req.type, req.ifNoneExist, 'If-None-Exist', w.access);
    if (matches.length > 1)
      throw new WriteFailure(412, `If-None-Exist '${req.ifNoneExist}' matches more than one ${req.type}`, {
        expression: 'If-None-Exist',
      });
    const found = matches[0];
    if (found) {
      const patient = patientOfStored(found);
      if (w.access.visible && patient !== undefined && !w.access.visible.has(patient))
        throw new WriteFailure(403, `the match of If-None-Exist is in the record of Patient/${patient}`, { patient });
      return result(
        'create',
        200,
        found,
        [patient],
        `${found.resourceType}/${found.id} already exists: nothing created`,
      );
    }
  }
  const resource = { ...body, id: req.id ?? randomUUID() } as FhirResource;
  requireWrite(w.access, req.type, 'c', [patientOfResource(resource)]);
  validate(w, resource);
  const { stored } = await w.repo.put(resource, w.tx);
  checkStored(w, stored);
  await indexForSearch(w.tx, [stored.resource]);
  return result('create', 201, stored, [patientOfStored(stored)], `created ${stored.resourceType}/${stored.id}`);
}

async function update(
  w: WriteContext,
  type: string,
  id: string,
  resource: FhirResource,
  ifMatch: number | undefined,
  interaction: 'update' | 'patch',
  locked?: StoredResource | null,
): Promise<WriteResult> {
  // Who may write comes before what is wrong with the body: a refused caller learns nothing from validation.
  requireWrite(w.access, type, 'u', [patientOfResource(resource)]);
  const current = locked === undefined ? await w.repo.read(type, id, { tx: w.tx, lock: true }) : (locked ?? undefined);
  const before = current ? patientOfStored(current) : undefined;
  // The record's current patient must be in scope too: an update must not move another patient's resource.
  if (before !== undefined) requireWrite(w.access, type, 'u', [before]);
  precondition(type, id, current, ifMatch);
  validate(w, resource);
  const { outcome, stored } = await w.repo.put(resource, w.tx);
  checkStored(w, stored);
  if (outcome !== 'unchanged') await indexForSearch(w.tx, [stored.resource]);
  const created = outcome === 'created' || current === undefined || current.deleted;
  const what =
    outcome === 'unchanged'
      ? 'unchanged: no new version'
      : created
        ? 'created'
        : `updated to version ${stored.versionId}`;
  return result(interaction, created ? 201 : 200, stored, [patientOfStored(stored), before], `${type}/${id} ${what}`);
}

async function conditionalUpdate(
  w: WriteContext,
  req: Extract<WriteRequest, { kind: 'conditional-update' }>,
): Promise<WriteResult> {
  // The search first: a caller who may not write where the condition points learns nothing from the body's checks.
  const matches = await conditionalMatches(w.tx, req.type, req.query, 'request.url', w.access);
  for (const m of matches) requireWrite(w.access, req.type, 'u', [patientOfStored(m)]);
  const body = resourceOf(w, req.resource, req.type);
  if (matches.length > 1)
    throw new WriteFailure(412, `the condition '${req.query}' matches more than one ${req.type}`, {
      expression: 'request.url',
    });
  const bodyId = typeof body.id === 'string' ? body.id : undefined;
  const match = matches[0];
  if (match) {
    if (bodyId !== undefined && bodyId !== match.id)
      throw invalid(`the body's id '${bodyId}' is not the id of the resource the condition matches (${match.id})`, {
        where: w.where,
        field: `${req.type}.id`,
      });
    return update(w, req.type, match.id, { ...body, id: match.id }, req.ifMatch, 'update');
  }
  // No match: a create. With an id of its own, it must not overwrite a resource the condition did not match.
  const id = bodyId ?? req.id ?? randomUUID();
  const existing = bodyId ? await w.repo.read(req.type, bodyId, { tx: w.tx, lock: true }) : undefined;
  if (existing && !existing.deleted)
    throw new WriteFailure(409, `${req.type}/${bodyId} exists but does not match the condition '${req.query}'`, {
      expression: `${req.type}.id`,
    });
  return update(w, req.type, id, { ...body, id }, req.ifMatch, 'update', existing ?? null);
}

async function patch(w: WriteContext, req: Extract<WriteRequest, { kind: 'patch' }>): Promise<WriteResult> {
  const current = await w.repo.read(req.type, req.id, { tx: w.tx, lock: true });
  if (!current) throw new WriteFailure(404, `${req.type}/${req.id} is not known`, { expression: 'id' });
  // Who may write comes before what is wrong with the patch.
  requireWrite(w.access, req.type, 'u', [patientOfStored(current)]);
  if (current.deleted) throw new WriteFailure(410, `${req.type}/${req.id} was deleted`, { expression: 'id' });
  let operations: ReturnType<typeof parseJsonPatch>;
  try {
    operations = parseJsonPatch(typeof req.patch === 'function' ? req.patch() : req.patch);
  } catch (e) {
    throw locatedAt(e, w.where);
  }
  precondition(req.type, req.id, current, req.ifMatch);
  const { versionId: _v, lastUpdated: _l, ...meta } = current.resource.meta ?? {};
  const base = { ...current.resource, meta } as Record<string, unknown>;
  if (Object.keys(meta).length === 0) delete base.meta;
  let next: Record<string, unknown>;
  try {
    next = applyJsonPatch(base, operations);
  } catch (e) {
    throw locatedAt(e, w.where);
  }
  if (!next || typeof next !== 'object' || next.resourceType !== req.type || next.id !== req.id)
    throw invalid(`a patch may not change the resource's type or id (${req.type}/${req.id})`, {
      where: w.where,
      field: 'patch',
    });
  return update(w, req.type, req.id, next as FhirResource, undefined, 'patch', current);
}

async function remove(w: WriteContext, req: Extract<WriteRequest, { kind: 'delete' }>): Promise<WriteResult> {
  const current = await w.repo.read(req.type, req.id, { tx: w.tx, lock: true });
  if (!current) throw new WriteFailure(404, `${req.type}/${req.id} is not known`, { expression: 'id' });
  const patient = patientOfStored(current);
  requireWrite(w.access, req.type, 'd', [patient]);
  precondition(req.type, req.id, current, req.ifMatch);
  // Deleting what is already deleted changes nothing (FHIR's delete is idempotent).
  if (current.deleted) return result('delete', 204, current, [patient], `${req.type}/${req.id} was already deleted`);
  const deleted = await w.repo.delete(req.type, req.id, w.tx);
  if (!deleted) throw new MedSeekError('internal', `${req.type}/${req.id} could not be deleted`);
  await deindexForSearch(w.tx, req.type, req.id);
  return result('delete', 200, deleted, [patient], `deleted ${req.type}/${req.id} (version ${deleted.versionId})`);
}

/** `If-Match`: the current, live version must be the one named, else 412. */
function precondition(type: string, id: string, current: StoredResource | undefined, ifMatch: number | undefined) {
  if (ifMatch === undefined) return;
  if (!current || current.deleted || current.versionId !== ifMatch)
    throw new WriteFailure(
      412,
      `If-Match W/"${ifMatch}" is not the current version of ${type}/${id} (${
        !current ? 'it does not exist' : current.deleted ? 'it was deleted' : `W/"${current.versionId}"`
      })`,
      { expression: 'If-Match' },
    );
}

/** The body as a resource of the URL's type (and with the URL's id, for an update). */
function resourceOf(w: WriteContext, body: unknown, type: string, id?: string): FhirResource {
  if (!body || typeof body !== 'object' || Array.isArray(body))
    throw invalid('the body must be a FHIR resource (a JSON object)', { where: w.where, field: 'resourceType' });
  const r = body as Record<string, unknown>;
  if (r.resourceType !== type)
    throw invalid(`the body is a ${shown(r.resourceType)}, the URL names ${type}`, {
      where: w.where,
      field: 'resourceType',
    });
  if (id !== undefined && r.id !== id)
    throw invalid(`the body's id '${shown(r.id ?? '')}' is not the URL's '${id}'`, {
      where: w.where,
      field: `${type}.id`,
    });
  return r as FhirResource;
}

function validate(w: WriteContext, resource: FhirResource): void {
  const errors = validationErrors(resource);
  if (errors.some((e) => e.severity === 'error')) throw validationError(errors, w.where);
}

/** After the write, the store's own compartment for it must be one the caller may write in too. */
function checkStored(w: WriteContext, stored: StoredResource): void {
  const patient = patientOfStored(stored);
  if (patient !== undefined) requireWrite(w.access, stored.resourceType, 'u', [patient]);
}

export function patientOfStored(s: StoredResource): string | undefined {
  return s.resourceType === 'Patient' ? s.id : s.patientId;
}

function result(
  interaction: Interaction,
  status: 200 | 201 | 204,
  stored: StoredResource,
  patients: readonly (string | undefined)[],
  message: string,
): WriteResult {
  return {
    interaction,
    status,
    type: stored.resourceType,
    id: stored.id,
    stored,
    patients: [...new Set(patients.filter((p): p is string => p !== undefined))],
    message,
  };
}
