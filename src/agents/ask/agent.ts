import { allFacts, type Fact, type Lang, type ModelUse, type PatientState, type Sql, say } from '../../core/index.js';
import { type AskOptions, type LlmClient, runToolLoop, type ToolSpec } from '../../llm/index.js';
import type { DraftSentence } from './reader.js';
import type { ToolCaller } from './tools.js';

/** The tools the model may call: reads of this patient's record and the knowledge graph. */
export const AGENT_TOOLS = ['get_patient_state', 'search_notes', 'get_critical_values', 'knowledge_lookup'] as const;

export interface ModelAnswer {
  readonly ok: boolean;
  readonly drafts: readonly DraftSentence[];
  readonly use: ModelUse;
  readonly toolCalls: readonly { readonly name: string; readonly arguments: Readonly<Record<string, unknown>> }[];
  readonly error?: string;
  readonly traceId?: string;
}

export interface ModelOptions {
  readonly patientId: string;
  readonly question: string;
  readonly lang: Lang;
  readonly state: PatientState;
  readonly maxSteps?: number;
  readonly traceSql?: Sql;
  /** The patient's names, so that de-identification for an external model always masks them. */
  readonly names?: readonly string[];
  readonly onDelta?: AskOptions['onDelta'];
}

export function systemPrompt(patientId: string, lang: Lang): string {
  const answerIn = lang === 'zh' ? 'Chinese (简体中文)' : 'English';
  return [
    `You answer a clinician's question about one patient (Patient/${patientId}) from the hospital record, through`,
    'the tools. Read the record first: get_patient_state (facts with ids, medication courses with their events),',
    'search_notes for words in the notes. Then answer in',
    `${answerIn}, in short sentences. End every sentence with the ids of the facts it rests on in square brackets,`,
    'e.g. [F3a9c01d2e] (the `id` of each fact in the tool results). State only what the cited facts say: values with',
    'their units and dates as recorded. If the record does not answer the question, say so in one sentence with no',
    'citation. Never advise, never guess.',
  ].join(' ');
}

const REFUSAL = new RegExp(
  [
    '不能|无法|没有记录|未记录|未记载|未见|病历中没有|病历未',
    'not (recorded|documented|stated|in the record)|does not (say|show|state|record)',
    "doesn't|cannot|can't|no record|unable",
  ].join('|'),
  'i',
);

/** Splits a model's answer into sentences, each with the fact ids its `[…]` markers name (unknown ids dropped). */
export function parseModelAnswer(text: string, state: PatientState): DraftSentence[] {
  const facts = allFacts(state);
  const byId = new Map(facts.map((f) => [f.id, f]));
  const bySource = (ref: string): Fact[] =>
    facts.filter((f) =>
      f.sources.some((s) =>
        s.kind === 'resource' ? `${s.resourceType}/${s.id}` === ref : s.kind === 'text' && s.document === ref,
      ),
    );
  const pieces = text
    .split(/(?<=[。！？!?])|(?<=\.)\s+(?=\S)|\n+/)
    .map((s) => s.trim())
    .filter((s) => s.length > 0 && !/^\[[^\]]*\]$/.test(s));
  return pieces.map((piece) => {
    const ids: string[] = [];
    for (const m of piece.matchAll(/\[([^\]]+)\]/g))
      for (const token of m[1]!.split(/[\s,，;；]+/).filter(Boolean)) {
        if (byId.has(token)) ids.push(token);
        else if (token.includes('/'))
          ids.push(
            ...bySource(token)
              .map((f) => f.id)
              .slice(0, 3),
          );
      }
    const clean = piece
      .replace(/\s*\[[^\]]*\]\s*/g, ' ')
      .replace(/\s+([。，；.,;!?！？])/g, '$1')
      .trim();
    const kind = ids.length === 0 && REFUSAL.test(clean) ? ('refusal' as const) : ('record' as const);
    return { text: clean, kind, factIds: [...new Set(ids)] };
  });
}

/**
 * The agent loop: the configured model answers the question by calling MedSeek's own tools (the
 * same as any MCP host), at most `maxSteps` model calls, every tool call for this patient only; its
 * answer is split into cited sentences for the verifier. A model failure answers `ok: false` with
 * why; the caller keeps the deterministic answer.
 */
export async function modelAnswer(llm: LlmClient, caller: ToolCaller, o: ModelOptions): Promise<ModelAnswer> {
  const listed = await caller.list();
  const tools: ToolSpec[] = listed
    .filter((t) => (AGENT_TOOLS as readonly string[]).includes(t.name))
    .map((t) => ({
      name: t.name,
      ...(t.description ? { description: t.description } : {}),
      parameters: t.inputSchema,
    }));
  const calls: { name: string; arguments: Record<string, unknown> }[] = [];
  const loop = await runToolLoop(llm, {
    messages: [
      { role: 'system', content: systemPrompt(o.patientId, o.lang) },
      { role: 'user', content: o.question },
    ],
    tools,
    maxSteps: o.maxSteps ?? 6,
    maxResultChars: 100_000,
    purpose: 'agents/ask',
    patient: { key: o.patientId, ...(o.names?.length ? { names: o.names } : {}) },
    ...(o.traceSql ? { traceSql: o.traceSql } : {}),
    ...(o.onDelta ? { onDelta: o.onDelta } : {}),
    temperature: 0,
    execute: async (call) => {
      if (!(AGENT_TOOLS as readonly string[]).includes(call.name))
        throw new Error(`unknown tool '${call.name}'; tools: ${AGENT_TOOLS.join(', ')}`);
      let args: Record<string, unknown>;
      try {
        args = call.arguments.trim() ? (JSON.parse(call.arguments) as Record<string, unknown>) : {};
      } catch {
        throw new Error(`invalid: the arguments of ${call.name} are not JSON`);
      }
      const schema = listed.find((t) => t.name === call.name)?.inputSchema as { properties?: Record<string, unknown> };
      if (schema?.properties && 'patientId' in schema.properties) {
        if (args.patientId !== undefined && args.patientId !== o.patientId)
          throw new Error(`forbidden: this question is about Patient/${o.patientId} only`);
        args = { ...args, patientId: o.patientId };
      }
      calls.push({ name: call.name, arguments: args });
      return JSON.stringify(await caller.call(call.name, args));
    },
  });
  const t = say(o.lang);
  if (!loop.ok)
    return {
      ok: false,
      drafts: [],
      use: loop.use,
      toolCalls: calls,
      error: loop.error?.message ?? t('the model gave no answer', '模型未给出回答'),
      ...(loop.traceId ? { traceId: loop.traceId } : {}),
    };
  return {
    ok: true,
    drafts: parseModelAnswer(loop.text, o.state),
    use: loop.use,
    toolCalls: calls,
    ...(loop.traceId ? { traceId: loop.traceId } : {}),
  };
}
