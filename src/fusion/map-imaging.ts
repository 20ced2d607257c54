import type { DiagnosticReport, ImagingStudy } from 'fhir/r4.js';
import type { Concept, Fact } from '../core/index.js';
import { extractImagingFindings } from '../nlp/index.js';
import type { AnyResource } from './fhir.js';
import { choiceTime, codesOf, conceptOf } from './fhir.js';
import { lateralityOf } from './map-clinical.js';
import { codedFact, type MapContext } from './map-context.js';
import { decodeAttachment, isTextAttachment } from './note-text.js';

/** DiagnosticReport category codes that mean imaging (v2-0074 RAD/CT/MR/US…, LOINC LP29684-5 Radiology). */
const imagingCategories = [
  'RAD',
  'CT',
  'MR',
  'US',
  'NMR',
  'NMS',
  'XRAY',
  'CUS',
  'RX',
  'VUS',
  'LP29684-5',
  'imaging',
  '18748-4',
];

export function isImagingReport(r: DiagnosticReport): boolean {
  return (
    codesOf(r.category).some((c) => imagingCategories.includes(c)) ||
    codesOf(r.code).includes('18748-4') ||
    !!r.imagingStudy?.length
  );
}

/**
 * DiagnosticReport: an imaging report becomes an `imaging` fact (its conclusion as the value) plus
 * one finding per `conclusionCode`, plus what its text (`presentedForm`) states that the concept
 * dictionary does not: BI-RADS / Lung-RADS / TI-RADS categories and sized lesions with laterality,
 * each with its span in the report (nlp `extractImagingFindings`). A lab report adds nothing (its
 * Observations carry the results).
 */
export function mapDiagnosticReport(r: DiagnosticReport & AnyResource, ctx: MapContext): Fact[] {
  if (!isImagingReport(r) || r.status === 'entered-in-error' || r.status === 'cancelled') return [];
  const concept = conceptOf(r.code);
  if (!concept) return [];
  const time = choiceTime(r as Record<string, unknown>, 'effective') ?? (r.issued ? { start: r.issued } : undefined);
  const facts: Fact[] = [
    codedFact(r, ctx, 'DiagnosticReport.code', {
      category: 'imaging',
      concept,
      assertion: 'present',
      ...(time ? { time } : {}),
      status: r.status,
      ...(r.conclusion ? { valueText: r.conclusion } : {}),
      ...(lateralityOf(concept.display) ? { laterality: lateralityOf(concept.display) } : {}),
    }),
  ];
  (r.conclusionCode ?? []).forEach((cc, i) => {
    const finding = conceptOf(cc);
    if (!finding) return;
    facts.push(
      codedFact(r, ctx, `DiagnosticReport.conclusionCode[${i}]`, {
        category: 'finding',
        concept: finding,
        assertion: 'present',
        ...(time ? { time } : {}),
        status: r.status,
      }),
    );
  });
  facts.push(...reportTextFacts(r, ctx, time));
  return facts;
}

/**
 * The facts a report's text states (the first text `presentedForm`), spans into that text under
 * `DiagnosticReport/<id>`. Text that cannot be read (binary, bad charset) adds nothing: the report's
 * coded facts stand without it.
 */
function reportTextFacts(r: DiagnosticReport & AnyResource, ctx: MapContext, time: Fact['time']): Fact[] {
  const form = (r.presentedForm ?? []).find((a) => isTextAttachment(a) && !!a.data);
  if (!form || !r.id) return [];
  let text: string;
  try {
    text = decodeAttachment(form, `DiagnosticReport/${r.id}`);
  } catch {
    return [];
  }
  return extractImagingFindings(text, { patientId: ctx.patientId, document: `DiagnosticReport/${r.id}` }).map((f) => ({
    ...f,
    ...(time && !f.time ? { time } : {}),
    status: r.status,
  }));
}

/** ImagingStudy: the study done (modality and body site), an `imaging` fact. */
export function mapImagingStudy(r: ImagingStudy & AnyResource, ctx: MapContext): Fact[] {
  if (r.status === 'entered-in-error' || r.status === 'cancelled') return [];
  const series = r.series ?? [];
  const modality = series.map((s) => s.modality.code).find(Boolean) ?? r.modality?.[0]?.code;
  const bodySite = series.map((s) => s.bodySite?.display ?? s.bodySite?.code).find(Boolean);
  const laterality = lateralityOf(series.map((s) => s.laterality?.display ?? '').join(' '));
  const named = conceptOf(r.procedureCode?.[0]);
  const label = [modality, bodySite].filter(Boolean).join(' ') || r.description || 'imaging study';
  const concept: Concept = named ?? { system: 'urn:medseek:text', code: label, display: r.description ?? label };
  const qualifiers: Record<string, string> = {};
  if (modality) qualifiers.modality = modality;
  if (bodySite) qualifiers.bodySite = bodySite;
  return [
    codedFact(r, ctx, r.procedureCode?.length ? 'ImagingStudy.procedureCode' : 'ImagingStudy.series', {
      category: 'imaging',
      concept,
      assertion: 'present',
      ...(r.started ? { time: { start: r.started } } : {}),
      status: r.status,
      ...(r.description ? { valueText: r.description } : {}),
      ...(laterality ? { laterality } : {}),
      ...(Object.keys(qualifiers).length ? { qualifiers } : {}),
    }),
  ];
}
