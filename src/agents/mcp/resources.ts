import { type McpServer, ResourceTemplate } from '@modelcontextprotocol/sdk/server/mcp.js';
import type { ReadResourceResult } from '@modelcontextprotocol/sdk/types.js';
import { notFound } from '../../core/index.js';
import { type AnyResource, noteText, patientSummary } from '../../fusion/index.js';
import { AgentRefusal } from './access.js';
import { deidentifierFor, deidentifyValue } from './deid.js';
import { notesOf, readRecord } from './record.js';
import { json, type ToolEnv } from './tooling.js';

export const PATIENT_URI = 'medseek://patients/{patientId}';
export const DOCUMENT_URI = 'medseek://patients/{patientId}/documents/{documentId}';

const one = (v: string | string[] | undefined): string => (Array.isArray(v) ? (v[0] ?? '') : (v ?? ''));

/**
 * Patients and their notes as MCP resources. A read is the same as the FHIR read of the resource:
 * the caller's patient scope is checked first (a refusal is audited as `denied`), every read is
 * audited, and an untrusted client gets the content de-identified.
 */
export function registerResources(server: McpServer, env: ToolEnv): void {
  const { services, access } = env;

  const scoped = async (patientId: string, resource: string) => {
    if (await access.allows(patientId)) return;
    const p = access.principal;
    const reason = `${p.name} (${p.role}) may not see Patient/${patientId}`;
    await access.audit({
      action: 'denied',
      resource,
      patients: [patientId],
      outcome: 403,
      detail: { via: 'mcp', reason },
    });
    throw new AgentRefusal(`forbidden: ${reason}`);
  };
  const shown = <T>(patient: AnyResource, value: T): T =>
    access.deidentify ? deidentifyValue(value, deidentifierFor(patient, services.deidSecret)) : value;

  server.registerResource(
    'patient',
    new ResourceTemplate(PATIENT_URI, {
      // The patients this caller may see (at most 200): what a host offers to attach.
      list: async () => {
        const visible = await access.visible();
        const { entries } =
          visible?.size === 0
            ? { entries: [] }
            : await services.resources.search('Patient', { count: 200, ...(visible ? { ids: [...visible] } : {}) });
        const live = entries.filter((e) => !e.deleted);
        await access.audit({
          action: 'search',
          resource: 'mcp/resources/patients',
          patients: live.map((e) => e.id),
          outcome: 200,
          detail: { via: 'mcp' },
        });
        return {
          resources: live.map((e) => {
            const p = shown(e.resource as AnyResource, patientSummary(e.resource as AnyResource));
            return { uri: `medseek://patients/${e.id}`, name: `${p.name} (${e.id})`, mimeType: 'application/json' };
          }),
        };
      },
    }),
    {
      title: 'Patient',
      description: 'A patient: demographics, identifiers, and the notes of the record as document resources',
      mimeType: 'application/json',
    },
    async (uri, vars): Promise<ReadResourceResult> => {
      const id = one(vars.patientId);
      await scoped(id, `Patient/${id}`);
      const record = await readRecord(services, id);
      const documents = notesOf(record).map((n) => ({
        uri: `medseek://patients/${id}/documents/${n.documentId}`,
        ...(n.date ? { date: n.date } : {}),
        ...(n.lang ? { lang: n.lang } : {}),
      }));
      await access.audit({
        action: 'read',
        resource: `Patient/${id}`,
        patients: [id],
        outcome: 200,
        detail: { via: 'mcp' },
      });
      const body = shown(record.patient, { ...patientSummary(record.patient), documents });
      return { contents: [{ uri: uri.href, mimeType: 'application/json', text: json(body) }] };
    },
  );

  server.registerResource(
    'document',
    new ResourceTemplate(DOCUMENT_URI, { list: undefined }),
    {
      title: 'Clinical note',
      description: 'The text of one note of the patient’s record (DocumentReference), as the spans of facts index it',
      mimeType: 'text/plain',
    },
    async (uri, vars): Promise<ReadResourceResult> => {
      const id = one(vars.patientId);
      const docId = one(vars.documentId);
      const resource = `DocumentReference/${docId}`;
      await scoped(id, resource);
      const record = await readRecord(services, id);
      const doc = record.resources.find((r) => r.resourceType === 'DocumentReference' && r.id === docId);
      const note = doc ? noteText(doc as never) : undefined;
      await access.audit({
        action: 'read',
        resource,
        patients: [id],
        outcome: note ? 200 : 404,
        detail: { via: 'mcp' },
      });
      if (!note) throw notFound(`Patient/${id} has no note ${resource}`, { field: 'documentId' });
      return { contents: [{ uri: uri.href, mimeType: 'text/plain', text: shown(record.patient, note.text) }] };
    },
  );
}
