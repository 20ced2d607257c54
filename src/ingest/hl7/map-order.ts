import type { Hl7Segment } from '@medplum/core';
import type { MapContext, Mapped } from './context.js';
import { derivedId } from './context.js';
import { at, codeableConcept, dateTime, type FieldRef, identifierEi, practitionerDisplay } from './datatypes.js';
import { Hl7Error } from './error.js';
import { value } from './message.js';

type Json = Record<string, unknown>;

/**
 * Order status, after the IG's ConceptMaps "Table HL70038 to ServiceRequest Status" (ORC-5) and
 * "Table HL70119 to ServiceRequest Status" (ORC-1 order control, used when ORC-5 is empty), and their
 * MedicationRequest counterparts.
 */
const BY_ORDER_STATUS: Readonly<Record<string, { service: string; medication: string }>> = {
  A: { service: 'active', medication: 'active' },
  CA: { service: 'revoked', medication: 'cancelled' },
  CM: { service: 'completed', medication: 'completed' },
  DC: { service: 'revoked', medication: 'stopped' },
  ER: { service: 'entered-in-error', medication: 'entered-in-error' },
  HD: { service: 'on-hold', medication: 'on-hold' },
  IP: { service: 'active', medication: 'active' },
  RP: { service: 'revoked', medication: 'cancelled' },
  SC: { service: 'active', medication: 'active' },
};
const BY_ORDER_CONTROL: Readonly<Record<string, { service: string; medication: string }>> = {
  NW: { service: 'active', medication: 'active' },
  XO: { service: 'active', medication: 'active' },
  SC: { service: 'active', medication: 'active' },
  CA: { service: 'revoked', medication: 'cancelled' },
  OC: { service: 'revoked', medication: 'cancelled' },
  DC: { service: 'revoked', medication: 'stopped' },
  OD: { service: 'revoked', medication: 'stopped' },
  HD: { service: 'on-hold', medication: 'on-hold' },
  OH: { service: 'on-hold', medication: 'on-hold' },
};
/** TQ-6 / OBR-27.6 priority (HL7 table 0027) → request priority. */
const PRIORITY: Readonly<Record<string, string>> = { S: 'stat', A: 'asap', R: 'routine', P: 'routine', T: 'urgent' };

function status(orc: FieldRef, kind: 'service' | 'medication'): string {
  const orderStatus = value(orc.segment, 5).toUpperCase();
  if (orderStatus) {
    const s = BY_ORDER_STATUS[orderStatus];
    if (!s) throw new Hl7Error('AE', 103, at(orc, 5), `'${orderStatus}' is not an order status of HL7 table 0038`);
    return s[kind];
  }
  const control = value(orc.segment, 1).toUpperCase();
  if (!control) throw new Hl7Error('AE', 101, at(orc, 1), 'the order control code (ORC-1) is missing');
  const s = BY_ORDER_CONTROL[control];
  if (!s)
    throw new Hl7Error('AE', 103, at(orc, 1), `order control '${control}' is not one MedSeek maps (HL7 table 0119)`);
  return s[kind];
}

/** Placer (ORC-2, else OBR-2) and filler (ORC-3, else OBR-3) order numbers; the first one keys the request. */
function orderIdentifiers(ctx: MapContext, orc: FieldRef, detail?: Hl7Segment): { key: string; identifier: Json[] } {
  const placer =
    identifierEi(orc.segment, 2, 'PLAC', ctx.authority) ??
    (detail ? identifierEi(detail, 2, 'PLAC', ctx.authority) : undefined);
  const filler =
    identifierEi(orc.segment, 3, 'FILL', ctx.authority) ??
    (detail ? identifierEi(detail, 3, 'FILL', ctx.authority) : undefined);
  const identifier = [placer, filler].filter((i): i is Json => i !== undefined);
  const first = identifier[0];
  return {
    identifier,
    key: first ? `${first.system ?? ''}|${first.value}` : `${ctx.parsed.controlId}|ORC${orc.sequence}`,
  };
}

