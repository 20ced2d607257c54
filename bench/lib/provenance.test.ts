import { createHash } from 'node:crypto';
import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { gitState, provenance, sha256Of, shellQuote } from './provenance.js';

const sha = (text: string) => createHash('sha256').update(text).digest('hex');

describe('provenance', () => {
  const dir = mkdtempSync(join(tmpdir(), 'prov-'));
  const data = join(dir, 'data.tsv');
  const train = join(dir, 'train.tsv');
  writeFileSync(data, 'a\tb\n');
  writeFileSync(train, 'c\td\n');

  it('hashes the files read, the training file apart, other inputs once', async () => {
    const p = await provenance({
      repoRoot: dir,
      argv: ['bench', 'x', '--data', data, '--note', "it's"],
      data,
      train,
      inputs: [data, train, join(dir, 'train.tsv')],
      split: { scored: 'report' },
    });
    expect(p.data).toEqual({ path: data, sha256: sha('a\tb\n') });
    expect(p.train).toEqual({ path: train, sha256: sha('c\td\n') });
    expect(p.inputs).toBeUndefined();
    expect(p.split).toEqual({ scored: 'report' });
    expect(p.command).toBe(`medseek bench x --data ${data} --note 'it'\\''s'`);
    expect(Number.isNaN(Date.parse(p.date))).toBe(false);
    expect(p.load).toMatchObject({ cpus: expect.any(Number), atEnd: expect.any(Number) });
  });

  it('hashes a directory by its sorted entries', async () => {
    const d = join(dir, 'bundles');
    mkdirSync(d);
    writeFileSync(join(d, 'b.json'), '2');
    writeFileSync(join(d, 'a.json'), '1');
    expect(await sha256Of(d)).toBe(sha(`a.json\0${sha('1')}\nb.json\0${sha('2')}\n`));
  });

  it('gives null commit outside a git checkout', () => {
    expect(gitState(dir)).toEqual({ commit: null, dirty: null });
    expect(shellQuote('plain/path-1.json')).toBe('plain/path-1.json');
  });
});
