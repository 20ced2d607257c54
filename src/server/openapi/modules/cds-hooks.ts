import { z } from 'zod';
import { FeedbackBody } from '../../cds-hooks/feedback.js';
import { HookRequest } from '../../cds-hooks/routes.js';
import { CDS_SERVICES } from '../../cds-hooks/services.js';
import type { ModuleDoc } from '../operation.js';

const serviceId = z
  .enum(CDS_SERVICES.map((s) => s.id) as [string, ...string[]])
  .describe('A CDS service id from discovery');
const discovery = z.object({
  services: z.array(
    z.looseObject({
      id: z.string(),
      hook: z.string(),
      title: z.string().optional(),
      description: z.string(),
      prefetch: z.record(z.string(), z.string()).optional(),
    }),
  ),
});
const cards = z.object({
  cards: z.array(
    z.looseObject({
      uuid: z.string().optional(),
      summary: z.string(),
      indicator: z.enum(['info', 'warning', 'critical']),
      source: z.looseObject({ label: z.string() }),
    }),
  ),
});

export const cdsHooksDoc: ModuleDoc = {
  tag: 'CDS Hooks',
  description:
    'CDS Hooks 2.0 services (https://cds-hooks.hl7.org/2.0/): medication safety and critical values for patient-view, order-select and order-sign. The EHR authenticates with its own JWT; only high-severity findings come back as critical cards.',
  authentication: 'cds-hooks',
  errors: 'cds-hooks',
  operations: [
    {
      method: 'get',
      path: '/cds-services',
      summary: 'Discovery',
      description: 'The services offered, the hook each answers and the prefetch templates it wants.',
      responses: { 200: { description: 'The discovery document.', schema: discovery } },
    },
    {
      method: 'post',
      path: '/cds-services/:id',
      summary: 'Call a service',
      description:
        'Runs the service’s rules on the prefetched record (missing prefetch is fetched from `fhirServer` with `fhirAuthorization`) and answers with cards. `context.patientId` is required; the hook must be the one the service answers. 412 when the prefetch cannot be completed.',
      params: z.object({ id: serviceId }),
      body: { schema: HookRequest },
      responses: {
        200: { description: 'The cards.', schema: cards },
        412: { description: 'The prefetch could not be completed.' },
      },
    },
    {
      method: 'post',
      path: '/cds-services/:id/feedback',
      summary: 'Card feedback',
      description:
        'Whether the clinician accepted or overrode each card, and why (https://cds-hooks.hl7.org/2.0/#feedback); kept for tuning the rules.',
      params: z.object({ id: serviceId }),
      body: { schema: FeedbackBody },
      responses: {
        200: {
          description: '`{stored}`: how many feedback items were stored.',
          schema: z.object({ stored: z.number().int() }),
        },
      },
    },
  ],
};
