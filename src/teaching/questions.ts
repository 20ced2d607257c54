import { createHash } from 'node:crypto';
import { type Bilingual, invalid, seededRandom } from '../core/index.js';
import type { KgRelation, KgSource, KnowledgeGraph, ReleaseOption } from '../knowledge/index.js';
import { ReleaseFacts } from './release-facts.js';

/**
 * Exam-style practice questions generated from the knowledge release, never from free model text.
 * A generator proposes a question from the relations it starts from (cheaply: the edge's own ends,
 * no class expansion, no related conditions); the checker (`checkQuestion`) then re-derives, from the
 * release with the engines' semantics (ReleaseFacts), that the keyed answer is supported by the
 * cited relation and that no distractor is a correct answer. A question the checker refuses is never
 * shown; the generator tries other distractors a few times, and the refusals are counted.
 */
export type QuestionKind = 'interaction' | 'contraindication' | 'finding' | 'monitoring' | 'pharmacogenomic';

export const QUESTION_KINDS: readonly QuestionKind[] = [
  'interaction',
  'contraindication',
  'finding',
  'monitoring',
  'pharmacogenomic',
];

export interface QuestionOption {
  /** A concept id of the release (`drug:warfarin`), or `order:<English text>` for a test a rule orders. */
  readonly id: string;
  readonly text: Bilingual;
}

/** Where a keyed answer comes from: the release's relation, its rule and the authority it cites. */
export interface QuestionSource {
  readonly release: number;
  readonly relation: string;
  readonly rule?: string;
  readonly authority: Pick<KgSource, 'id' | 'name' | 'document' | 'version' | 'url' | 'licence'>;
  /** `name, document (version)`: the citation as a reader quotes it. */
  readonly citation: string;
}

export interface PracticeQuestion {
  /** Stable: the same kind, subject and answer in the same release give the same id. */
  readonly id: string;
  readonly kind: QuestionKind;
  /** The concept ids the stem asks about (one drug, one finding, or a drug pair). */
  readonly subject: readonly string[];
  readonly stem: Bilingual;
  readonly options: readonly QuestionOption[];
  /** The keyed option's id. */
  readonly answer: string;
  readonly explanation: Bilingual;
  readonly source: QuestionSource;
}

export interface CheckResult {
  readonly ok: boolean;
  readonly problems: readonly string[];
}

export interface GeneratedQuestions {
  readonly release: number;
  readonly questions: readonly PracticeQuestion[];
  /** Candidates the checker refused, with its reasons (never shown to a learner). */
  readonly rejected: readonly {
    readonly kind: QuestionKind;
    readonly subject: readonly string[];
    readonly problems: readonly string[];
  }[];
  /** Per kind: questions shown, candidates the checker refused, and subjects left with no question at all. */
  readonly counts: Readonly<
    Record<QuestionKind, { readonly generated: number; readonly rejected: number; readonly dropped: number }>
  >;
}

const bi = (en: string, zh: string): Bilingual => ({ en, zh });
const zhOf = (b: Bilingual) => b.zh ?? b.en;
const ATTEMPTS = 8;
/** Distractors per question: three, then two when three could not be found (a small pool, e.g. five conditions). */
const distractorCount = (attempt: number) => (attempt < ATTEMPTS / 2 ? 3 : 2);

/** Generates every question the release supports, each checked before it is returned. */
export async function generateQuestions(kg: KnowledgeGraph, options: ReleaseOption = {}): Promise<GeneratedQuestions> {
  const facts = await ReleaseFacts.load(kg, options);
  return generateFromFacts(facts);
}

export function generateFromFacts(facts: ReleaseFacts): GeneratedQuestions {
  const questions: PracticeQuestion[] = [];
  const rejected: { kind: QuestionKind; subject: string[]; problems: readonly string[] }[] = [];
  const counts = Object.fromEntries(
    QUESTION_KINDS.map((k) => [k, { generated: 0, rejected: 0, dropped: 0 }]),
  ) as Record<QuestionKind, { generated: number; rejected: number; dropped: number }>;
  const seen = new Set<string>();
  for (const proposal of proposals(facts)) {
    let accepted = false;
    let kind: QuestionKind | undefined;
    for (let attempt = 0; attempt < ATTEMPTS && !accepted; attempt++) {
      const q = proposal(attempt);
      if (!q) break;
      kind = q.kind;
      if (seen.has(q.id)) {
        accepted = true;
        break;
      }
      const check = checkQuestion(facts, q);
      if (check.ok) {
        seen.add(q.id);
        questions.push(q);
        counts[q.kind].generated++;
        accepted = true;
      } else {
        counts[q.kind].rejected++;
        rejected.push({ kind: q.kind, subject: [...q.subject], problems: check.problems });
      }
    }
    if (!accepted && kind) counts[kind].dropped++;
  }
  return { release: facts.release, questions, rejected, counts };
}

