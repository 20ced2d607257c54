import type { QcEncounter } from './model.js';

/**
 * Characters some EMRs print where others print the common form, folded one for one so that every span stays
 * where it was: the ratio sign ∶ and the presentation colons ︰ ﹕ as the colon ："姓名∶罗志刚"; the angle
 * brackets 〈〉 as the heading brackets 〔〕 ("〈主诉〉"); full-width digits as ASCII ("１．主诉", "２０２６"). The
 * section, field and time readers then see one form. ＜＞ stay: they are less-than and greater-than in results.
 */
const FOLD: Readonly<Record<string, string>> = { '∶': '：', '︰': '：', '﹕': '：', '〈': '〔', '〉': '〕' };
const FOLDED = /[∶︰﹕〈〉０-９]/g;
const ANY = /[∶︰﹕〈〉０-９]/;

export function foldFormCharacters(text: string): string {
  return text.replace(FOLDED, (c) => FOLD[c] ?? String.fromCharCode(c.charCodeAt(0) - 0xfee0));
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
