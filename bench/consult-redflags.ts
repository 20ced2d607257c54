import { readFileSync } from 'node:fs';
import type { ConsultContext, ConsultState, StepResult } from '../src/reasoning/index.js';
import { answerSession, startSession } from '../src/reasoning/index.js';
import { loadNetwork, parseKb } from './consult-lib/network.js';
import type { ConsultEngine, EngineStep, RedFlagCase } from './consult-lib/redflags.js';
import { parseRedFlagCases, playCase, summariseRedFlags } from './consult-lib/redflags.js';
import { parseSplit, SPLIT_RULE, splitLines } from './consult-lib/split.js';
import type { Benchmark } from './lib/harness.js';

/**
 * `npx medseek bench consult-redflags [--data redflags.jsonl] [--kb release|ddxplus|dxy|bundled] [--split dev|test|all]`:
 * emergencies and look-alike benign complaints, written as patients speak (zh, en), played through
 * the pre-consultation session functions (startSession / answerSession, as `medseek consult
 * --simulate` does) by a scripted patient (bench/data/consult/README.md). Reports the share of
 * emergencies that reach the emergency exit within the complaint and two answers (goal 100 %) and
 * the share of benign complaints that wrongly reach it (goal 0 %), with every failure's dialogue.
 */
export function sessionEngine(ctx: ConsultContext, kb: string): ConsultEngine {
  const wrap = (r: StepResult): EngineStep => ({ status: r.state.status, prompt: r.reply.text, state: r.state });
  return {
    start: (c: RedFlagCase) =>
      wrap(
        startSession(ctx, {
          id: c.id,
          kb,
          lang: c.lang,
          complaint: c.complaint,
          channel: 'benchmark',
          ...(c.age !== undefined ? { age: c.age } : {}),
          ...(c.sex ? { sex: c.sex } : {}),
        }),
      ),
    answer: (prev: EngineStep, text: string) => wrap(answerSession(ctx, prev.state as ConsultState, text)),
  };
}

const bench: Benchmark = {
  name: 'consult-redflags',
  description:
    'pre-consultation red flags: emergencies reaching the exit within the complaint and two answers; benign look-alikes that must not',
  defaultData: 'bench/data/consult/redflags.jsonl',
  async run({ data, args, log }) {
    const kb = parseKb(args.kb);
    const split = parseSplit(args.split);
    const cases = parseRedFlagCases(splitLines(readFileSync(data, 'utf8'), split), data);
    const net = await loadNetwork(kb);
    const fixedNow = '2026-12-05T00:00:00.000Z';
    const engine = sessionEngine({ net, now: () => fixedNow }, kb);
    const outcomes = cases.map((c) => playCase(engine, c));
    const s = summariseRedFlags(outcomes);
    log(
      `${s.emergencies} emergencies, ${s.benign} benign complaints (kb ${kb}${split === 'all' ? '' : `, split ${split}`})`,
    );
    log(
      `emergencies reaching the exit within the complaint + 2 answers: ${(100 * s.emergencyReachRate).toFixed(1)} % (goal 100 %)`,
    );
    log(
      `benign complaints reaching it (same window): ${(100 * s.benignFalseExitRate).toFixed(1)} % (goal 0 %); over the whole session: ${(100 * s.benignFalseExitRateWholeSession).toFixed(1)} %`,
    );
    for (const f of s.missedEmergencies)
      log(
        `MISSED ${f.id} [${f.group}] ${f.complaint} → ${f.finalStatus}${f.error ? ` (${f.error})` : ''}\n    ${f.dialogue.join('\n    ')}`,
      );
    for (const f of s.falseAlarms)
      log(`FALSE ALARM ${f.id} [${f.group}] ${f.complaint}\n    ${f.dialogue.join('\n    ')}`);
    for (const f of s.falseAlarmsLater)
      log(`FALSE ALARM LATER ${f.id} [${f.group}] ${f.complaint} (after ${f.exitAfterAnswers} answers)`);
    log('\nby emergency group:');
    for (const g of s.groups)
      log(`  ${g.group.padEnd(24)} ${String(g.n).padStart(3)}  ${(100 * g.reachedExit).toFixed(0)} %`);
    return {
      kb,
      split: { scored: split, rule: SPLIT_RULE, cases: cases.length },
      rule: "scripted patient: complaint, then the script lines in order for any question or re-prompt, then 不知道/don't know; window = complaint + 2 answers; benign cases also played to the end with 没有/no after the script",
      emergencyReachRate: s.emergencyReachRate,
      benignFalseExitRate: s.benignFalseExitRate,
      benignFalseExitRateWholeSession: s.benignFalseExitRateWholeSession,
      emergencies: s.emergencies,
      benign: s.benign,
      groups: s.groups,
      missedEmergencies: s.missedEmergencies,
      falseAlarms: s.falseAlarms,
      falseAlarmsLater: s.falseAlarmsLater,
      table: s.rows,
    };
  },
};

export default bench;
