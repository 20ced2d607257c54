import type { Concept, Coding, FactCategory, LexiconEntry, Sql } from '../core/index.js';
import { CodeSystems, invalid } from '../core/index.js';
import { normalizeTerm } from './batch.js';
import type { ConceptType, KgCode, KgConcept, KgRelation, KgSource, KgTerm, RelationType } from './model.js';
import { releaseBatches } from './releases.js';

/** A concept found by a lookup, with how it matched. */
export interface ConceptMatch {
  readonly concept: KgConcept;
  readonly matched: {
    readonly how: 'id' | 'code' | 'name' | 'synonym' | 'substring' | 'fuzzy';
    readonly text: string;
    readonly score: number;
  };
}

export interface Neighbour {
  readonly relation: KgRelation;
  readonly direction: 'out' | 'in';
  /** The concept at the other end (absent for edges with no target, e.g. a critical range). */
  readonly other?: KgConcept;
}

export interface KgPath {
  /** Concept ids from the start to the end. */
  readonly nodes: readonly string[];
  readonly concepts: readonly KgConcept[];
  /** One edge per step, each with its source; an edge may point against the walk (see its from/to). */
  readonly edges: readonly KgRelation[];
}

export interface ReleaseOption {
  /** Release id; the active release when omitted. */
  readonly release?: number;
}

/** Where a release's relations count: in its batches, not retracted, not replaced by a curator's edit. */
const EFFECTIVE = `r.batch_id = any($1::int[]) and not r.retracted
  and not exists (select 1 from kg_relation o where o.batch_id = any($1::int[]) and o.overrides = r.id)`;

const SOURCE_COLUMNS = `s.id as s_id, s.name as s_name, s.document as s_document, s.version as s_version,
  s.url as s_url, s.licence as s_licence, s.date as s_date, s.note as s_note, s.shippable as s_shippable`;

const REL_COLUMNS = `r.id, r.type, r.from_id, r.to_id, r.attrs, r.overrides, r.retracted, ${SOURCE_COLUMNS}`;

interface RelRow {
  id: string;
  type: RelationType;
  from_id: string;
  to_id: string | null;
  attrs: Record<string, unknown>;
  overrides: string | null;
  retracted: boolean;
  s_id: string;
  s_name: string;
  s_document: string | null;
  s_version: string | null;
  s_url: string | null;
  s_licence: string | null;
  s_date: string | null;
  s_note: string | null;
  s_shippable: boolean;
}

function toSource(r: Omit<RelRow, keyof BareRelRow>): KgSource {
  return {
    id: r.s_id,
    name: r.s_name,
    ...(r.s_document ? { document: r.s_document } : {}),
    ...(r.s_version ? { version: r.s_version } : {}),
    ...(r.s_url ? { url: r.s_url } : {}),
    ...(r.s_licence ? { licence: r.s_licence } : {}),
    ...(r.s_date ? { date: r.s_date } : {}),
    ...(r.s_note ? { note: r.s_note } : {}),
    shippable: r.s_shippable,
  };
}

/** A relation row without its source's columns (`source_id` instead): for reads of many relations. */
type BareRelRow = Pick<RelRow, 'id' | 'type' | 'from_id' | 'to_id' | 'attrs' | 'overrides' | 'retracted'>;

function toRelation(r: BareRelRow, releaseId: number, source: KgSource): KgRelation {
  return {
    id: r.id,
    type: r.type,
    from: r.from_id,
    ...(r.to_id !== null ? { to: r.to_id } : {}),
    attrs: r.attrs,
    source,
    ...(r.overrides ? { overrides: r.overrides } : {}),
    ...(r.retracted ? { retracted: true } : {}),
    releaseId,
  };
}

/** The category a concept type has as a patient Fact (for the NLP lexicon); undefined = not matched in text. */
const CATEGORY: Partial<Record<ConceptType, FactCategory>> = {
  disease: 'condition',
  finding: 'finding',
  'risk-factor': 'risk-factor',
  lab: 'measurement',
  imaging: 'imaging',
  drug: 'medication',
  'drug-class': 'medication',
  procedure: 'procedure',
  gene: 'genotype',
  phenotype: 'genotype',
};

