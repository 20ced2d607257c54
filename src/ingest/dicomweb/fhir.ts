import type { DiagnosticReport, DocumentReference, Endpoint, ImagingStudy } from 'fhir/r4.js';
import { stableId } from '../../core/index.js';
import { type DicomJson, fhirDateTime, int, str, strs, TAG } from './json.js';
import type { SrReport } from './sr.js';

/** DICOM's code system in FHIR (PS3.16 DCM; modality codes are CID 29). */
export const DCM_SYSTEM = 'http://dicom.nema.org/resources/ontology/DCM';
/** How FHIR R4 writes a DICOM UID as an identifier (ImagingStudy.identifier, R4 §ImagingStudy notes). */
export const DICOM_UID_SYSTEM = 'urn:dicom:uid';

/** A FHIR id for a DICOM UID: UIDs may reach 64 characters and hospitals' ids must be stable. */
export function idForUid(kind: 'study' | 'report' | 'endpoint', uid: string): string {
  return `dicom-${kind}-${stableId(kind, uid).slice(0, 40)}`;
}

/** The study as pulled: its QIDO attributes, each series with its instances, and the SR reports read. */
export interface PulledStudy {
  readonly study: DicomJson;
  readonly series: readonly { readonly series: DicomJson; readonly instances: readonly DicomJson[] }[];
  readonly reports: readonly SrReport[];
}

export interface MapOptions {
  readonly patient: string;
  readonly baseUrl: string;
  /** SOP Instance UIDs the reports point at (their IMAGE items): titled as key images. */
  readonly keyImages?: ReadonlySet<string>;
}

/** The title of an instance a report refers to (an SR IMAGE item): the image shown beside the report. */
export const KEY_IMAGE_TITLE = 'Key image (referenced by the report)';

/** DICOM laterality (L, R, B) → SNOMED CT, the codes of FHIR R4's bodysite-laterality value set. */
const LATERALITY: Readonly<Record<string, { code: string; display: string }>> = {
  L: { code: '7771000', display: 'Left' },
  R: { code: '24028007', display: 'Right' },
  B: { code: '51440002', display: 'Right and left' },
};

/** The PACS as a FHIR Endpoint (connection type dicom-wado-rs); the address never carries credentials. */
export function endpointFor(baseUrl: string): Endpoint & { id: string } {
  return {
    resourceType: 'Endpoint',
    id: idForUid('endpoint', baseUrl),
    status: 'active',
    connectionType: {
      system: 'http://terminology.hl7.org/CodeSystem/endpoint-connection-type',
      code: 'dicom-wado-rs',
      display: 'DICOM WADO-RS',
    },
    name: 'PACS (DICOMweb)',
    payloadType: [{ text: 'DICOM' }],
    payloadMimeType: ['application/dicom', 'application/dicom+json'],
    address: baseUrl,
  };
}

/**
 * A study's metadata → FHIR R4 ImagingStudy (https://hl7.org/fhir/R4/imagingstudy.html): the Study
 * Instance UID as `urn:oid:` identifier, the accession number (ACSN), series with modality, body part,
 * laterality and instances, counts, start, and the PACS endpoint.
 */
export function imagingStudyFor(
  pulled: PulledStudy,
  options: MapOptions,
  endpointId: string,
): ImagingStudy & { id: string } {
  const { study } = pulled;
  const uid = str(study, TAG.StudyInstanceUID) ?? '';
  const offset = str(study, TAG.TimezoneOffsetFromUTC);
  const started = fhirDateTime(str(study, TAG.StudyDate), str(study, TAG.StudyTime), offset);
  const accession = str(study, TAG.AccessionNumber);
  const description = str(study, TAG.StudyDescription);
  const series = pulled.series.map(({ series: s, instances }) => {
    const modality = str(s, TAG.Modality) ?? 'OT';
    const bodyPart = str(s, TAG.BodyPartExamined);
    const laterality = LATERALITY[str(s, TAG.Laterality) ?? ''];
    const number = int(s, TAG.SeriesNumber);
    const seriesStarted = fhirDateTime(str(s, TAG.SeriesDate), str(s, TAG.SeriesTime), offset);
    const count = int(s, TAG.NumberOfSeriesRelatedInstances) ?? instances.length;
    const seriesDescription = str(s, TAG.SeriesDescription);
    return {
      uid: str(s, TAG.SeriesInstanceUID) ?? '',
      ...(number !== undefined ? { number } : {}),
      modality: { system: DCM_SYSTEM, code: modality },
      ...(seriesDescription ? { description: seriesDescription } : {}),
      numberOfInstances: count,
      endpoint: [{ reference: `Endpoint/${endpointId}` }],
      // DICOM Body Part Examined is a defined term, not a SNOMED code; kept as written (display).
      ...(bodyPart ? { bodySite: { display: bodyPart } } : {}),
      ...(laterality ? { laterality: { system: 'http://snomed.info/sct', ...laterality } } : {}),
      ...(seriesStarted ? { started: seriesStarted } : {}),
      ...(instances.length
        ? {
            instance: instances.map((i) => {
              const n = int(i, TAG.InstanceNumber);
              return {
                uid: str(i, TAG.SOPInstanceUID) ?? '',
                sopClass: { system: 'urn:ietf:rfc:3986', code: `urn:oid:${str(i, TAG.SOPClassUID) ?? ''}` },
                ...(n !== undefined ? { number: n } : {}),
                ...(options.keyImages?.has(str(i, TAG.SOPInstanceUID) ?? '') ? { title: KEY_IMAGE_TITLE } : {}),
              };
            }),
          }
        : {}),
    };
  });
  const modalities = [...new Set([...strs(study, TAG.ModalitiesInStudy), ...series.map((s) => s.modality.code)])];
  const instances = series.reduce((n, s) => n + s.numberOfInstances, 0);
  return {
    resourceType: 'ImagingStudy',
    id: idForUid('study', uid),
    identifier: [
      { system: DICOM_UID_SYSTEM, value: `urn:oid:${uid}` },
      ...(accession
        ? [
            {
              type: {
                coding: [{ system: 'http://terminology.hl7.org/CodeSystem/v2-0203', code: 'ACSN' }],
              },
              value: accession,
            },
          ]
        : []),
    ],
    status: 'available',
    modality: modalities.map((code) => ({ system: DCM_SYSTEM, code })),
    subject: { reference: `Patient/${options.patient}` },
    ...(started ? { started } : {}),
    endpoint: [{ reference: `Endpoint/${endpointId}` }],
    numberOfSeries: int(study, TAG.NumberOfStudyRelatedSeries) ?? series.length,
    numberOfInstances: int(study, TAG.NumberOfStudyRelatedInstances) ?? instances,
    ...(description ? { description } : {}),
    series,
  };
}

