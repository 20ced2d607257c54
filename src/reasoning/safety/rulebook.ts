import type { Authority, Bilingual, Sql } from '../../core/index.js';
import {
  activeReleaseId,
  allergyClasses,
  allergyCrossReactivity,
  type CdsRules,
  cdsAuthority,
  cdsRules,
  type InteractionDisplay,
  interactionPairs,
  type KgConcept,
  type KgRelation,
  KnowledgeGraph,
  type PgxRule,
  type PgxVerdictCard,
} from '../../knowledge/index.js';

/**
 * The safety rule book: the drug table, drug classes and interactions the engines execute, read
 * from one knowledge release (`loadSafetyRules`) or straight from the bundled data files
 * (`safetyRulesFromData`, for pure tests and callers without a database). Both build the same
 * object from the same facts, so a curator's edit in the graph (an interaction added, its severity
 * changed, retracted) is what the next alert follows.
 */
export interface BookDrug {
  readonly id: string;
  readonly name: Bilingual & { readonly zh: string };
  /** Every English name, lower case, the name first (matched as whole words). */
  readonly en: readonly string[];
  /** Every Chinese name, the name first (matched anywhere). */
  readonly zh: readonly string[];
  readonly atc: readonly string[];
  readonly formerIds: readonly string[];
}

export interface BookClass {
  readonly id: string;
  readonly name: Bilingual & { readonly zh: string };
  readonly members: readonly string[];
  readonly formerIds: readonly string[];
  /** A pharmacological family an allergy is recorded against (allergy rules ALG02, ALG03). */
  readonly allergyFamily: boolean;
}

export interface SideRef {
  readonly kind: 'drug' | 'class';
  readonly id: string;
}

/** One `interacts-with` edge: a pair of sides and what the card says. */
export interface InteractionEdge {
  readonly from: SideRef;
  readonly to: SideRef;
  readonly severity: 'S1' | 'S2';
  readonly display: InteractionDisplay;
  /** Two members of one class (QT prolongers): the same product or ingredient twice does not count. */
  readonly anyTwoOf: boolean;
  readonly predicate?: string;
  readonly onc?: number;
  readonly source: Authority;
  /** The graph relation (`rule:<id>` when read from the data files). */
  readonly edgeId: string;
}

export interface BookInteraction {
  /** The rule id (`DDI01`), or the relation id for a curator's edge that names none. */
  readonly id: string;
  readonly edges: readonly InteractionEdge[];
}

/** A condition a contraindication names, and how a recorded condition is matched to it. */
export interface BookCondition {
  readonly id: string;
  readonly name: Bilingual & { readonly zh: string };
  /** ICD-10 prefixes. */
  readonly icd10: readonly string[];
  readonly snomed: readonly string[];
  /** Lower-case fragments matched anywhere in the condition's text. */
  readonly names: readonly string[];
}

/** One `contraindicated-in` edge: a drug or class, the condition, and what the card says. */
export interface ContraindicationEdge {
  readonly drug: SideRef;
  readonly condition: BookCondition;
  readonly severity: 'high' | 'moderate';
  readonly title: Bilingual & { readonly zh: string };
  readonly action: Bilingual & { readonly zh: string };
  readonly source: Authority;
  readonly edgeId: string;
}

export interface BookContraindication {
  readonly id: string;
  readonly edges: readonly ContraindicationEdge[];
}

/** One `duplicate-therapy` edge: two members of `cls`, or (with `other`) one of each class. */
export interface DuplicateEdge {
  readonly cls: string;
  readonly other?: string;
  readonly severity: 'high' | 'moderate';
  readonly title: Bilingual & { readonly zh: string };
  /** What the card calls the duplication; the class name when absent. */
  readonly label?: Bilingual & { readonly zh: string };
  readonly source: Authority;
  readonly edgeId: string;
}

export interface BookDuplicate {
  readonly id: string;
  readonly edges: readonly DuplicateEdge[];
}

/** One `dose-range` edge: a drug's maximum adult daily dose. */
export interface BookDoseLimit {
  readonly id: string;
  readonly drug: string;
  readonly maxDailyMg: number;
  readonly severity: 'high' | 'moderate';
  readonly title: Bilingual & { readonly zh: string };
  readonly source: Authority;
  readonly edgeId: string;
}

/** One `renal-adjustment` edge: a drug or class and the renal rule's card. */
export interface RenalEdge {
  readonly drug: SideRef;
  /** `choose`: the source does not say which (GFR); the hospital sets `params.measure`. */
  readonly measure: 'egfr' | 'crcl' | 'choose';
  readonly below: number;
  readonly minAge?: number;
  readonly severity: 'high' | 'moderate';
  readonly title: Bilingual & { readonly zh: string };
  readonly action: Bilingual & { readonly zh: string };
  readonly predicate?: string;
  readonly detail?: string;
  readonly source: Authority;
  readonly edgeId: string;
}

export interface BookRenalRule {
  readonly id: string;
  readonly edges: readonly RenalEdge[];
}

/** What a PGx card says for one outcome of its judge: the data file's verdict, as the release holds it. */
export type PgxVerdict = PgxVerdictCard;

/** One `pgx-rule` edge: a drug or class the PGx rule checks, its named judge and its verdict texts. */
export interface PgxEdge {
  readonly drug: SideRef;
  readonly title: Bilingual & { readonly zh: string };
  readonly severity: 'high' | 'moderate' | 'low';
  /** A `PGX_JUDGES` name (rules/pgx.ts): the gene logic data cannot state. */
  readonly judge: string;
  readonly verdicts: Readonly<Record<string, PgxVerdict>>;
  /** Activity score bands → verdict (DPYD), as data with its citation. */
  readonly activityScores?: PgxRule['card']['activityScores'];
  /** Result wordings → phenotype terms (VKORC1 `-1639 AA` → sensitive), as data with its citation. */
  readonly results?: PgxRule['card']['results'];
  readonly source: Authority;
  readonly edgeId: string;
}

