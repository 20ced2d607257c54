import type { Fact } from '../../../core/index.js';
import { type DrugIndex, drugIndex, type DrugRef } from '../drugs.js';
import { activeMedications, genotypes, label, text } from '../facts.js';
import { formularyOf, formularyReplacement } from '../formulary.js';
import { type Finding, factEvidence, type SafetyRule, type Suggestion } from '../rule.js';
import { type BookPgxRule, type PgxEdge, type SafetyRuleBook, type SideRef, safetyRulesFromData } from '../rulebook.js';

/**
 * CPIC gene–drug rules PGx01–PGx10 (cds-rules.md §4) as the rule book holds them (knowledge
 * `pharmacogenomics.json` cards, or a release a curator edited). They read a genotype/phenotype fact
 * (biology space: e.g. concept "CYP2C19", valueText "Poor Metabolizer"; or "HLA-B*58:01" with
 * "positive"); they never map diplotypes to phenotypes themselves. They fire only when a result is
 * on file, except the label-required pre-test prompts (abacavir, rasburicase). An ambiguous call (the
 * fact's `ambiguousGenotype` and `possiblePhenotypes` qualifiers, e.g. unphased TPMT *1/*3A or *3B/*3C)
 * fires the least severe verdict all its candidates reach, or asks to confirm it (`outcome`). Wordings
 * that name no status (VKORC1 `-1639 AA`) and DPYD activity score bands are the card's data.
 */
export type Phenotype =
  | 'poor'
  | 'intermediate'
  | 'normal'
  | 'rapid'
  | 'ultrarapid'
  | 'positive'
  | 'negative'
  | 'deficient'
  | 'decreased'
  | 'possibly-decreased'
  | 'poor-function'
  | 'increased'
  | 'sensitive';

export interface GeneResult {
  readonly fact: Fact;
  readonly gene: string;
  readonly phenotype?: Phenotype;
  readonly activityScore?: number;
  /** An ambiguous call (no single diplotype): its candidate phenotypes (the fact's `possiblePhenotypes`). */
  readonly possible?: readonly (Phenotype | undefined)[];
  /** The ambiguous call's candidate diplotypes, as reported (`TPMT*1/TPMT*3A or TPMT*3B/TPMT*3C`). */
  readonly ambiguous?: string;
}

/** The phenotype terms the judges read (a card's result terms must name one of them). */
export const PHENOTYPES: readonly Phenotype[] = [
  'poor',
  'intermediate',
  'normal',
  'rapid',
  'ultrarapid',
  'positive',
  'negative',
  'deficient',
  'decreased',
  'possibly-decreased',
  'poor-function',
  'increased',
  'sensitive',
];

/** A card's result terms (`results.terms`): a gene's wording → phenotype, read before the generic words. */
export type ResultTerms = NonNullable<PgxEdge['results']>['terms'];

const GENES = [
  'hla-b*58:01',
  'hla-b*15:02',
  'hla-a*31:01',
  'hla-b*57:01',
  'cyp2c19',
  'cyp2d6',
  'cyp2c9',
  'cyp4f2',
  'vkorc1',
  'tpmt',
  'nudt15',
  'dpyd',
  'slco1b1',
  'g6pd',
];

function phenotypeOf(t: string): Phenotype | undefined {
  if (/ultra ?rapid|超快/.test(t)) return 'ultrarapid';
  if (/(likely )?poor metabolizer|慢代谢|弱代谢/.test(t)) return 'poor';
  if (/(likely )?intermediate metabolizer|中间代谢/.test(t)) return 'intermediate';
  if (/poor function/.test(t)) return 'poor-function';
  if (/possibly decreased function/.test(t)) return 'possibly-decreased';
  if (/decreased function|功能降低/.test(t)) return 'decreased';
  if (/increased function/.test(t)) return 'increased';
  if (/rapid metabolizer|快代谢/.test(t)) return 'rapid';
  if (/normal metabolizer|normal function|正常代谢/.test(t)) return 'normal';
  if (/deficien|缺乏|缺陷/.test(t)) return 'deficient';
  if (/sensitiv|敏感/.test(t)) return 'sensitive';
  if (/\bnegative\b|not detected|non-?carrier|阴性|未检出/.test(t)) return 'negative';
  if (/\bpositive\b|carrier|detected|present|阳性|携带|检出/.test(t)) return 'positive';
  return undefined;
}

