import type { MapContext, Mapped } from './context.js';
import { at, dateTime, type FieldRef } from './datatypes.js';
import { Hl7Error } from './error.js';
import { mapAllergy, mapCondition } from './map-clinical.js';
import { mapEncounter } from './map-encounter.js';
import { mapMedicationRequest, mapServiceRequest } from './map-order.js';
import { mapPatient } from './map-patient.js';
import { mapObservation, mapReport, reportKey } from './map-result.js';
import { numbered, value } from './message.js';

/**
 * The message types MedSeek takes and the resources each becomes, after the IG's message maps
 * ("ADT_A01 to Bundle", "ADT_A03", "ADT_A08", "ORU_R01", "ORM_O01", "OML_O21"):
 * - ADT^A01/A03/A08: Patient (updated), Encounter, AllergyIntolerance (AL1), Condition (DG1);
 * - ORU^R01: per OBR a DiagnosticReport with its OBX as Observations;
 * - ORM^O01, OML^O21: per ORC a ServiceRequest (with OBR) or a MedicationRequest (with RXO).
 * Results and orders create their Patient and Encounter only when none is stored yet.
 */
export const SUPPORTED: Readonly<Record<string, readonly string[]>> = {
  ADT: ['A01', 'A03', 'A08'],
  ORU: ['R01'],
  ORM: ['O01'],
  OML: ['O21'],
};

export async function mapMessage(ctx: MapContext): Promise<Mapped[]> {
  const { parsed } = ctx;
  const type = parsed.type.toUpperCase();
  const trigger = parsed.trigger.toUpperCase();
  const triggers = SUPPORTED[type];
  if (!triggers)
    throw new Hl7Error(
      'AR',
      200,
      { segment: 'MSH', field: 9, component: 1 },
      `message type '${parsed.type}' is not supported (${Object.keys(SUPPORTED).join(', ')})`,
    );
  if (!triggers.includes(trigger))
    throw new Hl7Error(
      'AR',
      201,
      { segment: 'MSH', field: 9, component: 2 },
      `event '${parsed.trigger}' of ${type} is not supported (${triggers.join(', ')})`,
    );

  const segments = numbered(parsed.message).slice(1);
  const pid = segments.find((s) => s.segment.name === 'PID');
  if (!pid) throw new Hl7Error('AE', 100, { segment: 'PID' }, `the ${type}^${trigger} message has no PID segment`);
  const pv1 = segments.find((s) => s.segment.name === 'PV1');
  const isAdt = type === 'ADT';
  if (isAdt && !pv1) throw new Hl7Error('AE', 100, { segment: 'PV1' }, `the ADT^${trigger} message has no PV1 segment`);

  const out: Mapped[] = [];
  const patient = await mapPatient(ctx, pid, !isAdt);
  if (patient.mapped) out.push(patient.mapped);
  // A result or order names its visit only when PV1-19 identifies it.
  const encounter =
    pv1 && (isAdt || value(pv1.segment, 19)) ? await mapEncounter(ctx, pv1, patient, !isAdt) : undefined;
  if (encounter?.mapped) out.push(encounter.mapped);
  const subject = patient.reference;
  const enc = encounter?.reference;

  if (isAdt) {
    for (const s of segments) {
      if (s.segment.name === 'AL1') out.push(mapAllergy(ctx, s, patient));
      if (s.segment.name === 'DG1') out.push(mapCondition(ctx, s, patient, enc));
    }
  } else if (type === 'ORU') {
    out.push(...results(ctx, segments, subject, enc));
  } else {
    out.push(...orders(ctx, segments, subject, enc));
  }
  return out;
}

function results(ctx: MapContext, segments: FieldRef[], subject: string, encounter: string | undefined): Mapped[] {
  const out: Mapped[] = [];
  let obr: FieldRef | undefined;
  let observations: Mapped[] = [];
  let pending: { obx: FieldRef; notes: string[] } | undefined;
  const flushObservation = () => {
    if (!pending || !obr) return;
    // An OBX without its own time (OBX-14) takes the specimen's (OBR-7).
    const effective = dateTime(obr.segment, 7, at(obr, 7), ctx.defaultOffset);
    const report = { key: reportKey(ctx, obr).key, ...(effective ? { effective } : {}) };
    observations.push(mapObservation(ctx, pending.obx, report, subject, encounter, pending.notes));
    pending = undefined;
  };
  const flushReport = () => {
    flushObservation();
    if (!obr) return;
    out.push(...observations, mapReport(ctx, obr, subject, encounter, observations));
    observations = [];
  };
  for (const s of segments) {
    const name = s.segment.name;
    if (name === 'OBR') {
      flushReport();
      obr = s;
    } else if (name === 'OBX') {
      if (!obr) throw new Hl7Error('AE', 100, { segment: 'OBX', sequence: s.sequence }, 'an OBX comes before any OBR');
      flushObservation();
      pending = { obx: s, notes: [] };
    } else if (name === 'NTE' && pending) {
      const text = value(s.segment, 3);
      if (text) pending.notes.push(text);
    }
  }
  flushReport();
  if (out.length === 0) throw new Hl7Error('AE', 100, { segment: 'OBR' }, 'the ORU^R01 message has no OBR segment');
  return out;
}

function orders(ctx: MapContext, segments: FieldRef[], subject: string, encounter: string | undefined): Mapped[] {
  const out: Mapped[] = [];
  for (const [i, s] of segments.entries()) {
    if (s.segment.name !== 'ORC') continue;
    // The order detail is the next OBR or RXO before the next ORC.
    const rest = segments.slice(i + 1);
    const end = rest.findIndex((r) => r.segment.name === 'ORC');
    const group = end < 0 ? rest : rest.slice(0, end);
    const obr = group.find((r) => r.segment.name === 'OBR');
    const rxo = group.find((r) => r.segment.name === 'RXO');
    if (obr) out.push(mapServiceRequest(ctx, s, obr, subject, encounter));
    else if (rxo) {
      const rxr = group.find((r) => r.segment.name === 'RXR')?.segment;
      out.push(mapMedicationRequest(ctx, s, rxo, rxr, subject, encounter));
    } else
      throw new Hl7Error(
        'AE',
        100,
        { segment: 'ORC', sequence: s.sequence },
        'the order (ORC) has no OBR or RXO detail segment',
      );
  }
  if (out.length === 0)
    throw new Hl7Error('AE', 100, { segment: 'ORC' }, `the ${ctx.parsed.type} message has no ORC segment`);
  return out;
}
