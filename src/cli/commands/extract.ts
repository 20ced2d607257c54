import { readFileSync } from 'node:fs';
import type { Command } from 'commander';
import { invalid } from '../../core/index.js';
import { decodeText, extractFacts } from '../../nlp/index.js';

async function readStdin(): Promise<Uint8Array> {
  const chunks: Buffer[] = [];
  for await (const chunk of process.stdin) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks);
}

/**
 * `medseek extract [--lang zh|en|auto] [--format json|jsonl] [--anchor-date d] [file]`: clinical
 * text → one JSON line per Fact (concept, codes, assertion, subject, value/unit, time, span, section).
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
        },
      ) => {
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
        const result = extractFacts(text, {
          lang: opts.lang as 'zh' | 'en' | 'auto',
          document: opts.document ?? (file && file !== '-' ? file : 'stdin'),
          ...(opts.anchorDate ? { anchorDate: opts.anchorDate } : {}),
          ...(opts.admissionDate ? { admissionDate: opts.admissionDate } : {}),
          ...(opts.patient ? { patientId: opts.patient } : {}),
        });
        if (opts.format === 'json') {
          process.stdout.write(
            `${JSON.stringify({ lang: result.lang, sections: result.sections, sentences: result.sentences.length, facts: result.facts }, null, 2)}\n`,
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
