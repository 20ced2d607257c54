import type { Bilingual, Lang, Sex } from '../../core/index.js';
import { invalid } from '../../core/index.js';
import type { InterviewPolicy, Network, Observations, QuestionNode, StopReason } from '../diagnosis/index.js';
import { answerFindings, decideNext, infer, resolveCase } from '../diagnosis/index.js';
import { isUnknown, parseNumberList, parseQuestionAnswer } from './answers.js';
import type { ParsedComplaint } from './complaint.js';
import { parseComplaint, parseDuration } from './complaint.js';
import type { RedFlagConfig, TriageScale } from './redflags.js';
import { defaultRedFlags, defaultTriageScale, redFlagRulesMatching, redFlagsInText, screenQuestion, triageLevel } from './redflags.js';

/**
 * A pre-consultation (智能预问诊) session as a pure state machine (consultation.md §1.1):
 * chief complaint → red-flag screen (stop at once on any positive: emergency message, staff alert,
 * triage level) → duration if the complaint gave none → the network's questions (next best by
 * information gain, dangerous diseases weighted) until confident or at the limit → allergies and
 * current medications (mandatory, "unknown" accepted, PC-03) → last menstrual period for women of
 * reproductive age (PC-04) → done. Every patient turn is kept for the report's provenance.
 */
export type Stage = 'screen' | 'duration' | 'diagnostic' | 'allergies' | 'medications' | 'lmp' | 'done';

export interface TriageResult {
  readonly scale: string;
  readonly level: number;
  readonly name: Bilingual;
  readonly colour: string;
  readonly zone: Bilingual;
  readonly responseLimitMin: number;
  readonly reason: Bilingual;
}

export interface AnswerRecord {
  readonly turn: number;
  /** A network question id, or a history slot. */
  readonly question: string;
  readonly text: string;
  readonly value: 'yes' | 'no' | 'unknown' | 'text' | readonly (string | number)[];
  readonly present?: readonly string[];
  readonly absent?: readonly string[];
}

export interface ConsultState {
  readonly id: string;
  readonly kb: string;
  readonly lang: Lang;
  readonly createdAt: string;
  readonly updatedAt: string;
  readonly status: 'active' | 'emergency' | 'complete';
  readonly patient: { readonly age?: number; readonly sex?: Sex; readonly informant?: string; readonly channel?: string };
  readonly complaint: { readonly text: string; readonly turn: number } & ParsedComplaint;
  readonly stage: Stage;
  /** What the last MedSeek turn asked (a network question id or a stage slot). */
  readonly pending?: string;
  readonly present: readonly string[];
  readonly absent: readonly string[];
  readonly asked: readonly string[];
  readonly answers: readonly AnswerRecord[];
  readonly redFlags: {
    readonly screened: readonly { readonly id: string; readonly result: 'positive' | 'negative' | 'unsure'; readonly turn: number; readonly via: 'complaint' | 'screen' | 'rule' }[];
    readonly positive: readonly string[];
    /** When staff were alerted (a positive red flag). */
    readonly alertAt?: string;
  };
  readonly history: { readonly [slot in 'duration' | 'allergies' | 'medications' | 'lmp']?: { readonly text: string; readonly turn: number; readonly unknown: boolean } };
  /** Answers to verify (unsure, contradictory): 待医生核实. */
  readonly toVerify: readonly { readonly item: Bilingual; readonly turn: number }[];
  readonly triage?: TriageResult;
  readonly stop?: StopReason | 'red-flag';
  readonly turn: number;
}

export interface Turn {
  readonly turn: number;
  readonly role: 'patient' | 'medseek';
  readonly text: string;
  readonly at: string;
}

