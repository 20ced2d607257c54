/** Code systems MedSeek uses, by their canonical URIs (FHIR terminology where one exists). */
export const CodeSystems = {
  snomed: 'http://snomed.info/sct',
  loinc: 'http://loinc.org',
  rxnorm: 'http://www.nlm.nih.gov/research/umls/rxnorm',
  atc: 'http://www.whocc.no/atc',
  icd10: 'http://hl7.org/fhir/sid/icd-10',
  icd10cm: 'http://hl7.org/fhir/sid/icd-10-cm',
  /** ICD-10 国家临床版 2.0 (China national clinical edition). */
  icd10cn: 'urn:medseek:icd-10-cn-clinical-2.0',
  /** ICD-9-CM-3 (procedures), Chinese edition. */
  icd9cm3cn: 'urn:medseek:icd-9-cm-3-cn',
  umls: 'http://www.nlm.nih.gov/research/umls',
  ucum: 'http://unitsofmeasure.org',
  hgnc: 'http://www.genenames.org',
  ddxplus: 'urn:medseek:ddxplus',
  /** MedSeek's own concept ids (knowledge graph). */
  medseek: 'urn:medseek:concept',
} as const;

/** One code in one system, with display names in English and Chinese where known. */
export interface Coding {
  readonly system: string;
  readonly code: string;
  readonly display?: string;
  readonly displayZh?: string;
}

/**
 * A clinical concept: the primary coding plus any equivalent codings
 * (e.g. a knowledge-graph concept with its ICD-10 and SNOMED codes).
 */
export interface Concept extends Coding {
  readonly codings?: readonly Coding[];
}

export function conceptKey(c: Coding): string {
  return `${c.system}|${c.code}`;
}

/** The best display name for a language, falling back to the other language, then the code. */
export function conceptLabel(c: Coding, lang: Lang = 'en'): string {
  return (lang === 'zh' ? (c.displayZh ?? c.display) : (c.display ?? c.displayZh)) ?? c.code;
}

export type Lang = 'zh' | 'en';

/** Text in both languages; `en` is always present, `zh` where it has been written. */
export interface Bilingual {
  readonly en: string;
  readonly zh?: string;
}
