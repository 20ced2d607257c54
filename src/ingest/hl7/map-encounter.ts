import type { MapContext, Mapped } from './context.js';
import { derivedId } from './context.js';
import {
  at,
  codeableConcept,
  dateTime,
  type FieldRef,
  identifierCx,
  identifierKey,
  practitionerDisplay,
} from './datatypes.js';
import { Hl7Error } from './error.js';
import { value } from './message.js';

type Json = Record<string, unknown>;

/**
 * HL7 table 0004 patient class → Encounter.class (v3 ActCode), after the IG's ConceptMap
 * "Table HL70004 to Encounter Class". Classes the map leaves open (R, B, C, N, U) keep their v2 code.
 */
const CLASS: Readonly<Record<string, { code: string; display: string }>> = {
  E: { code: 'EMER', display: 'emergency' },
  I: { code: 'IMP', display: 'inpatient encounter' },
  O: { code: 'AMB', display: 'ambulatory' },
  P: { code: 'PRENC', display: 'pre-admission' },
};

const PARTICIPATION = 'http://terminology.hl7.org/CodeSystem/v3-ParticipationType';

export interface EncounterMapping {
  readonly reference: string;
  readonly mapped?: Mapped;
}

/**
 * PV1 → Encounter (IG "Segment PV1 to Encounter Map"). Status follows the event, as the IG's message
 * maps do: A01 admitted (in-progress), A03 discharged (finished); otherwise finished when PV1-45
 * (discharge date) is present. `onlyIfNew`: a result or order names the visit but does not rewrite
 * what the ADT feed stored.
 */
export async function mapEncounter(
  ctx: MapContext,
  pv1: FieldRef,
  patient: { reference: string; id: string },
  onlyIfNew: boolean,
): Promise<EncounterMapping> {
  const s = pv1.segment;
  const visit = identifierCx(s, 19, 0, ctx.authority);
  const visitKey = identifierKey(visit);
  const existing = visitKey ? await ctx.find('Encounter', [visitKey]) : undefined;
  const admitted = dateTime(s, 44, at(pv1, 44), ctx.defaultOffset);
  const id = existing ?? derivedId('Encounter', visitKey ?? `${patient.id}|${admitted ?? ctx.parsed.controlId}`);
  const reference = `Encounter/${id}`;
  if (existing && onlyIfNew) return { reference };

  const classCode = value(s, 2).toUpperCase();
  if (!classCode) throw new Hl7Error('AE', 101, at(pv1, 2), 'the patient class (PV1-2) is missing');
  const mappedClass = CLASS[classCode];
  const discharged = dateTime(s, 45, at(pv1, 45), ctx.defaultOffset);
  const trigger = ctx.parsed.trigger.toUpperCase();
  const status = trigger === 'A01' ? 'in-progress' : trigger === 'A03' || discharged ? 'finished' : 'in-progress';
  const place = [value(s, 3, 1), value(s, 3, 2), value(s, 3, 3)].filter(Boolean).join(' ');
  const participant = (
    [
      [7, 'ATND', 'attender'],
      [8, 'REF', 'referrer'],
      [17, 'ADM', 'admitter'],
    ] as const
  ).flatMap(([n, code, display]) => {
    const individual = practitionerDisplay(s, n);
    return individual ? [{ type: [{ coding: [{ system: PARTICIPATION, code, display }] }], individual }] : [];
  });
  const serviceType = coded(s, 10, '0069');
  const admitSource = coded(s, 14, '0023');
  const disposition = coded(s, 36, '0112');
  const hospitalization = {
    ...(admitSource ? { admitSource } : {}),
    ...(disposition ? { dischargeDisposition: disposition } : {}),
  };
  const resource = {
    resourceType: 'Encounter',
    id,
    ...(visit ? { identifier: [visit] } : {}),
    status,
    class: mappedClass
      ? { system: 'http://terminology.hl7.org/CodeSystem/v3-ActCode', ...mappedClass }
      : { system: 'http://terminology.hl7.org/CodeSystem/v2-0004', code: classCode },
    ...(serviceType ? { serviceType } : {}),
    subject: { reference: patient.reference },
    ...(participant.length ? { participant } : {}),
    ...(admitted || discharged
      ? { period: { ...(admitted ? { start: admitted } : {}), ...(discharged ? { end: discharged } : {}) } }
      : {}),
    ...(Object.keys(hospitalization).length ? { hospitalization } : {}),
    ...(place ? { location: [{ location: { display: place } }] } : {}),
  };
  return { reference, mapped: { resource, from: at(pv1, 2) } };
}

/** A v2 table-coded field (IS) as a CodeableConcept in that table's code system. */
function coded(segment: FieldRef['segment'], n: number, table: string): Json | undefined {
  const code = value(segment, n);
  if (!code) return undefined;
  const cc = codeableConcept(segment, n);
  const display = value(segment, n, 2);
  return {
    coding: [{ system: `http://terminology.hl7.org/CodeSystem/v2-${table}`, code, ...(display ? { display } : {}) }],
    ...(cc?.text && cc.text !== code ? { text: cc.text } : {}),
  };
}