/** A gene's phenotype: the card's result terms for that gene first (VKORC1 `-1639 AA`), then the generic words. */
function phenotypeFor(gene: string, t: string, terms: ResultTerms): Phenotype | undefined {
  for (const x of terms)
    if (
      x.gene.toLowerCase() === gene &&
      new RegExp(x.pattern, 'i').test(t) &&
      PHENOTYPES.includes(x.phenotype as Phenotype)
    )
      return x.phenotype as Phenotype;
  return phenotypeOf(t);
}

/**
 * The gene results on file, one per genotype fact (a fact naming several genes gives several).
 * `terms`: the card's result wordings (pharmacogenomics.json `card.results`).
 */
export function geneResults(facts: readonly Fact[], terms: ResultTerms = []): GeneResult[] {
  const out: GeneResult[] = [];
  for (const f of facts) {
    const t = text(f);
    // An ambiguous call whose candidates agree has its phenotype in a result of its own: only one that
    // lists candidates (`possiblePhenotypes`) is judged candidate by candidate.
    const possible = f.qualifiers?.possiblePhenotypes?.split('|').map((x) => x.trim().toLowerCase());
    const ambiguous = possible?.length ? (f.qualifiers?.ambiguousGenotype ?? f.valueText ?? '') : undefined;
    const q = f.qualifiers?.activityScore;
    const as =
      /activity score[^0-9]*([0-9](?:\.[05])?)|\bas\s*([0-9](?:\.[05])?)|活性评分[^0-9]*([0-9](?:\.[05])?)/.exec(t);
    const score =
      ambiguous !== undefined
        ? undefined
        : q !== undefined && q !== ''
          ? Number(q)
          : as
            ? Number(as[1] ?? as[2] ?? as[3])
            : undefined;
    for (const g of GENES) {
      if (!t.includes(g)) continue;
      const phen = ambiguous !== undefined ? undefined : phenotypeFor(g, t, terms);
      out.push({
        fact: f,
        gene: g,
        ...(phen ? { phenotype: phen } : {}),
        ...(score !== undefined && !Number.isNaN(score) ? { activityScore: score } : {}),
        ...(ambiguous !== undefined
          ? { ambiguous, possible: (possible ?? []).map((p) => phenotypeFor(g, p, terms)) }
          : {}),
      });
    }
  }
  return out;
}

/** A judge's outcome: which of the card's verdicts applies, on which results. */
interface Judgement {
  readonly verdict: string;
  readonly results: readonly GeneResult[];
}

type JudgeFn = (
  results: readonly GeneResult[],
  med: Fact,
  now: string,
  ix: DrugIndex,
  card: Pick<PgxEdge, 'activityScores'>,
) => Judgement | undefined;

/** A named judge and every verdict key it can return (each must be on the card that names it). */
export interface PgxJudge {
  readonly verdicts: readonly string[];
  readonly judge: JudgeFn;
}

const judged = (verdicts: readonly string[], judge: JudgeFn): PgxJudge => ({ verdicts, judge });

const find = (rs: readonly GeneResult[], gene: string, ...ph: Phenotype[]) =>
  rs.filter((r) => r.gene === gene && r.phenotype && ph.includes(r.phenotype));
const has = (rs: readonly GeneResult[], gene: string) => rs.some((r) => r.gene === gene);
const when = (verdict: string, results: readonly GeneResult[]): Judgement | undefined =>
  results.length ? { verdict, results } : undefined;

/**
 * The gene logic data cannot state, by the name a PGx card gives (`card.judge` in
 * pharmacogenomics.json); each returns one of that card's verdict keys. Titles, severities and
 * texts are in the data; an unknown name is a consistency-test failure.
 */