/** Which code becomes a lexicon concept's primary coding, best first. */
const CODE_PREFERENCE: readonly string[] = [
  CodeSystems.icd10cn,
  CodeSystems.icd10,
  CodeSystems.icd10cm,
  CodeSystems.rxnorm,
  CodeSystems.atc,
  CodeSystems.loinc,
  CodeSystems.icd9cm3cn,
  CodeSystems.snomed,
  CodeSystems.hgnc,
  CodeSystems.ddxplus,
];

/**
 * Read access to the knowledge graph, release by release (the active release unless a query names
 * one). Release contents never change, so their batch lists are cached.
 */
export class KnowledgeGraph {
  private readonly batchCache = new Map<number, number[]>();

  constructor(readonly sql: Sql) {}

  async resolveRelease(release?: number): Promise<{ releaseId: number; batchIds: number[] }> {
    if (release !== undefined) {
      const cached = this.batchCache.get(release);
      if (cached) return { releaseId: release, batchIds: cached };
    }
    const r = await releaseBatches(this.sql, release);
    this.batchCache.set(r.releaseId, r.batchIds);
    return r;
  }

  /** Concepts by id, merged over the release's batches (names, synonyms and codes from all of them). */
  async concepts(ids: readonly string[], options: ReleaseOption = {}): Promise<Map<string, KgConcept>> {
    const out = new Map<string, KgConcept>();
    const unique = [...new Set(ids)];
    if (unique.length === 0) return out;
    const { batchIds } = await this.resolveRelease(options.release);
    const [cs, ts, ks] = await Promise.all([
      this.sql.query<{
        id: string;
        type: ConceptType;
        name_en: string | null;
        name_zh: string | null;
        attrs: Record<string, unknown>;
      }>(
        'select id, type, name_en, name_zh, attrs from kg_concept where id = any($1::text[]) and batch_id = any($2::int[]) order by batch_id',
        [unique, batchIds],
      ),
      this.sql.query<{ concept_id: string; term: string; lang: KgTerm['lang']; kind: KgTerm['kind'] }>(
        'select concept_id, term, lang, kind from kg_term where concept_id = any($1::text[]) and batch_id = any($2::int[])',
        [unique, batchIds],
      ),
      this.sql.query<{ concept_id: string; system: string; code: string }>(
        'select concept_id, system, code from kg_code where concept_id = any($1::text[]) and batch_id = any($2::int[])',
        [unique, batchIds],
      ),
    ]);
    const terms = groupBy(ts.rows, (t) => t.concept_id);
    const codes = groupBy(ks.rows, (k) => k.concept_id);
    for (const c of cs.rows) {
      const prev = out.get(c.id);
      const seenTerms = new Set<string>();
      const seenCodes = new Set<string>();
      const firstTime = (seen: Set<string>, key: string) => {
        if (seen.has(key)) return false;
        seen.add(key);
        return true;
      };
      out.set(c.id, {
        id: c.id,
        type: prev?.type ?? c.type,
        name: { en: prev?.name.en ?? c.name_en ?? undefined, zh: prev?.name.zh ?? c.name_zh ?? undefined },
        terms: (terms.get(c.id) ?? [])
          .filter((t) => firstTime(seenTerms, `${t.lang}|${t.term}`))
          .map((t): KgTerm => ({ term: t.term, lang: t.lang, kind: t.kind })),
        codes: (codes.get(c.id) ?? [])
          .filter((k) => firstTime(seenCodes, `${k.system}|${k.code}`))
          .map((k): KgCode => ({ system: k.system, code: k.code })),
        attrs: { ...(prev?.attrs ?? {}), ...c.attrs },
      });
    }
    return out;
  }

  async concept(id: string, options: ReleaseOption = {}): Promise<KgConcept | undefined> {
    return (await this.concepts([id], options)).get(id);
  }

