/**
 * Where something came from. Every Fact, Evidence and Claim carries Sources so a clinician can
 * click from any conclusion back to the record or the knowledge that supports it.
 */

/** A FHIR resource (optionally a version and a FHIRPath inside it), e.g. `Observation/42`. */
export interface ResourceSource {
  readonly kind: 'resource';
  readonly resourceType: string;
  readonly id: string;
  readonly versionId?: string;
  /** FHIRPath to the element that was used, e.g. `Observation.valueQuantity`. */
  readonly path?: string;
}

/**
 * A span of a note's text. Offsets are UTF-16 code-unit indices into the original string
 * (`text.slice(start, end)` round-trips exactly), so the workspace can highlight them.
 */
export interface TextSource {
  readonly kind: 'text';
  /** The note, as a FHIR reference (`DocumentReference/9`) or any stable document key. */
  readonly document: string;
  readonly start: number;
  readonly end: number;
  /** The quoted text, for display without fetching the note. */
  readonly quote?: string;
}

/** Who asserts a piece of knowledge: a guideline, a drug label, a database, a hospital curator. */
export interface Authority {
  readonly name: string;
  readonly document?: string;
  readonly version?: string;
  readonly url?: string;
  readonly licence?: string;
  readonly date?: string;
}

/** A knowledge-graph edge (or concept) with the authority that asserts it and the release it is in. */
export interface KnowledgeSource {
  readonly kind: 'knowledge';
  readonly edgeId: string;
  readonly authority: Authority;
  readonly releaseId?: string;
}

/** Something the patient said in a pre-consultation session (patient-reported, not verified). */
export interface PatientReportedSource {
  readonly kind: 'patient-reported';
  readonly sessionId: string;
  readonly turn: number;
  readonly quote?: string;
}

export type Source = ResourceSource | TextSource | KnowledgeSource | PatientReportedSource;

/** `Observation/42` or `DocumentReference/9[10,24)`: a short, stable label for logs and UI keys. */
export function sourceKey(s: Source): string {
  switch (s.kind) {
    case 'resource':
      return `${s.resourceType}/${s.id}${s.versionId ? `/_history/${s.versionId}` : ''}${s.path ? `#${s.path}` : ''}`;
    case 'text':
      return `${s.document}[${s.start},${s.end})`;
    case 'knowledge':
      return `kg:${s.edgeId}${s.releaseId ? `@${s.releaseId}` : ''}`;
    case 'patient-reported':
      return `session:${s.sessionId}#${s.turn}`;
  }
}

export function resourceSource(
  resourceType: string,
  id: string,
  extra?: { versionId?: string; path?: string },
): ResourceSource {
  return { kind: 'resource', resourceType, id, ...extra };
}
