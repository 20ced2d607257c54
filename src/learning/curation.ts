import type { Assertion, Coding, FactCategory, LexiconEntry, Sql } from '../core/index.js';
import { CodeSystems, invalid, notFound, stableId } from '../core/index.js';

/**
 * Clinicians' corrections of extracted facts as candidates for the knowledge team (migration 0730): a term read as
 * the wrong concept becomes a lexicon candidate (term → the concept the clinician named), a wrong negation or
 * certainty an assertion-cue candidate (the cue word → the assertion the clinician named). Each candidate counts
 * the corrections behind it (a feedback row counts once) and keeps their spans; an administrator accepts or rejects
 * it, and accepted ones are exported in the formats of the NLP stage's data files (lexicon-builtin.tsv,
 * context-*.tsv) for a knowledge release. Extraction is never changed here.
 */
export type CandidateKind = 'lexicon' | 'assertion-cue';
export type CandidateStatus = 'candidate' | 'accepted' | 'rejected';
export type CueDirection = 'forward' | 'backward';

export const ASSERTIONS: readonly Assertion[] = [
  'present',
  'absent',
  'possible',
  'historical',
  'family',
  'hypothetical',
];

/** ConText categories (src/nlp/data/context-*.tsv) by the assertion a cue gives; a cue wrongly negating is PSEUDO. */
export const CONTEXT_CATEGORY: Readonly<Record<Assertion, string>> = {
  present: 'PSEUDO',
  absent: 'NEGATED_EXISTENCE',
  possible: 'POSSIBLE_EXISTENCE',
  historical: 'HISTORICAL',
  family: 'FAMILY',
  hypothetical: 'HYPOTHETICAL',
};

export interface CorrectedFact {
  readonly feedbackId: string;
  /** The fact as extracted. */
  readonly category: FactCategory;
  readonly concept: Coding;
  readonly assertion: Assertion;
  /** The text the fact was read from and where (`DocumentReference/9[10,24)`). */
  readonly quote: string;
  readonly span: string;
  /** What the clinician says it is. */
  readonly correctedConcept?: Coding;
  readonly correctedAssertion?: Assertion;
  /** The word that carried the assertion, where the clinician named it (else the quote stands for it). */
  readonly cue?: string;
  readonly cueDirection?: CueDirection;
}

export interface CurationSpan {
  readonly feedbackId: string;
  readonly span: string;
  readonly quote: string;
  readonly was: string;
}

export interface CurationCandidate {
  readonly id: string;
  readonly kind: CandidateKind;
  readonly term: string;
  readonly lang: 'zh' | 'en';
  /** lexicon: the concept; assertion-cue: the assertion. */
  readonly target: Coding | Assertion;
  /** lexicon: the fact's category; assertion-cue: the cue's direction where given. */
  readonly category?: string;
  readonly corrections: number;
  readonly spans: readonly CurationSpan[];
  readonly status: CandidateStatus;
  readonly decidedBy?: string;
  readonly decidedAt?: string;
  readonly updatedAt: string;
}

/** Spans kept per candidate: enough for a curator to judge it. */
const MAX_SPANS = 20;

const langOf = (s: string): 'zh' | 'en' => (/[\u3400-\u9fff]/u.test(s) ? 'zh' : 'en');
const sameConcept = (a: Coding, b: Coding) => a.system === b.system && a.code === b.code;
const conceptText = (c: Coding) =>
  JSON.stringify({
    system: c.system,
    code: c.code,
    display: c.display ?? null,
    ...(c.displayZh ? { displayZh: c.displayZh } : {}),
  });

/** The candidates one correction proposes (none when it changes neither the concept nor the assertion). */
export function candidatesOf(
  c: CorrectedFact,
): { kind: CandidateKind; term: string; target: string; category?: string }[] {
  const out: { kind: CandidateKind; term: string; target: string; category?: string }[] = [];
  const term = c.quote.trim();
  if (c.correctedConcept && term && !sameConcept(c.correctedConcept, c.concept))
    out.push({ kind: 'lexicon', term, target: conceptText(c.correctedConcept), category: c.category });
  const cue = (c.cue ?? term).trim();
  if (c.correctedAssertion && cue && c.correctedAssertion !== c.assertion)
    out.push({
      kind: 'assertion-cue',
      term: cue,
      target: c.correctedAssertion,
      ...(c.cueDirection ? { category: c.cueDirection } : {}),
    });
  return out;
}

export class CurationCandidates {
  constructor(private readonly sql: Sql) {}

  /** Counts one correction into its candidates; returns their ids. A feedback row is counted once. */
  async record(c: CorrectedFact): Promise<string[]> {
    const ids: string[] = [];
    for (const k of candidatesOf(c)) {
      const id = stableId('curation', k.kind, k.term, k.target);
      const span: CurationSpan = {
        feedbackId: c.feedbackId,
        span: c.span,
        quote: c.quote,
        was: k.kind === 'lexicon' ? `${c.concept.system}|${c.concept.code}` : c.assertion,
      };
      await this.sql.transaction(async (tx) => {
        await tx.query(
          `insert into learning_curation_candidate (id, kind, term, lang, target, category)
           values ($1, $2, $3, $4, $5, $6) on conflict (id) do nothing`,
          [id, k.kind, k.term, langOf(k.term), k.target, k.category ?? null],
        );
        const counted = await tx.query(
          `insert into learning_curation_source (feedback_id, candidate_id) values ($1, $2) on conflict do nothing`,
          [c.feedbackId, id],
        );
        if ((counted.rowCount ?? 0) === 0) return;
        const { rows } = await tx.query<{ spans: CurationSpan[] | string }>(
          'select spans from learning_curation_candidate where id = $1 for update',
          [id],
        );
        const spans = rows[0]!.spans;
        const kept = [...(typeof spans === 'string' ? (JSON.parse(spans) as CurationSpan[]) : spans), span];
        await tx.query(
          `update learning_curation_candidate set corrections = corrections + 1, spans = $2, updated_at = now(),
             category = coalesce(category, $3) where id = $1`,
          [id, JSON.stringify(kept.slice(-MAX_SPANS)), k.category ?? null],
        );
      });
      ids.push(id);
    }
    return ids;
  }

