import { createCipheriv, createDecipheriv, createHash, randomBytes } from 'node:crypto';
import { chmodSync, existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { invalid } from '../../core/index.js';

/**
 * Secrets inside settings (model API keys, FHIR client secrets) must be usable, so they cannot be
 * hashed: they are sealed with AES-256-GCM under a key the database does not hold. The key is
 * MEDSEEK_SETTINGS_KEY (any string, hashed to 32 bytes), else a random key kept in the data folder
 * (`settings.key`, mode 0600) when the database is the embedded one. A PostgreSQL install without
 * MEDSEEK_SETTINGS_KEY cannot store secrets (several servers must share the key).
 */
const SEALED = /^enc:v1:([A-Za-z0-9_-]+):([A-Za-z0-9_-]+):([A-Za-z0-9_-]+)$/;

export interface SecretBox {
  seal(plain: string): string;
  open(sealed: string): string;
}

export function isSealed(v: unknown): v is string {
  return typeof v === 'string' && SEALED.test(v);
}

/** `key(create)`: the sealing key; `create` is true only when sealing (a read never writes a key file). */
export function secretBox(key: Buffer | undefined | ((create: boolean) => Buffer | undefined)): SecretBox {
  const keyFor = typeof key === 'function' ? key : () => key;
  return {
    seal(plain) {
      const key = keyFor(true);
      if (!key)
        throw invalid(
          'secrets cannot be stored: set MEDSEEK_SETTINGS_KEY (shared by every MedSeek server of this database)',
          { field: 'MEDSEEK_SETTINGS_KEY' },
        );
      const iv = randomBytes(12);
      const cipher = createCipheriv('aes-256-gcm', key, iv);
      const data = Buffer.concat([cipher.update(plain, 'utf8'), cipher.final()]);
      return `enc:v1:${iv.toString('base64url')}:${cipher.getAuthTag().toString('base64url')}:${data.toString('base64url')}`;
    },
    open(sealed) {
      const m = SEALED.exec(sealed);
      const key = m ? keyFor(false) : undefined;
      if (!m || !key)
        throw invalid(
          'a stored secret cannot be read: MEDSEEK_SETTINGS_KEY is missing or not the one it was stored with; enter the secret again',
          { field: 'MEDSEEK_SETTINGS_KEY' },
        );
      try {
        const decipher = createDecipheriv('aes-256-gcm', key, Buffer.from(m[1]!, 'base64url'));
        decipher.setAuthTag(Buffer.from(m[2]!, 'base64url'));
        return Buffer.concat([decipher.update(Buffer.from(m[3]!, 'base64url')), decipher.final()]).toString('utf8');
      } catch {
        throw invalid(
          'a stored secret cannot be read: MEDSEEK_SETTINGS_KEY is not the one it was stored with; enter the secret again',
          { field: 'MEDSEEK_SETTINGS_KEY' },
        );
      }
    },
  };
}

/** Where this install keeps its data: `Config`'s dataDir and databaseUrl. */
export interface SettingsPlace {
  readonly dataDir: string;
  readonly databaseUrl?: string | undefined;
}

/** The sealing key for this install (see above); undefined when secrets cannot be stored. */
export function settingsKey(env: NodeJS.ProcessEnv, place: SettingsPlace, create = false): Buffer | undefined {
  const given = env.MEDSEEK_SETTINGS_KEY?.trim();
  if (given) return createHash('sha256').update(given, 'utf8').digest();
  if (place.databaseUrl) return undefined;
  const file = join(place.dataDir, 'settings.key');
  if (!existsSync(file)) {
    if (!create) return undefined;
    mkdirSync(place.dataDir, { recursive: true });
    try {
      writeFileSync(file, randomBytes(32).toString('base64'), { mode: 0o600, flag: 'wx' });
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code !== 'EEXIST') throw e; // another process made it first: use theirs
    }
    chmodSync(file, 0o600);
  }
  return Buffer.from(readFileSync(file, 'utf8').trim(), 'base64');
}

/** What the workspace shows of a secret: its last four characters only. */
export function maskSecret(plain: string): string {
  return `••••${plain.length > 8 ? plain.slice(-4) : ''}`;
}

export const MASK_PREFIX = '••••';
