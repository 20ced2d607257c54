import { z } from 'zod';
import type { Lang } from '../../core/index.js';
import type { LlmClient } from '../../llm/index.js';
import { extractFacts } from '../../nlp/index.js';
import type { AnswerQuestion, AnswerReading, ReadContext } from './reading.js';
import { answerLexicon, readAnswer } from './reading.js';

/**
 * A configured model may help to read an answer the rules could not place (`other`), never to
 * overrule them: it returns constrained JSON, and every finding it names must be a quote found in
 * the patient's own words, read again by the NLP stage. A value it proposes is taken only with a
 * quote from the answer; without a model, or when the call fails, the rule-based reading stands.
 */
const modelReading = z.object({
  value: z.enum(['yes', 'no', 'unknown', 'partly', 'other']),
  /** The words of the answer that carry the value. */
  evidence: z.string().max(200),
  findings: z
    .array(z.object({ quote: z.string().min(1).max(100), present: z.boolean() }))
    .max(12),
});

export type ModelReader = Pick<LlmClient, 'structured'>;

export interface ModelAnswerReading extends AnswerReading {
  /** `model` when a model's proposal (checked against the words) changed the reading. */
  readonly readBy: 'rules' | 'model';
}

const fold = (s: string) => s.toLowerCase().replace(/\s+/g, ' ').trim();

export async function readAnswerWithModel(
  llm: ModelReader | undefined,
  question: AnswerQuestion & { readonly text?: string },
  text: string,
  lang: Lang,
  ctx: ReadContext = {},
): Promise<ModelAnswerReading> {
  const base = readAnswer(question, text, lang, ctx);
  if (!llm || base.value !== 'other') return { ...base, readBy: 'rules' };
  const r = await llm.structured(modelReading, {
    purpose: 'reasoning/consultation-answer',
    system:
      'You read one answer a patient typed in a pre-consultation chat. Say whether it answers the question yes, no, partly (a little, sometimes, maybe), unknown (unsure), or other (it does not answer it). List the symptoms it states, each as an exact quote of the patient\'s words, and whether it is present or denied. Quote only words that occur in the answer; add nothing.',
    prompt: `Question: ${question.text ?? question.id}\nAnswer: ${text}`,
    identifiable: true,
  });
  if (!r.ok) return { ...base, readBy: 'rules' };
  const words = fold(text);
  const present = new Set(base.present);
  const absent = new Set(base.absent);
  const extra = [...base.extra];
  let changed = false;
  for (const f of r.value.findings) {
    // Every finding must be found in the patient's own words.
    if (!words.includes(fold(f.quote))) continue;
    const ids = extractFacts(f.quote, { lang, lexicon: ctx.lexicon ?? answerLexicon(ctx.net), document: 'answer', speech: 'patient' }).facts.map((x) => x.concept.code);
    for (const id of ids) {
      if (present.has(id) || absent.has(id)) continue;
      (f.present ? present : absent).add(id);
      changed = true;
    }
    if (ids.length === 0 && !extra.some((e) => fold(e.text) === fold(f.quote))) {
      extra.push({ text: f.quote, present: f.present });
      changed = true;
    }
  }
  const value = r.value.value !== 'other' && r.value.evidence.trim() && words.includes(fold(r.value.evidence)) ? r.value.value : base.value;
  if (value !== base.value) changed = true;
  return { ...base, value, present: [...present], absent: [...absent], extra, readBy: changed ? 'model' : 'rules' };
}
