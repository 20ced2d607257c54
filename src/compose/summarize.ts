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
  /** Source notes, for verbatim grounding of what the text quotes. */
  readonly documents?: readonly { id: string; text: string }[];
}

export interface SummaryResult {
  readonly document: ComposedDocument;
  /** The verification of `document.text`. */
  readonly report: FaithfulnessReport;
  /** The text a clinician sees: contradicted claims removed, unsupported ones flagged in the report. */
  readonly text: string;
  readonly removed: readonly string[];
  readonly attempts: number;
}

/**
 * A discharge summary for an encounter that cannot hallucinate silently: composed from facts with
 * citations, every claim verified against the record, contradicted claims removed; with a model,
 * a bounded regenerate-and-recheck loop, and the template whenever the model is absent or fails.
 */
export async function composeDischargeSummary(state: PatientState, options: SummarizeOptions): Promise<SummaryResult> {
  const { lang } = options;
  const template = templateDischargeSummary(state, lang, options.encounterId);
  const base = recordFromState(state, options.documents);
  const record = { ...base, facts: [...base.facts, ...template.extraFacts] };
  const check = (text: string) => verifyText(text, record, { lang, citations: template.citations, critical: template.critical });
  const doc = (text: string, model: ModelUse): ComposedDocument => ({
    kind: 'discharge-summary',
    lang,
    patientId: state.patientId,
    encounterId: template.window.encounterId,
    // The template's cited sections; a model's prose is `text`, checked claim by claim in the report.
    sections: template.sections,
    citations: template.citations,
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
      if (report.counts.contradicted === 0) return finish(doc(r.value, r.use), report, attempts);
      feedback = `\n\n${lang === 'zh' ? '以下句子与病历矛盾，请改正或删除：' : 'These sentences contradict the record; correct or drop them:'}\n${report.claims
        .filter((c) => c.verdict === 'contradicted')
        .map((c) => `- ${c.text} (${c.reason})`)
        .join('\n')}`;
      if (attempts === (options.maxAttempts ?? 2)) return finish(doc(r.value, r.use), report, attempts);
    }
  }
  const fallback = model.used ? model : { ...model, reason: model.reason ?? 'no model configured' };
  return finish(doc(template.text, { used: false, reason: fallback.reason ?? 'model not used' }), check(template.text), attempts);
}

function finish(document: ComposedDocument, report: FaithfulnessReport, attempts: number): SummaryResult {
  const { text, removed } = applyPolicy(document.text, report);
  return { document, report, text, removed, attempts };
}

function systemPrompt(lang: Lang): string {
  return lang === 'zh'
    ? '你是住院医师，按《病历书写基本规范》第二十二条(二十)撰写出院记录（入院日期、出院日期、入院情况、入院诊断、诊疗经过、出院诊断、出院情况、出院医嘱）。只能使用给出的事实，不得添加任何事实、数值、药物或诊断。每个陈述后用 [F编号] 标注所依据的事实。'
    : 'You are a hospitalist writing a discharge summary (reason for hospitalization, procedures, hospital course, condition and disposition at discharge, discharge diagnoses, medications, follow-up). Use only the facts given; add no fact, number, drug or diagnosis. After each statement cite the facts it rests on as [F<n>].';
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
