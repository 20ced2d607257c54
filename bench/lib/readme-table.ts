import { existsSync, readFileSync } from 'node:fs';
import { basename, join } from 'node:path';
import { replaceBetweenMarkers } from '../../src/core/index.js';

/**
 * The README's figure table, built from bench/results/*.json only (`npm run bench:table`), so the
 * text cannot drift from the results. Each row names the result files it reads and turns their fields
 * into the three cells; a field that is missing stops the build with the file and field named. Goals
 * are the issues' goals (text here); every measured or published number comes from a JSON.
 */
export const START = '<!-- bench:table:start -->';
export const END = '<!-- bench:table:end -->';

type Json = Record<string, unknown>;

interface Row {
  readonly files: readonly string[];
  /** A timing benchmark: its label says how loaded the machine was (provenance.load). */
  readonly timing?: boolean;
  readonly cells: (get: Getter[]) => readonly [label: string, ours: string, reference: string];
}

/** Reads a field by dotted path; throws naming the file and the path when it is absent. */
export interface Getter {
  (path: string): unknown;
  num(path: string): number;
  has(path: string): boolean;
}

function getter(file: string, json: Json): Getter {
  const lookup = (path: string): unknown =>
    path.split('.').reduce<unknown>((v, k) => (v !== null && typeof v === 'object' ? (v as Json)[k] : undefined), json);
  const get = ((path: string) => {
    const v = lookup(path);
    if (v === undefined || v === null) throw new Error(`${file}: field '${path}' is missing (re-run the benchmark)`);
    return v;
  }) as Getter;
  get.num = (path) => {
    const v = get(path);
    if (typeof v !== 'number' || !Number.isFinite(v)) throw new Error(`${file}: field '${path}' is not a number`);
    return v;
  };
  get.has = (path) => lookup(path) !== undefined && lookup(path) !== null;
  return get;
}

const fx = (x: number, d: number) => x.toFixed(d);
const pct = (x: number, d = 1) => `${(100 * x).toFixed(d)} %`;
const range = (xs: readonly number[], d: number, unit = '') => {
  const lo = fx(Math.min(...xs), d);
  const hi = fx(Math.max(...xs), d);
  return lo === hi ? `${lo}${unit}` : `${lo}–${hi}${unit}`;
};
const seedSpread = (g: Getter, key: string) =>
  g.has(`spread.${key}`) ? ` (${fx(g.num(`spread.${key}.min`), 2)}–${fx(g.num(`spread.${key}.max`), 2)})` : '';

/** The NER rows: the report half's F1 where the JSON has halves, else the cross-validated F1. */
function nerOurs(g: Getter): string {
  const f1 = g.has('reportHalf.f1') ? g.num('reportHalf.f1') : g.num('f1');
  const dev = g.has('devHalf.f1') ? ` (dev half ${fx(g.num('devHalf.f1'), 3)})` : '';
  return `**F1 ${fx(f1, 3)}**${dev}`;
}
const nerScope = (g: Getter) => {
  const cv = g.has('folds') ? `${(g('folds') as unknown[]).length}-fold CV` : 'split as in the JSON';
  return g.has('reportHalf.f1') ? `report half, ${cv}` : cv;
};

type Published = { method: string; gtpa1: number; il: number };
const ddxRef = (g: Getter, method: string): Published => {
  const row = (g('published.rows') as Published[]).find((r) => r.method === method);
  if (!row) throw new Error(`ddxplus: published row '${method}' is missing`);
  return row;
};
const dxyRef = (g: Getter, prefix: string) => {
  const row = (g('published.rows') as { method: string; accuracy: number; turns: number }[]).find((r) =>
    r.method.startsWith(prefix),
  );
  if (!row) throw new Error(`dxy: published row '${prefix}' is missing`);
  return `${fx(row.accuracy, 3)} / ${row.turns}`;
};
const ddxScope = (g: Getter) =>
  `${g('split.scored')} half: ${g.num('n')} of ${g.num('split.of')} scored patients, learned from other patients`;
const mode = (g: Getter, want: string) => {
  if (g('mode') !== want) throw new Error(`ddxplus result is mode '${String(g('mode'))}', this row needs '${want}'`);
  return want;
};

