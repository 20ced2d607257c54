import type { Bilingual, Lang, Sex } from '../../core/index.js';
import { invalid, pick } from '../../core/index.js';
import type { InterviewPolicy, Network, Observations, QuestionNode, StopReason } from '../diagnosis/index.js';
import { decideNext, infer, resolveCase } from '../diagnosis/index.js';
import { readFileSync } from 'node:fs';
import type { ParsedComplaint } from './complaint.js';
import { parseComplaint, parseDuration } from './complaint.js';
import type { AnswerQuestion, AnswerReading } from './reading.js';
import { durationWords, evidenceCode, readAnswer, readDuration } from './reading.js';
import type { UrgentConcern } from './urgency.js';
import { raiseUrgency, settleUrgency } from './urgency.js';
import type { Patterns, RedFlag, RedFlagConfig, RedFlagRule, TriageScale } from './redflags.js';
import {
  defaultRedFlags,
  defaultTriageScale,
  followUpsInOrder,
  lateRedFlagChecks,
  redFlagChecksFor,
  redFlagRulesMatching,
  redFlagsDeferred,
  redFlagsInText,
  statedIn,
  triageLevel,
} from './redflags.js';
import { plainQuestions } from './plain-questions.js';

/**
 * A pre-consultation (智能预问诊) session as a pure state machine (consultation.md §1.1):
 * chief complaint → every utterance (the complaint and each answer) screened for red flags, and
 * two or three plain yes/no checks of the flags that fit the complaint asked first (any positive or
 * ambiguous answer: stop, emergency message in plain words with the number to call, triage level
 * for the clinician) → duration if the complaint gave none → the main complaint's OPQRST slots
 * (部位、性质、程度、起病…) with tappable choices → the network's questions in plain words (next best
 * by information gain, dangerous diseases weighted) within a budget that keeps a typical session to
 * 10–15 questions → allergies and current medications (mandatory, "unknown" accepted, PC-03) → last
 * menstrual period, then whether a pregnancy is possible (one question each), for women of reproductive
 * age (PC-04) → done. Answers are read as free text
 * (readAnswer); every patient turn is kept for the report's provenance.
 */
export type Stage = 'screen' | 'duration' | 'hpi' | 'diagnostic' | 'allergies' | 'medications' | 'lmp' | 'done';
export type HpiSlotName = 'site' | 'character' | 'severity' | 'onset' | 'timing' | 'modifiers';

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
  readonly value: 'yes' | 'no' | 'unknown' | 'text' | 'partly' | 'other' | readonly (string | number)[];
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
  readonly patient: {
    readonly age?: number;
    readonly sex?: Sex;
    readonly informant?: string;
    readonly channel?: string;
  };
  readonly complaint: { readonly text: string; readonly turn: number } & ParsedComplaint;
  readonly stage: Stage;
  /**
   * What the last MedSeek turn asked: a network question id, a stage slot, a red-flag check
   * `rf:<flag>` or one of its follow-ups `rf:<flag>/<sign>`.
   */
  readonly pending?: string;
  /** The pending question as the patient was shown it (text, tappable choices, progress): a reload shows it again. */
  readonly prompt?: PendingPrompt;
  readonly present: readonly string[];
  readonly absent: readonly string[];
  readonly asked: readonly string[];
  readonly answers: readonly AnswerRecord[];
  readonly redFlags: {
    /** `item`: the follow-up sign that made a flag positive ("bleeding" of pregnancy-bleeding-pain). */
    readonly screened: readonly {
      readonly id: string;
      readonly item?: string;
      readonly result: 'positive' | 'negative' | 'unsure';
      readonly turn: number;
      readonly via: 'complaint' | 'screen' | 'rule';
    }[];
    readonly positive: readonly string[];
    /** When staff were alerted (a positive red flag). */
    readonly alertAt?: string;
    /** Red flags the patient's words raised whose danger signs are not yet denied: urgent in the queue (urgency.ts). */
    readonly urgent?: readonly UrgentConcern[];
  };
  readonly history: {
    readonly [slot in 'duration' | 'allergies' | 'medications' | 'lmp' | 'pregnancy']?: {
      readonly text: string;
      readonly turn: number;
      readonly unknown: boolean;
    };
  };
  /** The main complaint's HPI slots as told (部位、性质、程度、起病、时间经过、加重/缓解). */
  readonly hpi?: {
    readonly [slot in HpiSlotName]?: {
      readonly text: string;
      readonly turn: number;
      readonly unknown: boolean;
      readonly severity?: number | string;
      readonly site?: string;
    };
  };
  /** What the session plans to ask: red-flag checks still to ask, HPI slots, and the network-question budget. */
  readonly plan?: {
    readonly checks: readonly string[];
    /** The checks are the general safety screen (no flag fitted the complaint): asked in its own plain words. */
    readonly general?: boolean;
    readonly hpi: readonly HpiSlotName[];
    readonly networkMax: number;
  };
  /** Findings and statements the patient volunteered that no question asked for (patient-reported). */
  readonly reported?: readonly {
    readonly text: string;
    readonly present: boolean;
    readonly concept?: string;
    readonly turn: number;
  }[];
  /** The question already re-asked once after an answer that did not fit it. */
  readonly reasked?: string;
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
  readonly question?: {
    readonly id: string;
    readonly kind: QuestionNode['kind'];
    readonly options?: readonly string[];
  };
  /** Tappable answers for the phone (是/否/不确定, OPQRST slot choices); sending `value` as the answer text is always understood. */
  readonly choices?: readonly { readonly value: string; readonly label: string }[];
  /** How far along the interview is, for a progress indicator: questions asked and the expected total. */
  readonly progress?: { readonly asked: number; readonly expected: number };
  /** On an emergency exit: what the patient must do now, in plain words, and the number to call (120 in China, configurable). */
  readonly emergency?: { readonly message: string; readonly callNumber: string; readonly staffNotified: boolean };
}

/** The reply that asked the pending question, kept with the session while it is active. */
export type PendingPrompt = Pick<Reply, 'text' | 'question' | 'choices' | 'progress'> & {
  readonly kind: 'question' | 'reprompt';
};

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
  /** The emergency number shown to the patient; default the red-flag config's, else 120. */
  readonly callNumber?: string;
  /** Total questions a typical session aims at (consultation stop rule); default 14. */
  readonly targetQuestions?: number;
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

interface SlotChoice {
  readonly zh: string;
  readonly en: string;
  readonly ddxplus?: string;
  readonly ddxplus_onset?: number;
}
interface HpiData {
  readonly painWords: { readonly zh: readonly string[]; readonly en: readonly string[] };
  readonly slots: Record<
    HpiSlotName,
    { readonly label: Bilingual; readonly question: Bilingual; readonly choices: readonly SlotChoice[] }
  >;
  readonly plans: { readonly pain: readonly HpiSlotName[]; readonly other: readonly HpiSlotName[] };
}
const dataFile = (name: string) => new URL(`./data/${name}`, import.meta.url);
let hpiData: HpiData | undefined;
/** The HPI slot questions and choices (data/hpi-slots.json). */
export function hpiSlots(): HpiData {
  hpiData ??= JSON.parse(readFileSync(dataFile('hpi-slots.json'), 'utf8')) as HpiData;
  return hpiData;
}

