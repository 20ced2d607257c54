import { consentBody, createBody, linkParams, listQuery } from '../../patient-links/routes.js';
import { JsonObject } from '../components.js';
import type { ModuleDoc } from '../operation.js';

const ok = (description: string) => ({ description, schema: JsonObject });
/** patient-links/routes.ts checks `patient` by hand (required, trimmed); described here. */

export const patientLinksDoc: ModuleDoc = {
  tag: 'Patient links',
  description:
    'Pre-consultation links (and QR codes) bound to one appointment and patient, and the patient’s consent. A patient uses the link’s token as `Authorization: Bearer`, never the clinicians’ login.',
  operations: [
    {
      method: 'post',
      path: '/api/patient-links',
      summary: 'Issue a link',
      description:
        'A short-lived signed link for one Appointment (and so one patient), with its QR code as SVG. The token is returned only here. Staff within their patient scope. Audited.',
      body: { schema: createBody },
      responses: { 201: ok('`{link, token, url, qrSvg}`.') },
    },
    {
      method: 'get',
      path: '/api/patient-links',
      summary: 'A patient’s links',
      description: 'The patient’s links and the appointments links can be issued for. Audited.',
      query: listQuery,
      responses: { 200: ok('`{links, appointments}`.') },
    },
    {
      method: 'delete',
      path: '/api/patient-links/:id',
      summary: 'Revoke a link',
      description: 'The link stops working at once. Audited.',
      params: linkParams,
      responses: { 200: ok('`{link}`.') },
    },
    {
      method: 'get',
      path: '/api/patient-links/me',
      summary: 'My pre-consultation (patient)',
      description:
        'For the link’s patient: the appointment, what is collected and why (the consent text), their answer if given, and their consultation session. Audited.',
      responses: { 200: ok('`{linkId, patientId, expiresAt, appointment, consentText, consent?, session?}`.') },
    },
    {
      method: 'post',
      path: '/api/patient-links/consent',
      summary: 'Give or refuse consent (patient)',
      description: 'Stores the patient’s answer as a FHIR Consent in their record. Audited.',
      body: { schema: consentBody },
      responses: { 201: ok('`{status: active|rejected, consent, version}`.') },
    },
  ],
};
