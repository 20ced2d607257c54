import { z } from 'zod';

/**
 * Schemas shared by many operations, registered once as `components/schemas` (zod's `.meta({ id })`
 * makes the generator emit a `$ref`). FHIR bodies are generic objects: their structure is FHIR R4's
 * (https://hl7.org/fhir/R4/resourcelist.html), not restated here.
 */
export const OperationOutcome = z
  .object({
    resourceType: z.literal('OperationOutcome'),
    issue: z
      .array(
        z.object({
          severity: z.enum(['fatal', 'error', 'warning', 'information']),
          code: z
            .string()
            .describe(
              'FHIR issue type: invalid, login, forbidden, not-found, conflict, not-supported, too-costly, exception…',
            ),
          diagnostics: z.string().optional().describe('What went wrong, in plain words'),
          expression: z.array(z.string()).optional().describe('The field or search parameter the problem is about'),
        }),
      )
      .min(1),
  })
  .meta({
    id: 'OperationOutcome',
    description: 'Every error of the FHIR API and the workspace API (https://hl7.org/fhir/R4/operationoutcome.html).',
  });

export const FhirResource = z
  .looseObject({ resourceType: z.string(), id: z.string().optional() })
  .meta({ id: 'FhirResource', description: 'A FHIR R4 resource as JSON (https://hl7.org/fhir/R4/json.html).' });

export const Bundle = z
  .looseObject({
    resourceType: z.literal('Bundle'),
    type: z.enum(['searchset', 'history', 'transaction', 'batch', 'transaction-response', 'batch-response']),
    total: z.number().int().optional(),
    link: z.array(z.object({ relation: z.string(), url: z.string() })).optional(),
    entry: z.array(z.looseObject({ fullUrl: z.string().optional(), resource: FhirResource.optional() })).optional(),
  })
  .meta({ id: 'Bundle', description: 'A FHIR R4 Bundle (https://hl7.org/fhir/R4/bundle.html).' });

export const CapabilityStatement = z
  .looseObject({ resourceType: z.literal('CapabilityStatement'), fhirVersion: z.string() })
  .meta({
    id: 'CapabilityStatement',
    description: 'What this FHIR server supports (https://hl7.org/fhir/R4/capabilitystatement.html).',
  });

/** CDS Hooks errors are not FHIR: `{error, field}` (the EHR reads them as plain JSON). */
export const CdsError = z
  .object({ error: z.string(), field: z.string().optional() })
  .meta({ id: 'CdsError', description: 'A refused CDS Hooks call.' });

/** OAuth 2.0 errors (RFC 6749 §5.2) from the token endpoint. */
export const OAuthError = z.object({ error: z.string(), error_description: z.string().optional() }).meta({
  id: 'OAuthError',
  description: 'A refused OAuth request (https://www.rfc-editor.org/rfc/rfc6749#section-5.2).',
});

/** A JSON object whose fields are described in the route's description (no zod schema for the answer). */
export const JsonObject = z
  .looseObject({})
  .meta({ id: 'JsonObject', description: 'A JSON object; its fields are described with the operation.' });
