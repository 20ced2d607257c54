import { readQcData } from '../../src/knowledge/index.js';

/**
 * Metamorphic form invariance (issue 16): a record re-printed in another form real Chinese EMRs use, its content
 * unchanged — the header fields on one line, spaced, in a table, in tab- or space-aligned columns, between box rules,
 * in brackets, without colons, one per line; the headings numbered, bracketed, after a bullet (■ ◆ ●), alone on their
 * line, spaced, glossed in English; the times in other notations; the signature lines, list markers and punctuation
 * of other systems; paragraphs wrapped at a print width. The engine must find the same on every form:
 * a finding that appears or disappears is a form bug of the text reader. Each form rewrites only what it reads
 * with certainty (a field with its colon, a heading at the start of a line) and leaves the rest as written.
 */
export interface Form {
  readonly name: string;
  /** header, heading, time, signature, title, list, punctuation or wrap. */
  readonly group: string;
  readonly render: (text: string) => string;
}

const esc = (s: string): string => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
const SP = '[ \\t\\u3000]';
/** A name as forms print it, its characters possibly spaced out ("姓　　名", "现 病 史"). */
const spacedAlt = (names: readonly string[]): string =>
  [...names]
    .sort((a, b) => b.length - a.length)
    .map((n) => [...n].map(esc).join(`${SP}*`))
    .join('|');
const bare = (s: string): string => s.replace(/[ \t\u3000]+/g, '');

const { items } = readQcData().headings;
const INLINE = items.filter((h) => h.inline).flatMap((h) => [h.name, ...(h.synonyms ?? [])]);
// A signature line (医师签名：) is the signature forms' to print, not a section heading's.
const BLOCK = items
  .filter((h) => !h.inline)
  .flatMap((h) => [h.name, ...(h.synonyms ?? [])])
  .filter((n) => !n.includes('签名'));

// ── header fields ────────────────────────────────────────────────────────────────────────────────────────────────
/** A header field with its colon: the label (maybe spaced) and the colon. */
const FIELD = new RegExp(`(?:^|(?<=[ \\t\\u3000；;，,]))(${spacedAlt(INLINE)})${SP}*[:：]`, 'g');

/** The fields of a line written only of `label：value` pairs (the first at its start), or undefined. */
export function headerFields(line: string): { label: string; value: string }[] | undefined {
  const marks = [...line.matchAll(FIELD)];
  if (marks.length === 0 || line.slice(0, marks[0]!.index).trim() !== '') return undefined;
  const out = marks.map((m, i) => {
    const end = marks[i + 1]?.index ?? line.length;
    const value = line
      .slice(m.index! + m[0].length, end)
      .replace(/^[ \t\u3000]+|[ \t\u3000；;，,]+$/g, '')
      .trim();
    return { label: bare(m[1]!), value };
  });
  // A value is one item of the header: never a sentence with its own fields or headings in it.
  if (out.some((f) => f.value.length > 40 || /[。]/.test(f.value))) return undefined;
  return out;
}

type Fields = { label: string; value: string }[];
/** Re-renders each run of header lines with `render` (given the fields of each line of the run). */
const headerForm =
  (render: (lines: Fields[]) => string[]) =>
  (text: string): string => {
    const lines = text.split('\n');
    const out: string[] = [];
    for (let i = 0; i < lines.length; ) {
      const run: Fields[] = [];
      while (i < lines.length) {
        const f = headerFields(lines[i]!);
        if (!f) break;
        run.push(f);
        i++;
      }
      if (run.length) out.push(...render(run));
      else out.push(lines[i++]!);
    }
    return out.join('\n');
  };
const spacedLabel = (l: string): string =>
  l.length === 2 ? `${l[0]}　　${l[1]}` : l.length === 3 ? [...l].join(' ') : l;

