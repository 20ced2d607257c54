import { copyFileSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Command } from 'commander';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { ddxPatientCase, parseDdxKnowledge, parseDdxPatients } from '../../reasoning/index.js';
import { register } from './federate.js';

const fixture = fileURLToPath(new URL('../../reasoning/diagnosis/__fixtures__/ddxplus/', import.meta.url));

/** `medseek federate` as two hospitals and a coordinator run it, on the DDXPlus fixture and an on-disk PGlite. */
describe('medseek federate (CLI)', { timeout: 120_000 }, () => {
  let dir: string;
  const saved = {
    data: process.env.MEDSEEK_DATA_DIR,
    ddx: process.env.MEDSEEK_DDXPLUS_DIR,
    url: process.env.DATABASE_URL,
  };

  beforeAll(() => {
    dir = mkdtempSync(join(tmpdir(), 'medseek-federate-cli-'));
    const ddx = join(dir, 'ddxplus');
    mkdirSync(ddx);
    for (const f of ['release_conditions.json', 'release_evidences.json']) copyFileSync(join(fixture, f), join(ddx, f));
    copyFileSync(join(fixture, 'patients.csv'), join(ddx, 'patients_part1.csv'));
    process.env.MEDSEEK_DDXPLUS_DIR = ddx;
    process.env.MEDSEEK_DATA_DIR = join(dir, 'store');
    delete process.env.DATABASE_URL;
    const kb = parseDdxKnowledge(
      readFileSync(join(fixture, 'release_conditions.json'), 'utf8'),
      readFileSync(join(fixture, 'release_evidences.json'), 'utf8'),
    );
    const patients = parseDdxPatients(readFileSync(join(fixture, 'patients.csv'), 'utf8'));
    const line = (p: (typeof patients)[number]) =>
      JSON.stringify({ id: `row-${p.row}`, diagnosis: p.pathology, input: ddxPatientCase(kb, p, true) });
    writeFileSync(join(dir, 'a.jsonl'), `${patients.slice(0, 6).map(line).join('\n')}\n`);
    writeFileSync(join(dir, 'b.jsonl'), `${patients.slice(6).map(line).join('\n')}\n`);
  });
  afterAll(() => {
    for (const [k, v] of [
      ['MEDSEEK_DATA_DIR', saved.data],
      ['MEDSEEK_DDXPLUS_DIR', saved.ddx],
      ['DATABASE_URL', saved.url],
    ] as const)
      if (v === undefined) delete process.env[k];
      else process.env[k] = v;
    rmSync(dir, { recursive: true, force: true });
  });

  async function run(...args: string[]): Promise<string> {
    let out = '';
    const spy = vi.spyOn(process.stdout, 'write').mockImplementation((chunk: string | Uint8Array) => {
      out += String(chunk);
      return true;
    });
    const program = new Command().exitOverride();
    register(program);
    try {
      await program.parseAsync(['node', 'medseek', 'federate', ...args]);
    } finally {
      spy.mockRestore();
    }
    return out;
  }

  const exportArgs = (site: string) => [
    'export',
    '--kb',
    'ddxplus',
    '--cases',
    join(dir, `${site}.jsonl`),
    '--site',
    site,
    '--ledger',
    join(dir, `${site}-ledger.json`),
    '--out',
    join(dir, `${site}.pkg.json`),
    '--epsilon',
    '8',
    '--closed-world',
  ];

  it('exports counts under a budget, refuses a release past it, aggregates and imports a candidate', async () => {
    expect(await run(...exportArgs('a'), '--budget-epsilon', '8', '--budget-delta', '1e-5')).toMatch(/spent ε 8 of 8/);
    const pkg = JSON.parse(readFileSync(join(dir, 'a.pkg.json'), 'utf8'));
    expect(pkg).toMatchObject({ format: 'medseek-federated-counts/1', site: 'a', network: { id: 'ddxplus' } });
    // Nothing of a patient but counts: no case id or diagnosis list crosses the wall.
    expect(JSON.stringify(pkg)).not.toMatch(/row-\d/);
    await expect(run(...exportArgs('a'))).rejects.toThrow(/refused/);
    await run(...exportArgs('b'), '--budget-epsilon', '8', '--budget-delta', '1e-5');
    const ledger = JSON.parse(readFileSync(join(dir, 'a-ledger.json'), 'utf8'));
    expect(ledger.spends).toHaveLength(1);

    await expect(
      run('aggregate', join(dir, 'a.pkg.json'), join(dir, 'a.pkg.json'), '--out', join(dir, 'x.json')),
    ).rejects.toThrow(/site 'a' appears twice/);
    expect(
      await run('aggregate', join(dir, 'a.pkg.json'), join(dir, 'b.pkg.json'), '--out', join(dir, 'agg.json')),
    ).toMatch(/2 sites/);
    const imported = JSON.parse(await run('import', join(dir, 'agg.json'), '--kb', 'ddxplus', '--by', 'dr.li'));
    expect(imported).toMatchObject({ status: 'candidate' });
    expect(imported.id).toMatch(/^ddxplus~learned-/);
    expect(existsSync(join(dir, 'store'))).toBe(true);
  });
});
