import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { z } from 'zod';
import { LlmClient } from './client.js';
import { GgufProvider, loadNodeLlamaCpp } from './gguf-provider.js';
import { writeTinyLlamaGguf } from './testing/gguf-writer.js';

// node-llama-cpp is optional and its prebuilt binary may not run on every machine: the suite
// skips (saying why) where it cannot load, and runs everywhere it can.
const why = await loadNodeLlamaCpp()
  .then(async (mod) => {
    await mod.getLlama({ gpu: false, build: 'never', logLevel: mod.LlamaLogLevel.error, maxThreads: 1 });
    return undefined;
  })
  .catch((e: unknown) => (e as Error).message);

describe.skipIf(why !== undefined)(`embedded GGUF provider${why ? ` (skipped: ${why})` : ''}`, () => {
  let dir: string;
  let provider: GgufProvider;
  beforeAll(() => {
    dir = mkdtempSync(join(tmpdir(), 'medseek-gguf-'));
    provider = new GgufProvider({
      name: 'tiny',
      path: writeTinyLlamaGguf(join(dir, 'tiny.gguf')),
      contextSize: 512,
      threads: 1,
    });
  });
  afterAll(async () => {
    await provider.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('loads a GGUF file it wrote itself and generates text', async () => {
    const r = await provider.complete({ model: 'tiny', messages: [{ role: 'user', content: 'hello' }], maxTokens: 12 });
    expect(r.usage!.completionTokens).toBeGreaterThan(0);
    expect(r.usage!.promptTokens).toBeGreaterThan(0);
    expect(typeof r.content).toBe('string');
  });

  it('streams the text it generates', async () => {
    const chunks: string[] = [];
    const r = await provider.complete({
      model: 'tiny',
      messages: [{ role: 'user', content: 'hi' }],
      maxTokens: 8,
      onDelta: (d) => d.content && chunks.push(d.content),
    });
    expect(chunks.length).toBeGreaterThan(0);
    expect(chunks.join('').trim()).toBe(r.content);
  });

  it('constrains the answer to a JSON schema with a grammar, end to end through the client', async () => {
    const client = new LlmClient({ providers: [{ provider, concurrency: 1 }] });
    const schema = z.object({ verdict: z.enum(['supported', 'contradicted', 'unsupported']), certain: z.boolean() });
    // Random weights: only the grammar makes this valid JSON.
    const r = await client.structured(schema, { prompt: 'Is the claim supported?', maxTokens: 64 });
    expect(r.ok).toBe(true);
    expect(r.use).toMatchObject({ used: true, provider: 'tiny', deidentified: false });
    if (r.ok) expect(schema.safeParse(r.value).success).toBe(true);
  });

  it('fails with a typed error for a file that is not a model', async () => {
    const bad = new GgufProvider({ name: 'bad', path: join(dir, 'missing.gguf') });
    const e = await bad
      .complete({ model: 'x', messages: [{ role: 'user', content: 'hi' }] })
      .catch((err: unknown) => err);
    expect(e).toMatchObject({ kind: 'unavailable' });
  });
});