  /** Candidates, most corrected first. */
  async list(status?: CandidateStatus): Promise<CurationCandidate[]> {
    const { rows } = await this.sql.query<Record<string, unknown>>(
      `select * from learning_curation_candidate where ($1::text is null or status = $1)
       order by corrections desc, updated_at desc, id`,
      [status ?? null],
    );
    return rows.map(candidateOf);
  }

  /** An administrator's decision on a candidate (it can be decided again: a rejection can be reconsidered). */
  async decide(id: string, status: 'accepted' | 'rejected', by: string): Promise<CurationCandidate> {
    if (!by.trim()) throw invalid('who decides must be named', { field: 'by' });
    const { rows } = await this.sql.query<Record<string, unknown>>(
      `update learning_curation_candidate set status = $2, decided_by = $3, decided_at = now() where id = $1
       returning *`,
      [id, status, by],
    );
    if (!rows[0]) throw notFound(`no curation candidate '${id}'`, { field: 'id' });
    return candidateOf(rows[0]);
  }

  /** The accepted candidates as additions for the knowledge team: lexicon entries and ConText cue rows. */
  async exportAccepted(): Promise<CurationExport> {
    return curationExport(await this.list('accepted'));
  }
}

function candidateOf(r: Record<string, unknown>): CurationCandidate {
  const kind = r.kind as CandidateKind;
  const spans = (typeof r.spans === 'string' ? JSON.parse(r.spans) : r.spans) as CurationSpan[];
  return {
    id: r.id as string,
    kind,
    term: r.term as string,
    lang: r.lang as 'zh' | 'en',
    target: kind === 'lexicon' ? (JSON.parse(r.target as string) as Coding) : (r.target as Assertion),
    ...(r.category ? { category: r.category as string } : {}),
    corrections: Number(r.corrections),
    spans,
    status: r.status as CandidateStatus,
    ...(r.decided_by ? { decidedBy: r.decided_by as string } : {}),
    ...(r.decided_at ? { decidedAt: new Date(r.decided_at as string).toISOString() } : {}),
    updatedAt: new Date(r.updated_at as string).toISOString(),
  };
}

export interface CurationExport {
  readonly lexicon: readonly LexiconEntry[];
  /** Rows in the columns of src/nlp/data/lexicon-builtin.tsv (the term as a synonym of its language). */
  readonly lexiconTsv: string;
  readonly cues: readonly {
    readonly cue: string;
    readonly lang: 'zh' | 'en';
    readonly category: string;
    readonly direction?: string;
  }[];
  /** Rows in the columns of src/nlp/data/context-<lang>.tsv; a cue with no known direction is marked for the curator. */
  readonly contextTsv: string;
}

const SYSTEM_ABBREVIATIONS: Readonly<Record<string, string>> = {
  [CodeSystems.snomed]: 'snomed',
  [CodeSystems.icd10]: 'icd10',
  [CodeSystems.loinc]: 'loinc',
  [CodeSystems.atc]: 'atc',
  [CodeSystems.rxnorm]: 'rxnorm',
};

export function curationExport(accepted: readonly CurationCandidate[]): CurationExport {
  const words = accepted.filter((c) => c.kind === 'lexicon');
  const lexicon: LexiconEntry[] = words.map((c) => ({
    term: c.term,
    lang: c.lang,
    concept: c.target as Coding,
    category: (c.category ?? 'finding') as FactCategory,
  }));
  const lexiconTsv = lexicon
    .map((e) =>
      [
        e.category,
        `${SYSTEM_ABBREVIATIONS[e.concept.system] ?? e.concept.system}:${e.concept.code}`,
        e.concept.display ?? '',
        e.concept.displayZh ?? '',
        e.lang === 'en' ? e.term : '',
        e.lang === 'zh' ? e.term : '',
        '',
      ].join('\t'),
    )
    .join('\n');
  const cues = accepted
    .filter((c) => c.kind === 'assertion-cue')
    .map((c) => ({
      cue: c.term,
      lang: c.lang,
      category: CONTEXT_CATEGORY[c.target as Assertion],
      // A pseudo-trigger's rows say `pseudo` in the direction column (context-zh.tsv).
      ...(c.target === 'present' ? { direction: 'pseudo' } : c.category ? { direction: c.category } : {}),
    }));
  const contextTsv = cues
    .map((c) => (c.direction ? '' : '# direction to set: ') + [c.cue, c.category, c.direction ?? ''].join('\t'))
    .join('\n');
  return { lexicon, lexiconTsv, cues, contextTsv };
}