const UNIT_NAMES: Record<string, Bilingual> = {
  minute: { zh: '分钟', en: 'minute' },
  hour: { zh: '小时', en: 'hour' },
  day: { zh: '天', en: 'day' },
  week: { zh: '周', en: 'week' },
  month: { zh: '个月', en: 'month' },
  year: { zh: '年', en: 'year' },
};
function durationText(d: { value: number; unit: string; upTo?: number }, lang: Lang): string {
  const u = UNIT_NAMES[d.unit] ?? { en: d.unit };
  const n = d.upTo !== undefined ? `${d.value}–${d.upTo}` : `${d.value}`;
  return lang === 'zh' ? `${n}${u.zh ?? u.en}` : `${n} ${u.en}${d.value === 1 && d.upTo === undefined ? '' : 's'}`;
}

const HISTORY_SLOTS = ['duration', 'allergies', 'medications', 'lmp', 'pregnancy'] as const;
type HistorySlot = (typeof HISTORY_SLOTS)[number];
const isHistorySlot = (p: string | undefined): p is HistorySlot =>
  (HISTORY_SLOTS as readonly string[]).includes(p ?? '');
const HPI_NAMES: readonly HpiSlotName[] = ['site', 'character', 'severity', 'onset', 'timing', 'modifiers'];
const isHpi = (p: string | undefined): p is HpiSlotName => (HPI_NAMES as readonly string[]).includes(p ?? '');

const YES_NO: Record<Lang, { value: string; label: string }[]> = {
  zh: [
    { value: '是', label: '是' },
    { value: '有一点', label: '有一点' },
    { value: '没有', label: '没有' },
    { value: '不确定', label: '不确定' },
  ],
  en: [
    { value: 'yes', label: 'Yes' },
    { value: 'a little', label: 'A little' },
    { value: 'no', label: 'No' },
    { value: "don't know", label: 'Not sure' },
  ],
};
const UNSURE: Record<Lang, { value: string; label: string }> = {
  zh: { value: '不知道', label: '不知道' },
  en: { value: "don't know", label: "Don't know" },
};

/** Questions this session expects to ask besides the network's: checks, duration, HPI slots, history. */
function planFor(
  ctx: ConsultContext,
  input: { complaint: string; lang: Lang; age?: number; sex?: Sex },
  parsed: ParsedComplaint,
  flags: RedFlagConfig,
): NonNullable<ConsultState['plan']> {
  const fitting = redFlagChecksFor(input.complaint, flags, 3);
  const general = fitting.length === 0 && (flags.general?.checks.length ?? 0) > 0;
  const checks = general ? flags.general!.checks.map((c) => `rf:${c.flag}`) : fitting.map((f) => `rf:${f.id}`);
  // A condition the complaint already states ("发烧", "怀孕32周") is not asked: its follow-ups are, one question each.
  const followUps = fitting
    .filter((f) => f.followUps?.length && statedIn(input.complaint, f.check?.stated) === 'yes')
    .reduce((n, f) => n + f.followUps!.length - 1, 0);
  const lower = input.complaint.toLowerCase();
  const pain =
    parsed.present.some((id) => /pain|E_53$|E_14$|E_97$/.test(id)) ||
    [...hpiSlots().painWords.zh, ...hpiSlots().painWords.en].some((w) => lower.includes(w));
  const hpi = [...(pain ? hpiSlots().plans.pain : hpiSlots().plans.other)];
  // Last period and a possible pregnancy, one question each (the second is skipped once either is told).
  const lmp = input.sex === 'female' && input.age !== undefined && input.age >= 12 && input.age <= 55 ? 2 : 0;
  const fixed = checks.length + followUps + (parsed.duration ? 0 : 1) + hpi.length + 2 + lmp;
  const target = ctx.targetQuestions ?? 14;
  const networkMax = Math.max(3, Math.min(ctx.policy?.maxQuestions ?? 20, target - fixed));
  return { checks, ...(general ? { general } : {}), hpi, networkMax };
}

export function startSession(ctx: ConsultContext, input: StartInput): StepResult {
  const now = ctx.now?.() ?? new Date().toISOString();
  const text = input.complaint.trim();
  if (!text) throw invalid('the chief complaint is empty', { field: 'complaint' });
  if (input.age !== undefined && (!Number.isFinite(input.age) || input.age < 0 || input.age > 130))
    throw invalid(`age ${input.age} is out of range`, { field: 'age' });
  const read = parseComplaint(ctx.net, text, input.lang);
  // "since yesterday", "昨天开始": a duration in words when the complaint gives no number.
  const spoken = read.duration ? undefined : readDuration(text);
  const parsed: ParsedComplaint = spoken
    ? {
        ...read,
        duration: {
          text: durationWords(text) ?? durationText(spoken, input.lang),
          iso: `P${spoken.unit === 'hour' || spoken.unit === 'minute' ? 'T' : ''}${spoken.value}${{ minute: 'M', hour: 'H', day: 'D', week: 'W', month: 'M', year: 'Y' }[spoken.unit]}`,
        },
      }
    : read;
  const flags = ctx.redFlags ?? defaultRedFlags();
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
    hpi: {},
    plan: planFor(ctx, input, parsed, flags),
    reported: [],
    toVerify: [],
    turn: 1,
  };
  // Red flags in the complaint itself (and rules on age) come before any question (PC-01).
  const hit = screenUtterance(text, text, input.age, flags, state);
  if (hit.length > 0) {
    state = withPositive(state, hit, 1, 'complaint');
    return emergency(ctx, state, [patientTurn], now);
  }
  return advance(ctx, raiseUrgency(state, text, 1, now, flags), [patientTurn], now);
}

/** Red flags and rules an utterance states, alone or joined with the complaint (pregnancy stated first, bleeding later). */
function screenUtterance(
  text: string,
  complaint: string,
  age: number | undefined,
  flags: RedFlagConfig,
  state: ConsultState,
): (RedFlag | RedFlagRule)[] {
  const joined = text === complaint ? text : `${complaint}，${text}`;
  const found = new Map<string, RedFlag | RedFlagRule>();
  for (const f of [...redFlagsInText(text, flags), ...redFlagRulesMatching(joined, age, flags)]) found.set(f.id, f);
  // A combination across utterances: only the flags whose patterns need both (not keywords of the complaint, already screened).
  // A flag the complaint states only as a look-alike or as history is left to its check once that is asked: the
  // answer to it ("no, just the numbing") or a later one ("since I woke up") does not turn the old words current.
  if (text !== complaint) {
    const checked = (id: string) =>
      state.pending === `rf:${id}` ||
      state.pending?.startsWith(`rf:${id}/`) ||
      state.redFlags.screened.some((r) => r.id === id && r.result === 'negative');
    const left = new Set(
      redFlagsDeferred(complaint, flags)
        .map((f) => f.id)
        .filter(checked),
    );
    for (const f of redFlagsInText(joined, flags))
      if (!left.has(f.id) && !redFlagsInText(complaint, flags).some((x) => x.id === f.id)) found.set(f.id, f);
  }
  return [...found.values()].filter((f) => !state.redFlags.positive.includes(f.id));
}

