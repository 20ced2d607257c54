import { createServer, type Server, type Socket } from 'node:net';
import { MedSeekError } from '../../core/index.js';
import { encodeText } from './charset.js';
import { Hl7Error } from './error.js';
import { CR, FS, type MllpEvent, MllpFramer, VT } from './mllp-framer.js';
import { type Hl7Options, type Hl7Outcome, type Hl7Store, processMessage, refuseMessage } from './process.js';

export interface Hl7ListenerOptions extends Hl7Options {
  /** TCP port; 0 picks a free one (see `Hl7Listener.port`). */
  readonly port: number;
  /** Address to listen on. Default 127.0.0.1: MLLP has no authentication, so opening it is a choice. */
  readonly host?: string;
  /** Largest message accepted, bytes; a larger one closes the connection. Default 10 MiB. */
  readonly maxMessageBytes?: number;
  /** A connection with nothing to do for this long is closed; 0 never. Default 10 minutes. */
  readonly idleTimeoutMs?: number;
  /** How long `close()` waits for messages in flight before cutting connections. Default 30 s. */
  readonly closeTimeoutMs?: number;
  /** Called after each message has been answered. */
  readonly onMessage?: (outcome: Hl7Outcome) => void;
  /** Connection problems: a socket error, a message over the size limit. */
  readonly onError?: (error: Error) => void;
  /** What a connection did that is worth a line in the log: bytes discarded, an idle connection closed. */
  readonly onNotice?: (message: string) => void;
}

export interface Hl7Listener {
  readonly host: string;
  readonly port: number;
  /**
   * Stops accepting; each connection answers the messages it has already received, then closes.
   * Resolves when the server is down (connections still busy after `closeTimeoutMs` are cut).
   */
  close(): Promise<void>;
}

const DEFAULT_MAX_MESSAGE_BYTES = 10 * 1024 * 1024;
const DEFAULT_IDLE_TIMEOUT_MS = 10 * 60 * 1000;
const DEFAULT_CLOSE_TIMEOUT_MS = 30 * 1000;
/** Messages received but not yet answered on one connection before it stops reading (back-pressure). */
const MAX_QUEUED = 8;
/** After our FIN, how long a peer may keep the connection open before it is cut. */
const LINGER_MS = 5000;

/**
 * An MLLP listener (HL7 v2.5.1 Appendix C; framing in mllp-framer.ts) on node:net. A message's
 * bytes reach `processMessage` unchanged, which decodes them by the message's own MSH-18; the ACK
 * goes back in the message's character set. Messages of one connection are processed in order, one
 * at a time (an original-mode sender waits for each ACK), and a connection that sends faster than
 * they are stored stops being read until the queue is short again.
 */
export async function startHl7Listener(store: Hl7Store, options: Hl7ListenerOptions): Promise<Hl7Listener> {
  const host = options.host ?? '127.0.0.1';
  const maxMessageBytes = options.maxMessageBytes ?? DEFAULT_MAX_MESSAGE_BYTES;
  if (!(Number.isInteger(maxMessageBytes) && maxMessageBytes > 0))
    throw new MedSeekError('invalid', `the largest message must be a positive number of bytes`, {
      field: 'maxMessageBytes',
    });
  const connections = new Set<Connection>();
  // allowHalfOpen: a sender that shuts its side after the last message still gets that message's ACK.
  const server = createServer({ allowHalfOpen: true }, (socket) => {
    const connection = new Connection(socket, store, { ...options, maxMessageBytes });
    connections.add(connection);
    socket.once('close', () => connections.delete(connection));
  });
  await listen(server, host, options.port);
  server.on('error', (e) => options.onError?.(e));
  const address = server.address();
  const port = typeof address === 'object' && address ? address.port : options.port;
  let closing: Promise<void> | undefined;
  return {
    host,
    port,
    close: () => {
      closing ??= new Promise<void>((resolve) => {
        server.close(() => resolve());
        for (const c of connections) c.shutdown();
        const cut = setTimeout(() => {
          for (const c of connections) c.cut();
        }, options.closeTimeoutMs ?? DEFAULT_CLOSE_TIMEOUT_MS);
        cut.unref();
        server.once('close', () => clearTimeout(cut));
      });
      return closing;
    },
  };
}

type ConnectionOptions = Hl7ListenerOptions & { readonly maxMessageBytes: number };

/** One MLLP connection: frames in, one message at a time through `processMessage`, ACKs out in order. */
class Connection {
  private readonly peer: string;
  private readonly framer: MllpFramer;
  private queue: Promise<void> = Promise.resolve();
  private queued = 0;
  /** Closing (the listener stops, an oversize frame, idle): data still arriving is read and dropped. */
  private ending = false;

  constructor(
    private readonly socket: Socket,
    private readonly store: Hl7Store,
    private readonly options: ConnectionOptions,
  ) {
    this.peer = `${socket.remoteAddress}:${socket.remotePort}`;
    this.framer = new MllpFramer({ maxFrameBytes: options.maxMessageBytes });
    socket.on('data', (chunk: Buffer) => this.read(chunk));
    // The peer is done sending: a frame whose CR never came is still answered, then we close too.
    socket.on('end', () => {
      if (!this.ending) this.handle(this.framer.end());
      this.finishAfterQueue();
    });
    socket.on('error', (e) => options.onError?.(new Error(`${this.peer}: ${e.message}`)));
    const idle = options.idleTimeoutMs ?? DEFAULT_IDLE_TIMEOUT_MS;
    if (idle > 0) {
      socket.setTimeout(idle);
      socket.on('timeout', () => this.idle(idle));
    }
  }

