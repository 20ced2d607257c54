import { fieldPath } from '../request-body.js';
import type { z } from 'zod';
import type { Sql } from '../../core/index.js';
import { MedSeekError, notFound } from '../../core/index.js';
import { type GroupValue, missingSecrets, SECRET_FIELDS, SETTINGS_GROUPS, type SettingsGroup } from './schemas.js';
import { isSealed, MASK_PREFIX, maskSecret, type SecretBox } from './secrets.js';

/**
 * Versioned settings documents (table `medseek_setting_versions`, migration 0623). Every change adds the
 * next version with who made it and when; nothing is overwritten, so the history answers "who
 * changed what", and a revert is a new version equal to an older one. Secrets are sealed before
 * they are written and only ever leave this class masked (`••••1234`), except through `effective`,
 * which the code that uses them (model client, FHIR pull) calls.
 */
export interface SettingsVersion<T = unknown> {
  readonly group: SettingsGroup;
  readonly version: number;
  /** Secrets masked. */
  readonly value: T;
  /** The previous version's value (masked); absent for version 1. */
  readonly before?: T;
  readonly changedBy: string;
  readonly changedAt: string;
  readonly revertedFrom?: number;
}

type Json = Record<string, unknown>;

export class SettingsStore {
  constructor(
    private readonly sql: Sql,
    private readonly box: SecretBox,
  ) {}

  /** The newest version, masked; undefined when the group was never set here (the environment applies). */
  async current<G extends SettingsGroup>(group: G): Promise<SettingsVersion<GroupValue[G]> | undefined> {
    const row = (await this.rows(group, 'desc', 1))[0];
    return row ? (this.toVersion(group, row, undefined) as SettingsVersion<GroupValue[G]>) : undefined;
  }

  /**
   * The newest version with its secrets in clear: for the code that uses them, never for a response
   * or a log. A secret sealed under another key throws, unless `unreadable` is given: then it is
   * left out and reported (so a server still starts, and the page shows the secret must be entered again).
   */
  async effective<G extends SettingsGroup>(
    group: G,
    options: { unreadable?: (field: string) => void } = {},
  ): Promise<GroupValue[G] | undefined> {
    const row = (await this.rows(group, 'desc', 1))[0];
    if (!row) return undefined;
    const open = (sealed: string, field: string): string | undefined => {
      if (!options.unreadable) return this.box.open(sealed);
      try {
        return this.box.open(sealed);
      } catch {
        options.unreadable(field);
        return undefined;
      }
    };
    return dropUndefined(
      walk(row.value, (key, v) => (SECRET_FIELDS.has(key) && isSealed(v) ? open(v, key) : v)),
    ) as GroupValue[G];
  }

  /** Every version, newest first, each with the value before it (masked). */
  async history<G extends SettingsGroup>(group: G): Promise<SettingsVersion<GroupValue[G]>[]> {
    const rows = await this.rows(group, 'asc');
    const out = rows.map((r, i) => this.toVersion(group, r, rows[i - 1]));
    return out.reverse() as SettingsVersion<GroupValue[G]>[];
  }

  /**
   * Validates `input` and stores it as the next version. A secret sent masked (as `current` shows
   * it) or left out keeps the stored one; an empty string removes it. Errors name the field
   * (`servers[0].baseUrl`).
   */
  async update<G extends SettingsGroup>(group: G, input: unknown, by: string): Promise<SettingsVersion<GroupValue[G]>> {
    const parsed = (SETTINGS_GROUPS[group] as z.ZodType).safeParse(input);
    if (!parsed.success) {
      const issues = parsed.error.issues.map((i) => ({
        message: i.message,
        location: { where: group, field: fieldPath(i.path) },
      }));
      throw new MedSeekError('invalid', issues[0]!.message, issues[0]!.location, { issues });
    }
    return this.sql.transaction(async (tx) => {
      const previous = (await this.rows(group, 'desc', 1, tx))[0];
      const value = this.mergeSecrets(parsed.data as Json, previous?.value);
      const missing = missingSecrets(group, value);
      if (missing.length) {
        const issues = missing.map((m) => ({ message: m.message, location: { where: group, field: m.path } }));
        throw new MedSeekError('invalid', issues[0]!.message, issues[0]!.location, { issues });
      }
      return this.insert(group, value, by, previous, undefined, tx) as Promise<SettingsVersion<GroupValue[G]>>;
    });
  }

  /** A new version equal to `version` (secrets as they were then). */
  async revert<G extends SettingsGroup>(
    group: G,
    version: number,
    by: string,
  ): Promise<SettingsVersion<GroupValue[G]>> {
    return this.sql.transaction(async (tx) => {
      const old = await tx.query<Row>(
        'select version, value, changed_by, changed_at, reverted_from from medseek_setting_versions where grp = $1 and version = $2',
        [group, version],
      );
      if (!old.rows[0]) throw notFound(`${group} has no version ${version}`, { field: 'version' });
      const previous = (await this.rows(group, 'desc', 1, tx))[0];
      return this.insert(group, old.rows[0].value, by, previous, version, tx) as Promise<
        SettingsVersion<GroupValue[G]>
      >;
    });
  }