function withPositive(
  state: ConsultState,
  hit: readonly { id: string }[],
  turn: number,
  via: 'complaint' | 'screen' | 'rule',
): ConsultState {
  return {
    ...state,
    redFlags: {
      ...state.redFlags,
      screened: [...state.redFlags.screened, ...hit.map((f) => ({ id: f.id, result: 'positive' as const, turn, via }))],
      positive: [...state.redFlags.positive, ...hit.map((f) => f.id)],
    },
  };
}

/** `rf:<flag>` (a check) or `rf:<flag>/<sign>` (one of its follow-ups). */
function checkOf(pending: string): { flag: string; item?: string } {
  const [flag, item] = pending.slice(3).split('/');
  return item ? { flag: flag!, item } : { flag: flag! };
}

/** The question behind a pending check: the flag's check, or the follow-up's question with its `stated` words. */
function checkQuestion(
  flags: RedFlagConfig,
  pending: string,
): { stated?: Patterns; statedNo?: Patterns; plain?: Bilingual } | undefined {
  const { flag, item } = checkOf(pending);
  const f = flags.flags.find((x) => x.id === flag);
  if (!item) return f?.check;
  return f?.followUps?.find((x) => x.id === item);
}

/** Everything the patient has said so far: the complaint and every answer. */
function patientWords(state: ConsultState): string {
  return [state.complaint.text, ...state.answers.map((a) => a.text)].join('。');
}

/**
 * A check or follow-up settled yes (or unsure) or no. A flag without follow-ups is positive or negative
 * at once. A check with follow-ups is their condition: a yes queues its follow-ups next, one question
 * each; a no settles the flag negative. A follow-up's yes makes the flag positive (the rest are not
 * asked); the flag is negative once its last follow-up is denied.
 */
function settleCheck(
  flags: RedFlagConfig,
  state: ConsultState,
  pending: string,
  positive: boolean,
  turn: number,
  via: 'complaint' | 'screen',
): { state: ConsultState; emergency: boolean } {
  const { flag, item } = checkOf(pending);
  const ids = [flag];
  const found = flags.flags.find((x) => x.id === flag);
  const followUps = found ? followUpsInOrder(found, patientWords(state)) : [];
  const ownFollowUp = (c: string) => c.startsWith(`rf:${flag}/`);
  let checks = (state.plan?.checks ?? []).filter((c) => c !== pending);
  const result = (r: 'positive' | 'negative') =>
    ids.map((id) => ({ id, ...(item && r === 'positive' ? { item } : {}), result: r, turn, via }));
  let screened = state.redFlags.screened;
  let emergency = false;
  if (!item && followUps.length > 0) {
    if (positive) checks = [...followUps.map((u) => `rf:${flag}/${u.id}`), ...checks];
    else screened = [...screened, ...result('negative')];
  } else if (positive) {
    checks = checks.filter((c) => !ownFollowUp(c));
    screened = [...screened, ...result('positive')];
    emergency = true;
  } else if (!checks.some(ownFollowUp)) {
    screened = [...screened, ...result('negative')];
  }
  const plan = { ...(state.plan ?? { hpi: [], networkMax: 0 }), checks };
  const positiveIds = emergency ? [...state.redFlags.positive, ...ids] : state.redFlags.positive;
  const redFlags = { ...state.redFlags, screened, positive: positiveIds };
  return { state: settleUrgency({ ...state, plan, redFlags }), emergency };
}

/** Findings the reading settled, and what the patient volunteered besides, into the state. */
function applyReading(state: ConsultState, r: AnswerReading, turn: number): ConsultState {
  const present = new Set(state.present);
  const absent = new Set(state.absent);
  for (const f of r.present) {
    present.add(f);
    absent.delete(f);
  }
  for (const f of r.absent)
    if (!present.has(f) || r.value === 'no') {
      absent.add(f);
      present.delete(f);
    }
  const reported = [
    ...(state.reported ?? []),
    ...r.extra.map((e) => ({ text: e.text, present: e.present, ...(e.concept ? { concept: e.concept } : {}), turn })),
  ];
  return { ...state, present: [...present], absent: [...absent], reported };
}

/**
 * The network question the next answer will be read against, or none while a red-flag check or a
 * history slot is pending: a caller with a model can read the answer first (`readAnswerWithModel`,
 * every finding checked against the patient's words) and pass that reading to `answerSession`.
 * Red-flag checks are always read by the rules, safety first.
 */
export function pendingNetworkQuestion(
  ctx: ConsultContext,
  state: ConsultState,
): (AnswerQuestion & { text: string }) | undefined {
  const pending = state.pending ?? '';
  if (state.status !== 'active' || pending.startsWith('rf:') || isHistorySlot(pending) || isHpi(pending))
    return undefined;
  const qi = ctx.net.questionIndex.get(pending);
  if (qi === undefined) return undefined;
  const q = ctx.net.questions[qi]!;
  return { id: q.id, kind: q.kind === 'choice' ? 'categorical' : q.kind, text: questionText(q, state.lang, ctx.net) };
}

/** A reading made before `answerSession` (by a checked model reader) for the pending network question. */
export interface PriorReading {
  readonly question: string;
  readonly reading: AnswerReading;
}

