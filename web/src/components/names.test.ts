import { describe, expect, it } from 'vitest';
import { languageOf, nameIn } from './names.js';

describe('knowledge names in the chosen language', () => {
  it('picks the name in that language', () => {
    expect(nameIn({ en: 'Atrial fibrillation', zh: '心房颤动' }, 'zh')).toEqual({ text: '心房颤动' });
    expect(nameIn({ en: 'Atrial fibrillation', zh: '心房颤动' }, 'en')).toEqual({ text: 'Atrial fibrillation' });
  });

  it('shows a name the knowledge has in one language only as it is, marked with that language', () => {
    // ICD-10 国家临床版: Chinese names only (the importer repeats them as `en`).
    expect(nameIn({ en: '2型糖尿病', zh: '2型糖尿病' }, 'en')).toEqual({ text: '2型糖尿病', lang: 'zh' });
    expect(nameIn({ en: 'Localized edema' }, 'zh')).toEqual({ text: 'Localized edema', lang: 'en' });
    expect(nameIn({ en: 'Myocarditis', zh: 'Myocarditis' }, 'zh')).toEqual({ text: 'Myocarditis', lang: 'en' });
  });

  it('takes acronyms and names that mix a code into Chinese as Chinese', () => {
    expect(languageOf('SLE', 'zh')).toBeUndefined();
    expect(languageOf('NT-proBNP升高', 'zh')).toBeUndefined();
    expect(languageOf('eGFR降低（<60）', 'zh')).toBeUndefined();
    expect(languageOf('NT-proBNP', 'zh')).toBeUndefined();
    expect(languageOf('NT-proBNP raised', 'en')).toBeUndefined();
  });
});