export interface BookPgxRule {
  readonly id: string;
  readonly edges: readonly PgxEdge[];
}

/** A critical limit in the analyte's unit; `inclusive`: `≤`/`≥` fires at the value itself. */
export interface BookLimit {
  readonly value: number;
  readonly unit: string;
  readonly inclusive: boolean;
}

export interface BookThreshold {
  /** `adult` (default), `neonate`, `hematology-oncology`, or a hospital's own population key. */
  readonly population: string;
  readonly specimen?: string;
  readonly method?: string;
  readonly low?: BookLimit;
  readonly high?: BookLimit;
}

/** One critical-value rule: an analyte (`critical-range` edges of one `lab:*` concept) and its default limits. */
export interface BookCriticalValue {
  /** The engine rule id (`CV-NA`). */
  readonly id: string;
  /** The analyte's key in the UCUM table (units.ts). */
  readonly analyte: string;
  readonly title: Bilingual & { readonly zh: string };
  readonly loinc: readonly string[];
  readonly names: readonly string[];
  readonly exclude: readonly string[];
  readonly defaultEnabled: boolean;
  /** One per population (and method), the limits of the enabled thresholds; empty: the hospital sets them. */
  readonly thresholds: readonly BookThreshold[];
  readonly source: Authority;
  readonly edgeIds: readonly string[];
}

/** One qualitative critical result (`critical-values.json` qualitative: a positive culture, blasts…) and how it is recognised. */
export interface BookQualitative {
  /** The entry id (`CV-Q-blood-culture`); the engine rule is CV-QUAL. */
  readonly id: string;
  readonly finding: Bilingual;
  readonly loinc: readonly string[];
  /** Words of a test's name (lower case) that select a result. */
  readonly names: readonly string[];
  /** Words of a present finding's text (lower case) that make it this critical result. */
  readonly findings: readonly string[];
  readonly positive: readonly string[];
  readonly negative: readonly string[];
  readonly enabledByDefault: boolean;
  readonly source: Authority;
  readonly edgeId: string;
}

/** One `cross-reactive-with` edge (allergy-classes.json): an allergy to `from` warns on `to`. */
export interface BookCrossReactivity {
  readonly from: SideRef;
  readonly to: SideRef;
  readonly note: string;
  readonly source: Authority;
  readonly edgeId: string;
}

export interface SafetyRuleBook {
  /** The knowledge release it was read from; absent for the bundled data files. */
  readonly release?: { readonly id: number; readonly label: string };
  readonly drugs: ReadonlyMap<string, BookDrug>;
  readonly classes: ReadonlyMap<string, BookClass>;
  readonly interactions: readonly BookInteraction[];
  /** Drug–condition contraindications (`contraindications.json`, `contraindicated-in` → `condition:*`). */
  readonly contraindications: readonly BookContraindication[];
  /** Duplicate-therapy classes and class pairs (`duplicate-classes.json`). */
  readonly duplicates: readonly BookDuplicate[];
  /** Maximum daily doses (`dose-limits.json`), one rule each. */
  readonly doseLimits: readonly BookDoseLimit[];
  /** Renal dose rules (`renal.json`). */
  readonly renal: readonly BookRenalRule[];
  /** Allergy cross-reactivity between drugs and classes (`allergy-classes.json`), sorted by from → to. */
  readonly crossReactivity: readonly BookCrossReactivity[];
  /** Critical values (`critical-values.json` analytes), sorted by rule id. */
  readonly criticalValues: readonly BookCriticalValue[];
  /** Qualitative critical results that say how they are recognised, sorted by id. */
  readonly qualitative: readonly BookQualitative[];
  /** CPIC gene–drug rules (`pharmacogenomics.json` cards). */
  readonly pgx: readonly BookPgxRule[];
  /** Edges the engines cannot use (a curator's edit without a severity…), each with why. */
  readonly problems: readonly string[];
}

/** Which release a card's rules came from, e.g. `release 3 (demo: …)`; undefined for the data files. */
export function releaseLabel(book: SafetyRuleBook): string | undefined {
  return book.release ? `release ${book.release.id} (${book.release.label})` : undefined;
}

const lowerUnique = (xs: readonly string[]) => [...new Set(xs.map((x) => x.trim().toLowerCase()).filter(Boolean))];
const unique = (xs: readonly string[]) => [...new Set(xs.map((x) => x.trim()).filter(Boolean))];
const sideRef = (id: string): SideRef =>
  id.startsWith('drug-class:')
    ? { kind: 'class', id: id.slice('drug-class:'.length) }
    : { kind: 'drug', id: id.slice('drug:'.length) };

function withOnc(source: Authority, onc: number | undefined): Authority {
  return onc ? { ...source, document: `${source.document ? `${source.document}, ` : ''}ONC #${onc}` } : source;
}

let fromData: SafetyRuleBook | undefined;

