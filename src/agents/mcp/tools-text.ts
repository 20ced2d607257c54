import type { McpServer } from '@modelcontextprotocol/sdk/server/mcp.js';
import { z } from 'zod';
import { composeDischargeSummary, encounterDocuments } from '../../compose/index.js';
import { lexiconSnapshot } from '../../knowledge/index.js';
import { releaseLexicon } from '../../nlp/index.js';
import { activeSafetyRules, allergyClassesOf, inpatientStays } from '../../reasoning/index.js';
import { recordFromState, verifyText, withAllergyClasses } from '../../verify/index.js';
import { type AgentServices, STAFF } from './access.js';
import { encounterOf, readRecord, stateOf } from './record.js';
import { defineTool, type ToolEnv } from './tooling.js';
import { encounterId, patientId } from './tools-patient.js';

/** Runs `work` with the active release's allergy classes, as the workspace's verifying routes do. */
async function withReleaseAllergies<T>(services: AgentServices, work: () => Promise<T>): Promise<T> {
  const data = allergyClassesOf(await activeSafetyRules(services.db));
  return withAllergyClasses(data, work);
}

/** Verify a text against the record; compose a discharge summary (a template without a model; a model's re-verified). */
export function registerTextTools(server: McpServer, env: ToolEnv): void {
  const { services } = env;

  defineTool(
    server,
    env,
    {
      name: 'verify_text',
      title: 'Verify a text against the record',
      description:
        'Splits a text (a draft, a model’s answer) into claims and checks each against the patient’s record: ' +
        'supported (with the facts and sources that support it), contradicted (and by what), or unsupported',
      roles: STAFF,
      input: {
        patientId,
        text: z.string().trim().min(1).max(50_000).describe('The text to check, zh or en'),
        lang: z.enum(['zh', 'en', 'auto']).optional().describe('Language of the text (default: detected)'),
        encounterId: encounterId.optional().describe('Judge against the record as it stood at this stay’s end'),
      },
    },
    async ({ patientId: id, text, lang, encounterId: enc }) => {
      const record = await readRecord(services, id);
      const state = await stateOf(services, record, { encounterId: enc });
      // The text is read with the active release's names, as the record's notes were.
      const lexicon = releaseLexicon(await lexiconSnapshot(services.db));
      const report = await withReleaseAllergies(services, async () =>
        verifyText(text, recordFromState(state), { lang: lang ?? 'auto', lexicon }),
      );
      return {
        result: report,
        audit: { action: 'verify', resource: `Patient/${id}/verify`, patients: [id] },
        about: [record.patient],
      };
    },
  );

  defineTool(
    server,
    env,
    {
      name: 'compose_summary',
      title: 'Compose a discharge summary (出院小结)',
      description:
        'Composes a discharge summary of a stay from the record, every sentence cited ([F#] → fact → source) and ' +
        'verified; deterministic from a template when no model is configured. A draft only: signing is the ' +
        'workspace’s, after a clinician reviews it',
      roles: STAFF,
      input: {
        patientId,
        encounterId: encounterId.optional().describe('The stay (default: the latest inpatient stay)'),
        lang: z.enum(['zh', 'en']).optional().describe('Language of the summary (default zh)'),
      },
    },
    async ({ patientId: id, encounterId: enc, lang }) => {
      const record = await readRecord(services, id);
      const stay = enc ? encounterOf(record, enc).id : inpatientStays(record.resources)[0]?.id;
      const state = await stateOf(services, record, { encounterId: stay });
      const result = await withReleaseAllergies(services, () =>
        composeDischargeSummary(state, {
          lang: lang ?? 'zh',
          documents: encounterDocuments(record.resources),
          ...(stay ? { encounterId: stay } : {}),
          ...(services.llm ? { llm: services.llm } : {}),
        }),
      );
      return {
        result,
        audit: {
          action: 'compose',
          resource: `Patient/${id}/summary${stay ? `?encounter=${stay}` : ''}`,
          patients: [id],
        },
        about: [record.patient],
      };
    },
  );
}