  /**
   * Finds concepts by id, code (any system), or name in Chinese or English including synonyms;
   * then by substring, then by trigram similarity (pg_trgm). Best matches first.
   */
  async find(
    query: string,
    options: ReleaseOption & {
      readonly types?: readonly ConceptType[];
      readonly limit?: number;
      readonly fuzzy?: boolean;
    } = {},
  ): Promise<ConceptMatch[]> {
    const q = query.trim();
    if (!q) throw invalid('empty query', { field: 'q' });
    const norm = normalizeTerm(q);
    const limit = options.limit ?? 10;
    const { batchIds } = await this.resolveRelease(options.release);
    const hits: { id: string; how: ConceptMatch['matched']['how']; text: string; score: number }[] = [];
    const ids = await this.sql.query<{ id: string }>(
      'select distinct id from kg_concept where id = $1 and batch_id = any($2::int[])',
      [q, batchIds],
    );
    for (const r of ids.rows) hits.push({ id: r.id, how: 'id', text: q, score: 1 });
    const codes = await this.sql.query<{ concept_id: string; code: string }>(
      'select distinct concept_id, code from kg_code where norm = $1 and batch_id = any($2::int[]) limit $3',
      [norm, batchIds, limit * 4],
    );
    for (const r of codes.rows) hits.push({ id: r.concept_id, how: 'code', text: r.code, score: 1 });
    const exact = await this.sql.query<{ concept_id: string; term: string; kind: string }>(
      `select concept_id, term, kind from kg_term where norm = $1 and batch_id = any($2::int[]) and kind <> 'question' limit $3`,
      [norm, batchIds, limit * 4],
    );
    for (const r of exact.rows)
      hits.push({
        id: r.concept_id,
        how: r.kind === 'name' ? 'name' : 'synonym',
        text: r.term,
        score: r.kind === 'name' ? 1 : 0.95,
      });
    if (hits.length < limit && options.fuzzy !== false) {
      const like = `%${norm.replace(/[\\%_]/g, (m) => `\\${m}`)}%`;
      const sub = await this.sql.query<{ concept_id: string; term: string; score: number }>(
        `select concept_id, term, length($4::text)::float / greatest(length(norm), 1) as score from kg_term
         where norm like $1 and norm <> $4 and batch_id = any($2::int[]) order by length(norm), norm limit $3`,
        [like, batchIds, limit * 4, norm],
      );
      for (const r of sub.rows)
        hits.push({ id: r.concept_id, how: 'substring', text: r.term, score: 0.5 + 0.4 * Number(r.score) });
      if (hits.length < limit) {
        const fuzzy = await this.sql.query<{ concept_id: string; term: string; score: number }>(
          `select concept_id, term, similarity(norm, $1) as score from kg_term
           where norm % $1 and batch_id = any($2::int[]) order by score desc, length(norm) limit $3`,
          [norm, batchIds, limit * 4],
        );
        for (const r of fuzzy.rows)
          hits.push({ id: r.concept_id, how: 'fuzzy', text: r.term, score: 0.5 * Number(r.score) });
      }
    }
    const best = new Map<string, (typeof hits)[number]>();
    for (const h of hits) {
      const prev = best.get(h.id);
      if (!prev || h.score > prev.score) best.set(h.id, h);
    }
    const concepts = await this.concepts([...best.keys()], options);
    const out: ConceptMatch[] = [];
    for (const h of [...best.values()].sort((a, b) => b.score - a.score)) {
      const concept = concepts.get(h.id);
      if (!concept || (options.types && !options.types.includes(concept.type))) continue;
      out.push({ concept, matched: { how: h.how, text: h.text, score: h.score } });
      if (out.length >= limit) break;
    }
    return out;
  }

