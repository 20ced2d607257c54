import type { Bilingual, Coding, Fact, Source } from '../../core/index.js';
import { fuse } from '../../fusion/index.js';
import type { Lexicon, NlpLang } from '../../nlp/index.js';
import { extractFacts } from '../../nlp/index.js';
import type { DiagnoseOptions } from './diagnose.js';
import type { Explanation } from './explain.js';
import { explanationText } from './explain.js';
import type { Network } from './network.js';
import type { PatientCaseOptions, PatientDiagnosis } from './patient-case.js';
import { diagnosePatient } from './patient-case.js';

/**
 * A differential from a clinical note's text alone: extraction (`nlp`, with the given lexicon,
 * e.g. the release's) → facts about one patient → observations, read as a patient record is
 * (findings, measured results, imaging and ECG statements in the text, conditions the note
 * diagnoses) → the posterior over the network's diseases.
 */
export interface TextDiagnosisOptions
  extends Omit<DiagnoseOptions, 'sourcesOf' | 'patientId' | 'diagnosed'>,
    Pick<PatientCaseOptions, 'codings'> {
  readonly lang?: NlpLang | 'auto';
  readonly lexicon?: Lexicon;
  /** The note's key in Sources (default `note`). */
  readonly document?: string;
  readonly patientId?: string;
}

export function diagnoseText(
  net: Network,
  text: string,
  options: TextDiagnosisOptions = {},
): PatientDiagnosis & { readonly facts: readonly Fact[] } {
  const { lang, lexicon, document = 'note', patientId = 'note-patient', ...rest } = options;
  const { facts } = extractFacts(text, {
    lang: lang ?? 'auto',
    document,
    patientId,
    ...(lexicon ? { lexicon } : {}),
  });
  const state = fuse(patientId, [], facts);
  return { ...diagnosePatient(net, state, { ...rest, notes: [{ document, text }] }), facts };
}

/** One entry of the JSON differential (`medseek diagnose --text`, the workspace). */
export interface DifferentialEntry {
  readonly rank: number;
  readonly id: string;
  readonly name: Bilingual;
  readonly codes: readonly Coding[];
  readonly probability: number;
  readonly share: number;
  /** `diagnosed`: the record already names it (已诊断); `proposed`: a suggestion. */
  readonly status: 'proposed' | 'diagnosed';
  readonly text: { readonly zh: string; readonly en: string };
  readonly explanation: Explanation;
  /** The conclusion's evidence, each item with its record Sources and knowledge sources. */
  readonly evidence: PatientDiagnosis['conclusions'][number]['evidence'];
  /** Where the record says it is already diagnosed. */
  readonly diagnosedBy?: readonly Source[];
}

/** `{differential: [...]}` for a patient or a note: rank, bilingual name, codes, probability, explanation. */
export function differentialView(
  net: Network,
  r: PatientDiagnosis,
  codings?: ReadonlyMap<string, readonly Coding[]>,
): { differential: DifferentialEntry[] } {
  return {
    differential: r.diagnosis.differential.map((d, i) => {
      const node = net.diseases[net.diseaseIndex.get(d.id)!]!;
      const codes = dedupe([...(node.coding ? [node.coding] : []), ...(codings?.get(d.id) ?? [])]);
      const by = r.case.diagnosed.get(d.id);
      return {
        rank: d.rank,
        id: d.id,
        name: d.name,
        codes,
        probability: d.probability,
        share: d.share,
        status: d.status,
        text: { zh: explanationText(d.explanation, 'zh'), en: explanationText(d.explanation, 'en') },
        explanation: d.explanation,
        evidence: r.conclusions[i]!.evidence,
        ...(by ? { diagnosedBy: by } : {}),
      };
    }),
  };
}

function dedupe(codes: readonly Coding[]): Coding[] {
  const seen = new Set<string>();
  return codes.filter((c) => {
    const k = `${c.system}|${c.code}`;
    if (seen.has(k)) return false;
    seen.add(k);
    return true;
  });
}
