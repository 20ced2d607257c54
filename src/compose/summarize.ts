import type { Fact, Lang, ModelUse, PatientState } from '../core/index.js';
import { allFacts } from '../core/index.js';
import type { LlmClient } from '../llm/index.js';
import { applyPolicy, type FaithfulnessReport, recordFromState, verifyText } from '../verify/index.js';
import { templateDischargeSummary } from './discharge.js';
import type { ComposedDocument } from './document.js';

export interface SummarizeOptions {
  readonly lang: Lang;
  readonly encounterId?: string;
  /** A configured model writes prose from the cited facts; without one the template text is used. */
  readonly llm?: Pick<LlmClient, 'chat' | 'configured'>;
  /** Model attempts before falling back (each one verified; contradicted claims are fed back). */
  readonly maxAttempts?: number;
  /**
   * The patient's notes (`id` = `DocumentReference/<id>`, as the facts' TextSources name them): the
   * discharge note's 出院情况 / 出院医嘱 and the admission note's 主诉 are quoted from them, and the
   * verifier grounds verbatim quotes in them. See `encounterDocuments(resources)`.
   */
  readonly documents?: readonly { id: string; text: string }[];
  /** The signing physician's name for the 医师签名 line (a draft without one says 待签名). */
  readonly signer?: string;
}

export interface SummaryResult {
  readonly document: ComposedDocument;
  /** The verification of `document.text`. */
  readonly report: FaithfulnessReport;
  /** The text a clinician sees: contradicted claims removed, unsupported ones flagged in the report. */
  readonly text: string;
  readonly removed: readonly string[];
  readonly attempts: number;
  /**
   * Drugs still ordered at the end of the stay that the discharge orders neither list nor stop: the
   * clinician reconciles them (shown beside the draft; the draft never decides for them).
   */
  readonly unreconciled: readonly string[];
}

/**
 * A discharge summary for an encounter that cannot hallucinate silently: composed from facts with
 * citations, every claim verified against the record, contradicted claims removed; with a model,
 * a bounded regenerate-and-recheck loop, and the template whenever the model is absent or fails.
 */
export async function composeDischargeSummary(state: PatientState, options: SummarizeOptions): Promise<SummaryResult> {
  const { lang } = options;
  const template = templateDischargeSummary(state, lang, options.encounterId, {
    ...(options.documents ? { documents: options.documents } : {}),
    ...(options.signer ? { signer: options.signer } : {}),
  });
  const check = (text: string) => checkAgainst(state, text, template, lang, options.documents);
  const doc = (text: string, model: ModelUse): ComposedDocument => ({
    kind: 'discharge-summary',
    lang,
    patientId: state.patientId,
    encounterId: template.window.encounterId,
    // The template's cited sections; a model's prose is `text`, checked claim by claim in the report.
    sections: template.sections,
    citations: template.citations,
    references: template.references,
    text,
    model,
  });

  let model: ModelUse = { used: false, reason: 'no model configured' };
  let attempts = 0;
  if (options.llm?.configured) {
    const facts = factList(template.citations, [...allFacts(state), ...template.extraFacts], template.text);
    let feedback = '';
    for (attempts = 1; attempts <= (options.maxAttempts ?? 2); attempts++) {
      const r = await options.llm.chat({
        system: systemPrompt(lang),
        prompt: `${facts}${feedback}`,
        purpose: 'compose/discharge-summary',
        identifiable: true,
        patient: { key: state.patientId },
      });
      model = r.use;
      if (!r.ok || !r.value.trim()) break;
      const report = check(r.value);
      if (report.counts.contradicted === 0) return finish(doc(r.value, r.use), report, attempts, template.unreconciled);
      feedback = `\n\n${lang === 'zh' ? '以下句子与病历矛盾，请改正或删除：' : 'These sentences contradict the record; correct or drop them:'}\n${report.claims
        .filter((c) => c.verdict === 'contradicted')
        .map((c) => `- ${c.text} (${c.reason})`)
        .join('\n')}`;
      if (attempts === (options.maxAttempts ?? 2)) return finish(doc(r.value, r.use), report, attempts, template.unreconciled);
    }
  }
  const fallback = model.used ? model : { ...model, reason: model.reason ?? 'no model configured' };
  return finish(doc(template.text, { used: false, reason: fallback.reason ?? 'model not used' }), check(template.text), attempts, template.unreconciled);
}

