import { connect, createServer } from 'node:net';
import iconv from 'iconv-lite';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { forEachBackend } from '../../../test/support/backends.js';
import { createResourceRepository, resourceSink } from '../../store/index.js';
import { MALFORMED, VALID } from './__fixtures__/corpus.js';
import { fixture, fixtureFiles, rowCounts, storeOf } from './__fixtures__/support.js';
import { type Hl7Listener, startHl7Listener } from './listener.js';
import { CR, FS, MllpFramer, VT } from './mllp-framer.js';
import type { Hl7Outcome } from './process.js';
import { splitMessages } from './split.js';

const frame = (message: Buffer) => Buffer.concat([Buffer.from([VT]), message, Buffer.from([FS, CR])]);

/**
 * Connects, writes `writes` one after another (each its own TCP segment as far as the sender can
 * tell), and collects the ACK frames that come back until `acks` have come or the server closes.
 */
function exchange(port: number, writes: Buffer[], acks: number): Promise<{ acks: Buffer[]; closed: boolean }> {
  return new Promise((resolve, reject) => {
    const socket = connect({ port, host: '127.0.0.1' });
    socket.setNoDelay(true);
    const framer = new MllpFramer({ maxFrameBytes: 1024 * 1024 });
    const got: Buffer[] = [];
    socket.on('data', (d: Buffer) => {
      for (const e of framer.push(d)) if (e.kind === 'frame') got.push(e.bytes);
      if (got.length >= acks) {
        socket.end();
        resolve({ acks: got, closed: false });
      }
    });
    socket.on('close', () => resolve({ acks: got, closed: true }));
    socket.on('error', reject);
    socket.on('connect', async () => {
      for (const w of writes) {
        await new Promise<void>((done) => socket.write(w, () => done()));
        await new Promise((r) => setTimeout(r, 20));
      }
    });
  });
}

/** Sends one MLLP frame on a fresh connection and returns the reply's bytes. */
async function sendRaw(port: number, message: Buffer): Promise<Buffer> {
  const { acks } = await exchange(port, [frame(message)], 1);
  if (!acks[0]) throw new Error('the connection closed without an ACK');
  return acks[0];
}

function msa(ack: Buffer): { code: string | undefined; controlId: string | undefined; err: string } {
  const segments = ack.toString('latin1').split('\r');
  const fields = segments.find((s) => s.startsWith('MSA|'))?.split('|') ?? [];
  return { code: fields[1], controlId: fields[2], err: segments.find((s) => s.startsWith('ERR|')) ?? '' };
}

/** A small ORU^R01 with control id `id`. */
function oru(id: string): Buffer {
  return Buffer.from(
    [
      `MSH|^~\\&|LAB|HOSP-T|MEDSEEK|HOSP-T|20240601080000+0800||ORU^R01^ORU_R01|${id}|P|2.5.1`,
      `PID|1||T-${id}^^^HOSP-T^MR||TEST^PAT||19700101|M`,
      `OBR|1||F-${id}|2823-3^Potassium^LN|||20240601075000+0800`,
      `OBX|1|NM|2823-3^Potassium^LN||4.1|mmol/L^mmol/L^UCUM|3.5-5.1|N|||F`,
      '',
    ].join('\r'),
  );
}

