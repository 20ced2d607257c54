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
}

export interface Report {
  lang: 'zh' | 'en';
  claims: VerifiedClaim[];
  omissions: { factId: string; statement: string; sources: Source[] }[];
  counts: { claims: number; supported: number; contradicted: number; unsupported: number; omissions: number };
  blocked: boolean;
}

export interface SummaryResult {
  document: { text: string; citations: Record<string, string>; model: Conclusion['model']; encounterId?: string };
  report: Report;
  text: string;
  removed: string[];
  attempts: number;
}
