import { type Sql, sha256 } from '../../core/index.js';
import type { ChatLine } from './schemas.js';

/**
 * Model answers kept with their reasoning traces. The LLM client records every call in `llm_call`
 * (migration 0300, llm/ledger.ts): the messages as sent, the answer and, apart from it, the
 * provider's reasoning (DeepSeek-R1 `reasoning_content`, or a `<think>` block split off by
 * llm/reasoning.ts). Only answered calls count (`ok`; a cache hit repeats an earlier answer), and
 * the same conversation and answer once.
 */
export interface ReasonedAnswer {
  readonly id: string;
  readonly purpose: string;
  readonly patientId?: string;
  readonly messages: readonly ChatLine[];
  readonly answer: string;
  readonly reasoning: string;
}

interface CallRow {
  id: string;
  purpose: string;
  request: unknown;
  response: string;
  reasoning: string;
  patient_ref: string | null;
}

function chatMessages(request: unknown): ChatLine[] {
  const req = (typeof request === 'string' ? JSON.parse(request) : request) as { messages?: unknown } | null;
  if (!Array.isArray(req?.messages)) return [];
  // Tool calls and tool results are left out: the line teaches the answer from the conversation.
  return req.messages.flatMap((m: unknown) => {
    const { role, content } = (m ?? {}) as { role?: unknown; content?: unknown };
    if ((role === 'system' || role === 'user' || role === 'assistant') && typeof content === 'string' && content.trim())
      return [{ role, content }];
    return [];
  });
}

export async function loadReasonedAnswers(
  sql: Sql,
  filter: { patientId?: string; purpose?: string } = {},
): Promise<ReasonedAnswer[]> {
  const { rows } = await sql.query<CallRow>(
    `select id, purpose, request, response, reasoning, patient_ref from llm_call
     where status = 'ok' and reasoning is not null and reasoning <> '' and response is not null and response <> ''
       and ($1::text is null or patient_ref = $1) and ($2::text is null or purpose = $2)
     order by at, id`,
    [filter.patientId ?? null, filter.purpose ?? null],
  );
  const seen = new Set<string>();
  const out: ReasonedAnswer[] = [];
  for (const r of rows) {
    const messages = chatMessages(r.request);
    if (!messages.some((m) => m.role === 'user')) continue;
    const key = sha256(JSON.stringify([messages, r.response]));
    if (seen.has(key)) continue;
    seen.add(key);
    out.push({
      id: r.id,
      purpose: r.purpose,
      ...(r.patient_ref ? { patientId: r.patient_ref } : {}),
      messages,
      answer: r.response,
      reasoning: r.reasoning,
    });
  }
  return out;
}
