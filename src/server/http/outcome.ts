import { FHIR_JSON, operationOutcome } from '../fhir/operation-outcome.js';

/** A refusal as the rest of the API words it: an OperationOutcome naming the header at fault. */
export function outcomeResponse(
  status: number,
  code: 'forbidden' | 'throttled',
  message: string,
  header: string,
  headers: Record<string, string> = {},
): Response {
  return new Response(JSON.stringify(operationOutcome(code, message, { expression: header })), {
    status,
    headers: { 'Content-Type': FHIR_JSON, ...headers },
  });
}
