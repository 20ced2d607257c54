// The shapes the API returns. The record's and the reasoners' types are imported from the server's
// own sources (src/core: type-only, so nothing of the server is bundled), so they cannot drift; the
// response envelopes below are the web's view of what the routes send, and
// src/server/web-api-types.test.ts fails the typecheck when the server's responses stop matching them.
import type { Claim, ErrorType, Verdict } from '../../src/core/claim.js';
import type { Bilingual, Coding } from '../../src/core/concept.js';
import type { Conclusion, DiagnosisConclusion, Evidence } from '../../src/core/conclusion.js';
import type { Fact } from '../../src/core/fact.js';
import type { KnowledgeSource, Source } from '../../src/core/source.js';
import units from '../../src/core/data/units.json' with { type: 'json' };
import type { UnitDisplay } from '../../src/core/units.js';

export type { Bilingual, Concept } from '../../src/core/concept.js';
export type { AskAnswer } from '../../src/agents/ask/types.js';
export type { Claim, ErrorType, Verdict } from '../../src/core/claim.js';
export type {
  AlertConclusion,
  Conclusion,
  ConclusionKind,
  DiagnosisConclusion,
  Evidence,
  ModelUse,
  QualityConclusion,
  Severity,
} from '../../src/core/conclusion.js';
export type { Dosage, Fact, Quantity } from '../../src/core/fact.js';
export type { MedicationCourse, MedicationEvent, MedicationStatus } from '../../src/core/medication-course.js';
export type { Conflict, Demographics, PatientState, TimelineEvent } from '../../src/core/patient-state.js';
export type { Source } from '../../src/core/source.js';

/**
 * UCUM codes as clinicians write them (`Cel` → ℃), from the one units table (src/core/data/units.json, read on
 * the server by src/core/units.ts displayUnit).
 */
export const UNIT_DISPLAY: Readonly<Record<string, UnitDisplay>> = units.display;

export interface PatientSummary {
  id: string;
  name: string;
  gender: string;
  birthDate?: string;
  identifiers: readonly string[];
}

export interface Note {
  id: string;
  document: string;
  title: string;
  date?: string;
  lang?: string;
  text: string;
  facts: readonly Fact[];
  /** Why the note could not be read (bad encoding), when it could not. */
  error?: string;
}

/** A claim of a checked text with the verdict on each clinical fact it states (verify's VerifiedClaim). */
export interface VerifiedClaim extends Claim {
  /** The verdict on each clinical fact the claim states (a claim with none states nothing to vouch for). */
  readonly facts?: readonly {
    factId: string;
    concept: string;
    verdict: Verdict;
    errorType?: ErrorType;
    reason: string;
  }[];
}

export interface Report {
  lang: 'zh' | 'en';
  claims: readonly VerifiedClaim[];
  omissions: readonly { factId: string; statement: string; sources: readonly Source[] }[];
  counts: { claims: number; supported: number; contradicted: number; unsupported: number; omissions: number };
  blocked: boolean;
}

export interface SummaryResult {
  document: {
    text: string;
    citations: Record<string, string>;
    model: Conclusion['model'];
    encounterId?: string;
    patientId?: string;
    lang?: 'zh' | 'en';
  };
  report: Report;
  text: string;
  removed: readonly string[];
  attempts: number;
  /** The draft the server keeps, bound to this patient, encounter and language: sign-off names it. */
  draftId: string;
  /** The model that wrote it; `fallback` when none answered in time and the verified template text is shown instead. */
  model?: Conclusion['model'];
  fallback?: { reason: string };
  draft: SummaryDraft;
  policy: SignoffPolicy;
  /** Citation key (`F12`) → the fact it cites, with its sources (what a citation chip opens). */
  citationSources: Record<string, { factId: string; label: string; sources: readonly Source[] }>;
}

export interface SummaryDraft {
  id: string;
  patientId: string;
  encounterId?: string;
  lang: 'zh' | 'en';
  createdAt: string;
  signedAt?: string;
  documentReference?: string;
}

/** A safety rule firing on a drug the summary lists for discharge. */
export interface DischargeAlert {
  ruleId: string;
  group: string;
  blocking: boolean;
  claimIds: readonly string[];
  conclusion: Conclusion;
}

export type SignoffBlock =
  | { kind: 'contradicted'; claimId: string; text: string; message: string }
  | { kind: 'omission'; factId: string; message: string }
  | { kind: 'safety'; ruleId: string; claimIds: readonly string[]; message: string }
  | { kind: 'unaccepted'; claimId: string; text: string; message: string };

export interface ClaimAcceptance {
  id: string;
  claimId: string;
  currentClaimId: string;
  claimText: string;
  reason: string;
  principal: string;
  principalName: string;
  acceptedAt: string;
}

