import type { Lang } from '../core/index.js';
import { invalid, stableId } from '../core/index.js';
import type { ConceptType, ImportKind, KgCode, KgSource, KgTerm, RelationType, TermKind } from './model.js';
import { CONCEPT_TYPES, RELATION_TYPES } from './model.js';

/** A concept as an importer builds it (merged by id: names and codes accumulate). */
export interface ConceptDraft {
  id: string;
  type: ConceptType;
  nameEn?: string;
  nameZh?: string;
  terms: Map<string, KgTerm>;
  codes: Map<string, KgCode>;
  attrs: Record<string, unknown>;
}

export interface RelationDraft {
  readonly id: string;
  readonly type: RelationType;
  readonly from: string;
  readonly to?: string;
  readonly attrs: Record<string, unknown>;
  readonly sourceId: string;
  readonly overrides?: string;
  readonly retracted?: boolean;
}

/** Everything one import writes: its sources, concepts and relations, keyed for idempotency. */
export interface BatchData {
  readonly kind: ImportKind;
  /** A new batch with the same key replaces the old one in the next release. */
  readonly key: string;
  readonly contentHash: string;
  readonly path?: string;
  readonly sources: readonly KgSource[];
  readonly concepts: readonly ConceptDraft[];
  readonly relations: readonly RelationDraft[];
  readonly author?: string;
  readonly reason?: string;
}

/** Lower-case, trimmed, inner whitespace collapsed, full-width forms folded: the lookup key of a name. */
export function normalizeTerm(s: string): string {
  return s.normalize('NFKC').trim().replace(/\s+/g, ' ').toLowerCase();
}

/** Collects an import's concepts and relations, merging repeats. */
export class BatchBuilder {
  readonly sources = new Map<string, KgSource>();
  readonly concepts = new Map<string, ConceptDraft>();
  readonly relations = new Map<string, RelationDraft>();

  source(s: KgSource): string {
    this.sources.set(s.id, s);
    return s.id;
  }

  concept(
    id: string,
    type: ConceptType,
    names: {
      en?: string | undefined;
      zh?: string | undefined;
      fr?: string | undefined;
      question?: string | undefined;
    } = {},
    extra: {
      synonyms?: readonly { term: string; lang: Lang }[];
      codes?: readonly KgCode[];
      attrs?: Record<string, unknown>;
    } = {},
  ): string {
    if (!CONCEPT_TYPES.includes(type)) throw invalid(`unknown concept type '${type}'`, { field: 'type', entry: id });
    let c = this.concepts.get(id);
    if (!c) {
      c = { id, type, terms: new Map(), codes: new Map(), attrs: {} };
      this.concepts.set(id, c);
    }
    if (names.en && !c.nameEn) c.nameEn = names.en.trim();
    // A question (DDXPlus evidence) is the display when there is no name, but never a lexicon term.
    if (names.question && !c.nameEn) c.nameEn = names.question.trim();
    if (names.zh && !c.nameZh) c.nameZh = names.zh.trim();
    const addTerm = (term: string | undefined, lang: KgTerm['lang'], kind: TermKind) => {
      const t = term?.trim();
      if (!t) return;
      const k = `${lang}|${normalizeTerm(t)}`;
      const existing = c.terms.get(k);
      if (!existing || (existing.kind !== 'name' && kind === 'name')) c.terms.set(k, { term: t, lang, kind });
    };
    addTerm(names.en, 'en', c.nameEn === names.en?.trim() && !names.question ? 'name' : 'synonym');
    addTerm(names.zh, 'zh', c.nameZh === names.zh?.trim() ? 'name' : 'synonym');
    addTerm(names.fr, 'fr', 'synonym');
    addTerm(names.question, 'en', 'question');
    for (const s of extra.synonyms ?? []) addTerm(s.term, s.lang, 'synonym');
    for (const code of extra.codes ?? []) {
      const v = code.code.trim();
      if (v) c.codes.set(`${code.system}|${v}`, { system: code.system, code: v });
    }
    if (extra.attrs) Object.assign(c.attrs, extra.attrs);
    return id;
  }

  /** Adds a relation; its id is stable over (source, type, from, to, discriminator). Repeats are merged. */
  relation(
    type: RelationType,
    from: string,
    to: string | undefined,
    sourceId: string,
    attrs: Record<string, unknown> = {},
    options: { discriminator?: string; overrides?: string; retracted?: boolean } = {},
  ): string {
    if (!RELATION_TYPES.includes(type)) throw invalid(`unknown relation type '${type}'`, { field: 'type' });
    if (!this.sources.has(sourceId)) throw invalid(`relation names unknown source '${sourceId}'`, { field: 'source' });
    const id = stableId(sourceId, type, from, to ?? '', options.discriminator ?? '', options.overrides ?? '');
    const existing = this.relations.get(id);
    if (existing) {
      Object.assign(existing.attrs, attrs);
      return id;
    }
    this.relations.set(id, {
      id,
      type,
      from,
      ...(to !== undefined ? { to } : {}),
      attrs: { ...attrs },
      sourceId,
      ...(options.overrides ? { overrides: options.overrides } : {}),
      ...(options.retracted ? { retracted: true } : {}),
    });
    return id;
  }

  /** `external`: relations may name concepts of other batches (curation, a hospital's own file). */
  build(meta: {
    kind: ImportKind;
    key?: string;
    contentHash: string;
    path?: string;
    author?: string;
    reason?: string;
    external?: boolean;
  }): BatchData {
    for (const r of meta.external ? [] : this.relations.values()) {
      if (!this.concepts.has(r.from))
        throw invalid(`relation ${r.type} starts at unknown concept '${r.from}'`, { entry: r.id });
      if (r.to !== undefined && !this.concepts.has(r.to))
        throw invalid(`relation ${r.type} ends at unknown concept '${r.to}'`, { entry: r.id });
    }
    return {
      kind: meta.kind,
      key: meta.key ?? meta.kind,
      contentHash: meta.contentHash,
      ...(meta.path ? { path: meta.path } : {}),
      ...(meta.author ? { author: meta.author } : {}),
      ...(meta.reason ? { reason: meta.reason } : {}),
      sources: [...this.sources.values()],
      concepts: [...this.concepts.values()],
      relations: [...this.relations.values()],
    };
  }
}
