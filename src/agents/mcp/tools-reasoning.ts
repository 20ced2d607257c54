import { randomUUID } from 'node:crypto';
import type { McpServer } from '@modelcontextprotocol/sdk/server/mcp.js';
import { z } from 'zod';
import { allFacts, invalid } from '../../core/index.js';
import { buildPatientState } from '../../fusion/index.js';
import {
  activeQualityRules,
  activeReleaseNetwork,
  activeSafetyRules,
  bySeverity,
  diagnosePatient,
  differentialView,
  encounterFromResources,
  evaluatePatientSafety,
  evaluateQc,
  evaluateRules,
  inpatientStays,
  loadRuleConfiguration,
  medicationRules,
  type ReleaseNetwork,
  type RuleResult,
  releaseLabel,
  safetyRules,
} from '../../reasoning/index.js';
import type { StoredResource } from '../../store/index.js';
import { STAFF } from './access.js';
import { encounterOf, notesOf, readRecord, stateOf } from './record.js';
import { defineTool, type ToolEnv } from './tooling.js';
import { encounterId, patientId } from './tools-patient.js';

const medication = z
  .object({
    text: z.string().trim().min(1).max(200).describe('The drug as ordered: 布洛芬, ibuprofen, warfarin 3 mg'),
    system: z.string().url().optional().describe('Code system of `code` (ATC: http://www.whocc.no/atc, RxNorm…)'),
    code: z.string().min(1).max(64).optional().describe('The drug’s code in `system`'),
  })
  .refine((m) => !m.code === !m.system, { message: 'give both system and code, or neither', path: ['code'] })
  .describe('The proposed drug');

const resultView = (r: RuleResult) => ({
  ruleId: r.ruleId,
  group: r.group,
  ...r.conclusion,
  suggestions: r.suggestions,
});