export function answerSession(
  ctx: ConsultContext,
  state: ConsultState,
  text: string,
  prior?: PriorReading,
): StepResult {
  if (state.status !== 'active')
    throw invalid(`session ${state.id} is ${state.status}; it takes no more answers`, { field: 'answer' });
  if (typeof text !== 'string') throw invalid('the answer must be text', { field: 'answer' });
  const now = ctx.now?.() ?? new Date().toISOString();
  const turn = state.turn + 1;
  const patientTurn: Turn = { turn, role: 'patient', text, at: now };
  const lang = state.lang;
  const flags = ctx.redFlags ?? defaultRedFlags();
  const trimmed = text.trim();
  // A look-alike, a past event or a check's condition stated in any answer ("大便是黑的"): its check comes next.
  const late = lateRedFlagChecks(
    trimmed,
    state.plan?.checks ?? [],
    state.redFlags.screened.map((r) => r.id),
    flags,
  );
  const checks = [...late, ...(state.plan?.checks ?? [])];
  const latePlan = { ...(state.plan ?? { hpi: [], networkMax: 0 }), checks };
  const s0: ConsultState = raiseUrgency(
    { ...state, turn, updatedAt: now, ...(late.length ? { stage: 'screen', plan: latePlan } : {}) },
    trimmed,
    turn,
    now,
    flags,
  );
  // Any red flag stated in any answer stops the interview, whatever was asked.
  const stated = trimmed ? screenUtterance(trimmed, state.complaint.text, state.patient.age, flags, state) : [];
  if (stated.length > 0) return emergency(ctx, withPositive(s0, stated, turn, 'complaint'), [patientTurn], now);
  const pending = state.pending ?? '';
  const reprompt = (r: Bilingual, again?: string): StepResult => {
    const body = again ? `${pick(r, lang)}${again}` : pick(r, lang);
    const rs = { ...s0, turn: turn + 1, ...(again ? { reasked: pending } : {}) };
    const reply: Reply = { kind: 'reprompt', text: body, ...choicesFor(ctx, rs), progress: progressOf(rs) };
    // A re-prompt does not advance the dialogue: the same question stays pending.
    const asked: Turn = { turn: turn + 1, role: 'medseek', text: body, at: now };
    return { state: withPrompt(rs, reply), turns: [patientTurn, asked], reply };
  };
  if (!trimmed)
    return reprompt({
      zh: '请简单回答一下，不清楚可以说"不知道"。',
      en: 'Please answer in a few words, or say "don\'t know".',
    });

  // Such a check is asked at once; the question pending is asked again after it, the answer kept as a reported fact.
  if (late.length > 0 && !pending.startsWith('rf:')) {
    const reported = [...(s0.reported ?? []), { text: trimmed, present: true, turn }];
    return advance(ctx, { ...s0, reported }, [patientTurn], now);
  }
  if (pending.startsWith('rf:')) {
    const { flag: id, item } = checkOf(pending);
    const q = checkQuestion(flags, pending);
    // The check's own words first ("怀孕12周了", "没有出血"); else the reading of a yes/no answer. A follow-up is read
    // as its flag's check (the flag's danger words); a condition like "pregnant?" as a plain yes/no question.
    const said = statedIn(trimmed, q?.stated, (q as { statedNo?: Patterns } | undefined)?.statedNo);
    const readAs = q?.stated && !item ? `check:${id}` : `rf:${id}`;
    const r = said ? undefined : readAnswer({ id: readAs, kind: 'binary' }, trimmed, lang, { net: ctx.net });
    const value: AnswerRecord['value'] = said ?? r!.value;
    const s1 = r ? applyReading(s0, { ...r, present: [], absent: [] }, turn) : s0;
    if (value === 'other' && state.reasked !== pending) {
      const again = checkText(flags, pending.slice(3), lang, state.plan?.general);
      return reprompt({ zh: '为了安全，请先回答这个问题：', en: 'For your safety, please answer this first: ' }, again);
    }
    // The general screen asks four flags the complaint did not suggest, one question each: a first "don't
    // know" to one of them is asked once more (a patient knows whether they vomit blood); a second stays positive.
    if (value === 'unknown' && state.plan?.general && state.reasked !== pending) {
      const again = checkText(flags, pending.slice(3), lang, true);
      return reprompt(
        {
          zh: '这一点很重要，请再想一想，回答"有"或"没有"；实在说不准就说"不确定"：',
          en: 'This matters for your safety; please answer yes or no, or say "not sure" if you really cannot tell: ',
        },
        again,
      );
    }
    // Ambiguous answers (a little, unsure, or still off the question) count as positive: sensitivity first (consultation.md §3).
    const positive = value !== 'no';
    const what = (l: Lang) =>
      item ? plainFlag(flags, `${id}/${item}`, l) : q?.plain ? pick(q.plain, l) : plainFlag(flags, id, l);
    const unsure = {
      zh: `危险信号"${what('zh')}"：患者回答"${trimmed}"，按阳性处理`,
      en: `Red flag "${what('en')}": the patient answered "${trimmed}", taken as positive`,
    };
    const s2: ConsultState = {
      ...s1,
      answers: [...s1.answers, { turn, question: pending, text: trimmed, value }],
      toVerify:
        value === 'unknown' || value === 'partly' || value === 'other'
          ? [...s1.toVerify, { item: unsure, turn }]
          : s1.toVerify,
    };
    const { reasked: _r, ...s3 } = s2;
    const settled = settleCheck(flags, s3, pending, positive, turn, 'screen');
    if (settled.emergency) return emergency(ctx, settled.state, [patientTurn], now);
    return advance(ctx, settled.state, [patientTurn], now);
  }

  if (isHistorySlot(pending)) {
    const slot = pending;
    const r = readAnswer({ id: slot, kind: 'slot', slot }, trimmed, lang, { net: ctx.net });
    if (slot === 'duration' && r.value === 'other' && !r.duration && state.reasked !== pending) {
      return reprompt(
        {
          zh: '大概多久了？比如"3天"、"一周"、"昨天开始"。',
          en: 'Roughly how long? For example "3 days", "a week", "since yesterday".',
        },
        '',
      );
    }
    const unknown = r.value === 'unknown';
    const none = r.value === 'no';
    const stored = slot === 'duration' && !unknown ? (parseDuration(trimmed)?.text ?? trimmed) : trimmed;
    const s1 = slot === 'duration' ? applyReading(s0, { ...r, extra: r.extra.filter((e) => e.concept) }, turn) : s0;
    const { reasked: _r, ...s2 } = s1;
    const s3: ConsultState = {
      ...s2,
      history: {
        ...s2.history,
        [slot]: {
          text: none && slot !== 'duration' && slot !== 'pregnancy' ? (lang === 'zh' ? '没有' : 'none') : stored,
          turn,
          unknown,
        },
      },
      answers: [
        ...s2.answers,
        { turn, question: slot, text: trimmed, value: unknown ? 'unknown' : none ? 'no' : 'text' },
      ],
      toVerify: unknown
        ? [
            ...s2.toVerify,
            {
              item: { zh: `${SLOT_NAMES[slot].zh}：患者不确定`, en: `${SLOT_NAMES[slot].en}: the patient was unsure` },
              turn,
            },
          ]
        : s2.toVerify,
    };
    return advance(ctx, s3, [patientTurn], now);
  }

  if (isHpi(pending)) {
    const slot = pending;
    const r = readAnswer({ id: slot, kind: 'slot', slot }, trimmed, lang, { net: ctx.net });
    // The slot keeps the words; only findings the answer names besides go to the volunteered facts.
    let s1 = applyReading(s0, { ...r, extra: r.extra.filter((e) => e.concept) }, turn);
    // Choices that stand for DDXPlus values (pain character, onset speed, site) settle the network's findings too.
    const before = new Set(s1.present);
    s1 = hpiToNetwork(ctx, s1, slot, trimmed, r);
    const settled = [...r.present, ...s1.present.filter((f) => !before.has(f))];
    const { reasked: _r, ...s2 } = s1;
    const unknown = r.value === 'unknown';
    const s3: ConsultState = {
      ...s2,
      hpi: {
        ...s2.hpi,
        [slot]: {
          text: trimmed,
          turn,
          unknown,
          ...(r.severity !== undefined ? { severity: r.severity } : {}),
          ...(r.site ? { site: r.site } : {}),
        },
      },
      answers: [
        ...s2.answers,
        {
          turn,
          question: slot,
          text: trimmed,
          value: unknown ? 'unknown' : r.value === 'no' ? 'no' : 'text',
          present: settled,
          absent: r.absent,
        },
      ],
      toVerify: unknown
        ? [
            ...s2.toVerify,
            {
              item: {
                zh: `${hpiSlots().slots[slot].label.zh}：患者不确定`,
                en: `${hpiSlots().slots[slot].label.en}: the patient was unsure`,
              },
              turn,
            },
          ]
        : s2.toVerify,
    };
    return advance(ctx, s3, [patientTurn], now);
  }

  // A network question.
  const qi = ctx.net.questionIndex.get(pending);
  if (qi === undefined) throw invalid(`session ${state.id} has no pending question`, { field: 'pending' });
  const q = ctx.net.questions[qi]!;
  const r =
    prior?.question === q.id
      ? prior.reading
      : readAnswer({ id: q.id, kind: q.kind === 'choice' ? 'categorical' : q.kind }, trimmed, lang, { net: ctx.net });
  const s1 = applyReading(s0, r, turn);
  const settled = q.options.some((o) => r.present.includes(o.finding) || r.absent.includes(o.finding));
  if (r.value === 'other' && !settled && state.reasked !== pending) {
    // Kept as the patient's own words; the question is asked once more, plainly.
    const noted =
      r.extra.length > 0 && r.extra.some((e) => e.concept)
        ? { zh: '好的，已记下。', en: 'Thank you, noted. ' }
        : { zh: '好的。', en: 'All right. ' };
    const body = `${pick(noted, lang)}${questionText(q, lang, ctx.net)}`;
    const rs: ConsultState = {
      ...s1,
      turn: turn + 1,
      reasked: pending,
      answers: [
        ...s1.answers,
        { turn, question: q.id, text: trimmed, value: 'other', present: r.present, absent: r.absent },
      ],
    };
    const reply: Reply = {
      kind: 'question',
      text: body,
      question: questionRef(q, lang),
      ...choicesFor(ctx, rs),
      progress: progressOf(rs),
    };
    const asked: Turn = { turn: turn + 1, role: 'medseek', text: body, at: now };
    return { state: withPrompt(rs, reply), turns: [patientTurn, asked], reply };
  }
  const value: AnswerRecord['value'] = r.value;
  const { reasked: _r, ...s2 } = s1;
  const s3: ConsultState = {
    ...s2,
    answers: [...s2.answers, { turn, question: q.id, text: trimmed, value, present: r.present, absent: r.absent }],
    toVerify:
      r.value === 'unknown' || r.value === 'other'
        ? [
            ...s2.toVerify,
            {
              item: {
                zh: `${questionText(q, 'zh', ctx.net)}：患者${r.value === 'unknown' ? '不确定' : `回答"${trimmed}"`}`,
                en: `${questionText(q, 'en', ctx.net)}: ${r.value === 'unknown' ? 'the patient was unsure' : `the patient answered "${trimmed}"`}`,
              },
              turn,
            },
          ]
        : s2.toVerify,
  };
  return advance(ctx, s3, [patientTurn], now);
}