/**
 * Verifies a discharge text (composed, or edited by a clinician) against the record as the composer
 * reads it: the patient's state, the stay's notes for verbatim grounding, the template's citation
 * keys (unless the draft's own are given) and the critical facts it must not omit. The compose,
 * re-verify and sign-off paths all judge a text with this one function.
 */
export function verifyDischargeText(
  state: PatientState,
  text: string,
  options: { readonly lang: Lang; readonly encounterId?: string; readonly citations?: Readonly<Record<string, string>>; readonly documents?: readonly { id: string; text: string }[] },
): FaithfulnessReport {
  const template = templateDischargeSummary(state, options.lang, options.encounterId, options.documents ? { documents: options.documents } : {});
  return checkAgainst(state, text, template, options.lang, options.documents, options.citations);
}

function checkAgainst(
  state: PatientState,
  text: string,
  template: ReturnType<typeof templateDischargeSummary>,
  lang: Lang,
  documents: readonly { id: string; text: string }[] | undefined,
  citations: Readonly<Record<string, string>> = template.citations,
): FaithfulnessReport {
  const base = recordFromState(state, documents);
  return verifyText(text, { ...base, facts: [...base.facts, ...template.extraFacts] }, { lang, citations, critical: template.critical });
}

function finish(document: ComposedDocument, report: FaithfulnessReport, attempts: number, unreconciled: readonly string[]): SummaryResult {
  const { text, removed } = applyPolicy(document.text, report);
  return { document, report, text, removed, attempts, unreconciled };
}

function systemPrompt(lang: Lang): string {
  return lang === 'zh'
    ? '你是住院医师，按《病历书写基本规范》第二十二条(二十)撰写出院记录，依次为：入院日期、出院日期、入院情况、入院诊断、诊疗经过、出院诊断、出院情况、出院医嘱、医师签名，每项以“## 标题”开头。诊疗经过、入院情况、出院情况用叙述性句子，不要罗列。出院诊断主要诊断在前，每个诊断只写一次。出院带药只能写出院医嘱中的药物，停用或仅用一次的药物不得列为出院带药。只能使用给出的事实，不得添加任何事实、数值、药物或诊断；病历未记载的写“病历未载明”。每个陈述后用 [F编号] 标注所依据的事实。医师签名一项写“待签名”。\n'
    : 'You are a hospitalist writing a discharge summary in the Joint Commission order, each part under a "## Title" heading: Admission and discharge, Reason for hospitalization, Significant findings, Procedures and treatment, Discharge diagnoses (principal first, each once), Condition at discharge, Discharge medications (only the discharge orders; never a drug stopped or given once), Follow-up and pending results, Signature ("Signature pending"). Write sentences, not lists. Use only the facts given; add no fact, number, drug or diagnosis; write "not documented in the record" for what the record does not say. After each statement cite the facts it rests on as [F<n>].\n';
}

/** The facts the model may use, one per line with its citation key, as the template states them. */
function factList(citations: Readonly<Record<string, string>>, facts: readonly Fact[], templateText: string): string {
  const byId = new Map(facts.map((f) => [f.id, f]));
  const lines = Object.entries(citations).map(([key, id]) => {
    const f = byId.get(id);
    return `${key}: ${f ? `${f.category}; ${f.concept.display ?? f.concept.displayZh ?? f.concept.code}${f.time?.start ? `; ${f.time.start.slice(0, 10)}` : ''}` : id}`;
  });
  return `Facts:\n${lines.join('\n')}\n\nTemplate draft (every statement is correct):\n${templateText}`;
}