/** The rule book of the bundled data files (`knowledge/data/cds`), built once. */
export function safetyRulesFromData(rules: CdsRules = cdsRules()): SafetyRuleBook {
  if (rules === cdsRules() && fromData) return fromData;
  const drugs = new Map<string, BookDrug>();
  for (const d of rules.drugs.values()) {
    drugs.set(d.id, {
      id: d.id,
      name: { en: d.name.en, zh: d.name.zh ?? d.name.en },
      en: lowerUnique([d.name.en, ...(d.synonyms?.en ?? [])]),
      zh: unique([...(d.name.zh ? [d.name.zh] : []), ...(d.synonyms?.zh ?? [])]),
      atc: [...d.atc],
      formerIds: [...(d.formerIds ?? [])],
    });
  }
  const classes = new Map<string, BookClass>();
  for (const c of rules.classes.values())
    classes.set(c.id, {
      id: c.id,
      name: { en: c.name.en, zh: c.name.zh ?? c.name.en },
      members: [...c.members],
      formerIds: [...(c.formerIds ?? [])],
      allergyFamily: c.allergyFamily === true,
    });
  const interactions = rules.interactions.map(
    (r): BookInteraction => ({
      id: r.id,
      edges: interactionPairs(r).map(([x, y]) => ({
        from: sideRef(x),
        to: sideRef(y),
        severity: r.severity,
        display: r.display,
        anyTwoOf: !!r.anyTwoOf,
        ...(r.predicate ? { predicate: r.predicate } : {}),
        ...(r.onc !== undefined ? { onc: r.onc } : {}),
        source: withOnc(cdsAuthority(rules, r.sources[0]!), r.onc),
        edgeId: `rule:${r.id}`,
      })),
    }),
  );
  const contraindications = rules.contraindications.map((r): BookContraindication => {
    const c = rules.conditions.get(r.condition)!;
    const condition: BookCondition = {
      id: c.id,
      name: c.name,
      icd10: [...c.icd10],
      snomed: [...c.snomed],
      names: [...c.names],
    };
    const sides = [
      ...(r.drugs.classes ?? []).map((id) => `drug-class:${id}`),
      ...(r.drugs.drugs ?? []).map((id) => `drug:${id}`),
    ];
    const source = cdsAuthority(rules, r.sources[0]!);
    return {
      id: r.id,
      edges: sides.map((x) => ({
        drug: sideRef(x),
        condition,
        severity: r.severity,
        title: r.title,
        action: r.action,
        source,
        edgeId: `rule:${r.id}`,
      })),
    };
  });
  const duplicates = rules.duplicates.map((r): BookDuplicate => {
    const common = {
      severity: r.severity,
      title: r.title,
      ...(r.label ? { label: r.label } : {}),
      source: cdsAuthority(rules, r.sources[0]!),
      edgeId: `rule:${r.id}`,
    };
    return {
      id: r.id,
      edges: [
        ...(r.classes ?? []).map((cls) => ({ cls, ...common })),
        ...(r.pairs ?? []).map(([cls, other]) => ({ cls, other, ...common })),
      ],
    };
  });
  const doseLimits = rules.doseLimits.map(
    (r): BookDoseLimit => ({
      id: r.id,
      drug: r.drug,
      maxDailyMg: r.maxDailyMg,
      severity: r.severity,
      title: r.title,
      source: cdsAuthority(rules, r.sources[0]!),
      edgeId: `rule:${r.id}`,
    }),
  );
  const renal = rules.renal.map((r): BookRenalRule => {
    const sides = [...(r.classes ?? []).map((id) => `drug-class:${id}`), ...r.drugs.map((id) => `drug:${id}`)];
    const common = {
      measure: RENAL_MEASURE[r.function.measure]!,
      ...renalCard(r.card as unknown as Record<string, unknown>),
      source: cdsAuthority(rules, r.sources[0]!),
      edgeId: `rule:${r.id}`,
    };
    return { id: r.id, edges: sides.map((x) => ({ drug: sideRef(x), ...common })) };
  });
  const pgx = rules.pharmacogenomics.map((r): BookPgxRule => {
    const common = {
      ...pgxCard(r.card as unknown as Record<string, unknown>, cdsAuthority(rules, r.sources[0]!)),
      edgeId: `rule:${r.id}`,
    };
    return { id: r.id, edges: drugSides(r.card.drugs).map((x) => ({ drug: sideRef(x), ...common })) };
  });
  const criticalValues = rules.criticalValues.analytes
    .map((a) => {
      const { thresholds: extra = [], ...engine } = a.engine;
      const rows = [...a.thresholds, ...extra].map(
        (t): CvRow => ({
          key: t.id,
          threshold: t,
          unit: a.ucum,
          specimen: a.specimen,
          source: cdsAuthority(rules, t.source),
          edgeId: `rule:${t.id}`,
        }),
      );
      const card = { ...engine, loinc: a.loinc, enabledByDefault: a.enabledByDefault } as unknown as Record<
        string,
        unknown
      >;
      const bare: CvRow = {
        key: a.id,
        unit: a.ucum,
        specimen: a.specimen,
        source: cdsAuthority(rules, 'author-default'),
        edgeId: `rule:${a.id}`,
      };
      return criticalOf(card, rows.length ? rows : [bare], []);
    })
    .filter((c): c is BookCriticalValue => !!c)
    .sort((a, b) => a.id.localeCompare(b.id));
  const resultWords = rules.criticalValues.qualitativeResults;
  const qualitative = rules.criticalValues.qualitative
    .flatMap((q) =>
      q.match
        ? [
            qualitativeOf(
              q.id,
              q.finding,
              { ...q.match, ...resultWords, enabledByDefault: q.enabledByDefault },
              cdsAuthority(rules, q.source),
              `rule:${q.id}`,
            ),
          ]
        : [],
    )
    .sort((a, b) => a.id.localeCompare(b.id));
  const allergySource = cdsAuthority(rules, 'qc-K14-allergy');
  const crossReactivity = allergyCrossReactivity(rules, allergyClasses())
    .map(
      (x): BookCrossReactivity => ({
        from: sideRef(x.from),
        to: sideRef(x.to),
        note: x.note,
        source: allergySource,
        edgeId: `rule:${x.from}|${x.to}`,
      }),
    )
    .sort(byEnds);
  const book: SafetyRuleBook = {
    drugs,
    classes,
    interactions,
    contraindications,
    duplicates,
    doseLimits,
    renal,
    crossReactivity,
    criticalValues,
    qualitative,
    pgx,
    problems: [],
  };
  if (rules === cdsRules()) fromData = book;
  return book;
}

/** Per database (release ids are numbered per database), per release id. */
const caches = new WeakMap<Sql, Map<number, Promise<SafetyRuleBook>>>();
/** Per database, who is told of a release's book with problems (the server logs them as warnings). */
const problemListeners = new WeakMap<Sql, (book: SafetyRuleBook) => void>();

/**
 * `listener` hears of each release's rule book that has problems (edges the engines cannot use),
 * once, when it is read: the server logs them as warnings; admins see them with the releases.
 */