/** HPI choices with DDXPlus values: pain site (E_55), character (E_54), onset speed (E_59). */
function hpiToNetwork(
  ctx: ConsultContext,
  state: ConsultState,
  slot: HpiSlotName,
  text: string,
  r: AnswerReading,
): ConsultState {
  const net = ctx.net;
  const question = (code: string) => net.questions.find((q) => evidenceCode(net, q.id) === code && q.kind !== 'binary');
  const add: string[] = [];
  const asked: string[] = [];
  if (slot === 'site' && r.site) {
    const q = question('E_55');
    if (q) {
      const rr = readAnswer({ id: q.id, kind: 'multi' }, text, state.lang, { net });
      add.push(...rr.present.filter((f) => q.options.some((o) => o.finding === f)));
      asked.push(q.id);
    }
  }
  if (slot === 'character') {
    const q = question('E_54');
    const choices = hpiSlots().slots.character.choices.filter(
      (c) => text.includes(c.zh) || text.toLowerCase().includes(c.en.toLowerCase()),
    );
    if (q) {
      for (const c of choices) {
        const o = q.options.find((x) => String(x.value) === c.ddxplus);
        if (o) add.push(o.finding);
      }
      // The network's own option names too ("烧灼样", "tedious").
      add.push(
        ...readAnswer({ id: q.id, kind: 'multi' }, text, state.lang, { net }).present.filter((f) =>
          q.options.some((o) => o.finding === f),
        ),
      );
      asked.push(q.id);
    }
  }
  if (slot === 'onset') {
    const q = question('E_59');
    const c = hpiSlots().slots.onset.choices.find(
      (x) =>
        x.ddxplus_onset !== undefined &&
        (text.includes(x.zh) ||
          text.toLowerCase().includes(x.en.toLowerCase()) ||
          ((x.ddxplus_onset ?? 0) > 5 ? /突然|一下子|sudden/i : /慢慢|逐渐|gradual/i).test(text)),
    );
    if (q && c) {
      for (const o of q.options)
        if (o.value !== undefined && Number(o.value) <= (c.ddxplus_onset ?? 0)) add.push(o.finding);
      asked.push(q.id);
    }
  }
  if (slot === 'severity' && typeof r.severity === 'number') {
    const q = question('E_56');
    if (q?.kind === 'scale') {
      for (const o of q.options) if (r.severity >= Number(o.value)) add.push(o.finding);
      asked.push(q.id);
    }
  }
  if (add.length === 0 && asked.length === 0) return state;
  return {
    ...state,
    present: [...new Set([...state.present, ...add])],
    asked: [...state.asked, ...asked.filter((a) => !state.asked.includes(a))],
  };
}

const SLOT_NAMES: Record<HistorySlot, Bilingual> = {
  duration: { zh: '病程', en: 'Duration' },
  allergies: { zh: '过敏史', en: 'Allergies' },
  medications: { zh: '目前用药', en: 'Current medications' },
  lmp: { zh: '末次月经', en: 'Last menstrual period' },
  pregnancy: { zh: '妊娠可能', en: 'Possible pregnancy' },
};

