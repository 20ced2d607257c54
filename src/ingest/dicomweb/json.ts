/**
 * The DICOM JSON Model (PS3.18 §F.2, https://dicom.nema.org/medical/dicom/current/output/chtml/part18/chapter_F.html):
 * a dataset is an object keyed by 8-hex-digit tags, each `{vr, Value?}`. Only the reading MedSeek needs.
 */
export type DicomJson = Readonly<Record<string, DicomElement | undefined>>;

export interface DicomElement {
  readonly vr: string;
  readonly Value?: readonly unknown[];
  readonly BulkDataURI?: string;
  readonly InlineBinary?: string;
}

/** The attributes read, by keyword (PS3.6 data dictionary). */
export const TAG = {
  SOPClassUID: '00080016',
  SOPInstanceUID: '00080018',
  StudyDate: '00080020',
  SeriesDate: '00080021',
  ContentDate: '00080023',
  StudyTime: '00080030',
  SeriesTime: '00080031',
  ContentTime: '00080033',
  AccessionNumber: '00080050',
  TimezoneOffsetFromUTC: '00080201',
  Modality: '00080060',
  ModalitiesInStudy: '00080061',
  CodeValue: '00080100',
  CodingSchemeDesignator: '00080102',
  CodeMeaning: '00080104',
  StudyDescription: '00081030',
  SeriesDescription: '0008103E',
  RetrieveURL: '00081190',
  PatientName: '00100010',
  PatientID: '00100020',
  BodyPartExamined: '00180015',
  StudyInstanceUID: '0020000D',
  SeriesInstanceUID: '0020000E',
  SeriesNumber: '00200011',
  InstanceNumber: '00200013',
  Laterality: '00200060',
  NumberOfStudyRelatedSeries: '00201206',
  NumberOfStudyRelatedInstances: '00201208',
  NumberOfSeriesRelatedInstances: '00201209',
  NumberOfFrames: '00280008',
  Rows: '00280010',
  RelationshipType: '0040A010',
  ValueType: '0040A040',
  ConceptNameCodeSequence: '0040A043',
  ConceptCodeSequence: '0040A168',
  TextValue: '0040A160',
  DateTime: '0040A120',
  Date: '0040A121',
  PersonName: '0040A123',
  MeasuredValueSequence: '0040A300',
  MeasurementUnitsCodeSequence: '004008EA',
  NumericValue: '0040A30A',
  ContentSequence: '0040A730',
  CompletionFlag: '0040A491',
  VerificationFlag: '0040A493',
  ReferencedSOPSequence: '00081199',
  ReferencedSOPInstanceUID: '00081155',
} as const;

export function values(ds: DicomJson | undefined, tag: string): readonly unknown[] {
  return ds?.[tag]?.Value ?? [];
}

/** The first value as text (a person name's alphabetic form; numbers as written). */
export function str(ds: DicomJson | undefined, tag: string): string | undefined {
  const v = values(ds, tag)[0];
  if (v === undefined || v === null) return undefined;
  if (typeof v === 'object') {
    const name = (v as { Alphabetic?: unknown }).Alphabetic;
    return typeof name === 'string' && name.trim() ? name.trim() : undefined;
  }
  const s = String(v).trim();
  return s === '' ? undefined : s;
}

export function strs(ds: DicomJson | undefined, tag: string): string[] {
  return values(ds, tag)
    .map((v) => (typeof v === 'string' || typeof v === 'number' ? String(v).trim() : ''))
    .filter(Boolean);
}

export function int(ds: DicomJson | undefined, tag: string): number | undefined {
  const n = Number(values(ds, tag)[0]);
  return Number.isInteger(n) ? n : undefined;
}

export function items(ds: DicomJson | undefined, tag: string): DicomJson[] {
  return values(ds, tag).filter((v): v is DicomJson => typeof v === 'object' && v !== null);
}

/** A code item (CodeValue, CodingSchemeDesignator, CodeMeaning). */
export interface DicomCode {
  readonly value: string;
  readonly scheme: string;
  readonly meaning: string;
}

export function codeOf(seq: DicomJson | undefined): DicomCode | undefined {
  if (!seq) return undefined;
  const value = str(seq, TAG.CodeValue);
  if (!value) return undefined;
  return { value, scheme: str(seq, TAG.CodingSchemeDesignator) ?? '', meaning: str(seq, TAG.CodeMeaning) ?? value };
}

/**
 * DA (`YYYYMMDD`) and TM (`HHMMSS.FFFFFF`, parts optional) → a FHIR dateTime. DICOM times carry no
 * offset unless the dataset says so (Timezone Offset From UTC); without one FHIR needs a date only,
 * since a dateTime with hours must have an offset.
 */
export function fhirDateTime(da: string | undefined, tm?: string, offset?: string): string | undefined {
  const d = /^(\d{4})(\d{2})(\d{2})$/.exec(da?.trim() ?? '');
  if (!d) return undefined;
  const date = `${d[1]}-${d[2]}-${d[3]}`;
  const t = /^(\d{2})(\d{2})?(\d{2})?/.exec(tm?.trim() ?? '');
  const off = /^[+-]\d{4}$/.exec(offset?.trim() ?? '') ? `${offset!.slice(0, 3)}:${offset!.slice(3)}` : undefined;
  if (!t || !off) return date;
  return `${date}T${t[1]}:${t[2] ?? '00'}:${t[3] ?? '00'}${off}`;
}
