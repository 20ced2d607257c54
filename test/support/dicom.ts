import dcmjs from 'dcmjs';

/** A test study: one CT image and a Comprehensive SR report on it, written as DICOM Part 10 with dcmjs. */
export interface TestStudy {
  readonly patientId: string;
  readonly studyUid: string;
  readonly ctSeriesUid: string;
  readonly ctInstanceUid: string;
  readonly srSeriesUid: string;
  readonly srInstanceUid: string;
}

const EXPLICIT_LE = '1.2.840.10008.1.2.1';
export const CT_IMAGE_STORAGE = '1.2.840.10008.5.1.4.1.1.2';
export const COMPREHENSIVE_SR = '1.2.840.10008.5.1.4.1.1.88.33';

/** A UID under the 2.25 root (a UUID as a decimal integer, ISO/IEC 9834-8), unique per call. */
export function uid(): string {
  return `2.25.${BigInt(`0x${crypto.randomUUID().replaceAll('-', '')}`).toString()}`;
}

function part10(sopClass: string, sopInstance: string, dataset: Record<string, unknown>): Uint8Array {
  const { DicomDict, DicomMetaDictionary } = dcmjs.data;
  const meta = DicomMetaDictionary.denaturalizeDataset({
    FileMetaInformationVersion: new Uint8Array([0, 1]).buffer,
    MediaStorageSOPClassUID: sopClass,
    MediaStorageSOPInstanceUID: sopInstance,
    TransferSyntaxUID: EXPLICIT_LE,
    ImplementationClassUID: '2.25.1234567890',
    ImplementationVersionName: 'MEDSEEK_TEST',
    _vrMap: { FileMetaInformationVersion: 'OB' },
  });
  const dict = new DicomDict(meta);
  dict.dict = DicomMetaDictionary.denaturalizeDataset({
    SOPClassUID: sopClass,
    SOPInstanceUID: sopInstance,
    ...dataset,
  });
  return new Uint8Array(dict.write());
}

function patientAndStudy(s: TestStudy, description: string): Record<string, unknown> {
  return {
    PatientName: 'TEST^IMAGING',
    PatientID: s.patientId,
    PatientBirthDate: '19600101',
    PatientSex: 'F',
    StudyInstanceUID: s.studyUid,
    StudyDate: '20240315',
    StudyTime: '101500',
    StudyID: '1',
    AccessionNumber: 'ACC-0001',
    StudyDescription: description,
    ReferringPhysicianName: '',
  };
}

/** A 16×16 CT slice with a gradient and a bright square "nodule", so a rendered frame has content. */
export function ctImage(s: TestStudy): Uint8Array {
  const size = 16;
  const pixels = new Int16Array(size * size);
  for (let y = 0; y < size; y++)
    for (let x = 0; x < size; x++) pixels[y * size + x] = x * 40 - 600 + (x > 9 && x < 13 && y > 3 && y < 7 ? 900 : 0);
  return part10(CT_IMAGE_STORAGE, s.ctInstanceUid, {
    ...patientAndStudy(s, 'CT CHEST WITHOUT CONTRAST'),
    Modality: 'CT',
    SeriesInstanceUID: s.ctSeriesUid,
    SeriesNumber: '2',
    SeriesDescription: 'Axial 1.25mm',
    BodyPartExamined: 'CHEST',
    Laterality: '',
    InstanceNumber: '1',
    ImageType: ['ORIGINAL', 'PRIMARY', 'AXIAL'],
    SamplesPerPixel: 1,
    PhotometricInterpretation: 'MONOCHROME2',
    Rows: size,
    Columns: size,
    BitsAllocated: 16,
    BitsStored: 16,
    HighBit: 15,
    PixelRepresentation: 1,
    RescaleIntercept: '0',
    RescaleSlope: '1',
    WindowCenter: '-600',
    WindowWidth: '1500',
    PixelSpacing: ['0.7', '0.7'],
    PixelData: [pixels.buffer],
    _vrMap: { PixelData: 'OW' },
  });
}

const code = (value: string, scheme: string, meaning: string) => [
  { CodeValue: value, CodingSchemeDesignator: scheme, CodeMeaning: meaning },
];

