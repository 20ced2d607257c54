import { describe, expect, it } from 'vitest';
import { CR, FS, type MllpEvent, MllpFramer, VT } from './mllp-framer.js';

const A = Buffer.from('MSH|^~\\&|LAB|HOSP|MEDSEEK|HOSP|20240601080000||ORU^R01|A-1|P|2.5.1\rPID|1||12345\r');
const B = Buffer.from('MSH|^~\\&|LAB|HOSP|MEDSEEK|HOSP|20240601080100||ORU^R01|B-2|P|2.5.1\rOBX|1|NM|2823-3\r');
// GB18030 bytes of 张三 (D5 C5 C8 FD): whatever the trail bytes, no VT or FS occurs inside a character.
const C = Buffer.concat([
  Buffer.from('MSH|^~\\&|HIS|WH|||20240601||ADT^A01|C-3|P|2.5.1\rPID|1||9||'),
  Buffer.from([0xd5, 0xc5, 0xc8, 0xfd, 0x0d]),
]);

const frame = (m: Buffer) => Buffer.concat([Buffer.from([VT]), m, Buffer.from([FS, CR])]);
const framer = (maxFrameBytes = 1024 * 1024) => new MllpFramer({ maxFrameBytes });

function feed(f: MllpFramer, ...chunks: Buffer[]): MllpEvent[] {
  return chunks.flatMap((c) => f.push(c));
}
const frames = (events: MllpEvent[]) => events.filter((e) => e.kind === 'frame').map((e) => e.bytes.toString('latin1'));

describe('MLLP framer', () => {
  it('finds a frame split at every byte position, FS|CR included, with the message bytes unchanged', () => {
    const wire = frame(C);
    for (let cut = 0; cut <= wire.length; cut++) {
      const events = feed(framer(), wire.subarray(0, cut), wire.subarray(cut));
      expect(events, `cut at ${cut}`).toEqual([{ kind: 'frame', bytes: C, fsWithoutCr: false }]);
    }
  });

  it('finds a frame sent one byte at a time', () => {
    const f = framer();
    const wire = frame(A);
    const events = [...wire].flatMap((b) => f.push(Buffer.from([b])));
    expect(frames(events)).toEqual([A.toString('latin1')]);
    expect(f.pending).toBe(0);
  });

  it('splits two and three frames arriving in one chunk, in order', () => {
    expect(frames(feed(framer(), Buffer.concat([frame(A), frame(B)])))).toEqual(
      [A, B].map((m) => m.toString('latin1')),
    );
    const three = Buffer.concat([frame(A), frame(B), frame(C)]);
    expect(frames(feed(framer(), three))).toEqual([A, B, C].map((m) => m.toString('latin1')));
    // Three frames, cut anywhere into two chunks: the same three messages.
    for (let cut = 0; cut <= three.length; cut += 7)
      expect(frames(feed(framer(), three.subarray(0, cut), three.subarray(cut))), `cut at ${cut}`).toHaveLength(3);
  });

  it('discards and counts bytes outside frames: before, between and after them', () => {
    const wire = Buffer.concat([
      Buffer.from('GET / HTTP/1.1\r\n'),
      frame(A),
      Buffer.from('\r\n'),
      frame(B),
      Buffer.from('xyz'),
    ]);
    const events = feed(framer(), wire);
    expect(frames(events)).toEqual([A, B].map((m) => m.toString('latin1')));
    expect(events.filter((e) => e.kind === 'junk')).toEqual([
      { kind: 'junk', bytes: 16, reason: 'outside a frame' },
      { kind: 'junk', bytes: 2, reason: 'outside a frame' },
      { kind: 'junk', bytes: 3, reason: 'outside a frame' },
    ]);
  });

  it('drops an unfinished frame cut off by a new VT and reads the new one', () => {
    const wire = Buffer.concat([Buffer.from([VT]), A.subarray(0, 20), frame(B)]);
    const events = feed(framer(), wire);
    expect(events).toEqual([
      { kind: 'junk', bytes: 21, reason: 'frame restarted by VT' },
      { kind: 'frame', bytes: B, fsWithoutCr: false },
    ]);
  });

  it('ends a frame at an FS without CR, flags it, and reads what follows as outside a frame', () => {
    const wire = Buffer.concat([Buffer.from([VT]), A, Buffer.from([FS]), Buffer.from('!'), frame(B)]);
    expect(feed(framer(), wire)).toEqual([
      { kind: 'frame', bytes: A, fsWithoutCr: true },
      { kind: 'junk', bytes: 1, reason: 'outside a frame' },
      { kind: 'frame', bytes: B, fsWithoutCr: false },
    ]);
    // FS then VT at once: the next frame starts right away.
    const back = Buffer.concat([Buffer.from([VT]), A, Buffer.from([FS]), frame(B)]);
    expect(feed(framer(), back).map((e) => e.kind === 'frame' && e.fsWithoutCr)).toEqual([true, false]);
  });

  it('at the end of the connection: delivers a frame whose CR never came, reports an unfinished one', () => {
    const f = framer();
    expect(f.push(Buffer.concat([Buffer.from([VT]), A, Buffer.from([FS])]))).toEqual([]);
    expect(f.end()).toEqual([{ kind: 'frame', bytes: A, fsWithoutCr: true }]);
    const g = framer();
    g.push(Buffer.concat([Buffer.from([VT]), A.subarray(0, 10)]));
    expect(g.pending).toBe(10);
    expect(g.end()).toEqual([{ kind: 'junk', bytes: 11, reason: 'unfinished frame' }]);
    expect(framer().end()).toEqual([]);
  });

  it('stops at a frame over the limit, keeping only its head, and ignores everything after', () => {
    const f = new MllpFramer({ maxFrameBytes: 100, headBytes: 40 });
    const big = Buffer.concat([A, Buffer.alloc(200, 0x41)]);
    const events = feed(f, Buffer.concat([Buffer.from([VT]), big.subarray(0, 60)]), big.subarray(60, 150));
    expect(events).toEqual([{ kind: 'oversize', head: A.subarray(0, 40), received: 150 }]);
    expect(f.stopped).toBe(true);
    expect(f.pending).toBe(0);
    expect(feed(f, big.subarray(150), Buffer.from([FS, CR]), frame(B))).toEqual([]);
    expect(f.end()).toEqual([]);
  });

  it('accepts a frame of exactly the limit', () => {
    expect(feed(new MllpFramer({ maxFrameBytes: A.length }), frame(A))).toEqual([
      { kind: 'frame', bytes: A, fsWithoutCr: false },
    ]);
    expect(feed(new MllpFramer({ maxFrameBytes: A.length - 1 }), frame(A))[0]?.kind).toBe('oversize');
  });

  it('refuses a limit that is not a positive integer', () => {
    expect(() => new MllpFramer({ maxFrameBytes: 0 })).toThrow(/maxFrameBytes/);
  });
});
