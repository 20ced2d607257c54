import type { Bilingual, Source } from '../../core/index.js';
import { invalid } from '../../core/index.js';
import type { QcSectionList, QcSourceRef } from '../../knowledge/index.js';
import type { IcdCodeTable } from './icd-codes.js';
import type { DocType, QcDocument, QcEncounter, QcPerson, QcSurgery } from './model.js';
import { TITLE_RANK } from './model.js';
import { normalise, sectionPlace } from './text.js';

/**
 * A record-QC rule (qc-rules.md): data from the knowledge release (id, titles, category, severity,
 * sources, the sections, patterns and lists it checks against) plus the TypeScript predicate of the
 * same id. Severity: S1 patient-safety or legal-validity risk (block signing or archiving); S2
 * statutory time limit or mandatory content; S3 quality/consistency; S4 advisory.
 */
export type QcSeverity = 'S1' | 'S2' | 'S3' | 'S4';
export type QcCategory = 'timeliness' | 'completeness' | 'consistency' | 'homepage';

/** The text of a document that triggered a finding (character offsets into its text). */
export interface QcSpan {
  readonly documentId: string;
  readonly start: number;
  readonly end: number;
  readonly text: string;
}

/**
 * Where a finding points (issue 16: every finding cites what triggered it): `text`, the span of a
 * document that triggered it; for an absence (`absent` names what is missing), `section`, the section
 * the missing item belongs in (its content's place), or `document` / `record`, the document or the
 * record (encounter, order, result, front sheet) as a whole. The engine fills `document` or `record`
 * from the finding's first reference when a rule gives no anchor of its own.
 */
export interface QcAnchor {
  readonly kind: 'text' | 'section' | 'document' | 'record';
  /** The resource pointed at (`DocumentReference/9`, `MedicationRequest/3`, `Encounter/1`). */
  readonly source: Source;
  /** The document's id in the encounter (`text`, `section`, `document`). */
  readonly documentId?: string;
  /** `[start, end)` in the document's text (`text`, `section`). */
  readonly start?: number;
  readonly end?: number;
  readonly text?: string;
  /** The heading of the section (`section`). */
  readonly section?: string;
  /** What is missing, for a finding of absence (a section, an item of it, a document, a signature). */
  readonly absent?: string;
}

export interface QcIssue {
  readonly message: Bilingual;
  /** What to do about it (default: correct the record as the rule's source asks). */
  readonly fix?: Bilingual;
  readonly span?: QcSpan;
  /** Where the finding points when it is not a span of text (an absence, a whole document). */
  readonly anchor?: QcAnchor;
  /** Overrides the rule's severity (C01: 主诉 missing is S2, 婚育史 S3). */
  readonly severity?: QcSeverity;
  /** The documents, orders or results concerned (click-through). */
  readonly refs: readonly Source[];
  readonly key?: string;
}

export interface QcContext {
  /** The rule being evaluated, as the release holds it: its sections, patterns and lists. */
  readonly rule: QcRule;
  /** When the check runs: deadlines not yet reached are not breaches. */
  readonly now: string;
  readonly params: Readonly<Record<string, unknown>>;
  /** 拟诊讨论 texts of other patients with the same disease in the same department (K16 d). */
  readonly peerDiscussions?: readonly { readonly encounterId: string; readonly text: string }[];
  /** The diagnosis code catalogue in force (国家临床版), code → names, for H04/H05. */
  readonly icdCatalog?: ReadonlyMap<string, readonly string[]>;
  /**
   * The diagnosis code table H04/H05 fall back on when no catalogue is given (the bundled 国家临床版
   * 2.0): a code valid at any level it defines, the names of its category.
   */
  readonly icdCodes?: IcdCodeTable;
}

export interface QcRule {
  readonly id: string;
  readonly category: QcCategory;
  readonly title: Bilingual & { readonly zh: string };
  readonly severity: QcSeverity;
  /** The article(s) the rule comes from, as shown with each finding. */
  readonly source: string;
  /** The sources (sources.json ids) with article and role. */
  readonly sources: readonly QcSourceRef[];
  /** `intl` rules (TJC/CMS) are off unless a hospital turns them on. */
  readonly region?: 'cn' | 'intl';
  readonly defaultEnabled?: boolean;
  readonly defaults?: Readonly<Record<string, unknown>>;
  readonly sections: Readonly<Record<string, QcSectionList>>;
  /** Compiled: every pattern is a RegExp. */
  readonly patterns: Readonly<Record<string, unknown>>;
  readonly lists: Readonly<Record<string, readonly unknown[]>>;
  /** The `qc-rule` relation it was read from; absent when read from the bundled files. */
  readonly relationId?: string;
  check(enc: QcEncounter, ctx: QcContext): readonly QcIssue[];
}

/** What a predicate reads from its rule's data; the rule book refuses a rule that lacks any of it. */
export interface QcNeeds {
  readonly sections?: readonly string[];
  readonly patterns?: readonly string[];
  readonly lists?: readonly string[];
}

/** The TypeScript part of a rule: what data cannot express. */
export interface QcPredicate {
  readonly needs?: QcNeeds;
  check(enc: QcEncounter, ctx: QcContext): readonly QcIssue[];
}

export const predicate = (check: QcPredicate['check'], needs?: QcNeeds): QcPredicate =>
  needs ? { needs, check } : { check };

/** The English name of a named item of a rule's data (its `en`); the Chinese name where none is given. */
export const enName = (p: { readonly name: string; readonly en?: unknown }): string =>
  typeof p.en === 'string' && p.en ? p.en : p.name;

