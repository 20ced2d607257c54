import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { createEmptyStore } from '../../../test/support/pglite.js';
import { programFor } from '../program.js';

/** `medseek kg …` as a user runs it, parsed by the real program, against an on-disk PGlite. */
describe('medseek kg (CLI)', { timeout: 120_000 }, () => {
  let dataDir: string;
  const saved = { dir: process.env.MEDSEEK_DATA_DIR, url: process.env.DATABASE_URL };
  const fixtures = fileURLToPath(new URL('../../knowledge/__fixtures__/', import.meta.url));

  beforeAll(async () => {
    dataDir = mkdtempSync(join(tmpdir(), 'medseek-kg-'));
    process.env.MEDSEEK_DATA_DIR = join(dataDir, 'store');
    delete process.env.DATABASE_URL;
    await createEmptyStore(join(dataDir, 'store'));
    // The process's first store pays its initdb here, once: a minute and more on a busy machine.
  }, 240_000);

  afterAll(() => {
    rmSync(dataDir, { recursive: true, force: true });
    if (saved.dir === undefined) delete process.env.MEDSEEK_DATA_DIR;
    else process.env.MEDSEEK_DATA_DIR = saved.dir;
    if (saved.url !== undefined) process.env.DATABASE_URL = saved.url;
  });

  async function run(...args: string[]): Promise<string> {
    const out: string[] = [];
    const spy = vi.spyOn(process.stdout, 'write').mockImplementation((s) => {
      out.push(String(s));
      return true;
    });
    try {
      const argv = ['node', 'medseek', ...args];
      await (await programFor(argv)).exitOverride().parseAsync(argv);
    } finally {
      spy.mockRestore();
    }
    return out.join('');
  }

  it('imports, lists, finds and explains a path', async () => {
    expect(await run('kg', 'import', 'cds', '--activate')).toMatch(/release 1 created, active/);
    expect(await run('kg', 'import', 'ddxplus', join(fixtures, 'ddxplus'), '--activate')).toMatch(
      /release 2 created, active/,
    );
    expect(await run('kg', 'import', 'ddxplus', join(fixtures, 'ddxplus'))).toMatch(/already imported/);
    const releases = await run('kg', 'releases');
    expect(releases).toMatch(/^\* 2 .*cds \+ ddxplus/m);
    expect(await run('kg', 'find', '华法林')).toMatch(/^drug:warfarin +\[drug\]/m);
    const path = await run('kg', 'path', 'ddxplus:E_79', 'ddxplus:E_91', '--max-hops', '2', '--limit', '1');
    expect(path).toMatch(/-\[risk-factor-of\]->/);
    expect(path).toMatch(/source: Mila \(DDXPlus\).*\(CC-BY\)/);
    expect(await run('kg', 'activate', '1')).toMatch(/release 1 is active/);
  });

  it('says what is wrong with bad input', async () => {
    await expect(run('kg', 'import', 'snomed', 'x')).rejects.toThrow(/unknown import kind 'snomed'/);
    await expect(run('kg', 'activate', 'one')).rejects.toThrow(/release must be a whole number/);
    await expect(run('kg', 'import', 'icd10cn', join(fixtures, 'local.json'))).rejects.toThrow(/header must be/);
  });

  it('imports HPO annotations from a folder and reports frequencies, Chinese names and sources', async () => {
    expect(await run('kg', 'import', 'hpo', join(fixtures, 'hpo'), '--activate')).toMatch(
      /hpo: imported \d+ concepts, 5 relations/,
    );
    const report = JSON.parse(await run('kg', 'report', '--json'));
    expect(report.edges).toEqual({ total: 5, withFrequency: 4, frequencyUnknown: 1 });
    expect(report.findings).toEqual({ total: 4, withZhName: 3, zhCoverage: 0.75 });
    expect(report.sources.find((s: { id: string }) => s.id === 'hpo-orphanet')).toMatchObject({
      relations: 1,
      shippable: true,
      version: '2026-01-08',
    });
    expect(await run('kg', 'report')).toMatch(
      /3 diseases with findings .* 5 has-finding edges \(4 with a frequency, 1 frequency unknown\)/,
    );
  });
});
