import type { Command } from 'commander';
import { loadConfig } from '../../core/index.js';
import { openMigratedDatabase, SmartClientStore } from '../../server/index.js';

/** `medseek smart clients add|list|remove`: the apps MedSeek's SMART authorization server knows. */
export function register(program: Command): void {
  const smart = program
    .command('smart')
    .description('SMART App Launch: apps registered with MedSeek’s authorization server');
  const clients = smart
    .command('clients')
    .description('registered SMART apps (a confidential app’s secret is shown once; only a hash is kept)');

  clients
    .command('add')
    .description('register an app')
    .requiredOption('--id <client_id>', 'the client_id the app sends')
    .requiredOption('--name <name>', 'shown to users on the approval page')
    .requiredOption(
      '--redirect <uri...>',
      'allowed redirect URIs (https, or http on localhost; a path means this server)',
    )
    .option('--launch-url <uri>', 'where /oauth2/launch sends the browser for an EHR launch')
    .option(
      '--scopes <scopes>',
      'scopes the app may be granted (space separated)',
      'launch launch/patient openid fhirUser patient/*.rs',
    )
    .option('--confidential', 'a server-side app: generate a client secret (HTTP Basic at the token endpoint)')
    .option('--json', 'print JSON')
    .action(
      async (opts: {
        id: string;
        name: string;
        redirect: string[];
        launchUrl?: string;
        scopes: string;
        confidential?: boolean;
        json?: boolean;
      }) => {
        await withStore(async (store) => {
          const { client, secret } = await store.add({
            clientId: opts.id,
            name: opts.name,
            redirectUris: opts.redirect,
            ...(opts.launchUrl ? { launchUrl: opts.launchUrl } : {}),
            confidential: !!opts.confidential,
            scopes: opts.scopes.split(/\s+/).filter(Boolean),
          });
          if (opts.json) {
            process.stdout.write(`${JSON.stringify({ ...client, ...(secret ? { secret } : {}) })}\n`);
            return;
          }
          process.stdout.write(
            `registered ${client.clientId} (${client.name}), ${client.confidential ? 'confidential' : 'public (PKCE)'}\n`,
          );
          if (secret) process.stdout.write(`\nclient secret: ${secret}\nThis secret is shown once: store it now.\n`);
        });
      },
    );

  clients
    .command('list')
    .description('list registered apps')
    .option('--json', 'print JSON')
    .action(async (opts: { json?: boolean }) => {
      await withStore(async (store) => {
        const list = await store.list();
        if (opts.json) {
          process.stdout.write(`${JSON.stringify(list)}\n`);
          return;
        }
        for (const c of list) {
          process.stdout.write(
            `${c.clientId}  ${c.name}  ${c.confidential ? 'confidential' : 'public'}\n  redirect: ${c.redirectUris.join(' ')}\n  launch:   ${c.launchUrl ?? '-'}\n  scopes:   ${c.scopes.join(' ')}\n`,
          );
        }
      });
    });

  clients
    .command('remove <client_id>')
    .description('remove an app and revoke every token and refresh token it holds')
    .action(async (clientId: string) => {
      await withStore(async (store) => {
        await store.remove(clientId);
        process.stdout.write(`removed ${clientId}; its grants are revoked\n`);
      });
    });
}

async function withStore(fn: (store: SmartClientStore) => Promise<void>): Promise<void> {
  const db = await openMigratedDatabase(loadConfig());
  try {
    await fn(new SmartClientStore(db));
  } finally {
    await db.close();
  }
}
