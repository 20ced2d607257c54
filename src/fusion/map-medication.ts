import type {
  CodeableConcept,
  Dosage as FhirDosage,
  Medication,
  MedicationAdministration,
  MedicationRequest,
  MedicationStatement,
  Reference,
} from 'fhir/r4.js';
import type { Assertion, Fact, FactTime } from '../core/index.js';
import { dosageOf } from './dosage.js';
import type { AnyResource } from './fhir.js';
import { choiceTime, conceptOf, periodTime, quantityOf } from './fhir.js';
import { codedFact, endedBy, type MapContext } from './map-context.js';

type MedicationResource = (MedicationRequest | MedicationStatement | MedicationAdministration) & AnyResource;

/** The drug a medication resource names: its CodeableConcept, or the Medication it references (contained or not). */
function medicationConcept(r: MedicationResource, ctx: MapContext): { cc?: CodeableConcept; path: string } {
  const type = r.resourceType;
  if (r.medicationCodeableConcept)
    return { cc: r.medicationCodeableConcept, path: `${type}.medicationCodeableConcept` };
  const ref: Reference | undefined = r.medicationReference;
  if (ref?.reference) {
    const contained = ref.reference.startsWith('#')
      ? (r.contained as AnyResource[] | undefined)?.find((c) => `#${c.id}` === ref.reference)
      : ctx.resolve?.(ref.reference);
    const med = contained as (Medication & AnyResource) | undefined;
    if (med?.code) return { cc: med.code, path: `${type}.medicationReference` };
  }
  if (ref?.display) return { cc: { text: ref.display }, path: `${type}.medicationReference.display` };
  return { path: `${type}.medication` };
}

/**
 * Whether a medication was being taken at the state's moment, from the resource's status and its
 * period: `stopped`/`completed` with the end after the moment → present (it was still running then).
 */
function medicationAssertion(
  status: string | undefined,
  time: FactTime | undefined,
  ctx: MapContext,
): Assertion | undefined {
  switch (status) {
    case 'entered-in-error':
      return undefined;
    case 'cancelled':
    case 'not-taken':
    case 'not-done':
      return 'absent';
    // A draft order (CDS Hooks order-select/order-sign) is proposed, not given.
    case 'draft':
    case 'intended':
      return 'hypothetical';
    case 'stopped':
    case 'completed': {
      const ended = endedBy(time, ctx);
      return ended === false ? 'present' : 'historical';
    }
    default: {
      // active, on-hold, in-progress, unknown: present unless its period has ended by then.
      return endedBy(time, ctx) ? 'historical' : 'present';
    }
  }
}

/**
 * What medication reconciliation reads besides status and intent (see medication-courses.ts):
 * `category` (medicationrequest-category / medication-statement-category codes: inpatient,
 * outpatient, community, discharge), `courseOfTherapy` (continuous, acute, seasonal), `priority`
 * (stat), `timingCount` (Timing.repeat.count: 1 = a single dose), `statusReason`, `note` (the
 * order's free-text note: "负荷量300mg后改为75mg每日一次"), `courseDays` (Timing.repeat.boundsDuration
 * or dispenseRequest.expectedSupplyDuration, in days), `request` (the order an administration carries out).
 */
function reconciliationQualifiers(r: MedicationResource, dosage: FhirDosage | undefined): Record<string, string> {
  const out: Record<string, string> = {};
  const rec = r as Record<string, unknown>;
  const cats = ([] as CodeableConcept[]).concat(
    (rec.category as CodeableConcept | CodeableConcept[] | undefined) ?? [],
  );
  const codes = cats
    .flatMap((c) => [...(c.coding ?? []).map((x) => x.code), c.text])
    .filter((x): x is string => !!x)
    .map((x) => x.toLowerCase());
  if (codes.length) out.category = [...new Set(codes)].join(',');
  const course = rec.courseOfTherapyType as CodeableConcept | undefined;
  const courseCode = course?.coding?.[0]?.code ?? course?.text;
  if (courseCode) out.courseOfTherapy = courseCode;
  if (typeof rec.priority === 'string') out.priority = rec.priority;
  const count = dosage?.timing?.repeat?.count;
  if (typeof count === 'number') out.timingCount = String(count);
  const reasons = ([] as CodeableConcept[]).concat(
    (rec.statusReason as CodeableConcept | CodeableConcept[] | undefined) ?? [],
  );
  const reason = reasons
    .map((c) => c.text ?? c.coding?.[0]?.display ?? c.coding?.[0]?.code)
    .filter(Boolean)
    .join('; ');
  if (reason) out.statusReason = reason;
  const notes = ((rec.note as { text?: string }[] | undefined) ?? [])
    .map((n) => n.text)
    .filter((t): t is string => !!t?.trim());
  if (notes.length) out.note = notes.join('\n');
  // How long the order runs: Timing.repeat.boundsDuration, else the dispense's expected supply (days).
  const bounds = dosage?.timing?.repeat?.boundsDuration;
  const supply = (
    rec.dispenseRequest as { expectedSupplyDuration?: { value?: number; unit?: string; code?: string } } | undefined
  )?.expectedSupplyDuration;
  const days = durationDays(bounds) ?? durationDays(supply);
  if (days !== undefined) out.courseDays = String(days);
  const request = (rec.request as Reference | undefined)?.reference;
  if (request) out.request = request;
  return out;
}

