import type { Command } from 'commander';
import { invalid, loadConfig } from '../../core/index.js';
import { effectiveFhirSource, openMigratedDatabase, pullFromFhir, pullOptionsFrom } from '../../server/index.js';
import { createResourceRepository } from '../../store/index.js';

export function register(program: Command): void {
  program
    .command('pull')
    .description(
      'pull patients from another FHIR R4 server into the store (Patient/$everything where offered, else per-type searches)',
    )
    .option(
      '--fhir <base-url>',
      "the server's FHIR base URL, e.g. https://hospital.example/fhir (default: Settings → FHIR source, or MEDSEEK_PULL_FHIR)",
    )
    .option('--bearer <token>', 'bearer token or API key for that server (also MEDSEEK_PULL_BEARER)')
    .option('--patient <id...>', 'patient ids to pull (default: every patient the server lists)')
    .option('--count <n>', 'page size to ask for', '100')
    .option('--no-everything', 'use per-type searches even where $everything is offered')
    .option('--json', 'print the summary as JSON')
    .action(
      async (opts: {
        fhir?: string;
        bearer?: string;
        patient?: string[];
        count: string;
        everything: boolean;
        json?: boolean;
      }) => {
        const config = loadConfig();
        const db = await openMigratedDatabase(config);
        try {
          const bearer = opts.bearer ?? process.env.MEDSEEK_PULL_BEARER;
          const source = opts.fhir ? undefined : await effectiveFhirSource(db, process.env, config);
          if (!opts.fhir && !source)
            throw invalid('no FHIR server: pass --fhir, or set it in Settings → FHIR source (or MEDSEEK_PULL_FHIR)', {
              field: '--fhir',
            });
          const connection = opts.fhir
            ? {
                base: opts.fhir,
                ...(bearer ? { bearer } : {}),
                pageSize: Math.max(1, Math.min(Number(opts.count) || 100, 1000)),
                noEverything: !opts.everything,
              }
            : await pullOptionsFrom(source as NonNullable<typeof source>);
          const summary = await pullFromFhir(db, createResourceRepository(db), {
            ...connection,
            ...(opts.patient?.length ? { patients: opts.patient } : {}),
            onPatient: opts.json ? undefined : (id, n) => process.stderr.write(`Patient/${id}: ${n} resources\n`),
          });
          if (opts.json) process.stdout.write(`${JSON.stringify(summary, null, 2)}\n`);
          else {
            process.stdout.write(
              `pulled ${summary.patients} patients, ${summary.resources} resources from ${summary.base} (${summary.mode}): ${summary.created} created, ${summary.updated} updated, ${summary.unchanged} unchanged\n`,
            );
            for (const r of summary.rejected)
              process.stderr.write(`Patient/${r.patient}: ${r.resource} refused: ${r.field}: ${r.message}\n`);
          }
        } finally {
          await db.close();
        }
      },
    );
}
