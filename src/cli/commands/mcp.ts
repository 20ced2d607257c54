import { randomUUID } from 'node:crypto';
import { StdioServerTransport } from '@modelcontextprotocol/sdk/server/stdio.js';
import type { Command } from 'commander';
import { type AgentAccess, untrustedPrincipals } from '../../agents/index.js';
import { invalid, loadConfig } from '../../core/index.js';
import {
  type AppContext,
  createLogger,
  DEFAULT_PURPOSE,
  keyPrincipal,
  medSeekMcp,
  openContext,
  type Principal,
} from '../../server/index.js';

interface McpOpts {
  key?: string;
  deidentify?: boolean;
}

/**
 * `medseek mcp`: MedSeek's MCP server over stdio, for an agent host that starts it as a process
 * (Claude Desktop, any MCP host; docs/mcp.md). It acts as the principal of an API key (`--key` or
 * MEDSEEK_MCP_KEY), with that key's role and patient scope, and is audited as that key over the
 * `stdio` transport; it refuses to start without one. stdout carries MCP messages only: logs go to stderr.
 */
export function register(program: Command): void {
  program
    .command('mcp')
    .description(
      'serve MedSeek’s tools, patients and notes to an MCP host over stdio, ' +
        'as the API key’s principal (role, patient scope, audit)',
    )
    .option('--key <key>', 'the API key whose role and patient scope the host gets (or MEDSEEK_MCP_KEY)')
    .option('--deidentify', 'de-identify every result: the host is not trusted with identifying data')
    .action(async (opts: McpOpts) => {
      const key = opts.key ?? process.env.MEDSEEK_MCP_KEY;
      if (!key?.trim())
        throw invalid(
          'an API key is required: --key <key> or MEDSEEK_MCP_KEY (create one with `medseek keys create`)',
          {
            field: '--key',
          },
        );
      const config = loadConfig();
      const ctx = await openContext(config, {
        // Logs on stderr: stdout belongs to the MCP messages.
        logger: createLogger(config.logLevel, process.stderr),
      });
      try {
        const principal = await principalOfKey(ctx, key.trim());
        const access = stdioAccess(ctx, principal, !!opts.deidentify || untrustedPrincipals(process.env)(principal.id));
        await serveStdio(ctx, access);
      } catch (e) {
        await ctx.close();
        throw e;
      }
    });
}

/** The key's principal, as the HTTP API's authenticator makes it; an unknown or revoked key is refused, audited. */
async function principalOfKey(ctx: AppContext, key: string): Promise<Principal> {
  const k = await ctx.apiKeys.verify(key);
  if (!k) {
    await ctx.audit.record([
      {
        principal: 'anonymous',
        principalKind: 'anonymous',
        action: 'denied',
        resource: 'mcp/stdio',
        purpose: DEFAULT_PURPOSE,
        outcome: 401,
        detail: { via: 'mcp', transport: 'stdio', reason: 'the API key is not valid (unknown or revoked)' },
      },
    ]);
    throw invalid('the API key is not valid (unknown or revoked)', { field: '--key' });
  }
  return keyPrincipal(k);
}

/** The key's scope and audit rows, as an HTTP request with it would have them (purpose MEDSEEK_PURPOSE or TREAT). */
export function stdioAccess(ctx: AppContext, p: Principal, deidentify: boolean): AgentAccess {
  const purpose = process.env.MEDSEEK_PURPOSE?.trim() || DEFAULT_PURPOSE;
  return {
    principal: { id: p.id, name: p.name, role: p.role },
    allows: (patientId) => ctx.patientScope.allows(p, patientId),
    visible: () => ctx.patientScope.visible(p),
    audit: (e) => {
      const requestId = randomUUID();
      const patients = e.patients.length ? [...new Set(e.patients)] : [undefined];
      return ctx.audit.record(
        patients.map((patientId) => ({
          principal: p.id,
          principalKind: p.kind,
          action: e.action,
          resource: e.resource,
          ...(patientId !== undefined ? { patientId } : {}),
          purpose,
          outcome: e.outcome,
          requestId,
          detail: { ...e.detail, transport: 'stdio' },
        })),
      );
    },
    deidentify,
  };
}

async function serveStdio(ctx: AppContext, access: AgentAccess): Promise<void> {
  const mcp = medSeekMcp(ctx);
  const server = mcp.server(access);
  const closed = new Promise<void>((resolve) => {
    // The host ends the session by closing our stdin (or by a signal).
    process.stdin.once('end', resolve);
    process.once('SIGINT', resolve);
    process.once('SIGTERM', resolve);
  });
  await server.connect(new StdioServerTransport());
  ctx.log.info(
    {
      principal: access.principal.id,
      role: access.principal.role,
      deidentify: access.deidentify,
      db: ctx.db.description,
    },
    'MCP server on stdio',
  );
  await closed;
  await server.close();
  await ctx.close();
}
