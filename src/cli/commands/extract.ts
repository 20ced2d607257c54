import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Command } from 'commander';
import { type Config, invalid, isMedSeekError, loadConfig } from '../../core/index.js';
import { lexiconSnapshot } from '../../knowledge/index.js';
import { builtinLexicon, decodeText, extractFacts, type Lexicon, releaseLexicon } from '../../nlp/index.js';
import { openMigratedDatabase } from '../../server/index.js';

async function readStdin(): Promise<Uint8Array> {
  const chunks: Buffer[] = [];
  for await (const chunk of process.stdin) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks);
}

/** Which names the CLI reads text with: `auto`, `builtin` or `release` (see storeLexicon). */
export type LexiconChoice = 'auto' | 'builtin' | 'release';

/**
 * The lexicon a CLI command reads text with. `auto`: the active knowledge release's names and
 * synonyms under the built-in list when there is a store (DATABASE_URL, or a PGlite data folder
 * in MEDSEEK_DATA_DIR) with an active release, else the built-in list alone (a store that cannot be
 * opened, e.g. held by a running server, is named on stderr and the built-in list used);
 * `release`: the same, but no store or release is an error; `builtin`: the built-in list only.
 * `release` names a release instead of the active one. Also returns what was used, for the output.
 */
export async function storeLexicon(
  choice: LexiconChoice,
  options: { release?: number; config?: Config; warn?: (line: string) => void } = {},
): Promise<{ lexicon: Lexicon; source: string }> {
  const builtin = { lexicon: builtinLexicon(), source: 'builtin' };
  if (choice === 'builtin') return builtin;
  const config = options.config ?? loadConfig();
  const hasStore = !!config.databaseUrl || existsSync(join(config.dataDir, 'PG_VERSION'));
  if (!hasStore) {
    if (choice === 'release')
      throw invalid(`--lexicon release: no store at ${config.dataDir} (set MEDSEEK_DATA_DIR or DATABASE_URL)`, {
        field: '--lexicon',
      });
    return builtin;
  }
  let db: Awaited<ReturnType<typeof openMigratedDatabase>>;
  try {
    db = await openMigratedDatabase(config);
  } catch (e) {
    if (choice === 'release') throw e;
    (options.warn ?? ((l) => process.stderr.write(`${l}\n`)))(
      `medseek: the store could not be opened (${isMedSeekError(e) ? e.message : (e as Error).message}); using the built-in lexicon`,
    );
    return builtin;
  }
  try {
    // the snapshot file under the data folder spares a CLI process the export query (releases never change)
    const snapshot = await lexiconSnapshot(db, {
      cacheDir: join(config.dataDir, 'cache'),
      ...(options.release !== undefined ? { release: options.release } : {}),
    });
    if (!snapshot) {
      if (choice === 'release')
        throw invalid('--lexicon release: the store has no active knowledge release (medseek kg activate <id>)', {
          field: '--lexicon',
        });
      return builtin;
    }
    return { lexicon: releaseLexicon(snapshot), source: `kg-release-${snapshot.releaseId}` };
  } finally {
    await db.close();
  }
}

/**
 * `medseek extract [--lang zh|en|auto] [--format json|jsonl] [--anchor-date d] [--lexicon auto|builtin|release]
 * [--release id] [file]`: clinical text → one JSON line per Fact (concept, codes, assertion, subject,
 * value/unit, time, span, section), read with the active knowledge release's names when there is one.
 */
export function register(program: Command): void {
  program
    .command('extract [file]')
    .description('extract facts from a clinical note (file or stdin): one JSON line per fact')
    .option('--lang <lang>', 'zh, en or auto', 'auto')
    .option(
      '--format <format>',
      'jsonl (one fact per line) or json (one document with sections and sentences)',
      'jsonl',
    )
    .option('--anchor-date <date>', "the note's date (ISO 8601), for '3天前' / '2 weeks ago'")
    .option('--admission-date <date>', "the admission date (ISO 8601), for '入院第3天'")
    .option('--document <key>', "the document key for the facts' sources", undefined)
    .option('--patient <id>', 'the patient id to put on the facts')
    .option(
      '--lexicon <which>',
      "auto (the store's active knowledge release under the built-in list, if any), builtin, or release",
      'auto',
    )
    .option('--release <id>', 'read with this knowledge release instead of the active one')
    .action(
      async (
        file: string | undefined,
        opts: {
          lang: string;
          format: string;
          anchorDate?: string;
          admissionDate?: string;
          document?: string;
          patient?: string;
          lexicon: string;
          release?: string;
        },
      ) => {
        if (!['auto', 'builtin', 'release'].includes(opts.lexicon))
          throw invalid(`--lexicon must be auto, builtin or release, not '${opts.lexicon}'`, { field: '--lexicon' });
        const release = opts.release === undefined ? undefined : Number(opts.release);
        if (release !== undefined && !(Number.isInteger(release) && release > 0))
          throw invalid(`--release must be a release number, not '${opts.release}'`, { field: '--release' });
        if (release !== undefined && opts.lexicon === 'builtin')
          throw invalid('--release cannot be used with --lexicon builtin', { field: '--release' });
        if (!['zh', 'en', 'auto'].includes(opts.lang))
          throw invalid(`--lang must be zh, en or auto, not '${opts.lang}'`, { field: '--lang' });
        if (!['json', 'jsonl'].includes(opts.format))
          throw invalid(`--format must be json or jsonl, not '${opts.format}'`, { field: '--format' });
        for (const [flag, v] of [
          ['--anchor-date', opts.anchorDate],
          ['--admission-date', opts.admissionDate],
        ] as const)
          if (v !== undefined && Number.isNaN(Date.parse(v)))
            throw invalid(`${flag} is not an ISO 8601 date: '${v}'`, { field: flag });
        const bytes = file && file !== '-' ? readFileSync(file) : await readStdin();
        const where = file && file !== '-' ? file : 'stdin';
        const text = decodeText(bytes, where);
        const { lexicon, source } = await storeLexicon(
          release !== undefined ? 'release' : (opts.lexicon as LexiconChoice),
          release !== undefined ? { release } : {},
        );
        const result = extractFacts(text, {
          lexicon,
          lang: opts.lang as 'zh' | 'en' | 'auto',
          document: opts.document ?? (file && file !== '-' ? file : 'stdin'),
          ...(opts.anchorDate ? { anchorDate: opts.anchorDate } : {}),
          ...(opts.admissionDate ? { admissionDate: opts.admissionDate } : {}),
          ...(opts.patient ? { patientId: opts.patient } : {}),
        });
        if (opts.format === 'json') {
          process.stdout.write(
            `${JSON.stringify({ lang: result.lang, lexicon: source, sections: result.sections, sentences: result.sentences.length, facts: result.facts }, null, 2)}\n`,
          );
          return;
        }
        for (const f of result.facts) {
          const src = f.sources[0];
          const span = src?.kind === 'text' ? { start: src.start, end: src.end, text: src.quote } : undefined;
          const line = {
            id: f.id,
            concept: {
              system: f.concept.system,
              code: f.concept.code,
              display: f.concept.display,
              displayZh: f.concept.displayZh,
            },
            codes: [f.concept, ...(f.concept.codings ?? [])].map((c) => `${c.system}|${c.code}`),
            category: f.category,
            assertion: f.assertion,
            subject: f.subject,
            value: f.value,
            valueText: f.valueText,
            interpretation: f.interpretation,
            time: f.time,
            laterality: f.laterality,
            dosage: f.dosage,
            section: f.section,
            span,
          };
          process.stdout.write(`${JSON.stringify(line)}\n`);
        }
      },
    );
}
