import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { evaluateQc, qualityRulesFromData } from '../src/reasoning/index.js';
import { type Benchmark, repoRoot, sharedData, table } from './lib/harness.js';
import { loadSplit } from './qc-lib/halves.js';
import { checkForms } from './qc-lib/reform-check.js';
import { FORMS } from './qc-lib/reform.js';
import { newFindings, type Row, type ScoredRecord, score } from './qc-lib/score.js';
import { variantsOf } from './qc-lib/variants.js';

/**
 * `npx medseek bench qc [--data bench/data/qc] [--split report|dev|all] [--combos 4] [--write-labels <jsonl>]`:
 * record quality control (病历质控) measured on labelled records. The report half: the held-out records of
 * `<data>/heldout/` (written by an independent evaluator, judged in `<data>/heldout/judgements.jsonl`) and their
 * defective variants; without them `--split report` says so and scores nothing. The dev half: the three Chinese
 * demo patients (demo/zh), the records of `<data>/dev/`, `<data>/clean/` and `<data>/ccks/` (the report half
 * until 2026-12-06) and their variants. Every engine finding is judged (injected defect, the same defect read by
 * another rule, or the clean record's judgement in `<data>/judgements.jsonl`, written from the norms); unjudged
 * findings are counted and listed, never dropped. Reports precision and recall per rule family
 * (rules.json category) and per rule.
 *
 * `--reform [--forms <substring>]`: the form-invariance check instead (bench/qc-lib/reform.ts): each base record
 * re-printed in other forms with its content unchanged; any finding that appears or disappears is a form bug of
 * the text reader. Prints, per form, the records rewritten and the findings changed.
 */

/** Evaluation time: after every record's stay and archiving, so that every time limit has run out. */
const NOW = '2026-12-01T00:00:00+08:00';

function familyMap(): (ruleId: string) => string {
  const file = join(repoRoot, 'src/knowledge/data/qc/rules.json');
  const data = JSON.parse(readFileSync(file, 'utf8')) as { rules: { id: string; category: string }[] };
  const m = new Map(data.rules.map((r) => [r.id, r.category]));
  return (id) => m.get(id) ?? 'unknown';
}

const pct = (x: number): string => (Number.isNaN(x) ? '—' : x.toFixed(3));
const printable = (r: Row) => ({
  family: r.key,
  findings: r.findings,
  true: r.truePositives,
  false: r.falsePositives,
  unjudged: r.unjudged,
  precision: pct(r.precision),
  injected: r.injected,
  detected: r.detected,
  recall: pct(r.recall),
});
const json = (r: Row) => ({
  ...r,
  precision: Number.isNaN(r.precision) ? null : r.precision,
  recall: Number.isNaN(r.recall) ? null : r.recall,
});