export function onRuleBookProblems(sql: Sql, listener: (book: SafetyRuleBook) => void): void {
  problemListeners.set(sql, listener);
}

/**
 * The rule book of one knowledge release (the active one when `releaseId` is omitted). Releases
 * never change once made, so each is read once and cached by id; a curator's edit makes a new
 * release, and so a new book.
 */
export async function loadSafetyRules(sql: Sql, releaseId?: number): Promise<SafetyRuleBook> {
  const kg = new KnowledgeGraph(sql);
  const { releaseId: id } = await kg.resolveRelease(releaseId);
  let cache = caches.get(sql);
  if (!cache) {
    cache = new Map();
    caches.set(sql, cache);
  }
  let book = cache.get(id);
  if (!book) {
    book = readBook(sql, kg, id);
    cache.set(id, book);
    book.then(
      (b) => {
        if (b.problems.length) problemListeners.get(sql)?.(b);
      },
      () => cache.delete(id),
    );
  }
  return book;
}

/**
 * The rule book a request should use: the active release's, or the bundled data files' when no
 * release is active (a fresh install before its first import). Cheap after the first call per release.
 */
export async function activeSafetyRules(sql: Sql): Promise<SafetyRuleBook> {
  const id = await activeReleaseId(sql);
  return id === undefined ? safetyRulesFromData() : loadSafetyRules(sql, id);
}

async function readBook(sql: Sql, kg: KnowledgeGraph, releaseId: number): Promise<SafetyRuleBook> {
  const { batchIds } = await kg.resolveRelease(releaseId);
  const label = await sql.query<{ label: string }>('select label from kg_release where id = $1', [releaseId]);
  const ids = await sql.query<{ id: string }>(
    `select distinct id from kg_concept where (type in ('drug', 'drug-class') or id like 'condition:%') and batch_id = any($1::int[])`,
    [batchIds],
  );
  const concepts = await kg.concepts(
    ids.rows.map((r) => r.id),
    { release: releaseId },
  );
  const problems: string[] = [];
  const drugs = new Map<string, BookDrug>();
  const classes = new Map<string, BookClass>();
  const members = new Map<string, string[]>();
  for (const r of await kg.relationsOfType('member-of', { release: releaseId })) {
    if (!r.from.startsWith('drug:') || !r.to?.startsWith('drug-class:')) continue;
    const list = members.get(r.to) ?? [];
    list.push(r.from.slice('drug:'.length));
    members.set(r.to, list);
  }
  for (const c of [...concepts.values()].sort((a, b) => a.id.localeCompare(b.id))) {
    const formerIds = Array.isArray(c.attrs.formerIds) ? (c.attrs.formerIds as string[]) : [];
    const name = { en: c.name.en ?? c.name.zh ?? c.id, zh: c.name.zh ?? c.name.en ?? c.id };
    if (c.type === 'drug') {
      const id = c.id.slice('drug:'.length);
      drugs.set(id, {
        id,
        name,
        en: lowerUnique([name.en, ...termsIn(c, 'en')]),
        zh: unique([...(c.name.zh ? [c.name.zh] : []), ...termsIn(c, 'zh')]),
        atc: c.codes.filter((k) => k.system.includes('atc')).map((k) => k.code),
        formerIds,
      });
    } else if (c.type === 'drug-class') {
      const id = c.id.slice('drug-class:'.length);
      classes.set(id, {
        id,
        name,
        members: members.get(c.id) ?? [],
        formerIds,
        allergyFamily: c.attrs.allergyFamily === true,
      });
    }
  }
  const byRule = new Map<string, InteractionEdge[]>();
  for (const r of await kg.relationsOfType('interacts-with', { release: releaseId })) {
    const edge = edgeOf(r, problems, (x) => (x.kind === 'drug' ? drugs.get(x.id) : classes.get(x.id))?.name);
    if (!edge) continue;
    const rule = typeof r.attrs.rule === 'string' && r.attrs.rule ? r.attrs.rule : r.id;
    byRule.set(rule, [...(byRule.get(rule) ?? []), edge]);
  }
  const interactions = [...byRule.entries()]
    .sort(([a], [b]) => a.localeCompare(b))
    .map(([id, edges]) => ({ id, edges }));
  const ciByRule = new Map<string, ContraindicationEdge[]>();
  for (const r of await kg.relationsOfType('contraindicated-in', { release: releaseId })) {
    if (!r.to?.startsWith('condition:')) continue; // PGx phenotypes: read by the PGx rules
    const edge = contraindicationOf(
      r,
      problems,
      concepts,
      (x) => (x.kind === 'drug' ? drugs.get(x.id) : classes.get(x.id))?.name,
    );
    if (!edge) continue;
    const rule = typeof r.attrs.rule === 'string' && r.attrs.rule ? r.attrs.rule : r.id;
    ciByRule.set(rule, [...(ciByRule.get(rule) ?? []), edge]);
  }
  const contraindications = [...ciByRule.entries()]
    .sort(([a], [b]) => a.localeCompare(b))
    .map(([id, edges]) => ({ id, edges }));
  const dupByRule = new Map<string, DuplicateEdge[]>();
  for (const r of await kg.relationsOfType('duplicate-therapy', { release: releaseId })) {
    const edge = duplicateOf(r, problems, classes);
    if (!edge) continue;
    const rule = typeof r.attrs.rule === 'string' && r.attrs.rule ? r.attrs.rule : r.id;
    dupByRule.set(rule, [...(dupByRule.get(rule) ?? []), edge]);
  }
  const duplicates = [...dupByRule.entries()]
    .sort(([a], [b]) => a.localeCompare(b))
    .map(([id, edges]) => ({ id, edges }));
  const doseLimits: BookDoseLimit[] = [];
  for (const r of await kg.relationsOfType('dose-range', { release: releaseId })) {
    const limit = doseLimitOf(r, problems, drugs);
    if (!limit) continue;
    if (doseLimits.some((d) => d.id === limit.id)) problems.push(`dose-range ${r.id}: rule ${limit.id} is given twice`);
    else doseLimits.push(limit);
  }
  doseLimits.sort((a, b) => a.id.localeCompare(b.id));
  const renalByRule = new Map<string, RenalEdge[]>();
  for (const r of await kg.relationsOfType('renal-adjustment', { release: releaseId })) {
    const edge = renalOf(r, problems);
    if (!edge) continue;
    const rule = typeof r.attrs.rule === 'string' && r.attrs.rule ? r.attrs.rule : r.id;
    renalByRule.set(rule, [...(renalByRule.get(rule) ?? []), edge]);
  }
  const renal = [...renalByRule.entries()].sort(([a], [b]) => a.localeCompare(b)).map(([id, edges]) => ({ id, edges }));
  const pgxByRule = new Map<string, PgxEdge[]>();
  for (const r of await kg.relationsOfType('pgx-rule', { release: releaseId })) {
    const edge = pgxOf(r, problems);
    if (!edge) continue;
    const rule = typeof r.attrs.rule === 'string' && r.attrs.rule ? r.attrs.rule : r.id;
    pgxByRule.set(rule, [...(pgxByRule.get(rule) ?? []), edge]);
  }
  const pgx = [...pgxByRule.entries()].sort(([a], [b]) => a.localeCompare(b)).map(([id, edges]) => ({ id, edges }));
  const cvByRule = new Map<string, { card: Record<string, unknown>; rows: CvRow[] }>();
  const qualitative: BookQualitative[] = [];
  for (const r of await kg.relationsOfType('critical-range', { release: releaseId })) {
    const a = r.attrs;
    if (a.qualitative === true) {
      const q = qualitativeEdge(r, problems);
      if (q) qualitative.push(q);
      continue;
    }
    const card = (a.card ?? {}) as Record<string, unknown>;
    if (typeof card.rule !== 'string' || !card.rule) {
      problems.push(`critical-range ${r.id} (${r.from}): card.rule is required`);
      continue;
    }
    const { id: _id, shippable: _s, note: _n, ...source } = r.source;
    const threshold = typeof a.direction === 'string' ? (a as unknown as CvRow['threshold']) : undefined;
    const row: CvRow = {
      key: typeof a.id === 'string' ? a.id : r.id,
      ...(threshold ? { threshold } : {}),
      unit: String(a.unit ?? ''),
      ...(typeof a.specimen === 'string' ? { specimen: a.specimen } : {}),
      source,
      edgeId: r.id,
    };
    const group = cvByRule.get(card.rule) ?? { card, rows: [] };
    group.rows.push(row);
    cvByRule.set(card.rule, group);
  }
  const criticalValues = [...cvByRule.values()]
    .flatMap(({ card, rows }) => criticalOf(card, rows, problems) ?? [])
    .sort((a, b) => a.id.localeCompare(b.id));
  const crossReactivity: BookCrossReactivity[] = [];
  for (const r of await kg.relationsOfType('cross-reactive-with', { release: releaseId })) {
    if (!r.to || !/^drug(-class)?:/.test(r.from) || !/^drug(-class)?:/.test(r.to)) {
      problems.push(
        `cross-reactive-with ${r.id} (${r.from} → ${r.to ?? '?'}): both ends must be drugs or drug classes`,
      );
      continue;
    }
    const { id: _id, shippable: _s, note: _n, ...source } = r.source;
    crossReactivity.push({
      from: sideRef(r.from),
      to: sideRef(r.to),
      note: typeof r.attrs.note === 'string' ? r.attrs.note : '',
      source,
      edgeId: r.id,
    });
  }
  crossReactivity.sort(byEnds);
  return {
    release: { id: releaseId, label: label.rows[0]?.label ?? '' },
    drugs,
    classes,
    interactions,
    contraindications,
    duplicates,
    doseLimits,
    renal,
    crossReactivity,
    criticalValues,
    qualitative: qualitative.sort((a, b) => a.id.localeCompare(b.id)),
    pgx,
    problems,
  };
}

