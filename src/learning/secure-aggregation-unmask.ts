import { invalid } from '../core/index.js';
import type { PrivacyAccountant } from './privacy.js';
import { gaussianDelta } from './privacy.js';
import type { MaskedPackage, MaskedPrivacy, SecureAggregate } from './secure-aggregation.js';
import { checkPackages, maskedAggregate, sumPackages } from './secure-aggregation.js';
import type { ParsedRoundKeys, Roster } from './secure-aggregation-keys.js';
import { publicKey, rosterDigest, signBody, verifyBody } from './secure-aggregation-keys.js';
import { maskWords, selfMaskWords } from './secure-aggregation-masks.js';
import type { RoundSecret, SharesFile } from './secure-aggregation-shares.js';
import {
  checkSharesFile,
  digestOf,
  keyFromSeed,
  openShare,
  rebuild,
  selfMaskCommitment,
} from './secure-aggregation-shares.js';

/**
 * The unmasking round of Bonawitz et al.'s double masking (CCS 2017, §4), by files. The coordinator, holding
 * the packages that came (survivors) and every hospital's shares file, writes a request: the mask-key shares
 * of the hospitals that dropped, the self-mask shares of the survivors. Each survivor answers with the shares
 * addressed to it, signed. With t answers the coordinator rebuilds the dropped hospitals' mask keys (removing
 * their pairwise masks with the survivors) and the survivors' self-mask seeds, and reads the survivors' sum.
 *
 * Safety rule: a survivor never reveals both shares of one hospital (with both, its package is unmasked), so
 * it refuses a request naming a hospital as both dropped and surviving, a request listing itself as dropped,
 * and a second request for the round that splits the hospitals differently (its round secret records the one
 * it answered). A package arriving after the unmasking stays hidden by its self-mask. Trust: an honest but
 * curious coordinator; one that sends different survivors different splits is stopped only at each survivor,
 * not across them (Bonawitz's consistency round, which would be, is not implemented).
 *
 * Distributed noise with dropouts: each hospital drew σ²/(n − t_c) (t_c the colluders tolerated), so the
 * sum of m survivors carries m σ²/(n − t_c), less than planned when more than t_c dropped. The aggregate
 * records the noise present and the (ε, δ) it achieves (Balle & Wang's exact Gaussian bound at the planned
 * δ), towards the coordinator and towards one hospital that knows its own noise; it never claims the planned
 * ε (Kairouz, Liu & Steinke, ICML 2021, on distributed DP: dropped clients' noise is missing noise). A
 * survivor's accountant pays the difference before it answers (`answerUnmask`).
 */
export const REQUEST_FORMAT = 'medseek-federated-unmask-request/1';
export const RESPONSE_FORMAT = 'medseek-federated-unmask-response/1';

export interface UnmaskRequest {
  readonly format: typeof REQUEST_FORMAT;
  readonly round: string;
  readonly roster: string;
  /** Hospitals whose packages came: their self-mask shares are asked for. */
  readonly survivors: readonly string[];
  /** Hospitals whose packages did not: their mask-key shares are asked for. */
  readonly dropped: readonly string[];
  readonly privacy: MaskedPrivacy;
  /** Every hospital's signed shares file, forwarded. */
  readonly shares: readonly SharesFile[];
}

export interface UnmaskResponse {
  readonly format: typeof RESPONSE_FORMAT;
  readonly round: string;
  readonly roster: string;
  readonly site: string;
  /** sha256 of the request answered. */
  readonly request: string;
  /** Per dropped hospital, this survivor's share of its mask key (base64). */
  readonly keyShares: Readonly<Record<string, string>>;
  /** Per surviving hospital, this survivor's share of its self-mask seed (base64). */
  readonly selfMaskShares: Readonly<Record<string, string>>;
  readonly signer: string;
  readonly signature: string;
}

export interface Guarantee {
  readonly epsilon: number;
  readonly delta: number;
  /** σ of the noise that observer cannot remove (per count cell). */
  readonly sigma: number;
}

export interface DropoutRecord {
  readonly survivors: readonly string[];
  readonly dropped: readonly string[];
  readonly threshold: number;
  readonly planned: Guarantee;
  /**
   * What the sum of the survivors achieves: towards the coordinator, towards one hospital, and towards the
   * audience the round was planned for (the coordinator with `colluders` hospitals' noise known to it).
   */
  readonly achieved: {
    readonly towardCoordinator: Guarantee;
    readonly towardEachHospital: Guarantee;
    readonly asPlanned: Guarantee;
  };
  readonly note: string;
}

