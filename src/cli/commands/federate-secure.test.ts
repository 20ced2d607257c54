import { copyFileSync, readFileSync, writeFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { federateSites } from './__fixtures__/federate-sites.js';

const SITES = ['a', 'b', 'c'];

/** A secure-aggregation round by files: three hospitals' keys and masked packages, a coordinator, an import. */
describe('medseek federate with secure aggregation (CLI)', { timeout: 120_000 }, () => {
  const { at, run } = federateSites('medseek-federate-secure-', { a: [0, 4], b: [4, 8], c: [8, 12] });

  // Each hospital's ledger holds a budget of two rounds at ε = 8.
  const exportArgs = (s: string, r: string) =>
    ['export', '--kb', 'ddxplus', '--cases', at(`${s}.jsonl`), '--site', s, '--ledger', at(`${s}-ledger.json`)].concat(
      ['--out', at(`${s}.pkg.json`), '--epsilon', '8', '--closed-world', '--round', at(`${r}-roster.json`)],
      ['--keys', at(`${s}-${r}-keys.json`)],
      r === 'r1' ? ['--budget-epsilon', '16', '--budget-delta', '2e-5'] : [],
    );
  const keys = (s: string, r: string) =>
    run('keys', '--round', r, '--site', s, '--keys', at(`${s}-${r}-keys.json`), '--roster', at(`${r}-roster.json`));
  const aggregate = (r: string, ...pkgs: string[]) =>
    run(
      'aggregate',
      ...pkgs.map((s) => at(`${s}.pkg.json`)),
      '--roster',
      at(`${r}-roster.json`),
      '--out',
      at('agg.json'),
    );

  it('runs a round: keys into a roster, masked signed packages, refusing what is missing, extra or altered', async () => {
    for (const s of SITES) await keys(s, 'r1');
    await expect(keys('a', 'r1')).rejects.toThrow(/never overwritten/);
    expect(JSON.parse(readFileSync(at('r1-roster.json'), 'utf8')).members).toHaveLength(3);
    for (const s of SITES) expect(await run(...exportArgs(s, 'r1'))).toMatch(/spent ε 8 of 16/);
    await expect(run(...exportArgs('a', 'r1').slice(0, -4))).rejects.toThrow(/already released in round 'r1'/);
    const pkg = JSON.parse(readFileSync(at('a.pkg.json'), 'utf8'));
    expect(pkg).toMatchObject({ format: 'medseek-federated-masked/1', site: 'a', privacy: { colluders: 1 } });
    expect(JSON.stringify(pkg)).not.toMatch(/row-\d/);

    await expect(aggregate('r1', 'a', 'b')).rejects.toThrow(/missing the package of c/);
    await expect(aggregate('r1', 'a', 'b', 'c', 'c')).rejects.toThrow(/'c' sent more than one package/);
    writeFileSync(at('c.pkg.json'), JSON.stringify({ ...pkg, site: 'c' }));
    await expect(aggregate('r1', 'a', 'b', 'c')).rejects.toThrow(/'c' signed with a key not in the roster/);
    writeFileSync(at('b.pkg.json'), JSON.stringify({ ...pkg, privacy: { ...pkg.privacy, epsilon: 80 } }));
    await expect(aggregate('r1', 'a', 'b', 'c')).rejects.toThrow(/hospital 'a': the signature does not verify/);
  });

  it('aggregates a full round to the sum only and imports it as a candidate release', async () => {
    for (const s of SITES) await keys(s, 'r2');
    for (const s of SITES) expect(await run(...exportArgs(s, 'r2'))).toMatch(/spent ε 16 of 16/);
    expect(await aggregate('r2', 'a', 'b', 'c')).toMatch(/3 sites/);
    expect(JSON.parse(readFileSync(at('agg.json'), 'utf8')).secureAggregation).toMatchObject({ round: 'r2' });
    const imported = JSON.parse(await run('import', at('agg.json'), '--kb', 'ddxplus', '--by', 'dr.li'));
    expect(imported).toMatchObject({ status: 'candidate' });
  });

  it('survives a dropout: shares, self-masked packages, the survivors unmask, the sum of three', async () => {
    copyFileSync(at('a.jsonl'), at('d.jsonl'));
    const all = [...SITES, 'd'];
    const roster = at('r3-roster.json');
    const file = (s: string, what: string) => at(`${s}-r3-${what}.json`);
    const shares = (s: string) =>
      run(
        'shares',
        '--roster',
        roster,
        '--keys',
        file(s, 'keys'),
        '--secret',
        file(s, 'secret'),
        '--out',
        file(s, 'shares'),
      );
    for (const s of all) await keys(s, 'r3');
    for (const s of all) expect(await shares(s)).toMatch(/shares for 4 hospitals, 3 rebuild a secret/);
    await expect(shares('a')).rejects.toThrow(/never replaced/);
    for (const s of SITES)
      expect(
        await run(
          ...['export', '--kb', 'ddxplus', '--cases', at(`${s}.jsonl`), '--site', s, '--ledger', file(s, 'ledger')],
          ...[
            '--out',
            file(s, 'pkg'),
            '--epsilon',
            '8',
            '--closed-world',
            '--round',
            roster,
            '--keys',
            file(s, 'keys'),
          ],
          ...['--secret', file(s, 'secret'), '--budget-epsilon', '12', '--budget-delta', '1e-5'],
        ),
      ).toMatch(/spent ε 8 of 12/);
    const pkgs = SITES.map((s) => file(s, 'pkg'));
    const request = (sharesFiles: string[], packages = pkgs) =>
      run('aggregate', ...packages, '--roster', roster, '--shares', ...sharesFiles, '--out', at('request.json'));

    // d dropped after sending its shares. Its pairwise masks are in a, b and c's packages.
    await expect(run('aggregate', ...pkgs, '--roster', roster, '--out', at('agg3.json'))).rejects.toThrow(
      /self-masked its package/,
    );
    const dShares = JSON.parse(readFileSync(file('d', 'shares'), 'utf8'));
    writeFileSync(at('d-bad.json'), JSON.stringify({ ...dShares, threshold: 2 }));
    await expect(request([...SITES.map((s) => file(s, 'shares')), at('d-bad.json')])).rejects.toThrow(
      /shares file of 'd' does not verify/,
    );
    const allShares = all.map((s) => file(s, 'shares'));
    await expect(request(allShares, pkgs.slice(0, 2))).rejects.toThrow(/3 are needed.*missing: c, d/);
    expect(await request(allShares)).toMatch(/survivors a, b, c; dropped d/);

    const unmask = (s: string, req: string) =>
      run(
        ...['unmask', '--request', req, '--roster', roster, '--keys', file(s, 'keys'), '--secret', file(s, 'secret')],
        ...['--ledger', file(s, 'ledger'), '--out', file(s, 'response')],
      );
    const greedy = JSON.parse(readFileSync(at('request.json'), 'utf8'));
    writeFileSync(at('greedy.json'), JSON.stringify({ ...greedy, survivors: all }));
    await expect(unmask('a', at('greedy.json'))).rejects.toThrow(
      /both the mask-key share and the self-mask share of d/,
    );
    // One dropout of four, noise padded for one colluder: ε 10.25 towards one hospital, not 8; each survivor's
    // ledger pays the difference before it answers.
    for (const s of SITES)
      expect(await unmask(s, at('request.json'))).toMatch(
        /1 dropped and 3 surviving .* ε 8\.0\d\d towards the coordinator, ε 10\.2\d+ towards one hospital; spent ε 10/,
      );
    expect(JSON.parse(readFileSync(file('a', 'secret'), 'utf8')).answered).toMatchObject({ dropped: ['d'] });

    const answer = (sites: string[]) =>
      run(
        ...['aggregate', ...pkgs, '--roster', roster, '--request', at('request.json'), '--responses'],
        ...sites.map((s) => file(s, 'response')).concat('--out', at('agg3.json')),
      );
    await expect(answer(['a', 'c'])).rejects.toThrow(/2 answers, 3 needed; no answer from b/);
    const out = await run(
      ...['aggregate', ...pkgs, '--roster', roster, '--request', at('request.json')],
      ...['--responses', ...SITES.map((s) => file(s, 'response')), '--out', at('agg3.json')],
    );
    expect(out).toMatch(/3 sites, .*1 of 4 hospitals dropped/);
    const agg = JSON.parse(readFileSync(at('agg3.json'), 'utf8'));
    expect(agg.sites.map((s: { site: string }) => s.site)).toEqual(SITES);
    expect(agg.secureAggregation.dropouts).toMatchObject({ dropped: ['d'], survivors: SITES, threshold: 3 });
    const imported = JSON.parse(await run('import', at('agg3.json'), '--kb', 'ddxplus', '--by', 'dr.li'));
    expect(imported).toMatchObject({ status: 'candidate' });
  });
});
