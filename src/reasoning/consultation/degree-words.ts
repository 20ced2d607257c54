import type { Lang } from '../../core/index.js';

/**
 * Degree said by a comparison, by brevity or by a near miss, which the hedge word lists of answer-cues.json
 * cannot enumerate (issue 13; families from round 10's summary, read as development data):
 * - the patient's usual self as the yardstick, by a small amount ("比以前差了点", "比平时多出一点"): a hedged yes;
 * - a brief episode ("晕一下", "有那么一小会儿", "一会儿就好", "for a second"): a hedged yes;
 * - a near miss ("差一点就吐了", "almost threw up"): the event did not happen.
 * "比平时多多了" or a bare "比以前多" is a plain comparison (no hedge); "稍微走两步就喘" grades the effort that
 * brings the symptom on, not the symptom.
 */

/** What the patient compares with: their usual self (not another person). */
const USUAL_ZH = '(?:以前|以往|平时|平常|往常|之前|原来|过去|往年|没病的时候|正常的时候|上个?月|上周|前几天)';
/** The ways a symptom is more or less than usual (not 好 / 轻: better than usual is another answer). */
const MORE_OR_LESS =
  '多|少|差|淡|弱|重|厉害|勤|频|小|低|高|快|慢|稀|浓|深|明显|累|乏|虚|容易|爱|难受|疼|痛|痒|晕|咳|喘|肿|红|黄|干|哑';
const SMALL_COMPARISON_ZH = new RegExp(
  `比${USUAL_ZH}[^，,。；;]{0,8}?(?:${MORE_OR_LESS})` + '(?:出|上|起来)?了?(?:那么)?(?:一)?(?:点点?儿?|些|丢丢|丁点)',
  'u',
);

/** A symptom that comes for a moment and goes: 晕一下 (not 一下子, "all at once"), 一小会儿, 一会儿就好. */
const BRIEF_ZH =
  /(?<=[晕闷疼痛冷抖堵慌喘咳黑酸麻胀])一下(?!子|就)|(?:那么)?一小会儿?|(?:过|等)?一会儿?(?:就|又)?(?:好|过去|没|停|通|缓过来)(?:了)?/u;
const BRIEF_EN =
  /\b(?:for|just)\s+(?:a|one)\s+(?:second|sec|moment|split\s+second|minute)\b|\b(?:passes|goes|went)\s+(?:off\s+)?(?:in|after)\s+a\s+(?:second|moment|minute)\b/i;

/**
 * The words that make a comparison with the usual self or a brief episode a hedge, if any (a `partly` cue beside the
 * answer-cues.json `partly` words).
 */
export function degreeHedge(text: string, lang: Lang): string | undefined {
  if (lang === 'zh') return (SMALL_COMPARISON_ZH.exec(text) ?? BRIEF_ZH.exec(text))?.[0];
  return BRIEF_EN.exec(text)?.[0];
}

/** 稍微 / 稍 before what brings the symptom on ("稍微一动就喘", "稍走几步就累"): it grades the effort. */
const EFFORT_GRADE = /稍(?:微|稍)?(?=[^，,。；;]{1,5}就)/gu;
/** The answer without a degree word on the trigger, so it is not read as a hedge on the symptom. */
export function withoutEffortGrade(text: string, lang: Lang): string {
  return lang === 'zh' ? text.replace(EFFORT_GRADE, '') : text.replace(EFFORT_GRADE_EN, '$1');
}
/** "walk a little bit also breathless", "if I move a bit I'm puffed": the degree grades the effort, as 稍微 does. */
const EFFORT_GRADE_EN = new RegExp(
  '\\b((?:walk(?:ing)?|mov(?:e|ing)|climb(?:ing)?|exert(?:ing)?|exercis(?:e|ing))\\s+)' +
    '(?:(?:a|only|just|even)\\s+)?(?:little(?:\\s+bit)?|bit|tiny\\s+bit|tad)\\b',
  'gi',
);

/** 差点 / 险些 (not 比…差一点, a comparison): the event after it nearly happened. */
const NEAR_MISS_ZH = /(?<!比[^，,。；;]{0,10})(?:差点|差一点|险些)儿?(?:就|没)?(?:要)?/gu;
/** "almost threw up", "nearly passed out" (a verb in the past after it, not "almost every day"). */
const NEAR_MISS_EN =
  /\b(?:very\s+)?(?:nearly|almost)\s+(?=(?:[a-z]+ed|threw|fell|was\s+sick|brought|spewed|passed|blacked|keeled|lost)\b)/gi;

/** Where the nearly-happened events start: the index just after each near-miss marker. */
export function nearMissStarts(text: string, lang: Lang): number[] {
  const re = lang === 'zh' ? NEAR_MISS_ZH : NEAR_MISS_EN;
  return [...text.matchAll(re)].map((m) => m.index + m[0].length);
}

/** Whether the text ends in a near-miss marker (the words before a figure of speech: "almost ", "差点就"). */
export function endsInNearMiss(before: string): boolean {
  return /\b(?:nearly|almost)\s*$|(?:差点|差一点|险些)儿?(?:就|没)?(?:要)?$/iu.test(before);
}

/** A near miss with the event it names: a verb of one or two characters, or an English verb and its particle. */
const NEAR_MISS_EVENT_ZH = new RegExp(`${NEAR_MISS_ZH.source}[\\u4e00-\\u9fff]{1,2}`, 'gu');
const NEAR_MISS_EVENT_EN = new RegExp(`${NEAR_MISS_EN.source}[a-z]+(?:\\s+(?:up|out|over|off|down))?`, 'gi');

/** The answer without its near misses and the events they name ("差一点就吐了" keeps only 了). */
export function withoutNearMisses(text: string, lang: Lang): string {
  return text.replace(lang === 'zh' ? NEAR_MISS_EVENT_ZH : NEAR_MISS_EVENT_EN, ' ');
}

/** More of it than the patient's usual self, with nothing smaller said ("比以前多多了", "worse than normal"). */
const MORE_THAN_USUAL_ZH = new RegExp(
  `比${USUAL_ZH}[^，,。；;]{0,8}?(?:多|重|厉害|勤|频|明显|严重|大)(?!(?:出|上)?了?(?:那么)?一?(?:点|些|丢丢|丁点))`,
  'u',
);
const MORE_THAN_USUAL_EN =
  /\b(?:more|worse|[a-z]{2,}ier|higher|looser|heavier)\s+than\s+(?:usual|normal|before|ever)\b/i;
/** Whether the answer says the symptom is more than usual, with nothing smaller said: a plain yes. */
export function comparedUp(text: string, lang: Lang): boolean {
  return (lang === 'zh' ? MORE_THAN_USUAL_ZH : MORE_THAN_USUAL_EN).test(text);
}
