import type { Bilingual, Coding, Evidence, KnowledgeSource, Lang, Sql } from '../core/index.js';
import { invalid, pick, say } from '../core/index.js';
import { lexiconSnapshot } from '../knowledge/index.js';
import { type Lexicon, releaseLexicon } from '../nlp/index.js';
import {
  activeReleaseNetwork,
  diagnoseText,
  differentialView,
  type Network,
  type ReleaseNetwork,
  releaseNetworks,
} from '../reasoning/index.js';
import { STEPS, type StepKey, stepTitle, type TeachingCase } from './cases.js';

/**
 * The tutor: at each step of a case, the learner's differential and next tests set against MedSeek's
 * own reasoning on the same revealed text (the causal differential of the active knowledge release,
 * each disease with its explanation and the knowledge edges, with their authorities, it rests on) and
 * against what the record shows was done and diagnosed.
 */
export interface Reasoner {
  readonly release: number;
  readonly net: Network;
  readonly codings?: ReadonlyMap<string, readonly Coding[]>;
  readonly lexicon?: Lexicon;
}

/** The reasoner of the active release (network built once per release by `networks`). */
export async function activeReasoner(
  sql: Sql,
  networks: (release: number) => Promise<ReleaseNetwork> = releaseNetworks(sql),
): Promise<Reasoner> {
  const { release, net, codings } = await activeReleaseNetwork(sql, networks);
  const lexicon = releaseLexicon(await lexiconSnapshot(sql, { release }));
  return { release, net, codings, lexicon };
}

export interface LearnerAnswer {
  readonly differential: readonly string[];
  readonly tests: readonly string[];
}

export interface MedSeekDifferentialEntry {
  readonly rank: number;
  readonly id: string;
  readonly name: Bilingual;
  readonly probability: number;
  /** The explanation in the case's language (findings for and against, from the release). */
  readonly explanation: string;
  readonly evidence: readonly Evidence[];
  /** The knowledge edges behind it, each with its authority, once each. */
  readonly knowledge: readonly KnowledgeSource[];
  /** Findings the release expects with it that the case has not stated yet: what MedSeek would ask or look for. */
  readonly lookFor: readonly Bilingual[];
}

export interface StepFeedback {
  readonly caseId: string;
  readonly step: StepKey;
  readonly index: number;
  readonly title: string;
  readonly release: number;
  readonly medseek: readonly MedSeekDifferentialEntry[];
  /** Each of the learner's diagnoses: the MedSeek entry it matches, and whether the record makes it. */
  readonly differential: readonly { readonly text: string; readonly medseek?: string; readonly inRecord: boolean }[];
  /** MedSeek's top three the learner did not name. */
  readonly missed: readonly string[];
  /** Each of the learner's tests: whether the record shows it done. */
  readonly tests: readonly { readonly text: string; readonly done: boolean }[];
  /** The tests the record shows, once the learner has committed to theirs. */
  readonly recordTests: readonly string[];
  /** The record's diagnoses: only at the last step. */
  readonly diagnoses?: readonly string[];
  readonly summary: string;
}

const MAX_ITEMS = 20;
const MAX_ITEM = 200;

/** Checks the learner's answer: lists of short strings (bad input names the field). */
export function learnerAnswer(body: unknown): LearnerAnswer {
  const b = (body ?? {}) as Record<string, unknown>;
  const list = (field: 'differential' | 'tests'): string[] => {
    const v = b[field] ?? [];
    if (!Array.isArray(v)) throw invalid(`${field} must be a list of strings`, { field });
    if (v.length > MAX_ITEMS) throw invalid(`${field} has ${v.length} items; at most ${MAX_ITEMS}`, { field });
    return v
      .map((x, i) => {
        if (typeof x !== 'string') throw invalid(`${field}[${i}] must be a string`, { field: `${field}[${i}]` });
        if (x.length > MAX_ITEM)
          throw invalid(`${field}[${i}] is longer than ${MAX_ITEM} characters`, { field: `${field}[${i}]` });
        return x.trim();
      })
      .filter(Boolean);
  };
  return { differential: list('differential'), tests: list('tests') };
}

/** Folded for matching: lower case, no spaces or punctuation, full-width to half-width. */
function fold(s: string): string {
  return s
    .normalize('NFKC')
    .toLowerCase()
    .replace(/\((disorder|finding|procedure)\)/g, '')
    .replace(/[\s\p{P}\p{S}]/gu, '');
}

