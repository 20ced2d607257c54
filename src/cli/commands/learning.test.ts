import { mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PassThrough } from 'node:stream';
import { Command } from 'commander';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { forEachBackend } from '../../../test/support/backends.js';
import { checkLine, REWARD_DESCRIPTION, type RewardLine } from '../../learning/export/index.js';
import { LlmLedger } from '../../llm/index.js';
import { createResourceRepository } from '../../store/index.js';
import { recordFromTexts } from '../../verify/index.js';
import { register, scoreLines, writeTrainingExport } from './learning.js';

const SECRET = 'cli-test-secret-0123456789';

async function run(args: string[]): Promise<void> {
  const program = new Command('medseek').exitOverride();
  register(program);
  await program.parseAsync(['node', 'medseek', ...args]);
}

it('refuses an unknown kind and an export without a de-identification secret, naming each', async () => {
  await expect(run(['learning', 'export', '--kind', 'everything', '--out', '/tmp/x.jsonl'])).rejects.toThrow(
    /--kind.*unknown kind 'everything'/,
  );
  const saved = process.env.MEDSEEK_DEID_SECRET;
  delete process.env.MEDSEEK_DEID_SECRET;
  try {
    await expect(run(['learning', 'export', '--kind', 'sft', '--out', '/tmp/x.jsonl'])).rejects.toThrow(
      /MEDSEEK_DEID_SECRET/,
    );
  } finally {
    if (saved !== undefined) process.env.MEDSEEK_DEID_SECRET = saved;
  }
});

it('scores completions line by line with the verifier, and answers a bad line with its error', async () => {
  const record = recordFromTexts(
    [{ id: 'rec', text: '入院记录\n过敏史：青霉素过敏。\n辅助检查：C反应蛋白 96 mg/L。\n初步诊断：社区获得性肺炎。' }],
    { lang: 'zh' },
  );
  const item = {
    prompt: [{ role: 'user', content: '写出院诊断与入院检查。' }],
    record: record as unknown as RewardLine['record'],
    citations: {},
    critical: [],
    lang: 'zh',
    reward: { name: 'medseek-verifier', description: REWARD_DESCRIPTION },
    meta: { source: 'test', patient: 'pt_unknown' },
  } satisfies RewardLine;
  const input = new PassThrough();
  const output = new PassThrough();
  const chunks: string[] = [];
  output.on('data', (c: Buffer) => chunks.push(c.toString('utf8')));
  input.end(
    [
      { item, completion: '入院C反应蛋白 96 mg/L。出院诊断：社区获得性肺炎。' },
      { item, completion: '入院C反应蛋白 960 mg/L。出院诊断：社区获得性肺炎。' },
      { item: { ...item, lang: 'fr' }, completion: 'x' },
    ]
      .map((l) => JSON.stringify(l))
      .join('\n'),
  );
  expect(await scoreLines(input, output)).toBe(3);
  const answers = chunks
    .join('')
    .trim()
    .split('\n')
    .map((l) => JSON.parse(l) as { reward?: number; error?: string });
  expect(answers[0]!.reward).toBe(1);
  expect(answers[1]!.reward).toBe(0);
  expect(answers[2]!.error).toMatch(/line 3: field item\.lang/);
});

forEachBackend('medseek learning export', (db) => {
  let dir: string;
  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'medseek-learning-'));
    await createResourceRepository(db()).put({
      resourceType: 'Patient',
      id: 'p-cli',
      name: [{ family: 'Okafor', given: ['Adaeze'] }],
      telecom: [{ system: 'phone', value: '617-555-0142' }],
    });
    await new LlmLedger(db()).record({
      purpose: 'reasoning/consultation-answer',
      deidentified: false,
      status: 'ok',
      attempts: 1,
      latencyMs: 1,
      request: {
        messages: [{ role: 'user', content: 'Adaeze Okafor (phone 617-555-0142), fever since 2024-03-02: why?' }],
      },
      response: 'Likely community-acquired pneumonia.',
      reasoning: 'Ms. Okafor has fever and cough; the chest film shows a right lower lobe opacity.',
      costUsd: 0,
      patientRef: 'p-cli',
      phiFound: 0,
    });
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('writes the file only the operator can read, de-identified, and audits it with its destination', async () => {
    const out = join(dir, 'reasoning.jsonl');
    const r = await writeTrainingExport(db(), 'reasoning', out, { secret: SECRET });
    expect(r.lines).toHaveLength(1);
    const text = readFileSync(out, 'utf8');
    expect(text.endsWith('\n')).toBe(true);
    text
      .trim()
      .split('\n')
      .forEach((l, i) => {
        checkLine('reasoning', l, i + 1);
      });
    for (const s of ['Adaeze', 'Okafor', '617-555-0142', '2024-03-02', 'p-cli']) expect(text).not.toContain(s);
    expect(statSync(out).mode & 0o777).toBe(0o600);
    const { rows } = await db().query<{ patient_id: string; detail: unknown }>(
      `select patient_id, detail from medseek_audit where action = 'export' and resource = 'learning/export/reasoning'`,
    );
    expect(rows).toHaveLength(1);
    const detail = typeof rows[0]!.detail === 'string' ? JSON.parse(rows[0]!.detail) : rows[0]!.detail;
    expect(rows[0]!.patient_id).toBe('p-cli');
    expect(detail).toMatchObject({ kind: 'reasoning', lines: 1, deidentified: true, destination: out });
  });
});
