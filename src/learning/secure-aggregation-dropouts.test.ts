import { describe, expect, it } from 'vitest';
import { seededRandom } from '../core/index.js';
import { compileNetwork } from '../reasoning/index.js';
import { simulatedWorld } from './__fixtures__/simulated.js';
import { gaussianSigma, PrivacyAccountant } from './privacy.js';
import { aggregateMasked, exportMaskedPackage } from './secure-aggregation.js';
import type { ParsedRoundKeys, Roster } from './secure-aggregation-keys.js';
import { addToRoster, parseRoundKeys, roundKeys, signBody } from './secure-aggregation-keys.js';
import type { RoundSecret, SharesFile } from './secure-aggregation-shares.js';
import { makeShares } from './secure-aggregation-shares.js';
import type { UnmaskRequest, UnmaskResponse } from './secure-aggregation-unmask.js';
import { aggregateWithRecovery, answerUnmask, gaussianEpsilon, unmaskRequest } from './secure-aggregation-unmask.js';
import { addStats, statsFromJson } from './sufficient-stats.js';

const world = simulatedWorld(3);
const net = compileNetwork(world.source);
const SITES = ['hospital-A', 'hospital-B', 'hospital-C', 'hospital-D'];

interface Hospital {
  keys: ParsedRoundKeys;
  shares: SharesFile;
  secret: RoundSecret;
}

/** A round of four hospitals that have all sent their shares files (threshold 3 by default). */
async function sharedRound(id: string): Promise<{ roster: Roster; at: Map<string, Hospital> }> {
  let roster: Roster | undefined;
  const keys = new Map<string, ParsedRoundKeys>();
  for (const site of SITES) {
    const k = roundKeys(id, site);
    roster = addToRoster(roster, id, k.member);
    keys.set(site, parseRoundKeys(k.keys));
  }
  const at = new Map<string, Hospital>();
  for (const site of SITES)
    at.set(site, { keys: keys.get(site)!, ...(await makeShares(roster!, site, keys.get(site)!)) });
  return { roster: roster!, at };
}

function exportFor(r: Awaited<ReturnType<typeof sharedRound>>, site: string) {
  const h = r.at.get(site)!;
  const i = SITES.indexOf(site);
  return exportMaskedPackage(net, world.sample(150, 20 + i), {
    roster: r.roster,
    site,
    agreementKey: h.keys.agreement,
    signingKey: h.keys.signing,
    dropout: h.secret,
    epsilon: 8,
    delta: 1e-5,
    clip: 12,
    accountant: new PrivacyAccountant({ epsilon: 8, delta: 1e-5 }),
    uniform: seededRandom(200 + i),
  });
}

const sharesOf = (r: Awaited<ReturnType<typeof sharedRound>>) => SITES.map((s) => r.at.get(s)!.shares);
const answer = (r: Awaited<ReturnType<typeof sharedRound>>, site: string, request: unknown) =>
  answerUnmask(request, { roster: r.roster, keys: r.at.get(site)!.keys, secret: r.at.get(site)!.secret });