  /** The listener is closing: messages already received are answered, nothing more is read. */
  shutdown(): void {
    this.finishAfterQueue();
  }

  /** Closing took too long: drop the connection now. */
  cut(): void {
    this.socket.destroy();
  }

  private read(chunk: Buffer): void {
    if (this.ending) return;
    this.handle(this.framer.push(chunk));
  }

  private handle(events: MllpEvent[]): void {
    let junk = 0;
    const reasons = new Set<string>();
    for (const event of events) {
      if (event.kind === 'junk') {
        junk += event.bytes;
        reasons.add(event.reason);
      } else if (event.kind === 'frame') {
        if (event.fsWithoutCr) this.notice('a frame ended with FS not followed by CR (MLLP wants FS CR); answered');
        this.enqueue(async () => this.answer(await processMessage(event.bytes, this.store, this.options)));
      } else this.oversize(event.head, event.received);
    }
    if (junk > 0) this.notice(`discarded ${junk} byte(s): ${[...reasons].join(', ')}`);
  }

  /**
   * A frame over the limit: the connection is closed, after an AR naming the reason where the
   * frame's MSH could be read (without it the sender could not match the refusal to its message).
   */
  private oversize(head: Buffer, received: number): void {
    const limit = this.options.maxMessageBytes;
    const reason = `the message is larger than this listener's limit of ${limit} bytes`;
    const outcome = refuseMessage(head, new Hl7Error('AR', 207, { segment: 'MSH' }, reason), this.options);
    const about = outcome.controlId ? `message ${outcome.controlId}` : 'a message (no readable MSH)';
    this.options.onError?.(
      new Error(`${this.peer}: ${about} passed the limit of ${limit} bytes (${received} received); closing`),
    );
    if (outcome.controlId) this.enqueue(async () => this.answer(outcome));
    this.finishAfterQueue();
  }

  private idle(ms: number): void {
    // Waiting on our own database is not the peer being idle.
    if (this.queued > 0 || this.ending) return;
    const unfinished = this.framer.pending > 0 ? ` (an unfinished frame of ${this.framer.pending} bytes dropped)` : '';
    this.notice(`nothing received for ${Math.round(ms / 1000)} s; closing${unfinished}`);
    this.finishAfterQueue();
  }

  private answer(outcome: Hl7Outcome): void {
    if (this.socket.writable) {
      const ack = encodeText(outcome.ack, outcome.charset);
      this.socket.write(Buffer.concat([Buffer.from([VT]), ack, Buffer.from([FS, CR])]));
    } else this.notice(`gone before the ACK for ${outcome.controlId ?? 'a message'} was sent (it was processed)`);
    this.options.onMessage?.(outcome);
  }

  private enqueue(task: () => Promise<void>): void {
    this.queued++;
    if (this.queued >= MAX_QUEUED) this.socket.pause();
    this.queue = this.queue
      .then(task)
      // One failed reply (a socket gone) must not stop the messages queued behind it.
      .catch((e: unknown) => this.options.onError?.(new Error(`${this.peer}: ${(e as Error).message}`)))
      .finally(() => {
        this.queued--;
        if (this.queued < MAX_QUEUED / 2 || this.ending) this.socket.resume();
      });
  }

  /** Answers what is queued, then half-closes; a peer that keeps the connection open is cut after a while. */
  private finishAfterQueue(): void {
    if (this.ending) return;
    this.ending = true;
    // Keep reading (and dropping) so that the close is a clean FIN, not a reset over unread bytes.
    this.socket.resume();
    void this.queue.then(() => {
      if (this.socket.destroyed) return;
      this.socket.end();
      const linger = setTimeout(() => this.socket.destroy(), LINGER_MS);
      linger.unref();
      this.socket.once('close', () => clearTimeout(linger));
    });
  }

  private notice(text: string): void {
    this.options.onNotice?.(`${this.peer}: ${text}`);
  }
}

/** Listens, turning the usual failures into errors a user can act on (no retrying a busy port). */
function listen(server: Server, host: string, port: number): Promise<void> {
  return new Promise((resolve, reject) => {
    const failed = (e: NodeJS.ErrnoException) => {
      const where = `${host} port ${port}`;
      const message =
        e.code === 'EADDRINUSE'
          ? `${where} is already in use; choose another with --port <n> (0 picks a free one)`
          : e.code === 'EADDRNOTAVAIL' || e.code === 'ENOTFOUND'
            ? `cannot listen on ${host}: not an address of this machine (--host)`
            : e.code === 'EACCES'
              ? `no permission to listen on ${where} (ports below 1024 need privileges)`
              : `cannot listen on ${where}: ${e.code ?? e.message}`;
      const field = e.code === 'EADDRNOTAVAIL' || e.code === 'ENOTFOUND' ? '--host' : '--port';
      reject(new MedSeekError('unavailable', message, { field }));
    };
    server.once('error', failed);
    server.listen({ host, port }, () => {
      server.off('error', failed);
      resolve();
    });
  });
}
