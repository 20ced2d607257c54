import { randomBytes } from 'node:crypto';
import type { Sql } from '../../core/index.js';
import { MedSeekError, notFound } from '../../core/index.js';
import type { ResourceRepository } from '../../store/index.js';
import { CLOSED_STATUSES, type LinkAppointment, linkExpiry, readAppointment } from './appointment.js';
import { type LinkScope, readToken, signatureValid, signToken } from './token.js';

/** A link as listed to clinicians: never its token (shown once, at creation). */
export interface PatientLink {
  readonly id: string;
  /** `pre-consultation` (bound to an appointment) or `follow-up` (bound to a plan: the follow-up pages only). */
  readonly scope: LinkScope;
  readonly patientId: string;
  /** The appointment of a pre-consultation link. */
  readonly appointmentId?: string;
  /** The follow-up plan a follow-up link was issued for. */
  readonly planId?: string;
  readonly createdBy: string;
  readonly createdAt: string;
  readonly expiresAt: string;
  readonly revokedAt?: string;
  readonly revokedBy?: string;
  readonly consultSession?: string;
}

export type LinkCheck =
  | { readonly link: PatientLink }
  | { readonly refused: { readonly credential?: string; readonly reason: string } };

interface Row {
  id: string;
  patient_id: string;
  appointment_id: string | null;
  scope: LinkScope;
  plan_id: string | null;
  created_by: string;
  created_at: string | Date;
  expires_at: string | Date;
  revoked_at: string | Date | null;
  revoked_by: string | null;
  consult_session: string | null;
}
const COLUMNS =
  'id, scope, patient_id, appointment_id, plan_id, created_by, created_at, expires_at, revoked_at, revoked_by, ' +
  'consult_session';
const iso = (d: string | Date) => new Date(d).toISOString();

/**
 * Patient links in the database (migration 0624): issue, verify, list, revoke, and the one
 * pre-consultation session a link opened. The HMAC key is made on first use and kept in the
 * database, so every API process of a hospital verifies the same tokens.
 */
export class PatientLinkStore {
  #key?: Promise<{ id: string; secret: Buffer }>;

  constructor(
    private readonly sql: Sql,
    private readonly resources: ResourceRepository,
    private readonly now: () => Date = () => new Date(),
  ) {}

