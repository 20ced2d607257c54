import type { ResourceRepository, StoredResource } from '../../store/index.js';

/**
 * Resources outside any patient's compartment that a patient's records point at (the practitioner
 * who wrote a note, the organization, a Medication): Patient/$everything includes them
 * (https://hl7.org/fhir/R4/patient-operation-everything.html: "any resource referenced from
 * those"). A referenced resource that belongs to another patient is never included.
 */
const REFERENCE = /^([A-Z][A-Za-z]{1,63})\/([A-Za-z0-9\-.]{1,64})$/;
const MAX_REFERENCED = 1000;

export function referencesIn(value: unknown, out: Set<string> = new Set()): Set<string> {
  if (Array.isArray(value)) {
    for (const v of value) referencesIn(v, out);
  } else if (value && typeof value === 'object') {
    for (const [k, v] of Object.entries(value)) {
      if (k === 'reference' && typeof v === 'string') {
        const m = REFERENCE.exec(v);
        if (m) out.add(`${m[1]}/${m[2]}`);
      } else if (v && typeof v === 'object') referencesIn(v, out);
    }
  }
  return out;
}

export async function referencedOutsideCompartments(
  repo: ResourceRepository,
  resources: readonly StoredResource[],
): Promise<StoredResource[]> {
  const have = new Set(resources.map((r) => `${r.resourceType}/${r.id}`));
  const wanted = new Map<string, string[]>();
  let n = 0;
  for (const r of resources) {
    for (const ref of referencesIn(r.resource)) {
      if (have.has(ref) || n >= MAX_REFERENCED) continue;
      const [type, id] = ref.split('/') as [string, string];
      if (type === 'Patient') continue;
      have.add(ref);
      wanted.set(type, [...(wanted.get(type) ?? []), id]);
      n++;
    }
  }
  const out: StoredResource[] = [];
  for (const [type, ids] of [...wanted.entries()].sort(([a], [b]) => a.localeCompare(b))) {
    const found = await repo.search(type, { ids, count: ids.length });
    for (const r of found.entries) if (!r.patientId && !r.deleted) out.push(r);
  }
  return out;
}
