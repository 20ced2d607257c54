import type { Fact, Lang, ModelUse, PatientState } from '../core/index.js';
import { allFacts } from '../core/index.js';
import { type Deadline, deadlineMessage, type LlmClient } from '../llm/index.js';
import { applyPolicy, type FaithfulnessReport, recordFromState, verifyText } from '../verify/index.js';
import { templateDischargeSummary } from './discharge.js';
import type { ComposedDocument } from './document.js';

export interface SummarizeOptions {
  readonly lang: Lang;
  readonly encounterId?: string;
  /** A configured model writes prose from the cited facts; without one the template text is used. */
  readonly llm?: Pick<LlmClient, 'chat' | 'configured'> & Partial<Pick<LlmClient, 'deadline'>>;
  /**
   * How long the clinician may wait for the model, all attempts together (default: the client's
   * interactive deadline, MEDSEEK_LLM_DEADLINE_MS, 20 s). When it passes, the template text is used.
   */
  readonly deadline?: Deadline;
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
  /** Whether a model wrote the text, and why not (the same as `document.model`; never in the text). */
  readonly model: ModelUse;
  /**
   * Set when a configured model failed (no answer in time, refused, unusable text) and the verified
   * template text is shown instead: the reason, for a banner or a line on stderr, outside the document.
   */
  readonly fallback?: { readonly reason: string };
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
    const prompt = dischargePrompt(
      lang,
      template.citations,
      [...allFacts(state), ...template.extraFacts],
      template.text,
    );
    const deadline = options.deadline ?? options.llm.deadline?.();
    const maxAttempts = options.maxAttempts ?? 2;
    let feedback = '';
    let previous: { text: string; use: ModelUse; report: FaithfulnessReport } | undefined;
    for (attempts = 1; attempts <= maxAttempts; attempts++) {
      if (deadline && Date.now() >= deadline.at) {
        // Out of time before a regeneration: the last checked answer, contradicted claims removed.
        if (previous)
          return finish(
            doc(previous.text, previous.use),
            previous.report,
            attempts - 1,
            template.unreconciled,
            previous.use,
          );
        model = { used: false, reason: deadlineMessage(deadline) };
        break;
      }
      const r = await options.llm.chat({
        system: prompt.system,
        prompt: `${prompt.user}${feedback}`,
        purpose: 'compose/discharge-summary',
        identifiable: true,
        patient: { key: state.patientId },
        ...(deadline ? { deadline } : {}),
      });
      model = r.use;
      if (!r.ok) break;
      const unusable = unusableAnswer(r.value, template.citations);
      if (unusable) {
        model = { used: false, reason: unusable };
        break;
      }
      const report = check(r.value);
      if (report.counts.contradicted === 0 || attempts === maxAttempts)
        return finish(doc(r.value, r.use), report, attempts, template.unreconciled, r.use);
      previous = { text: r.value, use: r.use, report };
      feedback = `\n\n${lang === 'zh' ? '以下句子与病历矛盾，请改正或删除：' : 'These sentences contradict the record; correct or drop them:'}\n${report.claims
        .filter((c) => c.verdict === 'contradicted')
        .map((c) => `- ${c.text} (${c.reason})`)
        .join('\n')}`;
    }
  }
  const reason = model.used ? 'model not used' : (model.reason ?? 'no model configured');
  const used: ModelUse = { used: false, reason };
  return finish(
    doc(template.text, used),
    check(template.text),
    attempts,
    template.unreconciled,
    used,
    options.llm?.configured ? { reason } : undefined,
  );
}

/**
 * A refusal or garbage instead of a summary: nothing, or text that cites none of the facts it was
 * given (the prompt asks for a citation after every statement). Undefined when the answer is usable.
 */
function unusableAnswer(text: string, citations: Readonly<Record<string, string>>): string | undefined {
  if (!text.trim()) return 'the model returned an empty answer';
  const cited = [...text.matchAll(/\[F\d+(?:\s*[,，]\s*F\d+)*\]/g)].flatMap((m) => m[0].match(/F\d+/g) ?? []);
  if (Object.keys(citations).length > 0 && !cited.some((k) => k in citations))
    return 'the model’s answer cited none of the record’s facts (a refusal or unusable text)';
  return undefined;
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
  options: {
    readonly lang: Lang;
    readonly encounterId?: string;
    readonly citations?: Readonly<Record<string, string>>;
    readonly documents?: readonly { id: string; text: string }[];
  },
): FaithfulnessReport {
  const template = templateDischargeSummary(
    state,
    options.lang,
    options.encounterId,
    options.documents ? { documents: options.documents } : {},
  );
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
  return verifyText(
    text,
    { ...base, facts: [...base.facts, ...template.extraFacts] },
    { lang, citations, critical: template.critical },
  );
}

function finish(
  document: ComposedDocument,
  report: FaithfulnessReport,
  attempts: number,
  unreconciled: readonly string[],
  model: ModelUse,
  fallback?: { reason: string },
): SummaryResult {
  const { text, removed } = applyPolicy(document.text, report);
  return { document, report, text, removed, attempts, model, ...(fallback ? { fallback } : {}), unreconciled };
}

/**
 * What the model is asked for a discharge summary: the rules (system) and the record's facts, one per
 * line under its citation key, with the template draft (user). Exported so that training data
 * (learning/export) teaches the task exactly as it is asked here. `cite: false` leaves out the
 * request for `[F<n>]` markers, for targets written by clinicians, which carry none.
 */
export function dischargePrompt(
  lang: Lang,
  citations: Readonly<Record<string, string>>,
  facts: readonly Fact[],
  templateText: string,
  { cite = true }: { cite?: boolean } = {},
): { system: string; user: string } {
  return { system: systemPrompt(lang, cite), user: factList(citations, facts, templateText) };
}

function systemPrompt(lang: Lang, cite: boolean): string {
  return lang === 'zh'
    ? `你是住院医师，按《病历书写基本规范》第二十二条(二十)撰写出院记录，依次为：入院日期、出院日期、入院情况、入院诊断、诊疗经过、出院诊断、出院情况、出院医嘱、医师签名，每项以“## 标题”开头。诊疗经过、入院情况、出院情况用叙述性句子，不要罗列。出院诊断主要诊断在前，每个诊断只写一次。出院带药只能写出院医嘱中的药物，停用或仅用一次的药物不得列为出院带药。只能使用给出的事实，不得添加任何事实、数值、药物或诊断；病历未记载的写“病历未载明”。${cite ? '每个陈述后用 [F编号] 标注所依据的事实。' : ''}医师签名一项写“待签名”。\n`
    : `You are a hospitalist writing a discharge summary in the Joint Commission order, each part under a "## Title" heading: Admission and discharge, Reason for hospitalization, Significant findings, Procedures and treatment, Discharge diagnoses (principal first, each once), Condition at discharge, Discharge medications (only the discharge orders; never a drug stopped or given once), Follow-up and pending results, Signature ("Signature pending"). Write sentences, not lists. Use only the facts given; add no fact, number, drug or diagnosis; write "not documented in the record" for what the record does not say.${cite ? ' After each statement cite the facts it rests on as [F<n>].' : ''}\n`;
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
