import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { demoBundlePaths } from '../../src/ingest/index.js';
import { loadCcksRecords } from './ccks.js';
import { type JudgementBook, mergeJudgements, parseJudgements } from './judgements.js';
import { type BaseRecord, demoRecord, loadCleanRecords } from './records.js';

export type Split = 'dev' | 'report' | 'all';

/** The base records of a split and the judgements that apply to them, with the files they came from. */
export interface SplitData {
  readonly bases: readonly BaseRecord[];
  readonly book: JudgementBook;
  readonly judgementFiles: readonly string[];
  readonly demoPaths: readonly string[];
  /** The CCKS file when the CCKS-based records were read from it. */
  readonly ccksFile?: string;
}

/**
 * The halves of bench/data/qc (its README): dev = the Chinese demo patients, `dev/`, and `clean/` with `ccks/`
 * (the report half until 2026-12-06, measured too often); report = `heldout/*.json`, judged in
 * `heldout/judgements.jsonl` merged with the main `judgements.jsonl`. The report half may be missing or empty:
 * `log` says so and it has no records.
 */
export function loadSplit(data: string, split: Split, ccksFile: string, log: (line: string) => void): SplitData {
  const judgementsFile = join(data, 'judgements.jsonl');
  if (!existsSync(judgementsFile)) throw new Error(`--data: ${judgementsFile} not found`);
  const heldoutDir = join(data, 'heldout');
  const heldoutJudgements = join(heldoutDir, 'judgements.jsonl');
  // A dev run never reads the held-out folder, not even its judgements.
  const judgementFiles = [
    judgementsFile,
    ...(split !== 'dev' && existsSync(heldoutJudgements) ? [heldoutJudgements] : []),
  ];
  const book = mergeJudgements(
    judgementFiles.map((f) => ({ book: parseJudgements(readFileSync(f, 'utf8'), f), where: f })),
  );
  const bases: BaseRecord[] = [];
  const demoPaths = split === 'report' ? [] : demoBundlePaths().filter((p) => /[/\\]zh[/\\]/.test(p));
  let ccksRead = false;
  if (split !== 'report') {
    bases.push(
      ...demoPaths.map(demoRecord),
      ...loadCleanRecords(join(data, 'dev'), 'fresh', 'dev'),
      ...loadCleanRecords(join(data, 'clean'), 'fresh', 'dev'),
    );
    const ccks = loadCcksRecords(join(data, 'ccks'), ccksFile, 'dev');
    if (existsSync(join(data, 'ccks')) && ccks.length === 0)
      log(`CCKS records not found at ${ccksFile} (--ccks): the CCKS-based records are left out`);
    ccksRead = ccks.length > 0;
    bases.push(...ccks);
  }
  if (split !== 'dev') {
    const heldout = loadCleanRecords(heldoutDir, 'fresh', 'report');
    if (heldout.length === 0) log(`no report records (${heldoutDir} is missing or has no *.json)`);
    bases.push(...heldout);
  }
  return { bases, book, judgementFiles, demoPaths, ...(ccksRead ? { ccksFile } : {}) };
}