/** The smallest ε (to 1e-6 relative) at which N(0, σ²) noise on sensitivity Δ is (ε, δ)-DP; Infinity past 500. */
export function gaussianEpsilon(sigma: number, sensitivity: number, delta: number): number {
  if (!(sigma > 0)) return Number.POSITIVE_INFINITY;
  if (gaussianDelta(sigma, sensitivity, 0) <= delta) return 0;
  let lo = 0;
  let hi = 1;
  while (gaussianDelta(sigma, sensitivity, hi) > delta) {
    hi *= 2;
    if (hi > 500) return Number.POSITIVE_INFINITY;
  }
  while ((hi - lo) / hi > 1e-6) {
    const mid = (lo + hi) / 2;
    if (gaussianDelta(sigma, sensitivity, mid) > delta) lo = mid;
    else hi = mid;
  }
  return hi;
}

/** The privacy the sum of `survivors` of n hospitals' packages actually has. */
export function achievedPrivacy(p: MaskedPrivacy, survivors: number): DropoutRecord['achieved'] {
  const at = (shares: number): Guarantee => {
    const sigma = p.siteSigma * Math.sqrt(shares);
    return { epsilon: gaussianEpsilon(sigma, p.sensitivity, p.delta), delta: p.delta, sigma };
  };
  return {
    towardCoordinator: at(survivors),
    towardEachHospital: at(survivors - 1),
    asPlanned: at(survivors - p.colluders),
  };
}

/** Shares files keyed by site, one from every roster member, with one threshold. */
function sharesBySite(bodies: readonly unknown[], roster: Roster): Map<string, SharesFile> {
  const files = new Map<string, SharesFile>();
  bodies.forEach((b, i) => {
    const f = checkSharesFile(b, roster, i);
    if (files.has(f.site)) throw invalid(`hospital '${f.site}' sent more than one shares file`, { field: 'shares' });
    files.set(f.site, f);
  });
  const absent = roster.members.filter((m) => !files.has(m.site)).map((m) => m.site);
  if (absent.length > 0)
    throw invalid(`no shares file from ${absent.join(', ')}: their masks could not be removed if they drop`, {
      field: 'shares',
    });
  const thresholds = new Set([...files.values()].map((f) => f.threshold));
  if (thresholds.size > 1)
    throw invalid(`the shares files disagree on the threshold (${[...thresholds].join(', ')})`, { field: 'shares' });
  return files;
}

function survivorsOf(packages: readonly MaskedPackage[], files: Map<string, SharesFile>, roster: Roster) {
  for (const p of packages)
    if (
      p.dropoutRecovery?.shares !== digestOf(files.get(p.site)) ||
      p.dropoutRecovery.threshold !== files.get(p.site)!.threshold
    )
      throw invalid(`the package of '${p.site}' does not name its shares file (not self-masked, or other shares)`, {
        where: `package of ${p.site}`,
        field: 'dropoutRecovery',
      });
  const came = new Set(packages.map((p) => p.site));
  const survivors = roster.members.filter((m) => came.has(m.site)).map((m) => m.site);
  const dropped = roster.members.filter((m) => !came.has(m.site)).map((m) => m.site);
  const threshold = files.values().next().value!.threshold;
  if (survivors.length < threshold)
    throw invalid(
      `only ${survivors.length} of ${roster.members.length} hospitals sent packages; ${threshold} are needed to ` +
        `unmask the sum (missing: ${dropped.join(', ')})`,
      { field: 'packages' },
    );
  return { survivors, dropped, threshold };
}

/** The coordinator's request to the survivors, from the packages that came and every shares file. */
export function unmaskRequest(
  packageBodies: readonly unknown[],
  sharesBodies: readonly unknown[],
  roster: Roster,
): UnmaskRequest {
  const packages = checkPackages(packageBodies, roster);
  sumPackages(packages);
  const files = sharesBySite(sharesBodies, roster);
  const { survivors, dropped } = survivorsOf(packages, files, roster);
  return {
    format: REQUEST_FORMAT,
    round: roster.round,
    roster: rosterDigest(roster),
    survivors,
    dropped,
    privacy: packages[0]!.privacy,
    shares: roster.members.map((m) => files.get(m.site)!),
  };
}

const sameSplit = (a: RoundSecret['answered'], r: UnmaskRequest) =>
  !a || (a.survivors.join('|') === r.survivors.join('|') && a.dropped.join('|') === r.dropped.join('|'));

