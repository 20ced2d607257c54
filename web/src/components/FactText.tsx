import type { Lang } from '../i18n.js';
import type { Fact } from '../types.js';
import { factName, factValue } from './facts.js';

/**
 * A fact's name and value (`CYP2C19 *2/*2`, `体温 36.8 ℃`): the name as the record or terminology gives it
 * (`data-verbatim`: the one-language check leaves it alone), the value in display units; a value that repeats the
 * name (a genotype reported as `CYP2C19 *2/*2`) is not prefixed with the name again.
 */
export function FactText({ f, lang }: { f: Fact; lang: Lang }) {
  const name = factName(f, lang);
  const value = factValue(f, lang);
  if (value?.toLowerCase().startsWith(name.toLowerCase())) return <span data-verbatim>{value}</span>;
  return (
    <>
      <span data-verbatim>{name}</span>
      {value ? <> {f.value ? value : <span data-verbatim>{value}</span>}</> : null}
    </>
  );
}