function common(ctx: MapContext, orc: FieldRef, subject: string, encounter: string | undefined): Json {
  const authored = dateTime(orc.segment, 9, at(orc, 9), ctx.defaultOffset);
  const requester = practitionerDisplay(orc.segment, 12);
  return {
    intent: 'order',
    subject: { reference: subject },
    ...(encounter ? { encounter: { reference: encounter } } : {}),
    ...(authored ? { authoredOn: authored } : {}),
    ...(requester ? { requester } : {}),
  };
}

/** ORC + OBR → ServiceRequest (IG "Segment ORC to ServiceRequest", "Segment OBR to ServiceRequest"). */
export function mapServiceRequest(
  ctx: MapContext,
  orc: FieldRef,
  obr: FieldRef,
  subject: string,
  encounter: string | undefined,
): Mapped {
  const code = codeableConcept(obr.segment, 4);
  if (!code) throw new Hl7Error('AE', 101, at(obr, 4), 'the universal service identifier (OBR-4) is missing');
  const { key, identifier } = orderIdentifiers(ctx, orc, obr.segment);
  const priority = PRIORITY[(value(obr.segment, 27, 6) || value(orc.segment, 7, 6)).toUpperCase()];
  const occurrence = dateTime(obr.segment, 7, at(obr, 7), ctx.defaultOffset);
  const reason = codeableConcept(obr.segment, 31);
  return {
    from: at(obr, 4),
    resource: {
      resourceType: 'ServiceRequest',
      id: derivedId('ServiceRequest', key),
      ...(identifier.length ? { identifier } : {}),
      status: status(orc, 'service'),
      ...common(ctx, orc, subject, encounter),
      ...(priority ? { priority } : {}),
      code,
      ...(occurrence ? { occurrenceDateTime: occurrence } : {}),
      ...(reason ? { reasonCode: [reason] } : {}),
    },
  };
}

/** ORC + RXO (+ RXR) → MedicationRequest (IG "Segment RXO to MedicationRequest Map"). */
export function mapMedicationRequest(
  ctx: MapContext,
  orc: FieldRef,
  rxo: FieldRef,
  rxr: Hl7Segment | undefined,
  subject: string,
  encounter: string | undefined,
): Mapped {
  const s = rxo.segment;
  const medication = codeableConcept(s, 1);
  if (!medication) throw new Hl7Error('AE', 101, at(rxo, 1), 'the requested give code (RXO-1) is missing');
  const amount = value(s, 2);
  if (amount && !/^\d+(\.\d+)?$/.test(amount))
    throw new Hl7Error('AE', 102, at(rxo, 2), `'${amount}' is not a number (requested give amount)`);
  const unit = value(s, 4, 2) || value(s, 4, 1);
  const route = rxr ? codeableConcept(rxr, 1) : undefined;
  const instructions = value(s, 7, 2) || value(s, 7, 1);
  const dispense = value(s, 11);
  if (dispense && !/^\d+(\.\d+)?$/.test(dispense))
    throw new Hl7Error('AE', 102, at(rxo, 11), `'${dispense}' is not a number (requested dispense amount)`);
  const dispenseUnit = value(s, 12, 2) || value(s, 12, 1);
  const dose = amount ? { doseAndRate: [{ doseQuantity: { value: Number(amount), ...(unit ? { unit } : {}) } }] } : {};
  const dosage = { ...(instructions ? { text: instructions } : {}), ...(route ? { route } : {}), ...dose };
  const { key, identifier } = orderIdentifiers(ctx, orc);
  return {
    from: at(rxo, 1),
    resource: {
      resourceType: 'MedicationRequest',
      id: derivedId('MedicationRequest', key),
      ...(identifier.length ? { identifier } : {}),
      status: status(orc, 'medication'),
      ...common(ctx, orc, subject, encounter),
      medicationCodeableConcept: medication,
      ...(Object.keys(dosage).length ? { dosageInstruction: [dosage] } : {}),
      ...(dispense
        ? {
            dispenseRequest: { quantity: { value: Number(dispense), ...(dispenseUnit ? { unit: dispenseUnit } : {}) } },
          }
        : {}),
    },
  };
}
