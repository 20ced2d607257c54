import { existsSync, readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { federateSites } from './__fixtures__/federate-sites.js';

/** `medseek federate` as two hospitals and a coordinator run it, on the DDXPlus fixture and an on-disk PGlite. */
describe('medseek federate (CLI)', { timeout: 120_000 }, () => {
  const { at, run } = federateSites('medseek-federate-cli-', { a: [0, 6], b: [6] });

  const exportArgs = (site: string) => [
    'export',
    '--kb',
    'ddxplus',
    '--cases',
    at(`${site}.jsonl`),
    '--site',
    site,
    '--ledger',
    at(`${site}-ledger.json`),
    '--out',
    at(`${site}.pkg.json`),
    '--epsilon',
    '8',
    '--closed-world',
  ];

  it('exports counts under a budget, refuses a release past it, aggregates and imports a candidate', async () => {
    expect(await run(...exportArgs('a'), '--budget-epsilon', '8', '--budget-delta', '1e-5')).toMatch(/spent ε 8 of 8/);
    const pkg = JSON.parse(readFileSync(at('a.pkg.json'), 'utf8'));
    expect(pkg).toMatchObject({ format: 'medseek-federated-counts/1', site: 'a', network: { id: 'ddxplus' } });
    // Nothing of a patient but counts: no case id or diagnosis list crosses the wall.
    expect(JSON.stringify(pkg)).not.toMatch(/row-\d/);
    await expect(run(...exportArgs('a'))).rejects.toThrow(/refused/);
    await run(...exportArgs('b'), '--budget-epsilon', '8', '--budget-delta', '1e-5');
    const ledger = JSON.parse(readFileSync(at('a-ledger.json'), 'utf8'));
    expect(ledger.spends).toHaveLength(1);

    await expect(run('aggregate', at('a.pkg.json'), at('a.pkg.json'), '--out', at('x.json'))).rejects.toThrow(
      /site 'a' appears twice/,
    );
    expect(await run('aggregate', at('a.pkg.json'), at('b.pkg.json'), '--out', at('agg.json'))).toMatch(/2 sites/);
    const imported = JSON.parse(await run('import', at('agg.json'), '--kb', 'ddxplus', '--by', 'dr.li'));
    expect(imported).toMatchObject({ status: 'candidate' });
    expect(imported.id).toMatch(/^ddxplus~learned-/);
    expect(existsSync(at('store'))).toBe(true);
  });
});
