import { Hl7Error } from './error.js';
import type { MapContext, Mapped } from './context.js';
import { derivedId } from './context.js';
import {
  addresses,
  at,
  contactPoints,
  dateTime,
  type FieldRef,
  humanNames,
  identifierCx,
  identifierKey,
} from './datatypes.js';
import { repetitions, value } from './message.js';

type Json = Record<string, unknown>;

/** HL7 table 0001 → AdministrativeGender (IG ConceptMap "Table HL70001 to Administrative Gender"). */
const GENDER: Readonly<Record<string, string>> = {
  F: 'female',
  M: 'male',
  O: 'other',
  A: 'other',
  U: 'unknown',
  N: 'unknown',
};

export interface PatientMapping {
  readonly reference: string;
  readonly id: string;
  /** The Patient, or undefined when `onlyIfNew` and one with this identifier is already stored. */
  readonly mapped?: Mapped;
}

/**
 * PID → Patient (IG "Segment PID to Patient Map"). PID-3 is required: its identifiers, with their
 * assigning authority, find a stored Patient (a conditional update: repeated ADTs update the same
 * Patient) or derive a new id. `onlyIfNew`: results and orders name the patient but do not overwrite
 * what an ADT feed wrote (their PID is often sparse).
 */
export async function mapPatient(ctx: MapContext, pid: FieldRef, onlyIfNew: boolean): Promise<PatientMapping> {
  const s = pid.segment;
  const identifier: Json[] = [];
  for (let rep = 0; rep < repetitions(s, 3); rep++) {
    const id = identifierCx(s, 3, rep, ctx.authority);
    if (id) identifier.push(id);
  }
  if (identifier.length === 0)
    throw new Hl7Error(
      'AE',
      101,
      at(pid, 3),
      'the patient identifier list (PID-3) is empty: MedSeek needs it to find the patient',
    );
  const keys = identifier.map(identifierKey).filter((k): k is string => k !== undefined);
  const existing = await ctx.find('Patient', keys);
  const id = existing ?? derivedId('Patient', keys[0]);
  const reference = `Patient/${id}`;
  if (existing && onlyIfNew) return { reference, id };

  const genderCode = value(s, 8).toUpperCase();
  const gender = genderCode ? GENDER[genderCode] : undefined;
  if (genderCode && !gender)
    throw new Hl7Error('AE', 103, at(pid, 8), `'${genderCode}' is not an administrative sex of HL7 table 0001`);
  const birthDate = dateTime(s, 7, at(pid, 7), ctx.defaultOffset, { dateOnly: true });
  const deceasedAt = dateTime(s, 29, at(pid, 29), ctx.defaultOffset);
  const deceased = value(s, 30).toUpperCase();
  const name = humanNames(s, 5);
  const telecom = [...contactPoints(s, 13, 'home'), ...contactPoints(s, 14, 'work')];
  const address = addresses(s, 11);
  const resource = {
    resourceType: 'Patient',
    id,
    identifier,
    active: true,
    ...(name.length ? { name } : {}),
    ...(telecom.length ? { telecom } : {}),
    ...(gender ? { gender } : {}),
    ...(birthDate ? { birthDate } : {}),
    ...(deceasedAt ? { deceasedDateTime: deceasedAt } : deceased === 'Y' ? { deceasedBoolean: true } : {}),
    ...(deceased === 'N' && !deceasedAt ? { deceasedBoolean: false } : {}),
    ...(address.length ? { address } : {}),
  };
  return { reference, id, mapped: { resource, from: at(pid, 3) } };
}
