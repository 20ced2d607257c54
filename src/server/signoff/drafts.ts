import type { ComposedDocument } from '../../compose/index.js';
import { type Lang, MedSeekError, newId, type Sql } from '../../core/index.js';

/**
 * A composed discharge summary as the server handed it out: bound to one patient, one encounter and
 * one language. Sign-off names the draft; the route refuses it under another patient or encounter.
 *
 * Drafts live in the database rather than in a signed token: the citations (citation key → fact id)
 * and the composed sections stay on the server, so a browser can neither forge what a marker cites
 * nor replay a token after the draft was signed (`signed_at` is set once, in the sign-off
 * transaction); several stateless API processes share them with no secret to distribute; and the
 * acceptances of unsupported statements hang off a row that exists.
 */
export interface SummaryDraft {
  readonly id: string;
  readonly patientId: string;
  readonly encounterId?: string;
  readonly lang: Lang;
  readonly document: ComposedDocument;
  readonly createdBy: string;
  readonly createdAt: string;
  readonly signedAt?: string;
  readonly signedBy?: string;
  readonly documentReference?: string;
}

/** The clinician's explicit acceptance of one unsupported clinical statement, with the reason. */
export interface ClaimAcceptance {
  readonly id: string;
  readonly draftId: string;
  readonly patientId: string;
  readonly encounterId?: string;
  readonly claimId: string;
  readonly claimText: string;
  /** Why the verifier called it unsupported, at the time of acceptance. */
  readonly verdictReason: string;
  /** Why the clinician accepts it. */
  readonly reason: string;
  /** Audit principal id (`key:…`, `jwt:…`) and display name. */
  readonly principal: string;
  readonly principalName: string;
  readonly acceptedAt: string;
}

interface DraftRow {
  id: string;
  patient_id: string;
  encounter_id: string | null;
  lang: string;
  document: ComposedDocument | string;
  created_by: string;
  created_at: Date | string;
  signed_at: Date | string | null;
  signed_by: string | null;
  document_reference: string | null;
}

interface AcceptanceRow {
  id: string | number;
  draft_id: string;
  patient_id: string;
  encounter_id: string | null;
  claim_id: string;
  claim_text: string;
  verdict_reason: string;
  reason: string;
  principal: string;
  principal_name: string;
  accepted_at: Date | string;
}

const iso = (v: Date | string) => new Date(v).toISOString();

function draftOf(r: DraftRow): SummaryDraft {
  return {
    id: r.id,
    patientId: r.patient_id,
    ...(r.encounter_id ? { encounterId: r.encounter_id } : {}),
    lang: r.lang === 'en' ? 'en' : 'zh',
    document: typeof r.document === 'string' ? (JSON.parse(r.document) as ComposedDocument) : r.document,
    createdBy: r.created_by,
    createdAt: iso(r.created_at),
    ...(r.signed_at ? { signedAt: iso(r.signed_at) } : {}),
    ...(r.signed_by ? { signedBy: r.signed_by } : {}),
    ...(r.document_reference ? { documentReference: r.document_reference } : {}),
  };
}

function acceptanceOf(r: AcceptanceRow): ClaimAcceptance {
  return {
    id: String(r.id),
    draftId: r.draft_id,
    patientId: r.patient_id,
    ...(r.encounter_id ? { encounterId: r.encounter_id } : {}),
    claimId: r.claim_id,
    claimText: r.claim_text,
    verdictReason: r.verdict_reason,
    reason: r.reason,
    principal: r.principal,
    principalName: r.principal_name,
    acceptedAt: iso(r.accepted_at),
  };
}

/** The same statement, whatever whitespace or citation markers surround it (edits elsewhere move offsets, not text). */
export function claimKey(text: string): string {
  return text
    .replace(/\[F\d+(?:\s*[,，]\s*F\d+)*\]/g, '')
    .replace(/\s+/g, ' ')
    .replace(/[。.;；,，\s]+$/u, '')
    .trim();
}

export class SummaryDraftStore {
  constructor(private readonly sql: Sql) {}

  /** `id`: the caller's (a summarize job's, so that a retried job finds its draft); default a new one. */
  async create(input: {
    id?: string;
    patientId: string;
    encounterId?: string;
    lang: Lang;
    document: ComposedDocument;
    createdBy: string;
  }): Promise<SummaryDraft> {
    const { rows } = await this.sql.query<DraftRow>(
      `insert into medseek_summary_drafts (id, patient_id, encounter_id, lang, document, created_by)
       values ($1, $2, $3, $4, $5::jsonb, $6) returning *`,
      [
        input.id ?? newId(),
        input.patientId,
        input.encounterId ?? null,
        input.lang,
        JSON.stringify(input.document),
        input.createdBy,
      ],
    );
    return draftOf(rows[0]!);
  }

  async get(id: string, tx: Sql = this.sql): Promise<SummaryDraft | undefined> {
    const { rows } = await tx.query<DraftRow>('select * from medseek_summary_drafts where id = $1', [id]);
    return rows[0] ? draftOf(rows[0]) : undefined;
  }

  async accept(input: Omit<ClaimAcceptance, 'id' | 'acceptedAt'>): Promise<ClaimAcceptance> {
    const { rows } = await this.sql.query<AcceptanceRow>(
      `insert into medseek_claim_acceptances (draft_id, patient_id, encounter_id, claim_id, claim_text, verdict_reason, reason, principal, principal_name)
       values ($1, $2, $3, $4, $5, $6, $7, $8, $9) returning *`,
      [
        input.draftId,
        input.patientId,
        input.encounterId ?? null,
        input.claimId,
        input.claimText,
        input.verdictReason,
        input.reason,
        input.principal,
        input.principalName,
      ],
    );
    return acceptanceOf(rows[0]!);
  }

  async acceptances(draftId: string): Promise<ClaimAcceptance[]> {
    const { rows } = await this.sql.query<AcceptanceRow>(
      'select * from medseek_claim_acceptances where draft_id = $1 order by accepted_at, id',
      [draftId],
    );
    return rows.map(acceptanceOf);
  }

  /**
   * Marks the draft signed inside the sign-off transaction; refuses a draft signed before (a second
   * request racing the first gets the conflict, not a second document).
   */
  async markSigned(tx: Sql, id: string, by: string, documentReference: string): Promise<void> {
    const { rows } = await tx.query<{ id: string }>(
      `update medseek_summary_drafts set signed_at = now(), signed_by = $2, document_reference = $3
       where id = $1 and signed_at is null returning id`,
      [id, by, documentReference],
    );
    if (rows.length === 0) throw new MedSeekError('conflict', `draft ${id} is already signed`, { field: 'draftId' });
  }
}
