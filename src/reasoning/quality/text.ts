import { parseZhNumber } from '../../nlp/index.js';
import type { QcDocument } from './model.js';

/**
 * Section headings of Chinese inpatient notes (BW2010 第十八条, 第二十二条). A heading is a known
 * name at the start of a line followed by a colon (full- or half-width); its content runs to the
 * next known heading.
 */
export const HEADINGS = [
  '姓名',
  '性别',
  '年龄',
  '民族',
  '婚姻状况',
  '婚姻',
  '出生地',
  '职业',
  '入院时间',
  '记录时间',
  '病史陈述者',
  '病史叙述者',
  '主诉',
  '现病史',
  '既往史',
  '个人史',
  '婚育史',
  '月经史',
  '家族史',
  '体格检查',
  '专科情况',
  '专科检查',
  '辅助检查',
  '初步诊断',
  '入院诊断',
  '医师签名',
  '病例特点',
  '拟诊讨论',
  '诊断依据',
  '鉴别诊断',
  '诊疗计划',
  '入院日期',
  '出院日期',
  '入院情况',
  '诊疗经过',
  '出院诊断',
  '出院情况',
  '出院医嘱',
  '出院时间',
  '死亡时间',
  '死亡原因',
  '死亡诊断',
  '病情变化',
  '抢救时间',
  '抢救措施',
  '参加抢救人员',
  '抢救经过',
  '手术日期',
  '术前诊断',
  '术中诊断',
  '术后诊断',
  '手术名称',
  '拟施手术',
  '手术者',
  '助手',
  '麻醉方法',
  '手术经过',
  '术中情况',
  '术中所见',
  '住院号',
  '查房医师',
  '补充病史',
  '补充体征',
  '诊断分析',
  '处理意见',
  '讨论意见',
  '讨论结论',
  '参加人员',
] as const;

const HEADING_RE = new RegExp(
  `(?:^|\\n)[ \\t　]*(?:[一二三四五六七八九十]+[、.．]\\s*)?(${[...HEADINGS].sort((a, b) => b.length - a.length).join('|')})[ \\t　]*[:：]`,
  'g',
);

export function parseSections(text: string): Record<string, string> {
  const out: Record<string, string> = {};
  const marks: { name: string; start: number; end: number }[] = [];
  for (const m of text.matchAll(HEADING_RE)) marks.push({ name: m[1]!, start: m.index!, end: m.index! + m[0].length });
  marks.forEach((m, i) => {
    const body = text.slice(m.end, marks[i + 1]?.start ?? text.length).trim();
    out[m.name] = out[m.name] ? `${out[m.name]}\n${body}` : body;
  });
  return out;
}

const cache = new WeakMap<QcDocument, Record<string, string>>();

export function sections(doc: QcDocument): Readonly<Record<string, string>> {
  if (doc.sections) return doc.sections;
  let s = cache.get(doc);
  if (!s) {
    s = parseSections(doc.text);
    cache.set(doc, s);
  }
  return s;
}

export function section(doc: QcDocument | undefined, ...names: string[]): string {
  if (!doc) return '';
  const s = sections(doc);
  for (const n of names) if (s[n]?.trim()) return s[n]!.trim();
  return '';
}

/** Normalised for comparison: no whitespace or punctuation, full-width folded. */
export function normalise(text: string): string {
  return text
    .normalize('NFKC')
    .toLowerCase()
    .replace(/[\s\p{P}\p{S}]+/gu, '');
}

/** Dice coefficient over character bigrams of the normalised texts (1 = identical). */
export function similarity(a: string, b: string): number {
  const x = normalise(a);
  const y = normalise(b);
  if (x.length === 0 || y.length === 0) return 0;
  if (x === y) return 1;
  const grams = (s: string) => {
    const m = new Map<string, number>();
    for (let i = 0; i < s.length - 1; i++) m.set(s.slice(i, i + 2), (m.get(s.slice(i, i + 2)) ?? 0) + 1);
    return m;
  };
  const gx = grams(x);
  const gy = grams(y);
  let inter = 0;
  for (const [g, c] of gx) inter += Math.min(c, gy.get(g) ?? 0);
  return (2 * inter) / (Math.max(1, x.length - 1) + Math.max(1, y.length - 1));
}

/** Diagnosis lines of a section ("1. 社区获得性肺炎\n2. 高血压病3级") as normalised names. */
export function diagnosisList(text: string): string[] {
  return text
    .split(/[\n；;]|(?:^|\s)\d+[.、．)]\s*/)
    .map((s) => s.replace(/^\s*\d+[.、．)]\s*/, '').trim())
    .filter((s) => s.length > 0)
    .map(normalise)
    .filter(Boolean);
}

/** A duration in days from text such as "3天", "2周", "半年", "1月余". */
export function durationDays(text: string): number | undefined {
  const m = /(\d+(?:\.\d+)?|半|一|二|两|三|四|五|六|七|八|九|十)\s*(?:个)?\s*(小时|天|日|周|星期|月|年)/.exec(text);
  if (!m) return undefined;
  const n = parseZhNumber(m[1]!) ?? Number(m[1]);
  const unit: Record<string, number> = { 小时: 1 / 24, 天: 1, 日: 1, 周: 7, 星期: 7, 月: 30, 年: 365 };
  return n * unit[m[2]!]!;
}
