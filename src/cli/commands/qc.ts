import { mkdirSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import cliProgress from 'cli-progress';
import type { Command } from 'commander';
import { invalid, loadConfig } from '../../core/index.js';
import type { AnyResource } from '../../fusion/index.js';
import { activeQualityRules, loadRuleConfiguration, runQc, toHtml, toMarkdown } from '../../reasoning/index.js';
import { openMigratedDatabase } from '../../server/index.js';
import { createResourceRepository } from '../../store/index.js';

/** `medseek qc [--since DATE]`: record quality control (the active knowledge release's QC rules) over every inpatient encounter. */
export function register(program: Command): void {
  program
    .command('qc')
    .description(
      'record quality control (病历质控, 76 rules) over every inpatient encounter; writes JSON, Markdown and HTML reports',
    )
    .option('--since <date>', 'only encounters that started on or after this date (YYYY-MM-DD)')
    .option('--all', 'check every encounter, not only inpatient stays')
    .option('--hospital <id>', 'hospital whose rule configuration to use', 'default')
    .option('--out <dir>', 'folder for qc-report.json, qc-report.md and qc-report.html', 'qc-report')
    .option('--json', 'print the summary as JSON instead of a line')
    .action(async (opts: { since?: string; all?: boolean; hospital: string; out: string; json?: boolean }) => {
      if (opts.since && !Number.isFinite(Date.parse(opts.since)))
        throw invalid(`'${opts.since}' is not a date`, { field: '--since' });
      const db = await openMigratedDatabase(loadConfig());
      try {
        const repo = createResourceRepository(db);
        const book = await activeQualityRules(db);
        const bar = new cliProgress.SingleBar(
          {
            format: 'QC [{bar}] {value}/{total} encounters',
            noTTYOutput: true,
            stream: process.stderr,
            notTTYSchedule: 2000,
          },
          cliProgress.Presets.shades_classic,
        );
        let started = false;
        const summary = await runQc(
          {
            async *encounters() {
              const page = 500;
              for (let offset = 0; ; offset += page) {
                const r = await repo.search('Encounter', { count: page, offset });
                for (const e of r.entries) if (!e.deleted) yield e.resource as AnyResource;
                if (r.entries.length < page) break;
              }
            },
            patientResources: async (id) =>
              (await repo.everything(id)).filter((s) => !s.deleted).map((s) => s.resource as AnyResource),
          },
          book,
          {
            ...(opts.since ? { since: opts.since } : {}),
            all: !!opts.all,
            config: await loadRuleConfiguration(db, opts.hospital),
            hospitalId: opts.hospital,
            sql: db,
            onProgress: (done, total) => {
              if (total === 0) return;
              if (!started) {
                bar.start(total, 0);
                started = true;
              } else bar.update(done);
            },
          },
        );
        if (started) bar.stop();
        const out = resolve(opts.out);
        mkdirSync(out, { recursive: true });
        writeFileSync(join(out, 'qc-report.json'), `${JSON.stringify(summary, null, 2)}\n`);
        writeFileSync(join(out, 'qc-report.md'), `${toMarkdown(summary)}\n`);
        writeFileSync(join(out, 'qc-report.html'), toHtml(summary));
        const { reports: _r, ...head } = summary;
        if (opts.json) process.stdout.write(`${JSON.stringify(head, null, 2)}\n`);
        else
          process.stdout.write(
            `checked ${summary.encounters} encounters with the rules of ${summary.release}: mean score ${summary.meanScore}; 甲 ${summary.grades.甲}, 乙 ${summary.grades.乙}, 丙 ${summary.grades.丙}; S1 ${summary.issuesBySeverity.S1}, S2 ${summary.issuesBySeverity.S2}, S3 ${summary.issuesBySeverity.S3}, S4 ${summary.issuesBySeverity.S4}\nwrote ${out}/qc-report.{json,md,html}\n`,
          );
      } finally {
        await db.close();
      }
    });
}
