import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import dxy from './dxy.js';
import { repoRoot } from './lib/harness.js';

const fixture = (f: string) => join(repoRoot, 'bench', 'data', 'dxy-fixture', f);
const run = (data: string, train: string) => dxy.run({ data, train, args: { split: 'all' }, log: () => {} });

describe('dxy --train FILE --data FILE', () => {
  it('learns only from --train: the same records with their labels shuffled score near chance', async () => {
    const control = await run(fixture('scored.jsonl'), fixture('train.jsonl'));
    const shuffled = await run(fixture('scored-shuffled.jsonl'), fixture('train.jsonl'));
    // The network from train.jsonl names the true disease of the scored records…
    expect(control.accuracy).toBeGreaterThanOrEqual(0.9);
    // …so on the shuffled copy it is right only where the shuffle kept a label (7 of 40), near 1 in 4.
    expect(shuffled.accuracy).toBeLessThanOrEqual(0.3);
    expect(shuffled.split).toMatchObject({
      learnedFrom: expect.stringContaining('train.jsonl'),
      scored: 'all',
      records: 40,
    });
  });

  it('refuses to score the training file', async () => {
    await expect(run(fixture('train.jsonl'), fixture('train.jsonl'))).rejects.toThrow(
      /--data: .* is the training file/,
    );
  });
});
