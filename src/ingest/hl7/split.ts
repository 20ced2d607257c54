/**
 * The messages of a file: one or more messages, each starting with an MSH segment, separated by CR,
 * LF or CRLF; MLLP framing bytes (VT, FS) left in by a capture, and batch envelopes (FHS, BHS, BTS,
 * FTS, v2.5.1 §2.10.3), are dropped. Works on bytes: in GB18030 a CR or LF never occurs inside a
 * character, so a segment start is found before the text is decoded.
 */
const BATCH = /^(FHS|BHS|BTS|FTS)$/;

export function splitMessages(bytes: Buffer): Buffer[] {
  const lines: Buffer[] = [];
  let start = 0;
  for (let i = 0; i <= bytes.length; i++) {
    if (i === bytes.length || bytes[i] === 0x0d || bytes[i] === 0x0a) {
      const line = stripFraming(bytes.subarray(start, i));
      if (line.length > 0 && !BATCH.test(line.subarray(0, 3).toString('latin1'))) lines.push(line);
      start = i + 1;
    }
  }
  const messages: Buffer[][] = [];
  for (const line of lines) {
    if (line.subarray(0, 3).toString('latin1') === 'MSH' || messages.length === 0) messages.push([line]);
    else messages[messages.length - 1]!.push(line);
  }
  return messages.map((segments) => Buffer.concat(segments.flatMap((s) => [s, Buffer.from('\r')])));
}

function stripFraming(line: Buffer): Buffer {
  let a = 0;
  let b = line.length;
  while (a < b && (line[a] === 0x0b || line[a] === 0x1c || line[a] === 0x20)) a++;
  while (b > a && (line[b - 1] === 0x0b || line[b - 1] === 0x1c)) b--;
  return line.subarray(a, b);
}
