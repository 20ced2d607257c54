export type { Parsed } from './answers.js';
export { parseNumberList, parseQuestionAnswer, parseYesNo } from './answers.js';
export type { ParsedComplaint } from './complaint.js';
export { fallbackParse, modelLexicon, parseComplaint, parseDuration } from './complaint.js';
export type { RedFlag, RedFlagConfig, RedFlagRule, TriageLevel, TriageScale } from './redflags.js';
export {
  defaultRedFlags,
  defaultTriageScale,
  redFlagChecksFor,
  redFlagRulesMatching,
  redFlagsInText,
  triageLevel,
} from './redflags.js';
export type { PreConsultReport, ReportField } from './report.js';
export { buildReport, outpatientRecordInput, reportText } from './report.js';
export type {
  AnswerRecord,
  ConsultContext,
  ConsultState,
  HpiSlotName,
  Reply,
  Stage,
  StartInput,
  StepResult,
  TriageResult,
  Turn,
} from './session.js';
export { plainQuestions } from './plain-questions.js';
export { answerSession, hpiSlots, questionText, sessionObservations, startSession } from './session.js';
export type { CreateSessionInput, NetworkResolver } from './service.js';
export { ConsultationService } from './service.js';
export type { SimulatedCase, SimulationResult } from './simulate.js';
export { parseSimulatedCase, patientAnswer, simulateConsultation } from './simulate.js';
export type { QueuedSession } from './store.js';
export { listSessions, loadSession, loadTranscript } from './store.js';
export type { UrgentConcern } from './urgency.js';
export { newUrgency } from './urgency.js';
export type { AnswerQuestion, AnswerQuestionKind, AnswerReading, ReadContext } from './reading.js';
export { answerLexicon, evidenceCode, readAnswer, readDuration, readSeverity, readSite } from './reading.js';
export type { ModelAnswerReading, ModelReader } from './reading-model.js';
export { readAnswerWithModel } from './reading-model.js';
