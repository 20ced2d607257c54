import { readFileSync } from 'node:fs';

/**
 * A Chinese answer typed in toneless pinyin ("ke de hen li hai", "houlong tong", "fa shao le 38 du"), rewritten
 * into characters with the word table of data/pinyin.json so the NLP stage reads it as Chinese. Only a text with
 * no Chinese character whose every word splits into pinyin syllables is rewritten; words the table lacks stay
 * as typed. The syllables come from the table's initials and finals (the Hanyu Pinyin scheme).
 */
interface PinyinData {
  readonly initials: readonly string[];
  readonly finals: readonly string[];
  readonly words: Record<string, string>;
}

let data: { syllable: RegExp; words: Map<string, string>; longest: number } | undefined;
function table() {
  if (data) return data;
  const d = JSON.parse(readFileSync(new URL('./data/pinyin.json', import.meta.url), 'utf8')) as PinyinData;
  const words = new Map(Object.entries(d.words));
  data = {
    // A syllable: an initial (or none) and a final, or a standalone "ng" / "m".
    syllable: new RegExp(`^(?:(?:${d.initials.join('|')})?(?:${d.finals.join('|')})|ng|m)`),
    words,
    longest: Math.max(...[...words.keys()].map((k) => k.split(' ').length)),
  };
  return data;
}

/** The syllables of one typed word ("houlong" → hou, long), or undefined when it is not pinyin. */
function syllables(word: string): string[] | undefined {
  const { syllable } = table();
  // Longest syllable first, backing off when the rest cannot be split ("xian" stays one, "xiangtu" → xiang, tu).
  const split = (rest: string): string[] | undefined => {
    if (!rest) return [];
    for (let n = Math.min(6, rest.length); n > 0; n--) {
      const head = rest.slice(0, n);
      if (syllable.exec(head)?.[0] !== head) continue;
      const tail = split(rest.slice(n));
      if (tail) return [head, ...tail];
    }
    return undefined;
  };
  return split(word);
}

export function pinyinToHanzi(text: string): string {
  if (/[\u4e00-\u9fff]/.test(text) || !/[a-z]/i.test(text)) return text;
  const tokens = text.toLowerCase().match(/[a-zü]+|\d+(?:\.\d+)?|[^\sa-zü\d]+/g) ?? [];
  const parts: string[][] = [];
  for (const t of tokens) {
    if (/^[a-zü]+$/.test(t)) {
      const s = syllables(t.replace(/ü/g, 'v'));
      if (!s) return text;
      parts.push(s);
    } else parts.push([t]);
  }
  const flat = parts.flat();
  const { words, longest } = table();
  const out: string[] = [];
  for (let i = 0; i < flat.length; ) {
    let taken = 0;
    for (let n = Math.min(longest, flat.length - i); n > 0 && !taken; n--) {
      const hanzi = words.get(flat.slice(i, i + n).join(' '));
      if (!hanzi) continue;
      // A number before "du" is a temperature (38 度), not 堵.
      out.push(flat[i] === 'du' && n === 1 && /^\d/.test(flat[i - 1] ?? '') ? '度' : hanzi);
      taken = n;
    }
    if (!taken) out.push(/^[a-z]+$/.test(flat[i]!) ? ` ${flat[i]} ` : flat[i]!);
    i += taken || 1;
  }
  return out.join('').replace(/\s+/g, ' ').trim();
}
