import { z } from 'zod';

/**
 * One JSON object per line, in the shapes open trainers read:
 * - `sft`: OpenAI chat fine-tuning format (`messages` of system / user / assistant), which TRL's
 *   SFTTrainer also reads as its "conversational" dataset type.
 * - `dpo`: TRL's preference format, `prompt` / `chosen` / `rejected` (conversational: the prompt a
 *   list of messages, each answer a one-message assistant list), as DPOTrainer reads it.
 * - `reward`: a prompt-only item for online RL (TRL GRPOTrainer, OpenRLHF, verl) whose other columns
 *   (`record`, `citations`, `critical`) are what the reward function needs to score a completion.
 * - `reasoning`: a conversation with the model's reasoning trace beside the answer, never inside it.
 * `meta` is MedSeek's own (pseudonymous patient, where the line came from); trainers ignore it.
 * Formats and sources: docs/training-data.md.
 */
export const chatMessage = z.object({
  role: z.enum(['system', 'user', 'assistant']),
  content: z.string().min(1),
});
export type ChatLine = z.infer<typeof chatMessage>;

const pseudonym = z.string().regex(/^pt_([0-9a-f]{16}|unknown)$/);

export const lineMeta = z.object({
  /** `signed-summary`, `summary-correction`, `llm-call`… */
  source: z.string().min(1),
  patient: pseudonym,
  lang: z.enum(['zh', 'en']).optional(),
  /** The verifier's counts for the assistant text, when it was checked. */
  verified: z
    .object({
      claims: z.number().int().nonnegative(),
      supported: z.number().int().nonnegative(),
      contradicted: z.literal(0),
      unsupported: z.number().int().nonnegative(),
      omissions: z.number().int().nonnegative(),
    })
    .optional(),
  purpose: z.string().optional(),
});

export const sftLine = z.object({
  messages: z
    .array(chatMessage)
    .min(2)
    .refine((m) => m.at(-1)?.role === 'assistant', 'the last message must be the assistant’s answer'),
  meta: lineMeta,
});

export const dpoLine = z
  .object({
    prompt: z.array(chatMessage.extend({ role: z.enum(['system', 'user']) })).min(1),
    chosen: z.array(chatMessage.extend({ role: z.literal('assistant') })).length(1),
    rejected: z.array(chatMessage.extend({ role: z.literal('assistant') })).length(1),
    meta: lineMeta,
  })
  .refine((l) => l.chosen[0]!.content !== l.rejected[0]!.content, 'chosen and rejected must differ');

/** A serialisable VerificationRecord (verify/record.ts), de-identified. */
export const recordContext = z.object({
  facts: z.array(z.looseObject({ id: z.string(), concept: z.looseObject({}) })),
  documents: z.array(z.object({ id: z.string(), text: z.string() })),
  medications: z.array(z.looseObject({})).optional(),
});

export const rewardSpec = z.object({
  name: z.literal('medseek-verifier'),
  description: z.string().min(1),
});

export const rewardLine = z.object({
  prompt: z.array(chatMessage.extend({ role: z.enum(['system', 'user']) })).min(1),
  record: recordContext,
  /** Citation key (`F3`) of the prompt → record fact id. */
  citations: z.record(z.string().regex(/^F\d+$/), z.string()),
  /** Facts a completion must mention (omitting one costs reward). */
  critical: z.array(z.looseObject({ id: z.string() })),
  lang: z.enum(['zh', 'en']),
  reward: rewardSpec,
  meta: lineMeta,
});

export const reasoningLine = z.object({
  messages: z
    .array(chatMessage)
    .min(2)
    .refine((m) => m.at(-1)?.role === 'assistant', 'the last message must be the assistant’s answer'),
  /** The model's reasoning trace (DeepSeek-R1 `reasoning_content`): its rationale, not evidence. */
  reasoning: z.string().min(1),
  meta: lineMeta,
});

export type ExportKind = 'sft' | 'dpo' | 'reward' | 'reasoning';
export const exportKinds: readonly ExportKind[] = ['sft', 'dpo', 'reward', 'reasoning'];

export const lineSchemas = { sft: sftLine, dpo: dpoLine, reward: rewardLine, reasoning: reasoningLine } as const;

export type SftLine = z.infer<typeof sftLine>;
export type DpoLine = z.infer<typeof dpoLine>;
export type RewardLine = z.infer<typeof rewardLine>;
export type ReasoningLine = z.infer<typeof reasoningLine>;
export type LineMeta = z.infer<typeof lineMeta>;

/** Checks one line of an export file; the error names the line number and the field. */
export function checkLine(kind: ExportKind, line: string, lineNo: number): void {
  let value: unknown;
  try {
    value = JSON.parse(line);
  } catch (e) {
    throw new Error(`line ${lineNo}: not JSON (${(e as Error).message})`);
  }
  const r = lineSchemas[kind].safeParse(value);
  if (!r.success) {
    const issue = r.error.issues[0]!;
    throw new Error(`line ${lineNo}: field ${issue.path.join('.') || '(line)'}: ${issue.message}`);
  }
}