export interface Reply {
  readonly kind: 'question' | 'reprompt' | 'emergency' | 'done';
  readonly text: string;
  /** The network question being asked, for clients that render options. */
  readonly question?: { readonly id: string; readonly kind: QuestionNode['kind']; readonly options?: readonly string[] };
  /** Tappable answers for the phone (是/否/不确定, OPQRST slot choices); sending `value` as the answer text is always understood. */
  readonly choices?: readonly { readonly value: string; readonly label: string }[];
  /** How far along the interview is, for a progress indicator: questions asked and the expected total. */
  readonly progress?: { readonly asked: number; readonly expected: number };
  /** On an emergency exit: what the patient must do now, in plain words, and the number to call (120 in China, configurable). */
  readonly emergency?: { readonly message: string; readonly callNumber: string; readonly staffNotified: boolean };
}

export interface StepResult {
  readonly state: ConsultState;
  /** New transcript turns (patient's then MedSeek's), to append to the stored dialogue. */
  readonly turns: readonly Turn[];
  readonly reply: Reply;
}

export interface ConsultContext {
  readonly net: Network;
  readonly policy?: InterviewPolicy;
  readonly redFlags?: RedFlagConfig;
  readonly scale?: TriageScale;
  readonly now?: () => string;
}

export interface StartInput {
  readonly id: string;
  readonly kb: string;
  readonly lang: Lang;
  readonly complaint: string;
  readonly age?: number;
  readonly sex?: Sex;
  readonly informant?: string;
  readonly channel?: string;
}

const t = (b: Bilingual, lang: Lang) => (lang === 'zh' ? (b.zh ?? b.en) : b.en);

export function startSession(ctx: ConsultContext, input: StartInput): StepResult {
  const now = ctx.now?.() ?? new Date().toISOString();
  const text = input.complaint.trim();
  if (!text) throw invalid('the chief complaint is empty', { field: 'complaint' });
  if (input.age !== undefined && (!Number.isFinite(input.age) || input.age < 0 || input.age > 130)) throw invalid(`age ${input.age} is out of range`, { field: 'age' });
  const parsed = parseComplaint(ctx.net, text, input.lang);
  const patientTurn: Turn = { turn: 1, role: 'patient', text, at: now };
  let state: ConsultState = {
    id: input.id,
    kb: input.kb,
    lang: input.lang,
    createdAt: now,
    updatedAt: now,
    status: 'active',
    patient: {
      ...(input.age !== undefined ? { age: input.age } : {}),
      ...(input.sex ? { sex: input.sex } : {}),
      ...(input.informant ? { informant: input.informant } : {}),
      ...(input.channel ? { channel: input.channel } : {}),
    },
    complaint: { text, turn: 1, ...parsed },
    stage: 'screen',
    present: parsed.present,
    absent: parsed.absent,
    asked: [],
    answers: [],
    redFlags: { screened: [], positive: [] },
    history: parsed.duration ? { duration: { text: parsed.duration.text, turn: 1, unknown: false } } : {},
    toVerify: [],
    turn: 1,
  };
  // Red flags in the complaint itself (and rules on age) come before any question (PC-01).
  const flags = ctx.redFlags ?? defaultRedFlags();
  const inText = redFlagsInText(text, flags);
  const rules = redFlagRulesMatching(text, input.age, flags);
  if (inText.length > 0 || rules.length > 0) {
    state = {
      ...state,
      redFlags: {
        screened: [...inText.map((f) => ({ id: f.id, result: 'positive' as const, turn: 1, via: 'complaint' as const })), ...rules.map((r) => ({ id: r.id, result: 'positive' as const, turn: 1, via: 'rule' as const }))],
        positive: [...inText.map((f) => f.id), ...rules.map((r) => r.id)],
      },
    };
    return emergency(ctx, state, [patientTurn], now);
  }
  return ask(ctx, { ...state, stage: 'screen', pending: 'screen' }, [patientTurn], screenQuestion(input.lang, flags), now);
}

