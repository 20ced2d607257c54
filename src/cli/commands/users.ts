import { createInterface } from 'node:readline';
import { Writable } from 'node:stream';
import type { Command } from 'commander';
import { invalid, loadConfig } from '../../core/index.js';
import { AuditLog, openMigratedDatabase, type UserInfo, UserStore } from '../../server/index.js';

/**
 * `medseek users …`: workspace accounts (the first administrator is made here). Passwords come from
 * stdin (`--password-stdin`) or a prompt that does not echo; never from an argument, which would sit
 * in the shell history and the process list.
 */
export function register(program: Command): void {
  const users = program.command('users').description('workspace users: create, list, disable, unlock, set a password');

  users
    .command('create')
    .description('create a local user (the password, at least 12 characters, from stdin or a prompt)')
    .requiredOption('--username <name>', 'login name (letters, digits, . _ @ -)')
    .requiredOption('--role <role>', 'admin or clinician')
    .option(
      '--unit <id>',
      'a unit (Organization or Location id) whose patients a clinician sees; repeatable',
      collect,
      [],
    )
    .option('--all-patients', 'a clinician who sees every patient')
    .option('--display-name <name>', 'the name shown in the workspace and the audit log')
    .option('--password-stdin', 'read the password from standard input')
    .option('--json', 'print JSON')
    .action(
      async (opts: {
        username: string;
        role: string;
        unit: string[];
        allPatients?: boolean;
        displayName?: string;
        passwordStdin?: boolean;
        json?: boolean;
      }) => {
        const password = await readPassword(opts.passwordStdin);
        await withStore(async (store, audit) => {
          const u = await store.create({
            username: opts.username,
            password,
            role: opts.role as UserInfo['role'],
            units: opts.unit,
            allPatients: Boolean(opts.allPatients),
            ...(opts.displayName ? { displayName: opts.displayName } : {}),
          });
          await audit('user.create', u);
          print(
            opts.json,
            u,
            `created ${u.username} (${u.role}${u.units.length ? `, units ${u.units.join(', ')}` : ''}${u.allPatients ? ', all patients' : ''}), id ${u.id}`,
          );
        });
      },
    );

  users
    .command('list')
    .description('list users (never their passwords)')
    .option('--json', 'print JSON')
    .action(async (opts: { json?: boolean }) => {
      await withStore(async (store) => {
        const list = await store.list();
        if (opts.json) {
          process.stdout.write(`${JSON.stringify(list)}\n`);
          return;
        }
        if (list.length === 0)
          process.stdout.write(
            'no users; create the first administrator with `medseek users create --username <name> --role admin`\n',
          );
        for (const u of list) {
          const state = [u.disabled ? 'disabled' : '', u.lockedUntil ? `locked until ${u.lockedUntil}` : '']
            .filter(Boolean)
            .join(', ');
          process.stdout.write(
            `${u.id}  ${u.username}  ${u.role}  ${u.source}  ${u.displayName}${u.units.length ? `  units ${u.units.join(',')}` : ''}${u.allPatients ? '  all patients' : ''}  last login ${u.lastLoginAt ?? 'never'}${state ? `  ${state}` : ''}\n`,
          );
        }
      });
    });

  users
    .command('disable <username>')
    .description('disable a user (their sessions end at once)')
    .action(async (name: string) => {
      await withStore(async (store, audit) => {
        const u = await store.update((await store.find(name)).id, { disabled: true });
        await audit('user.disable', u);
        process.stdout.write(`disabled ${u.username}\n`);
      });
    });

  users
    .command('enable <username>')
    .description('enable a disabled user again')
    .action(async (name: string) => {
      await withStore(async (store, audit) => {
        const u = await store.update((await store.find(name)).id, { disabled: false });
        await audit('user.enable', u);
        process.stdout.write(`enabled ${u.username}\n`);
      });
    });

  users
    .command('unlock <username>')
    .description('clear the failed logins that locked a user')
    .action(async (name: string) => {
      await withStore(async (store, audit) => {
        const u = await store.unlock((await store.find(name)).id);
        await audit('user.unlock', u);
        process.stdout.write(`unlocked ${u.username}\n`);
      });
    });

  users
    .command('password <username>')
    .description("set a user's password (from stdin or a prompt); their sessions end")
    .option('--password-stdin', 'read the password from standard input')
    .action(async (name: string, opts: { passwordStdin?: boolean }) => {
      const password = await readPassword(opts.passwordStdin);
      await withStore(async (store, audit) => {
        const u = await store.setPassword((await store.find(name)).id, password);
        await audit('user.password', u);
        process.stdout.write(`password of ${u.username} changed; their sessions have ended\n`);
      });
    });
}

function collect(value: string, previous: string[]): string[] {
  return [...previous, value];
}

function print(json: boolean | undefined, u: UserInfo, text: string): void {
  process.stdout.write(json ? `${JSON.stringify(u)}\n` : `${text}\n`);
}

async function readPassword(fromStdin: boolean | undefined): Promise<string> {
  if (fromStdin || !process.stdin.isTTY) {
    if (!fromStdin)
      throw invalid('no terminal to ask for the password: pipe it in with --password-stdin', {
        field: '--password-stdin',
      });
    const chunks: Buffer[] = [];
    for await (const chunk of process.stdin) chunks.push(chunk as Buffer);
    // One trailing newline (from echo or a file) is not part of the password.
    return Buffer.concat(chunks)
      .toString('utf8')
      .replace(/\r?\n$/, '');
  }
  const first = await prompt('Password (at least 12 characters): ');
  const second = await prompt('Again: ');
  if (first !== second) throw invalid('the two passwords differ', { field: 'password' });
  return first;
}

/** Reads a line from the terminal without echoing it. */
function prompt(question: string): Promise<string> {
  process.stderr.write(question);
  const silent = new Writable({ write: (_chunk, _enc, done) => done() });
  const rl = createInterface({ input: process.stdin, output: silent, terminal: true });
  return new Promise((resolve) =>
    rl.question('', (answer) => {
      rl.close();
      process.stderr.write('\n');
      resolve(answer);
    }),
  );
}

/** Runs fn on the user store; every change is audited as the operating-system user (`cli:<user>`). */
async function withStore(
  fn: (store: UserStore, audit: (action: string, u: UserInfo) => Promise<void>) => Promise<void>,
): Promise<void> {
  const db = await openMigratedDatabase(loadConfig());
  try {
    const log = new AuditLog(db);
    await fn(new UserStore(db), (action, u) =>
      log.recordCliChange(action, `user/${u.id}`, { username: u.username, role: u.role }),
    );
  } finally {
    await db.close();
  }
}