  private key(): Promise<{ id: string; secret: Buffer }> {
    this.#key ??= (async () => {
      await this.sql.query(
        'insert into server_patient_link_key (id, secret) values ($1, $2) on conflict (id) do nothing',
        ['k1', randomBytes(32).toString('base64url')],
      );
      const r = await this.sql.query<{ id: string; secret: string }>(
        "select id, secret from server_patient_link_key where id = 'k1'",
      );
      return { id: r.rows[0]!.id, secret: Buffer.from(r.rows[0]!.secret, 'base64url') };
    })();
    this.#key.catch(() => (this.#key = undefined));
    return this.#key;
  }

  /**
   * Issues a link for an Appointment that exists, still stands and names a Patient. The caller has
   * checked that the clinician may see that patient (`appointment()` first).
   */
  async create(
    appointment: LinkAppointment,
    createdBy: string,
    ttlHours?: number,
  ): Promise<{ link: PatientLink; token: string }> {
    if (!appointment.patientId)
      throw new MedSeekError(
        'invalid',
        `Appointment/${appointment.id} names no Patient participant; a link is bound to one patient`,
        { field: 'appointmentId' },
      );
    if (appointment.status && CLOSED_STATUSES.has(appointment.status))
      throw new MedSeekError(
        'conflict',
        `Appointment/${appointment.id} is ${appointment.status}; no link is issued for it`,
        { field: 'appointmentId' },
      );
    const now = this.now();
    const expires = linkExpiry(appointment, now, ttlHours);
    if (expires.getTime() <= now.getTime())
      throw new MedSeekError(
        'conflict',
        `Appointment/${appointment.id} ended at ${appointment.end ?? appointment.start}; a link for it would already be expired`,
        { field: 'appointmentId' },
      );
    const key = await this.key();
    const id = randomBytes(8).toString('hex');
    // Whole seconds: the token carries the expiry, and the row must agree with it exactly.
    const exp = Math.floor(expires.getTime() / 1000);
    const r = await this.sql.query<Row>(
      `insert into server_patient_link (id, key_id, patient_id, appointment_id, created_by, created_at, expires_at) values ($1, $2, $3, $4, $5, $6, $7) returning ${COLUMNS}`,
      [
        id,
        key.id,
        appointment.patientId,
        appointment.id,
        createdBy,
        now.toISOString(),
        new Date(exp * 1000).toISOString(),
      ],
    );
    return { link: toLink(r.rows[0]!), token: signToken(key.secret, { linkId: id, exp }) };
  }

  /**
   * Issues a follow-up link (issue 21) for a patient's plan, expiring at `expiresAt` (followUpLinkExpiry):
   * it opens the follow-up pages only. The caller has checked that the clinician may see that patient.
   */
  async createFollowUp(
    input: { readonly patientId: string; readonly planId: string; readonly expiresAt: Date },
    createdBy: string,
  ): Promise<{ link: PatientLink; token: string }> {
    const now = this.now();
    if (input.expiresAt.getTime() <= now.getTime())
      throw new MedSeekError('conflict', 'a follow-up link for this plan would already be expired', { field: 'plan' });
    const key = await this.key();
    const id = randomBytes(8).toString('hex');
    const exp = Math.floor(input.expiresAt.getTime() / 1000);
    const r = await this.sql.query<Row>(
      `insert into server_patient_link (id, key_id, scope, patient_id, plan_id, created_by, created_at, expires_at)
       values ($1, $2, 'follow-up', $3, $4, $5, $6, $7) returning ${COLUMNS}`,
      [id, key.id, input.patientId, input.planId, createdBy, now.toISOString(), new Date(exp * 1000).toISOString()],
    );
    return { link: toLink(r.rows[0]!), token: signToken(key.secret, { linkId: id, exp, scope: 'follow-up' }) };
  }

  async appointment(id: string): Promise<LinkAppointment> {
    const a = await readAppointment(this.resources, id);
    if (!a)
      throw notFound(`no Appointment/${id}: a link can be issued only once the appointment exists`, {
        field: 'appointmentId',
      });
    return a;
  }

  async get(id: string): Promise<PatientLink | undefined> {
    const r = await this.sql.query<Row>(`select ${COLUMNS} from server_patient_link where id = $1`, [id]);
    return r.rows[0] ? toLink(r.rows[0]) : undefined;
  }

  /** A patient's links of one scope (default: the pre-consultation links), newest first. */
  async list(patientId: string, scope: LinkScope = 'pre-consultation'): Promise<PatientLink[]> {
    const r = await this.sql.query<Row>(
      `select ${COLUMNS} from server_patient_link where patient_id = $1 and scope = $2 order by created_at desc, id`,
      [patientId, scope],
    );
    return r.rows.map(toLink);
  }

  /** Revokes a link (idempotent: a second revoke keeps the first time and who did it). */
  async revoke(id: string, by: string): Promise<PatientLink> {
    await this.sql.query(
      'update server_patient_link set revoked_at = $2, revoked_by = $3 where id = $1 and revoked_at is null',
      [id, this.now().toISOString(), by],
    );
    const link = await this.get(id);
    if (!link) throw notFound(`no patient link '${id}'`, { field: 'id' });
    return link;
  }

  /** Binds the link's pre-consultation; refused when the link already opened one. */
  async bindSession(linkId: string, sessionId: string): Promise<void> {
    const r = await this.sql.query(
      'update server_patient_link set consult_session = $2 where id = $1 and consult_session is null',
      [linkId, sessionId],
    );
    if (r.rowCount !== 1)
      throw new MedSeekError('conflict', 'this link has already started its pre-consultation; resume it instead', {
        field: 'session',
      });
  }

  /** The link (patient, appointment) a pre-consultation session was started through, if any. */
  async bySession(sessionId: string): Promise<PatientLink | undefined> {
    const r = await this.sql.query<Row>(`select ${COLUMNS} from server_patient_link where consult_session = $1`, [
      sessionId,
    ]);
    return r.rows[0] ? toLink(r.rows[0]) : undefined;
  }

  /** The links that opened these sessions, by session id (the clinicians' queue shows whose each is). */
  async bySessions(sessionIds: readonly string[]): Promise<Map<string, PatientLink>> {
    if (!sessionIds.length) return new Map();
    const r = await this.sql.query<Row>(
      `select ${COLUMNS} from server_patient_link where consult_session = any($1::text[])`,
      [sessionIds],
    );
    return new Map(r.rows.map((row) => [row.consult_session!, toLink(row)]));
  }

  /** The Appointments in which a patient participates (newest first): what a clinician can issue links for. */
  async appointmentsOf(patientId: string): Promise<LinkAppointment[]> {
    const r = await this.sql.query<{ id: string }>(
      `select id from fhir_resources where resource_type = 'Appointment' and not deleted
         and exists (select 1 from jsonb_array_elements(coalesce(resource->'participant', '[]'::jsonb)) p
                     where p->'actor'->>'reference' = $1)
       order by resource->>'start' desc nulls last, id limit 50`,
      [`Patient/${patientId}`],
    );
    const out: LinkAppointment[] = [];
    for (const row of r.rows) {
      const a = await readAppointment(this.resources, row.id);
      if (a) out.push(a);
    }
    return out;
  }

  /** Judges a token: signature, the link's row, expiry, revocation, and the appointment still standing for that patient. */
  async verify(token: string): Promise<LinkCheck> {
    const claims = readToken(token);
    if (!claims) return { refused: { reason: 'the patient link is malformed' } };
    const credential = `link:${claims.linkId}`;
    const key = await this.key();
    if (!signatureValid(key.secret, claims))
      return { refused: { credential, reason: 'the patient link signature is not valid' } };
    const link = await this.get(claims.linkId);
    // A valid signature over an expiry the row does not hold: a token from another key or a forged expiry.
    if (!link || Math.floor(Date.parse(link.expiresAt) / 1000) !== claims.exp || link.scope !== claims.scope)
      return { refused: { credential, reason: 'the patient link is not known' } };
    if (link.revokedAt) return { refused: { credential, reason: 'the patient link was revoked' } };
    if (Date.parse(link.expiresAt) <= this.now().getTime())
      return { refused: { credential, reason: `the patient link expired at ${link.expiresAt}` } };
    // A follow-up link lives with its plan, not an appointment.
    if (link.scope === 'follow-up') return { link };
    if (!link.appointmentId) return { refused: { credential, reason: 'the patient link names no appointment' } };
    const a = await readAppointment(this.resources, link.appointmentId);
    if (!a) return { refused: { credential, reason: `Appointment/${link.appointmentId} no longer exists` } };
    if (a.patientId !== link.patientId)
      return { refused: { credential, reason: `Appointment/${link.appointmentId} no longer names this patient` } };
    if (a.status && CLOSED_STATUSES.has(a.status))
      return { refused: { credential, reason: `Appointment/${link.appointmentId} is ${a.status}` } };
    return { link };
  }
}

function toLink(r: Row): PatientLink {
  return {
    id: r.id,
    scope: r.scope ?? 'pre-consultation',
    patientId: r.patient_id,
    ...(r.appointment_id ? { appointmentId: r.appointment_id } : {}),
    ...(r.plan_id ? { planId: r.plan_id } : {}),
    createdBy: r.created_by,
    createdAt: iso(r.created_at),
    expiresAt: iso(r.expires_at),
    ...(r.revoked_at ? { revokedAt: iso(r.revoked_at) } : {}),
    ...(r.revoked_by ? { revokedBy: r.revoked_by } : {}),
    ...(r.consult_session ? { consultSession: r.consult_session } : {}),
  };
}

/** One store per database (it caches the key). */
const stores = new WeakMap<Sql, PatientLinkStore>();
export function patientLinkStore(ctx: { readonly db: Sql; readonly resources: ResourceRepository }): PatientLinkStore {
  const known = stores.get(ctx.db);
  if (known) return known;
  const s = new PatientLinkStore(ctx.db, ctx.resources);
  stores.set(ctx.db, s);
  return s;
}