export function answerSession(ctx: ConsultContext, state: ConsultState, text: string): StepResult {
  if (state.status !== 'active') throw invalid(`session ${state.id} is ${state.status}; it takes no more answers`, { field: 'answer' });
  const now = ctx.now?.() ?? new Date().toISOString();
  const turn = state.turn + 1;
  const patientTurn: Turn = { turn, role: 'patient', text, at: now };
  const s0: ConsultState = { ...state, turn, updatedAt: now };
  const lang = state.lang;
  const flags = ctx.redFlags ?? defaultRedFlags();
  // Any red flag stated in any answer stops the interview, whatever was asked.
  const stated = redFlagsInText(text, flags).filter((f) => !state.redFlags.positive.includes(f.id));
  if (stated.length > 0) {
    const s1: ConsultState = {
      ...s0,
      redFlags: {
        ...s0.redFlags,
        screened: [...s0.redFlags.screened, ...stated.map((f) => ({ id: f.id, result: 'positive' as const, turn, via: 'complaint' as const }))],
        positive: [...s0.redFlags.positive, ...stated.map((f) => f.id)],
      },
    };
    return emergency(ctx, s1, [patientTurn], now);
  }
  const reprompt = (r: Bilingual): StepResult => ({
    // A re-prompt does not advance the dialogue: the same question stays pending.
    state: { ...s0, turn: turn + 1 },
    turns: [patientTurn, { turn: turn + 1, role: 'medseek', text: t(r, lang), at: now }],
    reply: { kind: 'reprompt', text: t(r, lang) },
  });
  if (state.pending === 'screen') {
    const r = parseNumberList(text, flags.flags.length);
    if (!r.ok) return reprompt(r.reprompt);
    const positive = Array.isArray(r.value) ? r.value.map((i) => flags.flags[i - 1]!.id) : [];
    const otherwise: 'unsure' | 'negative' = r.value === 'unknown' ? 'unsure' : 'negative';
    const screened = flags.flags.map((f) => ({ id: f.id, result: positive.includes(f.id) ? ('positive' as const) : otherwise, turn, via: 'screen' as const }));
    const s1: ConsultState = {
      ...s0,
      answers: [...s0.answers, { turn, question: 'red-flag-screen', text, value: r.value === 'unknown' ? 'unknown' : r.value === 'none' ? 'no' : positive }],
      redFlags: { ...s0.redFlags, screened: [...s0.redFlags.screened, ...screened], positive: [...s0.redFlags.positive, ...positive] },
      toVerify: r.value === 'unknown' ? [...s0.toVerify, { item: { zh: '危险信号筛查：患者回答"不确定"', en: 'Red-flag screen: the patient was unsure' }, turn }] : s0.toVerify,
    };
    if (positive.length > 0) return emergency(ctx, s1, [patientTurn], now);
    return advance(ctx, s1, [patientTurn], now);
  }
  if (state.pending === 'duration' || state.pending === 'allergies' || state.pending === 'medications' || state.pending === 'lmp') {
    const slot = state.pending;
    const trimmed = text.trim();
    if (!trimmed) return reprompt({ zh: '请简单描述一下，不清楚可以回答"不知道"。', en: 'Please answer in a few words, or "don\'t know".' });
    const unknown = isUnknown(trimmed);
    const s1: ConsultState = {
      ...s0,
      history: { ...s0.history, [slot]: { text: slot === 'duration' && !unknown ? (parseDuration(trimmed)?.text ?? trimmed) : trimmed, turn, unknown } },
      answers: [...s0.answers, { turn, question: slot, text: trimmed, value: unknown ? 'unknown' : 'text' }],
      toVerify: unknown ? [...s0.toVerify, { item: { zh: `${SLOT_NAMES[slot].zh}：患者不确定`, en: `${SLOT_NAMES[slot].en}: the patient was unsure` }, turn }] : s0.toVerify,
    };
    return advance(ctx, s1, [patientTurn], now);
  }
  // A network question.
  const qi = ctx.net.questionIndex.get(state.pending ?? '');
  if (qi === undefined) throw invalid(`session ${state.id} has no pending question`, { field: 'pending' });
  const q = ctx.net.questions[qi]!;
  const r = parseQuestionAnswer(q, text, lang);
  if (!r.ok) return reprompt(r.reprompt);
  const settled = answerFindings(q, r.value);
  const present = new Set(s0.present);
  const absent = new Set(s0.absent);
  for (const f of settled.present) {
    present.add(f);
    absent.delete(f);
  }
  for (const f of settled.absent) {
    absent.add(f);
    present.delete(f);
  }
  const value: AnswerRecord['value'] = r.value.kind === 'values' ? r.value.values : r.value.kind;
  const s1: ConsultState = {
    ...s0,
    present: [...present],
    absent: [...absent],
    answers: [...s0.answers, { turn, question: q.id, text, value, present: settled.present, absent: settled.absent }],
    toVerify: r.value.kind === 'unknown' ? [...s0.toVerify, { item: { zh: `${t(q.text, 'zh')}：患者不确定`, en: `${q.text.en}: the patient was unsure` }, turn }] : s0.toVerify,
  };
  return advance(ctx, s1, [patientTurn], now);
}

