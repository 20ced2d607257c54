import { describe, expect, it } from 'vitest';
import { readLines } from './lines.js';

async function* chunks(text: string, size: number): AsyncGenerator<Buffer> {
  const b = Buffer.from(text);
  for (let i = 0; i < b.length; i += size) yield b.subarray(i, i + size);
}

async function collect(text: string, size: number, max = 1000) {
  const out: string[] = [];
  for await (const l of readLines(chunks(text, size), max))
    out.push(
      l.kind === 'line'
        ? `${l.lineNo}@${l.offset}:${l.bytes.toString()}`
        : `${l.lineNo}@${l.offset}:too-long(${l.length})`,
    );
  return out;
}

describe('readLines', () => {
  it('splits lines across chunk boundaries of any size, keeping line numbers and byte offsets', async () => {
    const text = 'ab\ncdef\n\nghi';
    const expected = ['1@0:ab', '2@3:cdef', '3@8:', '4@9:ghi'];
    for (const size of [1, 2, 3, 5, 100]) expect(await collect(text, size), `chunk ${size}`).toEqual(expected);
  });

  it('reports a line over the limit by its length instead of returning it', async () => {
    expect(await collect('short\nthis-is-long\nok\n', 4, 6)).toEqual(['1@0:short', '2@6:too-long(12)', '3@19:ok']);
    expect(await collect('ok\nlonglonglong', 3, 5)).toEqual(['1@0:ok', '2@3:too-long(12)']);
  });
});
