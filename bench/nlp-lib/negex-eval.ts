import { readFileSync } from 'node:fs';
import { detectAssertions } from '../../src/nlp/index.js';

/** One row of the NegEx annotation file: Report No., Concept, Sentence, Negation (Affirmed|Negated). */
export interface NegexRow {
  readonly report: string;
  readonly concept: string;
  readonly sentence: string;
  readonly negated: boolean;
}

export function readNegexTsv(path: string): NegexRow[] {
  const lines = readFileSync(path, 'utf8').split(/\r?\n/);
  const rows: NegexRow[] = [];
  lines.forEach((line, i) => {
    if (i === 0 && /^report/i.test(line)) return;
    if (!line.trim()) return;
    const [report, concept, sentence, label] = line.split('\t');
    if (concept === undefined || sentence === undefined || label === undefined)
      throw new Error(`${path} line ${i + 1}: expected 4 tab-separated columns`);
    rows.push({ report: report!, concept: concept.trim(), sentence, negated: /^negated$/i.test(label.trim()) });
  });
  return rows;
}

/**
 * Where the concept is in the sentence: the upper-cased copy first, then any case, then with any
 * run of spaces between its words (wrapped lines leave several).
 */
export function findConcept(sentence: string, concept: string): { start: number; end: number } | undefined {
  const c = concept.trim();
  let i = sentence.indexOf(c.toUpperCase());
  if (i < 0) i = sentence.toLowerCase().indexOf(c.toLowerCase());
  if (i >= 0) return { start: i, end: i + c.length };
  const words = c.split(/\s+/).map((w) => w.replace(/[.*+?^${}()|[\]\\]/g, '\\$&'));
  const m = new RegExp(words.join('\\s+'), 'i').exec(sentence);
  return m ? { start: m.index, end: m.index + m[0].length } : undefined;
}

export interface NegexScore {
  n: number;
  tp: number;
  fp: number;
  fn: number;
  tn: number;
  notFound: number;
  precision: number;
  recall: number;
  f1: number;
  accuracy: number;
  errors: { concept: string; sentence: string; gold: string; predicted: string; triggers: string[] }[];
}

/** Scores the "negated" class: predicted negated when the concept's assertion is `absent`. */
export function scoreNegex(rows: readonly NegexRow[]): NegexScore {
  let tp = 0;
  let fp = 0;
  let fn = 0;
  let tn = 0;
  let notFound = 0;
  const errors: NegexScore['errors'] = [];
  for (const r of rows) {
    const span = findConcept(r.sentence, r.concept);
    let predicted = false;
    let triggers: string[] = [];
    if (span) {
      const [res] = detectAssertions(r.sentence, [span], { lang: 'en' });
      predicted = res!.assertion === 'absent';
      triggers = res!.modifiers.map((m) => `${m.rule.category}:${r.sentence.slice(m.start, m.end)}`);
    } else notFound++;
    if (predicted && r.negated) tp++;
    else if (predicted) fp++;
    else if (r.negated) fn++;
    else tn++;
    if (predicted !== r.negated)
      errors.push({
        concept: r.concept,
        sentence: r.sentence,
        gold: r.negated ? 'negated' : 'affirmed',
        predicted: predicted ? 'negated' : 'affirmed',
        triggers,
      });
  }
  const precision = tp / Math.max(1, tp + fp);
  const recall = tp / Math.max(1, tp + fn);
  const f1 = precision + recall === 0 ? 0 : (2 * precision * recall) / (precision + recall);
  return {
    n: rows.length,
    tp,
    fp,
    fn,
    tn,
    notFound,
    precision,
    recall,
    f1,
    accuracy: (tp + tn) / Math.max(1, rows.length),
    errors,
  };
}
