import type { Lang, Sex, Sql } from '../../core/index.js';
import { newId } from '../../core/index.js';
import type { InterviewPolicy, Network } from '../diagnosis/index.js';
import type { PreConsultReport } from './report.js';
import { buildReport } from './report.js';
import type { ModelReader } from './reading-model.js';
import { readAnswerWithModel } from './reading-model.js';
import type { ConsultContext, ConsultState, PriorReading, Reply, Turn } from './session.js';
import { answerSession, pendingNetworkQuestion, startSession } from './session.js';
import { insertSession, loadSession, loadTranscript, saveStep } from './store.js';

/** Finds the network of a knowledge base by name (`ddxplus`, `dxy`, a release…). */
export type NetworkResolver = (kb: string) => Promise<Network>;

export interface CreateSessionInput {
  readonly kb: string;
  readonly lang: Lang;
  readonly complaint: string;
  readonly age?: number;
  readonly sex?: Sex;
  readonly informant?: string;
  readonly channel?: string;
}

/** The session API over the database: create, answer, resume, report. Used by the CLI and the server. */
export class ConsultationService {
  constructor(
    private readonly sql: Sql,
    private readonly resolve: NetworkResolver,
    /** `reader`: a configured model reads each answer to a network question first, checked against the patient's words. */
    private readonly options: { policy?: InterviewPolicy; now?: () => string; reader?: ModelReader } = {},
  ) {}

  private async context(kb: string): Promise<ConsultContext> {
    return {
      net: await this.resolve(kb),
      ...(this.options.policy ? { policy: this.options.policy } : {}),
      ...(this.options.now ? { now: this.options.now } : {}),
    };
  }

  async create(input: CreateSessionInput): Promise<{ session: ConsultState; reply: Reply }> {
    const ctx = await this.context(input.kb);
    const r = startSession(ctx, { id: newId(), ...input });
    await insertSession(this.sql, r.state, r.turns);
    return { session: r.state, reply: r.reply };
  }

  async answer(id: string, text: string): Promise<{ session: ConsultState; reply: Reply }> {
    const state = await loadSession(this.sql, id);
    const ctx = await this.context(state.kb);
    const r = answerSession(ctx, state, text, await this.modelReading(ctx, state, text));
    await saveStep(this.sql, state.turn, r.state, r.turns);
    return { session: r.state, reply: r.reply };
  }

  /** The model's reading of an answer to a network question, when a model is configured and its reading passed every check. */
  private async modelReading(
    ctx: ConsultContext,
    state: ConsultState,
    text: string,
  ): Promise<PriorReading | undefined> {
    const reader = this.options.reader;
    const question = reader && typeof text === 'string' && text.trim() ? pendingNetworkQuestion(ctx, state) : undefined;
    if (!question) return undefined;
    const reading = await readAnswerWithModel(reader, question, text.trim(), state.lang, { net: ctx.net });
    return reading.readBy === 'model' ? { question: question.id, reading } : undefined;
  }

  /** The session as stored, with the question it is waiting on (to resume after a break). */
  async resume(id: string): Promise<{ session: ConsultState; transcript: Turn[]; lastPrompt?: string }> {
    const session = await loadSession(this.sql, id);
    const transcript = await loadTranscript(this.sql, id);
    const last = [...transcript].reverse().find((t) => t.role === 'medseek');
    return { session, transcript, ...(last ? { lastPrompt: last.text } : {}) };
  }

  async report(id: string): Promise<PreConsultReport> {
    const state = await loadSession(this.sql, id);
    const ctx = await this.context(state.kb);
    return buildReport(ctx.net, state, this.options.now ? { now: this.options.now() } : {});
  }
}