/** A FHIR Duration in days (UCUM `d`, `wk`, `mo`, `h`), or undefined. */
function durationDays(d: { value?: number; unit?: string; code?: string } | undefined): number | undefined {
  if (typeof d?.value !== 'number') return undefined;
  const unit = (d.code ?? d.unit ?? '').toLowerCase();
  const per: Record<string, number> = {
    d: 1,
    day: 1,
    days: 1,
    wk: 7,
    week: 7,
    weeks: 7,
    mo: 30,
    month: 30,
    months: 30,
    h: 1 / 24,
    hour: 1 / 24,
    hours: 1 / 24,
  };
  const f = per[unit];
  return f === undefined ? undefined : d.value * f;
}

function build(
  r: MedicationResource,
  ctx: MapContext,
  time: FactTime | undefined,
  dosage: FhirDosage | undefined,
  dosagePath: string,
): Fact[] {
  const { cc, path } = medicationConcept(r, ctx);
  const concept = conceptOf(cc);
  if (!concept) return [];
  const assertion = medicationAssertion(r.status, time, ctx);
  if (!assertion) return [];
  const d = dosageOf(dosage, concept.display ?? concept.displayZh);
  const qualifiers: Record<string, string> = { kind: r.resourceType, ...reconciliationQualifiers(r, dosage) };
  const intent = r.resourceType === 'MedicationRequest' ? (r as MedicationRequest).intent : undefined;
  if (intent) qualifiers.intent = intent;
  if (dosage?.text) qualifiers.sig = dosage.text;
  return [
    codedFact(r, ctx, path, {
      category: 'medication',
      concept,
      assertion,
      ...(time ? { time } : {}),
      ...(d ? { dosage: d } : {}),
      ...(r.status ? { status: r.status } : {}),
      qualifiers: dosage ? { ...qualifiers, dosagePath } : qualifiers,
    }),
  ];
}

/** MedicationRequest: ordered from `authoredOn` (or the dispense validity period), with its first dosage instruction. */
export function mapMedicationRequest(r: MedicationRequest & AnyResource, ctx: MapContext): Fact[] {
  const validity = periodTime(r.dispenseRequest?.validityPeriod);
  const bounds = r.dosageInstruction?.[0]?.timing?.repeat?.boundsPeriod;
  const time = bounds
    ? periodTime(bounds)
    : validity
      ? { ...validity, ...(r.authoredOn && !validity.start ? { start: r.authoredOn } : {}) }
      : r.authoredOn
        ? { start: r.authoredOn }
        : undefined;
  return build(r, ctx, time, r.dosageInstruction?.[0], 'MedicationRequest.dosageInstruction[0]');
}

/** MedicationStatement: what the patient takes or took (`not-taken` → absent). */
export function mapMedicationStatement(r: MedicationStatement & AnyResource, ctx: MapContext): Fact[] {
  const time =
    choiceTime(r as Record<string, unknown>, 'effective') ?? (r.dateAsserted ? { start: r.dateAsserted } : undefined);
  return build(r, ctx, time, r.dosage?.[0], 'MedicationStatement.dosage[0]');
}

/** MedicationAdministration: one dose given (its dose and route become the dosage). */
export function mapMedicationAdministration(r: MedicationAdministration & AnyResource, ctx: MapContext): Fact[] {
  const time = choiceTime(r as Record<string, unknown>, 'effective');
  const d = r.dosage;
  const dose = d?.dose ? quantityOf(d.dose) : undefined;
  // Expressed as a FHIR Dosage so one parser reads every medication resource.
  const asDosage: FhirDosage | undefined = d
    ? {
        ...(d.text ? { text: d.text } : {}),
        ...(d.route ? { route: d.route } : {}),
        ...(dose && d.dose ? { doseAndRate: [{ doseQuantity: d.dose }] } : {}),
      }
    : undefined;
  // An administration is a point event: completed means given, which is present at its time.
  const facts = build(r, ctx, time, asDosage, 'MedicationAdministration.dosage');
  return facts.map((f) =>
    r.status === 'completed' || r.status === 'in-progress' ? { ...f, assertion: 'present' } : f,
  );
}