const HEADER_FORMS: Form[] = [
  [
    'header-one-line',
    (r: Fields[]) => [
      r
        .flat()
        .map((f) => `${f.label}：${f.value}`)
        .join(' '),
    ],
  ],
  [
    'header-spaced-labels',
    (r: Fields[]) => r.map((l) => l.map((f) => `${spacedLabel(f.label)}：${f.value}`).join('　　')),
  ],
  ['header-table', (r: Fields[]) => r.map((l) => `| ${l.map((f) => `${f.label} | ${f.value}`).join(' | ')} |`)],
  ['header-bracket-〔〕', (r: Fields[]) => r.map((l) => l.map((f) => `〔${f.label}〕${f.value}`).join('　'))],
  ['header-bracket-【】', (r: Fields[]) => r.map((l) => l.map((f) => `【${f.label}】${f.value}`).join('　'))],
  ['header-no-colon', (r: Fields[]) => r.map((l) => l.map((f) => `${f.label} ${f.value}`).join('　　'))],
  ['header-half-colon', (r: Fields[]) => r.map((l) => l.map((f) => `${f.label}: ${f.value}`).join('  '))],
  ['header-one-per-line', (r: Fields[]) => r.flat().map((f) => `${f.label}：${f.value}`)],
  // Print templates that align labels and values in columns: tabs, runs of spaces, box-drawing rules.
  ['header-tab-columns', (r: Fields[]) => r.map((l) => l.map((f) => `${f.label}\t${f.value}`).join('\t'))],
  ['header-space-columns', (r: Fields[]) => r.map((l) => l.map((f) => `${f.label}    ${f.value}`).join('    '))],
  ['header-box-rule', (r: Fields[]) => r.map((l) => `│${l.map((f) => `${f.label}：${f.value}`).join('│')}│`)],
  [
    'header-one-line-no-colon',
    (r: Fields[]) => [
      r
        .flat()
        .map((f) => `${f.label} ${f.value}`)
        .join(' '),
    ],
  ],
  // Forms no round had used (2026-12-07): `key=value` exports, an ASCII table with +---+ rules, and the fields run
  // together in one sentence, separated by commas.
  ['header-key=value', (r: Fields[]) => r.map((l) => l.map((f) => `${f.label}=${f.value}`).join('  '))],
  [
    'header-ascii-table',
    (r: Fields[]) => {
      const rule = `+${'-'.repeat(10)}+${'-'.repeat(16)}+${'-'.repeat(10)}+${'-'.repeat(16)}+`;
      return [rule, ...r.flatMap((l) => [`| ${l.map((f) => `${f.label} | ${f.value}`).join(' | ')} |`, rule])];
    },
  ],
  [
    'header-run-on',
    (r: Fields[]) => [
      `${r
        .flat()
        .map((f) => `${f.label}：${f.value}`)
        .join('，')}。`,
    ],
  ],
].map(([name, render]) => ({
  name: name as string,
  group: 'header',
  render: headerForm(render as (r: Fields[]) => string[]),
}));

// ── headings ─────────────────────────────────────────────────────────────────────────────────────────────────────
const NUM = '(?:[一二三四五六七八九十]+[、.．]|\\d{1,2}[.、．](?!\\d)|[（(][一二三四五六七八九十\\d]{1,2}[）)])';
/** A section heading at the start of its line, as written: optional number, optional brackets, colon. */
const HEADING = new RegExp(
  `^${SP}*(?:${NUM}${SP}*)?(?:[【〔［\\[]${SP}*(${spacedAlt(BLOCK)})${SP}*[】〕］\\]]${SP}*[:：]?` +
    `|(${spacedAlt(BLOCK)})${SP}*[:：])${SP}*(.*)$`,
);
const CN = ['一', '二', '三', '四', '五', '六', '七', '八', '九', '十'];
const cnNumber = (n: number): string =>
  n <= 10
    ? CN[n - 1]!
    : n < 20
      ? `十${CN[n - 11]}`
      : `${CN[Math.floor(n / 10) - 1]}十${n % 10 ? CN[(n % 10) - 1] : ''}`;
/** English glosses bilingual forms print before a heading. */
const GLOSS: Record<string, string> = {
  主诉: 'Chief complaint',
  现病史: 'History of present illness',
  既往史: 'Past history',
  个人史: 'Personal history',
  婚育史: 'Marital history',
  家族史: 'Family history',
  体格检查: 'Physical examination',
  专科情况: 'Specialty examination',
  辅助检查: 'Auxiliary examination',
  初步诊断: 'Preliminary diagnosis',
  诊疗计划: 'Plan',
  病例特点: 'Case summary',
  出院诊断: 'Discharge diagnosis',
};