  private async insert(
    group: SettingsGroup,
    value: Json,
    by: string,
    previous: Row | undefined,
    revertedFrom: number | undefined,
    tx: Sql,
  ): Promise<SettingsVersion> {
    const version = (previous?.version ?? 0) + 1;
    try {
      const r = await tx.query<Row>(
        `insert into medseek_setting_versions (grp, version, value, changed_by, reverted_from) values ($1, $2, $3::jsonb, $4, $5)
         returning version, value, changed_by, changed_at, reverted_from`,
        [group, version, JSON.stringify(value), by, revertedFrom ?? null],
      );
      return this.toVersion(group, r.rows[0]!, previous);
    } catch (e) {
      // Two administrators saving at once: the second one's version number is taken.
      if (/duplicate key|unique/i.test((e as Error).message))
        throw new MedSeekError('conflict', `${group} was changed by someone else just now; reload and try again`, {
          field: 'version',
        });
      throw e;
    }
  }

  private async rows(group: SettingsGroup, order: 'asc' | 'desc', limit?: number, sql: Sql = this.sql): Promise<Row[]> {
    const r = await sql.query<Row>(
      `select version, value, changed_by, changed_at, reverted_from from medseek_setting_versions where grp = $1 order by version ${order}${limit ? ` limit ${limit}` : ''}`,
      [group],
    );
    return r.rows.map((x) => ({ ...x, version: Number(x.version) }));
  }

  private toVersion(group: SettingsGroup, row: Row, before: Row | undefined): SettingsVersion {
    return {
      group,
      version: row.version,
      value: this.masked(row.value),
      ...(before ? { before: this.masked(before.value) } : {}),
      changedBy: row.changed_by,
      changedAt: (row.changed_at instanceof Date ? row.changed_at : new Date(row.changed_at)).toISOString(),
      ...(row.reverted_from !== null ? { revertedFrom: Number(row.reverted_from) } : {}),
    };
  }

  private masked(value: Json): Json {
    return this.mapSecrets(value, (s) => {
      try {
        return maskSecret(this.box.open(s));
      } catch {
        return MASK_PREFIX; // stored under another key: shown as set, unreadable
      }
    });
  }

  private mapSecrets(value: Json, fn: (sealed: string) => string): Json {
    return walk(value, (key, v) => (SECRET_FIELDS.has(key) && isSealed(v) ? fn(v) : v)) as Json;
  }

  /** Incoming secrets: masked or absent → the stored one at the same place; '' → none; else sealed. */
  private mergeSecrets(incoming: Json, previous: Json | undefined): Json {
    const merge = (next: unknown, prev: unknown): unknown => {
      if (Array.isArray(next)) {
        const prevList = Array.isArray(prev) ? prev : [];
        // Servers are matched by name, so reordering or renaming another one keeps each key with its server.
        return next.map((item, i) =>
          merge(
            item,
            isObject(item) && typeof item.name === 'string'
              ? prevList.find((p) => isObject(p) && p.name === item.name)
              : prevList[i],
          ),
        );
      }
      if (!isObject(next)) return next;
      const p = isObject(prev) ? prev : {};
      const out: Json = {};
      for (const [k, v] of Object.entries(next)) out[k] = SECRET_FIELDS.has(k) ? undefined : merge(v, p[k]);
      for (const k of SECRET_FIELDS) {
        if (!(k in next) && !(k in p)) continue;
        const v = next[k];
        const kept = isSealed(p[k]) && (p.type === undefined || p.type === next.type) ? p[k] : undefined;
        const sealed =
          v === undefined || (typeof v === 'string' && v.startsWith(MASK_PREFIX))
            ? kept
            : v === ''
              ? undefined
              : this.box.seal(String(v));
        if (sealed !== undefined) out[k] = sealed;
        else delete out[k];
      }
      for (const k of Object.keys(out)) if (out[k] === undefined) delete out[k];
      return out;
    };
    return merge(incoming, previous) as Json;
  }
}

interface Row {
  version: number;
  value: Json;
  changed_by: string;
  changed_at: Date | string;
  reverted_from: number | null;
}

function isObject(v: unknown): v is Json {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

function walk(v: unknown, fn: (key: string, value: unknown) => unknown): unknown {
  if (Array.isArray(v)) return v.map((x) => walk(x, fn));
  if (!isObject(v)) return v;
  return Object.fromEntries(Object.entries(v).map(([k, x]) => [k, walk(fn(k, x), fn)]));
}

function dropUndefined(v: unknown): unknown {
  if (Array.isArray(v)) return v.map(dropUndefined);
  if (!isObject(v)) return v;
  return Object.fromEntries(
    Object.entries(v)
      .filter(([, x]) => x !== undefined)
      .map(([k, x]) => [k, dropUndefined(x)]),
  );
}

/** zod's path as the workspace names fields: `servers[0].baseUrl`. */