export const PGX_JUDGES: Readonly<Record<string, PgxJudge>> = {
  'cyp2c19-reduced-function': judged(['reduced'], (rs) => when('reduced', find(rs, 'cyp2c19', 'poor', 'intermediate'))),
  'hla-b5801-positive': judged(['positive'], (rs) => when('positive', find(rs, 'hla-b*58:01', 'positive'))),
  'hla-carbamazepine-drug-naive': judged(['b1502-positive', 'a3101-positive'], (rs, med, now, ix) => {
    // "If the drug has been taken continuously for more than 3 months without reaction, its use may be cautiously considered."
    const since = med.status !== 'draft' ? med.time?.start : undefined;
    if (since && Date.parse(now) - Date.parse(since) > 90 * 86_400_000) return undefined;
    const b1502 = find(rs, 'hla-b*15:02', 'positive');
    if (b1502.length) return { verdict: 'b1502-positive', results: b1502 };
    const a3101 = find(rs, 'hla-a*31:01', 'positive');
    const bNeg = find(rs, 'hla-b*15:02', 'negative');
    if (a3101.length && ix.matches(med, { ingredient: 'carbamazepine' }) && (bNeg.length || !has(rs, 'hla-b*15:02')))
      return { verdict: 'a3101-positive', results: [...a3101, ...bNeg] };
    return undefined;
  }),
  'tpmt-nudt15-function': judged(
    ['poor', 'both-intermediate', 'one-intermediate', 'one-intermediate-thioguanine'],
    (rs, med, _now, ix) => {
      const pm = [...find(rs, 'tpmt', 'poor'), ...find(rs, 'nudt15', 'poor')];
      if (pm.length) return { verdict: 'poor', results: pm };
      const ti = find(rs, 'tpmt', 'intermediate');
      const ni = find(rs, 'nudt15', 'intermediate');
      if (ti.length && ni.length) return { verdict: 'both-intermediate', results: [...ti, ...ni] };
      const tg = ix.matches(med, { ingredient: 'thioguanine' });
      return when(tg ? 'one-intermediate-thioguanine' : 'one-intermediate', [...ti, ...ni]);
    },
  ),
  // A score on file reads through the card's activity score bands (data); without one, the phenotype words.
  'dpyd-activity-score': judged(['score-zero', 'poor', 'intermediate'], (rs, _med, _now, _ix, card) => {
    const d = rs.filter((r) => r.gene === 'dpyd');
    const bands = card.activityScores?.bands ?? [];
    const verdictOf = (r: GeneResult) =>
      r.activityScore !== undefined
        ? bands.find((b) => r.activityScore! >= b.min && r.activityScore! <= b.max)?.verdict
        : r.phenotype === 'poor' || r.phenotype === 'intermediate'
          ? r.phenotype
          : undefined;
    for (const v of ['score-zero', 'poor', 'intermediate']) {
      const j = when(
        v,
        d.filter((r) => verdictOf(r) === v),
      );
      if (j) return j;
    }
    return undefined;
  }),
  'slco1b1-function': judged(
    ['poor', 'decreased'],
    (rs) =>
      when('poor', find(rs, 'slco1b1', 'poor-function', 'poor')) ??
      when('decreased', find(rs, 'slco1b1', 'decreased', 'possibly-decreased')),
  ),
  'cyp2d6-ultrarapid-or-poor': judged(['ultrarapid', 'poor'], (rs) => {
    const r = find(rs, 'cyp2d6', 'ultrarapid', 'poor');
    return r.length ? { verdict: r[0]!.phenotype === 'ultrarapid' ? 'ultrarapid' : 'poor', results: r } : undefined;
  }),
  'warfarin-genotype': judged(['poor-and-sensitive', 'on-file'], (rs) => {
    const pm = find(rs, 'cyp2c9', 'poor');
    const sens = find(rs, 'vkorc1', 'sensitive', 'positive');
    if (pm.length && sens.length) return { verdict: 'poor-and-sensitive', results: [...pm, ...sens] };
    return when(
      'on-file',
      rs.filter((r) => r.gene === 'cyp2c9' || r.gene === 'vkorc1' || r.gene === 'cyp4f2'),
    );
  }),
  // The label-required pre-test prompts: no result on file is itself a finding.
  'g6pd-deficient-or-untested': judged(
    ['deficient', 'untested'],
    (rs) =>
      when('deficient', find(rs, 'g6pd', 'deficient')) ??
      (has(rs, 'g6pd') ? undefined : { verdict: 'untested', results: [] }),
  ),
  'hla-b5701-positive-or-untested': judged(
    ['positive', 'untested'],
    (rs) =>
      when('positive', find(rs, 'hla-b*57:01', 'positive')) ??
      (has(rs, 'hla-b*57:01') ? undefined : { verdict: 'untested', results: [] }),
  ),
};