const headingForm =
  (render: (name: string, content: string, n: number) => string) =>
  (text: string): string => {
    let n = 0;
    return text
      .split('\n')
      .map((line) => {
        const m = HEADING.exec(line);
        if (!m) return line;
        n++;
        return render(bare(m[1] ?? m[2]!), m[3]!, n);
      })
      .join('\n');
  };

/** ASCII digits as their full-width forms ("12" → "１２"), as a Chinese input method types them. */
const fullWidthDigits = (d: string) => d.replace(/\d/g, (c) => String.fromCharCode(c.charCodeAt(0) + 0xfee0));

const HEADING_FORMS: Form[] = [
  ['heading-一、', (h: string, c: string, n: number) => `${cnNumber(n)}、${h}：${c}`],
  ['heading-1.', (h: string, c: string, n: number) => `${n}.${h}：${c}`],
  ['heading-（一）', (h: string, c: string, n: number) => `（${cnNumber(n)}）${h}：${c}`],
  ['heading-own-line', (h: string, c: string) => (c ? `${h}\n${c}` : h)],
  ['heading-colon-own-line', (h: string, c: string) => (c ? `${h}：\n${c}` : `${h}：`)],
  ['heading-no-colon', (h: string, c: string) => `${h}　${c}`],
  ['heading-【】-own-line', (h: string, c: string) => (c ? `【${h}】\n${c}` : `【${h}】`)],
  ['heading-half-colon', (h: string, c: string) => `${h}:${c}`],
  ['heading-spaced', (h: string, c: string) => `${[...h].join(' ')}：${c}`],
  ['heading-english-gloss', (h: string, c: string) => `${GLOSS[h] ? `${GLOSS[h]} ` : ''}${h}：${c}`],
  ['heading-〈〉', (h: string, c: string) => `〈${h}〉${c}`],
  ['heading-full-width-1．', (h: string, c: string, n: number) => `${fullWidthDigits(String(n))}．${h}：${c}`],
  // Headings marked as print templates mark them: in 【】 with the content run on, after a bullet, spaced with
  // full-width spaces (主　诉), alone on the line in 【】 or after a Chinese numeral.
  ['heading-【】', (h: string, c: string) => `【${h}】${c}`],
  ['heading-■', (h: string, c: string) => `■ ${h}：${c}`],
  ['heading-◆', (h: string, c: string) => `◆${h}：${c}`],
  ['heading-●', (h: string, c: string) => `● ${h}　${c}`],
  ['heading-full-width-spaced', (h: string, c: string) => `${[...h].join('　')}：${c}`],
  [
    'heading-一、-own-line',
    (h: string, c: string, n: number) => (c ? `${cnNumber(n)}、${h}\n${c}` : `${cnNumber(n)}、${h}`),
  ],
  // Half-width bracketed numbers, and bilingual templates that print the English name after the Chinese one.
  ['heading-(1)', (h: string, c: string, n: number) => `(${n})${h}：${c}`],
  ['heading-gloss-after', (h: string, c: string) => `${h}${GLOSS[h] ? ` ${GLOSS[h]}` : ''}：${c}`],
  // Parenthesised-digit characters ⑴…⒇ (U+2474…), one character each, with the content run on (u04).
  ['heading-⑴', (h: string, c: string, n: number) => `${String.fromCharCode(0x2473 + Math.min(n, 20))}${h}：${c}`],
].map(([name, render]) => ({
  name: name as string,
  group: 'heading',
  render: headingForm(render as (h: string, c: string, n: number) => string),
}));