/** The report text of the test SR, item by item, as a radiologist writes it. */
export const SR_FINDING =
  'There is a 12 mm solid nodule in the right upper lobe. No pleural effusion. No lymphadenopathy.';
export const SR_IMPRESSION = 'Right upper lobe solid nodule, 12 mm. Lung-RADS category 4A: suspicious.';

/**
 * A Comprehensive SR after TID 2000 (Basic Diagnostic Imaging Report): Findings and Impressions
 * containers with TEXT items, a NUM measurement (mm, UCUM) and a reference to the CT image.
 */
export function comprehensiveSr(s: TestStudy): Uint8Array {
  return part10(COMPREHENSIVE_SR, s.srInstanceUid, {
    ...patientAndStudy(s, 'CT CHEST WITHOUT CONTRAST'),
    Modality: 'SR',
    SeriesInstanceUID: s.srSeriesUid,
    SeriesNumber: '99',
    SeriesDescription: 'Radiology report',
    InstanceNumber: '1',
    ContentDate: '20240315',
    ContentTime: '113000',
    CompletionFlag: 'COMPLETE',
    VerificationFlag: 'VERIFIED',
    ValueType: 'CONTAINER',
    ContinuityOfContent: 'SEPARATE',
    ConceptNameCodeSequence: code('18748-4', 'LN', 'Diagnostic Imaging Report'),
    ContentTemplateSequence: [{ MappingResource: 'DCMR', TemplateIdentifier: '2000' }],
    CurrentRequestedProcedureEvidenceSequence: [
      {
        StudyInstanceUID: s.studyUid,
        ReferencedSeriesSequence: [
          {
            SeriesInstanceUID: s.ctSeriesUid,
            ReferencedSOPSequence: [
              { ReferencedSOPClassUID: CT_IMAGE_STORAGE, ReferencedSOPInstanceUID: s.ctInstanceUid },
            ],
          },
        ],
      },
    ],
    ContentSequence: [
      {
        RelationshipType: 'CONTAINS',
        ValueType: 'CONTAINER',
        ContinuityOfContent: 'SEPARATE',
        ConceptNameCodeSequence: code('121070', 'DCM', 'Findings'),
        ContentSequence: [
          {
            RelationshipType: 'CONTAINS',
            ValueType: 'TEXT',
            ConceptNameCodeSequence: code('121071', 'DCM', 'Finding'),
            TextValue: SR_FINDING,
          },
          {
            RelationshipType: 'CONTAINS',
            ValueType: 'NUM',
            ConceptNameCodeSequence: code('410668003', 'SCT', 'Length'),
            MeasuredValueSequence: [
              { NumericValue: '12', MeasurementUnitsCodeSequence: code('mm', 'UCUM', 'millimeter') },
            ],
          },
          {
            RelationshipType: 'CONTAINS',
            ValueType: 'IMAGE',
            ConceptNameCodeSequence: code('121200', 'DCM', 'Illustration of Finding'),
            ReferencedSOPSequence: [
              { ReferencedSOPClassUID: CT_IMAGE_STORAGE, ReferencedSOPInstanceUID: s.ctInstanceUid },
            ],
          },
        ],
      },
      {
        RelationshipType: 'CONTAINS',
        ValueType: 'CONTAINER',
        ContinuityOfContent: 'SEPARATE',
        ConceptNameCodeSequence: code('121072', 'DCM', 'Impressions'),
        ContentSequence: [
          {
            RelationshipType: 'CONTAINS',
            ValueType: 'TEXT',
            ConceptNameCodeSequence: code('121073', 'DCM', 'Impression'),
            TextValue: SR_IMPRESSION,
          },
        ],
      },
    ],
  });
}

/** Fresh UIDs for one test study of the given DICOM PatientID. */
export function newTestStudy(patientId: string): TestStudy {
  return {
    patientId,
    studyUid: uid(),
    ctSeriesUid: uid(),
    ctInstanceUid: uid(),
    srSeriesUid: uid(),
    srInstanceUid: uid(),
  };
}