forEachBackend('HL7 MLLP listener', (db) => {
  let listener: Hl7Listener;
  const outcomes: Hl7Outcome[] = [];
  beforeAll(async () => {
    listener = await startHl7Listener(
      storeOf(db(), (tx) => resourceSink(tx)),
      { port: 0, defaultOffset: '+08:00', onMessage: (o) => outcomes.push(o) },
    );
  });
  afterAll(() => listener?.close());

  it('acknowledges every corpus message over MLLP: AA when valid, AE/AR with ERR when malformed', async () => {
    for (const file of fixtureFiles('valid')) {
      for (const message of splitMessages(fixture('valid', file))) {
        const { code, err } = msa(await sendRaw(listener.port, message));
        expect(code, `${file} ${err}`).toBe('AA');
      }
    }
    for (const file of fixtureFiles('malformed')) {
      const { code, err } = msa(await sendRaw(listener.port, fixture('malformed', file)));
      const want = MALFORMED[file]!;
      expect(code, file).toBe(want.ack);
      expect(err.split('|')[2], file).toMatch(new RegExp(`^${want.where.replace(/[-.[\]]/g, '^').split('^')[0]}\\^`));
      expect(err.split('|')[3], file).toMatch(new RegExp(`^${want.hl7Code}\\^`));
    }
    const accepted = outcomes.filter((o) => o.code === 'AA');
    expect(accepted.length).toBe(Object.values(VALID).reduce((n, v) => n + v.length, 0));
    // The store holds what the valid messages carried: e.g. the three ADTs for 张三 made one Patient.
    const repo = createResourceRepository(db());
    const zhang = await repo.search('Patient', { identifiers: ['urn:medseek:hl7v2:assigner:HOSP-BJ|0012345678'] });
    expect(zhang.total).toBe(1);
    expect(zhang.entries[0]!.resource.name).toMatchObject([{ text: '张三' }]);
    const cbc = await repo.search('Observation', { codes: ['http://loinc.org|6690-2'] });
    expect(cbc.entries.map((e) => (e.resource.valueQuantity as { value: number }).value)).toEqual([12.8]);
  });

  it('answers a replay sent over MLLP with the original ACK, writing nothing', async () => {
    const message = fixture('valid', 'oml-o21-lab-order.hl7');
    const first = await sendRaw(listener.port, message);
    const again = await sendRaw(listener.port, message);
    expect(again.toString('latin1')).toBe(first.toString('latin1'));
    expect(outcomes.at(-1)).toMatchObject({ duplicate: true, resources: [] });
  });

  it('answers a GB18030 message in GB18030, MSH-18 echoed', async () => {
    const text = [
      'MSH|^~\\&|HIS|HOSP-WH|MEDSEEK|HOSP-WH|20240601080000+0800||ADT^A01^ADT_A01|WH-0001|P|2.5.1|||AL|NE|CHN|' +
        'GB 18030-2000',
      'PID|1||WH001^^^HOSP-WH^MR||孙^七||19800101|F',
      'PV1|1|I|呼吸科^0301^01',
    ].join('\r');
    const ack = iconv.decode(await sendRaw(listener.port, iconv.encode(text, 'gb18030')), 'gb18030');
    expect(ack).toMatch(/\|GB 18030-2000\r/);
    expect(msa(Buffer.from(ack, 'latin1'))).toMatchObject({ code: 'AA', controlId: 'WH-0001' });
    const patient = await createResourceRepository(db()).search('Patient', {
      identifiers: ['urn:medseek:hl7v2:assigner:HOSP-WH|WH001'],
    });
    expect(patient.entries[0]!.resource.name).toMatchObject([{ text: '孙七' }]);
  });

  it('answers three frames sent in one write, in order, on one connection', async () => {
    const wire = Buffer.concat(['PIPE-1', 'PIPE-2', 'PIPE-3'].map((id) => frame(oru(id))));
    const { acks } = await exchange(listener.port, [wire], 3);
    expect(acks.map((a) => msa(a))).toMatchObject([
      { code: 'AA', controlId: 'PIPE-1' },
      { code: 'AA', controlId: 'PIPE-2' },
      { code: 'AA', controlId: 'PIPE-3' },
    ]);
  });

  it('reads a frame whose FS and CR arrive in separate writes, with junk before it', async () => {
    const wire = frame(oru('SPLIT-1'));
    const writes = [Buffer.from('\r\n'), wire.subarray(0, 30), wire.subarray(30, -1), wire.subarray(-1)];
    const { acks } = await exchange(listener.port, writes, 1);
    expect(msa(acks[0]!)).toMatchObject({ code: 'AA', controlId: 'SPLIT-1' });
  });
});

