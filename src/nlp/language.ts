import { isCjk } from './fold.js';

export type NlpLang = 'zh' | 'en';

/**
 * Chinese when CJK ideographs are at least a fifth of the letters (Chinese records mix in Latin
 * abbreviations, drug names and units freely, so a plain majority would misjudge them).
 */
export function detectLanguage(text: string): NlpLang {
  let cjk = 0;
  let latin = 0;
  const n = Math.min(text.length, 20_000);
  for (let i = 0; i < n; i++) {
    const c = text.charCodeAt(i);
    if (isCjk(c)) cjk++;
    else if ((c >= 0x41 && c <= 0x5a) || (c >= 0x61 && c <= 0x7a)) latin++;
  }
  // An ideograph carries about as much as a Latin word (~4–5 letters): weigh it so.
  return cjk * 4 >= (cjk * 4 + latin) * 0.2 && cjk > 0 ? 'zh' : 'en';
}