type Throughput = { extract: { mbPerSecond: number }; ratioToScan: number };
type IngestRow = { run: string; backend: string; resourcesPerSecond: number };
type Measure = { measure: string; p50: number; p99?: number };

const ROWS: readonly Row[] = [
  {
    files: ['negex.json'],
    cells: ([g]) => [
      `\`negex\` (NegEx sentences, negated class; ${g!('split.scored')} half, ${g!.num('split.rows')} of ${g!.num('split.of').toLocaleString('en')} rows)`,
      `P ${fx(g!.num('precision'), 3)}, R ${fx(g!.num('recall'), 3)}, **F1 ${fx(g!.num('f1'), 3)}**`,
      g!.has('reference.f1')
        ? `reference negex.py on the whole file F1 ${fx(g!.num('reference.f1'), 3)} (ours on the whole file ${fx(g!.num('wholeFile.f1'), 3)})`
        : 'no reference for this file',
    ],
  },
  {
    files: ['ccks2017.json'],
    cells: ([g]) => [
      `\`ccks2017\` (Chinese EMR NER, 5 types, strict; ${nerScope(g!)})`,
      nerOurs(g!),
      `≈ ${fx(Math.max(...Object.values(g!('published.f1') as Record<string, number>)), 3)} on the (absent) test set`,
    ],
  },
  {
    files: ['cmeee.json'],
    cells: ([g]) => [
      `\`cmeee\` (CMeEE dev part, strict; ${nerScope(g!)})`,
      nerOurs(g!),
      `BERT-base ${fx(g!.num('published.f1.BERT-base'), 3)} (trained on 15k sentences)`,
    ],
  },
  {
    files: ['nlp.json'],
    timing: true,
    cells: ([g]) => {
      const t = (lang: string) => g!(`throughput.${lang}`) as Throughput;
      return [
        g!('lexiconTerms') === undefined
          ? '`nlp` throughput'
          : `\`nlp\` throughput (lexicon of ${Math.round(g!.num('lexiconTerms')).toLocaleString('en')} terms)`,
        `${fx(t('en').extract.mbPerSecond, 1)} MB/s/core (en), ${fx(t('zh').extract.mbPerSecond, 1)} MB/s/core (zh)`,
        `${fx(t('en').ratioToScan, 2)} / ${fx(t('zh').ratioToScan, 2)} of a bare Aho–Corasick scan`,
      ];
    },
  },
  {
    files: ['ddxplus.json'],
    cells: ([g]) => [
      `\`ddxplus --mode ${mode(g!, 'full')}\` (${ddxScope(g!)})`,
      `**GTPA@1 ${fx(g!.num('gtpa1'), 2)} %**, DDF1@1 ${fx(g!.num('ddf1_1'), 1)}`,
      `AARLC ${ddxRef(g!, 'AARLC (without differential)').gtpa1} %, BASD ${ddxRef(g!, 'BASD (without differential)').gtpa1} % (trained on ~1M patients)`,
    ],
  },
  {
    files: ['ddxplus-interactive.json'],
    cells: ([g]) => {
      const a = ddxRef(g!, 'AARLC (without differential)');
      const b = ddxRef(g!, 'BASD (without differential)');
      return [
        `\`ddxplus --mode ${mode(g!, 'interactive')}\` (${ddxScope(g!)})`,
        `GTPA@1 ${fx(g!.num('gtpa1'), 2)} % with **${fx(g!.num('il'), 2)} questions**`,
        `AARLC ${a.gtpa1} % / ${a.il}; BASD ${b.gtpa1} % / ${b.il}`,
      ];
    },
  },
  {
    // Held back: the dev half (the report half was looked at while the method was designed).
    files: ['federated.json'],
    cells: ([g]) => {
      const sites = (g!('hospitals') as unknown[]).length;
      return [
        `\`federated\` (DDXPlus and DXY, ${sites} simulated hospitals each with different case mixes; GTPA@1 on the dev half of each hospital's held-back patients, mean; the report half and a fresh held-out set, scored once, in docs/learning.md)`,
        `DDXPlus: local ${fx(g!.num('local'), 2)} %, **federated ε = 8 ${fx(g!.num('federated_eps8'), 2)} %**, ε = 1 ` +
          `${fx(g!.num('federated_eps1'), 2)} %, pooled ${fx(g!.num('pooled'), 2)} %; DXY: local ${fx(g!.num('dxy.local'), 2)} %, ` +
          `**ε = 8 ${fx(g!.num('dxy.federated_eps8'), 2)} %**, ε = 1 ${fx(g!.num('dxy.federated_eps1'), 2)} %, pooled ${fx(g!.num('dxy.pooled'), 2)} %`,
        `goal ε = 8 within 1 point of pooled (DDXPlus ${g!('goal.eps8WithinOnePointOfPooled') ? 'met' : 'not met'}, ` +
          `DXY ${g!('dxy.goal.eps8WithinOnePointOfPooled') ? 'met' : 'not met'}) and above local ` +
          `(DDXPlus ${g!('goal.eps8AboveLocal') ? 'met' : 'not met'}, DXY ${g!('dxy.goal.eps8AboveLocal') ? 'met' : 'not met'})`,
      ];
    },
  },
  {
    files: ['dxy.json'],
    cells: ([g]) => [
      `\`dxy\` (${g!('split.scored')} half, ${g!.num('split.records')} of ${g!.num('split.of')} test records; ` +
        `learned from ${basename(String(g!('split.learnedFrom')).split(' (')[0]!)} only; 20-turn protocol)`,
      `**accuracy ${fx(g!.num('accuracy'), 3)} with ${fx(g!.num('turns'), 2)} questions**`,
      `HRL ${dxyRef(g!, 'HRL (')}, KR-DS ${dxyRef(g!, 'KR-DS')} (re-runs, source in the JSON)`,
    ],
  },
  {
    files: ['broad.json'],
    cells: ([g]) => {
      const at = (net: string, set: string) =>
        `${pct(g!.num(`summary.${net}.${set}.top1`))} / ${pct(g!.num(`summary.${net}.${set}.top5`))}`;
      return [
        `\`broad\` (${g!('split.scored')} half: ${g!.num('summary.release.ddxplus.cases')} DDXPlus, ` +
          `${g!.num('summary.release.dxy.cases')} DXY cases; reference by ICD-10 code among all the broad release's diseases)`,
        `top-1 / top-5: DDXPlus **${at('release', 'ddxplus')}** (${at('withoutDdxplus', 'ddxplus')} without the DDXPlus ` +
          `batch), DXY self-report **${at('release', 'dxy')}** (${at('withoutDdxplus', 'dxy')})`,
        'peers learn from the set and choose among its own 49 / 5 diseases (figures and sources in the JSON)',
      ];
    },
  },
  {
    files: ['diagnosis.json'],
    timing: true,
    cells: ([g]) => [
      '`diagnosis` speed',
      `posterior ${fx(g!.num('ddxplus.updateMs.p50'), 2)} ms, next question ${fx(g!.num('ddxplus.nextQuestionMs.p50'), 2)} ms p50 (DDXPlus); ` +
        `${fx(g!.num('kg.updateMs.p50'), 2)} / ${fx(g!.num('kg.nextQuestionMs.p50'), 2)} ms (${g!.num('kg.diseases').toLocaleString('en')}-disease KG); ` +
        `${fx(g!.num('synthetic.updateMs.p50'), 1)} / ${fx(g!.num('synthetic.nextQuestionMs.p50'), 1)} ms ` +
        `(${g!.num('synthetic.diseases').toLocaleString('en')}-disease synthetic network, ${g!.num('synthetic.edges').toLocaleString('en')} edges)`,
      `goals < ${g!.num('ddxplus.goalMs')} ms / < ${g!.num('kg.goalMs')} ms`,
    ],
  },
  {
    files: ['knowledge.json'],
    timing: true,
    cells: ([g]) => [
      '`knowledge`',
      `${Math.round(g!.num('results.postgres.xywyRelations') / 1000)}k-relation Chinese KG imported in ${fx(g!.num('results.postgres.xywyImportMs') / 1000, 0)} s ` +
        `(PostgreSQL), ${fx(g!.num('results.pglite.xywyImportMs') / 1000, 0)} s (PGlite); lookup p50 ${fx(g!.num('results.postgres.lookupP50Ms'), 1)} ms ` +
        `(PostgreSQL), ${fx(g!.num('results.pglite.lookupP50Ms'), 1)} ms (PGlite)`,
      '—',
    ],
  },
  {
    files: ['ingest.json'],
    timing: true,
    cells: ([g]) => {
      const runs = (g!('table') as IngestRow[]).filter((r) => !/COPY/.test(r.run));
      const rate = (backend: string) =>
        range(
          runs.filter((r) => r.backend === backend).map((r) => r.resourcesPerSecond / 1000),
          1,
          'k',
        );
      return [
        `\`ingest\` (${g!.num('bundles')} Synthea bundles + ${fx(g!.num('largeNdjson.mib'), 0)} MB NDJSON)`,
        `PostgreSQL ${rate('postgres')} resources/s, PGlite ${rate('pglite')}/s`,
        `end to end with the search index ` +
          `${range([g!.num('copyEndToEndToCopyRatio'), g!.num('copyEndToEndToCopyRatioLarge')], 2)} ` +
          `of a plain \`COPY\` through the COPY sink (a load into an empty store drops the secondary indexes and rebuilds ` +
          `them at the end, crash-safe); batched writes ` +
          `${range([g!.num('importToCopyRatio'), g!.num('importToCopyRatioLarge')], 2)} before their search index (goal 0.5)`,
      ];
    },
  },
  {
    files: ['rules.json'],
    timing: true,
    cells: ([g]) => {
      const p99 = (re: RegExp) =>
        (g!('cdsHooks') as Measure[])
          .filter((m) => /at 50 rps/.test(m.measure) && re.test(m.measure))
          .map((m) => m.p99!);
      return [
        '`rules`',
        `safety rules ${fx(g!.num('ruleEvaluation.p50'), 2)} ms/patient p50; CDS Hooks p99 **${range(p99(/paced/), 0)} ms** ` +
          `at 50 rps paced evenly (${range(p99(/autocannon/), 0)} ms with autocannon's one-second bursts of 50)`,
        `goal p99 < ${g!.num('published.goalP99Ms')} ms`,
      ];
    },
  },
  {
    // PharmCAT's own test cases (allele definitions and expected calls from its repository) and its whole-sample run.
    files: ['pgx.json'],
    cells: ([g]) => {
      const genes = (g!('table') as { gene: string; cases: number; exact: number }[])
        .map((r) => `${r.gene} ${r.exact}/${r.cases}`)
        .join(', ');
      return [
        `\`pgx\` (VCF → CPIC star alleles: ${g!.num('n')} PharmCAT test cases and its Sample_1)`,
        `diplotype list equal to PharmCAT's **${g!.num('exact')}/${g!.num('n')}** (${genes}); Sample_1: ` +
          `${g!.num('wholeSample.diplotypeMatch')}/${g!.num('wholeSample.genes')} genes' diplotypes and ` +
          `${g!.num('wholeSample.phenotypeMatch')}/${g!.num('wholeSample.genes')} phenotypes`,
        'PharmCAT (the reference implementation) on the same files',
      ];
    },
  },
  {
    files: ['fhir-search.json'],
    timing: true,
    cells: ([g]) => {
      const rows = g!('rows') as { backend: string; p50ms: number; p95ms: number }[];
      const at = (b: string) => rows.find((r) => r.backend === b);
      const shown = (b: string, label: string) =>
        at(b) ? `${label} ${fx(at(b)!.p50ms, 1)} ms p50 (p95 ${fx(at(b)!.p95ms, 1)})` : `${label} not run`;
      return [
        '`fhir-search` (a patient’s Observations by category and date, demo data)',
        `${shown('pglite', 'PGlite')}; ${shown('postgres', 'PostgreSQL')}`,
        'goal < 20 ms p50',
      ];
    },
  },
  {
    files: ['llm.json'],
    timing: true,
    cells: ([g]) => {
      // The de-identification files are named like hard.zh: keys with a dot, read from their object.
      const files = g!('deid.files') as Record<string, { recall?: number }>;
      const recall = (name: string) => {
        const r = files[name]?.recall;
        if (typeof r !== 'number') throw new Error(`llm.json: field 'deid.files["${name}"].recall' is missing`);
        return fx(r, 2);
      };
      return [
        '`llm`',
        `provider layer +${fx(g!.num('overhead_pct.server_20ms_p50'), 1)} % over raw HTTP (20 ms server); de-identification recall ` +
          `${fx(g!.num('deid.heldOut.recall'), 2)} on our held-out notes, ${recall('hard.zh')}/${recall('hard.en')} (zh/en) on a harder set`,
        `goal ${g!('goal.provider_overhead_pct')} %, recall ${g!('goal.deid_recall')}`,
      ];
    },
  },
  {
    files: ['verify.json', 'verify-en.json'],
    cells: ([zh, en]) => {
      const seeds = (g: Getter) =>
        g.has('seeds') ? `mean of ${(g('seeds') as number[]).length} seeds` : `seed ${g.num('seed')}`;
      const goal = zh!.num('goal.criticalRecall');
      const wrong = zh!.num('goal.wronglyFlaggedRate');
      const met = (ok: boolean) => (ok ? 'met' : 'not met');
      return [
        `\`verify\` (error injection, ${zh!('split.scored')} split; ${seeds(zh!)})`,
        `critical-type recall **${fx(zh!.num('criticalRecall'), 2)} zh**${seedSpread(zh!, 'criticalRecall')} (CCKS2017; blocked ` +
          `${fx(zh!.num('criticalBlockRecall'), 2)}), **${fx(en!.num('criticalRecall'), 2)} en**${seedSpread(en!, 'criticalRecall')} (Synthea; ` +
          `blocked ${fx(en!.num('criticalBlockRecall'), 2)}); unaltered claims wrongly flagged ${pct(zh!.num('wronglyFlaggedRate'))} zh, ` +
          `${pct(en!.num('wronglyFlaggedRate'))} en`,
        `goal ≥ ${goal} recall on critical types (${met(zh!.num('criticalRecall') >= goal && en!.num('criticalRecall') >= goal)}), ` +
          `≤ ${pct(wrong, 0)} wrongly flagged (${met(zh!.num('wronglyFlaggedRate') <= wrong && en!.num('wronglyFlaggedRate') <= wrong)})`,
      ];
    },
  },
  {
    // The report set was written by someone who never saw the engine; the older file's test half beside it.
    files: ['consult-answers.json', 'consult-answers-test.json'],
    cells: ([g, t]) => {
      const groups = (g!('table') as { group: string; value: number }[])
        .filter((r) => r.group !== 'all')
        .map((r) => `${r.group} ${fx(r.value, 2)}`)
        .join(', ');
      return [
        `\`consult-answers\` (${g!.num('split.items')} labelled patient answers, zh + en, written by someone who never saw the reader)`,
        `answer read right **${fx(g!.num('valueAccuracy'), 2)}** (${groups}); other findings named ` +
          `${fx(g!.num('findingsExact'), 2)}; on the older set's test half (${t!.num('split.items')} answers) ${fx(t!.num('valueAccuracy'), 2)}`,
        `goal ≥ 0.95 (${g!.num('valueAccuracy') >= 0.95 ? 'met' : 'not met'})`,
      ];
    },
  },
  {
    files: ['consult-redflags.json', 'consult-redflags-test.json'],
    cells: ([g, t]) => [
      `\`consult-redflags\` (${g!.num('emergencies')} emergencies, ${g!.num('benign')} look-alike benign complaints, as patients speak, ` +
        `written by someone who never saw the screen)`,
      `**${pct(g!.num('emergencyReachRate'), 0)}** of emergencies at the emergency exit within the complaint and two answers; ` +
        `**${pct(g!.num('benignFalseExitRate'), 1)}** of benign ones (older set's test half: ${pct(t!.num('emergencyReachRate'), 0)} / ` +
        `${pct(t!.num('benignFalseExitRate'), 0)})`,
      'goal 100 % / 0 %',
    ],
  },
  {
    // The report set was written by someone who never saw the reader (its first-sight score is in REPORT.md); the
    // reader was then fixed on its failures, so both sets are development data now.
    files: ['ask-report.json', 'ask.json'],
    cells: ([r, t]) => {
      const m = (g: Getter, mode: string, k: string) => g.num(`modes.${mode}.${k}`);
      const line = (g: Getter, mode: string) =>
        `${m(g, mode, 'correct')}/${m(g, mode, 'questions')} right, ${m(g, mode, 'refused')} refused, ` +
        `${m(g, mode, 'wrong')} wrong, ${m(g, mode, 'wrongWithUnsupportingCitation')} wrong with a citation that does not support it`;
      return [
        `\`ask\` (questions about the demo patients' records, zh + en, ${r!.num('modes.deterministic.questions')} written ` +
          `by someone who never saw the reader, ${t!.num('modes.deterministic.questions')} by its author)`,
        `report set (first-sight score in bench/data/ask/REPORT.md): **${line(r!, 'deterministic')}** (rules alone), ${line(r!, 'scripted-model')} (scripted model); ` +
          `author's set: ${line(t!, 'deterministic')}`,
        'wrong with an unsupporting citation: 0',
      ];
    },
  },
  {
    // Held-out records written from the norms by someone who did not write the rules, scored once; the dev half beside it.
    files: ['qc.json', 'qc-dev.json'],
    cells: ([g, d]) => {
      const all = (k: string) => g!.num(`total.${k}`);
      const added = (k: string) => g!.num(`addedByInjections.total.${k}`);
      const clean = (k: string) => g!.num(`cleanRecordsOnly.total.${k}`);
      const families = (g!('byFamily') as { key: string; precision: number | null; recall: number | null }[])
        .map(
          (f) =>
            `${f.key} ${f.precision === null ? '—' : fx(f.precision, 2)}/${f.recall === null ? '—' : fx(f.recall, 2)}`,
        )
        .join(', ');
      return [
        `\`qc\` (record QC, held out and scored once: ${g!.num('split.cleanRecords')} clean Chinese inpatient records ` +
          `and ${g!.num('split.records')} variants with ${all('injected')} injected defects, ` +
          `${g!.num('judgedFindings')} judged findings)`,
        `recall on injected defects **${fx(all('recall'), 2)}**; precision of the findings the defects add ` +
          `**${fx(added('precision'), 2)}**, of all findings **${fx(all('precision'), 2)}** (on the clean records alone ` +
          `${clean('truePositives')} of ${clean('findings')} findings are true); per family precision/recall: ${families}; ` +
          `dev half (${d!.num('split.cleanRecords')} records, held-out ones included after their fixes): all-findings ` +
          `precision ${fx(d!.num('total.precision'), 2)}, recall ${fx(d!.num('total.recall'), 2)}`,
        `goal ≥ 0.90 / ≥ 0.90 (${all('precision') >= 0.9 && all('recall') >= 0.9 ? 'met' : 'not met'})`,
      ];
    },
  },
];

