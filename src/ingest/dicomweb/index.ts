/**
 * DICOMweb → FHIR R4: a patient's studies pulled from a PACS (QIDO-RS searches, WADO-RS metadata and
 * rendered frames), stored as Endpoint + ImagingStudy, and SR reports (Basic, Enhanced, Comprehensive)
 * read into text as DiagnosticReport + DocumentReference for the NLP stage. See docs/imaging.md.
 */
export { checkUid, DicomWebClient, type DicomWebOptions, type RenderedImage, type StudyQuery } from './client.js';
export { DICOM_UID_SYSTEM, idForUid, KEY_IMAGE_TITLE, viewerLink } from './fhir.js';
export type { DicomJson } from './json.js';
export {
  checkPacsPatientId,
  type ImagingPullOptions,
  type ImagingPullSummary,
  imagingTextSummary,
  type PulledStudySummary,
  pullImaging,
} from './pull.js';
export { pacsPatientId } from './mrn.js';
export { dicomWebClient, type PacsSettings, pacsSettings } from './settings.js';
export { isTextSr, readSr, type SrMeasurement, type SrReport, TEXT_SR_CLASSES } from './sr.js';
