import { describe, expect, it } from 'vitest';
import { seededRandom } from '../core/index.js';
import { compileNetwork } from '../reasoning/index.js';
import { simulatedWorld } from './__fixtures__/simulated.js';
import { PrivacyAccountant } from './privacy.js';
import type { MaskedPackage } from './secure-aggregation.js';
import { aggregateMasked, exportMaskedPackage, othersFromAggregate } from './secure-aggregation.js';
import type { Roster, RoundKeys } from './secure-aggregation-keys.js';
import { addToRoster, parseRoundKeys, roundKeys } from './secure-aggregation-keys.js';
import { decodeFixed, encodeFixed, maskWords } from './secure-aggregation-masks.js';
import { addStats, statsFromJson } from './sufficient-stats.js';

const world = simulatedWorld(3);
const net = compileNetwork(world.source);
const SITES = ['hospital-A', 'hospital-B', 'hospital-C'];

function round(id: string, sites = SITES): { roster: Roster; keys: Map<string, RoundKeys> } {
  let roster: Roster | undefined;
  const keys = new Map<string, RoundKeys>();
  for (const site of sites) {
    const k = roundKeys(id, site);
    roster = addToRoster(roster, id, k.member);
    keys.set(site, k.keys);
  }
  return { roster: roster!, keys };
}

function exportFor(
  r: ReturnType<typeof round>,
  site: string,
  i: number,
  accountant = new PrivacyAccountant({ epsilon: 8, delta: 1e-5 }),
) {
  const k = parseRoundKeys(r.keys.get(site));
  return exportMaskedPackage(net, world.sample(200, 10 + i), {
    roster: r.roster,
    site,
    agreementKey: k.agreement,
    signingKey: k.signing,
    epsilon: accountant.budget.epsilon,
    delta: 1e-5,
    clip: 12,
    accountant,
    uniform: seededRandom(100 + i),
  });
}

