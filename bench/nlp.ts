import { existsSync } from 'node:fs';
import { join } from 'node:path';
import ccks2017 from './ccks2017.js';
import cmeee from './cmeee.js';
import type { Benchmark } from './lib/harness.js';
import negex from './negex.js';
import { readCcks } from './nlp-lib/ccks.js';
import { readNegexTsv } from './nlp-lib/negex-eval.js';
import { benchLexicon } from './nlp-lib/release-lexicon.js';
import { measureThroughput } from './nlp-lib/throughput.js';

/**
 * The NLP stage's benchmarks in one run (issue 3): NegEx negation, CCKS2017 and CMeEE NER, and
 * throughput of extractFacts against a plain Aho–Corasick scan with the same lexicon. `--data` is
 * the shared data folder; results go to bench/results/nlp.json. `--quality false` measures the
 * throughput only (the quality figures are the negex, ccks2017 and cmeee benches' own results).
 */
export default {
  name: 'nlp',
  description: 'NLP stage: NegEx negation, CCKS2017 + CMeEE NER, throughput vs an Aho–Corasick scan',
  defaultData: '../shared/data',
  async run({ data, args, log }) {
    const paths = {
      negex: join(data, 'negex', 'negex_annotations_part1.tsv'),
      ccks2017: join(data, 'emr-ccks2017-ner', 'ccks2017_emr_records.jsonl'),
      cmeee: join(data, 'cblue', 'CMeEE', 'CMeEE_dev_part1.json'),
    };
    const result: Record<string, unknown> = {};
    const table: Record<string, unknown>[] = [];
    const quality = args.quality !== 'false';
    for (const [name, bench] of quality
      ? ([
          ['negex', negex],
          ['ccks2017', ccks2017],
          ['cmeee', cmeee],
        ] as const)
      : []) {
      if (!existsSync(paths[name])) {
        log(`${name}: ${paths[name]} not found, skipped`);
        continue;
      }
      log(`— ${name}`);
      const r = await bench.run({ data: paths[name], args, log });
      const { table: _t, errors: _e, ...figures } = r as Record<string, unknown>;
      result[name] = figures;
      const f = figures as { precision: number; recall: number; f1: number };
      const pub =
        name === 'negex'
          ? 'negex.py same file 0.922'
          : name === 'ccks2017'
            ? 'test-set SOTA 0.913 (supervised)'
            : 'BERT-base 0.621 (15k train)';
      table.push({ benchmark: name, precision: f.precision, recall: f.recall, f1: f.f1, published: pub });
    }
    // --lexicon builtin (default) | store (the active knowledge release) | names: see nlp-lib/release-lexicon.ts
    const chosen = await benchLexicon(args.lexicon ?? 'builtin', data);
    const lexicon = chosen.lexicon;
    // the goal is stated for the broad release (`--lexicon store` on a store whose active release is it)
    log(
      chosen.releaseTerms > 0
        ? `lexicon: ${chosen.label}, ${chosen.releaseTerms} release terms, ` +
            `built in ${chosen.buildCpuMs.toFixed(0)} ms CPU`
        : `lexicon: ${chosen.label} (${lexicon.size} terms)`,
    );
    const minSeconds = Number(args.seconds ?? 2);
    const throughput: Record<string, unknown> = {};
    if (existsSync(paths.negex)) {
      const notes = [...new Set(readNegexTsv(paths.negex).map((r) => r.sentence))];
      throughput.en = { corpus: 'NegEx sentences (unique)', ...measureThroughput(notes, lexicon, 'en', minSeconds) };
    }
    if (existsSync(paths.ccks2017)) {
      const byRecord = new Map<number, string[]>();
      for (const t of readCcks(paths.ccks2017)) byRecord.set(t.record, [...(byRecord.get(t.record) ?? []), t.text]);
      const notes = [...byRecord.values()].map((s) => s.join('\n'));
      throughput.zh = {
        corpus: 'CCKS2017 records (sections joined)',
        ...measureThroughput(notes, lexicon, 'zh', minSeconds),
      };
    }
    for (const [lang, t] of Object.entries(throughput) as [string, ReturnType<typeof measureThroughput>][]) {
      log(
        `throughput ${lang}: extract ${t.extract.mbPerSecond.toFixed(2)} MB/s (${t.extract.notesPerSecond.toFixed(0)} notes/s; first pass ${(t.extract.firstPassSeconds * 1000).toFixed(0)} ms CPU); raw scan ${t.ahoCorasickScan.mbPerSecond.toFixed(2)} MB/s (ratio ${t.ratioToScan.toFixed(3)}); longest-match scan ${t.ahoCorasickMatch.mbPerSecond.toFixed(2)} MB/s (ratio ${t.ratioToMatch.toFixed(3)})`,
      );
      table.push({
        benchmark: `throughput ${lang}`,
        lexicon: chosen.label,
        mbPerSecond: t.extract.mbPerSecond,
        notesPerSecond: t.extract.notesPerSecond,
        scanMbPerSecond: t.ahoCorasickScan.mbPerSecond,
        ratioToScan: t.ratioToScan,
        ratioToMatch: t.ratioToMatch,
        published: 'goal ≥1 MB/s/core, ≥0.2 of scan',
      });
    }
    return {
      split: quality
        ? 'throughput on the whole files; the quality figures inside are the negex, ccks2017 and cmeee benches run with their defaults'
        : 'throughput on the whole files (no labels used); quality benches not run (--quality false)',
      inputs: Object.values(paths).filter((p) => existsSync(p)),
      ...result,
      throughput,
      lexiconTerms: lexicon.size,
      lexicon: { which: chosen.label, releaseTerms: chosen.releaseTerms, buildCpuMs: chosen.buildCpuMs },
      table,
    };
  },
} satisfies Benchmark;
