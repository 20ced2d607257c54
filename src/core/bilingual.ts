import type { Bilingual, Lang } from './concept.js';

/**
 * The one way MedSeek picks a language: English first, as in `Bilingual` (where English is always
 * present). `say(lang)('Fever', '发热')` for text written inline; `pick(b, lang)` for a `Bilingual`.
 */
export type Say = (en: string, zh: string) => string;

/** The text for `lang`: the Chinese where asked for and written, else the English. */
export function pick(b: Bilingual, lang: Lang): string {
  return lang === 'zh' ? (b.zh ?? b.en) : b.en;
}

/** A chooser for one language, English first: `const t = say(lang); t('No fever', '无发热')`. */
export function say(lang: Lang): Say {
  return (en, zh) => pick({ en, zh }, lang);
}