describe('secure aggregation', () => {
  it('cancels the pairwise masks: three masked vectors sum exactly to the plain sum', () => {
    const r = round('masks');
    const plain = SITES.map((_, i) => Array.from({ length: 500 }, (_, j) => (i + 1) * j - 700.25 + i / 3));
    const words = plain.map((v) => encodeFixed(v, 3));
    const masked = SITES.map((site, i) =>
      maskWords(words[i]!, site, parseRoundKeys(r.keys.get(site)).agreement, r.roster),
    );
    const sum = (vs: number[][]) => vs[0]!.map((_, j) => vs.reduce((a, v) => (a + v[j]!) % 2 ** 48, 0));
    expect(sum(masked)).toEqual(sum(words));
    const decoded = decodeFixed(sum(masked));
    decoded.forEach((x, j) => {
      expect(x).toBeCloseTo(plain[0]![j]! + plain[1]![j]! + plain[2]![j]!, 4);
    });
  });

  it('aggregates a round of three hospitals to the sum of their noised counts, and nothing else', () => {
    const r = round('r1');
    const out = SITES.map((s, i) => exportFor(r, s, i));
    const agg = aggregateMasked(
      out.map((o) => o.package),
      r.roster,
    );
    const sum = statsFromJson(agg.stats);
    const plain = addStats(out.map((o) => o.own.stats));
    for (const k of ['diseaseCases', 'strata', 'edgePresent', 'leakPresent'] as const)
      plain[k].forEach((x, j) => {
        expect(Math.abs(sum[k][j]! - x)).toBeLessThan(1e-4);
      });
    // Distributed noise (one colluder tolerated by default): each hospital draws σ²/(n − 1); the sum
    // carries 3σ²/2, and what one hospital sees of the others (the sum minus its own share) carries σ².
    const { sigma, siteSigma } = out[0]!.package.privacy;
    expect(siteSigma).toBeCloseTo(sigma / Math.SQRT2, 9);
    expect(sum.noise!.cells).toBeCloseTo(siteSigma * Math.sqrt(3), 9);
    expect(othersFromAggregate(sum, out[0]!.own.stats).noise!.cells).toBeCloseTo(sigma, 6);
    expect(agg.sites.map((s) => s.site)).toEqual(SITES);
  });

  it('shows the coordinator a package whose words are uniform and unrelated to its counts', () => {
    const r = round('r2');
    const { package: p, own } = exportFor(r, 'hospital-A', 0);
    const u = p.masked.map((w) => w / 2 ** 48);
    const counts = [...own.stats.diseaseCases, ...own.stats.strata, ...own.stats.edgePresent];
    // Pearson correlation of the words with the counts they carry.
    const n = counts.length;
    const mean = (xs: number[]) => xs.reduce((a, b) => a + b, 0) / xs.length;
    const [mu, mc] = [mean(u.slice(0, n)), mean(counts)];
    const cov = counts.reduce((a, c, j) => a + (c - mc) * (u[j]! - mu), 0);
    const sd = (xs: number[], m: number) => Math.sqrt(xs.reduce((a, x) => a + (x - m) ** 2, 0));
    // |r| above 0.3 on this many cells has p < 1e-6 for unrelated values.
    expect(Math.abs(cov / (sd(counts, mc) * sd(u.slice(0, n), mu)))).toBeLessThan(0.3);
    // Sixteen equal bins of [0, 1): χ² with 15 degrees of freedom, refused only above p = 1e-6 (χ² 53).
    const bins = new Array(16).fill(0);
    for (const x of u) bins[Math.floor(x * 16)]++;
    const expected = u.length / 16;
    expect(bins.reduce((a, b) => a + (b - expected) ** 2 / expected, 0)).toBeLessThan(53);
    // The zero cells (unobserved findings in a closed world, or a disease with no case) are masked too.
    expect(p.masked.filter((w) => w === 0).length).toBe(0);
  });

  it('refuses a missing package, naming the hospital (no dropout recovery)', () => {
    const r = round('r3');
    const out = SITES.slice(0, 2).map((s, i) => exportFor(r, s, i).package);
    expect(() => aggregateMasked(out, r.roster)).toThrow(/missing the package of hospital-C.*Shamir/);
  });

  it('refuses a duplicated package and one from a hospital not in the roster', () => {
    const r = round('r4');
    const out = SITES.map((s, i) => exportFor(r, s, i).package);
    expect(() => aggregateMasked([...out, out[1]], r.roster)).toThrow(/hospital-B' sent more than one package/);
    const stranger = round('r4', ['hospital-A', 'hospital-D']);
    const extra = exportFor(stranger, 'hospital-D', 3).package;
    expect(() => aggregateMasked([...out, extra], r.roster)).toThrow(/hospital-D' is not in the roster of round 'r4'/);
  });

  it('refuses a tampered package and one signed with a key not in the roster', () => {
    const r = round('r5');
    const out = SITES.map((s, i) => exportFor(r, s, i).package);
    const tampered: MaskedPackage = { ...out[2]!, masked: out[2]!.masked.map((w, j) => (j === 0 ? w + 1 : w)) };
    expect(() => aggregateMasked([out[0], out[1], tampered], r.roster)).toThrow(
      /hospital-C': the signature does not verify/,
    );
    const forged = { ...out[2]!, signature: out[1]!.signature };
    expect(() => aggregateMasked([out[0], out[1], forged], r.roster)).toThrow(/signature does not verify/);
    // The same site with other keys (a roster the coordinator does not hold).
    const other = round('r5');
    const impostor = exportFor(other, 'hospital-C', 2).package;
    expect(() => aggregateMasked([out[0], out[1], impostor], r.roster)).toThrow(
      /hospital-C' signed with a key not in the roster/,
    );
  });

  it('refuses keys that are not the roster’s, a second package in a round, and a release past the budget', () => {
    const r = round('r6');
    const k = parseRoundKeys(round('r6').keys.get('hospital-A'));
    const base = { epsilon: 1, delta: 1e-5, clip: 12, uniform: seededRandom(1), roster: r.roster, site: 'hospital-A' };
    const accountant = new PrivacyAccountant({ epsilon: 1, delta: 1e-5 });
    expect(() =>
      exportMaskedPackage(net, world.sample(10, 1), {
        ...base,
        agreementKey: k.agreement,
        signingKey: k.signing,
        accountant,
      }),
    ).toThrow(/not this hospital's keys/);
    expect(accountant.ledger).toHaveLength(0);
    exportFor(r, 'hospital-A', 0, accountant);
    expect(() => exportFor(r, 'hospital-A', 0, accountant)).toThrow(/already released in round 'r6'/);
    expect(() => exportFor(round('r7'), 'hospital-A', 0, accountant)).toThrow(/refused: releasing round r7/);
    expect(accountant.ledger).toHaveLength(1);
  });

  it('refuses values whose sum could overflow the fixed-point range', () => {
    expect(() => encodeFixed([1, 2 ** 31 / 3], 3)).toThrow(/vector\[1\].*overflow/);
    expect(decodeFixed(encodeFixed([-5.5, 0, 7e8 + 0.25], 3))).toEqual([-5.5, 0, 7e8 + 0.25]);
  });
});