// ── times ────────────────────────────────────────────────────────────────────────────────────────────────────────
/** A date with an optional time of day, in the notations of the records ("2026年10月19日10时20分", "2026-10-19 10:20"). */
const DATE_TIME = new RegExp(
  [
    '(\\d{4})年(\\d{1,2})月(\\d{1,2})日(?:[ \\u3000]?(\\d{1,2})(?:时|:|：)(\\d{2})分?)?',
    '(\\d{4})([-/.])(\\d{1,2})\\7(\\d{1,2})(?:(?:[ \\u3000]{1,2}|T)(\\d{1,2})[:：](\\d{2})(?::\\d{2})?)?',
  ].join('|'),
  'g',
);
type Stamp = { y: string; mo: string; d: string; h?: string; mi?: string };
const p2 = (s: string): string => s.padStart(2, '0');
const timeForm =
  (render: (t: Stamp) => string) =>
  (text: string): string =>
    text.replace(DATE_TIME, (all, ...g: (string | undefined)[]) => {
      const [y, mo, d, h, mi] = g[0] ? g.slice(0, 5) : [g[5], g[7], g[8], g[9], g[10]];
      // A year-less or impossible date is left as written.
      if (!y || Number(mo) < 1 || Number(mo) > 12 || Number(d) < 1 || Number(d) > 31) return all;
      return render({ y, mo: mo!, d: d!, ...(h && mi ? { h, mi } : {}) });
    });
const ZH_DIGIT = '〇一二三四五六七八九';
/** 2026-10-05 as 二〇二六年十月五日. */
const zhDate = (t: Stamp): string =>
  `${[...t.y].map((c) => ZH_DIGIT[Number(c)]).join('')}年${cnNumber(Number(t.mo))}月${cnNumber(Number(t.d))}日`;
const dashed = (sep: string, joiner: string) => (t: Stamp) =>
  `${t.y}${sep}${p2(t.mo)}${sep}${p2(t.d)}${t.h ? `${joiner}${p2(t.h)}:${t.mi}` : ''}`;

const TIME_FORMS: Form[] = [
  ['time-年月日时分', (t: Stamp) => `${t.y}年${Number(t.mo)}月${Number(t.d)}日${t.h ? `${p2(t.h)}时${t.mi}分` : ''}`],
  ['time-dash', dashed('-', ' ')],
  ['time-slash', dashed('/', ' ')],
  ['time-dot', dashed('.', ' ')],
  ['time-iso-T', dashed('-', 'T')],
  ['time-月日', (t: Stamp) => `${Number(t.mo)}月${Number(t.d)}日${t.h ? `${p2(t.h)}:${t.mi}` : ''}`],
  ['time-unpadded', (t: Stamp) => `${t.y}-${Number(t.mo)}-${Number(t.d)}${t.h ? ` ${Number(t.h)}:${t.mi}` : ''}`],
  ['time-年月日-space-colon', (t: Stamp) => `${t.y}年${p2(t.mo)}月${p2(t.d)}日${t.h ? ` ${p2(t.h)}:${t.mi}` : ''}`],
  ['time-dash-时分', (t: Stamp) => `${t.y}-${p2(t.mo)}-${p2(t.d)}${t.h ? ` ${p2(t.h)}时${t.mi}分` : ''}`],
  ['time-slash-时分', (t: Stamp) => `${t.y}/${p2(t.mo)}/${p2(t.d)}${t.h ? ` ${Number(t.h)}时${t.mi}分` : ''}`],
  // The date in Chinese numerals as a printed or handwritten form gives it (二〇二六年十月五日), the clock as 10点30分.
  ['time-中文数字', (t: Stamp) => `${zhDate(t)}${t.h ? ` ${Number(t.h)}点${t.mi}分` : ''}`],
  ['time-点分', (t: Stamp) => `${t.y}年${Number(t.mo)}月${Number(t.d)}日${t.h ? ` ${Number(t.h)}点${t.mi}分` : ''}`],
].map(([name, render]) => ({
  name: name as string,
  group: 'time',
  render: timeForm(render as (t: Stamp) => string),
}));

