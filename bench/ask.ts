import { loadQuestions } from './ask-lib/questions.js';
import { type AskMode, runAsk } from './ask-lib/run.js';
import { type Benchmark, table } from './lib/harness.js';

/**
 * Ask the record (`npx medseek bench ask`): the question set over the demo patients (zh and en,
 * reference answers written from the demo records before the reader was tuned) asked with the
 * deterministic tools alone and with a scripted test model (an in-process provider that calls the
 * tools and answers from a script, with injected wrong values and citations). Reports answered
 * correctly, refused, wrong, and wrong with a citation that does not support it (must be 0).
 * `--mode deterministic|scripted-model` runs one mode.
 */
const bench: Benchmark = {
  name: 'ask',
  description: 'Ask the record: questions over the demo patients, deterministic reader and scripted model',
  defaultData: 'bench/data/ask/questions.jsonl',
  async run({ data, args, log }) {
    const questions = loadQuestions(data);
    const modes: AskMode[] = args.mode ? [args.mode as AskMode] : ['deterministic', 'scripted-model'];
    for (const m of modes)
      if (m !== 'deterministic' && m !== 'scripted-model')
        throw new Error(`--mode must be deterministic or scripted-model (got '${m}')`);
    log(
      `${questions.length} questions (${questions.filter((q) => q.lang === 'zh').length} zh), ` +
        `modes: ${modes.join(', ')}`,
    );
    const result = await runAsk(questions, modes);
    log(
      table(
        modes.map((m) => {
          const f = result[m];
          return {
            mode: m,
            questions: f.questions,
            correct: f.correct,
            refused: f.refused,
            wrong: f.wrong,
            wrongUnsupportedCitation: f.wrongWithUnsupportingCitation,
            ...(f.injected ? { injected: f.injected.total, injectedShown: f.injected.shown } : {}),
          };
        }),
      ),
    );
    for (const m of modes)
      for (const r of result[m].results.filter((x) => x.outcome !== 'correct'))
        log(`${m} ${r.id} ${r.outcome}${r.injected ? ` (${r.injected})` : ''}: ${r.why ?? r.answer}`.slice(0, 300));
    for (const m of modes)
      for (const r of result[m].results)
        for (const s of r.removedSentences)
          log(`${m} ${r.id} removed: ${s.text.slice(0, 120)} — ${s.reason}`.slice(0, 300));
    return { split: 'all questions (no training: the reader is rule-based)', modes: result };
  },
};

export default bench;
