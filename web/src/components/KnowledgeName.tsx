import { useI18n } from '../i18n.js';
import type { Bilingual } from '../types.js';
import { nameIn } from './names.js';

/**
 * A disease's or finding's name in the chosen language. Where the knowledge has it only in the other language, that
 * name is shown as it is — in its own `lang`, `data-verbatim` (the one-language check leaves it alone) — followed by a
 * muted "(英文名)" / "(Chinese name)": a medical name is never machine-translated.
 */
export function KnowledgeName({ name }: { name: Bilingual }) {
  const { t, lang } = useI18n();
  const shown = nameIn(name, lang);
  if (!shown.lang) return <>{shown.text}</>;
  return (
    <>
      <span data-verbatim lang={shown.lang}>
        {shown.text}
      </span>
      {lang === 'en' ? ' ' : ''}
      <span className="muted name-lang">{t(shown.lang === 'zh' ? 'nameInChinese' : 'nameInEnglish')}</span>
    </>
  );
}
