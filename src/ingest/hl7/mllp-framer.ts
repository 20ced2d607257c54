/**
 * MLLP framing (HL7 v2.5.1 Appendix C; MLLP release 2, HL7 Transport Specification §2): a block is
 * VT (0x0B), the message, FS (0x1C), CR (0x0D). The framer works on bytes as TCP delivers them:
 * a chunk may hold several frames, and a frame may be split at any byte, FS and CR included.
 * It holds no socket, so every case can be tested without a network.
 *
 * - Bytes outside a frame are discarded and reported (`junk`), never parsed as a message.
 * - A VT inside a frame means the sender gave up on the frame and started again: the unfinished
 *   frame is discarded and reported, and a new one begins.
 * - FS followed by anything but CR is a protocol error; the frame ends at FS all the same (VT and
 *   FS cannot occur inside HL7 content, nor inside a UTF-8 or GB18030 character) and is delivered
 *   with `fsWithoutCr`, so the sender gets its ACK; the byte after FS is read as outside a frame.
 * - A frame longer than `maxFrameBytes` stops the framer (`oversize`): the caller closes the
 *   connection. Only the first `headBytes` of it are kept, to address a refusal by its MSH.
 */
export const VT = 0x0b;
export const FS = 0x1c;
export const CR = 0x0d;

export type JunkReason = 'outside a frame' | 'frame restarted by VT' | 'unfinished frame';

export type MllpEvent =
  /** One message: the bytes between VT and FS, unchanged. */
  | { readonly kind: 'frame'; readonly bytes: Buffer; readonly fsWithoutCr: boolean }
  /** Bytes outside any frame, or an unfinished frame (its VT included) cut off by a new VT or the end, dropped. */
  | { readonly kind: 'junk'; readonly bytes: number; readonly reason: JunkReason }
  /** A frame over the limit: the first bytes of it, and how many had arrived when the limit was passed. */
  | { readonly kind: 'oversize'; readonly head: Buffer; readonly received: number };

export interface MllpFramerOptions {
  /** Largest message (bytes between VT and FS) accepted. */
  readonly maxFrameBytes: number;
  /** How much of an oversize frame is kept to read its MSH. Default 64 KiB. */
  readonly headBytes?: number;
}

type State = 'outside' | 'inside' | 'after-fs' | 'stopped';

export class MllpFramer {
  private state: State = 'outside';
  private parts: Buffer[] = [];
  private size = 0;
  private readonly maxFrameBytes: number;
  private readonly headBytes: number;

  constructor(options: MllpFramerOptions) {
    if (!(Number.isInteger(options.maxFrameBytes) && options.maxFrameBytes > 0))
      throw new RangeError(`maxFrameBytes must be a positive integer, not ${options.maxFrameBytes}`);
    this.maxFrameBytes = options.maxFrameBytes;
    this.headBytes = Math.min(options.headBytes ?? 64 * 1024, options.maxFrameBytes);
  }

  /** Bytes of the frame being received (0 between frames). */
  get pending(): number {
    return this.size;
  }

  /** True once an oversize frame has been seen: everything after it is ignored. */
  get stopped(): boolean {
    return this.state === 'stopped';
  }

  /** Reads one chunk; returns what it completed, in order. */
  push(chunk: Buffer): MllpEvent[] {
    const events: MllpEvent[] = [];
    let i = 0;
    while (i < chunk.length && this.state !== 'stopped') {
      if (this.state === 'outside') {
        const vt = chunk.indexOf(VT, i);
        const end = vt < 0 ? chunk.length : vt;
        if (end > i) events.push({ kind: 'junk', bytes: end - i, reason: 'outside a frame' });
        if (vt < 0) break;
        this.state = 'inside';
        i = vt + 1;
      } else if (this.state === 'after-fs') {
        // The CR that ends the block; anything else is read again as outside a frame.
        const ended = chunk[i] === CR;
        events.push(this.finish(!ended));
        if (ended) i++;
      } else {
        const stop = nextOf(chunk, i);
        const end = stop < 0 ? chunk.length : stop;
        if (!this.append(chunk.subarray(i, end), events)) break;
        if (stop < 0) break;
        if (chunk[stop] === VT) {
          events.push({ kind: 'junk', bytes: this.size + 1, reason: 'frame restarted by VT' });
          this.reset();
          this.state = 'inside';
        } else this.state = 'after-fs';
        i = stop + 1;
      }
    }
    return events;
  }

  /**
   * The connection ended: a frame whose FS arrived but not its CR is delivered; an unfinished
   * frame is reported as junk.
   */
  end(): MllpEvent[] {
    if (this.state === 'after-fs') return [this.finish(true)];
    const events: MllpEvent[] =
      this.state === 'inside' ? [{ kind: 'junk', bytes: this.size + 1, reason: 'unfinished frame' }] : [];
    if (this.state !== 'stopped') this.reset();
    return events;
  }

  /** Adds message bytes; false (and an `oversize` event) when they pass the limit. */
  private append(bytes: Buffer, events: MllpEvent[]): boolean {
    if (bytes.length === 0) return true;
    if (this.size + bytes.length > this.maxFrameBytes) {
      const received = this.size + bytes.length;
      // Buffer.concat cuts the result at the length asked for: only the head is copied.
      const head = Buffer.concat([...this.parts, bytes], Math.min(this.headBytes, received));
      events.push({ kind: 'oversize', head, received });
      this.parts = [];
      this.size = 0;
      this.state = 'stopped';
      return false;
    }
    // A copy: a slice would keep the whole socket chunk alive for a few bytes of it.
    this.parts.push(Buffer.from(bytes));
    this.size += bytes.length;
    return true;
  }

  private finish(fsWithoutCr: boolean): MllpEvent {
    const bytes = Buffer.concat(this.parts, this.size);
    this.reset();
    return { kind: 'frame', bytes, fsWithoutCr };
  }

  private reset(): void {
    this.parts = [];
    this.size = 0;
    this.state = 'outside';
  }
}

/** Index of the next VT or FS at or after `from`, else -1. */
function nextOf(chunk: Buffer, from: number): number {
  const vt = chunk.indexOf(VT, from);
  const fs = chunk.indexOf(FS, from);
  return vt < 0 ? fs : fs < 0 ? vt : Math.min(vt, fs);
}
