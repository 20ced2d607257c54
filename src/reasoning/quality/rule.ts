import type { Bilingual, Source } from '../../core/index.js';
import type { DocType, QcDocument, QcEncounter } from './model.js';

/**
 * A record-QC rule (qc-rules.md): data (id, titles, category, severity, source article) plus a
 * predicate over one encounter. Severity: S1 patient-safety or legal-validity risk (block signing
 * or archiving); S2 statutory time limit or mandatory content; S3 quality/consistency; S4 advisory.
 */
export type QcSeverity = 'S1' | 'S2' | 'S3' | 'S4';
export type QcCategory = 'timeliness' | 'completeness' | 'consistency' | 'homepage';

export interface QcIssue {
  readonly message: Bilingual;
  /** Overrides the rule's severity (C01: 主诉 missing is S2, 婚育史 S3). */
  readonly severity?: QcSeverity;
  /** The documents, orders or results concerned (click-through). */
  readonly refs: readonly Source[];
  readonly key?: string;
}

export interface QcContext {
  /** When the check runs: deadlines not yet reached are not breaches. */
  readonly now: string;
  readonly params: Readonly<Record<string, unknown>>;
  /** 拟诊讨论 texts of other patients with the same disease in the same department (K16 d). */
  readonly peerDiscussions?: readonly { readonly encounterId: string; readonly text: string }[];
  /** The diagnosis code catalogue in force (国家临床版), code → names, for H04/H05. */
  readonly icdCatalog?: ReadonlyMap<string, readonly string[]>;
}

export interface QcRule {
  readonly id: string;
  readonly category: QcCategory;
  readonly title: Bilingual & { readonly zh: string };
  readonly severity: QcSeverity;
  /** The article(s) the rule comes from, as qc-rules.md cites them. */
  readonly source: string;
  /** `intl` rules (TJC/CMS) are off unless a hospital turns them on. */
  readonly region?: 'cn' | 'intl';
  readonly defaultEnabled?: boolean;
  readonly defaults?: Readonly<Record<string, unknown>>;
  check(enc: QcEncounter, ctx: QcContext): readonly QcIssue[];
}

export function docSource(doc: QcDocument): Source {
  const [type, id] = doc.ref?.includes('/') ? doc.ref.split('/') : ['DocumentReference', doc.id];
  return { kind: 'resource', resourceType: type!, id: id! };
}

export function refSource(ref: string | undefined, fallbackType: string, id: string): Source {
  const [type, rid] = ref?.includes('/') ? ref.split('/') : [fallbackType, id];
  return { kind: 'resource', resourceType: type!, id: rid! };
}

export function encSource(enc: QcEncounter): Source {
  return refSource(enc.ref, 'Encounter', enc.id);
}

export function docs(enc: QcEncounter, ...types: DocType[]): QcDocument[] {
  return enc.documents
    .filter((d) => types.includes(d.type))
    .sort((a, b) => (a.completedAt ?? a.recordedAt ?? '').localeCompare(b.completedAt ?? b.recordedAt ?? ''));
}

export function doc(enc: QcEncounter, ...types: DocType[]): QcDocument | undefined {
  return docs(enc, ...types)[0];
}

export const issue = (en: string, zh: string, refs: readonly Source[], extra: Partial<QcIssue> = {}): QcIssue => ({ message: { en, zh }, refs, ...extra });

/** The end of the stay so far: discharge, or now for a patient still in hospital. */
export function stayEnd(enc: QcEncounter, now: string): string {
  return enc.dischargeAt ?? now;
}

export function num(params: QcContext['params'], key: string): number {
  return Number(params[key]);
}