  /** The one concept a key names (id, code or exact name), or a not-found/ambiguity error that lists candidates. */
  async resolve(
    key: string,
    options: ReleaseOption & { readonly types?: readonly ConceptType[] } = {},
  ): Promise<KgConcept> {
    const found = await this.find(key, { ...options, limit: 5 });
    const exact = found.filter(
      (m) =>
        m.matched.how === 'id' || m.matched.how === 'code' || m.matched.how === 'name' || m.matched.how === 'synonym',
    );
    const pick = exact[0] ?? found[0];
    if (!pick) throw invalid(`no concept named '${key}' in the knowledge release`, { field: 'concept' });
    return pick.concept;
  }

  async relation(id: string, options: ReleaseOption = {}): Promise<KgRelation | undefined> {
    const { releaseId, batchIds } = await this.resolveRelease(options.release);
    const r = await this.sql.query<RelRow>(
      `select ${REL_COLUMNS} from kg_relation r join kg_source s on s.id = r.source_id where ${EFFECTIVE} and r.id = $2 limit 1`,
      [batchIds, id],
    );
    return r.rows[0] ? toRelation(r.rows[0], releaseId, toSource(r.rows[0])) : undefined;
  }

  /** Relations touching any of `ids` (out: starting there; in: ending there). */
  async edges(
    ids: readonly string[],
    options: ReleaseOption & {
      readonly types?: readonly RelationType[];
      readonly direction?: 'out' | 'in' | 'both';
      readonly limit?: number;
    } = {},
  ): Promise<KgRelation[]> {
    if (ids.length === 0) return [];
    const { releaseId, batchIds } = await this.resolveRelease(options.release);
    const dir = options.direction ?? 'both';
    const where =
      dir === 'out'
        ? 'r.from_id = any($2::text[])'
        : dir === 'in'
          ? 'r.to_id = any($2::text[])'
          : '(r.from_id = any($2::text[]) or r.to_id = any($2::text[]))';
    const params: unknown[] = [batchIds, [...new Set(ids)], options.limit ?? 10000];
    let typeFilter = '';
    if (options.types?.length) {
      params.push(options.types);
      typeFilter = ' and r.type = any($4::text[])';
    }
    const r = await this.sql.query<RelRow>(
      `select ${REL_COLUMNS} from kg_relation r join kg_source s on s.id = r.source_id where ${EFFECTIVE} and ${where}${typeFilter} limit $3`,
      params,
    );
    return r.rows.map((row) => toRelation(row, releaseId, toSource(row)));
  }

  /** A concept's neighbours by relation type, with the concept at the other end. */
  async neighbours(
    id: string,
    options: ReleaseOption & {
      readonly types?: readonly RelationType[];
      readonly direction?: 'out' | 'in' | 'both';
      readonly limit?: number;
    } = {},
  ): Promise<Neighbour[]> {
    const rels = await this.edges([id], options);
    const others = await this.concepts(
      rels.flatMap((r) => {
        const o = r.from === id ? r.to : r.from;
        return o ? [o] : [];
      }),
      options,
    );
    return rels.map((relation) => {
      const direction = relation.from === id ? 'out' : 'in';
      const otherId = direction === 'out' ? relation.to : relation.from;
      const other = otherId ? others.get(otherId) : undefined;
      return { relation, direction, ...(other ? { other } : {}) };
    });
  }