// ── signatures ───────────────────────────────────────────────────────────────────────────────────────────────────
/** A physician's signature line: label, name(s), an optional time. */
const SIGNATURE = new RegExp(
  `^${SP}*(?:医师签名|医生签名|签名)${SP}*[:：]${SP}*([\\u4e00-\\u9fa5·]{2,5}(?:[/／、][\\u4e00-\\u9fa5·]{2,5})*)` +
    `(?:${SP}*[（(]电子签名[）)])?${SP}*([0-9年月日时分:：\\-/. T]*)${SP}*$`,
);
const PAD = '　'.repeat(16);
const signatureForm =
  (render: (name: string, time: string) => string) =>
  (text: string): string =>
    text
      .split('\n')
      .map((line) => {
        const m = SIGNATURE.exec(line);
        return m ? render(m[1]!, m[2]!.trim()) : line;
      })
      .join('\n');

const SIGNATURE_FORMS: Form[] = [
  ['signature-医师签名', (n: string, t: string) => `医师签名：${n}${t ? `　${t}` : ''}`],
  ['signature-电子签名', (n: string, t: string) => `${n}（电子签名）${t ? `　${t}` : ''}`],
  ['signature-签名-时间', (n: string, t: string) => `签名：${n}${t ? ` 时间：${t}` : ''}`],
  ['signature-医师', (n: string, t: string) => `医师：${n}${t ? `　${t}` : ''}`],
  ['signature-time-first', (n: string, t: string) => `${t ? `${t}　` : ''}医师签名：${n}`],
  ['signature-记录者', (n: string, t: string) => `记录者：${n}${t ? `　记录时间：${t}` : ''}`],
  ['signature-电子签名-label', (n: string, t: string) => `电子签名：${n}${t ? `　${t}` : ''}`],
  ['signature-spaced-label', (n: string, t: string) => `医师签名：　${n}${t ? `　　${t}` : ''}`],
  // A signature block at the foot of the page: indented to the right, the time on its own line below the name.
  ['signature-block', (n: string, t: string) => `${PAD}医师签名：${n}${t ? `\n${PAD}${t}` : ''}`],
].map(([name, render]) => ({
  name: name as string,
  group: 'signature',
  render: signatureForm(render as (n: string, t: string) => string),
}));

// ── where a note's time is written ───────────────────────────────────────────────────────────────────────────────
/** A note's first line: its time and its title, in either order ("2026-10-19 16:00　主治医师查房记录"). */
const TITLE_TIME = new RegExp(
  // The date's back-reference (its separator, group 7) moves by the groups before it.
  `^(${DATE_TIME.source.replace('\\7', '\\8')})${SP}+([^\\n]{2,30}?(?:记录|小结|讨论|查房|病程|告知书|通知书|同意书))${SP}*$`,
);
const TITLE_AFTER = new RegExp(
  `^([^\\n]{2,30}?(?:记录|小结|讨论|查房|病程|告知书|通知书|同意书))${SP}+(${DATE_TIME.source.replace('\\7', '\\9')})${SP}*$`,
);
const titleForm =
  (render: (title: string, time: string) => string) =>
  (text: string): string => {
    const [first, ...rest] = text.split('\n');
    const a = TITLE_TIME.exec(first!);
    const b = a ? undefined : TITLE_AFTER.exec(first!);
    if (!a && !b) return text;
    const [title, time] = a ? [a.at(-1)!, a[1]!] : [b![1]!, b![2]!];
    return [render(title, time), ...rest].join('\n');
  };
const TITLE_FORMS: Form[] = [
  ['title-time-first', (title: string, time: string) => `${time}　${title}`],
  ['title-time-after', (title: string, time: string) => `${title}　${time}`],
  ['title-time-own-line', (title: string, time: string) => `${title}\n${time}`],
  ['title-time-labelled', (title: string, time: string) => `${title}\n记录时间：${time}`],
].map(([name, render]) => ({
  name: name as string,
  group: 'title',
  render: titleForm(render as (title: string, time: string) => string),
}));

// ── list markers ─────────────────────────────────────────────────────────────────────────────────────────────────
const CIRCLED = '①②③④⑤⑥⑦⑧⑨⑩⑪⑫⑬⑭⑮⑯⑰⑱⑲⑳';
/**
 * An item marker: at the start of a line or after a colon, 。, ； or a space (a list item), "1." "1、" "（1）" "①" "1)";
 * a number followed by a digit ("3.2型糖尿病", "36.5") is not a marker.
 */