const strings = (v: unknown): string[] => (Array.isArray(v) ? v.filter((x): x is string => typeof x === 'string') : []);
const bothLangs = (v: unknown): v is Bilingual & { zh: string } => bilingual(v) && typeof v.zh === 'string';

function contraindicationOf(
  r: KgRelation,
  problems: string[],
  concepts: ReadonlyMap<string, KgConcept>,
  nameOf: (s: SideRef) => BookDrug['name'] | undefined,
): ContraindicationEdge | undefined {
  const a = r.attrs;
  const where = `contraindicated-in ${r.id} (${r.from} → ${r.to ?? '?'})`;
  if (!/^drug(-class)?:/.test(r.from)) return void problems.push(`${where}: must start at a drug or drug class`);
  const c = concepts.get(r.to!);
  const match = (c?.attrs.match ?? {}) as Record<string, unknown>;
  if (!c || (!strings(match.icd10).length && !strings(match.snomed).length && !strings(match.names).length))
    return void problems.push(`${where}: the condition has nothing to match (attrs.match)`);
  if (a.severity !== 'high' && a.severity !== 'moderate')
    return void problems.push(`${where}: severity must be high or moderate`);
  const action = bothLangs(a.action)
    ? a.action
    : typeof a.action === 'string'
      ? { en: a.action, zh: a.action }
      : undefined;
  if (!action) return void problems.push(`${where}: action is required`);
  const name = { en: c.name.en ?? c.name.zh ?? c.id, zh: c.name.zh ?? c.name.en ?? c.id };
  const drug = sideRef(r.from);
  const dn = nameOf(drug) ?? { en: drug.id, zh: drug.id };
  // A curator's new edge may carry no title; the card then names the drug and the condition.
  const title = bothLangs(a.title) ? a.title : { en: `${dn.en} in ${name.en}`, zh: `${name.zh}患者使用${dn.zh}` };
  const { id: _id, shippable: _s, note: _n, ...source } = r.source;
  const condition: BookCondition = {
    id: c.id.slice('condition:'.length),
    name,
    icd10: strings(match.icd10),
    snomed: strings(match.snomed),
    names: strings(match.names),
  };
  return { drug, condition, severity: a.severity, title, action, source, edgeId: r.id };
}

