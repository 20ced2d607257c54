import type { Fact, MedicationCourse } from '../../src/core/index.js';
import { formatNumber } from '../../src/agents/index.js';
import type { LlmProvider, ProviderRequest, ProviderResponse } from '../../src/llm/index.js';
import type { AskQuestion } from './questions.js';

/**
 * A scripted test model for the ask benchmark: an in-process provider that behaves like a model
 * with tools. Step 1 it calls get_patient_state for the patient the system prompt names; step 2 it
 * reads the tool result and answers from a script: the question's reference answer, citing the
 * facts that state its key values. Some answers are deliberately wrong, so the benchmark measures
 * what the verifier lets through:
 * - every 5th question (index % 5 === 2): the first number is changed (6.5 → 7.5), citation kept;
 * - every 5th (index % 5 === 4): a fabricated sentence citing an unrelated fact
 *   ("… was held because of bleeding"), or the reference citing the wrong fact.
 */
export function scriptedModel(
  questions: readonly AskQuestion[],
): LlmProvider & { readonly injected: Map<string, string> } {
  const byText = new Map(questions.map((q, i) => [q.question, { q, i }]));
  const injected = new Map<string, string>();
  return {
    name: 'scripted',
    kind: 'openai-compatible',
    trust: 'local',
    defaultModel: 'scripted-ask-1',
    jsonMode: 'none',
    supportsTools: true,
    injected,
    async complete(req: ProviderRequest): Promise<ProviderResponse> {
      const system = req.messages.find((m) => m.role === 'system')?.content ?? '';
      const user = [...req.messages].reverse().find((m) => m.role === 'user')?.content ?? '';
      const tool = [...req.messages].reverse().find((m) => m.role === 'tool');
      const reply = (content: string, toolCalls: ProviderResponse['toolCalls'] = []): ProviderResponse => ({
        content,
        toolCalls,
        finishReason: toolCalls.length ? 'tool_calls' : 'stop',
        model: 'scripted-ask-1',
      });
      if (!tool) {
        const patientId = /Patient\/([\w.-]+)/.exec(system)?.[1] ?? '';
        return reply('', [
          {
            id: 'call_1',
            name: 'get_patient_state',
            arguments: JSON.stringify({ patientId, sections: ['phenotype', 'intervention', 'biology', 'medications'] }),
          },
        ]);
      }
      const script = byText.get(user.trim());
      if (!script) return reply('The record does not answer this.');
      let state: { phenotype: Fact[]; intervention: Fact[]; biology: Fact[]; medications?: MedicationCourse[] };
      try {
        state = JSON.parse(tool.content);
      } catch {
        return reply('The record does not answer this.');
      }
      const facts = [...state.phenotype, ...state.intervention, ...state.biology];
      const { q, i } = script;
      const lang = q.lang;
      if (q.unanswerable) {
        if (i % 5 === 4 && facts[0]) {
          const f = facts[0];
          injected.set(q.id, 'fabricated');
          const name =
            lang === 'zh' ? (f.concept.displayZh ?? f.concept.display) : (f.concept.display ?? f.concept.displayZh);
          return reply(
            lang === 'zh'
              ? `${name}因出血风险于2024-01-01暂停 [${f.id}]。`
              : `${name} was held on 2024-01-01 because of bleeding risk [${f.id}].`,
          );
        }
        return reply(
          lang === 'zh' ? '病历中没有记录，无法回答。' : 'The record does not say; this cannot be answered from it.',
        );
      }
      const cited: Fact[] = [];
      for (const group of q.must ?? []) {
        const f = findFact(facts, state.medications ?? [], group);
        if (f && !cited.includes(f)) cited.push(f);
      }
      if (cited.length === 0)
        return reply(lang === 'zh' ? '病历中没有找到相关记录。' : 'I could not find this in the record.');
      const first = cited[0]!;
      const name =
        lang === 'zh'
          ? (first.concept.displayZh ?? first.concept.display)
          : (first.concept.display?.replace(/\s*\[.*$/, '') ?? first.concept.displayZh);
      let text = `${name}: ${q.reference}`;
      let ids = cited.map((f) => f.id);
      if (i % 5 === 2 && /\d/.test(text)) {
        injected.set(q.id, 'wrong-number');
        text = text.replace(/(\d+)(\.\d+)?/, (_m, a: string, b: string | undefined) => `${Number(a) + 1}${b ?? ''}`);
      } else if (i % 5 === 4) {
        const other = facts.find((f) => !cited.includes(f) && f.category !== first.category);
        if (other) {
          injected.set(q.id, 'wrong-citation');
          ids = [other.id];
        }
      }
      return reply(`${text} [${ids.join(', ')}]`);
    },
  };
}

function strings(f: Fact, courses: readonly MedicationCourse[]): string[] {
  const out = [f.concept.display ?? '', f.concept.displayZh ?? '', f.valueText ?? '', f.time?.start ?? ''];
  if (f.value) out.push(formatNumber(f.value.value), String(f.value.value));
  for (const c of courses)
    if (c.factIds[0] === f.id) {
      out.push(c.concept.display ?? '', c.concept.displayZh ?? '');
      for (const e of c.events) out.push(e.time ?? '', e.reason ?? '');
    }
  return out.map((s) => s.toLowerCase());
}

/** The first fact (coded ones first) one of whose values, times or names contains one of the words. */
function findFact(
  facts: readonly Fact[],
  courses: readonly MedicationCourse[],
  words: readonly string[],
): Fact | undefined {
  const coded = [...facts].sort(
    (a, b) =>
      Number(b.sources.some((s) => s.kind === 'resource')) - Number(a.sources.some((s) => s.kind === 'resource')),
  );
  for (const w of words) {
    const word = w.toLowerCase().trim();
    const f = coded.find((x) =>
      strings(x, courses).some((s) => s === word || s.startsWith(word) || (word.length > 2 && s.includes(word))),
    );
    if (f) return f;
  }
  return undefined;
}