const SLOT_QUESTIONS: Record<HistorySlot, Bilingual> = {
  duration: {
    zh: '这些不舒服是什么时候开始的？有多久了（比如"3天"、"昨天开始"）？',
    en: 'When did this start, and how long has it lasted (e.g. "3 days", "since yesterday")?',
  },
  allergies: {
    zh: '您对什么药物或食物过敏吗？有的话请说是什么、当时有什么反应；没有就说"没有"。',
    en: 'Are you allergic to any medicine or food? If so, what, and what happened? Say "none" if none.',
  },
  medications: {
    zh: '您现在在吃哪些药（包括中成药、草药、保健品）？请说药名和怎么吃；没有就说"没有"。',
    en: 'Which medicines are you taking now (including herbal or over-the-counter)? Name and how you take them; "none" if none.',
  },
  lmp: {
    zh: '您上次月经是哪天开始的？',
    en: 'When did your last period start?',
  },
  pregnancy: {
    zh: '现在有没有怀孕的可能？',
    en: 'Could you be pregnant at the moment?',
  },
};

const HISTORY_CHOICES: Partial<Record<HistorySlot, Record<Lang, { value: string; label: string }[]>>> = {
  duration: {
    zh: ['今天', '1-3天', '一周左右', '一个月以上'].map((v) => ({
      value: v === '1-3天' ? '2天' : v === '一周左右' ? '一周' : v === '一个月以上' ? '一个多月' : '今天开始',
      label: v,
    })),
    en: [
      { value: 'since today', label: 'Today' },
      { value: '2 days', label: '1–3 days' },
      { value: 'a week', label: 'About a week' },
      { value: 'over a month', label: 'Over a month' },
    ],
  },
  allergies: { zh: [{ value: '没有', label: '没有过敏' }], en: [{ value: 'none', label: 'No allergies' }] },
  medications: { zh: [{ value: '没有', label: '没有吃药' }], en: [{ value: 'none', label: 'No medicines' }] },
  lmp: {
    zh: [{ value: '已经绝经', label: '已经绝经' }],
    en: [{ value: 'my periods have stopped (menopause)', label: 'Periods have stopped' }],
  },
  pregnancy: {
    zh: [
      { value: '有可能', label: '有可能' },
      { value: '不可能怀孕', label: '不可能' },
    ],
    en: [
      { value: 'possibly', label: 'Possibly' },
      { value: 'not pregnant', label: 'No' },
    ],
  },
};

/** Observations of the session so far (for the network). */
export function sessionObservations(net: Network, state: ConsultState): Observations {
  return resolveCase(net, {
    ...(state.patient.age !== undefined ? { age: state.patient.age } : {}),
    ...(state.patient.sex ? { sex: state.patient.sex } : {}),
    findings: [...state.present.map((id) => ({ id })), ...state.absent.map((id) => ({ id, present: false }))],
  });
}

function plainFlag(flags: RedFlagConfig, id: string, lang: Lang): string {
  const sign = checkQuestion(flags, `rf:${id}`);
  if (id.includes('/') && sign?.plain) return pick(sign.plain, lang);
  const f = flags.flags.find((x) => x.id === id) ?? flags.rules.find((x) => x.id === id);
  return f ? pick(f.plain ?? f.label, lang) : id;
}

/** A check's question: the general screen's own words when no flag fitted the complaint, else the flag's check. */
function checkText(flags: RedFlagConfig, id: string, lang: Lang, general?: boolean): string {
  const screen = general ? flags.general?.checks.find((c) => c.flag === id) : undefined;
  if (screen) return pick(screen, lang);
  const followUp = id.includes('/')
    ? (checkQuestion(flags, `rf:${id}`) as { question?: Bilingual } | undefined)
    : undefined;
  if (followUp?.question) return pick(followUp.question, lang);
  const f = flags.flags.find((x) => x.id === id);
  return f?.check ? pick(f.check, lang) : pick(f?.label ?? { en: id }, lang);
}

function networkAsked(state: ConsultState, net: Network): number {
  return state.asked.filter(
    (id) => net.questionIndex.has(id) && !['E_55', 'E_54', 'E_59', 'E_56'].includes(evidenceCode(net, id) ?? ''),
  ).length;
}

function advance(ctx: ConsultContext, state: ConsultState, turns: Turn[], now: string): StepResult {
  const lang = state.lang;
  const flags = ctx.redFlags ?? defaultRedFlags();
  const plan = state.plan ?? { checks: [], hpi: [], networkMax: ctx.policy?.maxQuestions ?? 20 };
  if (state.stage === 'screen' && plan.checks.length > 0) {
    // "怀孕12周…" already says yes to "are you pregnant?": not asked again, its follow-ups are. A queued danger
    // sign (a follow-up) the patient's words already state is settled first: "a purple rash" is the rash
    // follow-up's yes, however the stiff-neck question queued before it would be answered.
    const words = patientWords(state);
    const statedYes = plan.checks.find((c) => {
      const cq = checkQuestion(flags, c);
      return c.includes('/') && statedIn(words, cq?.stated, cq?.statedNo) === 'yes';
    });
    const id = statedYes ?? plan.checks[0]!;
    const q = checkQuestion(flags, id);
    const said = statedIn(words, q?.stated, q?.statedNo);
    if (said) {
      const settled = settleCheck(flags, state, id, said === 'yes', state.turn, 'complaint');
      return settled.emergency ? emergency(ctx, settled.state, turns, now) : advance(ctx, settled.state, turns, now);
    }
    return ask(ctx, { ...state, pending: id }, turns, checkText(flags, id.slice(3), lang, plan.general), now);
  }
  if ((state.stage === 'screen' || state.stage === 'duration') && !state.history.duration) {
    return ask(
      ctx,
      { ...state, stage: 'duration', pending: 'duration' },
      turns,
      pick(SLOT_QUESTIONS.duration, lang),
      now,
    );
  }
  if (state.stage === 'screen' || state.stage === 'duration' || state.stage === 'hpi') {
    const next = plan.hpi.find((s) => !state.hpi?.[s]);
    if (next)
      return ask(
        ctx,
        { ...state, stage: 'hpi', pending: next },
        turns,
        pick(hpiSlots().slots[next].question, lang),
        now,
      );
    return advance(ctx, { ...state, stage: 'diagnostic' }, turns, now);
  }
  if (state.stage === 'diagnostic') {
    const obs = sessionObservations(ctx.net, state);
    const post = infer(ctx.net, obs, ctx.policy?.inference);
    const asked = new Set(state.asked.map((id) => ctx.net.questionIndex.get(id)!).filter((i) => i !== undefined));
    // The questions the complaint and the answers already settled count as asked.
    for (const f of [...obs.positive, ...obs.negative]) {
      const qi = ctx.net.questionOfFinding[f]!;
      if (qi >= 0 && ctx.net.questions[qi]!.kind === 'binary') asked.add(qi);
    }
    const limit = plan.networkMax + (asked.size - networkAsked(state, ctx.net));
    const next =
      networkAsked(state, ctx.net) >= plan.networkMax
        ? { stop: 'max-questions' as StopReason }
        : decideNext(ctx.net, obs, post, asked, { ...ctx.policy, maxQuestions: limit });
    if ('question' in next) {
      const q = next.question.question;
      return ask(
        ctx,
        { ...state, stage: 'diagnostic', pending: q.id, asked: [...state.asked, q.id] },
        turns,
        questionText(q, lang, ctx.net),
        now,
        q,
      );
    }
    return advance(ctx, { ...state, stage: 'allergies', stop: next.stop }, turns, now);
  }
  if (state.stage === 'allergies' && !state.history.allergies)
    return ask(ctx, { ...state, pending: 'allergies' }, turns, pick(SLOT_QUESTIONS.allergies, lang), now);
  if (state.stage === 'allergies') return advance(ctx, { ...state, stage: 'medications' }, turns, now);
  if (state.stage === 'medications' && !state.history.medications)
    return ask(ctx, { ...state, pending: 'medications' }, turns, pick(SLOT_QUESTIONS.medications, lang), now);
  if (state.stage === 'medications') return advance(ctx, { ...state, stage: 'lmp' }, turns, now);
  if (state.stage === 'lmp' && !state.history.lmp && needsLmp(state)) {
    return ask(ctx, { ...state, pending: 'lmp' }, turns, pick(SLOT_QUESTIONS.lmp, lang), now);
  }
  if (state.stage === 'lmp' && needsPregnancy(state, flags)) {
    return ask(ctx, { ...state, pending: 'pregnancy' }, turns, pick(SLOT_QUESTIONS.pregnancy, lang), now);
  }
  return complete(ctx, state, turns, now);
}

