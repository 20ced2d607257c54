import type {
  AllergyIntolerance,
  Condition,
  DiagnosticReport,
  FamilyMemberHistory,
  ImagingStudy,
  Immunization,
  MedicationAdministration,
  MedicationRequest,
  MedicationStatement,
  Observation,
  Procedure,
} from 'fhir/r4.js';
import type { Fact } from '../core/index.js';
import type { AnyResource } from './fhir.js';
import { mapAllergy, mapCondition, mapFamilyHistory, mapImmunization, mapProcedure } from './map-clinical.js';
import type { MapContext } from './map-context.js';
import { mapDiagnosticReport, mapImagingStudy } from './map-imaging.js';
import { mapMedicationAdministration, mapMedicationRequest, mapMedicationStatement } from './map-medication.js';
import { mapObservation } from './map-observation.js';

/** Resource types that become facts. Patient → demographics, Encounter → timeline, DocumentReference → notes. */
export const mappedResourceTypes = [
  'Condition',
  'Observation',
  'MedicationRequest',
  'MedicationStatement',
  'MedicationAdministration',
  'Procedure',
  'AllergyIntolerance',
  'Immunization',
  'DiagnosticReport',
  'ImagingStudy',
  'FamilyMemberHistory',
] as const;

/** One FHIR R4 resource → its core Facts (none for types that carry no clinical assertion). Pure. */
export function resourceToFacts(r: AnyResource, ctx: MapContext): Fact[] {
  switch (r.resourceType) {
    case 'Condition':
      return mapCondition(r as Condition & AnyResource, ctx);
    case 'Observation':
      return mapObservation(r as Observation & AnyResource, ctx);
    case 'MedicationRequest':
      return mapMedicationRequest(r as MedicationRequest & AnyResource, ctx);
    case 'MedicationStatement':
      return mapMedicationStatement(r as MedicationStatement & AnyResource, ctx);
    case 'MedicationAdministration':
      return mapMedicationAdministration(r as MedicationAdministration & AnyResource, ctx);
    case 'Procedure':
      return mapProcedure(r as Procedure & AnyResource, ctx);
    case 'AllergyIntolerance':
      return mapAllergy(r as AllergyIntolerance & AnyResource, ctx);
    case 'Immunization':
      return mapImmunization(r as Immunization & AnyResource, ctx);
    case 'DiagnosticReport':
      return mapDiagnosticReport(r as DiagnosticReport & AnyResource, ctx);
    case 'ImagingStudy':
      return mapImagingStudy(r as ImagingStudy & AnyResource, ctx);
    case 'FamilyMemberHistory':
      return mapFamilyHistory(r as FamilyMemberHistory & AnyResource, ctx);
    default:
      return [];
  }
}
