import type { Command } from 'commander';
import { loadConfig } from '../../core/index.js';
import { ApiKeyStore, openMigratedDatabase } from '../../server/index.js';

export function register(program: Command): void {
  const keys = program.command('keys').description('API keys for the server (only a hash is stored; a key is shown once)');

  keys
    .command('create')
    .description('create a key and print it once')
    .option('--name <name>', 'who or what the key is for (shown in the audit log)', 'default')
    .option('--json', 'print JSON')
    .action(async (opts: { name: string; json?: boolean }) => {
      await withStore(async (store) => {
        const { key, info } = await store.create(opts.name);
        if (opts.json) process.stdout.write(`${JSON.stringify({ key, ...info })}\n`);
        else process.stdout.write(`${key}\n\nid ${info.id}, name '${info.name}'. This key is shown once: store it now.\n`);
      });
    });

  keys
    .command('list')
    .description('list keys (id, name, prefix, created, last used, revoked)')
    .option('--json', 'print JSON')
    .action(async (opts: { json?: boolean }) => {
      await withStore(async (store) => {
        const list = await store.list();
        if (opts.json) {
          process.stdout.write(`${JSON.stringify(list)}\n`);
          return;
        }
        if (list.length === 0) process.stdout.write('no keys; create one with `medseek keys create --name <who>`\n');
        for (const k of list) {
          const state = k.revokedAt ? `revoked ${k.revokedAt}` : `last used ${k.lastUsedAt ?? 'never'}`;
          process.stdout.write(`${k.id}  ${k.prefix}…  ${k.name}  created ${k.createdAt}  ${state}\n`);
        }
      });
    });

  keys
    .command('revoke <id>')
    .description('revoke a key by id (or by name when only one active key has it)')
    .action(async (id: string) => {
      await withStore(async (store) => {
        const k = await store.revoke(id);
        process.stdout.write(`revoked ${k.id} (${k.name})\n`);
      });
    });
}

async function withStore(fn: (store: ApiKeyStore) => Promise<void>): Promise<void> {
  const db = await openMigratedDatabase(loadConfig());
  try {
    await fn(new ApiKeyStore(db));
  } finally {
    await db.close();
  }
}
