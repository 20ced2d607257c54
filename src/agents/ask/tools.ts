import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { InMemoryTransport } from '@modelcontextprotocol/sdk/inMemory.js';
import type { CallToolResult } from '@modelcontextprotocol/sdk/types.js';
import type { AgentAccess } from '../mcp/access.js';
import type { McpServer } from '@modelcontextprotocol/sdk/server/mcp.js';

/** A tool the agent may call, as the MCP server lists it (JSON Schema input). */
export interface AskTool {
  readonly name: string;
  readonly description?: string;
  readonly inputSchema: Readonly<Record<string, unknown>>;
}

/** A refusal or failure of a tool, with the tool's own message (`forbidden: …`, `invalid: field …`). */
export class ToolCallError extends Error {
  constructor(
    readonly tool: string,
    message: string,
  ) {
    super(message);
    this.name = 'ToolCallError';
  }
}

/**
 * How "ask the record" reaches the record: through MedSeek's MCP tools, the same ones an agent host
 * calls, so every read has the caller's role, patient scope and audit row. `call` answers the
 * tool's JSON result or throws ToolCallError with the tool's message.
 */
export interface ToolCaller {
  list(): Promise<readonly AskTool[]>;
  call(name: string, args: Readonly<Record<string, unknown>>): Promise<unknown>;
  close(): Promise<void>;
}

/**
 * A ToolCaller over MedSeek's MCP server in memory (the SDK's own client and linked transport; `open`
 * makes the server for an access: `createMedSeekMcp(…).server`),
 * for one caller's access. The results are not de-identified here (the answer is, where the
 * caller is untrusted, as a whole): the access handed in should say `deidentify: false`.
 */
export async function mcpToolCaller(
  open: (access: AgentAccess) => McpServer,
  access: AgentAccess,
): Promise<ToolCaller> {
  const [clientSide, serverSide] = InMemoryTransport.createLinkedPair();
  const server = open(access);
  await server.connect(serverSide);
  const client = new Client({ name: 'medseek-ask', version: '1' });
  await client.connect(clientSide);
  let tools: AskTool[] | undefined;
  return {
    async list() {
      tools ??= (await client.listTools()).tools.map((t) => ({
        name: t.name,
        ...(t.description ? { description: t.description } : {}),
        inputSchema: t.inputSchema as Record<string, unknown>,
      }));
      return tools;
    },
    async call(name, args) {
      const r = (await client.callTool({ name, arguments: { ...args } })) as CallToolResult;
      const text = r.content.map((c) => (c.type === 'text' ? c.text : '')).join('');
      if (r.isError) throw new ToolCallError(name, text);
      try {
        return JSON.parse(text) as unknown;
      } catch {
        return text;
      }
    },
    async close() {
      await client.close();
      await server.close();
    },
  };
}
