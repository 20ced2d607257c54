import fhirpath from 'fhirpath';
import r4 from 'fhirpath/fhir-context/r4';

/**
 * The draft orders a hook is about, read with FHIRPath (https://hl7.org/fhirpath/) from
 * `context.draftOrders` (a Bundle). order-sign checks every draft MedicationRequest (CDS Hooks
 * order-sign: "draftOrders … with status draft"); order-select the `selections` among them.
 */
const DRAFT_MEDICATIONS = fhirpath.compile(
  "Bundle.entry.resource.where(resourceType = 'MedicationRequest' and status = 'draft')",
  r4,
);

/** `MedicationRequest/<id>` of every draft medication order in the bundle. */
export function draftMedicationRefs(draftOrders: unknown): string[] {
  if (
    !draftOrders ||
    typeof draftOrders !== 'object' ||
    (draftOrders as { resourceType?: string }).resourceType !== 'Bundle'
  )
    return [];
  const found = DRAFT_MEDICATIONS(draftOrders as Record<string, unknown>) as { resourceType: string; id?: string }[];
  return found.filter((r) => r.id).map((r) => `MedicationRequest/${r.id}`);
}
