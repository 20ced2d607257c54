export { type ResultFlag, resultFlag, sameDiagnosis } from './clinical.js';
export {
  type DischargeOptions,
  SECTION_ORDER,
  SECTION_TITLES,
  type SourceDocument,
  templateDischargeSummary,
} from './discharge.js';
export {
  type ComposedDocument,
  type ComposedSection,
  type ComposedSentence,
  citationKeys,
  renderWithCitations,
  type Segment,
  sentenceFacts,
  sentenceText,
} from './document.js';
export { type EncounterWindow, encounterDocuments, encounterWindow } from './encounter.js';
export { SECTION_CODES, type SignOff, signedText, toComposition, toDocumentReference } from './signed.js';
export { factPhrase, quantityText } from './phrases.js';
export {
  composeDischargeSummary,
  dischargePrompt,
  type SummarizeOptions,
  type SummaryResult,
  verifyDischargeText,
} from './summarize.js';
export {
  chiefComplaintText,
  composeOutpatientRecord,
  verifyOutpatientRecord,
  consultationEvidence,
  turnDocument,
  turnOfSource,
  CONSULT_SYSTEM,
  type RecordedFinding,
  type OutpatientRecord,
  type OutpatientRecordInput,
  type OutpatientRecordSection,
  type OutpatientRecordSentence,
} from './outpatient-record.js';
