import type { ModelUse, Sql } from '../core/index.js';
import { newId } from '../core/index.js';
import type { AskOptions, LlmClient } from './client.js';
import { notUsed } from './client.js';
import type { ChatMessage, LlmFailure, ToolCall, ToolSpec } from './types.js';

/** The most model steps one loop may take, whatever the caller asks. */
export const MAX_TOOL_STEPS = 12;

/** One step of a tool loop: what the model said and called, and what each tool answered. */
export interface ToolStep {
  readonly step: number;
  readonly content: string;
  readonly toolCalls: readonly ToolCall[];
  readonly results: readonly {
    readonly toolCallId: string;
    readonly name: string;
    readonly content: string;
    readonly error?: boolean;
  }[];
}

export interface ToolLoopOptions extends Omit<AskOptions, 'messages' | 'prompt' | 'tools'> {
  /** The conversation so far (system and user messages). */
  readonly messages: readonly ChatMessage[];
  readonly tools: readonly ToolSpec[];
  /**
   * Runs one tool call and answers its result as text. A thrown error is told to the model as the
   * tool's answer (`error: …`), so it can correct its call; the loop goes on.
   */
  readonly execute: (call: ToolCall) => Promise<string>;
  /** At most this many model calls (default 6, at most MAX_TOOL_STEPS). */
  readonly maxSteps?: number;
  /** A tool result longer than this is cut (the model is told so); default 60,000 characters. */
  readonly maxResultChars?: number;
  /** Where the whole trace is stored for audit (table llm_tool_trace, migration 0310). */
  readonly traceSql?: Sql;
}

export interface ToolLoopResult {
  /** True when the model gave a final answer (no more tool calls) within the step bound. */
  readonly ok: boolean;
  readonly text: string;
  readonly steps: readonly ToolStep[];
  readonly stopped: 'answer' | 'max-steps' | 'failed';
  readonly error?: LlmFailure;
  readonly use: ModelUse;
  /** The stored trace's id (when `traceSql` was given and the row was written). */
  readonly traceId?: string;
}

/**
 * Function calling as a bounded loop over `LlmClient`: the model answers or calls tools; each call
 * is run and its result goes back as a `tool` message; at most `maxSteps` model calls. Every model
 * call goes through the client, so each is routed, de-identified for an external provider (the
 * tool results too: they are messages like any other, scrubbed with the patient's de-identifier
 * and the model's tool-call arguments re-identified before they are run), cached and audited
 * (llm_call); streaming is the client's (`onDelta`). The whole trace (every step's text, calls and
 * results) is stored in one row for audit when `traceSql` is given. Never throws for a model
 * failure: `{ ok: false, stopped: 'failed' }`.
 */
export async function runToolLoop(client: LlmClient, options: ToolLoopOptions): Promise<ToolLoopResult> {
  const { execute, traceSql, maxResultChars = 60_000, ...ask } = options;
  const maxSteps = Math.max(1, Math.min(options.maxSteps ?? 6, MAX_TOOL_STEPS));
  const messages: ChatMessage[] = [...options.messages];
  const steps: ToolStep[] = [];
  const deadline = options.deadline ?? client.deadline();
  let use: ModelUse = notUsed('no step ran');
  const finish = async (r: Omit<ToolLoopResult, 'steps' | 'use' | 'traceId'>): Promise<ToolLoopResult> => {
    const traceId = traceSql ? await storeTrace(traceSql, options, steps, r, use).catch(() => undefined) : undefined;
    return { ...r, steps, use, ...(traceId ? { traceId } : {}) };
  };
  for (let step = 1; step <= maxSteps; step++) {
    const r = await client.chat({ ...ask, messages, tools: options.tools, deadline });
    use = r.use;
    if (!r.ok) return finish({ ok: false, text: '', stopped: 'failed', error: r.error });
    if (r.toolCalls.length === 0) {
      steps.push({ step, content: r.text, toolCalls: [], results: [] });
      return finish({ ok: true, text: r.text, stopped: 'answer' });
    }
    messages.push({ role: 'assistant', content: r.text, toolCalls: r.toolCalls });
    const results: ToolStep['results'][number][] = [];
    for (const call of r.toolCalls) {
      let content: string;
      let error = false;
      try {
        content = await execute(call);
      } catch (e) {
        content = `error: ${(e as Error).message}`;
        error = true;
      }
      if (content.length > maxResultChars)
        content = `${content.slice(0, maxResultChars)}\n…(cut at ${maxResultChars} characters)`;
      messages.push({ role: 'tool', content, toolCallId: call.id });
      results.push({ toolCallId: call.id, name: call.name, content, ...(error ? { error } : {}) });
    }
    steps.push({ step, content: r.text, toolCalls: r.toolCalls, results });
  }
  return finish({
    ok: false,
    text: '',
    stopped: 'max-steps',
    error: { kind: 'invalid-output', message: `no answer within ${maxSteps} model steps` },
  });
}

async function storeTrace(
  sql: Sql,
  options: ToolLoopOptions,
  steps: readonly ToolStep[],
  end: Pick<ToolLoopResult, 'stopped' | 'error'>,
  use: ModelUse,
): Promise<string> {
  const id = newId();
  await sql.query(
    `insert into llm_tool_trace (id, purpose, patient_ref, stopped, steps, tools, trace, model_use)
     values ($1, $2, $3, $4, $5, $6::jsonb, $7::jsonb, $8::jsonb)`,
    [
      id,
      options.purpose ?? '',
      options.patient?.key ?? null,
      end.stopped,
      steps.length,
      JSON.stringify(options.tools.map((t) => t.name)),
      // Why a loop stopped short (a failed model call, no answer within the bound) is part of its trace.
      JSON.stringify({ messages: options.messages, steps, ...(end.error ? { error: end.error } : {}) }),
      JSON.stringify(use),
    ],
  );
  return id;
}