function duplicateOf(
  r: KgRelation,
  problems: string[],
  classes: ReadonlyMap<string, BookClass>,
): DuplicateEdge | undefined {
  const a = r.attrs;
  const where = `duplicate-therapy ${r.id} (${r.from} → ${r.to ?? '-'})`;
  if (!r.from.startsWith('drug-class:') || (r.to !== undefined && !r.to.startsWith('drug-class:')))
    return void problems.push(`${where}: both ends must be drug classes`);
  if (a.severity !== 'high' && a.severity !== 'moderate')
    return void problems.push(`${where}: severity must be high or moderate`);
  const cls = r.from.slice('drug-class:'.length);
  const other = r.to?.slice('drug-class:'.length);
  const label = bothLangs(a.label) ? a.label : undefined;
  if (other && !label) return void problems.push(`${where}: a class pair needs a label (en, zh)`);
  const name = classes.get(cls)?.name ?? { en: cls, zh: cls };
  const title = bothLangs(a.title)
    ? a.title
    : { en: `Two drugs of one class: ${name.en}`, zh: `同类药物重复使用：${name.zh}` };
  const { id: _id, shippable: _s, note: _n, ...source } = r.source;
  return {
    cls,
    ...(other ? { other } : {}),
    severity: a.severity,
    title,
    ...(label ? { label } : {}),
    source,
    edgeId: r.id,
  };
}

function doseLimitOf(
  r: KgRelation,
  problems: string[],
  drugs: ReadonlyMap<string, BookDrug>,
): BookDoseLimit | undefined {
  const a = r.attrs;
  const where = `dose-range ${r.id} (${r.from})`;
  if (!r.from.startsWith('drug:')) return void problems.push(`${where}: must start at a drug`);
  if (typeof a.maxDailyMg !== 'number' || !(a.maxDailyMg > 0))
    return void problems.push(`${where}: maxDailyMg must be a positive number`);
  if (a.unit !== undefined && a.unit !== 'mg') return void problems.push(`${where}: unit must be mg`);
  if (a.severity !== 'high' && a.severity !== 'moderate')
    return void problems.push(`${where}: severity must be high or moderate`);
  const drug = r.from.slice('drug:'.length);
  const name = drugs.get(drug)?.name ?? { en: drug, zh: drug };
  const title = bothLangs(a.title)
    ? a.title
    : { en: `${name.en} above ${a.maxDailyMg} mg/day`, zh: `${name.zh}日剂量超过${a.maxDailyMg} mg` };
  const { id: _id, shippable: _s, note: _n, ...source } = r.source;
  const id = typeof a.rule === 'string' && a.rule ? a.rule : r.id;
  return { id, drug, maxDailyMg: a.maxDailyMg, severity: a.severity, title, source, edgeId: r.id };
}

const RENAL_MEASURE: Record<string, RenalEdge['measure']> = { eGFR: 'egfr', CrCl: 'crcl', GFR: 'choose' };

/** A renal card's engine fields (the same from the data files and from an edge's `attrs.card`). */
function renalCard(
  c: Record<string, unknown>,
): Pick<RenalEdge, 'below' | 'minAge' | 'severity' | 'title' | 'action' | 'predicate' | 'detail'> {
  return {
    below: c.alertBelow as number,
    ...(typeof c.minAge === 'number' ? { minAge: c.minAge } : {}),
    severity: c.severity as RenalEdge['severity'],
    title: c.title as RenalEdge['title'],
    action: c.action as RenalEdge['action'],
    ...(typeof c.predicate === 'string' ? { predicate: c.predicate } : {}),
    ...(typeof c.detail === 'string' ? { detail: c.detail } : {}),
  };
}

function renalOf(r: KgRelation, problems: string[]): RenalEdge | undefined {
  const a = r.attrs;
  const where = `renal-adjustment ${r.id} (${r.from})`;
  if (!/^drug(-class)?:/.test(r.from)) return void problems.push(`${where}: must start at a drug or drug class`);
  const measure = RENAL_MEASURE[String((a.function as { measure?: unknown } | undefined)?.measure)];
  if (!measure) return void problems.push(`${where}: function.measure must be eGFR, CrCl or GFR`);
  const c = (a.card ?? {}) as Record<string, unknown>;
  if (typeof c.alertBelow !== 'number' || !(c.alertBelow > 0))
    return void problems.push(`${where}: card.alertBelow must be a positive number`);
  if (c.severity !== 'high' && c.severity !== 'moderate')
    return void problems.push(`${where}: card.severity must be high or moderate`);
  if (!bothLangs(c.title) || !bothLangs(c.action))
    return void problems.push(`${where}: card title and action need en and zh`);
  const { id: _id, shippable: _s, note: _n, ...source } = r.source;
  return { drug: sideRef(r.from), measure, ...renalCard(c), source, edgeId: r.id };
}

/** One `critical-range` edge of an analyte (a threshold, or the bare edge of an analyte the hospital must set). */
interface CvRow {
  readonly key: string;
  readonly threshold?: {
    readonly direction: string;
    readonly value: unknown;
    readonly inclusive: unknown;
    readonly population: unknown;
    readonly method?: unknown;
    readonly enabledByDefault?: unknown;
  };
  readonly unit: string;
  readonly specimen?: string;
  readonly source: Authority;
  readonly edgeId: string;
}