type Proposal = (attempt: number) => PracticeQuestion | undefined;

function* proposals(facts: ReleaseFacts): Generator<Proposal> {
  yield* interactionProposals(facts);
  yield* contraindicationProposals(facts);
  yield* findingProposals(facts);
  yield* monitoringProposals(facts);
  yield* pgxProposals(facts);
}

/** The drugs a side names: itself when a drug, its members (from `member-of`) when a class. */
function membersOf(facts: ReleaseFacts, side: string): string[] {
  if (side.startsWith('drug:')) return [side];
  return facts
    .of('member-of')
    .filter((m) => m.to === side)
    .map((m) => m.from)
    .sort();
}

/** Random picks of `n` from `pool`, seeded by the question and the attempt. */
function pickSome<T>(pool: readonly T[], n: number, seed: string): T[] {
  const rand = seededRandom(hashNumber(seed));
  const copy = [...pool];
  for (let i = copy.length - 1; i > 0; i--) {
    const j = Math.floor(rand() * (i + 1));
    [copy[i], copy[j]] = [copy[j]!, copy[i]!];
  }
  return copy.slice(0, n);
}

function hashNumber(s: string): number {
  return createHash('sha256').update(s).digest().readUInt32BE(0);
}

function questionId(kind: QuestionKind, subject: readonly string[], answer: string, release: number): string {
  return `q-${createHash('sha256')
    .update(`${release}|${kind}|${subject.join('+')}|${answer}`)
    .digest('hex')
    .slice(0, 12)}`;
}

function sourceOf(facts: ReleaseFacts, r: KgRelation): QuestionSource {
  const s = r.source;
  const rule = typeof r.attrs.rule === 'string' ? r.attrs.rule : undefined;
  const citation = [s.name, s.document, s.version ? `(${s.version})` : '']
    .filter(Boolean)
    .join(', ')
    .replace(', (', ' (');
  return {
    release: facts.release,
    relation: r.id,
    ...(rule ? { rule } : {}),
    authority: {
      id: s.id,
      name: s.name,
      ...(s.document ? { document: s.document } : {}),
      ...(s.version ? { version: s.version } : {}),
      ...(s.url ? { url: s.url } : {}),
      ...(s.licence ? { licence: s.licence } : {}),
    },
    citation,
  };
}

function build(
  facts: ReleaseFacts,
  kind: QuestionKind,
  subject: string[],
  stem: Bilingual,
  answer: QuestionOption,
  distractors: readonly QuestionOption[],
  explanation: Bilingual,
  relation: KgRelation,
): PracticeQuestion {
  const id = questionId(kind, subject, answer.id, facts.release);
  const options = pickSome([answer, ...distractors], distractors.length + 1, `${id}|order`);
  return {
    id,
    kind,
    subject,
    stem,
    options,
    answer: answer.id,
    explanation,
    source: sourceOf(facts, relation),
  };
}

const option = (facts: ReleaseFacts, id: string): QuestionOption => ({ id, text: facts.name(id) });

