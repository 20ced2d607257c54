import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { CodeSystems, type FactCategory, invalid, type LexiconEntry, loadConfig } from '../../src/core/index.js';
import { lexiconSnapshot } from '../../src/knowledge/index.js';
import { builtinLexicon, type Lexicon, releaseLexicon } from '../../src/nlp/index.js';
import { openMigratedDatabase } from '../../src/server/index.js';

/**
 * Name lists of the Chinese consumer knowledge graphs in the shared data folder (research-only
 * crawls, see each folder's SOURCE.md): used here only to time extraction with a release-sized
 * lexicon, never shipped and never scored.
 */
const NAME_LISTS: readonly [file: string, category: FactCategory][] = [
  ['kg-xywy-medical/dict/diseases.txt', 'condition'],
  ['kg-xywy-medical/dict/symptoms.txt', 'finding'],
  ['kg-xywy-medical/dict/drugs.txt', 'medication'],
  ['kg-xywy-medical/dict/checks.txt', 'procedure'],
  ['kg-39health-disease/disease_vocab.txt', 'condition'],
  ['kg-39health-disease/alias_vocab.txt', 'condition'],
  ['kg-39health-disease/symptom_vocab.txt', 'finding'],
  ['kg-liuhuanyong-qamedkg/dict/disease.txt', 'condition'],
  ['kg-liuhuanyong-qamedkg/dict/symptom.txt', 'finding'],
  ['kg-liuhuanyong-qamedkg/dict/drug.txt', 'medication'],
  ['kg-liuhuanyong-qamedkg/dict/check.txt', 'procedure'],
];

/**
 * The lexicon the throughput bench times (`--lexicon`): `builtin` (default), `store` (the active
 * release of the store at MEDSEEK_DATA_DIR / DATABASE_URL, as `medseek extract` reads it) or `names`
 * (a release-sized lexicon from the name lists above, one concept per name, under the built-in list).
 * Returns the lexicon, what it is, and how long building it took (CPU ms, nothing cached before).
 */
export async function benchLexicon(
  which: string,
  data: string,
): Promise<{ lexicon: Lexicon; label: string; releaseTerms: number; buildCpuMs: number }> {
  if (which === 'builtin') return { lexicon: builtinLexicon(), label: 'builtin', releaseTerms: 0, buildCpuMs: 0 };
  let entries: LexiconEntry[];
  let label: string;
  let snapshot: { releaseId: number; digest: string } = { releaseId: 0, digest: 'names' };
  if (which === 'names') {
    entries = [];
    const seen = new Set<string>();
    for (const [file, category] of NAME_LISTS) {
      const path = join(data, file);
      if (!existsSync(path)) throw invalid(`--lexicon names: ${path} not found`, { field: '--lexicon' });
      for (const line of readFileSync(path, 'utf8').split('\n')) {
        const term = line.trim();
        if (!term || seen.has(term)) continue;
        seen.add(term);
        const concept = { system: CodeSystems.medseek, code: `names:${seen.size}`, display: term, displayZh: term };
        entries.push({ term, lang: 'zh', concept, category });
      }
    }
    label = `name lists (${NAME_LISTS.length} files, research-only crawls) under the built-in list`;
  } else if (which === 'store') {
    const db = await openMigratedDatabase(loadConfig());
    try {
      const s = await lexiconSnapshot(db);
      if (!s) throw invalid('--lexicon store: the store has no active knowledge release', { field: '--lexicon' });
      entries = [...s.entries];
      snapshot = s;
      label = `knowledge release ${s.releaseId} under the built-in list`;
    } finally {
      await db.close();
    }
  } else throw invalid(`--lexicon must be builtin, store or names, not '${which}'`, { field: '--lexicon' });
  builtinLexicon();
  const c0 = process.cpuUsage();
  const lexicon = releaseLexicon({ ...snapshot, entries });
  const c = process.cpuUsage(c0);
  return { lexicon, label, releaseTerms: entries.length, buildCpuMs: (c.user + c.system) / 1000 };
}
