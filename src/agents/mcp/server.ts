import { McpServer } from '@modelcontextprotocol/sdk/server/mcp.js';
import { releaseNetworks } from '../../reasoning/index.js';
import { registerAskTool } from '../ask/mcp-tool.js';
import type { AgentAccess, AgentServices } from './access.js';
import { registerPrompts } from './prompts.js';
import { registerResources } from './resources.js';
import { registerKnowledgeTools } from './tools-knowledge.js';
import { registerPatientTools } from './tools-patient.js';
import { registerReasoningTools } from './tools-reasoning.js';
import { registerTextTools } from './tools-text.js';

/** The tools in the order a host lists them. */
export const MCP_TOOLS = [
  'search_patients',
  'get_patient_state',
  'search_notes',
  'get_differential',
  'check_order_safety',
  'get_critical_values',
  'check_record_quality',
  'verify_text',
  'compose_summary',
  'knowledge_lookup',
  'knowledge_paths',
  'ask_record',
] as const;

export const MCP_PROMPTS = ['discharge_summary_draft', 'medication_review', 'explain_differential'] as const;

/**
 * MedSeek's MCP server (https://modelcontextprotocol.io): the pipeline's stages as tools, the
 * record as resources, common tasks as prompts. Built once per process over the stores (it holds
 * the causal networks built per release); `connect` makes one MCP server for one authenticated
 * caller: a stdio process (`medseek mcp`) or one HTTP request (`/mcp`, stateless).
 */
export function createMedSeekMcp(services: AgentServices, version: string) {
  const networkOf = releaseNetworks(services.db);
  const self = {
    server(access: AgentAccess): McpServer {
      const server = new McpServer(
        { name: 'medseek', title: 'MedSeek', version },
        {
          instructions:
            'MedSeek reads the hospital record for you. Find the patient with search_patients, then use the tools ' +
            'on their id. Every fact, alert and diagnosis carries its sources (a resource, or a note span ' +
            '[start, end)); cite them. Check any text you write about a patient with verify_text before showing it.',
        },
      );
      const env = { services, access };
      registerPatientTools(server, env);
      registerReasoningTools(server, env, networkOf);
      registerTextTools(server, env);
      registerKnowledgeTools(server, env);
      registerAskTool(server, env, (a) => self.server(a));
      registerResources(server, env);
      registerPrompts(server);
      return server;
    },
  };
  return self;
}

export type MedSeekMcp = ReturnType<typeof createMedSeekMcp>;