function* interactionProposals(facts: ReleaseFacts): Generator<Proposal> {
  const drugs = facts.drugs().sort();
  const byRule = new Map<string, KgRelation>();
  for (const r of facts.of('interacts-with')) {
    const rule = String(r.attrs.rule ?? r.id);
    // A rule that fires only under a condition data cannot state is no exam answer.
    if (!byRule.has(rule) && !r.attrs.predicate) byRule.set(rule, r);
  }
  for (const r of byRule.values()) {
    const x = membersOf(facts, r.from)[0];
    const y = membersOf(facts, r.to ?? '').find((d) => d !== x);
    if (!x || !y) continue;
    // Proposal: drugs never named directly with x in an edge (the checker expands classes).
    const direct = new Set(
      facts
        .of('interacts-with')
        .flatMap((e) => (e.from === x ? [e.to] : e.to === x ? [e.from] : []))
        .filter(Boolean),
    );
    const pool = drugs.filter((d) => d !== x && d !== y && !direct.has(d));
    const display = r.attrs.display as { risk?: Bilingual; action?: Bilingual } | undefined;
    const risk = display?.risk ?? { en: String(r.attrs.risk ?? '') };
    const action = display?.action ?? { en: '' };
    yield (attempt) => {
      const [xn, yn] = [facts.name(x), facts.name(y)];
      return build(
        facts,
        'interaction',
        [x],
        bi(
          `Which of these drugs has an interaction with ${xn.en} in the rule book?`,
          `按规则库，下列哪种药物与${zhOf(xn)}存在相互作用？`,
        ),
        option(facts, y),
        pickSome(pool, distractorCount(attempt), `${x}|${y}|${attempt}`).map((d) => option(facts, d)),
        bi(
          `${xn.en} + ${yn.en}: ${risk.en}. ${action.en}`.trim(),
          `${zhOf(xn)} + ${zhOf(yn)}：${zhOf(risk)}。${zhOf(action)}`,
        ),
        r,
      );
    };
  }
}

function* contraindicationProposals(facts: ReleaseFacts): Generator<Proposal> {
  const conditions = [...facts.concepts.values()]
    .filter((c) => c.id.startsWith('condition:'))
    .map((c) => c.id)
    .sort();
  const done = new Set<string>();
  for (const r of facts.of('contraindicated-in')) {
    if (!r.to?.startsWith('condition:')) continue;
    for (const x of membersOf(facts, r.from).slice(0, 2)) {
      if (done.has(`${x}|${r.to}`)) continue;
      done.add(`${x}|${r.to}`);
      const direct = new Set(
        facts
          .of('contraindicated-in')
          .filter((e) => e.from === x)
          .map((e) => e.to),
      );
      const pool = conditions.filter((c) => c !== r.to && !direct.has(c));
      const title = r.attrs.title as Bilingual | undefined;
      const action = r.attrs.action as Bilingual | undefined;
      const xn = facts.name(x);
      const to = r.to;
      yield (attempt) =>
        build(
          facts,
          'contraindication',
          [x],
          bi(
            `In which of these conditions does the rule book contraindicate or advise against ${xn.en}?`,
            `按规则库，下列哪种情况禁用或不宜使用${zhOf(xn)}？`,
          ),
          option(facts, to),
          pickSome(pool, distractorCount(attempt), `${x}|${to}|${attempt}`).map((c) => option(facts, c)),
          bi(
            `${title?.en ?? ''}: ${action?.en ?? ''}`.replace(/^: /, ''),
            `${title ? zhOf(title) : ''}：${action ? zhOf(action) : ''}`,
          ),
          r,
        );
    }
  }
}

function* findingProposals(facts: ReleaseFacts): Generator<Proposal> {
  const hasFinding = facts.of('has-finding');
  const diseases = [...new Set(hasFinding.map((r) => r.from))].sort();
  const byFinding = new Map<string, KgRelation[]>();
  for (const r of hasFinding) {
    if (!r.to) continue;
    const f = facts.concepts.get(r.to);
    // Yes/no findings only: a categorical one ("pain onset speed") asks nothing by its name alone.
    if (f?.type !== 'finding' || f.attrs.dataType !== 'B') continue;
    const list = byFinding.get(r.to) ?? [];
    list.push(r);
    byFinding.set(r.to, list);
  }
  for (const [f, edges] of [...byFinding].sort(([a], [b]) => a.localeCompare(b))) {
    const linked = new Set(edges.map((e) => e.from));
    if (diseases.length - linked.size < 3) continue;
    const keyed = edges.sort((a, b) => a.from.localeCompare(b.from))[0]!;
    const pool = diseases.filter((d) => !linked.has(d));
    const fn = facts.name(f);
    yield (attempt) => {
      const dn = facts.name(keyed.from);
      return build(
        facts,
        'finding',
        [f],
        bi(
          `In the diagnosis network, the finding "${fn.en}" raises the probability of which disease?`,
          `在诊断网络中，“${zhOf(fn)}”这一表现提示下列哪种疾病？`,
        ),
        option(facts, keyed.from),
        pickSome(pool, distractorCount(attempt), `${f}|${attempt}`).map((d) => option(facts, d)),
        bi(
          `${keyed.source.name} lists "${fn.en}" among the findings of ${dn.en}.`,
          `${keyed.source.name}将“${zhOf(fn)}”列为${zhOf(dn)}的表现之一。`,
        ),
        keyed,
      );
    };
  }
}

