import type { Command } from 'commander';
import { loadConfig } from '../../core/index.js';
import { openMigratedDatabase, pullFromFhir } from '../../server/index.js';
import { createResourceRepository } from '../../store/index.js';

export function register(program: Command): void {
  program
    .command('pull')
    .description('pull patients from another FHIR R4 server into the store (Patient/$everything where offered, else per-type searches)')
    .requiredOption('--fhir <base-url>', "the server's FHIR base URL, e.g. https://hospital.example/fhir")
    .option('--bearer <token>', 'bearer token or API key for that server (also MEDSEEK_PULL_BEARER)')
    .option('--patient <id...>', 'patient ids to pull (default: every patient the server lists)')
    .option('--count <n>', 'page size to ask for', '100')
    .option('--no-everything', 'use per-type searches even where $everything is offered')
    .option('--json', 'print the summary as JSON')
    .action(async (opts: { fhir: string; bearer?: string; patient?: string[]; count: string; everything: boolean; json?: boolean }) => {
      const db = await openMigratedDatabase(loadConfig());
      try {
        const bearer = opts.bearer ?? process.env.MEDSEEK_PULL_BEARER;
        const summary = await pullFromFhir(db, createResourceRepository(db), {
          base: opts.fhir,
          ...(bearer ? { bearer } : {}),
          ...(opts.patient?.length ? { patients: opts.patient } : {}),
          pageSize: Math.max(1, Math.min(Number(opts.count) || 100, 1000)),
          noEverything: !opts.everything,
          onPatient: opts.json ? undefined : (id, n) => process.stderr.write(`Patient/${id}: ${n} resources\n`),
        });
        if (opts.json) process.stdout.write(`${JSON.stringify(summary, null, 2)}\n`);
        else {
          process.stdout.write(
            `pulled ${summary.patients} patients, ${summary.resources} resources from ${summary.base} (${summary.mode}): ${summary.created} created, ${summary.updated} updated, ${summary.unchanged} unchanged\n`,
          );
        }
      } finally {
        await db.close();
      }
    });
}
