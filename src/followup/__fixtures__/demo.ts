import { readFileSync } from 'node:fs';
import type { PatientState } from '../../core/index.js';
import { type AnyResource, bundleResources, noteText, stateFromBundle } from '../../fusion/index.js';
import { extractFacts } from '../../nlp/index.js';
import type { NoteInput } from '../index.js';

/** A demo inpatient (demo/zh) fused as the server would: coded resources plus the facts of its notes. */
export function demoInpatient(file: string): { state: PatientState; notes: NoteInput[]; resources: AnyResource[] } {
  const bundle = JSON.parse(readFileSync(new URL(`../../../demo/zh/${file}`, import.meta.url), 'utf8'));
  const resources = bundleResources(bundle);
  const patientId = (resources.find((x) => x.resourceType === 'Patient') as { id: string }).id;
  const notes = resources.flatMap((r) => {
    const n = r.resourceType === 'DocumentReference' ? noteText(r) : undefined;
    return n ? [n] : [];
  });
  const facts = notes.flatMap(
    (n) =>
      extractFacts(n.text, { lang: 'zh', document: n.document, patientId, ...(n.date ? { anchorDate: n.date } : {}) })
        .facts,
  );
  return { state: stateFromBundle(bundle, facts), notes, resources };
}