interface Order {
  readonly key: string;
  readonly text: Bilingual;
}

function orderOf(r: KgRelation): Order | undefined {
  const o = (r.attrs.display as { order?: Bilingual } | undefined)?.order;
  return o?.en ? { key: `order:${o.en}`, text: o } : undefined;
}

function* monitoringProposals(facts: ReleaseFacts): Generator<Proposal> {
  const all = new Map<string, Order>();
  const byRule = new Map<string, KgRelation>();
  for (const r of facts.of('interacts-with')) {
    const o = orderOf(r);
    if (!o) continue;
    all.set(o.key, o);
    const rule = String(r.attrs.rule ?? r.id);
    if (!byRule.has(rule) && !r.attrs.predicate) byRule.set(rule, r);
  }
  for (const r of byRule.values()) {
    const x = membersOf(facts, r.from)[0];
    const y = membersOf(facts, r.to ?? '').find((d) => d !== x);
    const o = orderOf(r)!;
    if (!x || !y) continue;
    const pool = [...all.values()].filter((p) => p.key !== o.key);
    const [xn, yn] = [facts.name(x), facts.name(y)];
    const action = (r.attrs.display as { action?: Bilingual } | undefined)?.action;
    yield (attempt) =>
      build(
        facts,
        'monitoring',
        [x, y],
        bi(
          `A patient takes ${xn.en} and ${yn.en} together. Which test does the rule book say to order or monitor?`,
          `患者同时使用${zhOf(xn)}和${zhOf(yn)}，按规则库应开具或监测哪项检查？`,
        ),
        { id: o.key, text: o.text },
        pickSome(pool, distractorCount(attempt), `${x}|${y}|${attempt}`).map((p) => ({ id: p.key, text: p.text })),
        action ? bi(action.en, zhOf(action)) : bi(String(r.attrs.management ?? ''), String(r.attrs.management ?? '')),
        r,
      );
  }
}

function* pgxProposals(facts: ReleaseFacts): Generator<Proposal> {
  const genes = [...facts.concepts.values()]
    .filter((c) => c.type === 'gene')
    .map((c) => c.id)
    .sort();
  const byDrug = new Map<string, KgRelation[]>();
  for (const r of facts.of('pgx-recommendation')) {
    if (!r.to) continue;
    const list = byDrug.get(r.to) ?? [];
    list.push(r);
    byDrug.set(r.to, list);
  }
  for (const [drug, recs] of [...byDrug].sort(([a], [b]) => a.localeCompare(b))) {
    // Proposal: the gene named at the start of the phenotype's own name (`CYP2C19 Poor Metabolizer`).
    const rec = recs[0]!;
    const phenotype = facts.name(rec.from).en;
    const gene =
      genes.find((g) => phenotype.startsWith(facts.name(g).en)) ??
      genes.find((g) => phenotype.startsWith(facts.name(g).en.split('*')[0]!));
    if (!gene) continue;
    const named = new Set(recs.map((r) => facts.name(r.from).en.split(' ')[0]));
    const pool = genes.filter((g) => g !== gene && !named.has(facts.name(g).en));
    const dn = facts.name(drug);
    const gn = facts.name(gene);
    yield (attempt) =>
      build(
        facts,
        'pharmacogenomic',
        [drug],
        bi(
          `Which genotype result guides prescribing of ${dn.en} in the rule book?`,
          `按规则库，开具${zhOf(dn)}前应参考哪项基因检测结果？`,
        ),
        option(facts, gene),
        pickSome(pool, distractorCount(attempt), `${drug}|${attempt}`).map((g) => option(facts, g)),
        bi(
          `${phenotype}: ${String(rec.attrs.text ?? '')}`,
          `${phenotype}：${String(rec.attrs.text ?? '')}（${gn.en}）`,
        ),
        rec,
      );
  }
}

/**
 * Checks one question against the release: the cited relation is in it and says the keyed answer;
 * no distractor is a correct answer (for a drug, through its classes too; for a condition, no
 * condition that shares a code with a contraindicated one; for a disease, no finding or risk-factor
 * link, nor a finding of the same name). Returns every problem found.
 */