const SLOT_NAMES: Record<'duration' | 'allergies' | 'medications' | 'lmp', Bilingual> = {
  duration: { zh: '病程', en: 'Duration' },
  allergies: { zh: '过敏史', en: 'Allergies' },
  medications: { zh: '目前用药', en: 'Current medications' },
  lmp: { zh: '末次月经', en: 'Last menstrual period' },
};

const SLOT_QUESTIONS: Record<'duration' | 'allergies' | 'medications' | 'lmp', Bilingual> = {
  duration: { zh: '这些不适是从什么时候开始的？持续多久了（例如"3天"）？', en: 'When did this start, and how long has it lasted (e.g. "3 days")?' },
  allergies: { zh: '您对什么药物或食物过敏吗？如有，请说明过敏的东西和当时的反应；没有请回答"没有"。', en: 'Are you allergic to any medicine or food? If so, what, and what happened? Answer "none" if none.' },
  medications: { zh: '您目前在用哪些药（包括中成药、草药）？请说名称和用法；没有请回答"没有"。', en: 'Which medicines are you taking now (including herbal or over-the-counter)? Name and dose; "none" if none.' },
  lmp: { zh: '您的末次月经是哪一天？目前有没有怀孕的可能？', en: 'When did your last period start? Could you be pregnant?' },
};

/** Observations of the session so far (for the network). */
export function sessionObservations(net: Network, state: ConsultState): Observations {
  return resolveCase(net, {
    ...(state.patient.age !== undefined ? { age: state.patient.age } : {}),
    ...(state.patient.sex ? { sex: state.patient.sex } : {}),
    findings: [...state.present.map((id) => ({ id })), ...state.absent.map((id) => ({ id, present: false }))],
  });
}

