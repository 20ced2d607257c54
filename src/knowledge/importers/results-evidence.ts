import { fileURLToPath } from 'node:url';
import { CodeSystems, invalid } from '../../core/index.js';
import { type BatchData, BatchBuilder, type ConceptDraft } from '../batch.js';
import type { ConceptType, KgSource } from '../model.js';
import { icd10cnId } from './icd.js';
import { contentHash, parseJson, readText } from './read-input.js';

/**
 * Disease → test-result links (`data/results-evidence/results-evidence.json`, see its SOURCE.md):
 * abnormal labs by reference range (NT-proBNP ↑, K ↑, eGFR ↓…), imaging impressions (实变, 磨玻璃)
 * and ECG statements (ST 段抬高, 房颤), each from a named guideline, as `has-finding` relations the
 * diagnosis network uses. A result concept carries `attrs.result`, the criterion by which a record
 * shows it (`src/reasoning/diagnosis` reads measurements and report sentences with it).
 *
 * The file names diseases by ICD-10 code, so it joins whatever release it is added to: each link goes
 * to every disease of the given batches with an ICD-10 (WHO or CM) code under the file's code (DDXPlus
 * `J18` for pneumonia), else to the ICD-10 国家临床版 concept the file names (`icd10cn:I50.900`) when
 * that batch is given, else it is left out (counted in `attrs` of nothing; `resultsEvidenceBatch`
 * returns the keys it could not place). Symptoms are named by SNOMED CT code and joined the same way.
 */
export const RESULTS_EVIDENCE_FILE = fileURLToPath(
  new URL('../data/results-evidence/results-evidence.json', import.meta.url),
);

interface SourceEntry {
  readonly id: string;
  readonly name: string;
  readonly document: string;
  readonly version?: string;
  readonly url?: string;
  readonly date?: string;
}
interface ResultEntry {
  readonly id: string;
  readonly type: ConceptType;
  readonly en: string;
  readonly zh: string;
  readonly criterion: Record<string, unknown>;
  readonly leak?: number;
  readonly thresholdFrom?: string;
}
interface DiseaseEntry {
  readonly key: string;
  readonly icd10: readonly string[];
  readonly icd10cn?: string;
  readonly en: string;
  readonly zh: string;
}
interface FindingEntry {
  readonly snomed: string;
  readonly alsoSnomed?: readonly string[];
  readonly en: string;
  readonly zh: string;
}
interface LinkEntry {
  readonly disease: string;
  readonly to: string;
  readonly source: string;
  readonly probability: number | null;
  readonly where: string;
}
interface ResultsEvidenceFile {
  readonly sources: readonly SourceEntry[];
  readonly results: readonly ResultEntry[];
  readonly diseases: readonly DiseaseEntry[];
  readonly findings: readonly FindingEntry[];
  readonly links: readonly LinkEntry[];
}

const LICENCE = 'Apache-2.0 (MedSeek curation citing the guideline; no guideline text reproduced)';
const ICD10_SYSTEMS = new Set<string>([CodeSystems.icd10, CodeSystems.icd10cm]);

/** `J18` covers `J18.9`, `J18.900`; `I48` covers `I48.91`; `I20.0` covers `I20.0` but not `I20.9`. */
export function icd10Covers(prefix: string, code: string): boolean {
  const p = prefix.trim().toUpperCase();
  const c = code.trim().toUpperCase();
  return c === p || (c.startsWith(p) && (p.length === 3 ? c[3] === '.' : true));
}

export interface ResultsEvidence {
  readonly batch: BatchData;
  /** Disease keys of the file that no disease of the given batches took (their links are left out). */
  readonly unplaced: readonly string[];
}

