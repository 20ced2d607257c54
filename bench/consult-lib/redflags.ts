import { readFileSync } from 'node:fs';
import { jsonLines } from './jsonl.js';

/**
 * Red-flag complaints played through a consultation engine by a scripted patient
 * (bench/data/consult/README.md): the complaint first, then the script's lines in order for
 * whatever MedSeek asks (a re-prompt included), "不知道" / "don't know" once the script is spent.
 * An emergency passes when the session reaches the emergency exit after the complaint and at most
 * `window` answers (2); a benign case fails when it reaches it in the same window. Benign cases are
 * also played to the end of the session (answers after the script: "没有" / "no").
 */
export interface RedFlagCase {
  readonly id: string;
  readonly expect: 'emergency' | 'benign';
  readonly group: string;
  readonly lang: 'zh' | 'en';
  readonly age?: number;
  readonly sex?: 'male' | 'female';
  readonly complaint: string;
  readonly script: readonly string[];
}

/** One step of a session as the benchmark sees it. */
export interface EngineStep {
  readonly status: string;
  /** What MedSeek said (the question, re-prompt or exit message). */
  readonly prompt: string;
  readonly state: unknown;
}

/** A consultation engine: the session functions behind an adapter (see consult-redflags.ts). */
export interface ConsultEngine {
  start(c: RedFlagCase): EngineStep;
  answer(previous: EngineStep, text: string): EngineStep;
}

export function parseRedFlagCases(text: string, where = 'redflags.jsonl'): RedFlagCase[] {
  const out: RedFlagCase[] = [];
  for (const { at, o } of jsonLines(text, where)) {
    const bad = (field: string, why: string) => new Error(`${at}: ${field} ${why}`);
    if (o.expect !== 'emergency' && o.expect !== 'benign') throw bad('expect', "must be 'emergency' or 'benign'");
    if (typeof o.group !== 'string' || !o.group) throw bad('group', 'is required');
    if (o.lang !== 'zh' && o.lang !== 'en') throw bad('lang', "must be 'zh' or 'en'");
    if (o.age !== undefined && (typeof o.age !== 'number' || o.age < 0 || o.age > 130))
      throw bad('age', 'must be a number of years, 0–130');
    if (o.sex !== undefined && o.sex !== 'male' && o.sex !== 'female') throw bad('sex', "must be 'male' or 'female'");
    if (typeof o.complaint !== 'string' || !o.complaint.trim()) throw bad('complaint', 'is required');
    if (!Array.isArray(o.script) || o.script.length > 2 || !o.script.every((s) => typeof s === 'string' && s.trim()))
      throw bad('script', 'must be up to 2 non-empty answers');
    out.push(o as unknown as RedFlagCase);
  }
  if (out.length === 0) throw new Error(`${where}: no cases`);
  return out;
}

export const loadRedFlagCases = (path: string): RedFlagCase[] => parseRedFlagCases(readFileSync(path, 'utf8'), path);

export interface CaseOutcome {
  readonly case: RedFlagCase;
  /** Reached the emergency exit within the complaint and `window` answers. */
  readonly emergencyInWindow: boolean;
  /** Answers given when the exit was reached (0 = on the complaint); undefined when not reached. */
  readonly exitAfterAnswers?: number;
  /** Benign cases: reached the exit at any point of the whole session. */
  readonly emergencyInSession?: boolean;
  readonly finalStatus: string;
  readonly dialogue: readonly { readonly who: 'patient' | 'medseek'; readonly text: string }[];
  readonly error?: string;
}

const DONT_KNOW = { zh: '不知道', en: "don't know" } as const;
const NO = { zh: '没有', en: 'no' } as const;

