import type { ImagingStudy } from 'fhir/r4.js';
import { MedSeekError } from '../../core/index.js';
import { FHIR_ID } from '../resource-types.js';
import type { FhirResource, IngestSink, WriteOutcome } from '../types.js';
import { validationErrors } from '../validation/index.js';
import type { DicomWebClient } from './client.js';
import { endpointFor, imagingStudyFor, type PulledStudy, reportResources } from './fhir.js';
import { type DicomJson, str, TAG } from './json.js';
import { isTextSr, readSr, type SrReport } from './sr.js';

export interface ImagingPullOptions {
  /** The MedSeek Patient id the studies are stored under. */
  readonly patient: string;
  /** The PACS's Patient ID (0010,0020) to search by: the hospital's MRN. */
  readonly patientId: string;
  /** `YYYYMMDD` or `YYYYMMDD-YYYYMMDD`. */
  readonly studyDate?: string;
  readonly modality?: string;
  /** At most this many studies (default 50). */
  readonly limit?: number;
}

export interface PulledStudySummary {
  readonly studyUid: string;
  readonly imagingStudy: string;
  readonly description?: string;
  readonly started?: string;
  readonly modalities: readonly string[];
  readonly series: number;
  readonly instances: number;
  readonly reports: readonly string[];
  readonly outcome: WriteOutcome;
}

export interface ImagingPullSummary {
  readonly patient: string;
  readonly patientId: string;
  readonly pacs: string;
  readonly studies: readonly PulledStudySummary[];
  /** Studies not stored, with why (another patient's, an unreadable report…); the others are stored. */
  readonly skipped: readonly { readonly studyUid: string; readonly reason: string }[];
}

/** The PACS Patient ID, trimmed; refused when empty, too long or a wildcard (QIDO-RS matches * and ?). */
export function checkPacsPatientId(raw: string): string {
  const patientId = raw.trim();
  // A wildcard would match other patients' studies.
  if (patientId === '' || /[*?\\]/.test(patientId) || patientId.length > 64)
    throw new MedSeekError('invalid', `'${raw}' is not a DICOM Patient ID (no wildcards, at most 64 characters)`, {
      field: 'mrn',
    });
  return patientId;
}

/**
 * Pulls a patient's studies from a PACS over DICOMweb: QIDO-RS finds the studies by Patient ID (and
 * date, modality), then each study's series and instances; the SR series' WADO-RS metadata gives
 * the reports. Each study is written atomically with its Endpoint, ImagingStudy, DiagnosticReports
 * and DocumentReferences, each validated first: a study whose resources are not valid FHIR is
 * skipped with the field and the reason, and nothing of it is written. Idempotent (ids from UIDs).
 */
export async function pullImaging(
  client: DicomWebClient,
  sink: IngestSink,
  options: ImagingPullOptions,
): Promise<ImagingPullSummary> {
  if (!FHIR_ID.test(options.patient))
    throw new MedSeekError('invalid', `'${options.patient}' is not a valid Patient id`, { field: 'patient' });
  const patientId = checkPacsPatientId(options.patientId);
  const found = await client.searchStudies({
    patientId,
    ...(options.studyDate ? { studyDate: options.studyDate } : {}),
    ...(options.modality ? { modality: options.modality } : {}),
    limit: options.limit ?? 50,
  });
  const endpoint = endpointFor(client.baseUrl);
  const studies: PulledStudySummary[] = [];
  const skipped: { studyUid: string; reason: string }[] = [];
  for (const study of found.slice(0, options.limit ?? 50)) {
    const studyUid = str(study, TAG.StudyInstanceUID) ?? '';
    if (!studyUid) {
      skipped.push({ studyUid: '(none)', reason: 'the PACS returned a study without StudyInstanceUID (0020,000D)' });
      continue;
    }
    // The PACS's matching may be fuzzy or case-insensitive: store only the exact patient's studies.
    const studyPatient = str(study, TAG.PatientID);
    if (studyPatient !== undefined && studyPatient !== patientId) {
      skipped.push({ studyUid, reason: `PatientID (0010,0020) is '${studyPatient}', not '${patientId}'` });
      continue;
    }
    try {
      const pulled = await pullStudy(client, study, studyUid);
      studies.push(
        await storeStudy(pulled, sink, endpoint as unknown as FhirResource, options.patient, client.baseUrl),
      );
    } catch (e) {
      if (!(e instanceof MedSeekError) || e.code === 'unavailable') throw e;
      skipped.push({ studyUid, reason: e.message });
    }
  }
  return { patient: options.patient, patientId, pacs: client.baseUrl, studies, skipped };
}

