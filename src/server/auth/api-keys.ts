import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';
import type { Sql } from '../../core/index.js';
import { invalid, notFound } from '../../core/index.js';
import { type Principal, ROLES, type Role } from '../env.js';

/**
 * API keys: those named in `MEDSEEK_API_KEYS` (configuration) and those created with
 * `medseek keys create` (stored as a SHA-256 hash only; the key is shown once, at creation).
 * A key is 32 random bytes, base64url, behind a `msk_` prefix so it is recognisable in a leak scan.
 */
/** What a key may do: its role and, for patients and clinicians, whose records. */
export interface KeyGrant {
  readonly role: Role;
  /** The one patient a `patient` key is bound to (required for that role). */
  readonly patientId?: string;
  /** A clinician's units (Organization or Location ids). */
  readonly units?: readonly string[];
  /** A clinician who sees every patient. */
  readonly allPatients?: boolean;
}

export interface ApiKeyInfo extends KeyGrant {
  readonly id: string;
  readonly name: string;
  /** The first characters of the key, enough to tell keys apart, never enough to use one. */
  readonly prefix: string;
  readonly createdAt: string;
  readonly revokedAt?: string;
  readonly lastUsedAt?: string;
}

export interface KeyPrincipal extends KeyGrant {
  readonly id: string;
  readonly name: string;
}

/** The principal a verified key acts as (the HTTP authenticator and `medseek mcp` alike). */
export function keyPrincipal(k: KeyPrincipal): Principal {
  return {
    kind: 'api-key',
    id: `key:${k.id}`,
    name: k.name,
    role: k.role,
    ...(k.patientId ? { patientId: k.patientId } : {}),
    ...(k.units ? { units: k.units } : {}),
    ...(k.allPatients ? { allPatients: true } : {}),
  };
}

/** Checks a grant: a known role, a patient for a patient key, units or all patients for a clinician. */
export function checkGrant(grant: KeyGrant): KeyGrant {
  if (!ROLES.includes(grant.role))
    throw invalid(`role must be one of ${ROLES.join(', ')}, got '${String(grant.role)}'`, { field: '--role' });
  const units = (grant.units ?? []).map((u) => u.trim()).filter(Boolean);
  if (grant.role === 'patient') {
    if (!grant.patientId?.trim())
      throw invalid('a patient key needs the Patient id it is bound to (--patient <id>)', { field: '--patient' });
    if (units.length || grant.allPatients)
      throw invalid('a patient key sees its own patient only: no --unit or --all-patients', { field: '--role' });
    return { role: 'patient', patientId: grant.patientId.trim() };
  }
  if (grant.role === 'clinician') {
    if (!units.length && !grant.allPatients)
      throw invalid(
        'a clinician key needs the units whose patients it sees (--unit <id>, repeatable) or --all-patients',
        { field: '--unit' },
      );
    if (grant.patientId) throw invalid('--patient is for patient keys only', { field: '--patient' });
    return { role: 'clinician', units, ...(grant.allPatients ? { allPatients: true } : {}) };
  }
  if (grant.patientId || units.length)
    throw invalid('an admin key sees every patient: no --patient or --unit', { field: '--role' });
  return { role: 'admin' };
}

const KEY_PREFIX = 'msk_';

export function hashKey(key: string): string {
  return createHash('sha256').update(key, 'utf8').digest('hex');
}

export class ApiKeyStore {
  readonly #sql: Sql;
  readonly #configured: readonly { hash: Buffer; index: number }[];

  constructor(sql: Sql, configuredKeys: readonly string[] = []) {
    this.#sql = sql;
    this.#configured = configuredKeys.map((k, index) => ({ hash: Buffer.from(hashKey(k), 'hex'), index }));
  }