/**
 * A survivor's answer to the coordinator's request, signed; and its round secret with the answer recorded.
 * Refused by the safety rule (see above), or when the request is for another round or lacks a hospital.
 * With this hospital's accountant: when the survivors' noise gives a larger ε than the planned one it was
 * charged at export (towards the audience planned for), the difference is charged before the answer is
 * made, once a round; past the budget nothing is answered.
 */
export function answerUnmask(
  body: unknown,
  o: {
    readonly roster: Roster;
    readonly keys: ParsedRoundKeys;
    readonly secret: RoundSecret;
    readonly accountant?: PrivacyAccountant;
  },
): { response: UnmaskResponse; secret: RoundSecret; achieved: DropoutRecord['achieved'] } {
  const { roster, keys, secret } = o;
  const site = secret.site;
  const r = body as UnmaskRequest | null;
  if (!r || r.format !== REQUEST_FORMAT) throw invalid(`not a ${REQUEST_FORMAT} file`, { field: 'format' });
  if (r.round !== roster.round || r.roster !== rosterDigest(roster) || secret.roster !== r.roster)
    throw invalid(`the request is for round '${r.round}' or another roster`, { field: 'roster' });
  if (
    !Array.isArray(r.survivors) ||
    !Array.isArray(r.dropped) ||
    !Array.isArray(r.shares) ||
    typeof r.privacy?.siteSigma !== 'number'
  )
    throw invalid('the request must list survivors, dropped, shares and the privacy', { field: 'request' });
  const both = r.survivors.filter((s) => r.dropped.includes(s));
  if (both.length > 0)
    throw invalid(
      `the request asks for both the mask-key share and the self-mask share of ${both.join(', ')}: together they ` +
        'unmask its package, so no survivor answers it',
      { field: 'request' },
    );
  if (!r.survivors.includes(site))
    throw invalid(`the request does not list '${site}' as a survivor: it answers only as one`, { field: 'survivors' });
  const listed = [...r.survivors, ...r.dropped].sort().join('|');
  if (
    listed !==
    roster.members
      .map((m) => m.site)
      .sort()
      .join('|')
  )
    throw invalid('the request must name every roster member once, as survivor or dropped', { field: 'request' });
  if (!sameSplit(secret.answered, r))
    throw invalid(
      `'${site}' already answered a request for round '${r.round}' with ` +
        `${secret.answered!.dropped.join(', ') || 'none'} ` +
        'dropped: answering another split could reveal both shares of a hospital',
      { field: 'request' },
    );
  const files = sharesBySite(r.shares, roster);
  const threshold = files.get(site)!.threshold;
  if (r.survivors.length < threshold)
    throw invalid(`${r.survivors.length} survivors are fewer than the threshold ${threshold}`, { field: 'survivors' });
  const achieved = achievedPrivacy(r.privacy, r.survivors.length);
  const extra = achieved.asPlanned.epsilon - r.privacy.epsilon;
  if (o.accountant && !secret.answered && extra > 1e-9)
    o.accountant.charge(
      { epsilon: extra, delta: 0 },
      `round ${r.round}: ${site} unmasking with ${r.dropped.length} dropped (ε ${round3(achieved.asPlanned.epsilon)} ` +
        `achieved, ${r.privacy.epsilon} charged at export)`,
    );
  const share = (s: string, kind: 'key' | 'self') =>
    Buffer.from(openShare(files.get(s)!, kind, site, keys, roster)).toString('base64');
  const me = roster.members.find((m) => m.site === site)!;
  const unsigned: Omit<UnmaskResponse, 'signature'> = {
    format: RESPONSE_FORMAT,
    round: r.round,
    roster: r.roster,
    site,
    request: digestOf(r),
    keyShares: Object.fromEntries(r.dropped.map((s) => [s, share(s, 'key')])),
    selfMaskShares: Object.fromEntries(r.survivors.map((s) => [s, share(s, 'self')])),
    signer: me.signingKey,
  };
  return {
    response: { ...unsigned, signature: signBody(unsigned, keys.signing) },
    secret: { ...secret, answered: { survivors: r.survivors, dropped: r.dropped } },
    achieved,
  };
}

