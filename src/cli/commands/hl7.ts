import type { Command } from 'commander';
import { invalid, loadConfig, type Sql } from '../../core/index.js';
import {
  type Hl7ImportSummary,
  type Hl7ListenerOptions,
  type Hl7Options,
  type Hl7Store,
  importHl7File,
  startHl7Listener,
} from '../../ingest/index.js';
import { type Database, migrate, openDatabase, refreshSearchIndex, resourceSink } from '../../store/index.js';

interface CommonOpts {
  encoding: string;
  timezone?: string;
}

interface ListenOpts extends CommonOpts {
  port: string;
  host: string;
  maxMessageMb: string;
  idleTimeout: string;
}

/** `medseek hl7 listen` (MLLP) and `medseek hl7 import <file>`: HL7 v2 into the store (docs/hl7v2.md). */
export function register(program: Command): void {
  const hl7 = program.command('hl7').description('HL7 v2 messages (ADT, ORU, ORM, OML) into the FHIR store');
  const common = (c: Command) =>
    c
      .option('--encoding <charset>', 'character set of messages without MSH-18: utf-8 or gb18030', 'utf-8')
      .option(
        '--timezone <offset>',
        "offset for times that carry none, e.g. '+08:00' (default: MSH-7's, else this machine's)",
      );

  common(
    hl7
      .command('listen')
      .description('receive messages over MLLP, store each in one transaction and answer with an ACK')
      .requiredOption('--port <n>', 'TCP port to listen on (0 picks a free one)')
      .option('--host <address>', 'address to listen on; MLLP has no authentication, so open it with care', '127.0.0.1')
      .option('--max-message-mb <n>', 'largest message accepted, MiB; a larger one closes the connection', '10')
      .option('--idle-timeout <s>', 'close a connection after this many seconds without data (0: never)', '600'),
  ).action(async (opts: ListenOpts) => {
    const listen = listenOptions(opts);
    const options = hl7Options(opts);
    const db = await openStore();
    let listener: Awaited<ReturnType<typeof startHl7Listener>>;
    try {
      listener = await startHl7Listener(storeOf(db), {
        ...options,
        ...listen,
        onMessage: (o) =>
          process.stdout.write(
            `${o.code}${o.duplicate ? ' (replay)' : ''} ${o.messageType ?? '?'} ${o.controlId ?? '(no MSH-10)'}` +
              `${o.error ? ` ${o.error.where}: ${o.error.reason}` : ` ${o.resources.length} resource(s)`}\n`,
          ),
        onError: (e) => process.stderr.write(`connection: ${e.message}\n`),
        onNotice: (text) => process.stderr.write(`connection: ${text}\n`),
      });
    } catch (e) {
      await db.close();
      throw e;
    }
    if (!isLoopback(listener.host))
      process.stderr.write(
        `warning: listening on ${listener.host}, reachable from other machines; MLLP has no authentication\n`,
      );
    process.stdout.write(`MedSeek HL7 listener on ${listener.host} port ${listener.port} (MLLP; ${db.description})\n`);
    const stop = async (signal: NodeJS.Signals) => {
      process.stderr.write(`${signal}: closing the listener and the database\n`);
      let code = 0;
      try {
        await listener.close();
        await refreshSearchIndex(db);
      } catch (e) {
        process.stderr.write(`closing: ${(e as Error).message}\n`);
        code = 1;
      }
      await db.close();
      process.exit(code);
    };
    process.once('SIGINT', stop);
    process.once('SIGTERM', stop);
  });

  common(
    hl7
      .command('import <file>')
      .description('import a file of HL7 v2 messages (one or many, batch envelopes allowed); each gets its own ACK')
      .option('--format <format>', "summary format: 'text' or 'json'", 'text'),
  ).action(async (file: string, opts: CommonOpts & { format: string }) => {
    if (opts.format !== 'text' && opts.format !== 'json')
      throw invalid(`--format must be 'text' or 'json', not '${opts.format}'`, { field: '--format' });
    const options = hl7Options(opts);
    const db = await openStore();
    let summary: Hl7ImportSummary;
    try {
      summary = await importHl7File(file, storeOf(db), options);
      await refreshSearchIndex(db);
    } finally {
      await db.close();
    }
    process.stdout.write(opts.format === 'json' ? `${JSON.stringify(summary, null, 2)}\n` : textSummary(summary));
    if (summary.rejected > 0) process.exitCode = 1;
  });
}

function listenOptions(
  opts: ListenOpts,
): Pick<Hl7ListenerOptions, 'port' | 'host' | 'maxMessageBytes' | 'idleTimeoutMs'> {
  const port = Number(opts.port);
  if (!(Number.isInteger(port) && port >= 0 && port < 65536))
    throw invalid(`'${opts.port}' is not a port number`, { field: '--port' });
  const host = opts.host.trim();
  if (host === '') throw invalid('--host must name an address, e.g. 127.0.0.1', { field: '--host' });
  const mb = Number(opts.maxMessageMb);
  if (!(mb > 0 && mb <= 1024))
    throw invalid(`--max-message-mb must be a number above 0 and at most 1024, not '${opts.maxMessageMb}'`, {
      field: '--max-message-mb',
    });
  const idle = Number(opts.idleTimeout);
  if (!(idle >= 0 && idle <= 86400))
    throw invalid(`--idle-timeout must be 0 (never) to 86400 seconds, not '${opts.idleTimeout}'`, {
      field: '--idle-timeout',
    });
  return { port, host, maxMessageBytes: Math.round(mb * 1024 * 1024), idleTimeoutMs: Math.round(idle * 1000) };
}

/** 127.0.0.0/8, ::1 and localhost: not reachable from another machine. */
function isLoopback(host: string): boolean {
  return /^(127\.\d+\.\d+\.\d+|::1|localhost)$/i.test(host);
}

function hl7Options(opts: CommonOpts): Hl7Options {
  if (!/^(utf-?8|gb18030|gbk)$/i.test(opts.encoding))
    throw invalid(`--encoding must be utf-8 or gb18030, not '${opts.encoding}'`, { field: '--encoding' });
  if (opts.timezone !== undefined && !/^(Z|[+-](0\d|1[0-4]):[0-5]\d)$/.test(opts.timezone))
    throw invalid(`--timezone must be Z or an offset like +08:00, not '${opts.timezone}'`, { field: '--timezone' });
  return { defaultCharset: opts.encoding, ...(opts.timezone ? { defaultOffset: opts.timezone } : {}) };
}

async function openStore(): Promise<Database> {
  const config = loadConfig();
  const db = await openDatabase(config.databaseUrl ? { databaseUrl: config.databaseUrl } : { dataDir: config.dataDir });
  try {
    await migrate(db);
  } catch (e) {
    await db.close();
    throw e;
  }
  return db;
}

function storeOf(db: Database): Hl7Store {
  return { sql: db, sinkFor: (tx: Sql) => resourceSink(tx) };
}

export function textSummary(s: Hl7ImportSummary): string {
  const lines = [`${s.messages} message(s): ${s.accepted} accepted, ${s.duplicates} replayed, ${s.rejected} rejected`];
  for (const o of s.outcomes) {
    const code = `${o.code}${o.duplicate ? ' (replay)' : ''}`;
    const what = `${o.where}: ${code} ${o.messageType ?? '?'} ${o.controlId ?? '(no MSH-10)'}`;
    lines.push(
      `  ${what}${o.error ? ` — ${o.error.where}: ${o.error.reason}` : ` — ${o.resources.length} resource(s)`}`,
    );
  }
  return `${lines.join('\n')}\n`;
}
