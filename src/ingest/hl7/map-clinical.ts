import type { MapContext, Mapped } from './context.js';
import { derivedId } from './context.js';
import { at, codeableConcept, dateTime, type FieldRef } from './datatypes.js';
import { Hl7Error } from './error.js';
import { repetitions, value } from './message.js';

/**
 * AL1 → AllergyIntolerance and DG1 → Condition, after the IG's segment maps
 * ("Segment AL1 to AllergyIntolerance Map", "Segment DG1 to Condition Map").
 */

/** HL7 table 0127 allergen type → AllergyIntolerance.category. */
const CATEGORY: Readonly<Record<string, string>> = {
  DA: 'medication',
  FA: 'food',
  EA: 'environment',
  AA: 'environment',
  PA: 'environment',
  LA: 'environment',
};
/** HL7 table 0128 allergy severity → AllergyIntolerance.criticality (IG "Table HL70128 to Allergy Criticality"). */
const CRITICALITY: Readonly<Record<string, string>> = { SV: 'high', MO: 'low', MI: 'low', U: 'unable-to-assess' };

export function mapAllergy(ctx: MapContext, al1: FieldRef, patient: { reference: string; id: string }): Mapped {
  const s = al1.segment;
  const code = codeableConcept(s, 3);
  if (!code) throw new Hl7Error('AE', 101, at(al1, 3), 'the allergen (AL1-3) is missing');
  const type = value(s, 2).toUpperCase();
  const category = CATEGORY[type];
  const severity = value(s, 4).toUpperCase();
  const criticality = severity ? CRITICALITY[severity] : undefined;
  if (severity && !criticality)
    throw new Hl7Error('AE', 103, at(al1, 4), `'${severity}' is not an allergy severity of HL7 table 0128`);
  const reactions: string[] = [];
  for (let rep = 0; rep < repetitions(s, 5); rep++) {
    const r = value(s, 5, 1, rep);
    if (r) reactions.push(r);
  }
  const onset = dateTime(s, 6, at(al1, 6), ctx.defaultOffset);
  // One allergy per patient and allergen: a repeated ADT updates it.
  const key = value(s, 3, 1) || value(s, 3, 2);
  return {
    from: at(al1, 3),
    resource: {
      resourceType: 'AllergyIntolerance',
      id: derivedId('AllergyIntolerance', patient.id, key),
      clinicalStatus: {
        coding: [{ system: 'http://terminology.hl7.org/CodeSystem/allergyintolerance-clinical', code: 'active' }],
      },
      ...(category ? { category: [category] } : {}),
      ...(criticality ? { criticality } : {}),
      code,
      patient: { reference: patient.reference },
      ...(onset ? { onsetDateTime: onset } : {}),
      ...(reactions.length ? { reaction: [{ manifestation: reactions.map((text) => ({ text })) }] } : {}),
    },
  };
}

/** HL7 table 0052 diagnosis type → Condition.verificationStatus: final confirmed, admitting and working provisional. */
const VERIFICATION: Readonly<Record<string, string>> = { F: 'confirmed', A: 'provisional', W: 'provisional' };

export function mapCondition(
  ctx: MapContext,
  dg1: FieldRef,
  patient: { reference: string; id: string },
  encounter: string | undefined,
): Mapped {
  const s = dg1.segment;
  const code = codeableConcept(s, 3);
  if (!code) throw new Hl7Error('AE', 101, at(dg1, 3), 'the diagnosis code (DG1-3) is missing');
  const type = value(s, 6).toUpperCase();
  const verification = VERIFICATION[type];
  const onset = dateTime(s, 5, at(dg1, 5), ctx.defaultOffset);
  const key = value(s, 3, 1) || value(s, 3, 2);
  return {
    from: at(dg1, 3),
    resource: {
      resourceType: 'Condition',
      id: derivedId('Condition', patient.id, encounter, key),
      clinicalStatus: {
        coding: [{ system: 'http://terminology.hl7.org/CodeSystem/condition-clinical', code: 'active' }],
      },
      ...(verification
        ? {
            verificationStatus: {
              coding: [{ system: 'http://terminology.hl7.org/CodeSystem/condition-ver-status', code: verification }],
            },
          }
        : {}),
      category: [
        {
          coding: [{ system: 'http://terminology.hl7.org/CodeSystem/condition-category', code: 'encounter-diagnosis' }],
        },
      ],
      code,
      subject: { reference: patient.reference },
      ...(encounter ? { encounter: { reference: encounter } } : {}),
      ...(onset ? { onsetDateTime: onset } : {}),
    },
  };
}
