import type { McpServer } from '@modelcontextprotocol/sdk/server/mcp.js';
import { z } from 'zod';
import type { Fact, PatientState } from '../../core/index.js';
import {
  type AnyResource,
  extractPatientNotes,
  loadNoteFacts,
  matchesPatientQuery,
  patientSummary,
} from '../../fusion/index.js';
import { ANY_ROLE } from './access.js';
import { notesOf, readRecord, stateOf } from './record.js';
import { defineTool, type ToolEnv } from './tooling.js';

export const patientId = z.string().min(1).max(64).describe('The Patient id (from search_patients)');
const isoTime = z
  .string()
  .refine((s) => Number.isFinite(Date.parse(s)), 'must be an ISO-8601 date or date-time')
  .describe('ISO-8601 date or date-time');
export const encounterId = z.string().min(1).max(64).describe('An Encounter id of this patient');

export const STATE_SECTIONS = [
  'demographics',
  'phenotype',
  'intervention',
  'biology',
  'medications',
  'timeline',
  'conflicts',
] as const;
type Section = (typeof STATE_SECTIONS)[number];
/** Without `sections`: everything but the timeline, which is long and repeats the facts by date. */
const DEFAULT_SECTIONS: readonly Section[] = STATE_SECTIONS.filter((s) => s !== 'timeline');

/** Patient search, the fused state (sections on request) and note search with spans. */
export function registerPatientTools(server: McpServer, env: ToolEnv): void {
  const { services, access } = env;

  defineTool(
    server,
    env,
    {
      name: 'search_patients',
      title: 'Search patients',
      description:
        'Patients the caller may see whose name, id or identifier contains the query (all of them without one)',
      roles: ANY_ROLE,
      input: {
        query: z.string().max(200).optional().describe('Part of a name (张建国), an id or an identifier (MRN)'),
        limit: z.number().int().min(1).max(200).optional().describe('At most this many (default 50)'),
      },
    },
    async ({ query, limit }) => {
      const q = (query ?? '').trim().toLowerCase();
      const visible = await access.visible();
      // An empty `ids` would mean no filter: a caller who sees no patient gets none.
      const { entries } =
        visible?.size === 0
          ? { entries: [] }
          : await services.resources.search('Patient', { count: 1000, ...(visible ? { ids: [...visible] } : {}) });
      const found = entries
        .filter((e) => !e.deleted)
        .map((e) => ({ resource: e.resource as AnyResource, summary: patientSummary(e.resource as AnyResource) }))
        .filter(({ summary }) => matchesPatientQuery(summary, q))
        .slice(0, limit ?? 50);
      const patients = found.map((f) => f.summary);
      return {
        result: { patients },
        audit: { action: 'search', resource: `patients${q ? `?q=${q}` : ''}`, patients: patients.map((p) => p.id) },
        about: found.map((f) => f.resource),
        perPatient: (r, deid) => ({
          patients: (r as { patients: typeof patients }).patients.map((p) => deid(p.id, p)),
        }),
      };
    },
  );

  defineTool(
    server,
    env,
    {
      name: 'get_patient_state',
      title: 'Fused patient state',
      description:
        "The patient's fused state: facts in three spaces (phenotype, intervention, biology), medication courses, " +
        'conflicts between notes and coded data, and the timeline; every fact with its sources (resource or note span)',
      roles: ANY_ROLE,
      input: {
        patientId,
        sections: z
          .array(z.enum(STATE_SECTIONS))
          .min(1)
          .optional()
          .describe(`Which sections (default: all but the timeline): ${STATE_SECTIONS.join(', ')}`),
        at: isoTime.optional().describe('The moment to describe (default now, or the encounter’s end)'),
        encounterId: encounterId.optional(),
      },
    },
    async ({ patientId: id, sections, at, encounterId: enc }) => {
      const record = await readRecord(services, id);
      const state = await stateOf(services, record, { at, encounterId: enc });
      return {
        result: pickSections(state, sections ?? DEFAULT_SECTIONS),
        audit: { action: 'read', resource: `Patient/${id}/state`, patients: [id] },
        about: [record.patient],
      };
    },
  );

  defineTool(
    server,
    env,
    {
      name: 'search_notes',
      title: 'Search notes',
      description:
        "Finds a word or phrase in the patient's notes: each occurrence with its note and [start, end) span, and the " +
        'facts read from the notes whose concept matches, each with its spans',
      roles: ANY_ROLE,
      input: {
        patientId,
        query: z.string().trim().min(1).max(200).describe('What to find (血钾, warfarin, 螺内酯)'),
        limit: z.number().int().min(1).max(500).optional().describe('At most this many occurrences (default 50)'),
      },
    },
    async ({ patientId: id, query, limit }) => {
      const record = await readRecord(services, id);
      const notes = notesOf(record);
      await extractPatientNotes(services.db, { everything: async () => [...record.stored] }, id, {
        resources: [...record.resources],
      });
      const facts = await loadNoteFacts(
        services.db,
        id,
        notes.map((n) => ({ documentId: n.documentId, versionId: n.versionId })),
      );
      const q = query.toLowerCase();
      const max = limit ?? 50;
      const occurrences: {
        document: string;
        date?: string;
        start: number;
        end: number;
        quote: string;
        context: string;
      }[] = [];
      for (const note of notes) {
        const text = note.text.toLowerCase();
        for (let at = text.indexOf(q); at >= 0 && occurrences.length < max; at = text.indexOf(q, at + q.length)) {
          const end = at + q.length;
          occurrences.push({
            document: note.document,
            ...(note.date ? { date: note.date } : {}),
            start: at,
            end,
            quote: note.text.slice(at, end),
            context: note.text.slice(Math.max(0, at - 40), Math.min(note.text.length, end + 40)),
          });
        }
      }
      const matching = facts.filter((f) => conceptMatches(f, q)).slice(0, max);
      return {
        result: {
          query,
          notes: notes.length,
          occurrences,
          facts: matching.map((f) => ({
            id: f.id,
            concept: f.concept,
            assertion: f.assertion,
            ...(f.time ? { time: f.time } : {}),
            ...(f.value ? { value: f.value } : {}),
            sources: f.sources,
          })),
        },
        audit: { action: 'search', resource: `DocumentReference?patient=${id}`, patients: [id] },
        about: [record.patient],
      };
    },
  );
}

function conceptMatches(f: Fact, q: string): boolean {
  const c = f.concept;
  return [c.display, c.displayZh, c.code].some((s) => s?.toLowerCase().includes(q));
}

function pickSections(state: PatientState, sections: readonly Section[]): Record<string, unknown> {
  const out: Record<string, unknown> = { patientId: state.patientId, at: state.at };
  if (state.encounterId) out.encounterId = state.encounterId;
  for (const s of sections) out[s] = state[s] ?? [];
  return out;
}