/** An analyte's rule from its card and edges (the same from the data files and from the graph). */
function criticalOf(
  card: Record<string, unknown>,
  rows: readonly CvRow[],
  problems: string[],
): BookCriticalValue | undefined {
  const where = `critical-range ${String(card.rule)}`;
  const title = card.title;
  if (
    typeof card.analyte !== 'string' ||
    !bothLangs(title) ||
    !strings(card.names).length ||
    !strings(card.loinc).length
  ) {
    return void problems.push(`${where}: card needs analyte, title (en, zh), names and loinc`);
  }
  const sorted = [...rows].sort((a, b) => a.key.localeCompare(b.key));
  const groups = new Map<
    string,
    { population: string; specimen?: string; method?: string; low?: BookLimit; high?: BookLimit }
  >();
  for (const r of sorted) {
    const t = r.threshold;
    if (!t || t.enabledByDefault === false) continue;
    if (
      (t.direction !== 'low' && t.direction !== 'high') ||
      typeof t.value !== 'number' ||
      typeof t.inclusive !== 'boolean' ||
      typeof t.population !== 'string'
    ) {
      problems.push(
        `${where} ${r.key}: a threshold needs direction (low, high), a numeric value, inclusive and population`,
      );
      continue;
    }
    const method = typeof t.method === 'string' ? t.method : undefined;
    const k = `${t.population}|${method ?? ''}`;
    const g = groups.get(k) ?? {
      population: t.population,
      ...(r.specimen ? { specimen: r.specimen } : {}),
      ...(method ? { method } : {}),
    };
    if (g[t.direction]) problems.push(`${where} ${r.key}: a second ${t.direction} limit for ${t.population}`);
    else g[t.direction] = { value: t.value, unit: r.unit, inclusive: t.inclusive };
    groups.set(k, g);
  }
  const thresholds = [...groups.entries()].sort(([a], [b]) => a.localeCompare(b)).map(([, g]) => g);
  return {
    id: card.rule as string,
    analyte: card.analyte,
    title,
    loinc: strings(card.loinc),
    names: strings(card.names),
    exclude: strings(card.excludeNames),
    defaultEnabled: card.enabledByDefault !== false,
    thresholds,
    source: sorted[0]!.source,
    edgeIds: sorted.map((r) => r.edgeId),
  };
}

const byEnds = (a: BookCrossReactivity, b: BookCrossReactivity) =>
  `${a.from.kind}:${a.from.id}|${a.to.kind}:${a.to.id}`.localeCompare(
    `${b.from.kind}:${b.from.id}|${b.to.kind}:${b.to.id}`,
  );

const drugSides = (s: { readonly classes?: readonly string[]; readonly drugs?: readonly string[] }) => [
  ...(s.classes ?? []).map((id) => `drug-class:${id}`),
  ...(s.drugs ?? []).map((id) => `drug:${id}`),
];

/** A PGx card's engine fields (the same from the data files and from an edge's `attrs.card`). */
function pgxCard(c: Record<string, unknown>, source: Authority): Omit<PgxEdge, 'drug' | 'edgeId'> {
  const verdicts: Record<string, PgxVerdict> = {};
  for (const [k, v] of Object.entries((c.verdicts ?? {}) as Record<string, PgxVerdict>)) {
    verdicts[k] = {
      severity: v.severity,
      statement: v.statement,
      action: v.action,
      ...(v.replaceWith ? { replaceWith: v.replaceWith } : {}),
      ...(v.order ? { order: v.order } : {}),
    };
  }
  // PGx08's caveat (ancestry not evaluated) travels with the source the card cites.
  const caveat = typeof c.caveat === 'string' && c.caveat ? c.caveat : undefined;
  const activityScores = c.activityScores as PgxEdge['activityScores'];
  const results = c.results as PgxEdge['results'];
  return {
    title: c.title as PgxEdge['title'],
    severity: c.severity as PgxEdge['severity'],
    judge: c.judge as string,
    verdicts,
    ...(activityScores ? { activityScores } : {}),
    ...(results ? { results } : {}),
    source: caveat ? { ...source, document: `${source.document ? `${source.document}; ` : ''}${caveat}` } : source,
  };
}

const PGX_SEVERITIES = new Set(['high', 'moderate', 'low']);

/** What is wrong with a curated card's activity score bands or result terms, if anything. */
function pgxDataProblem(c: Record<string, unknown>): string | undefined {
  const verdicts = (c.verdicts ?? {}) as Record<string, unknown>;
  const a = c.activityScores as PgxEdge['activityScores'];
  if (a) {
    if (!a.citation || !Array.isArray(a.bands) || !a.bands.length) return 'activityScores needs a citation and bands';
    const b = a.bands.find((x) => !(typeof x.min === 'number' && typeof x.max === 'number') || !verdicts[x.verdict]);
    if (b) return `activityScores band ${JSON.stringify(b)} needs numbers min, max and a verdict of the card`;
  }
  const r = c.results as PgxEdge['results'];
  if (r) {
    if (!r.citation || !Array.isArray(r.terms) || !r.terms.length) return 'results needs a citation and terms';
    for (const t of r.terms) {
      if (!t.gene || !t.phenotype) return 'results term needs a gene and a phenotype';
      try {
        new RegExp(t.pattern, 'i');
      } catch {
        return `results term pattern ${JSON.stringify(t.pattern)} is not a regular expression`;
      }
    }
  }
  return undefined;
}

