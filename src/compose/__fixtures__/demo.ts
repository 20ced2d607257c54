import { readdirSync, readFileSync } from 'node:fs';
import type { PatientState } from '../../core/index.js';
import { type AnyResource, bundleResources, stateFromBundle } from '../../fusion/index.js';
import { extractDocumentReference } from '../../nlp/index.js';
import { encounterDocuments } from '../encounter.js';

/**
 * The shipped demo records as the server sees them: coded resources, the notes read by the NLP
 * stage, and the notes' text for quoting — per encounter.
 */
export interface DemoStay {
  readonly file: string;
  readonly dir: 'zh' | 'synthea';
  readonly encounterId: string;
  readonly resources: readonly AnyResource[];
  readonly state: PatientState;
  readonly documents: readonly { id: string; text: string }[];
}

const root = new URL('../../../demo/', import.meta.url);

export function demoFiles(dir: 'zh' | 'synthea'): string[] {
  return readdirSync(new URL(`${dir}/`, root))
    .filter((f) => f.endsWith('.json'))
    .sort();
}

export function demoStays(dir: 'zh' | 'synthea', file: string, only?: string): DemoStay[] {
  const bundle = JSON.parse(readFileSync(new URL(`${dir}/${file}`, root), 'utf8')) as unknown;
  const resources = bundleResources(bundle);
  const patient = resources.find((r) => r.resourceType === 'Patient')!;
  // Transaction bundles name the patient by urn:uuid; the facts must name it by id.
  const notes = resources
    .filter((r) => r.resourceType === 'DocumentReference')
    .flatMap((d) => extractDocumentReference(d as never, { patientId: patient.id! }).facts);
  const documents = encounterDocuments(resources);
  const encounters = resources
    .filter((r) => r.resourceType === 'Encounter' && (!only || r.id === only))
    .map((r) => r.id!);
  return encounters.map((encounterId) => ({
    file,
    dir,
    encounterId,
    resources,
    state: stateFromBundle(bundle, notes, { encounterId }),
    documents,
  }));
}