function advance(ctx: ConsultContext, state: ConsultState, turns: Turn[], now: string): StepResult {
  const lang = state.lang;
  if (state.stage === 'screen' && !state.history.duration) {
    return ask(ctx, { ...state, stage: 'duration', pending: 'duration' }, turns, t(SLOT_QUESTIONS.duration, lang), now);
  }
  if (state.stage === 'screen' || state.stage === 'duration' || state.stage === 'diagnostic') {
    const obs = sessionObservations(ctx.net, state);
    const post = infer(ctx.net, obs, ctx.policy?.inference);
    const asked = new Set(state.asked.map((id) => ctx.net.questionIndex.get(id)!).filter((i) => i !== undefined));
    // The questions the complaint already settled count as asked.
    for (const f of [...obs.positive, ...obs.negative]) {
      const qi = ctx.net.questionOfFinding[f]!;
      if (qi >= 0 && ctx.net.questions[qi]!.kind === 'binary') asked.add(qi);
    }
    const limit = (ctx.policy?.maxQuestions ?? 20) + (asked.size - state.asked.length);
    const next = decideNext(ctx.net, obs, post, asked, { ...ctx.policy, maxQuestions: limit });
    if ('question' in next) {
      const q = next.question.question;
      return ask(ctx, { ...state, stage: 'diagnostic', pending: q.id, asked: [...state.asked, q.id] }, turns, questionText(q, lang), now, q);
    }
    return advance(ctx, { ...state, stage: 'allergies', stop: next.stop }, turns, now);
  }
  if (state.stage === 'allergies' && !state.history.allergies) return ask(ctx, { ...state, pending: 'allergies' }, turns, t(SLOT_QUESTIONS.allergies, lang), now);
  if (state.stage === 'allergies') return advance(ctx, { ...state, stage: 'medications' }, turns, now);
  if (state.stage === 'medications' && !state.history.medications) return ask(ctx, { ...state, pending: 'medications' }, turns, t(SLOT_QUESTIONS.medications, lang), now);
  if (state.stage === 'medications') return advance(ctx, { ...state, stage: 'lmp' }, turns, now);
  const { age, sex } = state.patient;
  if (state.stage === 'lmp' && !state.history.lmp && sex === 'female' && age !== undefined && age >= 12 && age <= 55) {
    return ask(ctx, { ...state, pending: 'lmp' }, turns, t(SLOT_QUESTIONS.lmp, lang), now);
  }
  return complete(ctx, state, turns, now);
}

export function questionText(q: QuestionNode, lang: Lang): string {
  const text = t(q.text, lang);
  if (q.kind === 'binary') return `${text}${lang === 'zh' ? '（是 / 否 / 不知道）' : ' (yes / no / don\'t know)'}`;
  if (q.kind === 'scale') return `${text}${lang === 'zh' ? '（0–10，0 表示没有，10 表示最严重）' : ' (0–10: 0 none, 10 worst)'}`;
  const opts = q.options.map((o, i) => `  ${i + 1}. ${o.label ? t(o.label, lang) : String(o.value ?? o.finding)}`).join('\n');
  const hint = lang === 'zh' ? (q.kind === 'multi' ? '请回答编号，可多选；都没有请回答"没有"。' : '请回答一个编号；都不是请回答"没有"。') : q.kind === 'multi' ? 'Answer with the numbers (several allowed), or "none".' : 'Answer with one number, or "none".';
  return `${text}\n${opts}\n${hint}`;
}

function ask(_ctx: ConsultContext, state: ConsultState, turns: Turn[], text: string, now: string, q?: QuestionNode): StepResult {
  const turn = state.turn + 1;
  return {
    state: { ...state, turn, updatedAt: now },
    turns: [...turns, { turn, role: 'medseek', text, at: now }],
    reply: {
      kind: 'question',
      text,
      ...(q ? { question: { id: q.id, kind: q.kind, ...(q.kind === 'choice' || q.kind === 'multi' ? { options: q.options.map((o) => (o.label ? t(o.label, state.lang) : String(o.value ?? o.finding))) } : {}) } } : {}),
    },
  };
}

