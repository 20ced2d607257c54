import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createScratchDatabase } from '../../test/support/backends.js';
import { type Database, openDatabase } from '../store/index.js';
import { type ConsultEvent, createConsultNotifier, eventPayload, type NotifierMessage } from './notify.js';

const emergency = (id: string): ConsultEvent => ({
  type: 'emergency',
  sessionId: id,
  at: '2026-12-05T20:00:00.000Z',
  complaint: '胸口像压了块大石头，出冷汗',
  triage: { level: 1, name: { zh: 'Ⅰ级', en: 'Level I' }, colour: 'red' },
});

/** Collects messages and lets a test wait for the n-th. */
function inbox() {
  const got: NotifierMessage[] = [];
  const waiting: (() => void)[] = [];
  return {
    got,
    listener: (m: NotifierMessage) => {
      got.push(m);
      for (const w of waiting.splice(0)) w();
    },
    async count(n: number) {
      while (got.length < n) await new Promise<void>((r) => waiting.push(r));
    },
  };
}

describe('consult notifier in one process (PGlite)', () => {
  let db: Database;
  beforeAll(async () => {
    db = await openDatabase();
  });
  afterAll(async () => db.close());

  it('delivers to every subscriber until it unsubscribes', async () => {
    const n = createConsultNotifier({ sql: db, databaseUrl: 'postgres://ignored-on-pglite' });
    expect(n.mode).toBe('in-process');
    const a = inbox();
    const b = inbox();
    const offA = await n.subscribe(a.listener);
    await n.subscribe(b.listener);
    await n.publish(emergency('s1'));
    offA();
    await n.publish(emergency('s2'));
    expect(a.got.map((m) => (m.type === 'resync' ? '' : m.sessionId))).toEqual(['s1']);
    expect(b.got.map((m) => (m.type === 'resync' ? '' : m.sessionId))).toEqual(['s1', 's2']);
    await n.close();
    await expect(n.publish(emergency('s3'))).rejects.toThrow(/closed/);
  });

  it('keeps one broken subscriber from silencing the others', async () => {
    const n = createConsultNotifier({ sql: db });
    const ok = inbox();
    await n.subscribe(() => {
      throw new Error('broken');
    });
    await n.subscribe(ok.listener);
    await n.publish(emergency('s1'));
    expect(ok.got).toHaveLength(1);
    await n.close();
  });

  it('bounds the payload to what a NOTIFY carries', () => {
    const long = { ...emergency('s'), complaint: '痛'.repeat(5000) };
    expect(Buffer.byteLength(eventPayload(long))).toBeLessThan(8000);
  });
});

const server = process.env.MEDSEEK_TEST_DATABASE_URL;

describe.skipIf(!server)('consult notifier across processes (PostgreSQL LISTEN/NOTIFY)', () => {
  let url: string;
  let drop: () => Promise<void>;
  let publisherDb: Database;
  let workspaceDb: Database;
  beforeAll(async () => {
    ({ url, drop } = await createScratchDatabase(server!));
    // Two pools on two sets of connections: what two API processes behind a load balancer have.
    publisherDb = await openDatabase({ databaseUrl: url, maxConnections: 2 });
    workspaceDb = await openDatabase({ databaseUrl: url, maxConnections: 2 });
  });
  afterAll(async () => {
    await publisherDb?.close();
    await workspaceDb?.close();
    await drop?.();
  });

  it('reaches a workspace subscribed to another process, and stops listening when none is', async () => {
    const publisher = createConsultNotifier({ sql: publisherDb, databaseUrl: url, channel: 'medseek_consult_test' });
    const workspace = createConsultNotifier({ sql: workspaceDb, databaseUrl: url, channel: 'medseek_consult_test' });
    expect(publisher.mode).toBe('postgres');
    const box = inbox();
    const off = await workspace.subscribe(box.listener);
    await publisher.publish(emergency('cross-1'));
    await box.count(1);
    expect(box.got[0]).toMatchObject({
      type: 'emergency',
      sessionId: 'cross-1',
      complaint: '胸口像压了块大石头，出冷汗',
    });
    const listening = async () =>
      (
        await publisherDb.query<{ n: number }>(
          `select count(*)::int as n from pg_stat_activity where datname = current_database() and query ilike 'listen %'`,
        )
      ).rows[0]!.n;
    expect(await listening()).toBe(1);
    off();
    // No subscriber left: the LISTEN connection is released.
    for (let i = 0; i < 50 && (await listening()) > 0; i++) await new Promise((r) => setTimeout(r, 50));
    expect(await listening()).toBe(0);
    await publisher.close();
    await workspace.close();
  });

  it('refuses a channel name that is not an identifier', () => {
    expect(() => createConsultNotifier({ sql: publisherDb, databaseUrl: url, channel: 'x; drop table y' })).toThrow(
      /identifier/,
    );
  });
});
