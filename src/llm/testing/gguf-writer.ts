import { writeFileSync } from 'node:fs';
import { seededRandom } from '../../core/index.js';

/**
 * A small GGUF (v3) writer: enough to build a tiny llama-architecture model with random weights, a
 * byte-fallback SentencePiece-style vocabulary and a ChatML chat template, so the embedded provider
 * can be tested end to end without downloading weights. Format:
 * https://github.com/ggml-org/ggml/blob/master/docs/gguf.md
 */

enum T {
  U32 = 4,
  I32 = 5,
  F32 = 6,
  BOOL = 7,
  STRING = 8,
  ARRAY = 9,
}

type Meta =
  | { t: 'u32'; v: number }
  | { t: 'f32'; v: number }
  | { t: 'str'; v: string }
  | { t: 'bool'; v: boolean }
  | { t: 'str[]'; v: readonly string[] }
  | { t: 'f32[]'; v: readonly number[] }
  | { t: 'i32[]'; v: readonly number[] };

interface Tensor {
  readonly name: string;
  /** ggml order: ne[0] is the innermost (row length). */
  readonly dims: readonly number[];
  readonly data: Float32Array;
}

class Bytes {
  private chunks: Buffer[] = [];
  length = 0;
  push(b: Buffer): void {
    this.chunks.push(b);
    this.length += b.length;
  }
  u32(v: number): void {
    const b = Buffer.alloc(4);
    b.writeUInt32LE(v);
    this.push(b);
  }
  i32(v: number): void {
    const b = Buffer.alloc(4);
    b.writeInt32LE(v);
    this.push(b);
  }
  u64(v: number): void {
    const b = Buffer.alloc(8);
    b.writeBigUInt64LE(BigInt(v));
    this.push(b);
  }
  f32(v: number): void {
    const b = Buffer.alloc(4);
    b.writeFloatLE(v);
    this.push(b);
  }
  str(s: string): void {
    const b = Buffer.from(s, 'utf8');
    this.u64(b.length);
    this.push(b);
  }
  concat(): Buffer {
    return Buffer.concat(this.chunks);
  }
}

function writeMeta(out: Bytes, key: string, m: Meta): void {
  out.str(key);
  switch (m.t) {
    case 'u32':
      out.u32(T.U32);
      out.u32(m.v);
      break;
    case 'f32':
      out.u32(T.F32);
      out.f32(m.v);
      break;
    case 'bool':
      out.u32(T.BOOL);
      out.push(Buffer.from([m.v ? 1 : 0]));
      break;
    case 'str':
      out.u32(T.STRING);
      out.str(m.v);
      break;
    case 'str[]':
      out.u32(T.ARRAY);
      out.u32(T.STRING);
      out.u64(m.v.length);
      for (const s of m.v) out.str(s);
      break;
    case 'f32[]':
      out.u32(T.ARRAY);
      out.u32(T.F32);
      out.u64(m.v.length);
      for (const x of m.v) out.f32(x);
      break;
    case 'i32[]':
      out.u32(T.ARRAY);
      out.u32(T.I32);
      out.u64(m.v.length);
      for (const x of m.v) out.i32(x);
      break;
  }
}

/** Serialises metadata and F32 tensors into a GGUF v3 file image. */
export function encodeGguf(meta: Readonly<Record<string, Meta>>, tensors: readonly Tensor[], alignment = 32): Buffer {
  const head = new Bytes();
  head.push(Buffer.from('GGUF', 'ascii'));
  head.u32(3);
  head.u64(tensors.length);
  head.u64(Object.keys(meta).length);
  for (const [k, m] of Object.entries(meta)) writeMeta(head, k, m);
  const align = (n: number) => Math.ceil(n / alignment) * alignment;
  let offset = 0;
  const offsets: number[] = [];
  for (const t of tensors) {
    head.str(t.name);
    head.u32(t.dims.length);
    for (const d of t.dims) head.u64(d);
    head.u32(0); // GGML_TYPE_F32
    offsets.push(offset);
    head.u64(offset);
    offset = align(offset + t.data.byteLength);
  }
  const headBuf = head.concat();
  const dataStart = align(headBuf.length);
  const file = Buffer.alloc(dataStart + offset);
  headBuf.copy(file, 0);
  tensors.forEach((t, i) => {
    Buffer.from(t.data.buffer, t.data.byteOffset, t.data.byteLength).copy(file, dataStart + offsets[i]!);
  });
  return file;
}

export interface TinyLlamaOptions {
  readonly embd?: number;
  readonly layers?: number;
  readonly heads?: number;
  readonly ff?: number;
  readonly context?: number;
  readonly seed?: number;
}

/** ChatML, the template Qwen and many DeepSeek distills use. */
export const CHATML_TEMPLATE =
  "{% for message in messages %}{{'<|im_start|>' + message['role'] + '\\n' + message['content'] + '<|im_end|>' + '\\n'}}{% endfor %}{% if add_generation_prompt %}{{ '<|im_start|>assistant\\n' }}{% endif %}";

