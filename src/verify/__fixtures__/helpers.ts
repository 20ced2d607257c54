import type { Fact, MedicationCourse } from '../../core/index.js';
import { recordFromTexts, type VerificationRecord } from '../record.js';
import { type FaithfulnessReport, verifyText } from '../verify.js';

/** Test helpers shared by the verifier's unit tests: a record from note text, a check, a claim by its words. */
export const rec = (text: string, lang: 'zh' | 'en' = 'zh') => recordFromTexts([{ id: 'rec', text }], { lang });

export const check = (
  text: string,
  record: VerificationRecord,
  lang: 'zh' | 'en',
  extra: { laterThanRecord?: boolean } = {},
) => verifyText(text, record, { lang, ...extra });

/** The claim whose text holds `needle`; fails naming the claims there are. */
export const claimOf = (report: FaithfulnessReport, needle: string) => {
  const c = report.claims.find((x) => x.text.includes(needle));
  if (!c) throw new Error(`no claim holds “${needle}”: ${report.claims.map((x) => x.text).join(' | ')}`);
  return c;
};

/** A medication order as FHIR gives it (RxNorm code and name). */
export const orderFact = (id: string, display: string, code: string): Fact => ({
  id,
  patientId: 'p',
  category: 'medication',
  concept: { system: 'http://www.nlm.nih.gov/research/umls/rxnorm', code, display },
  assertion: 'present',
  subject: { who: 'patient' },
  sources: [{ kind: 'resource', resourceType: 'MedicationRequest', id }],
});

/** A one-event course of that order: started (active) or stopped, on the discharge orders or not. */
export const course = (
  f: Fact,
  status: MedicationCourse['status'],
  discharge: boolean,
  reason?: string,
): MedicationCourse => ({
  concept: f.concept,
  status,
  discharge,
  events: [
    {
      kind: status === 'stopped' ? 'stopped' : 'started',
      ...(reason ? { reason } : {}),
      factIds: [f.id],
      sources: f.sources,
    },
  ],
  factIds: [f.id],
  sources: f.sources,
});