  /** Creates a key; returns it in clear text, the only time it is ever available. */
  async create(name: string, grant: KeyGrant): Promise<{ key: string; info: ApiKeyInfo }> {
    const trimmed = name.trim();
    if (!trimmed) throw invalid('a key needs a name', { field: '--name' });
    const g = checkGrant(grant);
    const key = KEY_PREFIX + randomBytes(32).toString('base64url');
    const id = randomBytes(6).toString('hex');
    const prefix = key.slice(0, KEY_PREFIX.length + 6);
    const r = await this.#sql.query<Row>(
      `insert into medseek_api_keys (id, name, key_hash, prefix, role, patient_id, units, all_patients) values ($1, $2, $3, $4, $5, $6, $7, $8)
       returning ${COLUMNS}`,
      [id, trimmed, hashKey(key), prefix, g.role, g.patientId ?? null, [...(g.units ?? [])], g.allPatients === true],
    );
    return { key, info: toInfo(r.rows[0]!) };
  }

  async list(): Promise<ApiKeyInfo[]> {
    const r = await this.#sql.query<Row>(`select ${COLUMNS} from medseek_api_keys order by created_at, id`);
    return r.rows.map(toInfo);
  }

  /** Revokes by id (or by name when exactly one active key has it). */
  async revoke(idOrName: string): Promise<ApiKeyInfo> {
    const r = await this.#sql.query<Row>(
      `update medseek_api_keys set revoked_at = now()
       where revoked_at is null and (id = $1 or (name = $1 and (select count(*) from medseek_api_keys where name = $1 and revoked_at is null) = 1))
       returning ${COLUMNS}`,
      [idOrName],
    );
    const row = r.rows[0];
    if (!row) throw notFound(`no active API key with id or unique name '${idOrName}'`, { field: 'id' });
    return toInfo(row);
  }

  /** The principal a key belongs to with its grant (`MEDSEEK_API_KEYS` are admin), or undefined when the key is unknown or revoked. */
  async verify(key: string): Promise<KeyPrincipal | undefined> {
    if (!key) return undefined;
    const digest = Buffer.from(hashKey(key), 'hex');
    for (const c of this.#configured) {
      if (timingSafeEqual(c.hash, digest))
        return { id: `env:${c.index + 1}`, name: `MEDSEEK_API_KEYS[${c.index + 1}]`, role: 'admin' };
    }
    if (!key.startsWith(KEY_PREFIX)) return undefined;
    const r = await this.#sql.query<Row>(
      `update medseek_api_keys set last_used_at = now() where key_hash = $1 and revoked_at is null returning ${COLUMNS}`,
      [digest.toString('hex')],
    );
    const row = r.rows[0];
    if (!row) return undefined;
    const { id, name, role, patientId, units, allPatients } = toInfo(row);
    return {
      id,
      name,
      role,
      ...(patientId ? { patientId } : {}),
      ...(units ? { units } : {}),
      ...(allPatients ? { allPatients } : {}),
    };
  }
}

const COLUMNS = 'id, name, prefix, created_at, revoked_at, last_used_at, role, patient_id, units, all_patients';

interface Row {
  role: Role;
  patient_id: string | null;
  units: string[] | string | null;
  all_patients: boolean;
  id: string;
  name: string;
  prefix: string;
  created_at: Date | string;
  revoked_at: Date | string | null;
  last_used_at: Date | string | null;
}

const iso = (d: Date | string): string => (d instanceof Date ? d : new Date(d)).toISOString();

function toInfo(r: Row): ApiKeyInfo {
  return {
    id: r.id,
    name: r.name,
    prefix: r.prefix,
    role: r.role,
    ...(r.patient_id ? { patientId: r.patient_id } : {}),
    ...(unitsOf(r.units).length ? { units: unitsOf(r.units) } : {}),
    ...(r.all_patients ? { allPatients: true } : {}),
    createdAt: iso(r.created_at),
    ...(r.revoked_at ? { revokedAt: iso(r.revoked_at) } : {}),
    ...(r.last_used_at ? { lastUsedAt: iso(r.last_used_at) } : {}),
  };
}

/** A text[] column: an array from PostgreSQL drivers; tolerate the `{a,b}` literal too. */
function unitsOf(v: string[] | string | null): string[] {
  if (!v) return [];
  if (Array.isArray(v)) return v;
  return v
    .replace(/^\{|\}$/g, '')
    .split(',')
    .map((s) => s.replace(/^"|"$/g, ''))
    .filter(Boolean);
}
