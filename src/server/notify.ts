import pg from 'pg';
import type { Bilingual, Sql } from '../core/index.js';

/**
 * Telling the clinicians' open workspaces at once that a pre-consultation needs them (issue 13,
 * consultation.md PC-01: "any positive → emergency message + staff alert within the same session").
 *
 * Two transports behind one interface:
 * - **postgres** (a PostgreSQL server, `DATABASE_URL` set): `pg_notify` through the `Sql` layer
 *   publishes; each API process keeps one dedicated connection that `LISTEN`s while at least one
 *   workspace is subscribed, so an emergency seen by any process behind the load balancer reaches
 *   the workspaces connected to every other. (The `Sql` interface has no LISTEN: a pooled
 *   connection cannot hold one, hence the dedicated client.)
 * - **in-process** (embedded PGlite, which is one process by construction): listeners in memory.
 *
 * A publish resolves only once the event is handed to the transport (the NOTIFY committed, or every
 * local listener called); callers state "staff were notified" only after it resolves.
 */
export interface ConsultEvent {
  /** `urgent`: an active session raised a red flag whose danger signs are still being asked (not yet an exit). */
  readonly type: 'emergency' | 'urgent' | 'complete';
  readonly sessionId: string;
  readonly at: string;
  /** The chief complaint as the patient wrote it (shortened: NOTIFY payloads are limited to 8000 bytes). */
  readonly complaint: string;
  readonly triage?: { readonly level: number; readonly name: Bilingual; readonly colour: string };
  readonly redFlags?: readonly string[];
  /** Why an `urgent` session is urgent, in the clinician's words. */
  readonly reason?: Bilingual;
  readonly age?: number;
  readonly sex?: string;
}

/** `resync`: the transport was interrupted and events may have been missed; reload the queue. */
export type NotifierMessage = ConsultEvent | { readonly type: 'resync'; readonly at: string };

export type Listener = (message: NotifierMessage) => void;

export interface ConsultNotifier {
  readonly mode: 'postgres' | 'in-process';
  /** Resolves once the event is delivered to the transport; rejects when it could not be. */
  publish(event: ConsultEvent): Promise<void>;
  /** Resolves, with the unsubscribe function, once the listener will receive every later publish. */
  subscribe(listener: Listener): Promise<() => void>;
  close(): Promise<void>;
}

export const CONSULT_CHANNEL = 'medseek_consult';

export interface NotifierOptions {
  readonly sql: Sql;
  /** The PostgreSQL server's URL; without it (or on PGlite) the notifier is in-process. */
  readonly databaseUrl?: string;
  /** The NOTIFY channel (tests use their own). */
  readonly channel?: string;
  /** Called with transport errors (a lost LISTEN connection); it reconnects by itself. */
  readonly onError?: (e: Error) => void;
}

export function createConsultNotifier(options: NotifierOptions): ConsultNotifier {
  return options.databaseUrl && options.sql.dialect === 'postgres'
    ? new PostgresNotifier(options.sql, options.databaseUrl, options.channel ?? CONSULT_CHANNEL, options.onError)
    : new InProcessNotifier();
}

/** Bounded: the payload travels in a NOTIFY (≤ 8000 bytes) and to every open workspace. */
export function eventPayload(event: ConsultEvent): string {
  const complaint = [...event.complaint].slice(0, 200).join('');
  return JSON.stringify({ ...event, complaint });
}

function dispatch(listeners: Iterable<Listener>, message: NotifierMessage): void {
  for (const l of [...listeners]) {
    try {
      l(message);
    } catch {
      // One broken subscriber must not keep the alert from the others.
    }
  }
}

class InProcessNotifier implements ConsultNotifier {
  readonly mode = 'in-process' as const;
  private readonly listeners = new Set<Listener>();
  private closed = false;

  async publish(event: ConsultEvent): Promise<void> {
    if (this.closed) throw new Error('the notifier is closed');
    dispatch(this.listeners, JSON.parse(eventPayload(event)) as ConsultEvent);
  }

  async subscribe(listener: Listener): Promise<() => void> {
    if (this.closed) throw new Error('the notifier is closed');
    this.listeners.add(listener);
    return () => {
      this.listeners.delete(listener);
    };
  }

  async close(): Promise<void> {
    this.closed = true;
    this.listeners.clear();
  }
}

class PostgresNotifier implements ConsultNotifier {
  readonly mode = 'postgres' as const;
  private readonly listeners = new Set<Listener>();
  private client: Promise<pg.Client> | undefined;
  private retry: NodeJS.Timeout | undefined;
  private closed = false;

  constructor(
    private readonly sql: Sql,
    private readonly url: string,
    private readonly channel: string,
    private readonly onError?: (e: Error) => void,
  ) {
    if (!/^[a-z_][a-z0-9_]*$/.test(channel))
      throw new Error(`channel '${channel}' must be a lower-case SQL identifier`);
  }

  async publish(event: ConsultEvent): Promise<void> {
    if (this.closed) throw new Error('the notifier is closed');
    // Every listening process, this one included, receives it from the server: no local shortcut,
    // so what one workspace sees is what all see.
    await this.sql.query('select pg_notify($1, $2)', [this.channel, eventPayload(event)]);
  }

  async subscribe(listener: Listener): Promise<() => void> {
    if (this.closed) throw new Error('the notifier is closed');
    this.listeners.add(listener);
    try {
      await this.connect();
    } catch (e) {
      this.listeners.delete(listener);
      throw e;
    }
    return () => {
      this.listeners.delete(listener);
      // The LISTEN connection is held only while someone listens.
      if (this.listeners.size === 0) void this.disconnect();
    };
  }

  private connect(): Promise<pg.Client> {
    if (this.client) return this.client;
    const client = new pg.Client({ connectionString: this.url });
    const ready = (async () => {
      client.on('notification', (n) => {
        if (n.channel !== this.channel || !n.payload) return;
        try {
          dispatch(this.listeners, JSON.parse(n.payload) as ConsultEvent);
        } catch {
          // A payload that is not ours (someone else's NOTIFY on the channel) is ignored.
        }
      });
      client.on('error', (e) => this.lost(client, e));
      client.on('end', () => this.lost(client, new Error('the LISTEN connection ended')));
      await client.connect();
      await client.query(`listen ${this.channel}`);
      return client;
    })();
    this.client = ready;
    ready.catch(() => {
      if (this.client === ready) this.client = undefined;
      client.end().catch(() => {});
    });
    return ready;
  }

  /** The LISTEN connection failed: tell subscribers to reload, and listen again shortly. */
  private lost(client: pg.Client, e: Error): void {
    void this.client?.then(
      (c) => {
        if (c !== client) return;
        this.client = undefined;
        client.end().catch(() => {});
        if (this.closed || this.listeners.size === 0) return;
        this.onError?.(e);
        clearTimeout(this.retry);
        this.retry = setTimeout(() => {
          if (this.closed || this.listeners.size === 0) return;
          this.connect().then(
            () => dispatch(this.listeners, { type: 'resync', at: new Date().toISOString() }),
            (err: Error) => this.onError?.(err),
          );
        }, 1000);
        this.retry.unref();
      },
      () => {},
    );
  }

  private async disconnect(): Promise<void> {
    const c = this.client;
    this.client = undefined;
    clearTimeout(this.retry);
    if (!c) return;
    try {
      const client = await c;
      client.removeAllListeners('end');
      client.removeAllListeners('error');
      client.on('error', () => {});
      await client.end();
    } catch {
      // Already gone.
    }
  }

  async close(): Promise<void> {
    this.closed = true;
    this.listeners.clear();
    await this.disconnect();
  }
}
