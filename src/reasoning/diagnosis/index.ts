export type {
  CausalEdge,
  CausalModel,
  DiseaseNode,
  FindingKind,
  FindingNode,
  HpiSlot,
  QuestionNode,
  QuestionOption,
  RiskFactorNode,
  StratifiedPrior,
} from './model.js';
export { validateModel } from './model.js';
export type { Network } from './network.js';
export { compileNetwork, defaultQuestion } from './network.js';
export type { Answer, CaseFinding, CaseInput, Observations } from './evidence.js';
export { answerFindings, patientPriors, resolveCase, withFindings } from './evidence.js';
export type { InferenceOptions, Posterior } from './inference.js';
export { bruteForce, enumeration, infer, quickscore } from './inference.js';
export type { Counterfactual } from './counterfactual.js';
export { counterfactuals } from './counterfactual.js';
export type { CausalPath, Explanation, FindingContribution } from './explain.js';
export { explainDisease, explanationConclusion, explanationText } from './explain.js';
export type { DiagnoseOptions, Diagnosis, RankedDisease } from './diagnose.js';
export { diagnose } from './diagnose.js';
export type { QuestionChoice, QuestionOptions } from './questions.js';
export { defaultDangerWeight, nextQuestion, rankQuestions } from './questions.js';
export type { InterviewPolicy, InterviewTurn, StopReason } from './interview.js';
export { decideNext, defaultPolicy, leadingShare, runInterview } from './interview.js';
export type { DdxKnowledge, DdxPatient, LearnOptions } from './ddxplus.js';
export {
  ddxPatientCase,
  entryFindings,
  learnDdxModel,
  parseDdxKnowledge,
  parseDdxPatients,
  splitDdxPatients,
} from './ddxplus.js';
export type { DxyRecord } from './dxy.js';
export type { DxyAnswer, DxyAnswerModel, DxyInterview, DxyInterviewPolicy } from './dxy-answers.js';
export { dxyAnswerGain, learnDxyAnswerModel, runDxyInterview } from './dxy-answers.js';
export { DXY_ENGLISH, dxyAnswerRates, dxyExplicitCase, learnDxyModel, parseDxyJsonl, parseDxySynonyms } from './dxy.js';
export type { KnowledgeModelOptions } from './knowledge-adapter.js';
export { modelFromKnowledge } from './knowledge-adapter.js';
export type { KnowledgeBaseOptions } from './knowledge-bases.js';
export { KNOWLEDGE_BASES, knowledgeBaseResolver } from './knowledge-bases.js';
export { diagnosedDiseases } from './diagnosed.js';
export type { CaseMatch, PatientCase, PatientCaseOptions, PatientDiagnosis } from './patient-case.js';
export { codingsFromKnowledge, diagnosePatient, patientCase } from './patient-case.js';
export type { NoteText } from './results.js';
export type { DifferentialEntry, TextDiagnosisOptions } from './text-case.js';
export { diagnoseText, differentialView } from './text-case.js';
export { DEFAULT_EDGE_PROBABILITY, UNIFORM_PRIOR } from './knowledge-adapter.js';
export type { ResultCriterion } from './model.js';
export { activeReleaseNetwork, type ReleaseNetwork, releaseNetworks } from './release-networks.js';
