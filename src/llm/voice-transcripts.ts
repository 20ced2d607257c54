import type { Sql } from '../core/index.js';
import { newId } from '../core/index.js';
import type { Transcript } from './audio.js';

/**
 * What a speech-to-text server heard (table `llm_voice_transcript`, migration 0320): with the
 * pre-consultation session (`consult`) or with the patient and the dictating user (`dictation`).
 * Rows are only inserted; the audio is not kept, only its hash, size and type.
 */
export interface VoiceTranscriptRow {
  readonly id: string;
  readonly at: string;
  readonly purpose: 'consult' | 'dictation';
  readonly sessionId?: string;
  readonly patientId?: string;
  /** Who spoke or uploaded: `link:<id>`, `user:<id>`, `key:<id>`… */
  readonly principal: string;
  readonly lang?: string;
  readonly text: string;
  readonly model: string;
  readonly endpoint: string;
  readonly trust: 'local' | 'external';
  readonly audioSha256: string;
  readonly audioBytes: number;
  readonly audioType: string;
  readonly latencyMs: number;
}

export interface NewVoiceTranscript {
  readonly purpose: VoiceTranscriptRow['purpose'];
  readonly sessionId?: string;
  readonly patientId?: string;
  readonly principal: string;
  readonly lang?: string;
  readonly transcript: Transcript;
}

interface Row {
  id: string;
  at: string | Date;
  purpose: VoiceTranscriptRow['purpose'];
  session_id: string | null;
  patient_id: string | null;
  principal: string;
  lang: string | null;
  text: string;
  model: string;
  endpoint: string;
  trust: VoiceTranscriptRow['trust'];
  audio_sha256: string;
  audio_bytes: number;
  audio_type: string;
  latency_ms: number;
}

export class VoiceTranscriptStore {
  constructor(private readonly sql: Sql) {}

  async add(t: NewVoiceTranscript): Promise<VoiceTranscriptRow> {
    const r = await this.sql.query<Row>(
      `insert into llm_voice_transcript (id, purpose, session_id, patient_id, principal, lang, text, model, endpoint,
         trust, audio_sha256, audio_bytes, audio_type, latency_ms)
       values ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14) returning *`,
      [
        newId(),
        t.purpose,
        t.sessionId ?? null,
        t.patientId ?? null,
        t.principal,
        t.lang ?? null,
        t.transcript.text,
        t.transcript.model,
        t.transcript.endpoint,
        t.transcript.trust,
        t.transcript.audio.sha256,
        t.transcript.audio.bytes,
        t.transcript.audio.type,
        t.transcript.latencyMs,
      ],
    );
    return fromRow(r.rows[0]!);
  }

  /**
   * Gives a principal's session-less consult transcripts to a session: a patient link holds one
   * session, so what its patient said before the session started (the complaint) belongs to it.
   */
  async adoptIntoSession(principal: string, sessionId: string): Promise<number> {
    const r = await this.sql.query(
      `update llm_voice_transcript set session_id = $2
       where principal = $1 and session_id is null and purpose = 'consult'`,
      [principal, sessionId],
    );
    return r.rowCount ?? 0;
  }

  /** A session's transcripts, oldest first. */
  async bySession(sessionId: string): Promise<VoiceTranscriptRow[]> {
    const r = await this.sql.query<Row>('select * from llm_voice_transcript where session_id = $1 order by at, id', [
      sessionId,
    ]);
    return r.rows.map(fromRow);
  }

  /** A patient's transcripts (pre-consultation and dictation), newest first. */
  async byPatient(patientId: string, limit = 100): Promise<VoiceTranscriptRow[]> {
    const r = await this.sql.query<Row>(
      'select * from llm_voice_transcript where patient_id = $1 order by at desc, id limit $2',
      [patientId, limit],
    );
    return r.rows.map(fromRow);
  }
}

function fromRow(x: Row): VoiceTranscriptRow {
  return {
    id: x.id,
    at: x.at instanceof Date ? x.at.toISOString() : String(x.at),
    purpose: x.purpose,
    ...(x.session_id ? { sessionId: x.session_id } : {}),
    ...(x.patient_id ? { patientId: x.patient_id } : {}),
    principal: x.principal,
    ...(x.lang ? { lang: x.lang } : {}),
    text: x.text,
    model: x.model,
    endpoint: x.endpoint,
    trust: x.trust,
    audioSha256: x.audio_sha256,
    audioBytes: Number(x.audio_bytes),
    audioType: x.audio_type,
    latencyMs: Number(x.latency_ms),
  };
}
