import type { McpServer } from '@modelcontextprotocol/sdk/server/mcp.js';
import type { CallToolResult } from '@modelcontextprotocol/sdk/types.js';
import type { z } from 'zod';
import { isMedSeekError, type MedSeekError } from '../../core/index.js';
import type { AnyResource } from '../../fusion/index.js';
import { Deidentifier } from '../../llm/index.js';
import { type AgentAccess, AgentRefusal, type AgentRole, type AgentServices } from './access.js';
import { deidentifierFor, deidentifyValue } from './deid.js';

/** What a tool's handler gives back: its result and what the audit row says it read. */
export interface ToolAnswer {
  readonly result: unknown;
  /** Omitted for reads of no patient's data (the knowledge graph), which are not audited, as /api/kg is not. */
  readonly audit?: { readonly action: string; readonly resource: string; readonly patients: readonly string[] };
  /** The Patient resources the result is about, for de-identification (one de-identifier each). */
  readonly about?: readonly AnyResource[];
  /** For results about several patients (a search): which part of the result belongs to which patient. */
  readonly perPatient?: (result: unknown, deid: (patientId: string, v: unknown) => unknown) => unknown;
}

export interface ToolSpec<Shape extends z.ZodRawShape> {
  readonly name: string;
  readonly title: string;
  readonly description: string;
  readonly roles: readonly AgentRole[];
  readonly input: Shape;
}

export interface ToolEnv {
  readonly services: AgentServices;
  readonly access: AgentAccess;
}

const STATUS: Partial<Record<MedSeekError['code'], number>> = {
  invalid: 400,
  'not-found': 404,
  forbidden: 403,
  unauthorized: 401,
  conflict: 409,
  unavailable: 503,
};

export const json = (v: unknown) => JSON.stringify(v, null, 1);

function errorResult(text: string): CallToolResult {
  return { isError: true, content: [{ type: 'text', text }] };
}

/**
 * Registers one tool with the checks every MedSeek route makes, in the same order: the caller's
 * role, then (for a tool with `patientId`) the caller's patient scope, both refusals audited as
 * `denied`; then the stage call, its read audited with its outcome; then, for an untrusted
 * client, the result de-identified. Bad input never reaches the handler: the SDK checks the zod
 * schema and answers `isError` naming the field; a stage's own refusal names its field too.
 */
export function defineTool<Shape extends z.ZodRawShape>(
  server: McpServer,
  env: ToolEnv,
  spec: ToolSpec<Shape>,
  handler: (args: z.infer<z.ZodObject<Shape>>) => Promise<ToolAnswer>,
): void {
  const { access } = env;
  const denied = async (reason: string, patients: readonly string[]) => {
    await access.audit({
      action: 'denied',
      resource: `mcp/tools/${spec.name}`,
      patients,
      outcome: 403,
      detail: { via: 'mcp', tool: spec.name, reason },
    });
    return errorResult(`forbidden: ${reason}`);
  };
  server.registerTool(
    spec.name,
    {
      title: spec.title,
      description: `${spec.description} (roles: ${spec.roles.join(', ')})`,
      inputSchema: spec.input,
      // Every tool reads: none changes the record (a composed summary is a draft, signed in the workspace).
      annotations: { readOnlyHint: true, openWorldHint: false },
    },
    // biome-ignore lint/suspicious/noExplicitAny: the SDK's callback type is generic over its own zod-compat shapes
    (async (args: any): Promise<CallToolResult> => {
      const p = access.principal;
      const patientId = typeof args?.patientId === 'string' ? (args.patientId as string) : undefined;
      const patients = patientId ? [patientId] : [];
      if (!spec.roles.includes(p.role))
        return denied(`role '${p.role}' may not call ${spec.name}; allowed: ${spec.roles.join(', ')}`, patients);
      if (patientId && !(await access.allows(patientId)))
        return denied(`${p.name} (${p.role}) may not see Patient/${patientId}`, patients);
      let answer: ToolAnswer;
      try {
        answer = await handler(args);
      } catch (e) {
        const outcome = isMedSeekError(e) ? (STATUS[e.code] ?? 500) : e instanceof AgentRefusal ? 400 : 500;
        if (patientId)
          await access.audit({
            action: 'read',
            resource: `mcp/tools/${spec.name}`,
            patients,
            outcome,
            detail: { via: 'mcp', tool: spec.name },
          });
        if (isMedSeekError(e)) return errorResult(`${e.code}: ${e.message}`);
        if (e instanceof AgentRefusal)
          return errorResult(e.field ? `invalid: field ${e.field}: ${e.message}` : e.message);
        throw e;
      }
      if (answer.audit) await access.audit({ ...answer.audit, outcome: 200, detail: { via: 'mcp', tool: spec.name } });
      const result = access.deidentify ? deidentifyAnswer(answer, env.services.deidSecret) : answer.result;
      return { content: [{ type: 'text', text: json(result) }] };
    }) as never,
  );
}

function deidentifyAnswer(answer: ToolAnswer, secret: string | undefined): unknown {
  const about = new Map((answer.about ?? []).map((p) => [p.id ?? '', deidentifierFor(p, secret)]));
  if (answer.perPatient)
    return answer.perPatient(answer.result, (id, v) => {
      // A patient whose resource was not read still has the detector's own names, ids and dates masked.
      return deidentifyValue(v, about.get(id) ?? new Deidentifier({ patientKey: id, ...(secret ? { secret } : {}) }));
    });
  const only = [...about.values()][0];
  // No patient named: nothing of a patient's to mask (the knowledge graph); a result about one: that patient's.
  return only ? deidentifyValue(answer.result, only) : answer.result;
}