async function pullStudy(client: DicomWebClient, study: DicomJson, studyUid: string): Promise<PulledStudy> {
  const series: { series: DicomJson; instances: DicomJson[] }[] = [];
  const reports: SrReport[] = [];
  for (const s of await client.searchSeries(studyUid)) {
    const seriesUid = str(s, TAG.SeriesInstanceUID);
    if (!seriesUid) continue;
    const instances = await client.searchInstances(studyUid, seriesUid);
    series.push({ series: s, instances });
    if (str(s, TAG.Modality) === 'SR') {
      for (const meta of await client.seriesMetadata(studyUid, seriesUid)) {
        if (!isTextSr(meta)) continue;
        const report = readSr(meta);
        if (report.text !== '') reports.push(report);
      }
    }
  }
  return { study, series, reports };
}

async function storeStudy(
  pulled: PulledStudy,
  sink: IngestSink,
  endpoint: FhirResource,
  patient: string,
  baseUrl: string,
): Promise<PulledStudySummary> {
  const keyImages = new Set(pulled.reports.flatMap((r) => r.keyImages));
  const options = { patient, baseUrl, keyImages };
  const study = imagingStudyFor(pulled, options, endpoint.id as string);
  const reports = pulled.reports.flatMap((r) => reportResources(r, study, options));
  const resources = [endpoint, study, ...reports] as FhirResource[];
  for (const r of resources) {
    const problem = validationErrors(r)[0];
    if (problem)
      throw new MedSeekError('invalid', `the ${r.resourceType} made from it is not valid FHIR: ${problem.message}`, {
        field: problem.expression,
        entry: `${r.resourceType}/${r.id}`,
      });
  }
  const outcomes = await sink.write(resources, { atomic: true });
  return summaryOf(
    study,
    reports.filter((r) => r.resourceType === 'DiagnosticReport').map((r) => `DiagnosticReport/${r.id}`),
    outcomes[1] ?? 'unchanged',
  );
}

function summaryOf(study: ImagingStudy & { id: string }, reports: string[], outcome: WriteOutcome): PulledStudySummary {
  return {
    studyUid: study.identifier?.[0]?.value?.replace(/^urn:oid:/, '') ?? '',
    imagingStudy: `ImagingStudy/${study.id}`,
    ...(study.description ? { description: study.description } : {}),
    ...(study.started ? { started: study.started } : {}),
    modalities: (study.modality ?? []).map((m) => m.code ?? ''),
    series: study.numberOfSeries ?? 0,
    instances: study.numberOfInstances ?? 0,
    reports,
    outcome,
  };
}

/** The summary as lines for a terminal. */
export function imagingTextSummary(s: ImagingPullSummary): string {
  const lines = [
    `${s.studies.length} stud${s.studies.length === 1 ? 'y' : 'ies'} for PatientID ${s.patientId} → ` +
      `Patient/${s.patient} (${s.pacs})`,
  ];
  for (const st of s.studies)
    lines.push(
      `  ${st.started ?? '(no date)'} ${st.modalities.join('/')} ${st.description ?? ''} — ${st.series} series, ` +
        `${st.instances} instances, ${st.reports.length} report(s); ${st.outcome}`,
    );
  for (const k of s.skipped) lines.push(`  skipped ${k.studyUid}: ${k.reason}`);
  return `${lines.join('\n')}\n`;
}