/**
 * A tiny llama model: byte-fallback vocabulary (<unk>, <s>, </s>, ChatML markers, 256 byte tokens,
 * printable ASCII pieces and a few words), random weights. Generates noise, which is all a test of
 * loading, sampling and grammar-constrained output needs.
 */
export function tinyLlamaGguf(opts: TinyLlamaOptions = {}): Buffer {
  const embd = opts.embd ?? 32;
  const layers = opts.layers ?? 2;
  const heads = opts.heads ?? 4;
  const ff = opts.ff ?? 64;
  const ctx = opts.context ?? 512;
  const random = seededRandom(opts.seed ?? 42);

  const tokens: string[] = ['<unk>', '<s>', '</s>', '<|im_start|>', '<|im_end|>'];
  const types: number[] = [2, 3, 3, 3, 3];
  for (let b = 0; b < 256; b++) {
    tokens.push(`<0x${b.toString(16).toUpperCase().padStart(2, '0')}>`);
    types.push(6);
  }
  const pieces = new Set<string>(['▁']);
  for (let c = 33; c < 127; c++) pieces.add(String.fromCharCode(c));
  for (const w of [
    'the',
    'patient',
    'true',
    'false',
    'null',
    'name',
    'answer',
    'yes',
    'no',
    'ok',
    'er',
    'in',
    'on',
    'at',
    'an',
    're',
  ]) {
    pieces.add(w);
    pieces.add(`▁${w}`);
  }
  for (const p of pieces) {
    tokens.push(p);
    types.push(1);
  }
  const scores = tokens.map((t, i) => (types[i] === 1 ? -i / 100 + t.length : 0));
  const vocab = tokens.length;

  const mat = (rows: number, cols: number, scale = 0.08): Float32Array => {
    const a = new Float32Array(rows * cols);
    for (let i = 0; i < a.length; i++) a[i] = (random() * 2 - 1) * scale;
    return a;
  };
  const ones = (n: number) => new Float32Array(n).fill(1);
  const tensors: Tensor[] = [
    { name: 'token_embd.weight', dims: [embd, vocab], data: mat(vocab, embd, 0.5) },
    { name: 'output_norm.weight', dims: [embd], data: ones(embd) },
    { name: 'output.weight', dims: [embd, vocab], data: mat(vocab, embd, 0.5) },
  ];
  for (let l = 0; l < layers; l++) {
    tensors.push(
      { name: `blk.${l}.attn_norm.weight`, dims: [embd], data: ones(embd) },
      { name: `blk.${l}.attn_q.weight`, dims: [embd, embd], data: mat(embd, embd) },
      { name: `blk.${l}.attn_k.weight`, dims: [embd, embd], data: mat(embd, embd) },
      { name: `blk.${l}.attn_v.weight`, dims: [embd, embd], data: mat(embd, embd) },
      { name: `blk.${l}.attn_output.weight`, dims: [embd, embd], data: mat(embd, embd) },
      { name: `blk.${l}.ffn_norm.weight`, dims: [embd], data: ones(embd) },
      { name: `blk.${l}.ffn_gate.weight`, dims: [embd, ff], data: mat(ff, embd) },
      { name: `blk.${l}.ffn_up.weight`, dims: [embd, ff], data: mat(ff, embd) },
      { name: `blk.${l}.ffn_down.weight`, dims: [ff, embd], data: mat(embd, ff) },
    );
  }
  const meta: Record<string, Meta> = {
    'general.architecture': { t: 'str', v: 'llama' },
    'general.name': { t: 'str', v: 'medseek-tiny-test' },
    'general.alignment': { t: 'u32', v: 32 },
    'llama.context_length': { t: 'u32', v: ctx },
    'llama.embedding_length': { t: 'u32', v: embd },
    'llama.block_count': { t: 'u32', v: layers },
    'llama.feed_forward_length': { t: 'u32', v: ff },
    'llama.attention.head_count': { t: 'u32', v: heads },
    'llama.attention.head_count_kv': { t: 'u32', v: heads },
    'llama.rope.dimension_count': { t: 'u32', v: embd / heads },
    'llama.attention.layer_norm_rms_epsilon': { t: 'f32', v: 1e-5 },
    'llama.vocab_size': { t: 'u32', v: vocab },
    'tokenizer.ggml.model': { t: 'str', v: 'llama' },
    'tokenizer.ggml.tokens': { t: 'str[]', v: tokens },
    'tokenizer.ggml.scores': { t: 'f32[]', v: scores },
    'tokenizer.ggml.token_type': { t: 'i32[]', v: types },
    'tokenizer.ggml.unknown_token_id': { t: 'u32', v: 0 },
    'tokenizer.ggml.bos_token_id': { t: 'u32', v: 1 },
    'tokenizer.ggml.eos_token_id': { t: 'u32', v: 4 },
    'tokenizer.ggml.add_bos_token': { t: 'bool', v: true },
    'tokenizer.chat_template': { t: 'str', v: CHATML_TEMPLATE },
  };
  return encodeGguf(meta, tensors);
}

/** Writes the tiny model to `path` and returns the path. */
export function writeTinyLlamaGguf(path: string, opts?: TinyLlamaOptions): string {
  writeFileSync(path, tinyLlamaGguf(opts));
  return path;
}
