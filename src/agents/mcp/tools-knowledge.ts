import type { McpServer } from '@modelcontextprotocol/sdk/server/mcp.js';
import { z } from 'zod';
import { invalid, isMedSeekError } from '../../core/index.js';
import { CONCEPT_TYPES, KnowledgeGraph } from '../../knowledge/index.js';
import { STAFF } from './access.js';
import { defineTool, type ToolEnv } from './tooling.js';

const release = z.number().int().min(1).optional().describe('The knowledge release (default: the active one)');

/** The knowledge graph (knowledge/queries.ts), as `/api/kg/find`, `/neighbours` and `/path` answer it: staff only. */
export function registerKnowledgeTools(server: McpServer, env: ToolEnv): void {
  const graph = () => new KnowledgeGraph(env.services.db);

  defineTool(
    server,
    env,
    {
      name: 'knowledge_lookup',
      title: 'Look up the knowledge graph',
      description:
        'Finds concepts (diseases, findings, drugs, genes…) by id, code or name in Chinese or English, synonyms and ' +
        'fuzzy matches included; with `neighbours`, the best match’s edges, each with its source (guideline, label, ' +
        'database and version)',
      roles: STAFF,
      input: {
        query: z.string().trim().min(1).max(200).describe('A name (房颤, atrial fibrillation), a code or a concept id'),
        types: z
          .array(z.enum(CONCEPT_TYPES))
          .min(1)
          .optional()
          .describe(`Concept types: ${CONCEPT_TYPES.join(', ')}`),
        limit: z.number().int().min(1).max(100).optional().describe('How many matches (default 10)'),
        neighbours: z.boolean().optional().describe('Also the edges of the best match (at most 100)'),
        release,
      },
    },
    async ({ query, types, limit, neighbours, release: asked }) => {
      const g = graph();
      const { releaseId } = await g.resolveRelease(asked);
      const matches = await g.find(query, { release: releaseId, limit: limit ?? 10, ...(types ? { types } : {}) });
      const best = matches[0];
      const edges =
        neighbours && best ? await g.neighbours(best.concept.id, { release: releaseId, limit: 100 }) : undefined;
      return { result: { release: releaseId, matches, ...(edges ? { neighbours: edges } : {}) } };
    },
  );

  defineTool(
    server,
    env,
    {
      name: 'knowledge_paths',
      title: 'Paths between two concepts',
      description:
        'How two concepts are connected in the knowledge graph (a drug and a finding, a gene and a disease): the ' +
        'shortest paths first, each edge with its direction and source',
      roles: STAFF,
      input: {
        from: z.string().trim().min(1).max(200).describe('A concept id or name'),
        to: z.string().trim().min(1).max(200).describe('A concept id or name'),
        maxHops: z.number().int().min(1).max(4).optional().describe('Longest path in edges, 1–4 (default 3)'),
        limit: z.number().int().min(1).max(20).optional().describe('How many paths (default 5)'),
        release,
      },
    },
    async ({ from, to, maxHops, limit, release: asked }) => {
      const g = graph();
      const { releaseId } = await g.resolveRelease(asked);
      const ro = { release: releaseId };
      // The graph names the field `concept`; here the caller's own field is named.
      const resolve = (key: string, field: string) =>
        g.resolve(key, ro).catch((e: unknown) => {
          throw isMedSeekError(e) && e.code === 'invalid' ? invalid(`no concept named '${key}'`, { field }) : e;
        });
      const [a, b] = await Promise.all([resolve(from, 'from'), resolve(to, 'to')]);
      const paths = await g.paths(a.id, b.id, { ...ro, maxHops: maxHops ?? 3, limit: limit ?? 5 });
      return { result: { release: releaseId, from: a, to: b, paths } };
    },
  );
}
