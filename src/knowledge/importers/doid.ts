import { fileURLToPath } from 'node:url';
import { invalid } from '../../core/index.js';
import { type BatchData, BatchBuilder, normalizeTerm } from '../batch.js';
import { DOID_SOURCE, type DiseaseXrefs, HPO_SYSTEM, readDiseaseXrefs, SYMP_SYSTEM } from './disease-xrefs.js';
import { hpoConceptId, parseHpoLabels } from './hpo.js';
import { fileOf, readTextOrGzip, tsvRows } from './read-gz.js';
import { contentHash } from './read-input.js';

/**
 * The Disease Ontology's disease → symptom statements (CC0; DOreports/requested/disease-symptom.tsv:
 * DOID, label, SYMP id, label): `has-finding` edges with `probability: null` (DO gives no
 * frequencies). Each disease gets DO's ICD-10-CM, UMLS and MeSH codes and, where the code names it,
 * its ICD-10 国家临床版 Chinese name (disease-xrefs.ts). A symptom whose label is, letter for letter
 * (case and spacing aside), the English label of an HPO term becomes that HPO finding, so the two
 * sources meet in one finding (the edge says `findingMatch: 'label'`); other symptoms are SYMP findings.
 */
const bundled = (p: string) => fileURLToPath(new URL(`../data/${p}`, import.meta.url));

export interface DoidOptions {
  readonly xrefs?: DiseaseXrefs | null;
  /** HPO labels text (`hp-labels.tsv`), default: the bundled one; `null`: no HPO matching. */
  readonly hpoLabels?: string | null;
}

/** Reads a folder with `disease-symptom.tsv` (and `do-xrefs.tsv[.gz]`); default: the bundled `data/doid`. */
export function readDoid(path?: string, options: DoidOptions = {}): BatchData {
  const folder = path ?? bundled('doid');
  const file = fileOf(folder, ['disease-symptom.tsv', 'disease-symptom.tsv.gz']);
  const xrefs =
    options.xrefs === undefined ? readDiseaseXrefs(path && file !== folder ? folder : undefined) : options.xrefs;
  const labels =
    options.hpoLabels === undefined ? readTextOrGzip(fileOf(bundled('hpo'), ['hp-labels.tsv.gz'])) : options.hpoLabels;
  return parseDoidSymptoms(readTextOrGzip(file), file, xrefs ?? undefined, labels ?? undefined);
}

export function doidConceptId(doid: string): string {
  return `doid:${doid.replace(/^DOID:/, '')}`;
}

export function parseDoidSymptoms(
  text: string,
  where = 'disease-symptom.tsv',
  xrefs?: DiseaseXrefs,
  hpoLabelsText?: string,
): BatchData {
  const hpoByLabel = new Map<string, { id: string; en: string; zh: string }>();
  if (hpoLabelsText)
    for (const [id, l] of parseHpoLabels(hpoLabelsText)) hpoByLabel.set(normalizeTerm(l.en), { id, ...l });
  const rows = tsvRows(text);
  const head = rows.shift();
  if (head?.cells.slice(0, 4).join('\t') !== 'disease_id\tdisease_label\tsymptom_id\tsymptom_label')
    throw invalid("header must be 'disease_id, disease_label, symptom_id, symptom_label'", {
      where: `${where} line 1`,
    });
  const b = new BatchBuilder();
  const src = b.source(DOID_SOURCE);
  for (const { line, cells } of rows) {
    const [doid = '', label = '', symp = '', symptom = ''] = cells.map((c) => c.trim());
    const at = `${where} line ${line}`;
    if (!/^DOID:\d+$/.test(doid)) throw invalid(`'${doid}' is not a DOID`, { where: at, field: 'disease_id' });
    if (!/^SYMP:\d+$/.test(symp)) throw invalid(`'${symp}' is not a SYMP id`, { where: at, field: 'symptom_id' });
    if (!label) throw invalid('empty disease label', { where: at, field: 'disease_label' });
    if (!symptom) throw invalid('empty symptom label', { where: at, field: 'symptom_label' });
    const diseaseId = doidConceptId(doid);
    if (!b.concepts.has(diseaseId)) {
      const term = xrefs?.terms.get(doid);
      const zh = term ? xrefs!.zhNameOf(term) : undefined;
      b.concept(
        diseaseId,
        'disease',
        { en: label, zh: zh?.name },
        {
          codes: [
            ...(term ? xrefs!.codesOf(term) : [{ system: 'http://purl.obolibrary.org/obo/doid.owl', code: doid }]),
            ...(zh ? [{ system: zh.origin.system, code: zh.origin.code }] : []),
          ],
          attrs: zh ? { nameZhFrom: zh.origin } : {},
        },
      );
    }
    const hpo = hpoByLabel.get(normalizeTerm(symptom));
    const findingId = hpo
      ? b.concept(
          hpoConceptId(hpo.id),
          'finding',
          { en: hpo.en, zh: hpo.zh || undefined },
          {
            codes: [
              { system: HPO_SYSTEM, code: hpo.id },
              { system: SYMP_SYSTEM, code: symp },
            ],
          },
        )
      : b.concept(
          `symp:${symp.replace(/^SYMP:/, '')}`,
          'finding',
          { en: symptom },
          { codes: [{ system: SYMP_SYSTEM, code: symp }] },
        );
    b.relation('has-finding', diseaseId, findingId, src, {
      probability: null,
      ...(hpo ? { findingMatch: 'label' } : {}),
    });
  }
  return b.build({
    kind: 'doid',
    contentHash: contentHash(text, xrefs ? xrefs.fingerprint : '', hpoLabelsText ?? ''),
    path: where,
  });
}