const bench: Benchmark = {
  name: 'qc',
  description: 'record QC (病历质控): precision and recall per rule family on clean records and injected defects',
  defaultData: 'bench/data/qc',
  async run({ data, args, log }) {
    const split = args.split ?? 'report';
    if (split !== 'report' && split !== 'dev' && split !== 'all')
      throw new Error(`--split: '${split}' is not report, dev or all`);
    const combos = Number(args.combos ?? 4);
    if (!Number.isInteger(combos) || combos < 0) throw new Error(`--combos: '${args.combos}' is not a count`);
    const ccksArg = args.ccks ?? sharedData('emr-ccks2017-ner', 'ccks2017_emr_records.jsonl');
    const { bases, book, judgementFiles, demoPaths, ccksFile } = loadSplit(data, split, ccksArg, log);
    if (bases.length === 0) {
      if (split === 'report') return { split: { scored: split, baseRecords: [], records: 0 }, inputs: [] };
      throw new Error(`--data: no records for split ${split} under ${data}`);
    }
    const rules = qualityRulesFromData();
    if (args.reform) {
      const forms = FORMS.filter((f) => !args.forms || f.name.includes(args.forms));
      const { counts, diffs } = checkForms(bases, forms, rules);
      log(`form invariance: ${bases.length} base records (${split}) × ${forms.length} forms`);
      log(table(counts.map((c) => ({ ...c }))));
      const changed = counts.reduce((s, c) => s + c.appeared + c.disappeared, 0);
      log(`${changed} findings changed by a form`);
      if (split === 'dev')
        for (const d of diffs)
          log(
            `FORM ${d.form} ${d.record}${d.appeared.map((x) => ` +[${x}]`).join('')}` +
              d.disappeared.map((x) => ` -[${x}]`).join(''),
          );
      return {
        split: { scored: split, baseRecords: bases.map((b) => b.id) },
        inputs: [...judgementFiles, ...demoPaths, ...(ccksFile ? [ccksFile] : [])],
        reform: { counts, findingsChanged: changed, ...(split === 'dev' ? { diffs } : {}) },
      };
    }
    const scored: ScoredRecord[] = [];
    const labelLines: string[] = [];
    for (const b of bases) {
      let standing: ScoredRecord['findings'] = [];
      for (const v of variantsOf(b, combos)) {
        labelLines.push(JSON.stringify({ id: v.id, base: v.base, half: v.half, source: v.source, labels: v.labels }));
        const report = evaluateQc(v.encounter, rules, { now: NOW });
        const findings = report.issues.map((i) => ({ ruleId: i.ruleId, statement: i.conclusion.statement.zh }));
        // variantsOf gives the clean record first: its findings stand in every variant.
        if (v.labels.length === 0) standing = findings;
        scored.push({ id: v.id, base: v.base, labels: v.labels, findings, standing });
      }
    }
    const familyOf = familyMap();
    if (args['write-labels']) writeFileSync(args['write-labels'], `${labelLines.join('\n')}\n`);
    const s = score(scored, book, familyOf);
    // The judge before it told standing findings apart (a finding matched a label by its rule alone):
    // reported beside, for comparison with earlier figures, never as the result.
    const byRuleOnly = score(
      scored.map(({ standing: _s, ...r }) => r),
      book,
      familyOf,
    );
    const clean = scored.filter((r) => r.labels.length === 0);
    const cleanScore = score(clean, book, familyOf);
    const baseFindings = new Map(clean.map((r) => [r.base, r.findings]));
    const changed = scored
      .filter((r) => r.labels.length > 0)
      .map((r) => ({ ...r, findings: newFindings(r.findings, baseFindings.get(r.base) ?? []) }));
    const changedScore = score(changed, book, familyOf);
    const distinct = new Set(
      scored.flatMap((r) => r.findings.map((f) => `${r.base}|${f.ruleId}|${f.statement ?? ''}`)),
    );
    log(
      `${bases.length} base records (${split}), ${scored.length} records scored (${clean.length} clean, ` +
        `${scored.length - clean.length} with injected defects); ${s.total.findings} findings, ` +
        `${s.total.injected} injected defects; rules ${rules.release}`,
    );
    log(table([...s.byFamily.map(printable), printable(s.total)]));
    log(
      `judge: a finding standing from the clean record is judged as on it, never as the injected defect; ` +
        `matched by rule alone (the earlier judge): precision ${pct(byRuleOnly.total.precision)}, ` +
        `recall ${pct(byRuleOnly.total.recall)}`,
    );
    log(
      `clean records only: ${cleanScore.total.findings} findings, ${cleanScore.total.truePositives} true, ` +
        `precision ${pct(cleanScore.total.precision)}; ${distinct.size} distinct findings (record, rule, message) ` +
        'over all variants',
    );
    log('\nfindings the injections added (each variant minus its clean record’s findings), recall on those alone:');
    log(table([...changedScore.byFamily.map(printable), printable(changedScore.total)]));
    log('\nby rule:');
    log(table(s.byRule.map((r) => ({ rule: r.key, ...printable(r), family: familyOf(r.key) }))));
    if (s.unjudged.length) log(`\n${s.unjudged.length} findings are unjudged (their base record has no judgements).`);
    const detail = split === 'dev';
    if (detail) {
      for (const f of s.falsePositives) log(`FALSE ${f.record} ${f.ruleId} ${f.statement ?? ''}`);
      for (const m of s.misses) log(`MISSED ${m.record} ${m.ruleId} (${m.what})`);
    } else log('(single failures are printed for --split dev only: the report half is not looked at one by one)');
    return {
      split: {
        scored: split,
        rule:
          'dev = the Chinese demo patients (demo/zh), the records of <data>/dev, <data>/clean and <data>/ccks ' +
          '(the old report half, dev since 2026-12-06) and their variants; report = the held-out records of ' +
          '<data>/heldout and their variants, judged in <data>/heldout/judgements.jsonl; each record is scored ' +
          'after its judgements were written',
        baseRecords: bases.map((b) => b.id),
        records: scored.length,
        cleanRecords: clean.length,
        combos,
      },
      inputs: [
        ...judgementFiles,
        ...demoPaths,
        ...(ccksFile ? [ccksFile] : []),
        ...bases.filter((b) => b.half === 'report').map((b) => b.file),
      ],
      rules: rules.release,
      now: NOW,
      judgedFindings: s.total.truePositives + s.total.falsePositives,
      distinctFindings: distinct.size,
      cleanRecordsOnly: { total: json(cleanScore.total), byFamily: cleanScore.byFamily.map(json) },
      addedByInjections: {
        rule: "each variant's findings minus those of its clean record (same rule and message, with multiplicity)",
        total: json(changedScore.total),
        byFamily: changedScore.byFamily.map(json),
      },
      judge:
        'each finding is matched to the injected labels by rule unless the variant repeats it from its clean ' +
        'record (same rule and message, with multiplicity): such a standing finding gets the clean ' +
        "record's judgement and detects no injected defect",
      matchedByRuleAlone: {
        rule: 'the earlier judge, for comparison: any finding of a label’s rule is the injected defect',
        total: json(byRuleOnly.total),
        falsePositivesByRule: Object.fromEntries(
          byRuleOnly.byRule.filter((r) => r.falsePositives).map((r) => [r.key, r.falsePositives]),
        ),
      },
      total: json(s.total),
      byFamily: s.byFamily.map(json),
      byRule: s.byRule.map(json),
      unjudged: s.unjudged.length,
      ...(detail
        ? { falsePositives: s.falsePositives, misses: s.misses, unjudgedFindings: s.unjudged }
        : {
            falsePositivesByRule: Object.fromEntries(
              s.byRule.filter((r) => r.falsePositives).map((r) => [r.key, r.falsePositives]),
            ),
            missesByRule: Object.fromEntries(
              s.byRule.filter((r) => r.injected > r.detected).map((r) => [r.key, r.injected - r.detected]),
            ),
          }),
    };
  },
};

export default bench;
