import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { llmClientFromEnv } from '../src/llm/index.js';
import { readAnswer, readAnswerWithModel } from '../src/reasoning/index.js';
import type { Reader } from './consult-lib/answers.js';
import {
  failureList,
  parseAnswerItems,
  parseQuestions,
  readAll,
  summariseAnswers,
  withItemQuestions,
} from './consult-lib/answers.js';
import { loadNetwork, networkQuestionId, parseKb } from './consult-lib/network.js';
import { parseSplit, SPLIT_RULE, splitLines } from './consult-lib/split.js';
import type { Benchmark } from './lib/harness.js';

/**
 * `npx medseek bench consult-answers [--data answers.jsonl] [--questions questions.json] [--kb release|ddxplus|dxy|bundled] [--split dev|test|all] [--model off]`:
 * patient answers to pre-consultation questions (zh, en; colloquial, hedged, multi-finding,
 * off-topic, durations and severity), labelled by hand independently of the engine
 * (bench/data/consult/README.md), read by `readAnswer` with the network as context. Reports the
 * accuracy of the value (yes / no / partly / unknown / other) per category, language and question
 * kind; with a model configured (MEDSEEK_LLM_*, DEEPSEEK_API_KEY…) the answers are read as the
 * engine reads them then — model first, checked, the rules behind it (`readAnswerWithModel`; `--model off`
 * for the rules alone); the exact-set accuracy of the other findings named (present / absent, after dropping the
 * question's own finding and tolerated synonyms); and duration, severity and site where labelled.
 */
const bench: Benchmark = {
  name: 'consult-answers',
  description:
    'reading of free-text patient answers (zh, en): value accuracy per category, exact-set accuracy of the findings named',
  defaultData: 'bench/data/consult/answers.jsonl',
  async run({ data, args, log }) {
    const kb = parseKb(args.kb);
    const questionsPath = args.questions ?? join(dirname(data), 'questions.json');
    const split = parseSplit(args.split);
    const lines = splitLines(readFileSync(data, 'utf8'), split);
    // Items may ask a binary question that questions.json does not list (`ask`: its wording).
    const questions = withItemQuestions(
      lines,
      parseQuestions(readFileSync(questionsPath, 'utf8'), questionsPath),
      data,
    );
    const items = parseAnswerItems(lines, questions, data);
    const net = await loadNetwork(kb);
    const missing = [...questions.entries()]
      .filter(
        ([id, q]) =>
          q.kind !== 'slot' && !id.startsWith('red-flag:') && !net.questionIndex.has(networkQuestionId(net, id)),
      )
      .map(([id]) => id);
    if (missing.length) throw new Error(`questions not in the ${kb} network: ${missing.join(', ')}`);
    if (args.model !== undefined && args.model !== 'off')
      throw new Error(`--model: '${args.model}' is not 'off' (a model is used when one is configured)`);
    const llm = args.model === 'off' ? undefined : llmClientFromEnv();
    const byModel = { model: 0, rules: 0 };
    const reader: Reader = llm?.configured
      ? async (q, text, lang) => {
          const r = await readAnswerWithModel(
            llm,
            { ...q, ...(q.wording ? { text: q.wording[lang] } : {}) },
            text,
            lang,
            { net },
          );
          byModel[r.readBy]++;
          return r;
        }
      : (q, text, lang) => readAnswer(q, text, lang, { net });
    // Red-flag checks go to the reader under the session's own ids (`rf:<flag id>`, as session.ts asks them).
    const questionId = (id: string) =>
      id.startsWith('red-flag:') ? `rf:${id.slice('red-flag:'.length)}` : networkQuestionId(net, id);
    const results = await readAll(items, questions, reader, questionId);
    const s = summariseAnswers(results, questions);
    const failures = failureList(results);
    const pc = (x: number | undefined) => (x === undefined ? '–' : `${(100 * x).toFixed(1)} %`);
    log(
      `${items.length} answers (kb ${kb}${split === 'all' ? '' : `, split ${split}`}): value ${pc(s.total.value)}, other findings exact ${pc(s.total.findingsExact)} (on the ${s.total.namedN} that name some: ${pc(s.total.namedExact)}), both ${pc(s.total.both)}`,
    );
    log(
      `duration ${pc(s.duration.accuracy)} of ${s.duration.n}; severity ${pc(s.severity.accuracy)} of ${s.severity.n}; site ${pc(s.site.accuracy)} of ${s.site.n}`,
    );
    log(
      llm?.configured
        ? `reader: model first (${byModel.model} readings taken from the model, ${byModel.rules} by the rules)`
        : 'reader: rules (no model configured)',
    );
    log('\nby language:');
    for (const r of s.byLang)
      log(`  ${r.group.padEnd(4)} n=${r.n}  value ${pc(r.value)}  findings ${pc(r.findingsExact)}`);
    log('by question kind:');
    for (const r of s.byQuestionKind)
      log(`  ${r.group.padEnd(16)} n=${r.n}  value ${pc(r.value)}  findings ${pc(r.findingsExact)}`);
    log(`value confusion (expected → read): ${JSON.stringify(s.confusion)}`);
    const shown = Number(args['show-failures'] ?? 40);
    log(
      `\n${failures.length} items with a wrong reading${failures.length > shown ? ` (first ${shown}; all in the JSON)` : ''}:`,
    );
    for (const f of failures.slice(0, shown))
      log(
        `  ${f.id} [${f.question}] "${f.text}" — ${f.wrong.join(', ')}: expected ${JSON.stringify(f.expected)}, got ${JSON.stringify(f.got)}`,
      );
    return {
      kb,
      reader: llm?.configured ? { model: byModel.model, rules: byModel.rules } : 'rules',
      split: { scored: split, rule: SPLIT_RULE, items: items.length },
      items: items.length,
      valueAccuracy: s.total.value,
      findingsExact: s.total.findingsExact,
      findingsExactWhereNamed: s.total.namedExact,
      bothCorrect: s.total.both,
      duration: s.duration,
      severity: s.severity,
      site: s.site,
      byLang: s.byLang,
      byQuestionKind: s.byQuestionKind,
      confusion: s.confusion,
      failures,
      table: [...s.byCategory, s.total],
    };
  },
};

export default bench;