type VerdictCard = PgxEdge['verdicts'][string];

/** What a card says for one medication: the verdict's texts, its results, and whether it asks to confirm. */
interface Outcome {
  readonly card: Pick<VerdictCard, 'statement' | 'action' | 'replaceWith' | 'order'> & {
    readonly severity: VerdictCard['severity'] | 'info';
  };
  readonly results: readonly GeneResult[];
  /** An ambiguous genotype left the verdict open: the card asks to confirm it, and suggests no removal. */
  readonly confirm?: true;
}

const SEVERITY_RANK = { info: 0, low: 1, moderate: 2, high: 3 } as const;
/** Ambiguous results whose candidates are tried one combination at a time (more is beyond any VCF call here). */
const MAX_COMBINATIONS = 64;

/**
 * The judge's verdict, and for an ambiguous genotype the verdict every candidate phenotype at least
 * reaches: the judge runs once per combination of candidates; the least severe verdict fires, worded
 * "possible … (ambiguous genotype: …)". Where some candidate reaches no verdict (e.g. a normal
 * metabolizer among them) but another does, an information card asks to confirm the genotype before
 * prescribing; never nothing. Candidates that all reach no verdict fire nothing, as a result would.
 */
function outcome(
  judge: JudgeFn,
  results: readonly GeneResult[],
  med: Fact,
  now: string,
  ix: DrugIndex,
  spec: PgxEdge,
): Outcome | undefined {
  const amb = results.filter((r) => r.ambiguous !== undefined);
  if (!amb.length) {
    const j = judge(results, med, now, ix, spec);
    const card = j && spec.verdicts[j.verdict];
    return card ? { card, results: j.results } : undefined;
  }
  let combos: (Phenotype | undefined)[][] = [[]];
  for (const r of amb) {
    const cands = r.possible?.length ? r.possible : [undefined];
    combos = combos.flatMap((c) => cands.map((p) => [...c, p]));
    if (combos.length > MAX_COMBINATIONS) break;
  }
  const tried = combos.slice(0, MAX_COMBINATIONS).map((combo) => {
    const rs = results.map((r) => {
      const i = amb.indexOf(r);
      if (i < 0) return r;
      const { possible: _p, ambiguous: _a, phenotype: _ph, ...rest } = r;
      return combo[i] ? { ...rest, phenotype: combo[i] } : rest;
    });
    const j = judge(rs, med, now, ix, spec);
    const card = j && spec.verdicts[j.verdict];
    // Map the substituted results back to the results on file (the same facts).
    return card && j ? { card, results: j.results.map((x) => results[rs.indexOf(x)] ?? x) } : undefined;
  });
  const fired = tried.filter((t): t is NonNullable<typeof t> => !!t);
  if (!fired.length) return undefined;
  // The ambiguous calls this card rests on (another gene's ambiguity is not this card's business).
  const inFired = amb.filter((r) => fired.some((t) => t.results.includes(r)));
  const rel = inFired.length ? inFired : amb;
  const involved = [...new Set([...fired.flatMap((t) => t.results), ...rel])];
  const genes = [...new Set(rel.map((r) => r.fact.qualifiers?.gene ?? r.gene.toUpperCase()))].join('/');
  const calls = rel.map((r) => `${r.fact.qualifiers?.gene ?? r.gene.toUpperCase()}: ${r.ambiguous}`).join('; ');
  const possible = rel
    .map((r) => r.fact.qualifiers?.possiblePhenotypes?.replaceAll(' | ', ' or '))
    .filter(Boolean)
    .join('; ');
  if (fired.length < tried.length)
    return {
      card: {
        severity: 'info',
        statement: {
          en: `Genotype ambiguous — confirm before prescribing (${calls}${possible ? `; possible ${possible}` : ''})`,
          zh: `基因型不确定——处方前请确认（${calls}${possible ? `；可能为${possible}` : ''}）`,
        },
        action: {
          en: `Some candidates call for: ${fired[0]!.card.action.en} Confirm the genotype before prescribing.`,
          zh: `部分候选基因型需要：${fired[0]!.card.action.zh}处方前请确认基因型。`,
        },
        order: {
          en: `${genes} genotype confirmation (phased or targeted test)`,
          zh: `${genes}基因型确认（定相或靶向检测）`,
        },
      },
      results: involved,
      confirm: true,
    };
  const least = fired.reduce((a, b) => (SEVERITY_RANK[b.card.severity] < SEVERITY_RANK[a.card.severity] ? b : a));
  const ambiguousIn = amb.filter((r) => least.results.includes(r));
  if (!ambiguousIn.length && fired.every((t) => t.card === least.card)) return least;
  const c = least.card;
  return {
    card: {
      ...c,
      statement: {
        en: `Possible ${c.statement.en} (ambiguous genotype: ${calls})`,
        zh: `可能为${c.statement.zh}（基因型不确定：${calls}）`,
      },
      action: {
        en: `${c.action.en} Confirm the genotype before prescribing.`,
        zh: `${c.action.zh}处方前请确认基因型。`,
      },
    },
    results: [...new Set([...least.results, ...rel])],
  };
}