/** The Chinese name of a named item of a rule's data (its `zh`); its name where none is given. */
export const zhName = (p: { readonly name: string; readonly zh?: unknown }): string =>
  typeof p.zh === 'string' && p.zh ? p.zh : p.name;

/** A named pattern of a rule's pattern list (`{name, en?, pattern, severity?, …}`). */
export interface NamedPattern {
  readonly name: string;
  readonly pattern: RegExp;
  readonly severity?: QcSeverity;
  readonly [extra: string]: unknown;
}

const bad = (ctx: QcContext, field: string, why: string) =>
  invalid(`QC rule ${ctx.rule.id}: ${field} ${why}`, { where: ctx.rule.id, field });

/** A single pattern of the rule (`patterns.<key>`). */
export function regex(ctx: QcContext, key: string): RegExp {
  const p = ctx.rule.patterns[key];
  if (!(p instanceof RegExp)) throw bad(ctx, `patterns.${key}`, 'is missing or not a pattern');
  return p;
}

/** A list of named patterns of the rule (`patterns.<key>`). */
export function namedPatterns(ctx: QcContext, key: string): readonly NamedPattern[] {
  const p = ctx.rule.patterns[key];
  const ok = Array.isArray(p) && p.every((x) => typeof x?.name === 'string' && x.pattern instanceof RegExp);
  if (!ok) throw bad(ctx, `patterns.${key}`, 'is missing or not a list of {name, pattern}');
  return p as NamedPattern[];
}

/** The sections a document must have (`sections.<key>`). */
export function sectionList(ctx: QcContext, key: string): QcSectionList {
  const l = ctx.rule.sections[key];
  if (!l) throw bad(ctx, `sections.${key}`, 'is missing');
  return l;
}

/** A value list of the rule (`lists.<key>`). */
export function listOf<T>(ctx: QcContext, key: string): readonly T[] {
  const l = ctx.rule.lists[key];
  if (!Array.isArray(l)) throw bad(ctx, `lists.${key}`, 'is missing');
  return l as T[];
}

/** The span of `text` (first occurrence) in a document, if it is there. */
export function spanOf(doc: QcDocument, text: string): QcSpan | undefined {
  const start = text ? doc.text.indexOf(text) : -1;
  return start < 0 ? undefined : { documentId: doc.id, start, end: start + text.length, text };
}

/** The anchor of an absence: the section where `absent` belongs when the document has it, else the document. */
export function absentIn(d: QcDocument, absent: string, ...sectionNames: string[]): { anchor: QcAnchor } {
  const place = sectionNames.length ? sectionPlace(d, ...sectionNames) : undefined;
  const base = { source: docSource(d), documentId: d.id, absent };
  return {
    anchor: place
      ? {
          ...base,
          kind: 'section',
          section: place.name,
          start: place.start,
          end: place.end,
          text: d.text.slice(place.start, place.end),
        }
      : { ...base, kind: 'document' },
  };
}

/** The anchor of something missing from the record as a whole (a document never written, a signature). */
export const absentFrom = (source: Source, absent: string): { anchor: QcAnchor } => ({
  anchor: { kind: 'record', source, absent },
});

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

/**
 * The consent of operation `s`: its 手术知情同意书, else the form an endoscopic or interventional operation is
 * consented on under 特殊检查/治疗 ("经内镜逆行胰胆管造影（ERCP）及内镜下治疗知情同意书"), when that form is linked
 * to the operation or, unlinked, names one of its parts (BW2010 第二十三条: the form names the operation and its
 * risks, whatever its title).
 */
export function operationConsent(enc: QcEncounter, s: QcSurgery): QcDocument | undefined {
  const own = docs(enc, 'consent-surgery').find((d) => (d.relatedId ?? s.id) === s.id);
  if (own) return own;
  const parts = s.name
    .replace(/[（(][^）)]*[）)]/g, '')
    .split(/[+＋、，,]/)
    .map(normalise)
    .filter((p) => p.length >= 4);
  return docs(enc, 'consent-special').find(
    (d) => d.relatedId === s.id || (!d.relatedId && parts.some((p) => normalise(d.text).includes(p))),
  );
}

/**
 * Who a round (上级医师查房记录) is by: the highest-titled physician among its author and its signers. The
 * resident often writes the note and the senior who rounded signs it (审签: BW2010 第九条 上级医务人员审查修改
 * 下级医务人员书写的病历, 第二十二条(三)); the round is the senior's. Non-physician signers (patient, nurse) do
 * not count; a tie keeps the author.
 */
export function roundPhysician(d: QcDocument): QcPerson | undefined {
  const people = [d.author, ...d.signatures].filter(
    (p): p is QcPerson => !!p && (p.role === undefined || p.role === 'physician'),
  );
  let best = people[0];
  for (const p of people.slice(1)) if (TITLE_RANK[p.title ?? 'intern'] > TITLE_RANK[best?.title ?? 'intern']) best = p;
  return best;
}

export const issue = (en: string, zh: string, refs: readonly Source[], extra: Partial<QcIssue> = {}): QcIssue => ({
  message: { en, zh },
  refs,
  ...extra,
});

/** The end of the stay so far: discharge, or now for a patient still in hospital. */
export function stayEnd(enc: QcEncounter, now: string): string {
  return enc.dischargeAt ?? now;
}

export function num(params: QcContext['params'], key: string): number {
  return Number(params[key]);
}