  /**
   * Paths from `a` to `b` of at most `maxHops` edges (default 3), shortest first, walking edges in
   * either direction; each edge keeps its own direction and source. Meets in the middle: expands
   * both ends, at most `fanout` edges per level, so hub concepts cannot explode the search.
   */
  async paths(
    a: string,
    b: string,
    options: ReleaseOption & {
      readonly maxHops?: number;
      readonly types?: readonly RelationType[];
      readonly limit?: number;
      readonly fanout?: number;
    } = {},
  ): Promise<KgPath[]> {
    const maxHops = options.maxHops ?? 3;
    if (!(Number.isInteger(maxHops) && maxHops >= 1 && maxHops <= 4))
      throw invalid('maxHops must be 1 to 4', { field: 'maxHops' });
    const limit = options.limit ?? 10;
    const fanout = options.fanout ?? 20000;
    if (a === b) return [];
    // side: node → depth, and the edges that reached it from the previous depth.
    const expand = async (start: string, depth: number) => {
      const dist = new Map<string, number>([[start, 0]]);
      const via = new Map<string, KgRelation[]>();
      let frontier = [start];
      for (let d = 1; d <= depth && frontier.length; d++) {
        const rels = await this.edges(frontier, { ...options, limit: fanout });
        const next: string[] = [];
        const inFrontier = new Set(frontier);
        for (const r of rels) {
          if (!r.to) continue;
          for (const [here, there] of [
            [r.from, r.to],
            [r.to, r.from],
          ] as const) {
            if (!inFrontier.has(here)) continue;
            const seen = dist.get(there);
            if (seen === undefined) {
              dist.set(there, d);
              next.push(there);
            }
            if ((seen ?? d) === d) {
              const list = via.get(there) ?? [];
              if (!list.some((x) => x.id === r.id)) list.push(r);
              via.set(there, list);
            }
          }
        }
        frontier = next;
      }
      return { dist, via };
    };
    const depthA = Math.ceil(maxHops / 2);
    const depthB = Math.floor(maxHops / 2);
    const [A, B] = await Promise.all([expand(a, depthA), expand(b, depthB)]);
    // All walks from `start` to `node` inside one side, as edge lists from start outwards.
    const walks = (
      side: typeof A,
      node: string,
      start: string,
      cap: number,
    ): { nodes: string[]; edges: KgRelation[] }[] => {
      if (node === start) return [{ nodes: [start], edges: [] }];
      const out: { nodes: string[]; edges: KgRelation[] }[] = [];
      const d = side.dist.get(node)!;
      for (const r of side.via.get(node) ?? []) {
        const prev = r.from === node ? r.to! : r.from;
        if (side.dist.get(prev) !== d - 1) continue;
        for (const w of walks(side, prev, start, cap)) {
          out.push({ nodes: [...w.nodes, node], edges: [...w.edges, r] });
          if (out.length >= cap) return out;
        }
      }
      return out;
    };
    const found: { nodes: string[]; edges: KgRelation[] }[] = [];
    const meets = [...A.dist.keys()].filter((n) => B.dist.has(n) && A.dist.get(n)! + B.dist.get(n)! <= maxHops);
    meets.sort((x, y) => A.dist.get(x)! + B.dist.get(x)! - (A.dist.get(y)! + B.dist.get(y)!));
    const seen = new Set<string>();
    for (const m of meets) {
      for (const left of walks(A, m, a, limit * 4)) {
        for (const right of walks(B, m, b, limit * 4)) {
          const nodes = [...left.nodes, ...right.nodes.slice(0, -1).reverse()];
          if (new Set(nodes).size !== nodes.length) continue;
          const edges = [...left.edges, ...[...right.edges].reverse()];
          const key = edges.map((e) => e.id).join('>');
          if (seen.has(key)) continue;
          seen.add(key);
          found.push({ nodes, edges });
        }
      }
      if (found.length >= limit * 4) break;
    }
    found.sort((x, y) => x.edges.length - y.edges.length);
    const chosen = found.slice(0, limit);
    const concepts = await this.concepts(
      chosen.flatMap((p) => p.nodes),
      options,
    );
    return chosen.map((p) => ({
      nodes: p.nodes,
      concepts: p.nodes.flatMap((n) => (concepts.get(n) ? [concepts.get(n)!] : [])),
      edges: p.edges,
    }));
  }

  /**
   * Everything the graph says about a disease, grouped by relation type: findings, risk factors,
   * priors, complications, tests, departments, treatments, drugs indicated for it, parents.
   */
  async diseaseProfile(
    id: string,
    options: ReleaseOption = {},
  ): Promise<{ concept: KgConcept; relations: Partial<Record<RelationType, Neighbour[]>> }> {
    const concept = await this.concept(id, options);
    if (!concept) throw invalid(`no concept '${id}' in the knowledge release`, { field: 'id' });
    const relations: Partial<Record<RelationType, Neighbour[]>> = {};
    for (const n of await this.neighbours(id, options)) {
      // Incoming edges other than these say something about the other concept, not this disease.
      if (
        n.direction === 'in' &&
        !['risk-factor-of', 'indication', 'is-a', 'complication', 'pgx-recommendation', 'contraindicated-in'].includes(
          n.relation.type,
        )
      )
        continue;
      const list = relations[n.relation.type] ?? [];
      list.push(n);
      relations[n.relation.type] = list;
    }
    return { concept, relations };
  }

