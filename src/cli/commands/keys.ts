import type { Command } from 'commander';
import { loadConfig } from '../../core/index.js';
import type { Sql } from '../../core/index.js';
import { ApiKeyStore, AuditLog, type KeyGrant, openMigratedDatabase, type Role } from '../../server/index.js';

export function register(program: Command): void {
  const keys = program
    .command('keys')
    .description('API keys for the server (only a hash is stored; a key is shown once)');

  keys
    .command('create')
    .description('create a key and print it once')
    .option('--name <name>', 'who or what the key is for (shown in the audit log)', 'default')
    .requiredOption('--role <role>', 'admin | clinician | patient')
    .option('--patient <id>', 'the Patient id a patient key is bound to (required for --role patient)')
    .option(
      '--unit <id>',
      "a clinician's unit (Organization or Location id); repeat for several",
      (v: string, prev: string[]) => [...prev, v],
      [] as string[],
    )
    .option('--all-patients', 'a clinician who sees every patient')
    .option('--json', 'print JSON')
    .action(
      async (opts: {
        name: string;
        role: string;
        patient?: string;
        unit: string[];
        allPatients?: boolean;
        json?: boolean;
      }) => {
        const grant: KeyGrant = {
          role: opts.role as Role,
          ...(opts.patient ? { patientId: opts.patient } : {}),
          ...(opts.unit.length ? { units: opts.unit } : {}),
          ...(opts.allPatients ? { allPatients: true } : {}),
        };
        await withStore(async (store, db) => {
          const { key, info } = await store.create(opts.name, grant);
          await new AuditLog(db).recordCliChange('key.create', `api-key/${info.id}`, {
            name: info.name,
            role: info.role,
            ...(info.patientId ? { patientId: info.patientId } : {}),
            ...(info.units ? { units: info.units } : {}),
          });
          if (opts.json) process.stdout.write(`${JSON.stringify({ key, ...info })}\n`);
          else
            process.stdout.write(
              `${key}\n\nid ${info.id}, name '${info.name}'. This key is shown once: store it now.\n`,
            );
        });
      },
    );

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
        if (list.length === 0)
          process.stdout.write(
            'no keys; create one with `medseek keys create --name <who> --role admin|clinician|patient`\n',
          );
        for (const k of list) {
          const state = k.revokedAt ? `revoked ${k.revokedAt}` : `last used ${k.lastUsedAt ?? 'never'}`;
          const scope =
            k.role === 'patient'
              ? ` Patient/${k.patientId}`
              : k.role === 'clinician'
                ? k.allPatients
                  ? ' all patients'
                  : ` units ${(k.units ?? []).join(',')}`
                : '';
          process.stdout.write(
            `${k.id}  ${k.prefix}…  ${k.name}  ${k.role}${scope}  created ${k.createdAt}  ${state}\n`,
          );
        }
      });
    });

  keys
    .command('revoke <id>')
    .description('revoke a key by id (or by name when only one active key has it)')
    .action(async (id: string) => {
      await withStore(async (store, db) => {
        const k = await store.revoke(id);
        await new AuditLog(db).recordCliChange('key.revoke', `api-key/${k.id}`, { name: k.name, role: k.role });
        process.stdout.write(`revoked ${k.id} (${k.name})\n`);
      });
    });
}

/** Key changes are on the record (issue 24): the operating-system user, what changed, the key id (never the key). */

async function withStore(fn: (store: ApiKeyStore, db: Sql) => Promise<void>): Promise<void> {
  const db = await openMigratedDatabase(loadConfig());
  try {
    await fn(new ApiKeyStore(db), db);
  } finally {
    await db.close();
  }
}