/** The differential, a proposed order's drug safety, critical values, record QC: staff tools, as in the workspace. */
export function registerReasoningTools(
  server: McpServer,
  env: ToolEnv,
  networkOf: (release: number) => Promise<ReleaseNetwork>,
): void {
  const { services } = env;

  defineTool(
    server,
    env,
    {
      name: 'get_differential',
      title: 'Differential diagnosis',
      description:
        'The differential from the active knowledge release (causal network, counterfactual ranking): each disease ' +
        'with its explanation, the findings for and against it pointing at the note span or resource they came from',
      roles: STAFF,
      input: {
        patientId,
        encounterId: encounterId.optional(),
        top: z.number().int().min(1).max(50).optional().describe('How many diseases (default 10)'),
      },
    },
    async ({ patientId: id, encounterId: enc, top }) => {
      const record = await readRecord(services, id);
      const state = await stateOf(services, record, { encounterId: enc });
      const { release, net, codings } = await activeReleaseNetwork(services.db, networkOf);
      // The whole record: imaging and ECG statements are read from the notes' text too.
      const r = diagnosePatient(net, state, { codings, notes: notesOf(record), top: top ?? 10 });
      return {
        result: {
          release,
          ...differentialView(net, r, codings),
          conclusions: r.conclusions,
          rankingDifferences: r.diagnosis.rankingDifferences,
          observations: r.diagnosis.observations,
        },
        audit: { action: 'diagnose', resource: `Patient/${id}/differential`, patients: [id] },
        about: [record.patient],
      };
    },
  );

  defineTool(
    server,
    env,
    {
      name: 'check_order_safety',
      title: 'Drug safety of a proposed order',
      description:
        'Checks a proposed medication order before it is signed (as the CDS Hooks order-sign service does): ' +
        'interactions with the current medications, allergies, contraindications, renal dosing, duplicates and ' +
        'pharmacogenomics, from the active knowledge release; only findings about the proposed drug',
      roles: STAFF,
      input: {
        patientId,
        medication,
        dosage: z.string().trim().min(1).max(200).optional().describe('Dose and frequency as written: 400 mg tid'),
      },
    },
    async ({ patientId: id, medication: m, dosage }) => {
      const record = await readRecord(services, id);
      const now = new Date().toISOString();
      const draftId = `mcp-proposed-${randomUUID()}`;
      // The proposed order as CDS Hooks order-sign sees it: a draft MedicationRequest beside the record.
      const draft: StoredResource = {
        resourceType: 'MedicationRequest',
        id: draftId,
        versionId: 1,
        lastUpdated: now,
        patientId: id,
        deleted: false,
        resource: {
          resourceType: 'MedicationRequest',
          id: draftId,
          status: 'draft',
          intent: 'order',
          subject: { reference: `Patient/${id}` },
          authoredOn: now,
          medicationCodeableConcept: {
            text: m.text,
            ...(m.code && m.system ? { coding: [{ system: m.system, code: m.code }] } : {}),
          },
          ...(dosage ? { dosageInstruction: [{ text: dosage }] } : {}),
        } as StoredResource['resource'],
      };
      const state = await buildPatientState(services.db, { everything: async () => [...record.stored, draft] }, id, {
        at: now,
      });
      const proposed = allFacts(state).filter((f) =>
        f.sources.some((s) => s.kind === 'resource' && s.resourceType === 'MedicationRequest' && s.id === draftId),
      );
      const [config, book] = await Promise.all([loadRuleConfiguration(services.db), activeSafetyRules(services.db)]);
      const release = releaseLabel(book);
      const results = evaluateRules(state, medicationRules(book), {
        config,
        focus: new Set(proposed.map((f) => f.id)),
        now,
        ...(release ? { knowledgeRelease: release } : {}),
      }).sort(bySeverity);
      return {
        result: {
          ...(release ? { release } : {}),
          proposed: proposed.map((f) => ({ concept: f.concept, ...(f.dosage ? { dosage: f.dosage } : {}) })),
          ...(proposed.length === 0
            ? { note: `'${m.text}' was not recognised as a drug: nothing could be checked (give its ATC code)` }
            : {}),
          findings: results.map(resultView),
        },
        audit: { action: 'check', resource: `Patient/${id}/order-safety`, patients: [id] },
        about: [record.patient],
      };
    },
  );

  defineTool(
    server,
    env,
    {
      name: 'get_critical_values',
      title: 'Critical values',
      description:
        'Results past the critical limits of the active knowledge release (危急值): over the latest inpatient stay ' +
        '(scope "stay", the default when there is one) or in the rules’ live window (scope "now")',
      roles: STAFF,
      input: {
        patientId,
        scope: z.enum(['stay', 'now']).optional().describe('"stay" (default) or "now"'),
      },
    },
    async ({ patientId: id, scope }) => {
      const record = await readRecord(services, id);
      const stay = (scope ?? 'stay') === 'stay' ? inpatientStays(record.resources)[0] : undefined;
      const { state, results } = await evaluatePatientSafety(services.db, {
        patientId: id,
        stored: record.stored,
        stay,
        select: (book) => safetyRules(book).filter((r) => r.group === 'critical-value'),
      });
      return {
        result: {
          scope: stay ? 'stay' : 'now',
          at: state.at,
          ...(stay?.id ? { encounterId: stay.id } : {}),
          criticalValues: results.map(resultView),
        },
        audit: { action: 'read', resource: `Patient/${id}/critical-values`, patients: [id] },
        about: [record.patient],
      };
    },
  );

  defineTool(
    server,
    env,
    {
      name: 'check_record_quality',
      title: 'Record quality control of an encounter',
      description:
        'Record quality control (病历质控) of one encounter with the active knowledge release’s QC rules: score, ' +
        'grade (甲/乙/丙) and each issue with its rule, its citation and where in the record it is',
      roles: STAFF,
      input: {
        patientId,
        encounterId: encounterId.optional().describe('The encounter to check (default: the latest inpatient stay)'),
      },
    },
    async ({ patientId: id, encounterId: enc }) => {
      const record = await readRecord(services, id);
      const encounter = enc ? encounterOf(record, enc) : inpatientStays(record.resources)[0];
      if (!encounter)
        throw invalid(`Patient/${id} has no inpatient stay: name the encounter to check`, { field: 'encounterId' });
      const [book, config] = await Promise.all([activeQualityRules(services.db), loadRuleConfiguration(services.db)]);
      const report = evaluateQc(
        encounterFromResources({
          encounter,
          patient: record.patient,
          resources: [...record.resources],
          reading: book.headings,
        }),
        book,
        { config },
      );
      return {
        result: report,
        audit: { action: 'read', resource: `Encounter/${encounter.id}/quality`, patients: [id] },
        about: [record.patient],
      };
    },
  );
}
