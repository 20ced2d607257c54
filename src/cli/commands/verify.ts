import { readFileSync } from 'node:fs';
import type { Command } from 'commander';
import { invalid, type Lang } from '../../core/index.js';
import { stateFromBundle } from '../../fusion/index.js';
import { decodeText, type Lexicon } from '../../nlp/index.js';
import { markText, recordFromState, recordFromTexts, type VerificationRecord, verifyText } from '../../verify/index.js';
import { storeLexicon } from './extract.js';

export function register(program: Command): void {
  program
    .command('verify')
    .description('check any text (a summary written by a model or a person) claim by claim against a record')
    .requiredOption('--source <file>', 'the record: a FHIR Bundle (.json) or plain-text notes')
    .requiredOption('--text <file>', 'the text to check')
    .option('--lang <lang>', 'zh, en or auto', 'auto')
    .option('--later', 'the text describes a later moment than the record (condition at discharge)')
    .option('--format <format>', 'json or md', 'md')
    .action(async (opts: { source: string; text: string; lang: string; later?: boolean; format: string }) => {
      if (!['zh', 'en', 'auto'].includes(opts.lang))
        throw invalid(`unknown language '${opts.lang}' (zh, en or auto)`, { field: '--lang' });
      const text = readText(opts.text, '--text');
      // the active knowledge release's names when there is a store (else the built-in lexicon)
      const { lexicon } = await storeLexicon('auto');
      const record = readRecord(opts.source, lexicon);
      const report = verifyText(text, record, {
        lang: opts.lang as Lang | 'auto',
        laterThanRecord: !!opts.later,
        lexicon,
      });
      if (opts.format === 'json') process.stdout.write(`${JSON.stringify(report, null, 2)}\n`);
      else
        process.stdout.write(
          `${markText(text, report)}\n\n${JSON.stringify(report.counts)}${report.blocked ? '  — sign-off blocked' : ''}\n`,
        );
      if (report.blocked) process.exitCode = 3;
    });
}

function readText(path: string, field: string): string {
  let bytes: Buffer;
  try {
    bytes = readFileSync(path);
  } catch (e) {
    throw invalid(`cannot read ${path}: ${(e as Error).message}`, { field });
  }
  return decodeText(bytes, path);
}

function readRecord(path: string, lexicon: Lexicon): VerificationRecord {
  const text = readText(path, '--source');
  if (/\.json$/i.test(path) || text.trimStart().startsWith('{')) {
    let json: unknown;
    try {
      json = JSON.parse(text);
    } catch (e) {
      throw invalid(`not valid JSON: ${(e as Error).message}`, { field: '--source', where: path });
    }
    return recordFromState(stateFromBundle(json));
  }
  return recordFromTexts([{ id: path, text }], { lexicon });
}
