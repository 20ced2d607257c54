import { z } from 'zod';
import type { Lang } from '../../core/index.js';
import type { LlmClient } from '../../llm/index.js';
import { extractFacts } from '../../nlp/index.js';
import type { AnswerQuestion, AnswerReading, ReadContext } from './reading.js';
import { answerLexicon, ownFinding, readAnswer } from './reading.js';

/**
 * Reading an answer with a configured model first, the rule reader behind it. The model returns
 * constrained JSON: a value, the words that carry it, and each finding as a quote of the patient's
 * words. Its reading is taken only when it holds up: every quote is found in the answer (one
 * invented quote and the whole proposal is dropped), the value's own words, read by the rule
 * reader, do not say otherwise ("没有" cannot be a yes), and a red-flag check the rules read as
 * anything but "no" is never turned into a "no" (consultation.md §3: sensitivity first). Each quoted
 * finding is read again by the NLP stage to get its id. Without a model, when the call fails, or
 * when a check fails, the rule reading stands and `fallback` says why.
 */
const modelReading = z.object({
  value: z.enum(['yes', 'no', 'unknown', 'partly', 'other']),
  /** The words of the answer that carry the value. */
  evidence: z.string().max(200),
  findings: z.array(z.object({ quote: z.string().min(1).max(100), present: z.boolean() })).max(12),
});

/** The part of LlmClient used here; `configured` false (no provider) means the rules read alone. */
export type ModelReader = Pick<LlmClient, 'structured'> & { readonly configured?: boolean };

export interface ModelAnswerReading extends AnswerReading {
  /** `model` when the model's checked reading was taken, `rules` otherwise. */
  readonly readBy: 'rules' | 'model';
  /** Why the rule reading stands although a model is configured. */
  readonly fallback?: string;
}

const fold = (s: string) => s.toLowerCase().replace(/\s+/g, ' ').trim();
const polarity = (v: AnswerReading['value']) => (v === 'yes' || v === 'partly' ? 'positive' : v);

const SYSTEM = [
  'You read one answer a patient typed in a pre-consultation chat.',
  'Say whether it answers the question yes, no, partly (a little, sometimes, probably),',
  'unknown (the patient cannot say), or other (it does not answer the question).',
  'Give the exact words of the answer that carry the value.',
  "List the symptoms it states, each as an exact quote of the patient's words, and whether it is present or denied.",
  'Quote only words that occur in the answer; add nothing.',
].join(' ');

export async function readAnswerWithModel(
  llm: ModelReader | undefined,
  question: AnswerQuestion & { readonly text?: string },
  text: string,
  lang: Lang,
  ctx: ReadContext = {},
): Promise<ModelAnswerReading> {
  const base = readAnswer(question, text, lang, ctx);
  if (!llm || llm.configured === false) return { ...base, readBy: 'rules' };
  const rules = (why: string): ModelAnswerReading => ({ ...base, readBy: 'rules', fallback: why });
  let r: Awaited<ReturnType<ModelReader['structured']>>;
  try {
    r = await llm.structured(modelReading, {
      purpose: 'reasoning/consultation-answer',
      system: SYSTEM,
      prompt: `Question: ${question.text ?? question.id}\nAnswer: ${text}`,
      identifiable: true,
    });
  } catch (e) {
    return rules(`the model call failed: ${(e as Error).message}`);
  }
  if (!r.ok) return rules(`the model call failed: ${r.error.message}`);
  const proposal = r.value as z.infer<typeof modelReading>;
  const words = fold(text);
  const unquoted = proposal.findings.find((f) => !words.includes(fold(f.quote)));
  if (unquoted) return rules(`the model named a finding not in the answer ("${unquoted.quote}")`);
  const evidence = proposal.evidence.trim();
  if (proposal.value !== 'other' && (!evidence || !words.includes(fold(evidence)))) {
    return rules('the model did not quote the words that carry its value');
  }
  if (proposal.value !== 'other') {
    // The rule reader on the model's own quote: where it can place those words, the model must agree with it.
    const check = readAnswer(question, evidence, lang, ctx).value;
    if (check !== 'other' && polarity(check) !== polarity(proposal.value)) {
      return rules(`the model read "${evidence}" as ${proposal.value}; its words say ${check}`);
    }
  }
  if (question.id.startsWith('rf:') && proposal.value === 'no' && base.value !== 'no') {
    return rules('a red-flag check is not turned negative by the model');
  }

  const present = new Set(base.present);
  const absent = new Set(base.absent);
  const extra = [...base.extra];
  const lexicon = ctx.lexicon ?? answerLexicon(ctx.net);
  for (const f of proposal.findings) {
    const facts = extractFacts(f.quote, { lang, lexicon, document: 'answer', speech: 'patient' }).facts;
    const ids = facts.map((x) => x.concept.code);
    for (const id of ids) {
      (f.present ? absent : present).delete(id);
      (f.present ? present : absent).add(id);
    }
    if (ids.length === 0 && !extra.some((e) => fold(e.text) === fold(f.quote)))
      extra.push({ text: f.quote, present: f.present });
  }
  // A binary question's own finding follows the value taken.
  const own = ownFinding(question, ctx);
  if (own && proposal.value !== base.value) {
    present.delete(own);
    absent.delete(own);
    if (proposal.value === 'yes' || proposal.value === 'partly') present.add(own);
    else if (proposal.value === 'no') absent.add(own);
  }
  return { ...base, value: proposal.value, present: [...present], absent: [...absent], extra, readBy: 'model' };
}
