import { CodeSystems, invalid } from '../../core/index.js';
import { type BatchData, BatchBuilder } from '../batch.js';
import type { KgSource } from '../model.js';
import { bundledDdxplusNames, type DdxplusNames } from './ddxplus-names.js';
import { contentHash, fileIn, parseJson, readText } from './read-input.js';

/**
 * DDXPlus knowledge base (Mila, NeurIPS 2022 Datasets and Benchmarks; CC-BY): 49 pathologies with
 * ICD-10 codes and severities, 223 evidences (binary B, categorical C, multi-choice M) with their
 * values, and which evidences (symptoms, antecedents) belong to which pathology.
 *
 * DDXPlus names evidences only by their questions; with `names` (by default the bundled
 * `data/ddxplus-names.json` when reading files) each evidence, value and pathology also gets a short
 * English and a Chinese name, synonyms in both, and SNOMED CT codes, so the causal network and the
 * exported lexicon understand "咳嗽、发热" and "cough, fever", and patient facts match by code.
 *
 * The knowledge base gives NO probabilities (SOURCE.md): `has-finding` and `risk-factor-of` edges
 * carry `probability: null`; a learned model must supply them and say so.
 */
export const DDXPLUS_SOURCE: KgSource = {
  id: 'ddxplus',
  name: 'Mila (DDXPlus)',
  document: 'DDXPlus knowledge base: release_conditions.json, release_evidences.json',
  version: 'NeurIPS 2022 Datasets and Benchmarks release',
  url: 'https://github.com/mila-iqia/ddxplus',
  licence: 'CC-BY',
  date: '2022',
  note: 'Synthetic-patient knowledge base; structure only, no probabilities in the knowledge base.',
  shippable: true,
};

interface Condition {
  condition_name: string;
  'cond-name-fr'?: string;
  'cond-name-eng'?: string;
  'icd10-id'?: string;
  symptoms: Record<string, unknown>;
  antecedents: Record<string, unknown>;
  severity?: number;
}

interface Evidence {
  name: string;
  code_question?: string;
  question_fr?: string;
  question_en?: string;
  is_antecedent: boolean;
  default_value?: unknown;
  value_meaning?: Record<string, { fr?: string; en?: string }>;
  'possible-values'?: unknown[];
  data_type: 'B' | 'C' | 'M';
}

export function pathologyId(name: string): string {
  return `ddxplus:path:${name}`;
}

export function evidenceId(code: string): string {
  return `ddxplus:${code}`;
}

export interface DdxplusOptions {
  /** Names, synonyms and codes to attach; `null` for none. Default for files: the bundled names. */
  readonly names?: DdxplusNames | null;
}

/** Reads a DDXPlus folder (or the conditions file, with the evidences file beside it). */
export function readDdxplus(path: string, options: DdxplusOptions = {}): BatchData {
  const conditionsPath = fileIn(path, 'release_conditions.json');
  const evidencesPath = conditionsPath.replace(/release_conditions\.json$/, 'release_evidences.json');
  const conditions = readText(conditionsPath);
  const evidences = readText(evidencesPath);
  const names = options.names === null ? null : (options.names ?? bundledDdxplusNames());
  return parseDdxplus(conditions, evidences, { conditions: conditionsPath, evidences: evidencesPath }, { names });
}