export function checkQuestion(facts: ReleaseFacts, q: PracticeQuestion): CheckResult {
  const problems: string[] = [];
  const cited = facts.relations.get(q.source.relation);
  if (!cited) problems.push(`the cited relation ${q.source.relation} is not in release ${facts.release}`);
  const ids = q.options.map((o) => o.id);
  if (new Set(ids).size !== ids.length) problems.push('two options are the same');
  if (q.options.length < 3) problems.push(`only ${q.options.length} options`);
  if (ids.filter((i) => i === q.answer).length !== 1) problems.push('the keyed answer is not exactly one option');
  const distractors = ids.filter((i) => i !== q.answer);
  const correct = correctness(facts, q);
  if (!correct.keyed.includes(q.source.relation))
    problems.push(`the cited relation does not support the keyed answer ${q.answer}`);
  for (const d of distractors) {
    const why = correct.distractor(d);
    if (why) problems.push(`distractor ${d} is a correct answer: ${why}`);
  }
  return { ok: problems.length === 0, problems };
}

function correctness(
  facts: ReleaseFacts,
  q: PracticeQuestion,
): { keyed: string[]; distractor: (id: string) => string | undefined } {
  const [x, y] = q.subject as [string, string | undefined];
  switch (q.kind) {
    case 'interaction':
      return {
        keyed: facts.interactionsBetween(x, q.answer).map((r) => r.id),
        distractor: (d) => facts.interactionsBetween(x, d).map((r) => String(r.attrs.rule))[0],
      };
    case 'contraindication': {
      const cis = facts.contraindicationsOf(x);
      const codes = (id: string): string[] => {
        const m = facts.concepts.get(id)?.attrs.match as { icd10?: string[]; snomed?: string[] } | undefined;
        return [...(m?.icd10 ?? []).map((c) => `icd10:${c}`), ...(m?.snomed ?? []).map((c) => `snomed:${c}`)];
      };
      const overlaps = (a: string, b: string) =>
        codes(a).some((ca) => codes(b).some((cb) => ca.startsWith(cb) || cb.startsWith(ca)));
      return {
        keyed: cis.filter((r) => r.to === q.answer).map((r) => r.id),
        distractor: (d) => {
          const direct = cis.find((r) => r.to === d);
          if (direct) return String(direct.attrs.rule ?? direct.id);
          const near = cis.find((r) => r.to && overlaps(r.to, d));
          return near ? `shares a code with ${near.to} (${String(near.attrs.rule ?? near.id)})` : undefined;
        },
      };
    }
    case 'finding': {
      const name = facts.name(x).en.toLowerCase();
      return {
        keyed: facts.findingLinks(x, q.answer).map((r) => r.id),
        distractor: (d) => {
          const link = facts.findingLinks(x, d)[0];
          if (link) return `${link.type} ${link.id}`;
          const similar = facts
            .of('has-finding')
            .find((r) => r.from === d && r.to && r.to !== x && sameFinding(facts.name(r.to).en.toLowerCase(), name));
          return similar ? `it has the finding ${facts.name(similar.to!).en}` : undefined;
        },
      };
    }
    case 'monitoring': {
      if (!y) throw invalid('a monitoring question names two drugs', { field: 'subject' });
      const rules = facts.interactionsBetween(x, y);
      return {
        keyed: rules.filter((r) => orderOf(r)?.key === q.answer).map((r) => r.id),
        distractor: (d) => rules.find((r) => orderOf(r)?.key === d)?.id,
      };
    }
    case 'pharmacogenomic': {
      const genes = facts.pgxGenesOf(x);
      return {
        keyed: (genes.get(q.answer) ?? []).map((r) => r.id),
        distractor: (d) => (genes.has(d) ? `recommendation ${genes.get(d)![0]!.id}` : undefined),
      };
    }
  }
}

/** Whether two finding names are the same finding or one contains the other as a word ("cough", "productive cough"). */
function sameFinding(a: string, b: string): boolean {
  if (a === b) return true;
  const word = (s: string, w: string) =>
    new RegExp(`(^|\\W)${w.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}(\\W|$)`).test(s);
  return word(a, b) || word(b, a);
}

/** A question as a learner sees it before answering: without its key and explanation. */
export function unkeyed(q: PracticeQuestion): Omit<PracticeQuestion, 'answer' | 'explanation'> {
  const { answer: _a, explanation: _e, ...rest } = q;
  return rest;
}