  /**
   * Everything known about two drugs together: the interactions between them or their classes,
   * each drug's classes, renal adjustments, contraindications and pharmacogenomic recommendations.
   */
  async drugPair(a: string, b: string, options: ReleaseOption = {}): Promise<DrugPairInfo> {
    const [da, db] = await Promise.all([
      this.resolve(a, { ...options, types: ['drug', 'drug-class'] }),
      this.resolve(b, { ...options, types: ['drug', 'drug-class'] }),
    ]);
    const side = async (d: KgConcept) => {
      const classes = (await this.edges([d.id], { ...options, types: ['member-of'], direction: 'out' }))
        .map((r) => r.to!)
        .filter(Boolean);
      const facts = await this.edges([d.id], {
        ...options,
        types: ['renal-adjustment', 'contraindicated-in', 'dose-range', 'indication'],
        direction: 'out',
      });
      const pgx = await this.edges([d.id], { ...options, types: ['pgx-recommendation'], direction: 'in' });
      return { concept: d, ids: [d.id, ...classes], classes, facts, pgx };
    };
    const [sa, sb] = await Promise.all([side(da), side(db)]);
    const rels = await this.edges(sa.ids, { ...options, types: ['interacts-with'] });
    const inA = new Set(sa.ids);
    const inB = new Set(sb.ids);
    const interactions = rels.filter(
      (r) => r.to && ((inA.has(r.from) && inB.has(r.to)) || (inB.has(r.from) && inA.has(r.to))),
    );
    const classConcepts = await this.concepts([...sa.classes, ...sb.classes], options);
    const describe = (s: Awaited<ReturnType<typeof side>>) => ({
      concept: s.concept,
      classes: s.classes.flatMap((c) => (classConcepts.get(c) ? [classConcepts.get(c)!] : [])),
      renal: s.facts.filter((r) => r.type === 'renal-adjustment'),
      contraindications: s.facts.filter((r) => r.type === 'contraindicated-in'),
      doseRanges: s.facts.filter((r) => r.type === 'dose-range'),
      indications: s.facts.filter((r) => r.type === 'indication'),
      pharmacogenomics: s.pgx,
    });
    return {
      a: describe(sa),
      b: describe(sb),
      interactions,
      sharedClasses: sa.classes.filter((c) => inB.has(c)),
    };
  }

