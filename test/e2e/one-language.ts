/**
 * What "one language at a time" allows (issue 16), for the browser walk in one-language.test.ts: in Chinese, Latin
 * letters only in codes (a digit in them: CYP2C19, 8867-4, I10), acronyms (INR, FHIR, API), names and units written
 * with an inner capital (MedSeek, mmHg, eGFR, HbA1c) and the units clinicians write in Latin letters; in English, no
 * Chinese character at all (patient data is taken out before the text gets here).
 */
const UNITS = new Set(
  'mg g kg ug µg mcg ng pg mL ml L dL uL µL fL mmol umol µmol nmol pmol mol meq mEq mmHg kPa Pa min h d s wk mo a IU U cm mm m bpm'.split(
    ' ',
  ),
);

/** Latin words allowed in the Chinese UI although they are letters: none yet beyond codes, acronyms, names, units. */
function allowedInChinese(word: string): boolean {
  if (/\d/.test(word)) return true;
  // Acronyms and one-letter abbreviations (INR, FHIR; T, P, R of the vital signs).
  if (/^[A-Z][A-Z-]*$/.test(word)) return true;
  if (/^[A-Za-z][a-z]*[A-Z]/.test(word)) return true;
  return UNITS.has(word);
}

/** The words on a page that are not in `lang`: Latin words in Chinese, runs of Chinese characters in English. */
export function foreignWords(text: string, lang: 'zh' | 'en'): string[] {
  const words =
    lang === 'zh'
      ? (
          text.replace(/https?:\/\/\S+|\b[A-Z][A-Za-z]+\/\$[a-z-]+/g, ' ').match(/[A-Za-z0-9µ][A-Za-z0-9µ._'*/-]*/g) ??
          []
        )
          .map((w) => w.replace(/[._'/-]+$/, ''))
          .filter((w) => /[A-Za-z]/.test(w))
          .flatMap((w) => w.split('/'))
          .filter((w) => /[A-Za-z]/.test(w) && !allowedInChinese(w))
      : (text.match(/[\u3000-\u303f\u3400-\u9fff\uff01-\uff5e]+/g) ?? []);
  return [...new Set(words)];
}