const MARKER = new RegExp(
  `(^|[\\n：:；;。 \\u3000]${SP}*)(?:(\\d{1,2})[.、．](?![\\d.])|[（(](\\d{1,2})[）)]|([${CIRCLED}])|(\\d{1,2})\\)(?!\\d))`,
  'g',
);
const listForm =
  (render: (n: number, lineStart: boolean) => string | undefined) =>
  (text: string): string =>
    text.replace(MARKER, (all, before: string, a?: string, b?: string, c?: string, d?: string) => {
      const n = c ? CIRCLED.indexOf(c) + 1 : Number(a ?? b ?? d);
      if (!(n >= 1 && n <= 20)) return all;
      const r = render(n, before === '' || before.startsWith('\n'));
      return r === undefined ? all : `${before}${r}`;
    });

const LIST_FORMS: Form[] = [
  ['list-1、', (n: number) => `${n}、`],
  ['list-（1）', (n: number) => `（${n}）`],
  ['list-①', (n: number) => CIRCLED[n - 1]],
  ['list-1)', (n: number) => `${n})`],
  ['list-dash', (_n: number, lineStart: boolean) => (lineStart ? '- ' : undefined)],
].map(([name, render]) => ({
  name: name as string,
  group: 'list',
  render: listForm(render as (n: number, lineStart: boolean) => string | undefined),
}));

// ── punctuation and spaces ───────────────────────────────────────────────────────────────────────────────────────
const PUNCTUATION_FORMS: Form[] = [
  {
    name: 'punct-full-width',
    group: 'punctuation',
    // A colon between digits is a time's ("10:20"), a comma between digits a number's.
    render: (t) =>
      t
        .replace(/(?<!\d):|:(?!\d)/g, '：')
        .replace(/(?<!\d),|,(?!\d)/g, '，')
        .replace(/;/g, '；')
        .replace(/\(/g, '（')
        .replace(/\)/g, '）'),
  },
  {
    name: 'punct-half-width',
    group: 'punctuation',
    render: (t) =>
      t.replace(/：/g, ':').replace(/，/g, ',').replace(/；/g, ';').replace(/（/g, '(').replace(/）/g, ')'),
  },
  {
    name: 'punct-ratio-colon',
    group: 'punctuation',
    // The ratio sign ∶ (U+2236) for every full-width colon, as one hospital's print template writes its labels.
    render: (t) => t.replace(/：/g, '∶'),
  },
  {
    name: 'stray-spaces',
    group: 'punctuation',
    // A space after colons and commas, a space before a colon, trailing spaces: what typing and pasting leave.
    render: (t) =>
      t
        .replace(/([：，])(?=\S)/g, '$1 ')
        .replace(/(?<=[\u4e00-\u9fa5])：/g, ' ：')
        .replace(/\n/g, '  \n'),
  },
];

// ── line-wrapped paragraphs ──────────────────────────────────────────────────────────────────────────────────────
/**
 * A long line broken after a clause (，；。) once it has `width` characters, the rest continued on the next line with
 * `indent` before it: how a print template or a typed note wraps a paragraph. A line is never broken inside a word,
 * a number or a time.
 */
const wrap =
  (width: number, indent: string) =>
  (text: string): string =>
    text
      .split('\n')
      .map((line) => {
        const out: string[] = [];
        let rest = line;
        for (;;) {
          const at = rest.slice(width).search(/[，；。]/);
          if (at < 0 || width + at + 1 >= rest.length) break;
          out.push(rest.slice(0, width + at + 1));
          rest = `${indent}${rest.slice(width + at + 1)}`;
        }
        return [...out, rest].join('\n');
      })
      .join('\n');

const WRAP_FORMS: Form[] = [
  { name: 'wrap-30', group: 'wrap', render: wrap(30, '') },
  { name: 'wrap-24-indented', group: 'wrap', render: wrap(24, '　　') },
];

export const FORMS: readonly Form[] = [
  ...HEADER_FORMS,
  ...HEADING_FORMS,
  ...TIME_FORMS,
  ...SIGNATURE_FORMS,
  ...TITLE_FORMS,
  ...LIST_FORMS,
  ...PUNCTUATION_FORMS,
  ...WRAP_FORMS,
];
