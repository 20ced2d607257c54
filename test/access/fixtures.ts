import type { FhirResource } from '../../src/store/index.js';
import { loadConfig } from '../../src/core/index.js';
import { type AppContext, openContext } from '../../src/server/context.js';
import { createLogger } from '../../src/server/logger.js';
import type { Database } from '../../src/store/index.js';

/**
 * Two patients in two wards, each with one resource of every type the scope tests search, plus
 * physician-only content on the first: a whole Condition (meta.security) and an Observation element.
 */
export const OWN = 'pa';
export const OTHER = 'pb';
export const WARD = 'ward-a';

const RESTRICTED = {
  security: [
    { system: 'http://terminology.hl7.org/CodeSystem/v3-Confidentiality', code: 'R' },
    { system: 'urn:medseek:audience', code: 'physician' },
  ],
};
export const PHYSICIAN_ONLY_TEXT = 'differential: acute HIV infection 20 %';

function recordOf(patient: string, ward: string): FhirResource[] {
  const subject = { reference: `Patient/${patient}` };
  return [
    {
      resourceType: 'Patient',
      id: patient,
      name: [{ family: patient.toUpperCase() }],
      gender: 'female',
      managingOrganization: { reference: `Organization/${ward}` },
    },
    {
      resourceType: 'Encounter',
      id: `${patient}-enc`,
      status: 'finished',
      class: { code: 'IMP' },
      subject,
      serviceProvider: { reference: `Organization/${ward}` },
    },
    {
      resourceType: 'Observation',
      id: `${patient}-obs`,
      status: 'final',
      code: { coding: [{ system: 'http://loinc.org', code: '8867-4' }] },
      subject,
      effectiveDateTime: '2024-01-02T08:00:00Z',
      valueQuantity: { value: 80, unit: '/min' },
      note: [
        { text: 'patient-facing: heart rate normal' },
        { text: PHYSICIAN_ONLY_TEXT, extension: [{ url: 'urn:medseek:physician-only', valueBoolean: true }] },
      ],
    },
    {
      resourceType: 'Condition',
      id: `${patient}-cond`,
      code: { coding: [{ system: 'http://snomed.info/sct', code: '44054006' }] },
      subject,
    },
    { resourceType: 'Condition', id: `${patient}-ddx`, meta: RESTRICTED, code: { text: PHYSICIAN_ONLY_TEXT }, subject },
    {
      resourceType: 'MedicationRequest',
      id: `${patient}-med`,
      status: 'active',
      intent: 'order',
      medicationCodeableConcept: { text: 'metformin' },
      subject,
    },
    {
      resourceType: 'DocumentReference',
      id: `${patient}-doc`,
      status: 'current',
      type: { text: 'note' },
      subject,
      content: [
        { attachment: { contentType: 'text/plain', data: Buffer.from(`note of ${patient}`).toString('base64') } },
      ],
    },
  ] as FhirResource[];
}

export const RECORDS: FhirResource[] = [
  ...recordOf(OWN, WARD),
  ...recordOf(OTHER, 'ward-b'),
  { resourceType: 'Organization', id: WARD, name: 'Ward A' },
  { resourceType: 'Practitioner', id: 'dr-a', name: [{ family: 'A' }] },
] as FhirResource[];

/** A server context on a test database with the records loaded; credentials are switched on. */
export async function accessContext(db: Database): Promise<AppContext> {
  const ctx = await openContext(loadConfig({}, { apiKeys: [], demo: false, logLevel: 'warn' }), {
    db,
    llm: false,
    demoKnowledge: false,
    demoLoader: false,
    jwt: {},
    logger: createLogger('warn', { write: () => {} }),
  });
  await ctx.resources.putMany(RECORDS);
  return ctx;
}

/** One key of each kind: admin, a clinician of ward A, the patient `pa`, and the patient `pb`. */
export async function accessKeys(ctx: AppContext) {
  const make = async (name: string, grant: Parameters<AppContext['apiKeys']['create']>[1]) =>
    (await ctx.apiKeys.create(name, grant)).key;
  return {
    admin: await make('admin', { role: 'admin' }),
    clinician: await make('ward A clinician', { role: 'clinician', units: [WARD] }),
    patient: await make('patient pa', { role: 'patient', patientId: OWN }),
    otherPatient: await make('patient pb', { role: 'patient', patientId: OTHER }),
  };
}