  /**
   * The names the NLP stage matches, in Chinese and English (DDXPlus questions excluded), each with
   * its concept (primary coding by code preference; the MedSeek id among the codings) and category.
   */
  async exportLexicon(
    options: ReleaseOption & { readonly types?: readonly ConceptType[] } = {},
  ): Promise<LexiconEntry[]> {
    const { batchIds } = await this.resolveRelease(options.release);
    const types = (options.types ?? (Object.keys(CATEGORY) as ConceptType[])).filter((t) => CATEGORY[t]);
    const rows = await this.sql.query<{
      concept_id: string;
      term: string;
      lang: string;
      type: ConceptType;
      name_en: string | null;
      name_zh: string | null;
    }>(
      `select t.concept_id, t.term, t.lang, c.type, c.name_en, c.name_zh
       from kg_term t join kg_concept c on c.batch_id = t.batch_id and c.id = t.concept_id
       where t.batch_id = any($1::int[]) and t.kind <> 'question' and t.lang in ('zh', 'en') and c.type = any($2::text[])`,
      [batchIds, types],
    );
    const codeRows = await this.sql.query<{ concept_id: string; system: string; code: string }>(
      `select k.concept_id, k.system, k.code from kg_code k join kg_concept c on c.batch_id = k.batch_id and c.id = k.concept_id
       where k.batch_id = any($1::int[]) and c.type = any($2::text[])`,
      [batchIds, types],
    );
    const codes = groupBy(codeRows.rows, (k) => k.concept_id);
    const conceptCache = new Map<string, Concept>();
    const toConcept = (id: string, en: string | null, zh: string | null): Concept => {
      let c = conceptCache.get(id);
      if (c) return c;
      const own: Coding = {
        system: CodeSystems.medseek,
        code: id,
        ...(en ? { display: en } : {}),
        ...(zh ? { displayZh: zh } : {}),
      };
      const list = (codes.get(id) ?? []).map(
        (k): Coding => ({
          system: k.system,
          code: k.code,
          ...(en ? { display: en } : {}),
          ...(zh ? { displayZh: zh } : {}),
        }),
      );
      list.sort((x, y) => rank(x.system) - rank(y.system));
      const primary = list[0] ?? own;
      c = { ...primary, codings: [own, ...list.filter((k) => k !== primary)] };
      conceptCache.set(id, c);
      return c;
    };
    const seen = new Set<string>();
    const out: LexiconEntry[] = [];
    for (const r of rows.rows) {
      const key = `${r.lang}|${r.term}|${r.concept_id}`;
      if (seen.has(key)) continue;
      seen.add(key);
      out.push({
        term: r.term,
        lang: r.lang as 'zh' | 'en',
        concept: toConcept(r.concept_id, r.name_en, r.name_zh),
        category: CATEGORY[r.type]!,
      });
    }
    return out;
  }

  /**
   * Everything a causal diagnosis network needs from a release, in one call: diseases with their
   * findings (`has-finding`, probabilities where the source gives them), risk factors
   * (`risk-factor-of`), priors (`prior`), and the concepts and sources involved.
   */
  async causalNetwork(options: ReleaseOption = {}): Promise<CausalNetwork> {
    const { releaseId } = await this.resolveRelease(options.release);
    const [findings, riskFactors, priors] = await Promise.all([
      this.relationsOfType('has-finding', options),
      this.relationsOfType('risk-factor-of', options),
      this.relationsOfType('prior', options),
    ]);
    const concepts = await this.concepts(conceptIdsOf([...findings, ...riskFactors, ...priors]), options);
    return assembleCausalNetwork(releaseId, { findings, riskFactors, priors }, concepts);
  }

  /** All effective relations of one type in a release. */
  async relationsOfType(type: RelationType, options: ReleaseOption = {}): Promise<KgRelation[]> {
    const { releaseId, batchIds } = await this.resolveRelease(options.release);
    // The sources apart (a few dozen rows) rather than their nine columns on each of 200,000 rows: a third of the
    // time of reading the broad release's findings.
    const [r, s] = await Promise.all([
      this.sql.query<BareRelRow & { source_id: string }>(
        `select r.id, r.type, r.from_id, r.to_id, r.attrs, r.overrides, r.retracted, r.source_id
         from kg_relation r where ${EFFECTIVE} and r.type = $2 order by r.from_id, r.to_id`,
        [batchIds, type],
      ),
      this.sql.query<RelRow>(
        `select ${SOURCE_COLUMNS} from kg_source s where s.id in
         (select distinct r.source_id from kg_relation r where r.batch_id = any($1::int[]) and r.type = $2)`,
        [batchIds, type],
      ),
    ]);
    const sources = new Map(s.rows.map((x) => [x.s_id, toSource(x)]));
    return r.rows.map((row) => toRelation(row, releaseId, sources.get(row.source_id)!));
  }