/** Parses the two DDXPlus files; names are attached only when `options.names` is given. */
export function parseDdxplus(
  conditionsText: string,
  evidencesText: string,
  where = { conditions: 'release_conditions.json', evidences: 'release_evidences.json' },
  options: DdxplusOptions = {},
): BatchData {
  const names = options.names ?? undefined;
  const conditions = asObject(parseJson(conditionsText, where.conditions), where.conditions) as Record<
    string,
    Condition
  >;
  const evidences = asObject(parseJson(evidencesText, where.evidences), where.evidences) as Record<string, Evidence>;
  const b = new BatchBuilder();
  const src = b.source(DDXPLUS_SOURCE);

  for (const [key, e] of Object.entries(evidences)) {
    const at = `${where.evidences} ${key}`;
    if (!e || typeof e !== 'object') throw invalid('evidence is not an object', { where: at });
    if (e.name !== key) throw invalid(`name '${String(e.name)}' differs from its key`, { where: at, field: 'name' });
    if (!['B', 'C', 'M'].includes(e.data_type))
      throw invalid(`data_type must be B, C or M, got '${String(e.data_type)}'`, { where: at, field: 'data_type' });
    if (typeof e.is_antecedent !== 'boolean')
      throw invalid('is_antecedent must be true or false', { where: at, field: 'is_antecedent' });
    const type = e.is_antecedent ? 'risk-factor' : 'finding';
    const n = names?.evidences[key];
    const id = b.concept(
      evidenceId(key),
      type,
      n ? { en: n.en, zh: n.zh, question: e.question_en } : { question: e.question_en },
      {
        synonyms: n
          ? [
              ...n.synonyms.en.map((term) => ({ term, lang: 'en' as const })),
              ...n.synonyms.zh.map((term) => ({ term, lang: 'zh' as const })),
            ]
          : [],
        codes: [
          { system: CodeSystems.ddxplus, code: key },
          ...(n?.snomed ?? []).map((code) => ({ system: CodeSystems.snomed, code })),
        ],
        attrs: {
          ...(n && e.question_en ? { questionEn: e.question_en } : {}),
          dataType: e.data_type,
          ...(e.question_fr ? { questionFr: e.question_fr } : {}),
          defaultValue: e.default_value ?? null,
          possibleValues: e['possible-values'] ?? [],
          ...(e.code_question && e.code_question !== key ? { askedAfter: e.code_question } : {}),
        },
      },
    );
    for (const [v, meaning] of Object.entries(e.value_meaning ?? {})) {
      if (!meaning?.en || meaning.en === 'NA') continue;
      const code = `${key}_@_${v}`;
      const vn = names?.values[v];
      const template = names?.valueNames[key];
      const named =
        vn && template ? { en: template.en.replace('{v}', vn.en), zh: template.zh.replace('{v}', vn.zh) } : undefined;
      b.concept(evidenceId(code), type, named ? { ...named, fr: meaning.fr } : { en: meaning.en, fr: meaning.fr }, {
        synonyms: named ? [{ term: meaning.en, lang: 'en' }] : [],
        codes: [{ system: CodeSystems.ddxplus, code }],
        attrs: { evidence: key, value: v },
      });
      b.relation('value-of', evidenceId(code), id, src);
    }
  }
  for (const [key, c] of Object.entries(conditions)) {
    const at = `${where.conditions} ${key}`;
    if (!c || typeof c !== 'object') throw invalid('pathology is not an object', { where: at });
    if (typeof c.condition_name !== 'string' || !c.condition_name)
      throw invalid('missing condition_name', { where: at, field: 'condition_name' });
    for (const f of ['symptoms', 'antecedents'] as const) {
      if (!c[f] || typeof c[f] !== 'object' || Array.isArray(c[f]))
        throw invalid(`${f} must be an object of evidence codes`, { where: at, field: f });
    }
    if (c.severity !== undefined && !(Number.isInteger(c.severity) && c.severity >= 1 && c.severity <= 5)) {
      throw invalid(`severity must be 1–5, got ${String(c.severity)}`, { where: at, field: 'severity' });
    }
    const icd = (c['icd10-id'] ?? '')
      .split(/[,;]/)
      .map((s) => s.trim().toUpperCase())
      .filter(Boolean);
    const pn = names?.pathologies[c.condition_name];
    const d = b.concept(
      pathologyId(c.condition_name),
      'disease',
      { en: c['cond-name-eng'] ?? c.condition_name, fr: c['cond-name-fr'], zh: pn?.zh },
      {
        synonyms: [
          ...(c['cond-name-eng'] && c['cond-name-eng'] !== c.condition_name
            ? [{ term: c.condition_name, lang: 'en' as const }]
            : []),
          ...(pn?.synonymsZh ?? []).map((term) => ({ term, lang: 'zh' as const })),
        ],
        codes: [
          { system: CodeSystems.ddxplus, code: c.condition_name },
          ...icd.map((code) => ({ system: CodeSystems.icd10, code })),
        ],
        attrs: { severity: c.severity ?? null },
      },
    );
    for (const [field, rel] of [
      ['symptoms', 'has-finding'],
      ['antecedents', 'risk-factor-of'],
    ] as const) {
      for (const code of Object.keys(c[field])) {
        if (!evidences[code])
          throw invalid(`names evidence '${code}', which release_evidences.json does not define`, {
            where: at,
            field: `${field}.${code}`,
          });
        const attrs = { probability: null, ddxplusSeverity: c.severity ?? null };
        if (rel === 'has-finding') b.relation(rel, d, evidenceId(code), src, attrs);
        else b.relation(rel, evidenceId(code), d, src, attrs);
      }
    }
  }
  return b.build({
    kind: 'ddxplus',
    contentHash: contentHash(conditionsText, evidencesText, ...(names ? [names.text] : [])),
    path: where.conditions,
  });
}

function asObject(v: unknown, where: string): Record<string, unknown> {
  if (!v || typeof v !== 'object' || Array.isArray(v)) throw invalid('expected a JSON object keyed by name', { where });
  return v as Record<string, unknown>;
}