/** Reads and checks the file; every error names the entry and field. */
export function parseResultsEvidence(text: string, where = 'results-evidence.json'): ResultsEvidenceFile {
  const doc = parseJson(text, where) as Partial<ResultsEvidenceFile>;
  for (const k of ['sources', 'results', 'diseases', 'findings', 'links'] as const)
    if (!Array.isArray(doc?.[k])) throw invalid(`${k} must be an array`, { where, field: k });
  const f = doc as ResultsEvidenceFile;
  const sources = new Set(f.sources.map((s) => s.id));
  f.sources.forEach((s, i) => {
    if (!s.id || !s.name || !s.document)
      throw invalid('a source needs id, name and document', { where: `${where} sources[${i}]`, field: 'id' });
  });
  const targets = new Set<string>();
  f.results.forEach((r, i) => {
    const at = `${where} results[${i}]`;
    if (!r.id?.startsWith('result:')) throw invalid("a result id starts with 'result:'", { where: at, field: 'id' });
    if (!r.en || !r.zh) throw invalid('a result needs en and zh names', { where: at, field: 'en' });
    if (r.criterion?.kind !== 'measurement' && r.criterion?.kind !== 'statement')
      throw invalid('criterion.kind is measurement or statement', { where: at, field: 'criterion.kind' });
    if (r.criterion.kind === 'statement')
      for (const p of [...(r.criterion.patterns as string[]), ...(r.criterion.context as string[])]) {
        try {
          new RegExp(p, 'iu');
        } catch {
          throw invalid(`'${p}' is not a regular expression`, { where: at, field: 'criterion.patterns' });
        }
      }
    if (r.leak !== undefined && !(r.leak > 0 && r.leak < 1))
      throw invalid('leak must be between 0 and 1', { where: at, field: 'leak' });
    targets.add(r.id);
  });
  for (const x of f.findings) targets.add(`snomed:${x.snomed}`);
  const diseases = new Set(f.diseases.map((d) => d.key));
  f.links.forEach((l, i) => {
    const at = `${where} links[${i}]`;
    if (!diseases.has(l.disease)) throw invalid(`unknown disease key '${l.disease}'`, { where: at, field: 'disease' });
    if (!targets.has(l.to)) throw invalid(`unknown result or finding '${l.to}'`, { where: at, field: 'to' });
    if (!sources.has(l.source)) throw invalid(`unknown source '${l.source}'`, { where: at, field: 'source' });
    if (l.probability !== null && !(typeof l.probability === 'number' && l.probability >= 0 && l.probability <= 1))
      throw invalid('probability is null (unknown) or 0-1', { where: at, field: 'probability' });
    if (!l.where) throw invalid('where (the place in the guideline) is required', { where: at, field: 'where' });
  });
  return f;
}

/**
 * The batch for a release made of `batches` (e.g. DDXPlus + ICD-10 国家临床版): links joined to
 * their diseases and symptoms as described above. The content hash covers the file and the ids it
 * joined, so a different base makes a different batch.
 */
export function resultsEvidenceBatch(
  batches: readonly BatchData[],
  path: string = RESULTS_EVIDENCE_FILE,
): ResultsEvidence {
  const text = readText(path);
  const file = parseResultsEvidence(text, path);
  const concepts: ConceptDraft[] = batches.flatMap((b) => [...b.concepts]);
  const byId = new Map(concepts.map((c) => [c.id, c]));
  const b = new BatchBuilder();
  const sourceIds = new Map<string, string>();
  for (const s of file.sources) {
    const src: KgSource = {
      id: `results-evidence:${s.id}`,
      name: s.name,
      document: s.document,
      ...(s.version ? { version: s.version } : {}),
      ...(s.url ? { url: s.url } : {}),
      ...(s.date ? { date: s.date } : {}),
      licence: LICENCE,
      shippable: true,
    };
    sourceIds.set(s.id, b.source(src));
  }
  for (const r of file.results) {
    b.concept(
      r.id,
      r.type,
      { en: r.en, zh: r.zh },
      { attrs: { result: r.criterion, ...(r.leak !== undefined ? { leak: r.leak } : {}) } },
    );
  }
  const diseaseTargets = new Map<string, string[]>();
  const unplaced: string[] = [];
  for (const d of file.diseases) {
    const ids = concepts
      .filter(
        (c) =>
          c.type === 'disease' &&
          [...c.codes.values()].some((k) => ICD10_SYSTEMS.has(k.system) && d.icd10.some((p) => icd10Covers(p, k.code))),
      )
      .map((c) => c.id);
    if (ids.length === 0 && d.icd10cn && byId.has(icd10cnId(d.icd10cn))) ids.push(icd10cnId(d.icd10cn));
    if (ids.length === 0) unplaced.push(d.key);
    diseaseTargets.set(d.key, ids);
  }
  const findingTargets = new Map<string, string>();
  for (const f of file.findings) {
    const codes = new Set([f.snomed, ...(f.alsoSnomed ?? [])]);
    const existing = concepts.find(
      (c) =>
        c.type !== 'disease' && [...c.codes.values()].some((k) => k.system === CodeSystems.snomed && codes.has(k.code)),
    );
    const id = existing?.id ?? `results-evidence:snomed:${f.snomed}`;
    if (!existing)
      b.concept(id, 'finding', { en: f.en, zh: f.zh }, { codes: [{ system: CodeSystems.snomed, code: f.snomed }] });
    findingTargets.set(`snomed:${f.snomed}`, id);
  }
  for (const l of file.links) {
    const to = findingTargets.get(l.to) ?? l.to;
    for (const from of diseaseTargets.get(l.disease) ?? [])
      b.relation('has-finding', from, to, sourceIds.get(l.source)!, { probability: l.probability, where: l.where });
  }
  const joined = [...diseaseTargets.values(), ...findingTargets.values()].flat().sort().join(',');
  return {
    batch: b.build({
      kind: 'results-evidence',
      key: 'results-evidence',
      contentHash: contentHash(text, joined),
      path,
      external: true,
    }),
    unplaced,
  };
}
