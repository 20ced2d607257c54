import {
  type AgentAccess,
  askRecord,
  createMedSeekMcp,
  mcpToolCaller,
  STATE_SECTIONS,
  type AskAnswer,
} from '../../src/agents/index.js';
import { loadConfig, type PatientState } from '../../src/core/index.js';
import { lexiconSnapshot } from '../../src/knowledge/index.js';
import { LlmClient } from '../../src/llm/index.js';
import { releaseLexicon } from '../../src/nlp/index.js';
import { createLogger, openContext } from '../../src/server/index.js';
import { openDatabase } from '../../src/store/index.js';
import { grade, type Outcome } from './grade.js';
import type { AskQuestion } from './questions.js';
import { scriptedModel } from './scripted-model.js';

export type AskMode = 'deterministic' | 'scripted-model';

export interface QuestionResult {
  readonly id: string;
  readonly lang: string;
  readonly outcome: Outcome;
  readonly unsupportedCitation: boolean;
  readonly intent: string;
  readonly answeredBy: string;
  readonly answer: string;
  readonly removed: number;
  /** Each removed sentence with why the checks removed it (so "checker rejected a good answer" shows). */
  readonly removedSentences: readonly { readonly text: string; readonly reason: string }[];
  readonly injected?: string;
  readonly why?: string;
}

export interface ModeFigures {
  readonly questions: number;
  readonly correct: number;
  readonly refused: number;
  readonly wrong: number;
  readonly wrongWithUnsupportingCitation: number;
  readonly correctRate: number;
  readonly byLang: Record<string, { questions: number; correct: number; refused: number; wrong: number }>;
  /** Scripted model: answers it was made to get wrong, and how many of those the checks removed. */
  readonly injected?: { readonly total: number; readonly shown: number; readonly answeredByModel: number };
  readonly sentences: { readonly verified: number; readonly flagged: number; readonly removed: number };
  readonly results: readonly QuestionResult[];
}

/** Every question asked of the demo record (embedded store, the shipped demo), in one mode. */
export async function runAsk(
  questions: readonly AskQuestion[],
  modes: readonly AskMode[],
): Promise<Record<AskMode, ModeFigures>> {
  const db = await openDatabase();
  const ctx = await openContext(loadConfig({}, { demo: true, logLevel: 'warn' }), {
    db,
    llm: false,
    logger: createLogger('warn', { write: () => {} }),
  });
  const out = {} as Record<AskMode, ModeFigures>;
  try {
    const mcp = createMedSeekMcp({ db: ctx.db, resources: ctx.resources }, 'bench');
    const access: AgentAccess = {
      principal: { id: 'bench:ask', name: 'ask benchmark', role: 'clinician' },
      allows: async () => true,
      visible: async () => undefined,
      audit: async () => {},
      deidentify: false,
    };
    const lexicon = releaseLexicon(await lexiconSnapshot(ctx.db));
    const states = new Map<string, PatientState>();
    for (const mode of modes) {
      const provider = mode === 'scripted-model' ? scriptedModel(questions) : undefined;
      const llm = provider ? new LlmClient({ providers: [{ provider }], cache: false }) : undefined;
      const results: QuestionResult[] = [];
      const sentences = { verified: 0, flagged: 0, removed: 0 };
      for (const q of questions) {
        const caller = await mcpToolCaller((a) => mcp.server(a), access);
        try {
          let state = states.get(q.patient);
          if (!state) {
            state = (await caller.call('get_patient_state', {
              patientId: q.patient,
              sections: STATE_SECTIONS,
            })) as PatientState;
            states.set(q.patient, state);
          }
          const a: AskAnswer = await askRecord(caller, {
            patientId: q.patient,
            question: q.question,
            lexicon,
            ...(llm ? { llm } : {}),
          });
          const g = grade(q, a, state);
          for (const s of a.sentences)
            if (s.status === 'verified') sentences.verified++;
            else if (s.status === 'flagged') sentences.flagged++;
          sentences.removed += a.removed.length;
          results.push({
            id: q.id,
            lang: q.lang,
            outcome: g.outcome,
            unsupportedCitation: g.unsupportedCitation,
            intent: a.intent,
            answeredBy: a.answeredBy,
            answer: a.sentences.map((s) => s.text).join(' '),
            removed: a.removed.length,
            removedSentences: a.removed.map((s) => ({ text: s.text, reason: s.reason ?? '' })),
            ...(provider?.injected.has(q.id) ? { injected: provider.injected.get(q.id)! } : {}),
            ...(g.why ? { why: g.why } : {}),
          });
        } finally {
          await caller.close();
        }
      }
      out[mode] = figures(results, sentences, provider !== undefined);
    }
  } finally {
    await ctx.close();
    await db.close();
  }
  return out;
}

function figures(results: QuestionResult[], sentences: ModeFigures['sentences'], scripted: boolean): ModeFigures {
  const count = (o: Outcome, rs = results) => rs.filter((r) => r.outcome === o).length;
  const byLang: ModeFigures['byLang'] = {};
  for (const lang of [...new Set(results.map((r) => r.lang))]) {
    const rs = results.filter((r) => r.lang === lang);
    byLang[lang] = {
      questions: rs.length,
      correct: count('correct', rs),
      refused: count('refused', rs),
      wrong: count('wrong', rs),
    };
  }
  const injected = results.filter((r) => r.injected);
  return {
    questions: results.length,
    correct: count('correct'),
    refused: count('refused'),
    wrong: count('wrong'),
    wrongWithUnsupportingCitation: results.filter((r) => r.outcome === 'wrong' && r.unsupportedCitation).length,
    correctRate: results.length ? count('correct') / results.length : 0,
    byLang,
    ...(scripted
      ? {
          injected: {
            total: injected.length,
            shown: injected.filter((r) => r.answeredBy === 'model' && r.outcome === 'wrong').length,
            answeredByModel: results.filter((r) => r.answeredBy === 'model').length,
          },
        }
      : {}),
    sentences,
    results,
  };
}
