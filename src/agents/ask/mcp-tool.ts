import type { McpServer } from '@modelcontextprotocol/sdk/server/mcp.js';
import { z } from 'zod';
import { lexiconSnapshot } from '../../knowledge/index.js';
import { releaseLexicon } from '../../nlp/index.js';
import { type AgentAccess, STAFF } from '../mcp/access.js';
import { readRecord } from '../mcp/record.js';
import { defineTool, type ToolEnv } from '../mcp/tooling.js';
import { askRecord, MAX_QUESTION_LENGTH } from './ask.js';
import { mcpToolCaller } from './tools.js';
import { activeSafetyRules, drugIndex } from '../../reasoning/index.js';

/**
 * `ask_record` as an MCP tool: the question answered over the same server's tools, as the same
 * caller (role, patient scope, audit rows for each read), the answer de-identified as a whole for
 * an untrusted client (by defineTool), never its parts.
 */
export function registerAskTool(server: McpServer, env: ToolEnv, open: (access: AgentAccess) => McpServer): void {
  const { services, access } = env;
  defineTool(
    server,
    env,
    {
      name: 'ask_record',
      title: 'Ask the record',
      description:
        "Answers a clinician's question about one patient (zh or en: 这次住院血钾最高多少？ why was warfarin held?) from " +
        'the record: lab values (highest, lowest, first, latest, trend), drug starts, stops, holds and their ' +
        'recorded ' +
        'reasons, current drugs, problems, allergies, genotypes; with a configured model, any question, through an ' +
        'agent loop over these tools. Every sentence cites its facts and was verified; what it cannot answer it says',
      roles: STAFF,
      input: {
        patientId: z.string().min(1).max(64).describe('The Patient id (from search_patients)'),
        question: z.string().trim().min(1).max(MAX_QUESTION_LENGTH).describe('The question, zh or en'),
        lang: z.enum(['zh', 'en', 'auto']).optional().describe('Language of the answer (default: the question’s)'),
      },
    },
    async ({ patientId, question, lang }) => {
      const record = await readRecord(services, patientId);
      const caller = await mcpToolCaller(open, { ...access, deidentify: false });
      try {
        const lexicon = releaseLexicon(await lexiconSnapshot(services.db));
        const answer = await askRecord(caller, {
          patientId,
          question,
          lang: lang ?? 'auto',
          lexicon,
          drugs: drugIndex(await activeSafetyRules(services.db)),
          traceSql: services.db,
          ...(services.llm ? { llm: services.llm } : {}),
        });
        return {
          result: answer,
          audit: { action: 'ask', resource: `Patient/${patientId}/ask`, patients: [patientId] },
          about: [record.patient],
        };
      } finally {
        await caller.close();
      }
    },
  );
}
