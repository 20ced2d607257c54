import type { Bilingual } from '../../core/index.js';
import type { RedFlagConfig } from './redflags.js';
import { lateRedFlagChecks } from './redflags.js';
import type { ConsultState } from './session.js';

/**
 * A red flag the patient's own words raise but do not settle (issue 13): black stool after iron or
 * animal blood, chest pain that presses sore after the gym, a fever with headache, a headache in late
 * pregnancy. The session does not exit at once (its danger signs are asked one question each), but
 * until they are denied it is an open concern: the clinicians' queue shows it just below the
 * emergencies with this reason, and open workspaces are told (routes/consult.ts), so a patient who
 * stops answering mid-check is not left among the routine sessions.
 */
export interface UrgentConcern {
  readonly id: string;
  readonly turn: number;
  readonly at: string;
  readonly reason: Bilingual;
}

/** The concerns an utterance raises (flags whose checks it calls for), added to the state; none twice. */
export function raiseUrgency(
  state: ConsultState,
  text: string,
  turn: number,
  at: string,
  flags: RedFlagConfig,
): ConsultState {
  const open = state.redFlags.urgent ?? [];
  const settled = [...open.map((u) => u.id), ...state.redFlags.screened.map((s) => s.id)];
  const ids = lateRedFlagChecks(text, [], settled, flags).map((c) => c.slice(3));
  if (ids.length === 0) return state;
  const quote = [...text].length > 60 ? `${[...text].slice(0, 60).join('')}…` : text;
  const raised = ids.map((id) => {
    const f = flags.flags.find((x) => x.id === id);
    const plain = f?.plain ?? f?.label ?? { en: id };
    return {
      id,
      turn,
      at,
      reason: {
        zh: `患者说"${quote}"：需排除${plain.zh ?? plain.en}，危险信号尚未问完`,
        en: `The patient said "${quote}": ${plain.en} not yet ruled out; its danger signs are still being asked`,
      },
    };
  });
  return { ...state, redFlags: { ...state.redFlags, urgent: [...open, ...raised] } };
}

/** A concern ends once its flag is screened negative (a positive one is an emergency, which tops the queue). */
export function settleUrgency(state: ConsultState): ConsultState {
  const open = state.redFlags.urgent;
  if (!open?.length) return state;
  const negative = new Set(state.redFlags.screened.filter((s) => s.result === 'negative').map((s) => s.id));
  const left = open.filter((u) => !negative.has(u.id));
  return left.length === open.length ? state : { ...state, redFlags: { ...state.redFlags, urgent: left } };
}

/** The concerns this step raised (their time is the step's): what the workspaces are told of. */
export function newUrgency(state: ConsultState): readonly UrgentConcern[] {
  if (state.status !== 'active') return [];
  return (state.redFlags.urgent ?? []).filter((u) => u.at === state.updatedAt);
}
