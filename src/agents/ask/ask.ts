import { invalid, type Lang, notFound, type PatientState, type Sql, say } from '../../core/index.js';
import { citationKeys } from '../../compose/index.js';
import { type AskOptions, type LlmClient, notUsed } from '../../llm/index.js';
import { builtinLexicon, detectLanguage, type Lexicon } from '../../nlp/index.js';
import type { DrugIndex } from '../../reasoning/index.js';
import type { FaithfulnessReport } from '../../verify/index.js';
import { STATE_SECTIONS } from '../mcp/tools-patient.js';
import { modelAnswer } from './agent.js';
import { checkSentences } from './check.js';
import { absenceHolds, fillGaps } from './gaps.js';
import { readQuestion } from './reader.js';
import type { ToolCaller } from './tools.js';
import type { AnswerSentence, AskAnswer } from './types.js';

export const MAX_QUESTION_LENGTH = 2000;

export interface AskRecordOptions {
  readonly patientId: string;
  readonly question: string;
  /** The answer's language; default: the question's. */
  readonly lang?: Lang | 'auto';
  /** The configured model; absent or unconfigured: the deterministic reader answers. */
  readonly llm?: LlmClient;
  /** Model steps of the agent loop (default 6, at most 12). */
  readonly maxSteps?: number;
  /** The names the question is read with (the active release's); default the built-in lexicon. */
  readonly lexicon?: Lexicon;
  /** The drug table class and drug names are read with (the active release's); default the bundled one. */
  readonly drugs?: DrugIndex;
  /** Where the agent loop's whole trace is stored (llm_tool_trace). */
  readonly traceSql?: Sql;
  readonly onDelta?: AskOptions['onDelta'];
}

/** The question as asked, checked: a clear error naming the field otherwise. */
export function checkQuestion(question: unknown): string {
  if (typeof question !== 'string') throw invalid('must be a string', { field: 'question' });
  const q = question.trim();
  if (q.length === 0) throw invalid('must not be empty', { field: 'question' });
  if (q.length > MAX_QUESTION_LENGTH)
    throw invalid(`must be at most ${MAX_QUESTION_LENGTH} characters (got ${q.length})`, { field: 'question' });
  return q;
}

/**
 * Ask the record: a clinician's question (zh or en) answered from one patient's record through
 * MedSeek's tools. The deterministic reader answers what the fused state answers exactly and says
 * plainly what it cannot; with a configured model, an agent loop over the same tools answers, and
 * its answer is shown when at least one of its sentences survives verification (else the
 * reader's). Every shown sentence of the record cites its facts (and their sources) and has been
 * through the verifier: contradicted or wrongly cited sentences are removed, never shown.
 */
