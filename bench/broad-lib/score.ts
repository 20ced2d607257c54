import type { Coding } from '../../src/core/index.js';
import { fuse } from '../../src/fusion/index.js';
import { extractFacts } from '../../src/nlp/index.js';
import type { CaseInput, Network } from '../../src/reasoning/index.js';
import { infer, patientCase, resolveCase } from '../../src/reasoning/index.js';
import type { BroadCase } from './case-sets.js';
import type { FindingMap } from './finding-map.js';
import type { ReferenceMap } from './reference.js';

/**
 * How a case's evidence is read: `explicit` its first-reported evidence (DDXPlus: every listed
 * evidence; DXY: the self-reported symptom slots); `all` with the implicit slots added (DXY: the
 * symptoms the doctor would have asked about, true or false); `text` the self-report text through
 * MedSeek's NLP extractor and the patient-record reading (`patientCase`).
 */
export type Reading = 'explicit' | 'all' | 'text';

export interface SetScore {
  readonly cases: number;
  /** Cases whose reference diagnosis maps to at least one disease of the network. */
  readonly referenceMapped: number;
  /** Evidence words (or, for `text`, facts matched to a finding) and how many map to the network. */
  readonly evidence: { readonly words: number; readonly mapped: number };
  /** Cases with at least one mapped finding or risk factor. */
  readonly withEvidence: number;
  /** Share of all cases with a reference in the top 1 / top 5 (an unmapped reference is a miss). */
  readonly top1: number;
  readonly top5: number;
  /** The same among cases whose reference maps. */
  readonly top1OfMapped: number;
  readonly top5OfMapped: number;
  /** Median rank of the best-ranked reference disease among cases whose reference maps. */
  readonly medianRank: number | null;
  readonly perDiagnosis: Record<string, { cases: number; mapped: boolean; top1: number; top5: number }>;
}

export interface ScoreOptions {
  readonly reading: Reading;
  readonly codings?: ReadonlyMap<string, readonly Coding[]>;
}

/** Reference disease indices of a case (codes, or the codes of its disease name). */
export function referenceOf(c: BroadCase, refs: ReferenceMap): number[] {
  const codes = c.reference.icd10.length
    ? c.reference.icd10
    : c.reference.name
      ? nameCodes(c.reference.name, refs)
      : [];
  return refs.byCodes(codes);
}

/**
 * The codes of a disease named without a code: the release concepts of exactly that name, else of
 * the name without a paediatric qualifier (小儿腹泻 → 腹泻; no ICD-10 title carries 小儿).
 */
export function nameCodes(name: string, refs: ReferenceMap): string[] {
  const exact = refs.codesOfName(name);
  if (exact.length) return exact;
  const bare = name.replace(/^(小儿|儿童|婴幼儿|婴儿|新生儿)/u, '');
  return bare !== name ? refs.codesOfName(bare) : [];
}

/**
 * The rank of the best-ranked reference: 1 + the diseases with a higher posterior + those tied with it
 * that are not references (ties count against us: with uniform priors many rare diseases tie).
 */
export function referenceRank(posterior: Float64Array, refs: readonly number[]): number {
  if (refs.length === 0) return Number.POSITIVE_INFINITY;
  const isRef = new Set(refs);
  let best = -1;
  for (const r of refs) best = Math.max(best, posterior[r]!);
  let rank = 1;
  for (let i = 0; i < posterior.length; i++)
    if (posterior[i]! > best || (posterior[i] === best && !isRef.has(i))) rank++;
  return rank;
}

export function scoreCases(
  net: Network,
  cases: readonly BroadCase[],
  refs: ReferenceMap,
  map: FindingMap,
  options: ScoreOptions,
): SetScore {
  let referenceMapped = 0;
  let words = 0;
  let mapped = 0;
  let withEvidence = 0;
  let top1 = 0;
  let top5 = 0;
  const ranks: number[] = [];
  const per: SetScore['perDiagnosis'] = {};
  for (const c of cases) {
    const reference = referenceOf(c, refs);
    const { input, words: w, mapped: m } = caseInput(net, c, map, options);
    words += w;
    mapped += m;
    if (input.findings.length || input.riskFactors?.length) withEvidence++;
    const rank = referenceRank(infer(net, resolveCase(net, input)).posterior, reference);
    const row = per[c.reference.label] ?? { cases: 0, mapped: reference.length > 0, top1: 0, top5: 0 };
    per[c.reference.label] = row;
    row.cases++;
    if (reference.length) {
      referenceMapped++;
      ranks.push(rank);
    }
    if (rank <= 1) {
      top1++;
      row.top1++;
    }
    if (rank <= 5) {
      top5++;
      row.top5++;
    }
  }
  const n = cases.length;
  const share = (x: number, of: number) => (of ? round(x / of) : 0);
  ranks.sort((a, b) => a - b);
  return {
    cases: n,
    referenceMapped,
    evidence: { words, mapped },
    withEvidence,
    top1: share(top1, n),
    top5: share(top5, n),
    top1OfMapped: share(top1, referenceMapped),
    top5OfMapped: share(top5, referenceMapped),
    medianRank: ranks.length ? ranks[Math.floor((ranks.length - 1) / 2)]! : null,
    perDiagnosis: per,
  };
}

/** A case's evidence as network findings and risk factors, with how many of its words mapped. */
export function caseInput(
  net: Network,
  c: BroadCase,
  map: FindingMap,
  options: ScoreOptions,
): { input: CaseInput; words: number; mapped: number } {
  const base = { ...(c.age !== undefined ? { age: c.age } : {}), ...(c.sex ? { sex: c.sex } : {}) };
  if (options.reading === 'text') {
    const patientId = `case-${c.key}`;
    const text = c.text ?? '';
    const { facts } = extractFacts(text, { lang: 'zh', document: 'note', patientId });
    const pc = patientCase(net, fuse(patientId, [], facts), {
      ...(options.codings ? { codings: options.codings } : {}),
      notes: [{ document: 'note', text }],
    });
    const matched = new Set(pc.matches.map((m) => m.factId));
    return { input: { ...pc.input, ...base }, words: facts.length, mapped: matched.size };
  }
  const words = options.reading === 'all' ? [...c.explicit, ...c.implicit] : c.explicit;
  const present = new Set<string>();
  const absent = new Set<string>();
  const risks = new Map<string, boolean>();
  let mapped = 0;
  for (const w of words) {
    const m = map(c.set, w.word);
    if (m.by !== 'none') mapped++;
    for (const f of m.findings) (w.present ? present : absent).add(f);
    for (const r of m.risks) risks.set(r, w.present || risks.get(r) === true);
  }
  for (const f of present) absent.delete(f);
  return {
    input: {
      ...base,
      findings: [...[...present].map((id) => ({ id })), ...[...absent].map((id) => ({ id, present: false as const }))],
      ...(risks.size ? { riskFactors: [...risks].map(([id, p]) => ({ id, present: p })) } : {}),
    },
    words: words.length,
    mapped,
  };
}

const round = (x: number) => Number(x.toFixed(4));