const needsLmp = (state: ConsultState) => {
  const { age, sex } = state.patient;
  return sex === 'female' && age !== undefined && age >= 12 && age <= 55;
};

/** Words that settle whether a pregnancy is possible without asking ("不可能怀孕", "绝经了", "not pregnant"). */
const PREGNANCY_TOLD =
  /不可能|没可能|绝经|结扎|子宫切除|\b(?:not|can'?t\s+be|couldn'?t\s+be)\s+pregnant\b|menopause|sterili[sz]ed|hysterectomy/i;

/**
 * The "could you be pregnant?" question, asked on its own after the last period: not when the patient
 * has already told (a pregnancy check answered, "怀孕…" or "不可能怀孕" in any answer).
 */
function needsPregnancy(state: ConsultState, flags: RedFlagConfig): boolean {
  if (!needsLmp(state) || state.history.pregnancy) return false;
  if (state.answers.some((a) => a.question === 'rf:pregnancy-bleeding-pain')) return false;
  const words = patientWords(state);
  const pregnancy = flags.flags.find((f) => f.id === 'pregnancy-bleeding-pain')?.check?.stated;
  return !PREGNANCY_TOLD.test(words) && statedIn(words, pregnancy) === undefined;
}

/** A network question in plain words (data/plain-questions.json by DDXPlus evidence code), else its own text. */
export function questionText(q: QuestionNode, lang: Lang, net?: Network): string {
  const code = evidenceCode(net, q.id);
  const plain = code ? plainQuestions()[code] : undefined;
  if (plain) return pick(plain, lang);
  const name =
    q.kind === 'binary' && net ? net.findings[net.findingIndex.get(q.options[0]!.finding) ?? -1]?.name : undefined;
  if (lang === 'zh' && name?.zh && q.kind === 'binary') return `您有没有${name.zh}？`;
  const text = pick(q.text, lang);
  if (q.kind === 'scale')
    return `${text}${lang === 'zh' ? '（0–10 分，0 分是没有，10 分是最厉害）' : ' (0–10: 0 none, 10 worst)'}`;
  return text;
}

function questionRef(q: QuestionNode, lang: Lang): NonNullable<Reply['question']> {
  return {
    id: q.id,
    kind: q.kind,
    ...(q.kind === 'choice' || q.kind === 'multi'
      ? { options: q.options.map((o) => (o.label ? pick(o.label, lang) : String(o.value ?? o.finding))) }
      : {}),
  };
}

/** Tappable answers for what is pending; each `value` is understood by readAnswer when sent as text. */
function choicesFor(ctx: ConsultContext, state: ConsultState): { choices?: Reply['choices'] } {
  const lang = state.lang;
  const p = state.pending ?? '';
  if (p.startsWith('rf:'))
    return { choices: YES_NO[lang].filter((c) => c.label !== 'A little' && c.label !== '有一点') };
  if (isHistorySlot(p)) {
    const c = HISTORY_CHOICES[p]?.[lang];
    return c ? { choices: [...c, UNSURE[lang]] } : {};
  }
  if (isHpi(p))
    return { choices: [...hpiSlots().slots[p].choices.map((c) => ({ value: c[lang], label: c[lang] })), UNSURE[lang]] };
  const q = ctx.net.questions[ctx.net.questionIndex.get(p) ?? -1];
  if (!q) return {};
  if (q.kind === 'binary') return { choices: YES_NO[lang] };
  if (q.kind === 'scale') return { choices: [0, 2, 4, 6, 8, 10].map((n) => ({ value: String(n), label: String(n) })) };
  const labelled = q.options.filter((o) => o.label).slice(0, 12);
  return {
    choices: [
      ...labelled.map((o) => ({ value: pick(o.label!, lang), label: pick(o.label!, lang) })),
      { value: lang === 'zh' ? '都没有' : 'none', label: lang === 'zh' ? '都没有' : 'None' },
      UNSURE[lang],
    ],
  };
}

/** Questions answered so far and the expected total (planned checks, slots, network budget, history). */
function progressOf(state: ConsultState): { asked: number; expected: number } {
  // Distinct questions: a question re-asked after an off-topic answer counts once.
  const asked = new Set(state.answers.map((a) => a.question)).size;
  const plan = state.plan;
  if (!plan) return { asked, expected: Math.max(asked + 1, 10) };
  const checksLeft = plan.checks.length;
  const durationLeft = state.history.duration ? 0 : 1;
  const hpiLeft = plan.hpi.filter((s) => !state.hpi?.[s]).length;
  const netDone = new Set(
    state.answers
      .filter((a) => !a.question.startsWith('rf:') && !isHistorySlot(a.question) && !isHpi(a.question))
      .map((a) => a.question),
  ).size;
  const netLeft =
    state.stage === 'allergies' || state.stage === 'medications' || state.stage === 'lmp' || state.stage === 'done'
      ? 0
      : Math.max(0, plan.networkMax - netDone);
  const historyLeft =
    (state.history.allergies ? 0 : 1) +
    (state.history.medications ? 0 : 1) +
    (needsLmp(state) && !state.history.lmp ? 1 : 0) +
    (needsLmp(state) && !state.history.pregnancy && state.stage !== 'done' ? 1 : 0);
  return { asked, expected: Math.max(asked + 1, asked + checksLeft + durationLeft + hpiLeft + netLeft + historyLeft) };
}