/** What the server requires before it signs (contradictions, omissions, discharge-drug safety, acceptances). */
export interface SignoffPolicy {
  blocked: boolean;
  reason?: string;
  blocks: readonly SignoffBlock[];
  alerts: readonly DischargeAlert[];
  needsAcceptance: readonly string[];
  acceptances: readonly ClaimAcceptance[];
}

/** A refused summary action (HTTP 409/422): a code the workspace can translate and the server's reason. */
export interface SignRefusal {
  code:
    | 'blocked'
    | 'draft-unknown'
    | 'draft-patient-mismatch'
    | 'draft-encounter-mismatch'
    | 'draft-lang-mismatch'
    | 'draft-signed'
    | 'not-acceptable'
    | 'unknown-claim';
  reason: string;
  report?: Report;
  policy?: SignoffPolicy;
}

// Pre-consultation (预问诊): mirrors src/reasoning/consultation (Reply, the queue) and src/server/notify.ts.
export interface ConsultReply {
  kind: 'question' | 'reprompt' | 'emergency' | 'done';
  text: string;
  question?: { id: string; kind: string; options?: readonly string[] };
  choices?: readonly { value: string; label: string }[];
  progress?: { asked: number; expected: number };
  emergency?: { message: string; callNumber: string; staffNotified: boolean };
}

export interface ConsultTriage {
  level: number;
  name: Bilingual;
  colour: string;
  zone?: Bilingual;
  responseLimitMin?: number;
  reason?: Bilingual;
}

export interface ConsultSession {
  id: string;
  status: 'active' | 'emergency' | 'complete';
  triage?: ConsultTriage;
}

export interface QueuedConsult {
  id: string;
  status: 'active' | 'emergency' | 'complete';
  complaint: string;
  triage?: ConsultTriage;
  age?: number;
  sex?: string;
  updatedAt: string;
  /** An active session with a red flag raised and not yet settled: why, since when. */
  urgent?: { redFlags: readonly string[]; reason: Bilingual; since: string };
}

export interface ConsultEvent {
  type: 'emergency' | 'urgent' | 'complete';
  sessionId: string;
  at: string;
  complaint: string;
  triage?: ConsultTriage;
  reason?: Bilingual;
  age?: number;
  sex?: string;
}

export interface ConsultReportField {
  label: Bilingual;
  value: Bilingual;
  turns?: readonly number[];
}

/** One sentence of the draft 门诊病历 with the patient turns it cites and its verdict against them. */
export interface OutpatientSentence {
  text: string;
  section?: string;
  citations: readonly { turn: number; quote: string }[];
  verdict: 'supported' | 'unsupported' | 'contradicted';
  reason?: string;
}

export interface OutpatientDraft {
  sessionId: string;
  lang: 'zh' | 'en';
  text: string;
  sentences: readonly OutpatientSentence[];
  /** A sentence contradicts the transcript: it cannot be accepted as it stands. */
  blocked: boolean;
}

/**
 * The active knowledge release's rule-book problems (GET /api/admin/knowledge/releases): edges the
 * safety engines cannot use, each with why.
 */
export interface RuleBookReview {
  release: number;
  problems: readonly string[];
}

/**
 * One disease of a patient's differential (GET /api/patients/:id/differential `differential[i]`, the reasoner's
 * DifferentialEntry): its names, codes and explanation as data, so that the workspace words it in the chosen language.
 */
export interface DifferentialEntry {
  rank: number;
  id: string;
  name: Bilingual;
  codes: readonly Coding[];
  probability: number;
  status: 'proposed' | 'diagnosed';
  explanation: {
    priorBasis: 'source' | 'uniform';
    contributions: readonly ExplainedFinding[];
    expectedAbsent: readonly ExplainedFinding[];
    notAsked: readonly { finding: string; name: Bilingual; edgeProbability?: number }[];
    paths: readonly {
      riskFactor?: { id: string; name: Bilingual; source: KnowledgeSource };
      finding: { id: string; name: Bilingual; source: KnowledgeSource };
    }[];
  };
  evidence: readonly Evidence[];
  /** Where the record already names the diagnosis. */
  diagnosedBy?: readonly Source[];
}

/** A finding's weight for or against a disease (the reasoner's FindingContribution). */
export interface ExplainedFinding {
  finding: string;
  name: Bilingual;
  observed: 'present' | 'absent';
  llr: number;
  edge?: KnowledgeSource;
  edgeProbability?: number;
  frequencyUnknown?: true;
}

/** GET /api/patients/:id/differential: each disease of the differential and its conclusion, index for index. */
export interface DifferentialResponse {
  differential: readonly DifferentialEntry[];
  conclusions: readonly DiagnosisConclusion[];
}
