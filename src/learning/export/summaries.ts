import {
  type ComposedDocument,
  encounterDocuments,
  signedText,
  templateDischargeSummary,
  verifyDischargeText,
} from '../../compose/index.js';
import type { Fact, Lang, PatientState, Sql } from '../../core/index.js';
import { allFacts } from '../../core/index.js';
import { type AnyResource, buildPatientState } from '../../fusion/index.js';
import type { ResourceRepository } from '../../store/index.js';
import { type FaithfulnessReport, recordFromState, type VerificationRecord } from '../../verify/index.js';
import { withoutSignature } from './prompt.js';

/**
 * The discharge summaries a clinician dealt with, read where the server keeps them: drafts
 * (`medseek_summary_drafts`, migration 0610: the composed document as handed out), the text as signed
 * (the DocumentReference a sign-off stored, named by the draft's `document_reference`), and
 * clinicians' corrections of a summary (`learning_feedback`, target `summary`, verdict `correct`,
 * the draft's id as target). Each comes with the record it is judged against, rebuilt the way the
 * sign-off route rebuilds it (state at the stay, the stay's notes).
 */
export interface SummaryCase {
  readonly draftId: string;
  readonly patientId: string;
  readonly patient?: AnyResource;
  readonly encounterId?: string;
  readonly lang: Lang;
  /** The draft as composed (model or template), printed as signed, without the signature item. */
  readonly draftText: string;
  /** The text the clinician signed, when signed. */
  readonly signedText?: string;
  /** Corrections of this draft sent as feedback, newest first. */
  readonly corrections: readonly string[];
  readonly state: PatientState;
  readonly documents: readonly { id: string; text: string }[];
}

interface DraftRow {
  id: string;
  patient_id: string;
  encounter_id: string | null;
  lang: string;
  document: ComposedDocument | string;
  document_reference: string | null;
}

/** Base64 text of a DocumentReference's first attachment (as signed.ts writes it). */
function attachmentText(resource: unknown): string | undefined {
  const data = (resource as { content?: { attachment?: { data?: string } }[] }).content?.[0]?.attachment?.data;
  return data ? Buffer.from(data, 'base64').toString('utf8') : undefined;
}

export async function loadSummaryCases(
  sql: Sql,
  repo: ResourceRepository,
  filter: { patientId?: string } = {},
): Promise<SummaryCase[]> {
  const { rows } = await sql.query<DraftRow>(
    `select id, patient_id, encounter_id, lang, document, document_reference from medseek_summary_drafts
     where ($1::text is null or patient_id = $1) order by created_at, id`,
    [filter.patientId ?? null],
  );
  const feedback = await sql.query<{ target_id: string; correction: string }>(
    `select target_id, correction from learning_feedback
     where target_kind = 'summary' and verdict = 'correct' and correction is not null
     order by created_at desc, id desc`,
  );
  const corrections = new Map<string, string[]>();
  for (const f of feedback.rows) corrections.set(f.target_id, [...(corrections.get(f.target_id) ?? []), f.correction]);

  const records = new Map<string, Promise<Pick<SummaryCase, 'state' | 'documents' | 'patient'>>>();
  const recordOf = (patientId: string, encounterId: string | undefined) => {
    const key = `${patientId}\u0000${encounterId ?? ''}`;
    let r = records.get(key);
    if (!r) {
      r = (async () => {
        const everything = (await repo.everything(patientId)).filter((e) => !e.deleted);
        const resources = everything.map((e) => e.resource as AnyResource);
        const state = await buildPatientState(sql, repo, patientId, encounterId ? { encounterId } : {});
        const patient = resources.find((x) => x.resourceType === 'Patient' && x.id === patientId);
        return { state, documents: encounterDocuments(resources), ...(patient ? { patient } : {}) };
      })();
      records.set(key, r);
    }
    return r;
  };

  const out: SummaryCase[] = [];
  for (const row of rows) {
    const doc = typeof row.document === 'string' ? (JSON.parse(row.document) as ComposedDocument) : row.document;
    const lang: Lang = row.lang === 'en' ? 'en' : 'zh';
    let signed: string | undefined;
    if (row.document_reference) {
      const [type, id] = row.document_reference.split('/');
      const stored = type && id ? await repo.read(type, id) : undefined;
      const text = stored && !stored.deleted ? attachmentText(stored.resource) : undefined;
      if (text) signed = withoutSignature(text, lang);
    }
    const record = await recordOf(row.patient_id, row.encounter_id ?? undefined);
    out.push({
      draftId: row.id,
      patientId: row.patient_id,
      ...(row.encounter_id ? { encounterId: row.encounter_id } : {}),
      lang,
      draftText: withoutSignature(signedText(doc), lang),
      ...(signed ? { signedText: signed } : {}),
      corrections: corrections.get(row.id) ?? [],
      ...record,
    });
  }
  return out;
}

/** The record a summary of this case is verified against, and the template the composer starts from. */
export function caseRecord(c: SummaryCase): {
  record: VerificationRecord;
  critical: readonly Fact[];
  citations: Readonly<Record<string, string>>;
  facts: readonly Fact[];
  templateText: string;
} {
  const template = templateDischargeSummary(c.state, c.lang, c.encounterId, { documents: c.documents });
  const base = recordFromState(c.state, c.documents);
  return {
    record: { ...base, facts: [...base.facts, ...template.extraFacts] },
    critical: template.critical,
    citations: template.citations,
    facts: [...allFacts(c.state), ...template.extraFacts],
    templateText: template.text,
  };
}

/** Verifies a text of this case as sign-off does (compose/summarize.ts verifyDischargeText). */
export function verifyCaseText(c: SummaryCase, text: string): FaithfulnessReport {
  return verifyDischargeText(c.state, text, {
    lang: c.lang,
    documents: c.documents,
    ...(c.encounterId ? { encounterId: c.encounterId } : {}),
  });
}