describe('secure aggregation with dropouts (Shamir shares, double masking)', () => {
  it('recovers the sum of three survivors when the fourth drops after sending its shares', async () => {
    const r = await sharedRound('d1');
    const out = SITES.slice(0, 3).map((s) => exportFor(r, s));
    const packages = out.map((o) => o.package);
    // Self-masked packages are never summed without the survivors' answers.
    expect(() => aggregateMasked(packages, r.roster)).toThrow(/self-masked its package/);
    const request = unmaskRequest(packages, sharesOf(r), r.roster);
    expect(request).toMatchObject({ survivors: SITES.slice(0, 3), dropped: ['hospital-D'] });
    const responses = SITES.slice(0, 3).map((s) => answer(r, s, request).response);
    expect(Object.keys(responses[0]!.keyShares)).toEqual(['hospital-D']);
    const agg = await aggregateWithRecovery(packages, r.roster, request, responses);
    // D's package arriving after the unmasking is not taken (and its self-mask still hides it).
    const late = exportFor(r, 'hospital-D').package;
    await expect(aggregateWithRecovery([...packages, late], r.roster, request, responses)).rejects.toThrow(
      /request was made for other packages/,
    );

    const sum = statsFromJson(agg.stats);
    const plain = addStats(out.map((o) => o.own.stats));
    for (const k of ['diseaseCases', 'strata', 'edgePresent', 'edgeMissing', 'leakPresent'] as const)
      plain[k].forEach((x, j) => {
        expect(Math.abs(sum[k][j]! - x)).toBeLessThan(1e-4);
      });
    expect(agg.sites.map((s) => s.site)).toEqual(SITES.slice(0, 3));

    // Noise: each of 4 drew σ²/3 (one colluder tolerated); 3 survivors carry σ² towards the coordinator, so ε
    // holds there, but a hospital that knows its own noise sees 2σ²/3: a larger ε, recorded, not hidden.
    const { sigma, siteSigma } = packages[0]!.privacy;
    expect(sum.noise!.cells).toBeCloseTo(siteSigma * Math.sqrt(3), 9);
    const d = agg.secureAggregation.dropouts!;
    expect(d).toMatchObject({ dropped: ['hospital-D'], threshold: 3, planned: { epsilon: 8 } });
    expect(d.achieved.towardCoordinator.sigma).toBeCloseTo(sigma, 6);
    expect(d.achieved.towardCoordinator.epsilon).toBeCloseTo(8, 2);
    expect(d.achieved.towardEachHospital.epsilon).toBeGreaterThan(9);
    expect(d.note).toMatch(/1 of 4 hospitals dropped.*ε 8 towards the coordinator and ε 10\.\d+ towards one hospital/);
  });

  it('finds ε from σ as the inverse of the calibration', () => {
    const s = gaussianSigma(5, 2, 1e-5);
    expect(gaussianEpsilon(s, 5, 1e-5)).toBeCloseTo(2, 4);
    expect(gaussianEpsilon(s / 2, 5, 1e-5)).toBeGreaterThan(4);
  });

  it('refuses a request for both shares of one hospital, or a second request splitting them differently', async () => {
    const r = await sharedRound('d2');
    const packages = SITES.slice(0, 3).map((s) => exportFor(r, s).package);
    const request = unmaskRequest(packages, sharesOf(r), r.roster);
    const greedy: UnmaskRequest = { ...request, survivors: SITES };
    expect(() => answer(r, 'hospital-A', greedy)).toThrow(
      /both the mask-key share and the self-mask share of hospital-D/,
    );
    const first = answer(r, 'hospital-A', request);
    const again = { roster: r.roster, keys: r.at.get('hospital-A')!.keys, secret: first.secret };
    expect(answerUnmask(request, again).response.keyShares).toEqual(first.response.keyShares);
    // Having revealed D's key share, A will not reveal D's self-mask share in a request calling D a survivor.
    const swapped: UnmaskRequest = {
      ...request,
      survivors: SITES.slice(0, 2).concat('hospital-D'),
      dropped: ['hospital-C'],
    };
    expect(() => answerUnmask(swapped, again)).toThrow(/already answered a request for round 'd2' with hospital-D/);
    // A survivor whose budget cannot pay the ε that the dropout adds (8 → 10.25 towards one hospital) does not
    // answer; one that can is charged the difference.
    const h = r.at.get('hospital-B')!;
    const poor = new PrivacyAccountant({ epsilon: 9, delta: 1e-5 }, [{ epsilon: 8, delta: 1e-5, at: '', what: 'x' }]);
    expect(() => answerUnmask(request, { roster: r.roster, keys: h.keys, secret: h.secret, accountant: poor })).toThrow(
      /refused: releasing round d2: hospital-B unmasking with 1 dropped/,
    );
    const rich = new PrivacyAccountant({ epsilon: 12, delta: 1e-5 }, [{ epsilon: 8, delta: 1e-5, at: '', what: 'x' }]);
    answerUnmask(request, { roster: r.roster, keys: h.keys, secret: h.secret, accountant: rich });
    expect(rich.spent.epsilon).toBeCloseTo(10.247, 2);
    const selfDropped: UnmaskRequest = { ...request, survivors: SITES.slice(1), dropped: ['hospital-A'] };
    expect(() => answer(r, 'hospital-A', selfDropped)).toThrow(/does not list 'hospital-A' as a survivor/);
  });

  it('refuses fewer survivors or answers than the threshold, naming who is missing', async () => {
    const r = await sharedRound('d3');
    const packages = SITES.map((s) => exportFor(r, s).package);
    expect(() => unmaskRequest(packages.slice(0, 2), sharesOf(r), r.roster)).toThrow(
      /only 2 of 4 hospitals sent packages; 3 are needed.*missing: hospital-C, hospital-D/,
    );
    // No dropout: every hospital's self-mask is removed, no mask key is rebuilt.
    const request = unmaskRequest(packages, sharesOf(r), r.roster);
    const responses = SITES.map((s) => answer(r, s, request).response);
    await expect(aggregateWithRecovery(packages, r.roster, request, responses.slice(1, 3))).rejects.toThrow(
      /2 answers, 3 needed; no answer from hospital-A, hospital-D/,
    );
    const agg = await aggregateWithRecovery(packages, r.roster, request, responses.slice(0, 3));
    expect(agg.secureAggregation.dropouts).toMatchObject({ dropped: [], survivors: SITES });
    expect(agg.secureAggregation.dropouts!.achieved.towardEachHospital.epsilon).toBeCloseTo(8, 2);
  });

  it('refuses a tampered shares file, a tampered answer and a wrong share', async () => {
    const r = await sharedRound('d4');
    const packages = SITES.slice(0, 3).map((s) => exportFor(r, s).package);
    const files = sharesOf(r);
    const d = files[3]!;
    const flip = (b64: string) => {
      const b = Buffer.from(b64, 'base64');
      b[5]! ^= 1;
      return b.toString('base64');
    };
    const tampered: SharesFile = {
      ...d,
      shares: d.shares.map((s, i) => (i === 0 ? { ...s, key: { ...s.key, data: flip(s.key.data) } } : s)),
    };
    expect(() => unmaskRequest(packages, [...files.slice(0, 3), tampered], r.roster)).toThrow(
      /shares file of 'hospital-D' does not verify/,
    );
    const request = unmaskRequest(packages, files, r.roster);
    expect(() => answer(r, 'hospital-A', { ...request, shares: [...files.slice(0, 3), tampered] })).toThrow(
      /shares file of 'hospital-D' does not verify/,
    );
    const responses = SITES.slice(0, 3).map((s) => answer(r, s, request).response);
    const altered = { ...responses[1]!, keyShares: { 'hospital-D': flip(responses[1]!.keyShares['hospital-D']!) } };
    await expect(
      aggregateWithRecovery(packages, r.roster, request, [responses[0], altered, responses[2]]),
    ).rejects.toThrow(/response of 'hospital-B' does not verify/);
    // A survivor signing a wrong share is caught by the roster's key and by the seed's commitment.
    const resign = (body: Omit<UnmaskResponse, 'signature'>) => ({
      ...body,
      signature: signBody(body, r.at.get('hospital-B')!.keys.signing),
    });
    const { signature: _, ...b } = responses[1]!;
    const badKey = resign({ ...b, keyShares: { 'hospital-D': flip(b.keyShares['hospital-D']!) } });
    await expect(
      aggregateWithRecovery(packages, r.roster, request, [responses[0], badKey, responses[2]]),
    ).rejects.toThrow(/shares of 'hospital-D's mask key do not rebuild the roster's key/);
    const badSelf = resign({
      ...b,
      selfMaskShares: { ...b.selfMaskShares, 'hospital-A': flip(b.selfMaskShares['hospital-A']!) },
    });
    await expect(
      aggregateWithRecovery(packages, r.roster, request, [responses[0], badSelf, responses[2]]),
    ).rejects.toThrow(/shares of 'hospital-A's self-mask seed do not rebuild the committed seed/);
  });
});
