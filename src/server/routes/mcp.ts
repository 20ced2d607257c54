import { WebStandardStreamableHTTPServerTransport } from '@modelcontextprotocol/sdk/server/webStandardStreamableHttp.js';
import { type Context, Hono } from 'hono';
import { type AgentAccess, createMedSeekMcp, untrustedPrincipals } from '../../agents/index.js';
import { auditEvents } from '../audit/request.js';
import { ANY_ROLE } from '../auth/authorize.js';
import { refuse } from '../auth/middleware.js';
import type { AppContext } from '../context.js';
import type { AppEnv, PrincipalKind, RoutePolicies } from '../env.js';
import { VERSION } from '../version.js';

/**
 * MCP over streamable HTTP (https://modelcontextprotocol.io/specification/2025-06-18/basic/transports#streamable-http).
 * Any role may connect; each tool then checks the caller's role (staff tools refuse patients) and
 * patient scope, as the workspace routes do. GET (a server-initiated stream) and DELETE (ending a
 * session) answer 405: this endpoint keeps no sessions.
 */
export const mcpPolicies: RoutePolicies = { 'POST /mcp': ANY_ROLE, 'GET /mcp': ANY_ROLE, 'DELETE /mcp': ANY_ROLE };

/**
 * Credentials an MCP client may use: API keys, hospital JWTs, login sessions and the loopback demo.
 * A SMART token is limited to its FHIR scopes and a patient link to its consultation: neither
 * grants the whole-record tools.
 */
const MCP_CREDENTIALS: ReadonlySet<PrincipalKind> = new Set(['api-key', 'jwt', 'session', 'demo']);

/** MedSeek's MCP server over this process's stages (the `/mcp` route and `medseek mcp` alike). */
export function medSeekMcp(ctx: AppContext) {
  return createMedSeekMcp(
    {
      db: ctx.db,
      resources: ctx.resources,
      ...(ctx.llm ? { llm: ctx.llm } : {}),
      ...(process.env.MEDSEEK_DEID_SECRET ? { deidSecret: process.env.MEDSEEK_DEID_SECRET } : {}),
    },
    VERSION,
  );
}

/**
 * `/mcp`: stateless, one MCP server per request for the request's principal (nothing is kept
 * between requests, so any API process behind the load balancer answers; ARCHITECTURE.md). Every
 * tool and resource read is audited with this request's principal, purpose, address and id;
 * callers listed in MEDSEEK_MCP_UNTRUSTED get de-identified results.
 */
/**
 * The MCP tools' view of an HTTP caller: its principal, patient scope and audit (each tool call's row names the
 * request, and `via` where a route other than /mcp calls the tools), and whether results are de-identified.
 */
export function agentAccess(
  ctx: AppContext,
  c: Context<AppEnv>,
  options: { readonly deidentify: boolean; readonly via?: string },
): AgentAccess {
  const p = c.get('principal');
  return {
    principal: { id: p.id, name: p.name, role: p.role },
    allows: (patientId) => ctx.patientScope.allows(p, patientId),
    visible: () => ctx.patientScope.visible(p),
    audit: (e) => {
      const detail = options.via ? { ...(e.detail ?? {}), via: options.via } : e.detail;
      return ctx.audit.record(
        auditEvents(c, {
          action: e.action,
          resource: e.resource,
          outcome: e.outcome,
          patients: e.patients,
          ...(detail ? { detail } : {}),
        }),
      );
    },
    deidentify: options.deidentify,
  };
}

export function mcpRoutes(ctx: AppContext): Hono<AppEnv> {
  const app = new Hono<AppEnv>();
  const mcp = medSeekMcp(ctx);
  const untrusted = untrustedPrincipals(process.env);

  const accessOf = (c: Context<AppEnv>) => agentAccess(ctx, c, { deidentify: untrusted(c.get('principal').id) });

  const handle = async (c: Context<AppEnv>) => {
    const p = c.get('principal');
    if (!MCP_CREDENTIALS.has(p.kind))
      return refuse(ctx, c, 403, `a ${p.kind} credential does not grant MCP tools: use an API key or a login`, p.id);
    // Stateless: no server-initiated stream to open (GET) and no session to end (DELETE), as the SDK's
    // stateless servers answer. The transport itself would open a GET stream that nothing ever writes to.
    if (c.req.method !== 'POST')
      return c.json(
        {
          jsonrpc: '2.0',
          error: { code: -32000, message: 'Method not allowed: this endpoint keeps no sessions; POST each message' },
          id: null,
        },
        405,
        { Allow: 'POST' },
      );
    const server = mcp.server(accessOf(c));
    const transport = new WebStandardStreamableHTTPServerTransport({
      sessionIdGenerator: undefined,
      enableJsonResponse: true,
    });
    await server.connect(transport);
    try {
      return await transport.handleRequest(c.req.raw);
    } finally {
      // The JSON response is complete when handleRequest returns: nothing streams after it.
      await server.close();
    }
  };
  app.post('/', handle);
  app.get('/', handle);
  app.delete('/', handle);

  return app;
}
