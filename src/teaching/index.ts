/**
 * Medical education: teaching cases built from de-identified records, revealed step by step and
 * compared with MedSeek's own reasoning; practice questions generated from the knowledge release and
 * checked against it before they are shown. Other stages import only this file.
 */
export { ReleaseFacts } from './release-facts.js';
export {
  type CheckResult,
  checkQuestion,
  type GeneratedQuestions,
  generateFromFacts,
  generateQuestions,
  type PracticeQuestion,
  QUESTION_KINDS,
  type QuestionKind,
  type QuestionOption,
  type QuestionSource,
  unkeyed,
} from './questions.js';
export {
  type CaseOrigin,
  type CaseStep,
  type CcksRecord,
  caseFromBundle,
  caseFromCcks,
  DATASETS,
  parseCcksJsonl,
  STEPS,
  type StepKey,
  stepTitle,
  type TeachingCase,
} from './cases.js';
export { ageAt, caseDeidentifier, caseId, type PersonOfRecord, personOfPatient } from './deid.js';
export { type CaseLibrary, type LibraryOptions, loadCaseLibrary } from './library.js';
export { type ProseWriter, type StepProse, stepProse } from './prose.js';
export {
  activeReasoner,
  type LearnerAnswer,
  learnerAnswer,
  type MedSeekDifferentialEntry,
  medseekDifferential,
  namesMatch,
  type Reasoner,
  revealedText,
  type StepFeedback,
  stepFeedback,
} from './tutor.js';
