import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import type { QueryResult, Sql } from '../core/index.js';
import {
  imagePart,
  loadVisionConfig,
  OpenAiCompatibleProvider,
  type OpenAiTestServer,
  startOpenAiTestServer,
  VisionReader,
} from '../llm/index.js';
import { judgeSecondRead, secondRead, type VisionFinding } from './second-read.js';

const REPORT =
  'FINDINGS:\nThere is a 12 mm solid nodule in the right upper lobe. An 8 mm cyst in the left kidney.\n\n' +
  'IMPRESSION:\nLung-RADS category 4A.';
// Enough of a JPEG to be told apart by its first bytes; the model never decodes it here.
const JPEG = Uint8Array.from([0xff, 0xd8, 0xff, 0xe0, 0x00, 0x10, 0x4a, 0x46, 0x49, 0x46, 0x00, 0x01, 0xff, 0xd9]);
const finding = (f: Partial<VisionFinding> & { finding: string }): VisionFinding => ({
  laterality: null,
  sizeMm: null,
  site: null,
  category: null,
  ...f,
});

/** The ledger's rows as written (`insert into llm_call …`), without a database. */
function recordingSql(): Sql & { calls: { text: string; params: readonly unknown[] }[] } {
  const calls: { text: string; params: readonly unknown[] }[] = [];
  const sql: Sql & { calls: typeof calls } = {
    dialect: 'pglite' as const,
    calls,
    query: async <T>(text: string, params: readonly unknown[] = []) => {
      calls.push({ text, params });
      return { rows: [] as T[], rowCount: 0 } as unknown as QueryResult<T>;
    },
    exec: async () => {},
    transaction: async <T>(fn: (tx: Sql) => Promise<T>) => fn(sql),
  };
  return sql;
}
const ledgerRows = (sql: ReturnType<typeof recordingSql>) =>
  sql.calls
    .filter((c) => c.text.includes('insert into llm_call'))
    .map((c) => ({ purpose: c.params[1], trust: c.params[4], status: c.params[6], request: String(c.params[11]) }));

describe('second reader: each finding of the vision model checked against the report', () => {
  it('agrees, contradicts (other side) and is not in the report, with the report’s spans as evidence', () => {
    const [agrees, otherSide, absent] = judgeSecondRead(
      [
        finding({
          finding: 'solid nodule',
          laterality: 'right',
          sizeMm: 13,
          site: 'right upper lobe',
          category: { scale: 'Lung-RADS', value: '4a' },
        }),
        finding({ finding: 'cyst', laterality: 'right', sizeMm: 8, site: 'right kidney' }),
        finding({ finding: 'consolidation', laterality: 'left', site: 'left lower lobe' }),
      ],
      REPORT,
      { document: 'DiagnosticReport/r1' },
    );
    expect(agrees).toMatchObject({ lesion: 'nodule', verdict: 'agrees', conflicts: [] });
    expect(agrees!.evidence.map((s) => s.quote)).toEqual(['12 mm solid nodule', 'Lung-RADS category 4A']);
    for (const s of agrees!.evidence) expect(REPORT.slice(s.start, s.end)).toBe(s.quote);
    expect(otherSide).toMatchObject({
      lesion: 'cyst',
      verdict: 'contradicts',
      conflicts: [{ field: 'laterality', report: 'left', model: 'right' }],
    });
    expect(absent).toMatchObject({ lesion: 'consolidation', verdict: 'not-in-report', evidence: [] });
  });

  it('contradicts a size beyond the tolerance, another category, another lobe; reads a Chinese report', () => {
    const got = judgeSecondRead(
      [
        finding({ finding: 'nodule', laterality: 'right', sizeMm: 25 }),
        finding({ finding: 'nodule', sizeMm: 11 }),
        finding({ finding: 'nodule', category: { scale: 'Lung-RADS', value: '2' } }),
        finding({ finding: 'nodule', laterality: 'right', site: 'right lower lobe' }),
      ],
      REPORT,
    );
    expect(got.map((g) => [g.verdict, g.conflicts.map((c) => c.field)])).toEqual([
      ['contradicts', ['size']],
      ['agrees', []],
      ['contradicts', ['category']],
      ['contradicts', ['site']],
    ]);
    const zh = judgeSecondRead(
      [finding({ finding: '结节', laterality: 'left', sizeMm: 12, site: '左肺上叶' })],
      '右肺上叶见一实性结节，大小约1.2×0.8cm。',
    );
    expect(zh[0]).toMatchObject({ verdict: 'contradicts', conflicts: [{ field: 'laterality', report: 'right' }] });
  });
});

