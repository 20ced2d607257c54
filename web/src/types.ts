// The shapes the API returns (mirrors src/core; the web build does not import server code).
export type Source =
  | { kind: 'resource'; resourceType: string; id: string; versionId?: string; path?: string }
  | { kind: 'text'; document: string; start: number; end: number; quote?: string }
  | { kind: 'knowledge'; edgeId: string; authority: { name: string; document?: string; version?: string; url?: string; licence?: string }; releaseId?: string }
  | { kind: 'patient-reported'; sessionId: string; turn: number; quote?: string };

export interface Quantity {
  value: number;
  unit: string;
  value2?: number;
  original?: string;
}

export interface Fact {
  id: string;
  category: string;
  concept: { system: string; code: string; display?: string; displayZh?: string };
  assertion: string;
  subject: { who: string; relation?: string };
  value?: Quantity;
  valueText?: string;
  time?: { start?: string; end?: string; relative?: string };
  laterality?: string;
  status?: string;
  interpretation?: string;
  referenceRange?: { low?: number; high?: number; unit?: string };
  section?: string;
  sources: Source[];
}

export interface TimelineEvent {
  time: string;
  end?: string;
  kind: string;
  label: string;
  factIds: string[];
  sources: Source[];
}

export interface PatientState {
  patientId: string;
  at: string;
  demographics: { sex: string; birthDate?: string; age?: number };
  phenotype: Fact[];
  intervention: Fact[];
  biology: Fact[];
  timeline: TimelineEvent[];
  conflicts: { id: string; kind: string; description: string; factIds: string[] }[];
  encounterId?: string;
  /** Medication reconciliation (src/core/medication-course.ts): one course per drug over the stay. */
  medications?: MedicationCourse[];
}

export interface Dosage {
  strength?: Quantity;
  dose?: Quantity;
  route?: string;
  frequency?: { code: string; perDay?: number; original?: string };
  duration?: { value: number; unit: string };
  asNeeded?: boolean;
}

export type MedicationStatus = 'active' | 'stopped' | 'held' | 'one-off' | 'completed' | 'prn' | 'unknown';

export interface MedicationEvent {
  kind: 'started' | 'stopped' | 'held' | 'resumed' | 'one-off' | 'prn' | 'dose-changed' | 'discharge';
  time?: string;
  reason?: string;
  dosage?: Dosage;
  factIds: string[];
  sources: Source[];
}

export interface MedicationCourse {
  concept: { system: string; code: string; display?: string; displayZh?: string };
  status: MedicationStatus;
  discharge: boolean;
  dosage?: Dosage;
  events: MedicationEvent[];
  factIds: string[];
  sources: Source[];
}

export interface PatientSummary {
  id: string;
  name: string;
  gender: string;
  birthDate?: string;
  identifiers: string[];
}

export interface Note {
  id: string;
  document: string;
  title: string;
  date?: string;
  lang?: string;
  text: string;
  facts: Fact[];
  /** Why the note could not be read (bad encoding), when it could not. */
  error?: string;
}

export interface Bilingual {
  en: string;
  zh?: string;
}

export interface Evidence {
  role: 'supports' | 'refutes' | 'missing' | 'context';
  statement: Bilingual;
  factId?: string;
  sources: Source[];
  knowledge?: Source[];
  contribution?: number;
}

export interface Conclusion {
  id: string;
  kind: string;
  producer: string;
  statement: Bilingual;
  detail?: Bilingual;
  confidence?: number;
  severity?: string;
  evidence: Evidence[];
  knowledgeRelease?: string;
  model?: { used: boolean; provider?: string; model?: string; deidentified?: boolean; reason?: string };
}

export interface VerifiedClaim {
  id: string;
  text: string;
  start: number;
  end: number;
  citations: string[];
  verdict: 'supported' | 'contradicted' | 'unsupported';
  reason: string;
  evidence: Source[];
  errorType?: string;
  /** The verdict on each clinical fact the claim states (a claim with none states nothing to vouch for). */
  facts?: { factId: string; concept: string; verdict: string; reason: string }[];
}

export interface Report {
  lang: 'zh' | 'en';
  claims: VerifiedClaim[];
  omissions: { factId: string; statement: string; sources: Source[] }[];
  counts: { claims: number; supported: number; contradicted: number; unsupported: number; omissions: number };
  blocked: boolean;
}

export interface SummaryResult {
  document: { text: string; citations: Record<string, string>; model: Conclusion['model']; encounterId?: string; patientId?: string; lang?: 'zh' | 'en' };
  report: Report;
  text: string;
  removed: string[];
  attempts: number;
  /** The draft the server keeps, bound to this patient, encounter and language: sign-off names it. */
  draftId: string;
  /** The model that wrote it; `fallback` when none answered in time and the verified template text is shown instead. */
  model?: Conclusion['model'];
  fallback?: { reason: string };
  draft: SummaryDraft;
  policy: SignoffPolicy;
  /** Citation key (`F12`) → the fact it cites, with its sources (what a citation chip opens). */
  citationSources: Record<string, { factId: string; label: string; sources: Source[] }>;
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
  claimIds: string[];
  conclusion: Conclusion;
}

export type SignoffBlock =
  | { kind: 'contradicted'; claimId: string; text: string; message: string }
  | { kind: 'omission'; factId: string; message: string }
  | { kind: 'safety'; ruleId: string; claimIds: string[]; message: string }
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
  blocks: SignoffBlock[];
  alerts: DischargeAlert[];
  needsAcceptance: string[];
  acceptances: ClaimAcceptance[];
}

/** A refused summary action (HTTP 409/422): a code the workspace can translate and the server's reason. */
export interface SignRefusal {
  code: 'blocked' | 'draft-unknown' | 'draft-patient-mismatch' | 'draft-encounter-mismatch' | 'draft-lang-mismatch' | 'draft-signed' | 'not-acceptable' | 'unknown-claim';
  reason: string;
  report?: Report;
  policy?: SignoffPolicy;
}

// Pre-consultation (预问诊): mirrors src/reasoning/consultation (Reply, the queue) and src/server/notify.ts.
export interface ConsultReply {
  kind: 'question' | 'reprompt' | 'emergency' | 'done';
  text: string;
  question?: { id: string; kind: string; options?: string[] };
  choices?: { value: string; label: string }[];
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
}

export interface ConsultEvent {
  type: 'emergency' | 'complete';
  sessionId: string;
  at: string;
  complaint: string;
  triage?: ConsultTriage;
  age?: number;
  sex?: string;
}

export interface ConsultReportField {
  label: Bilingual;
  value: Bilingual;
  turns?: number[];
}

/** One sentence of the draft 门诊病历 with the patient turns it cites and its verdict against them. */
export interface OutpatientSentence {
  text: string;
  section?: string;
  citations: { turn: number; quote: string }[];
  verdict: 'supported' | 'unsupported' | 'contradicted';
  reason?: string;
}

export interface OutpatientDraft {
  sessionId: string;
  lang: 'zh' | 'en';
  text: string;
  sentences: OutpatientSentence[];
  /** A sentence contradicts the transcript: it cannot be accepted as it stands. */
  blocked: boolean;
}
