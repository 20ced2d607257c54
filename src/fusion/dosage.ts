import type { Dosage as FhirDosage, Duration as FhirDuration } from 'fhir/r4.js';
import type { Dosage, FactTime, Quantity } from '../core/index.js';
import { routeOf } from '../core/index.js';
import { parseMedication } from '../nlp/index.js';
import { normaliseUnit, quantityOf } from './fhir.js';

/**
 * FHIR Dosage (https://hl7.org/fhir/R4/dosage.html) → core Dosage. Structured elements win; what
 * they leave out is read from `text` with the NLP stage's sig parser.
 */
export function dosageOf(d: FhirDosage | undefined, medicationName?: string): Dosage | undefined {
  const strength = medicationName ? strengthOf(medicationName) : undefined;
  if (!d) return strength ? { strength } : undefined;
  const rate = d.doseAndRate?.[0];
  const dose = rate?.doseQuantity
    ? quantityOf(rate.doseQuantity)
    : rate?.doseRange?.low
      ? quantityOf(rate.doseRange.low)
      : undefined;
  const route = fhirRouteOf(d);
  const frequency = frequencyOf(d);
  const duration = durationOf(d.timing?.repeat?.boundsDuration);
  const asNeeded = d.asNeededBoolean ?? (d.asNeededCodeableConcept ? true : undefined);
  // What the structured elements leave out is read from the sig text ("100mg 口服 qd", "25 mg PO BID"),
  // as many hospital systems send only `text`.
  const sig = d.text && (!dose || !route || !frequency) ? parseMedication(d.text) : undefined;
  const sigRoute = normaliseRoute(sig?.route);
  const out: Dosage = {
    ...(strength ? { strength } : sig?.strength ? { strength: sig.strength } : {}),
    ...(dose ? { dose } : sig?.dose ? { dose: sig.dose } : {}),
    ...(route ? { route } : sigRoute ? { route: sigRoute } : {}),
    ...(frequency ? { frequency } : sig?.frequency ? { frequency: sig.frequency } : {}),
    ...(duration ? { duration } : sig?.duration ? { duration: sig.duration } : {}),
    ...(asNeeded !== undefined ? { asNeeded } : sig?.asNeeded !== undefined ? { asNeeded: sig.asNeeded } : {}),
  };
  return Object.keys(out).length ? out : undefined;
}

/** One name per route (core's route map: codes, SNOMED CT codes, words); unknown routes keep their words. */
export function normaliseRoute(route: string | undefined): string | undefined {
  if (!route) return undefined;
  return routeOf(route)?.name ?? route.trim().toLowerCase();
}

function fhirRouteOf(d: FhirDosage): string | undefined {
  for (const c of d.route?.coding ?? []) {
    const r = routeOf(c.code)?.name ?? normaliseRoute(c.display);
    if (r) return r;
  }
  return normaliseRoute(d.route?.text);
}

const perDayOfUnit: Record<string, number> = { s: 86400, min: 1440, h: 24, d: 1, wk: 1 / 7, mo: 1 / 30, a: 1 / 365 };

/** Timing codes (https://hl7.org/fhir/R4/valueset-timing-abbreviation.html) with their times a day. */
const timingCodes: Record<string, number | undefined> = {
  QD: 1,
  BID: 2,
  TID: 3,
  QID: 4,
  AM: 1,
  PM: 1,
  QOD: 0.5,
  Q4H: 6,
  Q6H: 4,
  Q8H: 3,
  Q12H: 2,
  QW: 1 / 7,
  ONCE: undefined,
};

/** A frequency's code from times a day: 1 → QD, 2 → BID… (`Q{n}H` for hourly intervals). */
export function frequencyCode(perDay: number, everyHours?: number): string {
  // "Every 8 hours" is around the clock, not TID: the interval wins where the timing states one.
  if (everyHours && Number.isInteger(everyHours) && everyHours < 24) return `Q${everyHours}H`;
  const named: Record<number, string> = { 1: 'QD', 2: 'BID', 3: 'TID', 4: 'QID' };
  if (named[perDay]) return named[perDay]!;
  if (Math.abs(perDay - 0.5) < 1e-9) return 'QOD';
  if (Math.abs(perDay - 1 / 7) < 1e-9) return 'QW';
  return `${Math.round(perDay * 100) / 100}/d`;
}

function frequencyOf(d: FhirDosage): Dosage['frequency'] {
  const code = d.timing?.code?.coding?.find((c) => c.code)?.code?.toUpperCase() ?? d.timing?.code?.text?.toUpperCase();
  const repeat = d.timing?.repeat;
  const original = d.timing?.code?.text ?? d.text;
  if (repeat?.frequency && repeat.period && repeat.periodUnit) {
    const unitsPerDay = perDayOfUnit[repeat.periodUnit];
    if (unitsPerDay !== undefined) {
      const perDay = (repeat.frequency * unitsPerDay) / repeat.period;
      const everyHours = repeat.frequency === 1 && repeat.periodUnit === 'h' ? repeat.period : undefined;
      return {
        code: code && code in timingCodes ? code : frequencyCode(perDay, everyHours),
        perDay,
        ...(original ? { original } : {}),
      };
    }
  }
  if (code) {
    const perDay = timingCodes[code];
    return { code, ...(perDay !== undefined ? { perDay } : {}), ...(original ? { original } : {}) };
  }
  return undefined;
}

const durationUnits: Record<string, NonNullable<FactTime['duration']>['unit']> = {
  min: 'min',
  h: 'h',
  d: 'd',
  wk: 'wk',
  mo: 'mo',
  a: 'a',
};

function durationOf(q: FhirDuration | undefined): FactTime['duration'] | undefined {
  if (!q || typeof q.value !== 'number') return undefined;
  const unit = durationUnits[q.code ?? q.unit ?? ''];
  return unit ? { value: q.value, unit } : undefined;
}

const strengthPattern = /(\d+(?:\.\d+)?)\s*(MG|MCG|UG|µG|G|ML|UNT|IU|MEQ|MG\/ML|MG\/\d*\s*ML)\b/i;
const strengthPatternZh = /(\d+(?:\.\d+)?)\s*(mg|g|μg|ug|mcg|ml|iu|u|万U)(?![a-z])/i;

/**
 * The strength a product's name states, as RxNorm and Chinese product names write it:
 * `Naproxen sodium 220 MG Oral Tablet` → 220 mg; `阿司匹林肠溶片 100mg` → 100 mg.
 */
export function strengthOf(name: string): Quantity | undefined {
  const m = strengthPattern.exec(name) ?? strengthPatternZh.exec(name);
  if (!m) return undefined;
  const unitWritten = m[2]!;
  const unit = /^unt$/i.test(unitWritten) ? 'U' : normaliseUnit(unitWritten.replace(/\s+/g, '').toLowerCase());
  return { value: Number(m[1]), unit, original: m[0] };
}