/** Marks a row whose result was written before results carried their provenance. */
function provenanceNote(files: readonly string[], jsons: readonly Json[]): string {
  const old = jsons.map((j, i) => ({ j, file: files[i]! })).filter(({ j }) => j.provenance === undefined);
  if (old.length === 0) return '';
  const days = old.map(({ j }) => String(j.ranAt ?? 'an unknown date').slice(0, 10));
  return ` (no provenance: run on ${[...new Set(days)].sort().join(', ')}, before results recorded it)`;
}

/** How loaded the machine was during a timing run, where the result recorded it. */
function loadNote(json: Json): string {
  const load = (json.provenance as { load?: { cpus: number; atStart?: number; atEnd: number } } | undefined)?.load;
  if (!load) return '';
  return ` (run at load ${(load.atStart ?? load.atEnd).toFixed(1)} on ${load.cpus} CPUs)`;
}

/** The table, from the JSON files in `dir`; a missing file is an error naming it. */
export function benchTable(dir: string): string {
  const lines = ['| benchmark | MedSeek | published / reference |', '| --- | --- | --- |'];
  for (const row of ROWS) {
    const jsons = row.files.map((f) => {
      const path = join(dir, f);
      if (!existsSync(path)) throw new Error(`${path}: no such result (run \`npx medseek bench\` for it)`);
      return JSON.parse(readFileSync(path, 'utf8')) as Json;
    });
    const [label, ours, reference] = row.cells(jsons.map((j, i) => getter(row.files[i]!, j)));
    const load = row.timing ? loadNote(jsons[0]!) : '';
    lines.push(`| ${label}${load}${provenanceNote(row.files, jsons)} | ${ours} | ${reference} |`);
  }
  return lines.join('\n');
}

/** The README with the text between the markers replaced by `table`. */
export function withTable(readme: string, table: string): string {
  return replaceBetweenMarkers(readme, START, END, table);
}