function ask(
  ctx: ConsultContext,
  state: ConsultState,
  turns: Turn[],
  text: string,
  now: string,
  q?: QuestionNode,
): StepResult {
  const turn = state.turn + 1;
  const next: ConsultState = { ...state, turn, updatedAt: now };
  const reply: Reply = {
    kind: 'question',
    text,
    ...(q ? { question: questionRef(q, state.lang) } : {}),
    ...choicesFor(ctx, next),
    progress: progressOf(next),
  };
  return { state: withPrompt(next, reply), turns: [...turns, { turn, role: 'medseek', text, at: now }], reply };
}

/** The state with the reply that asks its pending question: a client that reloads shows it again, choices and all. */
function withPrompt(state: ConsultState, reply: Reply): ConsultState {
  const kind = reply.kind === 'reprompt' ? 'reprompt' : 'question';
  const prompt: PendingPrompt = {
    kind,
    text: reply.text,
    ...(reply.question ? { question: reply.question } : {}),
    ...(reply.choices ? { choices: reply.choices } : {}),
    ...(reply.progress ? { progress: reply.progress } : {}),
  };
  return { ...state, prompt };
}

function emergency(ctx: ConsultContext, state: ConsultState, turns: Turn[], now: string): StepResult {
  const flags = ctx.redFlags ?? defaultRedFlags();
  const scale = ctx.scale ?? defaultTriageScale();
  const callNumber = ctx.callNumber ?? flags.callNumber ?? '120';
  const labels = state.redFlags.positive.map((id) => {
    const f = flags.flags.find((x) => x.id === id) ?? flags.rules.find((x) => x.id === id);
    // The sign the patient said yes to, where the flag has follow-ups ("bleeding in pregnancy", not "or pain").
    const item = state.redFlags.screened.find((s) => s.id === id && s.result === 'positive' && s.item)?.item;
    const sign = item ? (f as RedFlag | undefined)?.followUps?.find((u) => u.id === item)?.plain : undefined;
    return {
      id,
      label: f?.label ?? { en: id },
      plain: sign ?? f?.plain ?? f?.label ?? { en: id },
      triage: f?.triage ?? 1,
      handover: (f as { action?: string } | undefined)?.action === 'handover',
    };
  });
  const level = triageLevel(scale, Math.min(...labels.map((l) => l.triage)));
  const reasonEn = labels.map((l) => l.label.en).join('; ');
  const reasonZh = labels.map((l) => l.label.zh ?? l.label.en).join('；');
  const plainZh = labels.map((l) => l.plain.zh ?? l.plain.en).join('、');
  const plainEn = labels.map((l) => l.plain.en).join(', ');
  const handover = labels.some((l) => l.handover);
  // The clinician's report keeps the triage level; the patient gets plain words and the number to call.
  const triage: TriageResult = {
    scale: scale.scale,
    level: level.level,
    name: level.name,
    colour: level.colour,
    zone: level.zone,
    responseLimitMin: level.responseLimitMin,
    reason: { en: reasonEn, zh: reasonZh },
  };
  const message =
    state.lang === 'zh'
      ? handover
        ? `您说的情况（${plainZh}）需要马上有人帮助您。请现在就拨打 ${callNumber}，或者告诉身边的人陪您去最近医院的急诊。您不是一个人，我们会尽快让医护人员和您联系。`
        : `您说的情况（${plainZh}）可能很危险，需要马上处理。请立即拨打 ${callNumber}，或者尽快去最近医院的急诊；不要自己开车，最好有人陪同。`
      : handover
        ? `What you describe (${plainEn}) needs help right now. Please call ${callNumber} now, or ask someone near you to take you to the nearest emergency department. You are not alone; we will ask staff to contact you as soon as possible.`
        : `What you describe (${plainEn}) may be dangerous and needs care right away. Call ${callNumber} now or go to the nearest emergency department; do not drive yourself, and have someone go with you.`;
  const text = `⚠ ${message}${state.lang === 'zh' ? '\n本次预问诊到此结束。' : '\nThis pre-consultation ends here.'}`;
  const turn = state.turn + 1;
  const { pending: _p, reasked: _r, prompt: _q, ...rest } = state;
  return {
    state: {
      ...rest,
      status: 'emergency',
      stage: 'done',
      stop: 'red-flag',
      triage,
      turn,
      updatedAt: now,
      redFlags: { ...state.redFlags, alertAt: now },
    },
    turns: [...turns, { turn, role: 'medseek', text, at: now }],
    reply: { kind: 'emergency', text, emergency: { message, callNumber, staffNotified: false } },
  };
}

function complete(ctx: ConsultContext, state: ConsultState, turns: Turn[], now: string): StepResult {
  const scale = ctx.scale ?? defaultTriageScale();
  const obs = sessionObservations(ctx.net, state);
  const post = infer(ctx.net, obs, ctx.policy?.inference);
  // Routine triage: urgent (Ⅲ) when a dangerous disease (severity ≤ 2) holds ≥ 30 % of the
  // differential; otherwise Ⅳ.
  const total = post.posterior.reduce((a, b) => a + b, 0) || 1;
  const dangerous = ctx.net.diseases
    .map((d, i) => ({ d, share: post.posterior[i]! / total }))
    .filter((x) => (x.d.severity ?? 5) <= 2 && x.share >= 0.3);
  const unsure = state.redFlags.screened.some((s) => s.result === 'unsure');
  const levelNo = dangerous.length > 0 || unsure ? Math.min(3, scale.levels.length) : scale.levels.length;
  const level = triageLevel(scale, levelNo);
  const reason: Bilingual =
    dangerous.length > 0
      ? {
          en: `possible ${dangerous.map((x) => x.d.name.en).join(', ')} needs timely assessment`,
          zh: `需及时排除${dangerous.map((x) => x.d.name.zh ?? x.d.name.en).join('、')}`,
        }
      : unsure
        ? { en: 'red-flag screen answered "unsure"', zh: '危险信号筛查回答"不确定"' }
        : { en: 'no red flag; routine', zh: '无危险信号，常规就诊' };
  const triage: TriageResult = {
    scale: scale.scale,
    level: level.level,
    name: level.name,
    colour: level.colour,
    zone: level.zone,
    responseLimitMin: level.responseLimitMin,
    reason,
  };
  const text =
    state.lang === 'zh'
      ? '谢谢您的回答，预问诊已完成。您的预问诊报告已发送给接诊医生，医生会在就诊时与您核实。本结果不是诊断。如果等候期间症状突然加重，请立即告诉工作人员或拨打 120。'
      : 'Thank you. The pre-consultation is complete and your report has gone to the doctor, who will go through it with you. This is not a diagnosis. If you get suddenly worse while waiting, tell a member of staff at once or call the emergency number.';
  const turn = state.turn + 1;
  const { pending: _p, reasked: _r, prompt: _q, ...rest } = state;
  const done: ConsultState = { ...rest, status: 'complete', stage: 'done', triage, turn, updatedAt: now };
  return {
    state: done,
    turns: [...turns, { turn, role: 'medseek', text, at: now }],
    reply: { kind: 'done', text, progress: { asked: state.answers.length, expected: state.answers.length } },
  };
}