  /** Counts of concepts and relations in a release (by type). */
  async stats(
    options: ReleaseOption = {},
  ): Promise<{ releaseId: number; concepts: number; terms: number; relations: Record<string, number> }> {
    const { releaseId, batchIds } = await this.resolveRelease(options.release);
    const c = await this.sql.query<{ n: string | number }>(
      'select count(distinct id) as n from kg_concept where batch_id = any($1::int[])',
      [batchIds],
    );
    const t = await this.sql.query<{ n: string | number }>(
      'select count(*) as n from kg_term where batch_id = any($1::int[])',
      [batchIds],
    );
    const r = await this.sql.query<{ type: string; n: string | number }>(
      `select r.type, count(*) as n from kg_relation r where ${EFFECTIVE} group by r.type order by r.type`,
      [batchIds],
    );
    return {
      releaseId,
      concepts: Number(c.rows[0]?.n ?? 0),
      terms: Number(t.rows[0]?.n ?? 0),
      relations: Object.fromEntries(r.rows.map((x) => [x.type, Number(x.n)])),
    };
  }
}

export interface DrugSide {
  readonly concept: KgConcept;
  readonly classes: readonly KgConcept[];
  readonly renal: readonly KgRelation[];
  readonly contraindications: readonly KgRelation[];
  readonly doseRanges: readonly KgRelation[];
  readonly indications: readonly KgRelation[];
  readonly pharmacogenomics: readonly KgRelation[];
}

export interface DrugPairInfo {
  readonly a: DrugSide;
  readonly b: DrugSide;
  /** `interacts-with` edges between the two drugs or their classes. */
  readonly interactions: readonly KgRelation[];
  /** Class ids both drugs belong to (duplicate therapy). */
  readonly sharedClasses: readonly string[];
}

/** Every concept id the relations name (both ends). */
export function conceptIdsOf(relations: readonly KgRelation[]): string[] {
  const ids = new Set<string>();
  for (const r of relations) {
    ids.add(r.from);
    if (r.to) ids.add(r.to);
  }
  return [...ids];
}

/**
 * A causal network from a release's relations and their concepts (from the database, or straight
 * from built batches as `bench broad` reads them): the diseases are what the relations point from
 * (or, for risk factors, to), the sources those the relations cite.
 */
export function assembleCausalNetwork(
  releaseId: number,
  parts: Pick<CausalNetwork, 'findings' | 'riskFactors' | 'priors'>,
  concepts: ReadonlyMap<string, KgConcept>,
): CausalNetwork {
  const { findings, riskFactors, priors } = parts;
  const sources = new Map<string, KgSource>();
  for (const r of [...findings, ...riskFactors, ...priors]) sources.set(r.source.id, r.source);
  return {
    releaseId,
    diseases: [
      ...new Set([...findings.map((r) => r.from), ...riskFactors.map((r) => r.to!), ...priors.map((r) => r.from)]),
    ].flatMap((id) => (concepts.get(id) ? [concepts.get(id)!] : [])),
    concepts,
    findings,
    riskFactors,
    priors,
    sources: [...sources.values()],
  };
}

export interface CausalNetwork {
  readonly releaseId: number;
  readonly diseases: readonly KgConcept[];
  /** Every concept the edges name (diseases, findings, risk factors), by id. */
  readonly concepts: ReadonlyMap<string, KgConcept>;
  /** disease → finding; `attrs.probability` / `attrs.sensitivity` where the source gives one (null otherwise). */
  readonly findings: readonly KgRelation[];
  /** risk factor → disease; `attrs.relativeRisk` or `attrs.probability` where given. */
  readonly riskFactors: readonly KgRelation[];
  /** disease (no target); `attrs.probability`, `attrs.sex`, `attrs.ageMin`, `attrs.ageMax`. */
  readonly priors: readonly KgRelation[];
  readonly sources: readonly KgSource[];
}

function rank(system: string): number {
  const i = CODE_PREFERENCE.indexOf(system);
  return i < 0 ? CODE_PREFERENCE.length : i;
}

function groupBy<T>(items: readonly T[], key: (t: T) => string): Map<string, T[]> {
  const m = new Map<string, T[]>();
  for (const it of items) {
    const k = key(it);
    const list = m.get(k);
    if (list) list.push(it);
    else m.set(k, [it]);
  }
  return m;
}
