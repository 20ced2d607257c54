import type { QcEncounter } from './model.js';

/**
 * Characters some EMRs print where others print the common form, folded one for one so that every span stays
 * where it was: the ratio sign ∶ and the presentation colons ︰ ﹕ as the colon ："姓名∶罗志刚"; the angle
 * brackets 〈〉 as the heading brackets 〔〕 ("〈主诉〉"); full-width digits as ASCII ("１．主诉", "２０２６"). The
 * section, field and time readers then see one form. ＜＞ stay: they are less-than and greater-than in results.
 * Dates in Chinese numerals and clock times with 点 are written in digits, each in the length it had.
 */
const FOLD: Readonly<Record<string, string>> = { '∶': '：', '︰': '：', '﹕': '：', '〈': '〔', '〉': '〕' };
const FOLDED = /[∶︰﹕〈〉０-９]/g;
/** A clock time with 点 for 时 ("10点30分"), folded one for one. */
const CLOCK_点 = /(\d{1,2})点(\d{1,2}分)/g;
const ANY = /[∶︰﹕〈〉０-９〇]|\d点\d/;

/** A date in Chinese numerals (二〇二六年十月五日), as printed forms and handwriting give it. */
const ZH_DATE = /([〇零一二三四五六七八九]{4})年([一二三四五六七八九十]{1,3})月([一二三四五六七八九十]{1,3})([日号])/g;
const ZH_DIGIT = '〇一二三四五六七八九';
const zhValue = (n: string): number => {
  const digit = (c: string | undefined) => (c ? ZH_DIGIT.indexOf(c) : -1);
  if (!n.includes('十')) return digit(n.replace('零', '〇'));
  const [tens, ones] = n.split('十');
  return (tens ? digit(tens) : 1) * 10 + (ones ? digit(ones) : 0);
};
/**
 * The date in digits, kept to the length it had so that spans stay where they were: 二〇二六年十二月二十五日 (12)
 * → "　2026年12月25日"; where 十 alone grows by a digit (二〇二六年十月五日, 9), as 2026-10-5; left as written when
 * neither fits (二〇二六年十月十日).
 */
const digitDate = (all: string, y: string, mo: string, d: string, day: string): string => {
  const year = [...y].map((c) => ZH_DIGIT.indexOf(c.replace('零', '〇'))).join('');
  const [m, dd] = [zhValue(mo), zhValue(d)];
  if (year.includes('-') || m < 1 || m > 12 || dd < 1 || dd > 31) return all;
  const fits = [`${year}年${m}月${dd}${day}`, `${year}-${m}-${dd}`].find((t) => t.length <= all.length);
  return fits ? `${'　'.repeat(all.length - fits.length)}${fits}` : all;
};

export function foldFormCharacters(text: string): string {
  return text
    .replace(FOLDED, (c) => FOLD[c] ?? String.fromCharCode(c.charCodeAt(0) - 0xfee0))
    .replace(ZH_DATE, digitDate)
    .replace(CLOCK_点, '$1时$2');
}

/** The encounter with each document's text (and parsed sections, where given) folded. */
export function withFoldedDocuments(enc: QcEncounter): QcEncounter {
  if (!enc.documents.some((d) => ANY.test(d.text))) return enc;
  return {
    ...enc,
    documents: enc.documents.map((d) => ({
      ...d,
      text: foldFormCharacters(d.text),
      ...(d.sections
        ? { sections: Object.fromEntries(Object.entries(d.sections).map(([k, v]) => [k, foldFormCharacters(v)])) }
        : {}),
    })),
  };
}