export function playCase(
  engine: ConsultEngine,
  c: RedFlagCase,
  options: { window?: number; maxTurns?: number } = {},
): CaseOutcome {
  const window = options.window ?? 2;
  const maxTurns = options.maxTurns ?? 60;
  const dialogue: { who: 'patient' | 'medseek'; text: string }[] = [{ who: 'patient', text: c.complaint }];
  let step: EngineStep;
  try {
    step = engine.start(c);
  } catch (e) {
    return { case: c, emergencyInWindow: false, finalStatus: 'error', dialogue, error: (e as Error).message };
  }
  dialogue.push({ who: 'medseek', text: step.prompt });
  let answers = 0;
  let exitAt: number | undefined = step.status === 'emergency' ? 0 : undefined;
  try {
    while (step.status === 'active' && answers < maxTurns) {
      const text = c.script[answers] ?? (answers < window || c.expect === 'emergency' ? DONT_KNOW[c.lang] : NO[c.lang]);
      // An emergency case is only played within its window; a benign one to the end.
      if (c.expect === 'emergency' && answers >= window) break;
      step = engine.answer(step, text);
      answers++;
      dialogue.push({ who: 'patient', text }, { who: 'medseek', text: step.prompt });
      if (step.status === 'emergency' && exitAt === undefined) exitAt = answers;
    }
  } catch (e) {
    return {
      case: c,
      emergencyInWindow: exitAt !== undefined && exitAt <= window,
      ...(exitAt !== undefined ? { exitAfterAnswers: exitAt } : {}),
      finalStatus: 'error',
      dialogue,
      error: (e as Error).message,
    };
  }
  return {
    case: c,
    emergencyInWindow: exitAt !== undefined && exitAt <= window,
    ...(exitAt !== undefined ? { exitAfterAnswers: exitAt } : {}),
    ...(c.expect === 'benign' ? { emergencyInSession: exitAt !== undefined } : {}),
    finalStatus: step.status,
    dialogue,
  };
}

const pct = (k: number, n: number) => (n ? k / n : Number.NaN);

export function summariseRedFlags(outcomes: readonly CaseOutcome[]) {
  const em = outcomes.filter((o) => o.case.expect === 'emergency');
  const bn = outcomes.filter((o) => o.case.expect === 'benign');
  const rows: Record<string, unknown>[] = [];
  for (const lang of ['zh', 'en', 'all'] as const) {
    const e = em.filter((o) => lang === 'all' || o.case.lang === lang);
    const b = bn.filter((o) => lang === 'all' || o.case.lang === lang);
    rows.push({
      lang,
      emergencies: e.length,
      reachedExit: pct(e.filter((o) => o.emergencyInWindow).length, e.length),
      onComplaint: pct(e.filter((o) => o.exitAfterAnswers === 0).length, e.length),
      benign: b.length,
      falseExit: pct(b.filter((o) => o.emergencyInWindow).length, b.length),
      falseExitWholeSession: pct(b.filter((o) => o.emergencyInSession).length, b.length),
    });
  }
  const groups = [...new Set(em.map((o) => o.case.group))].map((g) => {
    const e = em.filter((o) => o.case.group === g);
    return { group: g, n: e.length, reachedExit: pct(e.filter((o) => o.emergencyInWindow).length, e.length) };
  });
  const failure = (o: CaseOutcome) => ({
    id: o.case.id,
    group: o.case.group,
    complaint: o.case.complaint,
    finalStatus: o.finalStatus,
    ...(o.exitAfterAnswers !== undefined ? { exitAfterAnswers: o.exitAfterAnswers } : {}),
    ...(o.error ? { error: o.error } : {}),
    dialogue: o.dialogue
      .slice(0, 8)
      .map((d) => `${d.who === 'patient' ? '>' : '<'} ${d.text.replace(/\s+/g, ' ').slice(0, 160)}`),
  });
  return {
    emergencies: em.length,
    benign: bn.length,
    emergencyReachRate: pct(em.filter((o) => o.emergencyInWindow).length, em.length),
    benignFalseExitRate: pct(bn.filter((o) => o.emergencyInWindow).length, bn.length),
    benignFalseExitRateWholeSession: pct(bn.filter((o) => o.emergencyInSession).length, bn.length),
    rows,
    groups,
    missedEmergencies: em.filter((o) => !o.emergencyInWindow).map(failure),
    falseAlarms: bn.filter((o) => o.emergencyInWindow).map(failure),
    falseAlarmsLater: bn.filter((o) => o.emergencyInSession && !o.emergencyInWindow).map(failure),
  };
}
