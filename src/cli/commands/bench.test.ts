import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Command } from 'commander';
import { describe, expect, it } from 'vitest';
import { register } from './bench.js';

const fixture = (f: string) => fileURLToPath(new URL(join('../../../bench/data/dxy-fixture', f), import.meta.url));

function run(...args: string[]): Promise<unknown> {
  const program = new Command('medseek').exitOverride();
  register(program);
  return program.parseAsync(['node', 'medseek', 'bench', ...args]);
}

describe('medseek bench --train', () => {
  it('names --train when the training file does not exist', async () => {
    await expect(
      run('dxy', '--data', fixture('scored.jsonl'), '--train', fixture('absent.jsonl')),
    ).rejects.toMatchObject({
      message: expect.stringMatching(/training file not found: .*absent\.jsonl/),
      location: { field: '--train' },
    });
  });

  it('refuses a training file for a benchmark that learns nothing', async () => {
    await expect(
      run('negex', '--data', fixture('train.jsonl'), '--train', fixture('train.jsonl')),
    ).rejects.toMatchObject({
      message: expect.stringContaining("benchmark 'negex' learns nothing"),
    });
  });
});