/** The report's plain text, base64 in UTF-8 (a FHIR Attachment's `data`). */
function attachment(text: string, title: string) {
  return { contentType: 'text/plain; charset=utf-8', data: Buffer.from(text, 'utf8').toString('base64'), title };
}

/**
 * An SR report → a DiagnosticReport (imaging: v2-0074 RAD, LOINC 18748-4 Diagnostic imaging study)
 * linked to its ImagingStudy, with the impression as `conclusion` and the whole text as
 * `presentedForm`; and a DocumentReference holding the same text, so the NLP stage reads it as
 * it reads every note (https://hl7.org/fhir/R4/diagnosticreport.html).
 */
export function reportResources(
  report: SrReport,
  study: ImagingStudy & { id: string },
  options: MapOptions,
): [DiagnosticReport & { id: string }, DocumentReference & { id: string }] {
  const id = idForUid('report', report.sopInstanceUid);
  const title = report.title?.meaning ?? 'Diagnostic imaging report';
  const status = !report.complete ? 'partial' : report.verified ? 'final' : 'preliminary';
  const code = {
    coding: [{ system: 'http://loinc.org', code: '18748-4', display: 'Diagnostic imaging study' }],
    text: title,
  };
  const effective = study.started;
  const diagnosticReport: DiagnosticReport & { id: string } = {
    resourceType: 'DiagnosticReport',
    id,
    identifier: [{ system: DICOM_UID_SYSTEM, value: `urn:oid:${report.sopInstanceUid}` }],
    status,
    category: [
      { coding: [{ system: 'http://terminology.hl7.org/CodeSystem/v2-0074', code: 'RAD', display: 'Radiology' }] },
    ],
    code,
    subject: { reference: `Patient/${options.patient}` },
    ...(effective ? { effectiveDateTime: effective } : {}),
    imagingStudy: [{ reference: `ImagingStudy/${study.id}` }],
    ...(report.impression ? { conclusion: report.impression } : {}),
    presentedForm: [attachment(report.text, title)],
  };
  const documentReference: DocumentReference & { id: string } = {
    resourceType: 'DocumentReference',
    id,
    identifier: [{ system: DICOM_UID_SYSTEM, value: `urn:oid:${report.sopInstanceUid}` }],
    status: 'current',
    docStatus: status === 'final' ? 'final' : 'preliminary',
    type: code,
    category: [{ coding: [{ system: 'http://loinc.org', code: 'LP29684-5', display: 'Radiology' }] }],
    subject: { reference: `Patient/${options.patient}` },
    description: title,
    content: [{ attachment: attachment(report.text, title) }],
    context: {
      related: [{ reference: `DiagnosticReport/${id}` }, { reference: `ImagingStudy/${study.id}` }],
      ...(effective ? { period: { start: effective } } : {}),
    },
  };
  return [diagnosticReport, documentReference];
}

/** The viewer link for a study: the template with `{StudyInstanceUID}` (and `{AccessionNumber}`) filled in. */
export function viewerLink(template: string, studyUid: string, accession?: string): string {
  return template
    .replaceAll('{StudyInstanceUID}', encodeURIComponent(studyUid))
    .replaceAll('{AccessionNumber}', encodeURIComponent(accession ?? ''));
}