function checkResponses(bodies: readonly unknown[], request: UnmaskRequest, roster: Roster): UnmaskResponse[] {
  const digest = digestOf(request);
  const seen = new Set<string>();
  return bodies.map((b, i) => {
    const r = b as Partial<UnmaskResponse> | null;
    const where = `responses[${i}]${typeof r?.site === 'string' ? ` (${r.site})` : ''}`;
    if (!r || r.format !== RESPONSE_FORMAT) throw invalid(`not a ${RESPONSE_FORMAT} file`, { where });
    const member = roster.members.find((m) => m.site === r.site);
    const { signature, ...signed } = r;
    if (
      !member ||
      r.signer !== member.signingKey ||
      typeof signature !== 'string' ||
      !verifyBody(signed, signature, publicKey(member.signingKey, 'ed25519', where))
    )
      throw invalid(`the response of '${r.site}' does not verify (altered, or not signed by a roster member)`, {
        where,
        field: 'signature',
      });
    if (r.request !== digest) throw invalid(`'${r.site}' answered another request`, { where, field: 'request' });
    if (!request.survivors.includes(r.site!)) throw invalid(`'${r.site}' is not a survivor`, { where });
    if (seen.has(r.site!)) throw invalid(`'${r.site}' answered more than once`, { where });
    seen.add(r.site!);
    return r as UnmaskResponse;
  });
}

/**
 * The coordinator's last step: the sum of the survivors' packages with every mask removed, and the noise and
 * privacy that sum actually has. Refused with fewer than t answers (naming the survivors that did not answer),
 * or when a rebuilt key or seed is not the one its hospital committed to.
 */
export async function aggregateWithRecovery(
  packageBodies: readonly unknown[],
  roster: Roster,
  requestBody: unknown,
  responseBodies: readonly unknown[],
): Promise<SecureAggregate> {
  const packages = checkPackages(packageBodies, roster);
  let sum = sumPackages(packages);
  const request = requestBody as UnmaskRequest;
  if (request?.format !== REQUEST_FORMAT) throw invalid(`not a ${REQUEST_FORMAT} file`, { field: 'request' });
  const files = sharesBySite(request.shares, roster);
  const { survivors, dropped, threshold } = survivorsOf(packages, files, roster);
  if (survivors.join('|') !== request.survivors.join('|') || dropped.join('|') !== request.dropped.join('|'))
    throw invalid('the request was made for other packages than these', { field: 'request' });
  const responses = checkResponses(responseBodies, request, roster);
  if (responses.length < threshold) {
    const answered = new Set(responses.map((r) => r.site));
    throw invalid(
      `${responses.length} answers, ${threshold} needed; no answer from ` +
        survivors.filter((s) => !answered.has(s)).join(', '),
      { field: 'responses' },
    );
  }
  const sharesOf = (field: 'keyShares' | 'selfMaskShares', site: string) =>
    responses.map((r) => {
      const s = r[field]?.[site];
      if (typeof s !== 'string') throw invalid(`'${r.site}' gave no ${field} of '${site}'`, { field });
      return new Uint8Array(Buffer.from(s, 'base64'));
    });
  const alive = new Set(survivors);
  for (const d of dropped) {
    const key = keyFromSeed(await rebuild(sharesOf('keyShares', d), `${d}'s mask key`), roster, d);
    // d's side of each pair with a survivor cancels the mask that survivor added or subtracted.
    sum = maskWords(sum, d, key, roster, alive);
  }
  for (const u of survivors) {
    const seed = await rebuild(sharesOf('selfMaskShares', u), `${u}'s self-mask seed`);
    if (selfMaskCommitment(roster.round, u, seed) !== files.get(u)!.selfMaskCommitment)
      throw invalid(`the shares of '${u}'s self-mask seed do not rebuild the committed seed (a share is wrong)`, {
        field: 'selfMaskShares',
      });
    sum = selfMaskWords(sum, seed, u, roster, -1);
  }
  const p = packages[0]!.privacy;
  const n = roster.members.length;
  const achieved = achievedPrivacy(p, survivors.length);
  const { towardCoordinator: c, towardEachHospital: h } = achieved;
  const note =
    `${dropped.length} of ${n} hospitals dropped; the sum carries the noise of the ${survivors.length} survivors, ` +
    `σ ${round3(c.sigma)} (planned: σ ${round3(p.sigma)} or more), and achieves ε ${round3(c.epsilon)} towards the ` +
    `coordinator and ε ${round3(h.epsilon)} towards one hospital, at δ ${p.delta} (planned: ε ${p.epsilon} ` +
    `towards the coordinator with ${p.colluders} colluding hospitals)`;
  return maskedAggregate(packages, sum, roster, {
    survivors,
    dropped,
    threshold,
    planned: { epsilon: p.epsilon, delta: p.delta, sigma: p.sigma },
    achieved,
    note,
  });
}

const round3 = (x: number) => Math.round(x * 1000) / 1000;