forEachBackend('HL7 MLLP listener limits', (db) => {
  let listener: Hl7Listener;
  const errors: string[] = [];
  const notices: string[] = [];
  beforeAll(async () => {
    listener = await startHl7Listener(
      storeOf(db(), (tx) => resourceSink(tx)),
      {
        port: 0,
        maxMessageBytes: 2048,
        idleTimeoutMs: 1000,
        onError: (e) => errors.push(e.message),
        onNotice: (text) => notices.push(text),
      },
    );
  });
  afterAll(() => listener?.close());

  it('listens on 127.0.0.1 unless told otherwise', () => {
    expect(listener.host).toBe('127.0.0.1');
  });

  it('refuses a message over the size limit with AR naming the reason, closes, and stores nothing', async () => {
    const before = await rowCounts(db());
    const big = Buffer.concat([oru('BIG-1'), Buffer.from(`NTE|1||${'x'.repeat(4000)}\r`)]);
    const { acks, closed } = await exchange(listener.port, [frame(big), frame(oru('AFTER-BIG'))], 2);
    expect(closed).toBe(true);
    expect(acks).toHaveLength(1);
    const { code, controlId, err } = msa(acks[0]!);
    expect({ code, controlId }).toEqual({ code: 'AR', controlId: 'BIG-1' });
    expect(err).toMatch(/limit of 2048 bytes/);
    expect(errors.join('\n')).toMatch(/message BIG-1 passed the limit of 2048 bytes .*closing/);
    expect(await rowCounts(db())).toEqual(before);
  });

  it('closes on an oversize frame without an MSH, with no ACK to send', async () => {
    const { acks, closed } = await exchange(listener.port, [frame(Buffer.alloc(3000, 0x41))], 1);
    expect({ acks, closed }).toEqual({ acks: [], closed: true });
  });

  it('closes a connection that sends nothing more, dropping its unfinished frame', async () => {
    const { acks, closed } = await exchange(listener.port, [Buffer.concat([Buffer.from([VT]), oru('IDLE-1')])], 1);
    expect({ acks, closed }).toEqual({ acks: [], closed: true });
    expect(notices.join('\n')).toMatch(
      /nothing received for 1 s; closing \(an unfinished frame of \d+ bytes dropped\)/,
    );
  });

  it('on close, answers the message it is storing before the connection goes', async () => {
    let started!: () => void;
    const storing = new Promise<void>((r) => {
      started = r;
    });
    let release!: () => void;
    const gate = new Promise<void>((r) => {
      release = r;
    });
    const closing = await startHl7Listener(
      storeOf(db(), (tx) => {
        const sink = resourceSink(tx);
        return {
          ...sink,
          write: async (resources, options) => {
            started();
            await gate;
            return sink.write(resources, options);
          },
        };
      }),
      { port: 0 },
    );
    const reply = exchange(closing.port, [frame(oru('CLOSE-1'))], 1);
    await storing;
    const down = closing.close();
    release();
    const { acks } = await reply;
    expect(msa(acks[0]!)).toMatchObject({ code: 'AA', controlId: 'CLOSE-1' });
    await down;
    await expect(exchange(closing.port, [frame(oru('CLOSE-2'))], 1)).rejects.toThrow(/ECONNREFUSED/);
  });

  it('says so when the port is taken, rather than retrying', async () => {
    const busy = createServer();
    await new Promise<void>((r) => busy.listen({ port: 0, host: '127.0.0.1' }, () => r()));
    const port = (busy.address() as { port: number }).port;
    try {
      await expect(
        startHl7Listener(
          storeOf(db(), (tx) => resourceSink(tx)),
          { port },
        ),
      ).rejects.toThrow(new RegExp(`127\\.0\\.0\\.1 port ${port} is already in use`));
    } finally {
      busy.close();
    }
  });
});