/** Whether two names are the same thing for a learner: equal, or one contains the other (folded, ≥ 2 characters). */
export function namesMatch(a: string, b: string): boolean {
  const [x, y] = [fold(a), fold(b)];
  if (x.length < 2 || y.length < 2) return x === y && x.length > 0;
  return x === y || x.includes(y) || y.includes(x);
}

/** The case's text revealed up to and including step `index`. */
export function revealedText(c: TeachingCase, index: number): string {
  return c.steps
    .slice(0, index + 1)
    .map((s) => s.text)
    .join('\n');
}

/** MedSeek's differential on the text revealed so far. */
export function medseekDifferential(c: TeachingCase, index: number, r: Reasoner, top = 5): MedSeekDifferentialEntry[] {
  const text = revealedText(c, index);
  const d = diagnoseText(r.net, text, {
    lang: c.lang,
    document: c.id,
    patientId: c.id,
    top,
    ...(r.lexicon ? { lexicon: r.lexicon } : {}),
    ...(r.codings ? { codings: r.codings as Map<string, Coding[]> } : {}),
  });
  const view = differentialView(r.net, d, r.codings as Map<string, Coding[]> | undefined);
  return view.differential.slice(0, top).map((e) => {
    const seen = new Set<string>();
    const knowledge = e.evidence
      .flatMap((ev) => ev.knowledge ?? [])
      .filter((k) => {
        const key = JSON.stringify(k);
        if (seen.has(key)) return false;
        seen.add(key);
        return true;
      });
    return {
      rank: e.rank,
      id: e.id,
      name: e.name,
      probability: e.probability,
      explanation: c.lang === 'zh' ? e.text.zh : e.text.en,
      evidence: e.evidence,
      knowledge,
      lookFor: e.explanation.notAsked.slice(0, 3).map((n) => n.name),
    };
  });
}

/** Feedback on the learner's answer at step `index` (0-based) of a case. */
export function stepFeedback(
  c: TeachingCase,
  index: number,
  answer: LearnerAnswer,
  r: Reasoner,
  lang: Lang = c.lang,
): StepFeedback {
  if (!Number.isInteger(index) || index < 0 || index >= STEPS.length)
    throw invalid(`step must be 0 to ${STEPS.length - 1}`, { field: 'step' });
  const t = say(lang);
  const medseek = medseekDifferential(c, index, r);
  const names = (e: MedSeekDifferentialEntry) => [e.name.en, e.name.zh ?? ''].filter(Boolean);
  const differential = answer.differential.map((text) => {
    const m = medseek.find((e) => names(e).some((n) => namesMatch(text, n)));
    return { text, ...(m ? { medseek: m.id } : {}), inRecord: c.diagnoses.some((d) => namesMatch(text, d)) };
  });
  const named = new Set(differential.flatMap((d) => (d.medseek ? [d.medseek] : [])));
  const missed = medseek
    .slice(0, 3)
    .filter((e) => !named.has(e.id))
    .map((e) => pick(e.name, lang));
  // Done: a result the record codes, or a test its results text names (a chest CT read in the note).
  const resultsText = fold(c.steps.find((s) => s.key === 'results')?.text ?? '');
  const tests = answer.tests.map((text) => ({
    text,
    done: c.tests.some((x) => namesMatch(text, x)) || (fold(text).length >= 2 && resultsText.includes(fold(text))),
  }));
  const last = index === STEPS.length - 1;
  const agreed = differential.filter((d) => d.medseek).length;
  const right = differential.filter((d) => d.inRecord).length;
  const summary = [
    t(
      `${agreed} of your ${differential.length} diagnoses are in MedSeek's differential`,
      `你的${differential.length}个诊断中有${agreed}个在 MedSeek 的鉴别诊断中`,
    ),
    t(`${right} the record makes`, `${right}个与病历诊断一致`),
    t(
      `${tests.filter((x) => x.done).length} of your ${tests.length} tests were done`,
      `你提出的${tests.length}项检查中有${tests.filter((x) => x.done).length}项病历中已做`,
    ),
  ].join(t('; ', '；'));
  return {
    caseId: c.id,
    step: STEPS[index]!,
    index,
    title: stepTitle(STEPS[index]!, lang),
    release: r.release,
    medseek,
    differential,
    missed,
    tests,
    recordTests: c.tests,
    ...(last ? { diagnoses: c.diagnoses } : {}),
    summary,
  };
}