function pgxOf(r: KgRelation, problems: string[]): PgxEdge | undefined {
  const where = `pgx-rule ${r.id} (${r.from})`;
  if (!/^drug(-class)?:/.test(r.from)) return void problems.push(`${where}: must start at a drug or drug class`);
  const c = (r.attrs.card ?? {}) as Record<string, unknown>;
  if (!bothLangs(c.title)) return void problems.push(`${where}: card title needs en and zh`);
  if (!PGX_SEVERITIES.has(c.severity as string))
    return void problems.push(`${where}: card severity must be high, moderate or low`);
  if (typeof c.judge !== 'string' || !c.judge) return void problems.push(`${where}: card judge must name a judge`);
  const verdicts = Object.entries((c.verdicts ?? {}) as Record<string, Record<string, unknown>>);
  if (verdicts.length === 0) return void problems.push(`${where}: card needs at least one verdict`);
  const bad = verdicts.find(
    ([, v]) => !PGX_SEVERITIES.has(v.severity as string) || !bothLangs(v.statement) || !bothLangs(v.action),
  );
  if (bad)
    return void problems.push(
      `${where}: verdict ${bad[0]} needs a severity (high, moderate, low) and statement and action in en and zh`,
    );
  const pgxData = pgxDataProblem(c);
  if (pgxData) return void problems.push(`${where}: ${pgxData}`);
  const { id: _id, shippable: _s, note: _n, ...source } = r.source;
  return { drug: sideRef(r.from), ...pgxCard(c, source), edgeId: r.id };
}

/** Names other than the concept's own (English lower-cased by `lowerUnique`). */
function termsIn(c: KgConcept, lang: 'en' | 'zh'): string[] {
  return c.terms.filter((t) => t.lang === lang).map((t) => t.term);
}

const bilingual = (v: unknown): v is Bilingual =>
  !!v && typeof v === 'object' && typeof (v as Bilingual).en === 'string';

function edgeOf(
  r: KgRelation,
  problems: string[],
  nameOf: (s: SideRef) => BookDrug['name'] | undefined,
): InteractionEdge | undefined {
  const a = r.attrs;
  const where = `interacts-with ${r.id} (${r.from} → ${r.to ?? '?'})`;
  if (!r.to || !/^drug(-class)?:/.test(r.from) || !/^drug(-class)?:/.test(r.to))
    return void problems.push(`${where}: both ends must be drugs or drug classes`);
  if (a.severity !== 'S1' && a.severity !== 'S2') return void problems.push(`${where}: severity must be S1 or S2`);
  const from = sideRef(r.from);
  const to = sideRef(r.to);
  // A curator's new edge may carry only the English risk and action; the card then names the two sides.
  const d = (a.display ?? {}) as Partial<InteractionDisplay>;
  const risk = bilingual(d.risk) ? d.risk : typeof a.risk === 'string' ? { en: a.risk } : undefined;
  const action = bilingual(d.action)
    ? d.action
    : typeof a.action === 'string'
      ? { en: a.action }
      : typeof a.management === 'string'
        ? { en: a.management }
        : undefined;
  if (!risk || !action) return void problems.push(`${where}: risk and action are required`);
  const [nf, nt] = [nameOf(from) ?? { en: from.id, zh: from.id }, nameOf(to) ?? { en: to.id, zh: to.id }];
  const title = bilingual(d.title) && d.title.zh ? d.title : { en: `${nf.en} + ${nt.en}`, zh: `${nf.zh} + ${nt.zh}` };
  const { id: _id, shippable: _s, note: _n, ...source } = r.source;
  const onc = typeof a.onc === 'number' ? a.onc : undefined;
  return {
    from,
    to,
    severity: a.severity,
    display: {
      title,
      risk,
      action,
      ...(bilingual(d.replaceWith) ? { replaceWith: d.replaceWith } : {}),
      ...(bilingual(d.order) ? { order: d.order } : {}),
      // A result that makes the pair riskier (rules/ddi.ts reads and checks it).
      ...(a.display && typeof (a.display as { labContext?: unknown }).labContext === 'object'
        ? { labContext: (a.display as { labContext: unknown }).labContext }
        : {}),
    },
    anyTwoOf: a.anyTwoOf === true,
    ...(typeof a.predicate === 'string' ? { predicate: a.predicate } : {}),
    ...(onc !== undefined ? { onc } : {}),
    source: withOnc(source, onc),
    edgeId: r.id,
  };
}

const bilingualOr = (x: unknown, fallback: string): Bilingual => {
  const b = (x ?? {}) as { en?: unknown; zh?: unknown };
  const en = typeof b.en === 'string' && b.en ? b.en : fallback;
  return { en, zh: typeof b.zh === 'string' && b.zh ? b.zh : en };
};

const words = (x: unknown): string[] | undefined =>
  Array.isArray(x) && x.every((w) => typeof w === 'string') ? lowerUnique(x as string[]) : undefined;

function qualitativeOf(
  id: string,
  finding: Bilingual,
  m: {
    loinc: readonly string[];
    names: readonly string[];
    findings: readonly string[];
    positive: readonly string[];
    negative: readonly string[];
    enabledByDefault: boolean;
  },
  source: Authority,
  edgeId: string,
): BookQualitative {
  return {
    id,
    finding,
    loinc: unique(m.loinc),
    names: lowerUnique(m.names),
    findings: lowerUnique(m.findings),
    positive: lowerUnique(m.positive),
    negative: lowerUnique(m.negative),
    enabledByDefault: m.enabledByDefault,
    source,
    edgeId,
  };
}

/** A qualitative `critical-range` edge of a release; one without a match is for the hospital (no rule), one with a broken match a problem. */
function qualitativeEdge(r: KgRelation, problems: string[]): BookQualitative | undefined {
  const a = r.attrs;
  if (a.match === undefined) return undefined;
  const m = (a.match ?? {}) as Record<string, unknown>;
  const res = (a.results ?? {}) as Record<string, unknown>;
  const [loinc, names, findings, positive, negative] = [m.loinc, m.names, m.findings, res.positive, res.negative].map(
    words,
  );
  const id = typeof a.rule === 'string' && a.rule ? a.rule : r.id;
  if (!loinc || !names || !findings || !positive || !negative) {
    problems.push(
      `critical-range ${r.id} (${id}): match.loinc/names/findings and results.positive/negative must be lists of words`,
    );
    return undefined;
  }
  const { id: _id, shippable: _s, note: _n, ...source } = r.source;
  return qualitativeOf(
    id,
    bilingualOr(a.finding, id),
    { loinc, names, findings, positive, negative, enabledByDefault: a.enabledByDefault !== false },
    source,
    r.id,
  );
}
