import type { Command } from 'commander';
import { invalid, loadConfig, notFound } from '../../core/index.js';
import { composeDischargeSummary, encounterDocuments, signedText } from '../../compose/index.js';
import { type AnyResource, buildPatientState } from '../../fusion/index.js';
import { llmClientFromEnv } from '../../llm/index.js';
import { AuditLog, openMigratedDatabase } from '../../server/index.js';
import { createResourceRepository } from '../../store/index.js';
import { markText } from '../../verify/index.js';

export function register(program: Command): void {
  program
    .command('summarize <encounter-id>')
    .description('compose a discharge summary for an encounter, each statement cited and verified against the record')
    .option('--lang <lang>', 'zh or en', 'zh')
    .option(
      '--format <format>',
      'md (working text: citations, verdicts), signed (the document as signed) or json',
      'md',
    )
    .action(async (encounterId: string, opts: { lang: string; format: string }) => {
      if (opts.lang !== 'zh' && opts.lang !== 'en')
        throw invalid(`unknown language '${opts.lang}' (zh or en)`, { field: '--lang' });
      const db = await openMigratedDatabase(loadConfig());
      const llm = llmClientFromEnv({ sql: db });
      try {
        const repo = createResourceRepository(db);
        const encounter = await repo.read('Encounter', encounterId);
        if (!encounter || encounter.deleted)
          throw notFound(`no Encounter/${encounterId} in the store`, { field: 'encounter-id' });
        if (!encounter.patientId)
          throw invalid(`Encounter/${encounterId} names no patient`, { field: 'Encounter.subject' });
        const state = await buildPatientState(db, repo, encounter.patientId, { encounterId });
        const documents = encounterDocuments(
          (await repo.everything(encounter.patientId)).filter((e) => !e.deleted).map((e) => e.resource as AnyResource),
        );
        const result = await composeDischargeSummary(state, { lang: opts.lang, encounterId, llm, documents });
        await new AuditLog(db).recordCli('compose', `Patient/${encounter.patientId}/summary?encounter=${encounterId}`, [
          encounter.patientId,
        ]);
        // The model's state goes to stderr, never into the document on stdout.
        if (result.fallback)
          process.stderr.write(`model unavailable: ${result.fallback.reason}; showing the verified template text\n`);
        if (opts.format === 'json') process.stdout.write(`${JSON.stringify(result, null, 2)}\n`);
        else if (opts.format === 'signed') process.stdout.write(signedText({ ...result.document, text: result.text }));
        else {
          process.stdout.write(`${markText(result.document.text, result.report)}\n`);
          const by = result.model.used
            ? `written by ${result.model.provider ?? ''} ${result.model.model ?? ''}`.trim()
            : `template text (${result.model.reason})`;
          process.stderr.write(`${by}; claims: ${JSON.stringify(result.report.counts)}\n`);
        }
        if (result.report.blocked) process.exitCode = 3;
      } finally {
        await llm.close();
        await db.close();
      }
    });
}