const refOf = (s: SideRef): DrugRef => (s.kind === 'class' ? { class: s.id } : { ingredient: s.id });

function pgxRule(rule: BookPgxRule, ix: DrugIndex, book: SafetyRuleBook): SafetyRule | undefined {
  const spec = rule.edges[0]!;
  const judge = PGX_JUDGES[spec.judge]?.judge;
  // A judge this build does not know (a curator's typo) cannot be evaluated; the consistency test names it.
  if (!judge) return undefined;
  return {
    id: rule.id,
    group: 'pgx',
    title: spec.title,
    severity: spec.severity,
    source: spec.source,
    ...(rule.edges.some((e) => Object.values(e.verdicts).some((v) => v.replaceWith))
      ? { defaults: { formulary: 'default' } }
      : {}),
    evaluate({ state, now, params }) {
      const formulary = formularyOf(params.formulary, book);
      const results = geneResults(genotypes(state), spec.results?.terms);
      const out: Finding[] = [];
      for (const med of activeMedications(state)) {
        if (!rule.edges.some((e) => ix.matches(med, refOf(e.drug)))) continue;
        const o = outcome(judge, results, med, now, ix, spec);
        if (!o) continue;
        const v = o.card;
        const lm = label(med);
        const suggestions: Suggestion[] = [];
        // Only drugs of the hospital's formulary (prasugrel is not among those marketed in mainland China).
        const replaceWith = formularyReplacement(v.replaceWith, formulary, book);
        if (replaceWith)
          suggestions.push({
            kind: 'replace',
            factId: med.id,
            with: replaceWith,
            label: {
              en: `Replace ${lm.en} with ${replaceWith.en}`,
              zh: `将${lm.zh}换为${replaceWith.zh ?? replaceWith.en}`,
            },
          });
        if (v.order)
          suggestions.push({
            kind: 'order',
            what: v.order,
            label: { en: `Order ${v.order.en}`, zh: `开具${v.order.zh}` },
          });
        if (!v.order && !o.confirm)
          suggestions.push({ kind: 'remove', factId: med.id, label: { en: `Remove ${lm.en}`, zh: `撤销${lm.zh}` } });
        out.push({
          key: med.id,
          severity: v.severity,
          statement: { en: `${v.statement.en} (${lm.en})`, zh: `${v.statement.zh}（${lm.zh}）` },
          detail: v.action,
          evidence: [
            factEvidence(med, { en: `On ${lm.en}`, zh: `正在使用${lm.zh}` }),
            ...o.results.map((r) =>
              factEvidence(r.fact, {
                en: `Genotype: ${label(r.fact).en}${r.fact.valueText ? ` ${r.fact.valueText}` : ''}`,
                zh: `基因型：${label(r.fact).zh}${r.fact.valueText ? ` ${r.fact.valueText}` : ''}`,
              }),
            ),
            ...(o.results.length === 0
              ? [{ role: 'missing' as const, statement: { en: 'No result on file', zh: '无检测结果' }, sources: [] }]
              : []),
          ],
          involves: [med.id],
          suggestions,
        });
      }
      return out;
    },
  };
}

export function pgxRules(book: SafetyRuleBook): SafetyRule[] {
  const ix = drugIndex(book);
  return book.pgx.filter((r) => r.edges.length > 0).flatMap((r) => pgxRule(r, ix, book) ?? []);
}

export const PGX_RULES: readonly SafetyRule[] = pgxRules(safetyRulesFromData());
