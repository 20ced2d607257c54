import { createHash } from 'node:crypto';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { builtinLexicon, extractFacts, type Lexicon } from '../../src/nlp/index.js';
import { readCcks } from './ccks.js';
import { readNegexTsv } from './negex-eval.js';
import { benchLexicon } from './release-lexicon.js';

/**
 * The equality harness for behaviour-preserving work on the NLP stage: every extraction of the throughput
 * bench's corpora (the 200 CCKS2017 records, the unique NegEx sentences), with every fact, section and
 * sentence in order, as one JSON line per note, under several option sets (built-in and release-sized
 * lexicons, note and admission dates, a patient's own words). Run it before a change and after, and compare:
 *   npx tsx bench/nlp-lib/dump-extraction.ts --out /tmp/before.jsonl [--data ../shared/data]
 * It prints the SHA-256 of the file and the fact count.
 */
export function dumpExtractions(data: string, names: Lexicon): string[] {
  const byRecord = new Map<number, string[]>();
  for (const t of readCcks(join(data, 'emr-ccks2017-ner', 'ccks2017_emr_records.jsonl')))
    byRecord.set(t.record, [...(byRecord.get(t.record) ?? []), t.text]);
  const zh = [...byRecord.values()].map((s) => s.join('\n'));
  const en = [...new Set(readNegexTsv(join(data, 'negex', 'negex_annotations_part1.tsv')).map((r) => r.sentence))];
  const builtin = builtinLexicon();
  const dated = { anchorDate: '2020-03-15', patientId: 'p1' };
  const runs: [string, readonly string[], Parameters<typeof extractFacts>[1]][] = [
    ['zh builtin', zh, { lang: 'zh', lexicon: builtin }],
    ['zh names dated', zh, { lang: 'zh', lexicon: names, ...dated, document: 'DocumentReference/1' }],
    ['zh admitted', zh, { lang: 'zh', lexicon: builtin, ...dated, admissionDate: '2020-03-01' }],
    ['zh auto patient', zh, { lexicon: builtin, speech: 'patient' }],
    ['en builtin', en, { lang: 'en', lexicon: builtin }],
    ['en dated patient', en, { lang: 'en', lexicon: builtin, ...dated, speech: 'patient' }],
    ['en auto', en, { lexicon: builtin, admissionDate: '2020-03-01' }],
  ];
  const lines: string[] = [];
  for (const [run, notes, options] of runs)
    notes.forEach((note, i) => {
      // a key set to undefined is written too: the output's shape, not only its values, is compared
      lines.push(JSON.stringify({ run, note: i, ...extractFacts(note, options) }, (_k, v) => v ?? null));
    });
  return lines;
}

async function main() {
  const { values } = parseArgs({ options: { out: { type: 'string' }, data: { type: 'string' } } });
  if (!values.out) throw new Error('usage: dump-extraction.ts --out FILE [--data ../shared/data]');
  const data = values.data ?? '../shared/data';
  const { lexicon: names } = await benchLexicon('names', data);
  const lines = dumpExtractions(data, names);
  const text = `${lines.join('\n')}\n`;
  writeFileSync(values.out, text);
  const facts = lines.reduce((a, l) => a + (JSON.parse(l) as { facts: unknown[] }).facts.length, 0);
  console.log(`${lines.length} notes, ${facts} facts, sha256 ${createHash('sha256').update(text).digest('hex')}`);
}

await main();