describe('second reader through the OpenAI-compatible image input', () => {
  let server: OpenAiTestServer;
  beforeAll(async () => {
    server = await startOpenAiTestServer();
  });
  afterAll(async () => server?.close());
  beforeEach(() => server.clear());
  const env = (extra: NodeJS.ProcessEnv = {}) => ({
    MEDSEEK_VISION_BASE_URL: server.url,
    MEDSEEK_VISION_MODEL: 'qwen2.5-vl-7b',
    ...extra,
  });

  it('sends the image as an image_url part (not the report), and judges the scripted findings', async () => {
    const sql = recordingSql();
    const reader = VisionReader.fromEnv(env({ MEDSEEK_VISION_TRUST: 'local' }), sql)!;
    server.enqueue({
      kind: 'reply',
      content: JSON.stringify({
        findings: [
          finding({ finding: 'nodule', laterality: 'right', sizeMm: 12, site: 'right upper lobe' }),
          finding({ finding: 'cyst', laterality: 'right', sizeMm: 8 }),
          finding({ finding: 'mass', laterality: 'left', sizeMm: 30, site: 'left breast' }),
        ],
      }),
    });
    const r = await secondRead(reader, { image: imagePart(JPEG), reportText: REPORT, context: 'CT chest, axial' });
    expect(r.ok && r.suggestions.map((s) => [s.lesion, s.verdict])).toEqual([
      ['nodule', 'agrees'],
      ['cyst', 'contradicts'],
      ['mass', 'not-in-report'],
    ]);
    expect(r.model).toMatchObject({ used: true, provider: 'vision', deidentified: false });

    expect(server.requests).toHaveLength(1);
    const body = server.requests[0]!.body as { model: string; messages: { role: string; content: unknown }[] };
    expect(body.model).toBe('qwen2.5-vl-7b');
    const user = body.messages.at(-1)!;
    expect(user.role).toBe('user');
    const parts = user.content as { type: string; text?: string; image_url?: { url: string } }[];
    expect(parts.map((p) => p.type)).toEqual(['text', 'image_url']);
    expect(parts[1]!.image_url!.url).toBe(`data:image/jpeg;base64,${Buffer.from(JPEG).toString('base64')}`);
    expect(JSON.stringify(body)).not.toContain('solid nodule in the right upper lobe');

    // In the ledger like any call: by the image's digest, never its pixels.
    const [row] = ledgerRows(sql);
    expect(row).toMatchObject({ purpose: 'verify/second-read', trust: 'local', status: 'ok' });
    expect(row!.request).toContain(imagePart(JPEG).sha256);
    expect(row!.request).not.toContain(Buffer.from(JPEG).toString('base64'));
    await reader.close();
  });

  it('refuses to send an image to a model that is not trusted-local, and records the refusal', async () => {
    const sql = recordingSql();
    const reader = VisionReader.fromEnv(env(), sql)!;
    expect(reader.status).toMatchObject({ trust: 'external', imagesAllowed: false });
    const r = await secondRead(reader, { image: imagePart(JPEG), reportText: REPORT });
    expect(r).toMatchObject({ ok: false, reason: 'refused', model: { used: false } });
    expect(!r.ok && r.message).toContain('MEDSEEK_LLM_IMAGES=allow-external');
    expect(server.requests).toHaveLength(0);
    expect(ledgerRows(sql)).toMatchObject([{ status: 'refused', trust: 'external' }]);
    expect(ledgerRows(sql)[0]!.request).not.toContain(Buffer.from(JPEG).toString('base64'));

    // The provider itself refuses too, whoever calls it.
    const provider = new OpenAiCompatibleProvider({
      name: 'external',
      kind: 'openai-compatible',
      baseURL: server.url,
      model: 'vl',
      trust: 'external',
      jsonMode: 'json_schema',
    });
    await expect(
      provider.complete({ model: 'vl', messages: [{ role: 'user', content: 'x', images: [imagePart(JPEG)] }] }),
    ).rejects.toMatchObject({ kind: 'bad-request' });
    expect(server.requests).toHaveLength(0);

    // The operator may allow it, knowingly.
    const allowed = VisionReader.fromEnv(env({ MEDSEEK_LLM_IMAGES: 'allow-external' }))!;
    server.enqueue({ kind: 'reply', content: '{"findings":[]}' });
    expect(await secondRead(allowed, { image: imagePart(JPEG), reportText: REPORT })).toMatchObject({
      ok: true,
      suggestions: [],
    });
    expect(server.requests).toHaveLength(1);
  });

  it('keeps the image when the schema goes in the prompt (a server with JSON object mode only)', async () => {
    const provider = new OpenAiCompatibleProvider({
      name: 'vl-json-object',
      kind: 'openai-compatible',
      baseURL: server.url,
      model: 'vl',
      trust: 'local',
      jsonMode: 'json_object',
    });
    const reader = new VisionReader(provider, { externalImages: false, deadlineMs: 10_000 });
    server.enqueue({ kind: 'reply', content: '{"findings":[]}' });
    expect(await secondRead(reader, { image: imagePart(JPEG), reportText: REPORT })).toMatchObject({ ok: true });
    const body = server.requests[0]!.body as { messages: { content: unknown }[]; response_format: unknown };
    expect(body.response_format).toEqual({ type: 'json_object' });
    const parts = body.messages.at(-1)!.content as { type: string; text?: string }[];
    expect(parts.map((p) => p.type)).toEqual(['text', 'image_url']);
    expect(parts[0]!.text).toContain('findings');
  });

  it('is off without a vision server, and names a bad setting', () => {
    expect(loadVisionConfig({})).toBeUndefined();
    expect(() => loadVisionConfig({ MEDSEEK_VISION_BASE_URL: 'http://127.0.0.1:8000/v1' })).toThrow(
      'MEDSEEK_VISION_MODEL',
    );
    expect(() => loadVisionConfig({ MEDSEEK_LLM_IMAGES: 'yes' })).toThrow('allow-external');
    expect(() => imagePart(new TextEncoder().encode('<svg/>'))).toThrow('not JPEG, PNG or WebP');
  });
});
