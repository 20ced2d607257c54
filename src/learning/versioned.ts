import type { Sql } from '../core/index.js';
import { invalid } from '../core/index.js';
import type { ReleaseEvent, ReleaseStatus } from './releases.js';

/** What every versioned learned thing keeps (a learned network release, a calibration map). */
export interface Versioned {
  readonly id: string;
  readonly networkId: string;
  /** What was active when this one was proposed (null: the unlearned baseline). */
  readonly parentId: string | null;
  readonly status: ReleaseStatus;
  readonly evaluation?: { readonly baselineId: string | null };
  readonly history: readonly ReleaseEvent[];
}

/** How a store names its things in its messages: `release` / `the source`, `calibration` / `the raw posterior`. */
export interface VersionedNames {
  readonly thing: string;
  readonly baseline: string;
}

/**
 * One lifecycle for every learned, versioned thing: stored as a JSON body in `table` (id, network_id,
 * status, body, created_at); activated only after an evaluation that passed against what is active now;
 * rolled back in one call to what it replaced (or to the baseline). Each change is an event in its history.
 */
export abstract class VersionedStore<T extends Versioned> {
  protected constructor(
    protected readonly sql: Sql,
    private readonly table: string,
    private readonly names: VersionedNames,
  ) {}

  /** The same store over another connection (a transaction). */
  protected abstract on(sql: Sql): VersionedStore<T>;

  /** Makes a candidate active; refused unless its evaluation passed against what is active now. */
  async activate(id: string, by: string): Promise<T> {
    const { thing, baseline } = this.names;
    return this.sql.transaction(async (tx) => {
      const store = this.on(tx);
      const item = await store.get(id);
      if (item.status !== 'candidate')
        throw invalid(`${thing} ${id} is ${item.status}; only a candidate that passed evaluation is activated`, {
          field: 'id',
        });
      if (!item.evaluation) throw invalid(`${thing} ${id} has not been evaluated on held-back cases`, { field: 'id' });
      const active = await store.active(item.networkId);
      if ((active?.id ?? null) !== item.evaluation.baselineId)
        throw invalid(
          `${thing} ${id} was evaluated against ${item.evaluation.baselineId ?? baseline}, ` +
            `but ${active?.id ?? baseline} is active now: evaluate again`,
          { field: 'id' },
        );
      const at = new Date().toISOString();
      if (active)
        await store.update(active.id, (r) => ({
          ...r,
          status: 'retired',
          history: [...r.history, { at, by, action: 'retired', note: `replaced by ${id}` }],
        }));
      return store.update(id, (r) => ({
        ...r,
        status: 'active',
        history: [...r.history, { at, by, action: 'activated' }],
      }));
    });
  }

  /** Retires the active one and restores the one it replaced; returns what is active (null: the baseline). */
  async rollback(networkId: string, by: string): Promise<T | null> {
    return this.sql.transaction(async (tx) => {
      const store = this.on(tx);
      const active = await store.active(networkId);
      if (!active) throw invalid(`no ${this.names.thing} of '${networkId}' is active`, { field: 'networkId' });
      const at = new Date().toISOString();
      await store.update(active.id, (r) => ({
        ...r,
        status: 'retired',
        history: [...r.history, { at, by, action: 'rolled-back' }],
      }));
      if (!active.parentId) return null;
      return store.update(active.parentId, (r) => ({
        ...r,
        status: 'active',
        history: [...r.history, { at, by, action: 'restored', note: `roll-back of ${active.id}` }],
      }));
    });
  }

  async active(networkId: string): Promise<T | undefined> {
    const { rows } = await this.sql.query<{ body: unknown }>(
      `select body from ${this.table} where network_id = $1 and status = 'active'`,
      [networkId],
    );
    return rows[0] ? this.parse(rows[0].body) : undefined;
  }

  async get(id: string): Promise<T> {
    const { rows } = await this.sql.query<{ body: unknown }>(`select body from ${this.table} where id = $1`, [id]);
    if (!rows[0]) throw invalid(`no ${this.names.thing} '${id}'`, { field: 'id' });
    return this.parse(rows[0].body);
  }

  /** Every one, of one network or of all, oldest first. */
  async list(networkId?: string): Promise<T[]> {
    const { rows } = await this.sql.query<{ body: unknown }>(
      `select body from ${this.table} ${networkId ? 'where network_id = $1' : ''} order by created_at, id`,
      networkId ? [networkId] : [],
    );
    return rows.map((r) => this.parse(r.body));
  }

  protected async update(id: string, change: (r: T) => T): Promise<T> {
    const next = change(await this.get(id));
    await this.sql.query(`update ${this.table} set status = $2, body = $3 where id = $1`, [
      id,
      next.status,
      JSON.stringify(next),
    ]);
    return next;
  }

  private parse(body: unknown): T {
    return (typeof body === 'string' ? JSON.parse(body) : body) as T;
  }
}
