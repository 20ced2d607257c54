import type { Bilingual, Lang } from '../../core/index.js';
import type { Answer, QuestionNode } from '../diagnosis/index.js';

/** An answer read from what the patient typed, or why it could not be read (with the re-prompt). */
export type Parsed<T> = { readonly ok: true; readonly value: T } | { readonly ok: false; readonly reprompt: Bilingual };

const YES = /^(是|是的|有|有的|对|对的|嗯|会|存在|yes|y|yeah|yep|true|1)$/i;
const NO = /^(否|不是|没有|没|无|不|不会|不存在|no|n|nope|none|false|0|nothing)$/i;
const UNKNOWN =
  /^(不知道|不清楚|不确定|说不清|不记得|忘了|\?|？|don'?t know|do not know|not sure|unsure|unknown|dk|idk)$/i;

const clean = (t: string) =>
  t
    .trim()
    .replace(/[。．.!！~～]+$/u, '')
    .trim();

export function isUnknown(text: string): boolean {
  return UNKNOWN.test(clean(text));
}

export function parseYesNo(text: string): Parsed<'yes' | 'no' | 'unknown'> {
  const t = clean(text);
  if (YES.test(t)) return { ok: true, value: 'yes' };
  if (NO.test(t)) return { ok: true, value: 'no' };
  if (UNKNOWN.test(t)) return { ok: true, value: 'unknown' };
  if (/不(太)?(知道|清楚|确定|记得)|说不(清|准)|not sure|no idea/i.test(t)) return { ok: true, value: 'unknown' };
  // "有，两天了" / "没有发烧" / "yes, since Monday": the first word decides.
  const head =
    /^(是的|是|有的|有|对|没有|没|不是|不|无|yes|no)[\s,，、。]/i.exec(`${t} `)?.[1] ??
    /^(没有|没|不是|是的|有)/.exec(t)?.[1];
  if (head) return parseYesNo(head);
  return {
    ok: false,
    reprompt: {
      zh: '没听明白。请回答"是"、"否"或"不知道"。',
      en: 'Sorry, I did not understand. Please answer "yes", "no" or "don\'t know".',
    },
  };
}

/** Numbers "1,3" / "1 3" / "1、3" out of 1..max; or "none"/"unknown". */
export function parseNumberList(text: string, max: number): Parsed<number[] | 'none' | 'unknown'> {
  const t = clean(text);
  if (NO.test(t) || /^(都没有|全都没有|以上都没有|none of (these|them|the above))$/i.test(t))
    return { ok: true, value: 'none' };
  if (UNKNOWN.test(t)) return { ok: true, value: 'unknown' };
  const parts = t.split(/(?:\s|,|，|、|;|；|和|及|\band\b)+/i).filter(Boolean);
  const nums = parts.map((p) => Number(toAsciiDigits(p)));
  if (parts.length > 0 && nums.every((n) => Number.isInteger(n) && n >= 1 && n <= max))
    return { ok: true, value: [...new Set(nums)] };
  return {
    ok: false,
    reprompt: {
      zh: `请回答 1 到 ${max} 之间的编号（可多选，用逗号分开），没有请回答"没有"，不确定请回答"不知道"。`,
      en: `Please answer with numbers from 1 to ${max} (separate several with commas), "none", or "don't know".`,
    },
  };
}

function toAsciiDigits(s: string): string {
  return s.replace(/[０-９]/g, (c) => String.fromCharCode(c.charCodeAt(0) - 0xfee0));
}

/** The answer to one of the network's questions: yes/no for binary, options by number or label, 0–10 for scales. */
export function parseQuestionAnswer(q: QuestionNode, text: string, lang: Lang): Parsed<Answer> {
  if (q.kind === 'binary') {
    const r = parseYesNo(text);
    return r.ok ? { ok: true, value: { kind: r.value } } : r;
  }
  const t = clean(text);
  if (UNKNOWN.test(t)) return { ok: true, value: { kind: 'unknown' } };
  if (NO.test(t)) return { ok: true, value: { kind: 'no' } };
  if (q.kind === 'scale') {
    const n = Number(toAsciiDigits(t));
    if (Number.isFinite(n) && n >= 0 && n <= 10) return { ok: true, value: { kind: 'values', values: [n] } };
    return {
      ok: false,
      reprompt: {
        zh: '请用 0 到 10 之间的数字回答（0 表示没有，10 表示最严重），或回答"不知道"。',
        en: 'Please answer with a number from 0 (none) to 10 (worst), or "don\'t know".',
      },
    };
  }
  const byLabel = q.options.filter((o) => {
    const label = (lang === 'zh' ? (o.label?.zh ?? o.label?.en) : o.label?.en)?.toLowerCase();
    return label !== undefined && label.length > 1 && t.toLowerCase().includes(label);
  });
  if (byLabel.length > 0 && !/^\d/.test(t)) {
    const values = (q.kind === 'choice' ? byLabel.slice(0, 1) : byLabel).map((o) => o.value ?? o.finding);
    return { ok: true, value: { kind: 'values', values } };
  }
  const nums = parseNumberList(t, q.options.length);
  if (nums.ok && Array.isArray(nums.value) && (q.kind === 'multi' || nums.value.length === 1)) {
    return {
      ok: true,
      value: { kind: 'values', values: nums.value.map((i) => q.options[i - 1]!.value ?? q.options[i - 1]!.finding) },
    };
  }
  return {
    ok: false,
    reprompt: {
      zh: `请回答选项编号（1 到 ${q.options.length}${q.kind === 'multi' ? '，可多选' : '，选一个'}），没有请回答"没有"，不确定请回答"不知道"。`,
      en: `Please answer with the option number (1 to ${q.options.length}${q.kind === 'multi' ? ', several allowed' : ', one only'}), "none", or "don't know".`,
    },
  };
}
