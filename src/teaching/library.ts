import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { basename, join } from 'node:path';
import { invalid } from '../core/index.js';
import { demoBundlePaths } from '../ingest/index.js';
import { type CaseOrigin, caseFromBundle, caseFromCcks, parseCcksJsonl, type TeachingCase } from './cases.js';

/**
 * Where teaching cases come from: the demo patients shipped in `demo/` (always), and, when a data
 * folder is given (`MEDSEEK_TEACHING_DATA`, laid out as /work/shared/data: `emr-ccks2017-ner/
 * ccks2017_emr_records.jsonl`, `synthea/*.json`), the first records of CCKS 2017 and Synthea. Files, not
 * the patient store: a case is never a read of a patient in this hospital's record.
 */
export interface LibraryOptions {
  /** Include the demo patients of `demo/` (default true). */
  readonly demo?: boolean;
  /** A folder laid out as /work/shared/data. */
  readonly dataDir?: string;
  /** At most this many CCKS records and Synthea bundles each (default 20 and 10). */
  readonly ccksLimit?: number;
  readonly syntheaLimit?: number;
  /** Extra CCKS-format files (a fixture). */
  readonly ccksFiles?: readonly string[];
}

export interface CaseLibrary {
  readonly cases: readonly TeachingCase[];
  /** Records that made no case (no admission note, no encounter with diagnoses, empty sections). */
  readonly skipped: readonly { readonly origin: CaseOrigin; readonly file: string; readonly reason: string }[];
}

export function loadCaseLibrary(options: LibraryOptions = {}): CaseLibrary {
  const cases: TeachingCase[] = [];
  const skipped: { origin: CaseOrigin; file: string; reason: string }[] = [];
  const add = (origin: CaseOrigin, file: string, make: () => TeachingCase | undefined) => {
    try {
      const c = make();
      if (c) cases.push(c);
      else skipped.push({ origin, file, reason: 'nothing to teach from: a step would be empty' });
    } catch (e) {
      skipped.push({ origin, file, reason: (e as Error).message });
    }
  };
  const bundle = (path: string, origin: CaseOrigin) =>
    add(origin, basename(path), () => caseFromBundle(JSON.parse(readFileSync(path, 'utf8')), origin, basename(path)));
  const ccks = (path: string, origin: CaseOrigin, limit: number) => {
    for (const r of parseCcksJsonl(readFileSync(path, 'utf8'), basename(path)).slice(0, limit))
      add(origin, `${basename(path)}#${r.id}`, () => caseFromCcks(r, origin));
  };
  if (options.demo ?? true) for (const p of demoBundlePaths()) bundle(p, 'demo');
  for (const f of options.ccksFiles ?? []) ccks(f, 'fixture', Number.POSITIVE_INFINITY);
  if (options.dataDir) {
    if (!existsSync(options.dataDir))
      throw invalid(`the teaching data folder ${options.dataDir} does not exist`, { field: 'MEDSEEK_TEACHING_DATA' });
    const ccksFile = join(options.dataDir, 'emr-ccks2017-ner', 'ccks2017_emr_records.jsonl');
    if (existsSync(ccksFile)) ccks(ccksFile, 'ccks2017', options.ccksLimit ?? 20);
    const synthea = join(options.dataDir, 'synthea');
    if (existsSync(synthea)) {
      const demoNames = new Set(demoBundlePaths().map((p) => basename(p)));
      const files = readdirSync(synthea)
        .filter((f) => f.endsWith('.json') && !demoNames.has(f))
        .sort()
        .slice(0, options.syntheaLimit ?? 10);
      for (const f of files) bundle(join(synthea, f), 'synthea');
    }
  }
  return { cases, skipped };
}
