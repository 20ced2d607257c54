import { readFileSync } from 'node:fs';
import type { Command } from 'commander';
import { invalid, loadConfig } from '../../core/index.js';
import { Deidentifier, LlmClient, LlmLedger, loadLlmConfig, redactedLlmConfig } from '../../llm/index.js';
import { type Database, migrate, openDatabase } from '../../store/index.js';

/**
 * `medseek llm status` — the configured providers (keys hidden), their circuits, and calls, tokens
 * and cost from the audit; `medseek llm ask` — one question through the same client MedSeek uses;
 * `medseek deid` — de-identify a note (file or stdin) the way text is before it leaves.
 */
export function register(program: Command): void {
  const llm = program
    .command('llm')
    .description('language models: configuration, status and a test question (see docs/models.md)');

  llm
    .command('status')
    .description('show the configured providers (keys hidden) and calls, tokens and cost from the audit')
    .option('--no-db', 'do not open the database (configuration only)')
    .action(async (opts: { db: boolean }) => {
      const config = loadLlmConfig();
      process.stdout.write(`${JSON.stringify(redactedLlmConfig(config), null, 2)}\n`);
      if (config.providers.length === 0) {
        process.stdout.write(
          'no model configured: MedSeek runs with its deterministic pipeline only (set MEDSEEK_LLM_BASE_URL, DEEPSEEK_API_KEY or MEDSEEK_LLM_GGUF)\n',
        );
      }
      if (!opts.db) return;
      const db = await openDb();
      try {
        const rows = await new LlmLedger(db).summary();
        process.stdout.write(rows.length ? `${formatRows(rows)}\n` : 'no model calls recorded yet\n');
      } finally {
        await db.close();
      }
    });

  llm
    .command('ask <prompt...>')
    .description('ask the configured model one question (identifiable text is de-identified for external providers)')
    .option('--system <text>', 'system message')
    .option('--provider <name>', 'use this provider only')
    .option('--model <name>', 'model name to ask for')
    .option('--patient <key>', 'patient key for consistent de-identification')
    .option('--not-identifiable', 'the text identifies no patient (may go to an external provider as it is)')
    .option('--max-tokens <n>', 'longest answer, in tokens', '1024')
    .option('--no-stream', 'wait for the whole answer')
    .option('--no-cache', 'do not use the response cache')
    .option('--no-db', 'no cache and no audit (no database)')
    .action(
      async (
        words: string[],
        opts: {
          system?: string;
          provider?: string;
          model?: string;
          patient?: string;
          notIdentifiable?: boolean;
          maxTokens: string;
          stream: boolean;
          cache: boolean;
          db: boolean;
        },
      ) => {
        const db = opts.db ? await openDb() : undefined;
        const client = LlmClient.fromConfig(loadLlmConfig(), db, (e) =>
          process.stderr.write(`[${e.level}] ${e.provider ? `${e.provider}: ` : ''}${e.message}\n`),
        );
        try {
          let streamed = false;
          let thought = false;
          const r = await client.chat({
            prompt: words.join(' '),
            ...(opts.system ? { system: opts.system } : {}),
            ...(opts.provider ? { provider: opts.provider } : {}),
            ...(opts.model ? { model: opts.model } : {}),
            ...(opts.patient ? { patient: { key: opts.patient } } : {}),
            identifiable: !opts.notIdentifiable,
            maxTokens: Number(opts.maxTokens) || 1024,
            cache: opts.cache,
            purpose: 'cli/ask',
            ...(opts.stream
              ? {
                  onDelta: (d: { content?: string; reasoning?: string }) => {
                    if (d.reasoning) {
                      thought = true;
                      process.stderr.write(d.reasoning);
                    }
                    if (d.content) {
                      if (!streamed && thought) process.stderr.write('\n');
                      streamed = true;
                      process.stdout.write(d.content);
                    }
                  },
                }
              : {}),
          });
          if (!r.ok) {
            process.stderr.write(`model not used: ${r.use.reason}\n`);
            process.exitCode = 2;
            return;
          }
          if (r.use.rationale && !streamed)
            process.stderr.write(`--- reasoning ---\n${r.use.rationale}\n--- answer ---\n`);
          if (!streamed) process.stdout.write(r.text);
          process.stdout.write('\n');
          const u = r.usage;
          process.stderr.write(
            `[${r.use.provider} ${r.use.model}${r.use.deidentified ? ', de-identified' : ''}${r.cached ? ', cached' : ''}${u ? `, ${u.promptTokens}+${u.completionTokens} tokens` : ''}${r.costUsd ? `, $${r.costUsd.toFixed(6)}` : ''}]\n`,
          );
        } finally {
          await client.close();
          await db?.close();
        }
      },
    );

  program
    .command('deid [file]')
    .description(
      'de-identify a clinical note (file or stdin): names, ID/insurance/record numbers, phones, emails, addresses, dates shifted, ages over 89',
    )
    .option('--patient <key>', 'patient key: the same key, the same date shift (with MEDSEEK_DEID_SECRET)')
    .option('--shift <days>', 'shift dates by exactly this many days')
    .option('--name <name...>', 'names known from the record (always masked)')
    .option('--spans', 'print the PHI found (kind, offsets, text) as JSON instead of the text')
    .action(
      async (
        file: string | undefined,
        opts: { patient?: string; shift?: string; name?: string[]; spans?: boolean },
      ) => {
        const text = file ? readFileSync(file, 'utf8') : await readStdin();
        let shiftDays: number | undefined;
        if (opts.shift !== undefined) {
          shiftDays = Number(opts.shift);
          if (!Number.isInteger(shiftDays))
            throw invalid(`not a whole number of days: ${opts.shift}`, { field: '--shift' });
        }
        const d = new Deidentifier({
          ...(opts.patient ? { patientKey: opts.patient } : {}),
          ...(process.env.MEDSEEK_DEID_SECRET ? { secret: process.env.MEDSEEK_DEID_SECRET } : {}),
          ...(shiftDays !== undefined ? { shiftDays } : {}),
          ...(opts.name ? { knownNames: opts.name } : {}),
        });
        const r = d.deidentify(text);
        if (opts.spans) process.stdout.write(`${JSON.stringify(r.spans, null, 2)}\n`);
        else process.stdout.write(r.text.endsWith('\n') ? r.text : `${r.text}\n`);
        process.stderr.write(`${r.report.found} PHI spans: ${JSON.stringify(r.report.byKind)}\n`);
      },
    );
}

async function openDb(): Promise<Database> {
  const config = loadConfig();
  const db = await openDatabase(config.databaseUrl ? { databaseUrl: config.databaseUrl } : { dataDir: config.dataDir });
  await migrate(db);
  return db;
}

async function readStdin(): Promise<string> {
  if (process.stdin.isTTY) throw invalid('give a file or pipe the note on stdin', { field: 'file' });
  const chunks: Buffer[] = [];
  for await (const c of process.stdin) chunks.push(c as Buffer);
  return Buffer.concat(chunks).toString('utf8');
}

function formatRows(rows: readonly Record<string, unknown>[]): string {
  const cols = Object.keys(rows[0]!);
  const cell = (v: unknown) => (typeof v === 'number' && !Number.isInteger(v) ? v.toFixed(6) : String(v));
  const widths = cols.map((c) => Math.max(c.length, ...rows.map((r) => cell(r[c]).length)));
  const line = (vals: string[]) => vals.map((v, i) => v.padEnd(widths[i]!)).join('  ');
  return [line(cols), ...rows.map((r) => line(cols.map((c) => cell(r[c]))))].join('\n');
}