export async function askRecord(caller: ToolCaller, options: AskRecordOptions): Promise<AskAnswer> {
  const question = checkQuestion(options.question);
  const { patientId } = options;
  if (!patientId) throw invalid('must not be empty', { field: 'patientId' });
  const lang: Lang = !options.lang || options.lang === 'auto' ? detectLanguage(question) : options.lang;
  const t = say(lang);
  const state = (await caller.call('get_patient_state', { patientId, sections: STATE_SECTIONS })) as PatientState;
  if (!state || typeof state !== 'object' || !Array.isArray(state.phenotype))
    throw notFound(`no state for Patient/${patientId}`, { field: 'patientId' });
  const verify = async (text: string) =>
    (await caller.call('verify_text', { patientId, text, lang })) as FaithfulnessReport;
  const toolCalls: AskAnswer['toolCalls'][number][] = [
    { name: 'get_patient_state', arguments: { patientId, sections: STATE_SECTIONS } },
  ];

  const lexicon = options.lexicon ?? builtinLexicon();
  const read = readQuestion(question, state, lang, lexicon, options.drugs);
  // What the orders leave unsaid (why, when) is looked for in the notes before any absence is stated.
  const filled = await fillGaps(read.sentences, caller, patientId, lang);
  for (const query of filled.searched) toolCalls.push({ name: 'search_notes', arguments: { patientId, query } });
  if (filled.drafts.some((s) => s.kind === 'record')) toolCalls.push({ name: 'verify_text', arguments: { patientId } });
  const checked = await checkSentences(filled.drafts, state, lang, verify, 'deterministic');
  const deterministic = {
    intent: read.intent,
    shown: checked.shown,
    removed: checked.removed,
    // Nothing of the record left to show is a refusal too; so is a why/when nothing in the record answers.
    refused: read.refused || filled.unresolved > 0 || !checked.shown.some((s) => s.kind !== 'refusal'),
  };

  let model = notUsed(options.llm?.configured ? 'not asked' : 'no model configured');
  if (options.llm?.configured) {
    const names = await patientNames(caller, patientId);
    const m = await modelAnswer(options.llm, caller, {
      patientId,
      question,
      lang,
      state,
      names,
      ...(options.maxSteps !== undefined ? { maxSteps: options.maxSteps } : {}),
      ...(options.traceSql ? { traceSql: options.traceSql } : {}),
      ...(options.onDelta ? { onDelta: options.onDelta } : {}),
    });
    model = m.use;
    toolCalls.push(...m.toolCalls);
    if (m.ok) {
      // A model's "nothing recorded" stands only where the record and the notes confirm the absence.
      const absences = m.drafts.filter((d) => d.kind !== 'record');
      const absence = absences.length > 0 ? await absenceHolds(question, state, lexicon, caller, lang) : undefined;
      const drafts = absence && !absence.holds ? m.drafts.filter((d) => d.kind === 'record') : m.drafts;
      const mc = await checkSentences(drafts, state, lang, verify, 'model');
      if (absence && !absence.holds)
        mc.removed.push(
          ...absences.map((d) => ({
            text: d.text,
            kind: d.kind,
            factIds: [],
            sources: [],
            status: 'removed' as const,
            reason: absence.why,
          })),
        );
      const recordShown = mc.shown.filter((s) => s.kind === 'record');
      const modelRefused = recordShown.length === 0 && mc.shown.some((s) => s.kind === 'refusal');
      // The model's answer stands when it states something verified, or refuses where the reader refuses too.
      if (recordShown.length > 0 || (modelRefused && deterministic.refused))
        return finish(patientId, question, lang, {
          intent: read.intent,
          shown: mc.shown,
          removed: mc.removed,
          refused: recordShown.length === 0,
          answeredBy: 'model',
          model,
          toolCalls,
        });
      model = {
        ...model,
        used: false,
        reason: t(
          'no sentence of the model’s answer was supported by the record; the reader’s answer is shown',
          '模型回答中没有被病历支持的句子；显示确定性阅读器的回答',
        ),
      };
      return finish(patientId, question, lang, {
        ...deterministic,
        removed: [...deterministic.removed, ...mc.removed],
        answeredBy: 'deterministic',
        model,
        toolCalls,
      });
    }
    model = { ...model, used: false, reason: m.error ?? model.reason ?? '' };
  }
  return finish(patientId, question, lang, { ...deterministic, answeredBy: 'deterministic', model, toolCalls });
}

async function patientNames(caller: ToolCaller, patientId: string): Promise<string[]> {
  try {
    const r = (await caller.call('search_patients', { query: patientId, limit: 5 })) as {
      patients?: { id: string; name?: string }[];
    };
    return (r.patients ?? []).filter((p) => p.id === patientId && p.name).map((p) => p.name!);
  } catch {
    return [];
  }
}

function finish(
  patientId: string,
  question: string,
  lang: Lang,
  a: {
    intent: AskAnswer['intent'];
    shown: AnswerSentence[];
    removed: AnswerSentence[];
    refused: boolean;
    answeredBy: AskAnswer['answeredBy'];
    model: AskAnswer['model'];
    toolCalls: AskAnswer['toolCalls'];
  },
): AskAnswer {
  const { key, citations } = citationKeys();
  const parts = a.shown.map((s) => (s.factIds.length === 0 ? s.text : `${s.text} [${s.factIds.map(key).join(', ')}]`));
  return {
    patientId,
    question,
    lang,
    intent: a.intent,
    sentences: a.shown,
    removed: a.removed,
    refused: a.refused,
    answeredBy: a.answeredBy,
    model: a.model,
    toolCalls: a.toolCalls,
    text: parts.join(lang === 'zh' ? '' : ' '),
    citations,
  };
}
