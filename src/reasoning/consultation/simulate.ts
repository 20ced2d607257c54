import type { Lang, Sex } from '../../core/index.js';
import { invalid, say } from '../../core/index.js';
import type { CaseFinding, QuestionNode } from '../diagnosis/index.js';
import type { PreConsultReport } from './report.js';
import { buildReport } from './report.js';
import type { ConsultContext, ConsultState, StepResult } from './session.js';
import { answerSession, startSession } from './session.js';

/**
 * A case file played as the patient (`medseek consult --simulate <case>`): answers come from its
 * evidence list ("don't know" for anything not in it), red flags from `redFlags`, history from
 * the named fields.
 */
export interface SimulatedCase {
  readonly id?: string;
  readonly kb?: string;
  readonly lang?: Lang;
  readonly age?: number;
  readonly sex?: Sex;
  readonly complaint: string;
  readonly findings: readonly CaseFinding[];
  /** Red-flag ids the patient would say yes to when screened. */
  readonly redFlags?: readonly string[];
  readonly duration?: string;
  readonly allergies?: string;
  readonly medications?: string;
  readonly lmp?: string;
  /** The answer to "could you be pregnant?", asked after the last period unless already told. */
  readonly pregnancy?: string;
  /** Answers to the main complaint's HPI slots (site, character, severity, onset, timing, modifiers). */
  readonly hpi?: Readonly<Record<string, string>>;
  /** The correct disease, when the case has one (for scoring). */
  readonly diagnosis?: string;
}

export interface SimulationResult {
  readonly dialogue: readonly { readonly turn: number; readonly role: 'patient' | 'medseek'; readonly text: string }[];
  /** Network questions asked (ids), in order. */
  readonly questions: readonly string[];
  readonly state: ConsultState;
  readonly report: PreConsultReport;
}

export function parseSimulatedCase(text: string, where = 'case'): SimulatedCase {
  let c: SimulatedCase;
  try {
    c = JSON.parse(text) as SimulatedCase;
  } catch (e) {
    throw invalid(`not JSON: ${(e as Error).message}`, { where });
  }
  if (typeof c.complaint !== 'string' || !c.complaint.trim())
    throw invalid('a case needs a chief complaint', { where, field: 'complaint' });
  if (!Array.isArray(c.findings)) throw invalid('a case needs a findings list', { where, field: 'findings' });
  return c;
}

/** What the simulated patient says to one network question. */
export function patientAnswer(c: SimulatedCase, q: QuestionNode, lang: Lang): string {
  const entries = c.findings.filter((f) => f.id === q.id || q.options.some((o) => o.finding === f.id));
  if (entries.length === 0) return say(lang)("don't know", '不知道');
  if (q.kind === 'binary')
    return entries.some((e) => e.present !== false) ? say(lang)('yes', '是') : say(lang)('no', '没有');
  if (entries.every((e) => e.present === false)) return say(lang)('none', '没有');
  const values = entries.flatMap((e) =>
    e.value === undefined ? [] : Array.isArray(e.value) ? e.value : [e.value as string | number],
  );
  if (q.kind === 'scale')
    return values.length ? String(Math.max(...values.map(Number))) : say(lang)("don't know", '不知道');
  const numbers = q.options
    .map((o, i) =>
      values.map(String).includes(String(o.value)) || entries.some((e) => e.id === o.finding && e.present !== false)
        ? i + 1
        : 0,
    )
    .filter((n) => n > 0);
  return numbers.length ? numbers.join(',') : say(lang)('none', '没有');
}

export function simulateConsultation(
  ctx: ConsultContext,
  c: SimulatedCase,
  options: { id?: string; maxTurns?: number } = {},
): SimulationResult {
  const lang = c.lang ?? 'zh';
  let step: StepResult = startSession(ctx, {
    id: options.id ?? c.id ?? 'simulated',
    kb: c.kb ?? ctx.net.model.id,
    lang,
    complaint: c.complaint,
    ...(c.age !== undefined ? { age: c.age } : {}),
    ...(c.sex ? { sex: c.sex } : {}),
    channel: 'simulation',
  });
  const dialogue = [...step.turns];
  const questions: string[] = [];
  for (let i = 0; i < (options.maxTurns ?? 200) && step.state.status === 'active'; i++) {
    const pending = step.state.pending;
    let text: string;
    if (pending?.startsWith('rf:')) {
      // A follow-up (`rf:<flag>/<sign>`) is answered as its flag: the simulated patient has the flag or not.
      const id = pending.slice(3).split('/')[0]!;
      text = (c.redFlags ?? []).includes(id) ? say(lang)('yes', '是') : say(lang)('no', '没有');
    } else if (
      pending === 'duration' ||
      pending === 'allergies' ||
      pending === 'medications' ||
      pending === 'lmp' ||
      pending === 'pregnancy'
    ) {
      text = c[pending] ?? say(lang)("don't know", '不知道');
    } else if (pending && ['site', 'character', 'severity', 'onset', 'timing', 'modifiers'].includes(pending)) {
      text = c.hpi?.[pending] ?? slotFromEvidence(ctx, c, pending, lang) ?? say(lang)("don't know", '不知道');
    } else {
      const qi = ctx.net.questionIndex.get(pending ?? '');
      if (qi === undefined) break;
      questions.push(pending!);
      text = patientAnswer(c, ctx.net.questions[qi]!, lang);
    }
    step = answerSession(ctx, step.state, text);
    dialogue.push(...step.turns);
  }
  return { dialogue, questions, state: step.state, report: buildReport(ctx.net, step.state) };
}

/** A DDXPlus case's pain evidences as the answer to an HPI slot: site E_55, character E_54, severity E_56, onset E_59. */
function slotFromEvidence(ctx: ConsultContext, c: SimulatedCase, slot: string, lang: Lang): string | undefined {
  const code = { site: 'E_55', character: 'E_54', severity: 'E_56', onset: 'E_59' }[slot];
  const entry = code ? c.findings.find((f) => f.id === code) : undefined;
  if (!code || !entry || entry.value === undefined) return undefined;
  const values = (Array.isArray(entry.value) ? entry.value : [entry.value]).map(String);
  if (slot === 'severity') return values[0];
  if (slot === 'onset')
    return Number(values[0]) >= 5 ? say(lang)('Suddenly', '突然开始') : say(lang)('Gradually', '慢慢出现');
  const q = ctx.net.questions.find((x) => x.id === code);
  const labels = (q?.options ?? [])
    .filter((o) => values.includes(String(o.value)) && o.label)
    .map((o) => (lang === 'zh' ? (o.label!.zh ?? o.label!.en) : o.label!.en));
  return labels.length ? labels.join(lang === 'zh' ? '、' : ', ') : undefined;
}
