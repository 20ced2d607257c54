import { existsSync, statSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { invalid } from '../../core/index.js';
import { type BatchData, BatchBuilder } from '../batch.js';
import type { KgSource } from '../model.js';
import {
  DECIPHER_SYSTEM,
  type DiseaseXrefs,
  HPO_SYSTEM,
  OMIM_SYSTEM,
  ORPHANET_SYSTEM,
  readDiseaseXrefs,
} from './disease-xrefs.js';
import { type HpoFrequency, parseHpoFrequency, pooledProbability } from './hpo-frequency.js';
import { fileOf, readTextOrGzip, tsvRows } from './read-gz.js';
import { contentHash } from './read-input.js';

/**
 * The HPO disease annotations (`phenotype.hpoa`: OMIM, Orphanet and DECIPHER diseases → HPO
 * phenotypes, with frequencies) and the HPO term names (`hp-labels.tsv`: English labels and the
 * HPO project's official Chinese translation, `src/translations/hp-zh.babelon.tsv`).
 *
 * Only phenotype rows (aspect P) become edges: `has-finding` disease → `hpo:HP:…` with
 * `probability` from the frequency (hpo-frequency.ts) or `null` ("frequency unknown"), the raw
 * `frequency` text, and for patient counts the pooled `n` and `m` (1/1 gives probability 1: a
 * consumer may want to shrink small cohorts). Annotations the source marks NOT, or whose frequency
 * is 0 (`HP:0040285` Excluded, `0/n`), are left out and counted in the source note: the network
 * reads an edge as "this disease can show this". Orphanet's annotations (biocuration `ORPHA:`) are
 * their own source (Orphanet, CC BY 4.0). Diseases get ICD-10-CM codes and, where a code names
 * them, a Chinese name (disease-xrefs.ts).
 */
export const HPO_LICENCE =
  'HPO licence: free for any purpose, public and private, on three conditions: the HPO Consortium is ' +
  'acknowledged, files shown publicly give their version, and the files’ content is not altered ' +
  '(https://hpo.jax.org/app/license)';

export function hpoSources(version: string): { hpo: KgSource; orphanet: KgSource } {
  return {
    hpo: {
      id: 'hpo-annotations',
      name: 'Human Phenotype Ontology Consortium',
      document:
        'phenotype.hpoa (HPO annotations for rare diseases) and HPO term labels with the official zh translation',
      version,
      url: 'https://hpo.jax.org',
      licence: HPO_LICENCE,
      date: version,
      note: 'This service uses the Human Phenotype Ontology (version above). Find out more at https://hpo.jax.org',
      shippable: true,
    },
    orphanet: {
      id: 'hpo-orphanet',
      name: 'Orphanet (INSERM), as distributed in the HPO annotations',
      document: 'phenotype.hpoa rows with biocuration ORPHA:orphadata (Orphanet HPO annotations)',
      version,
      url: 'https://www.orphadata.com',
      licence: `CC BY 4.0 (Orphanet data); file under the ${HPO_LICENCE}`,
      date: version,
      shippable: true,
    },
  };
}

const bundled = (p: string) => fileURLToPath(new URL(`../data/${p}`, import.meta.url));
const HPOA_NAMES = ['phenotype.hpoa.gz', 'phenotype.hpoa'];
const LABEL_NAMES = ['hp-labels.tsv.gz', 'hp-labels.tsv'];

export interface HpoOptions {
  /** DO cross-references and 国家临床版 names; default: the bundled ones. `null`: none. */
  readonly xrefs?: DiseaseXrefs | null;
}

/**
 * Reads a folder with `phenotype.hpoa[.gz]` and `hp-labels.tsv[.gz]`, or a `phenotype.hpoa[.gz]` file (labels
 * beside it, else the bundled ones); default: the bundled `data/hpo`.
 */
export function readHpo(path?: string, options: HpoOptions = {}): BatchData {
  const folder = path ?? bundled('hpo');
  const hpoa = fileOf(folder, HPOA_NAMES);
  // The labels beside the annotation file, else the bundled ones.
  const dir = existsSync(folder) && statSync(folder).isDirectory() ? folder : dirname(folder);
  const labels = fileOf(LABEL_NAMES.some((n) => existsSync(join(dir, n))) ? dir : bundled('hpo'), LABEL_NAMES);
  const xrefs = options.xrefs === undefined ? readDiseaseXrefs() : options.xrefs;
  return parseHpo(readTextOrGzip(hpoa), readTextOrGzip(labels), { hpoa, labels }, xrefs ?? undefined);
}

/** `hpo_id → {en, zh}` from `hpo_id, label_en, label_zh` lines. */
export function parseHpoLabels(text: string, where = 'hp-labels.tsv'): Map<string, { en: string; zh: string }> {
  const rows = tsvRows(text);
  const head = rows.shift();
  if (head?.cells.slice(0, 3).join('\t') !== 'hpo_id\tlabel_en\tlabel_zh')
    throw invalid("header must be 'hpo_id, label_en, label_zh'", { where: `${where} line 1` });
  const out = new Map<string, { en: string; zh: string }>();
  for (const { line, cells } of rows) {
    const [id = '', en = '', zh = ''] = cells;
    if (!/^HP:\d{7}$/.test(id))
      throw invalid(`'${id}' is not an HPO id`, { where: `${where} line ${line}`, field: 'hpo_id' });
    if (!en.trim()) throw invalid('empty English label', { where: `${where} line ${line}`, field: 'label_en' });
    out.set(id, { en: en.trim(), zh: zh.trim() });
  }
  return out;
}

// Column names of the current (database_id…) and the older (#DatabaseID…) phenotype.hpoa headers.
const COLUMNS = {
  id: ['database_id', '#DatabaseID'],
  name: ['disease_name', 'DiseaseName'],
  qualifier: ['qualifier', 'Qualifier'],
  hpo: ['hpo_id', 'HPO_ID'],
  evidence: ['evidence', 'Evidence'],
  frequency: ['frequency', 'Frequency'],
  sex: ['sex', 'Sex'],
  aspect: ['aspect', 'Aspect'],
  biocuration: ['biocuration', 'Biocuration'],
} as const;

interface Pair {
  disease: string;
  hpo: string;
  orphanet: boolean;
  freqs: HpoFrequency[];
  raw: string[];
  evidence: string[];
  sexes: string[];
  negated: number;
  positive: number;
}

export function parseHpo(
  hpoaText: string,
  labelsText: string,
  where = { hpoa: 'phenotype.hpoa', labels: 'hp-labels.tsv' },
  xrefs?: DiseaseXrefs,
): BatchData {
  const labels = parseHpoLabels(labelsText, where.labels);
  const lines = hpoaText.split(/\r?\n/);
  const meta = new Map<string, string>();
  let headerAt = -1;
  for (let i = 0; i < lines.length && headerAt < 0; i++) {
    const l = lines[i]!;
    if (l.startsWith('#DatabaseID') || l.startsWith('database_id')) headerAt = i;
    else if (l.startsWith('#')) {
      const m = /^#([\w-]+):\s*(.*)$/.exec(l);
      if (m) meta.set(m[1]!.toLowerCase(), m[2]!.trim());
    }
  }
  if (headerAt < 0) throw invalid('no header line (database_id … or #DatabaseID …)', { where: where.hpoa });
  const head = lines[headerAt]!.split('\t');
  const col = Object.fromEntries(
    Object.entries(COLUMNS).map(([k, names]) => {
      const i = head.findIndex((h) => (names as readonly string[]).includes(h.trim()));
      if (i < 0) throw invalid(`header has no '${names[0]}' column`, { where: `${where.hpoa} line ${headerAt + 1}` });
      return [k, i];
    }),
  ) as Record<keyof typeof COLUMNS, number>;
  const version = meta.get('version') ?? meta.get('date') ?? 'unknown';
  const sources = hpoSources(version);
  const b = new BatchBuilder();
  b.source(sources.hpo);
  b.source(sources.orphanet);

  const names = new Map<string, string>();
  const pairs = new Map<string, Pair>();
  const unlabelled = new Set<string>();
  // A few dozen distinct frequency cells over 250,000 rows: each parsed once (parsed values are immutable).
  const frequencies = new Map<string, HpoFrequency>();
  for (let i = headerAt + 1; i < lines.length; i++) {
    const raw = lines[i]!;
    if (!raw.trim()) continue;
    const c = raw.split('\t');
    if (cellAt(c, col.aspect) !== 'P') continue;
    const id = cellAt(c, col.id);
    if (!/^(OMIM|ORPHA|DECIPHER):\d+$/.test(id))
      throw invalid(`'${id}' is not OMIM:n, ORPHA:n or DECIPHER:n`, {
        where: `${where.hpoa} line ${i + 1}`,
        field: 'database_id',
      });
    const hpo = cellAt(c, col.hpo);
    if (!/^HP:\d{7}$/.test(hpo))
      throw invalid(`'${hpo}' is not an HPO id`, { where: `${where.hpoa} line ${i + 1}`, field: 'hpo_id' });
    if (!labels.has(hpo)) {
      unlabelled.add(hpo);
      continue;
    }
    if (!names.has(id)) {
      const name = cellAt(c, col.name);
      if (!name) throw invalid('empty disease name', { where: `${where.hpoa} line ${i + 1}`, field: 'disease_name' });
      names.set(id, name);
    }
    const frequency = cellAt(c, col.frequency);
    let freq: HpoFrequency | undefined;
    try {
      freq = frequencies.get(frequency) ?? parseHpoFrequency(frequency);
      if (freq) frequencies.set(frequency, freq);
    } catch (e) {
      throw invalid((e as Error).message, { where: `${where.hpoa} line ${i + 1}`, field: 'frequency' });
    }
    const key = `${id}|${hpo}`;
    let p = pairs.get(key);
    if (!p) {
      p = {
        disease: id,
        hpo,
        orphanet: cellAt(c, col.biocuration).startsWith('ORPHA:'),
        freqs: [],
        raw: [],
        evidence: [],
        sexes: [],
        negated: 0,
        positive: 0,
      };
      pairs.set(key, p);
    }
    if (cellAt(c, col.qualifier) === 'NOT') p.negated++;
    else {
      p.positive++;
      if (freq) p.freqs.push(freq);
      if (frequency) p.raw.push(frequency);
      const evidence = cellAt(c, col.evidence);
      if (evidence && !p.evidence.includes(evidence)) p.evidence.push(evidence);
      const sex = cellAt(c, col.sex).toLowerCase();
      if (!p.sexes.includes(sex)) p.sexes.push(sex);
    }
  }

  let excluded = 0;
  let zhNamed = 0;
  for (const p of pairs.values()) {
    const probability = pooledProbability(p.freqs);
    if (p.positive === 0 || probability === 0) {
      excluded++;
      continue;
    }
    const diseaseId = diseaseConceptId(p.disease);
    if (!b.concepts.has(diseaseId) && addDisease(b, p.disease, names.get(p.disease)!, xrefs)) zhNamed++;
    const findingId = hpoConceptId(p.hpo);
    if (!b.concepts.has(findingId)) {
      const label = labels.get(p.hpo)!;
      b.concept(
        findingId,
        'finding',
        { en: label.en, zh: label.zh || undefined },
        { codes: [{ system: HPO_SYSTEM, code: p.hpo }] },
      );
    }
    const sex = p.sexes.length === 1 ? p.sexes[0] : '';
    // Pooled patient counts, so a consumer can tell 1/1 from 40/40 (and shrink small cohorts).
    const counts = p.freqs.filter((f) => f.kind === 'count');
    const cohort = counts.length
      ? { n: counts.reduce((a, f) => a + f.n, 0), m: counts.reduce((a, f) => a + f.m, 0) }
      : undefined;
    b.relation('has-finding', diseaseId, findingId, p.orphanet ? sources.orphanet.id : sources.hpo.id, {
      probability,
      frequency: p.raw.length ? p.raw.join('; ') : null,
      ...(cohort ?? {}),
      evidence: p.evidence.sort().join(','),
      ...(sex ? { sex } : {}),
    });
  }
  const note = [
    `${pairs.size} disease–phenotype pairs`,
    `${excluded} NOT/zero-frequency pairs left out`,
    `${unlabelled.size} obsolete HPO ids without a label skipped`,
    `${zhNamed} diseases named in Chinese (ICD-10 国家临床版, national rare-disease list)`,
  ].join('; ');
  b.sources.set(sources.hpo.id, { ...sources.hpo, note: `${sources.hpo.note} ${note}` });
  return b.build({
    kind: 'hpo',
    contentHash: contentHash(hpoaText, labelsText, xrefs ? xrefs.fingerprint : ''),
    path: where.hpoa,
  });
}

/** A trimmed cell of a split line ('' past its end); a plain function, not a closure per line (250,000 lines). */
function cellAt(cells: readonly string[], k: number): string {
  return (cells[k] ?? '').trim();
}

export function diseaseConceptId(databaseId: string): string {
  const [db, n] = databaseId.split(':');
  return `${db!.toLowerCase()}:${n}`;
}

export function hpoConceptId(hpo: string): string {
  return `hpo:${hpo}`;
}

/**
 * Adds an OMIM / Orphanet / DECIPHER disease with its codes; true when it got a Chinese name: the 国家临床版 name
 * its ICD-10 code gives it, else its name on the national rare-disease list (CCRD) when that entry is the same disease.
 */
function addDisease(b: BatchBuilder, databaseId: string, name: string, xrefs?: DiseaseXrefs): boolean {
  const [db, n] = databaseId.split(':') as [string, string];
  const system = db === 'OMIM' ? OMIM_SYSTEM : db === 'ORPHA' ? ORPHANET_SYSTEM : DECIPHER_SYSTEM;
  const mapped = db === 'DECIPHER' ? undefined : xrefs?.termOf(db as 'OMIM' | 'ORPHA', n);
  const zh = mapped?.oneToOne ? xrefs!.zhNameOf(mapped.term, cleanName(name)) : undefined;
  const listed = zh || db === 'DECIPHER' ? undefined : xrefs?.listedNameOf(db as 'OMIM' | 'ORPHA', n);
  b.concept(
    diseaseConceptId(databaseId),
    'disease',
    { en: cleanName(name), zh: zh?.name ?? listed?.name },
    {
      codes: [
        { system, code: n },
        ...(mapped ? xrefs!.codesOf(mapped.term) : []),
        ...(zh ? [{ system: zh.origin.system, code: zh.origin.code }] : []),
      ],
      synonyms: (listed?.synonyms ?? []).map((term) => ({ term, lang: 'zh' as const })),
      attrs: {
        ...(mapped ? { doid: mapped.term.id, doidMatch: mapped.oneToOne ? 'one-to-one' : 'broader' } : {}),
        ...(zh ? { nameZhFrom: zh.origin } : listed ? { nameZhFrom: listed.origin } : {}),
      },
    },
  );
  return zh !== undefined || listed !== undefined;
}

/** OMIM titles come with a leading `#`/`%` symbol and synonyms after `;;` in older files. */
function cleanName(name: string): string {
  return name
    .replace(/^[#%+*^]\s*\d*\s*/, '')
    .split(';;')[0]!
    .trim();
}
