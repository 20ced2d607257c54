import type { Command } from 'commander';
import { invalid, loadConfig } from '../../core/index.js';
import { parseStartingRelease } from '../../knowledge/index.js';
import { listen, openContext, stopJobQueue } from '../../server/index.js';
import { startServeReminders } from './serve-reminders.js';
import { checkPortFree, portError, stepPrinter } from './serve-start.js';

export function register(program: Command): void {
  program
    .command('serve')
    .description('start the HTTP server: FHIR API under /fhir, the web workspace at / (auth required unless --demo)')
    .option('--port <n>', 'port to listen on (default: PORT or 8080; 0 picks a free one)')
    .option('--host <address>', 'address to bind (default: MEDSEEK_HOST or 127.0.0.1)')
    .option(
      '--demo',
      'demo mode: no authentication, loopback only, demo patients loaded on the first run (also MEDSEEK_DEMO=1)',
    )
    .option(
      '--knowledge <release>',
      'the knowledge release a new data directory starts with: demo (default: DDXPlus + ICD-10 + CDS and QC ' +
        'rules, seconds), broad (adds HPO and the Disease Ontology, 13,000+ diseases without prevalences yet; ' +
        'built on the first start, about half a minute) or none (also MEDSEEK_KNOWLEDGE)',
    )
    .action(async (opts: { port?: string; host?: string; demo?: boolean; knowledge?: string }) => {
      const port = opts.port === undefined ? undefined : Number(opts.port);
      if (port !== undefined && !(Number.isInteger(port) && port >= 0 && port < 65536))
        throw invalid(`'${opts.port}' is not a port number`, { field: '--port' });
      const config = loadConfig(process.env, {
        ...(port !== undefined ? { port } : {}),
        ...(opts.host ? { host: opts.host } : {}),
        ...(opts.demo ? { demo: true } : {}),
      });
      // A busy port is said at once, not after the seconds the database and knowledge take to open.
      await checkPortFree(config.host, config.port);
      const knowledge =
        parseStartingRelease(opts.knowledge, '--knowledge') ??
        parseStartingRelease(process.env.MEDSEEK_KNOWLEDGE) ??
        // Not yet the broad release: without prevalences its rare diseases rank beside common ones
        // (Wilson disease third for a heart-failure patient with knee osteoarthritis).
        'demo';
      const steps = 3 + (knowledge === 'none' ? 0 : 1) + (config.demo ? 1 : 0);
      const ctx = await openContext(config, {
        knowledge,
        onStep: stepPrinter((text) => process.stdout.write(text), steps),
      });
      let reminders: ReturnType<typeof startServeReminders>;
      try {
        reminders = startServeReminders(ctx);
      } catch (e) {
        await ctx.close();
        throw e;
      }
      let server: Awaited<ReturnType<typeof listen>>;
      try {
        server = await listen(ctx, { port: config.port, host: config.host });
      } catch (e) {
        await reminders.stop();
        await stopJobQueue(ctx, 0);
        await ctx.close();
        const cause = (e as { cause?: NodeJS.ErrnoException }).cause;
        throw cause?.code ? portError(config.host, config.port, cause) : e;
      }
      const mode = config.demo
        ? 'demo mode: no authentication, loopback only'
        : 'send Authorization: Bearer <API key or token>';
      process.stdout.write(`MedSeek listening on ${server.url} (${mode}; ${ctx.db.description})\n`);
      process.stdout.write(`${reminders.describe}\n`);
      if (!ctx.llm?.configured)
        process.stdout.write(
          'no language model configured: the deterministic pipeline answers alone (see MEDSEEK_LLM_* / DEEPSEEK_API_KEY)\n',
        );
      if (
        !config.demo &&
        config.apiKeys.length === 0 &&
        !ctx.jwt &&
        (await ctx.apiKeys.list()).every((k) => k.revokedAt)
      ) {
        process.stdout.write(
          'no API key is configured yet: create one with `medseek keys create --name <who> --role admin`\n',
        );
      }
      // SIGTERM (systemd, Kubernetes, docker stop) or Ctrl-C: stop accepting, let requests in flight
      // finish (MEDSEEK_SHUTDOWN_GRACE_MS, default 10 s), stop the reminders and jobs, close the database (and its
      // lock), exit 0.
      const graceMs = Number(process.env.MEDSEEK_SHUTDOWN_GRACE_MS ?? 10_000);
      let stopping = false;
      const stop = async (signal: NodeJS.Signals) => {
        if (stopping) {
          process.stderr.write(`${signal} again: exiting now\n`);
          process.exit(1);
        }
        stopping = true;
        process.stderr.write(`${signal}: finishing requests in flight, then closing the database\n`);
        let code = 0;
        try {
          await server.close(Number.isFinite(graceMs) && graceMs >= 0 ? graceMs : 10_000);
        } catch (e) {
          process.stderr.write(`closing the server: ${(e as Error).message}\n`);
          code = 1;
        }
        // The reminder timer and the in-process job queue first: work under way finishes (or is left queued to be
        // run again at the next start: every job kind is idempotent) before the database closes.
        await reminders.stop();
        await stopJobQueue(ctx, graceMs);
        try {
          await ctx.close();
        } catch (e) {
          process.stderr.write(`closing the database: ${(e as Error).message}\n`);
          code = 1;
        }
        process.exit(code);
      };
      process.on('SIGINT', stop);
      process.on('SIGTERM', stop);
    });
}