function emergency(ctx: ConsultContext, state: ConsultState, turns: Turn[], now: string): StepResult {
  const flags = ctx.redFlags ?? defaultRedFlags();
  const scale = ctx.scale ?? defaultTriageScale();
  const labels = state.redFlags.positive.map((id) => {
    const f = flags.flags.find((x) => x.id === id) ?? flags.rules.find((x) => x.id === id);
    return { label: f?.label ?? { en: id }, triage: f?.triage ?? 1, handover: (f as { action?: string } | undefined)?.action === 'handover' };
  });
  const level = triageLevel(scale, Math.min(...labels.map((l) => l.triage)));
  const reasonEn = labels.map((l) => l.label.en).join('; ');
  const reasonZh = labels.map((l) => l.label.zh ?? l.label.en).join('；');
  const handover = labels.some((l) => l.handover);
  const triage: TriageResult = { scale: scale.scale, level: level.level, name: level.name, colour: level.colour, zone: level.zone, responseLimitMin: level.responseLimitMin, reason: { en: reasonEn, zh: reasonZh } };
  const text =
    state.lang === 'zh'
      ? `⚠ 您提到的情况（${reasonZh}）可能需要紧急处理。请立即前往急诊就诊或拨打 120，不要独自前往。${handover ? '工作人员将马上与您联系。' : '已通知医护人员。'}\n分诊：${level.name.zh}（${level.zone.zh ?? level.zone.en}），${level.responseLimitMin === 0 ? '需立即处置' : `应在 ${level.responseLimitMin} 分钟内处置`}。本次预问诊到此结束。`
      : `⚠ What you describe (${reasonEn}) may need emergency care. Go to the emergency department now or call an ambulance (120 in China); do not go alone. ${handover ? 'A member of staff will contact you right away.' : 'Staff have been alerted.'}\nTriage: ${level.name.en} (${level.zone.en}), ${level.responseLimitMin === 0 ? 'immediate care' : `to be seen within ${level.responseLimitMin} minutes`}. This pre-consultation ends here.`;
  const turn = state.turn + 1;
  const { pending: _p, ...rest } = state;
  return {
    state: { ...rest, status: 'emergency', stage: 'done', stop: 'red-flag', triage, turn, updatedAt: now, redFlags: { ...state.redFlags, alertAt: now } },
    turns: [...turns, { turn, role: 'medseek', text, at: now }],
    reply: { kind: 'emergency', text },
  };
}

function complete(ctx: ConsultContext, state: ConsultState, turns: Turn[], now: string): StepResult {
  const scale = ctx.scale ?? defaultTriageScale();
  const obs = sessionObservations(ctx.net, state);
  const post = infer(ctx.net, obs, ctx.policy?.inference);
  // Routine triage: urgent (Ⅲ) when a dangerous disease (severity ≤ 2) holds ≥ 30 % of the
  // differential or the red-flag screen was answered "unsure"; otherwise Ⅳ.
  const total = post.posterior.reduce((a, b) => a + b, 0) || 1;
  const dangerous = ctx.net.diseases.map((d, i) => ({ d, share: post.posterior[i]! / total })).filter((x) => (x.d.severity ?? 5) <= 2 && x.share >= 0.3);
  const unsure = state.redFlags.screened.some((s) => s.result === 'unsure');
  const levelNo = dangerous.length > 0 || unsure ? Math.min(3, scale.levels.length) : scale.levels.length;
  const level = triageLevel(scale, levelNo);
  const reason: Bilingual =
    dangerous.length > 0
      ? { en: `possible ${dangerous.map((x) => x.d.name.en).join(', ')} needs timely assessment`, zh: `需及时排除${dangerous.map((x) => x.d.name.zh ?? x.d.name.en).join('、')}` }
      : unsure
        ? { en: 'red-flag screen answered "unsure"', zh: '危险信号筛查回答"不确定"' }
        : { en: 'no red flag; routine', zh: '无危险信号，常规就诊' };
  const triage: TriageResult = { scale: scale.scale, level: level.level, name: level.name, colour: level.colour, zone: level.zone, responseLimitMin: level.responseLimitMin, reason };
  const text =
    state.lang === 'zh'
      ? '谢谢您的回答，预问诊已完成。您的预问诊报告已发送给接诊医生，医生会在就诊时与您核实。本结果不是诊断。'
      : 'Thank you. The pre-consultation is complete and your report has gone to the doctor, who will go through it with you. This is not a diagnosis.';
  const turn = state.turn + 1;
  const { pending: _p, ...rest } = state;
  return {
    state: { ...rest, status: 'complete', stage: 'done', triage, turn, updatedAt: now },
    turns: [...turns, { turn, role: 'medseek', text, at: now }],
    reply: { kind: 'done', text },
  };
}
