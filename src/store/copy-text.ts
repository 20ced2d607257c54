/**
 * Rows in PostgreSQL's COPY text format (https://www.postgresql.org/docs/current/sql-copy.html#id-1.9.3.55.9.2),
 * written straight into buffers of about `CHUNK` bytes, each sent to the server as it is. The import
 * writes millions of fields: building them as strings first cost a rope of small strings per chunk,
 * then flattening and encoding it, and more garbage than the rest of the import (bench ingest, issue 20).
 * A field is escaped as it is copied: backslash, tab, newline and carriage return; null is `\N`.
 */
export const CHUNK = 1 << 18;

const BACKSLASH = 92;
const TAB = 9;
const NEWLINE = 10;
const RETURN = 13;
/** Fields at least this long are tested for characters to escape (or beyond ASCII) before a native copy. */
const LONG = 16;
const ESCAPE_OR_WIDE = /[\\\t\n\r\u0080-\uffff]/;

export class CopyText {
  private buf = Buffer.allocUnsafe(CHUNK);
  private pos = 0;
  private readonly done: Buffer[] = [];

  /** Whether a buffer has been filled since the last `take`. */
  get full(): boolean {
    return this.done.length > 0;
  }

  /** The bytes written so far (with `partial` false, only the buffers filled), handed over. */
  take(partial = true): Buffer[] {
    if (partial && this.pos > 0) {
      this.done.push(this.buf.subarray(0, this.pos));
      this.buf = this.buf.length - this.pos >= 4096 ? this.buf.subarray(this.pos) : Buffer.allocUnsafe(CHUNK);
      this.pos = 0;
    }
    return this.done.splice(0);
  }

  /** A field and the tab after it. */
  field(v: string | null | undefined): this {
    this.value(v);
    this.buf[this.pos++] = TAB;
    return this;
  }

  /** The last field of a row and its newline. */
  last(v: string | null | undefined): this {
    this.value(v);
    this.buf[this.pos++] = NEWLINE;
    return this;
  }

  /**
   * JSON text as the last field of a row: JSON.stringify escapes every control character, so only its
   * backslashes need escaping for COPY.
   */
  lastJson(json: string): this {
    const text = json.includes('\\') ? json.replaceAll('\\', '\\\\') : json;
    this.room(text.length * 3 + 1);
    this.pos += this.buf.write(text, this.pos);
    this.buf[this.pos++] = NEWLINE;
    return this;
  }

  /** Bytes already escaped for COPY (a row's first fields, encoded once and repeated), no separator. */
  bytes(escaped: Uint8Array): this {
    this.room(escaped.length);
    this.buf.set(escaped, this.pos);
    this.pos += escaped.length;
    return this;
  }

  private value(v: string | null | undefined): void {
    if (v === null || v === undefined) {
      this.room(3);
      this.buf[this.pos++] = BACKSLASH;
      this.buf[this.pos++] = 78; // N
      return;
    }
    const n = v.length;
    // Three bytes a UTF-16 unit at most (an escape is two), and the separator after.
    this.room(n * 3 + 1);
    // A longer field with nothing to escape, all ASCII (ids, references, URLs): copied natively.
    if (n >= LONG && !ESCAPE_OR_WIDE.test(v)) {
      this.pos += this.buf.write(v, this.pos, n, 'latin1');
      return;
    }
    const b = this.buf;
    let p = this.pos;
    for (let i = 0; i < n; i++) {
      const c = v.charCodeAt(i);
      if (c >= 128) {
        this.pos = p;
        this.slow(v, i);
        return;
      }
      if (c > RETURN && c !== BACKSLASH) b[p++] = c;
      else if (c === BACKSLASH) {
        b[p++] = BACKSLASH;
        b[p++] = BACKSLASH;
      } else if (c === TAB) {
        b[p++] = BACKSLASH;
        b[p++] = 116; // t
      } else if (c === NEWLINE) {
        b[p++] = BACKSLASH;
        b[p++] = 110; // n
      } else if (c === RETURN) {
        b[p++] = BACKSLASH;
        b[p++] = 114; // r
      } else b[p++] = c;
    }
    this.pos = p;
  }

  /** The rest of a field from its first character beyond ASCII: escaped as a string, then encoded. */
  private slow(v: string, from: number): void {
    const rest = v.slice(from).replace(/[\\\t\n\r]/g, (c) => ESCAPES[c]!);
    this.pos += this.buf.write(rest, this.pos);
  }

  /** At least `n` bytes free in the current buffer. */
  private room(n: number): void {
    if (this.pos + n + 1 <= this.buf.length) return;
    if (this.pos > 0) this.done.push(this.buf.subarray(0, this.pos));
    this.buf = Buffer.allocUnsafe(Math.max(CHUNK, n + 1));
    this.pos = 0;
  }
}

const ESCAPES: Record<string, string> = { '\\': '\\\\', '\t': '\\t', '\n': '\\n', '\r': '\\r' };

/** A field as COPY text (escaped, null as `\N`), as a string. */
export function copyField(v: string | null | undefined): string {
  if (v === null || v === undefined) return '\\N';
  return /[\\\t\n\r]/.test(v) ? v.replace(/[\\\t\n\r]/g, (c) => ESCAPES[c]!) : v;
}

/**
 * The rows of `items` as COPY text in buffers of about CHUNK bytes, written lazily: a row is made
 * when the stream asks for more, so one batch's text is never all in memory at once.
 */
export function* copyRows<T>(items: Iterable<T>, row: (out: CopyText, item: T) => void): Generator<Buffer> {
  const out = new CopyText();
  for (const item of items) {
    row(out, item);
    if (out.full) yield* out.take(false);
  }
  yield* out.take();
}
