import { z } from 'zod';
import { MCP_TOOLS } from '../../../agents/index.js';
import type { ModuleDoc } from '../operation.js';

/** A JSON-RPC 2.0 message as MCP sends them (https://modelcontextprotocol.io/specification/2025-06-18/basic). */
const jsonRpc = z
  .looseObject({
    jsonrpc: z.literal('2.0'),
    id: z.union([z.string(), z.number()]).optional(),
    method: z.string().optional(),
    params: z.looseObject({}).optional(),
  })
  .meta({ id: 'JsonRpcMessage', description: 'A JSON-RPC 2.0 request, notification or response (MCP).' });

export const mcpDoc: ModuleDoc = {
  tag: 'MCP',
  description:
    `MedSeek's tools for agents over the Model Context Protocol (streamable HTTP, stateless): ${MCP_TOOLS.join(', ')}; ` +
    'patients and their notes as resources; prompts for a discharge summary draft, a medication review and the ' +
    'differential. Any role connects; each tool checks the role and patient scope as the workspace does, and every ' +
    'read is audited. See docs/mcp.md.',
  operations: [
    {
      method: 'post',
      path: '/mcp',
      summary: 'Send an MCP message',
      description:
        'One JSON-RPC message (initialize, tools/list, tools/call, resources/read, prompts/get…) answered as JSON. ' +
        'Send `Accept: application/json, text/event-stream`. A tool refused for the caller’s role or patient scope ' +
        'answers `isError: true`, audited as denied.',
      body: { schema: jsonRpc },
      responses: {
        200: { description: 'The JSON-RPC response.', schema: jsonRpc },
        202: { description: 'A notification or response was accepted (nothing to answer).' },
        406: { description: 'The Accept header does not allow JSON and event streams.' },
      },
      notFound: false,
    },
    {
      method: 'get',
      path: '/mcp',
      summary: 'Server-initiated stream (not offered)',
      description: 'This endpoint keeps no sessions, so it offers no server-initiated stream: 405.',
      responses: { 405: { description: 'Not offered: send messages with POST.' } },
      notFound: false,
    },
    {
      method: 'delete',
      path: '/mcp',
      summary: 'End a session (none kept)',
      description: 'This endpoint keeps no sessions: 405.',
      responses: { 405: { description: 'No session to end.' } },
      notFound: false,
    },
  ],
};
