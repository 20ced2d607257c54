import type { RoutePolicies } from '../env.js';
import { buildOpenApiDocument, type OpenApiDocument } from './document.js';
import { adminDoc } from './modules/admin.js';
import { askDoc } from './modules/ask.js';
import { authDoc } from './modules/auth.js';
import { cdsHooksDoc } from './modules/cds-hooks.js';
import { consultDoc } from './modules/consult.js';
import { fhirDoc } from './modules/fhir.js';
import { fhirBulkDoc } from './modules/fhir-bulk.js';
import { fhirWriteDoc } from './modules/fhir-write.js';
import { followUpDoc } from './modules/followup.js';
import { imagingDoc } from './modules/imaging.js';
import { jobsDoc } from './modules/jobs.js';
import { kgDoc } from './modules/kg.js';
import { learningDoc } from './modules/learning.js';
import { mcpDoc } from './modules/mcp.js';
import { openapiDoc } from './modules/openapi.js';
import { operationsDoc } from './modules/operations.js';
import { patientLinksDoc } from './modules/patient-links.js';
import { patientsDoc } from './modules/patients.js';
import { smartDoc } from './modules/smart.js';
import { teachingDoc } from './modules/teaching.js';
import { voiceDoc } from './modules/voice.js';
import type { ModuleDoc } from './operation.js';

export { DOCS_CSS, renderDocsPage } from './html.js';
export type { OpenApiDocument } from './document.js';

/** Every route module's description, in the order the page shows them. */
export const MODULE_DOCS: readonly ModuleDoc[] = [
  authDoc,
  fhirDoc,
  fhirWriteDoc,
  fhirBulkDoc,
  smartDoc,
  patientsDoc,
  imagingDoc,
  askDoc,
  consultDoc,
  patientLinksDoc,
  followUpDoc,
  teachingDoc,
  voiceDoc,
  cdsHooksDoc,
  kgDoc,
  mcpDoc,
  adminDoc,
  learningDoc,
  jobsDoc,
  operationsDoc,
  openapiDoc,
];

/** MedSeek's OpenAPI 3.1 document, with each route's security from its policy. */
export function openApiDocument(policies: RoutePolicies): OpenApiDocument {
  return buildOpenApiDocument(MODULE_DOCS, policies);
}
