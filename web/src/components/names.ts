import type { Lang } from '../i18n.js';
import type { Bilingual } from '../types.js';

const HAN = /[\u3400-\u9fff]/;

/**
 * A knowledge name (a disease, a finding) as the workspace shows it in `lang`: the name in that language, or — where
 * the knowledge gives none (an ICD-10 国家临床版 disease has only its Chinese name, a DDXPlus finding may have only its
 * English one) — the name it has, with the language it is in, so that the page can mark it as such. Medical names are
 * never machine-translated.
 */
export function nameIn(name: Bilingual, lang: Lang): { text: string; lang?: Lang } {
  const text = lang === 'zh' ? (name.zh ?? name.en) : name.en;
  return { text, ...(languageOf(text, lang) ? { lang: languageOf(text, lang) } : {}) };
}

/**
 * The other language `text` is written in when shown in `lang`, if it is: any Chinese character in English; in Chinese,
 * no Chinese character but an English word (an acronym or a code alone, such as SLE or NT-proBNP, is not English).
 */
export function languageOf(text: string, lang: Lang): Lang | undefined {
  if (lang === 'en') return HAN.test(text) ? 'zh' : undefined;
  return !HAN.test(text) && /\b[A-Za-z][a-z]+\b/.test(text) ? 'en' : undefined;
}
