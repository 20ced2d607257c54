import { invalid, parseCsv } from '../../core/index.js';
import { type BatchData, BatchBuilder } from '../batch.js';
import type { ConceptType, KgSource, RelationType } from '../model.js';
import { contentHash, fileIn, readText } from './read-input.js';

/**
 * The two crawled Chinese disease graphs. Neither has a licence: both sources are marked
 * `shippable: false`, so a release containing them is never a default release; they exist for
 * research and the benchmarks. Concepts are keyed by type and Chinese name (`zh:disease:百日咳`),
 * so the two graphs meet where they name the same thing.
 */
export const XYWY_SOURCE: KgSource = {
  id: 'xywy',
  name: '寻医问药 jib.xywy.com (crawl)',
  document:
    'Tonystark-001/MedicalKGQA data/medical_*.json (re-crawl of liuhuanyong/QASystemOnMedicalKG), flattened to triples.tsv',
  version: '47e5b2951683fabedb5b898e7c32b832f72d23f7',
  url: 'https://github.com/Tonystark-001/MedicalKGQA',
  licence: 'none found (no LICENSE; crawled from a commercial website)',
  date: '2020-09-17',
  note: 'Crawl with no licence: research and benchmarks only; MedSeek must never ship it as a default release. Consumer-web quality, not clinically validated.',
  shippable: false,
};

export const HEALTH39_SOURCE: KgSource = {
  id: '39health',
  name: '39健康网 39.net (crawl)',
  document: 'zhihao-chen/QASystemOnMedicalGraph data/disease.csv (GBK converted to UTF-8)',
  version: '384370dbc055b6e919efa53218dca4dbc153863e',
  url: 'https://github.com/zhihao-chen/QASystemOnMedicalGraph',
  licence: 'none found (no LICENSE; crawled from a commercial website)',
  date: '2019-05-24',
  note: 'Crawl with no licence: research and benchmarks only; MedSeek must never ship it as a default release. Lists are truncated by the crawler.',
  shippable: false,
};

export function zhId(type: ConceptType, name: string): string {
  return `zh:${type}:${name}`;
}

/** xywy relation → (graph relation, object type, direction). `reverse`: the object is the edge's start. */
const XYWY: Record<string, { rel: RelationType; type: ConceptType; reverse?: boolean }> = {
  has_symptom: { rel: 'has-finding', type: 'finding' },
  need_check: { rel: 'needs-test', type: 'lab' },
  common_drug: { rel: 'indication', type: 'drug', reverse: true },
  belongs_to_department: { rel: 'department', type: 'department' },
  has_complication: { rel: 'complication', type: 'disease' },
  treat_way: { rel: 'treated-by', type: 'therapy' },
  avoid_food: { rel: 'avoid-food', type: 'food' },
  good_food: { rel: 'good-food', type: 'food' },
  recommand_recipes: { rel: 'recipe', type: 'food' },
};

export function readXywy(path: string): BatchData {
  const file = fileIn(path, 'triples.tsv');
  return parseXywy(readText(file), file);
}

/** `disease<TAB>relation<TAB>object` per line (triples.tsv). */
export function parseXywy(text: string, where = 'triples.tsv'): BatchData {
  const b = new BatchBuilder();
  const src = b.source(XYWY_SOURCE);
  const lines = text.split(/\r?\n/);
  lines.forEach((raw, i) => {
    if (!raw.trim()) return;
    const parts = raw.split('\t');
    const at = `${where} line ${i + 1}`;
    if (parts.length !== 3)
      throw invalid(`expected 3 tab-separated columns (disease, relation, object), got ${parts.length}`, { where: at });
    const [disease, relation, object] = parts.map((p) => p.trim()) as [string, string, string];
    const map = XYWY[relation];
    if (!map)
      throw invalid(`unknown relation '${relation}'; known: ${Object.keys(XYWY).join(', ')}`, {
        where: at,
        field: 'relation',
      });
    if (!disease || !object) throw invalid('empty disease or object', { where: at });
    const d = b.concept(zhId('disease', disease), 'disease', { zh: disease });
    const o = b.concept(zhId(map.type, object), map.type, { zh: object });
    if (map.reverse) b.relation(map.rel, o, d, src);
    else b.relation(map.rel, d, o, src);
  });
  return b.build({ kind: 'xywy', contentHash: contentHash(text), path: where });
}

export function readHealth39(path: string): BatchData {
  const file = fileIn(path, 'disease.csv');
  return parseHealth39(readText(file), file);
}

const H39_COLUMNS = [
  'name',
  'alias',
  'part',
  'age',
  'infection',
  'insurance',
  'department',
  'checklist',
  'symptom',
  'complication',
  'treatment',
  'drug',
  'period',
  'rate',
  'money',
];

/** Splits a crawled list cell: space-separated, `[详细]` link labels and truncated items (`…...`) dropped. */
function items(cell: string | undefined, sep: RegExp = /\s+/): string[] {
  return (cell ?? '')
    .replace(/\[详细\]/g, ' ')
    .split(sep)
    .map((s) => s.trim())
    .filter((s) => s && !s.endsWith('...') && !s.endsWith('…'));
}

/** disease.csv of 39health: one disease per row, multi-valued cells space-separated. */
export function parseHealth39(text: string, where = 'disease.csv'): BatchData {
  const rows = parseCsv(text, where);
  const header = rows.shift();
  const cols = header?.cells.map((c) => c.trim()) ?? [];
  for (const [i, name] of H39_COLUMNS.entries()) {
    if (cols[i] !== name)
      throw invalid(`column ${i + 1} must be '${name}', got '${cols[i] ?? ''}'`, { where: `${where} line 1` });
  }
  const b = new BatchBuilder();
  const src = b.source(HEALTH39_SOURCE);
  for (const { line, cells } of rows) {
    const get = (name: string) => cells[H39_COLUMNS.indexOf(name)];
    const name = get('name')?.trim();
    if (!name) throw invalid('empty disease name', { where: `${where} line ${line}`, field: 'name' });
    const attrs: Record<string, string> = {};
    for (const k of ['age', 'infection', 'insurance', 'period', 'rate', 'money']) {
      const v = get(k)
        ?.replace(/\[详细\]/g, '')
        .trim();
      if (v) attrs[k] = v;
    }
    const d = b.concept(
      zhId('disease', name),
      'disease',
      { zh: name },
      { synonyms: items(get('alias'), /[,，、\s]+/).map((term) => ({ term, lang: 'zh' as const })), attrs },
    );
    const link = (col: string, rel: RelationType, type: ConceptType, reverse = false, sep?: RegExp) => {
      for (const it of items(get(col), sep)) {
        const o = b.concept(zhId(type, it), type, { zh: it });
        if (reverse) b.relation(rel, o, d, src);
        else b.relation(rel, d, o, src);
      }
    };
    link('part', 'located-in', 'body-site');
    link('department', 'department', 'department');
    link('checklist', 'needs-test', 'lab');
    link('symptom', 'has-finding', 'finding');
    link('complication', 'complication', 'disease');
    link('treatment', 'treated-by', 'therapy', false, /[、\s]+/);
    link('drug', 'indication', 'drug', true);
  }
  return b.build({ kind: '39health', contentHash: contentHash(text), path: where });
}
