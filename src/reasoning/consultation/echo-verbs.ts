import { defaultRedFlags } from './redflags.js';
import { plainQuestions } from './plain-questions.js';

/**
 * A Chinese yes said by repeating the question's verb (回声式应答): "有没有想过伤害自己？" — "想过"; "有没有晕倒过？" —
 * "晕倒过"; "疼不疼？" — "疼". Chinese has no yes-word proper; answering an A-not-A question with its affirmative
 * verb is the grammar's ordinary yes (Li & Thompson, Mandarin Chinese: A Functional Reference Grammar, 1981,
 * ch. 18 "Questions", 18.5 on answers to A-not-A questions). The verbs come from the question as the patient saw it
 * (plain-questions.json, or the red-flag check's wording), so nothing here is written per finding.
 */
const A_NOT_A = /有没有([\u4e00-\u9fff]{1,3})|([\u4e00-\u9fff])[不没]\2/gu;

const cache = new Map<string, readonly string[]>();

/** The zh wording the patient was asked for a question id (a DDXPlus evidence code or `rf:<flag>`). */
function askedZh(id: string, code: string | undefined): string | undefined {
  if (id.startsWith('rf:')) return defaultRedFlags().flags.find((f) => f.id === id.slice(3))?.check?.zh;
  return code ? plainQuestions()[code]?.zh : undefined;
}

/** The verbs a question's A-not-A forms ask about: 有没有晕倒过 → 晕倒, 有没有吐过血 → 吐, 疼不疼 → 疼. */
export function echoVerbs(id: string, code: string | undefined): readonly string[] {
  const key = `${id}|${code ?? ''}`;
  const hit = cache.get(key);
  if (hit) return hit;
  const asked = askedZh(id, code) ?? '';
  const verbs = new Set<string>();
  for (const m of asked.matchAll(A_NOT_A)) {
    // Up to an aspect particle: 想过伤害 → 想, 晕倒过 → 晕倒; 是/有 are the general yes words already.
    const verb = (m[1] ?? m[2] ?? '').replace(/[过了].*$/u, '');
    if (verb && !/^[是有会能要]$/u.test(verb)) verbs.add(verb);
  }
  const out = [...verbs];
  cache.set(key, out);
  return out;
}

/**
 * The whole-answer yes words an echo of the question makes (想过, 晕倒过, 疼的), for an answer that negates nothing:
 * "吐过，不过没血" to "有没有吐过血" is not read as a yes by the echo.
 */
export function echoYesWords(id: string, code: string | undefined, answer: string): string[] {
  if (/[不没无别未甭]/u.test(answer)) return [];
  return echoVerbs(id, code).flatMap((v) =>
    ['', '过', '了', '过的', '了的', '的', '过了'].flatMap((s) => [`${v}${s}`, `${v}${s}啊`, `${v}${s}呀`]),
  );
}
