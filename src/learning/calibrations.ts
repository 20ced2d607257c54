import { createHash, randomUUID } from 'node:crypto';
import type { Sql } from '../core/index.js';
import { invalid } from '../core/index.js';
import type { Network } from '../reasoning/index.js';
import type { CalibrationMap, CalibrationReport, FitOptions } from './calibration-map.js';
import { calibrateScored, calibrationReport, fitCalibration } from './calibration-map.js';
import { scoreCase } from './evaluation.js';
import type { DataDescription, Margins, ReleaseEvent, ReleaseStatus } from './releases.js';
import { caseKey } from './releases.js';
import type { ConfirmedCase } from './sufficient-stats.js';
import { VersionedStore } from './versioned.js';

/**
 * Calibration maps of a network's differential (calibration-map.ts), versioned like learned releases
 * (releases.ts): a candidate is fitted on confirmed cases scored by the network as served (`modelRelease`
 * names it), with who fitted it, from what data and when. It is activated only after an evaluation on
 * held-back cases (none of them fitted on) shows its Brier score and ECE no worse than what is active now
 * (the active map, or the raw posterior); the raw posterior's figures are kept beside them. Roll-back
 * re-activates the map it replaced (or none: the raw posterior) in one call.
 */
export interface CalibrationEvaluation {
  readonly heldBack: { readonly label: string; readonly cases: number; readonly sha256: string };
  /** The map compared against: the active one at evaluation time (null: the raw posterior). */
  readonly baselineId: string | null;
  readonly raw: CalibrationReport;
  readonly baseline: CalibrationReport;
  readonly candidate: CalibrationReport;
  readonly passed: boolean;
  readonly reasons: readonly string[];
}

export interface CalibrationRelease {
  readonly id: string;
  readonly networkId: string;
  /** The network release whose posteriors were calibrated (a knowledge release or a learned release id). */
  readonly modelRelease?: string;
  readonly parentId: string | null;
  readonly status: ReleaseStatus;
  readonly createdBy: string;
  readonly createdAt: string;
  readonly data: DataDescription;
  readonly options: FitOptions;
  readonly map: CalibrationMap;
  readonly evaluation?: CalibrationEvaluation;
  readonly history: readonly ReleaseEvent[];
}

/** `margins.brier` and `margins.ece`: how much worse a candidate may be and still pass (default 0). */
export type CalibrationMargins = Pick<Margins, 'brier'> & { readonly ece?: number };

const scoreAll = (net: Network, cases: readonly ConfirmedCase[]) => cases.map((c) => scoreCase(net, c));

export class CalibrationReleases extends VersionedStore<CalibrationRelease> {
  constructor(sql: Sql) {
    super(sql, 'learning_calibrations', { thing: 'calibration', baseline: 'the raw posterior' });
  }

  protected on(sql: Sql): CalibrationReleases {
    return new CalibrationReleases(sql);
  }

  /** Fits a candidate map on confirmed cases as `network` scores them. */
  async propose(p: {
    readonly network: Network;
    readonly modelRelease?: string;
    readonly cases: readonly ConfirmedCase[];
    readonly label: string;
    readonly createdBy: string;
    readonly options?: FitOptions;
  }): Promise<CalibrationRelease> {
    if (!p.createdBy.trim()) throw invalid('who fits a calibration must be named', { field: 'createdBy' });
    if (p.cases.length === 0) throw invalid('no confirmed cases to fit on', { field: 'cases' });
    const networkId = p.network.model.id;
    const parent = await this.active(networkId);
    const options = p.options ?? {};
    const createdAt = new Date().toISOString();
    const release: CalibrationRelease = {
      id: `${networkId}~calibration-${randomUUID().slice(0, 8)}`,
      networkId,
      ...(p.modelRelease ? { modelRelease: p.modelRelease } : {}),
      parentId: parent?.id ?? null,
      status: 'candidate',
      createdBy: p.createdBy,
      createdAt,
      data: { label: p.label, cases: p.cases.length, caseKeys: p.cases.map(caseKey) },
      options,
      map: fitCalibration(scoreAll(p.network, p.cases), options),
      history: [{ at: createdAt, by: p.createdBy, action: 'proposed', note: p.label }],
    };
    await this.sql.query(
      `insert into learning_calibrations (id, network_id, parent_id, status, created_by, created_at, body)
       values ($1, $2, $3, $4, $5, $6, $7)`,
      [release.id, networkId, release.parentId, 'candidate', p.createdBy, createdAt, JSON.stringify(release)],
    );
    return release;
  }

  /** Scores the raw posterior, what is active now and the candidate on the same held-back cases. */
  async evaluate(
    id: string,
    network: Network,
    heldBack: { readonly label: string; readonly cases: readonly ConfirmedCase[] },
    by: string,
    margins: CalibrationMargins = {},
  ): Promise<CalibrationRelease> {
    const release = await this.get(id);
    if (release.status !== 'candidate')
      throw invalid(`calibration ${id} is ${release.status}; only a candidate is evaluated`, { field: 'id' });
    if (network.model.id !== release.networkId)
      throw invalid(`calibration ${id} is for network '${release.networkId}'`, { field: 'network' });
    if (heldBack.cases.length === 0) throw invalid('no held-back cases', { field: 'heldBack.cases' });
    const fitted = new Set(release.data.caseKeys ?? []);
    const overlap = heldBack.cases.filter((c) => fitted.has(caseKey(c))).length;
    if (overlap > 0) throw invalid(`${overlap} held-back cases were fitted on by ${id}`, { field: 'heldBack.cases' });
    const active = await this.active(release.networkId);
    const scored = scoreAll(network, heldBack.cases);
    const raw = calibrationReport(scored);
    const baseline = active ? calibrationReport(calibrateScored(active.map, scored)) : raw;
    const candidate = calibrationReport(calibrateScored(release.map, scored));
    const reasons: string[] = [];
    if (candidate.brier > baseline.brier + (margins.brier ?? 0))
      reasons.push(`Brier ${candidate.brier} > ${baseline.brier}`);
    if (candidate.ece > baseline.ece + (margins.ece ?? 0)) reasons.push(`ECE ${candidate.ece} > ${baseline.ece}`);
    const evaluation: CalibrationEvaluation = {
      heldBack: {
        label: heldBack.label,
        cases: heldBack.cases.length,
        sha256: createHash('sha256').update(heldBack.cases.map(caseKey).sort().join('\n')).digest('hex'),
      },
      baselineId: active?.id ?? null,
      raw,
      baseline,
      candidate,
      passed: reasons.length === 0,
      reasons,
    };
    const against = active?.id ?? 'the raw posterior';
    return this.update(id, (r) => ({
      ...r,
      status: evaluation.passed ? 'candidate' : 'refused',
      evaluation,
      history: [
        ...r.history,
        {
          at: new Date().toISOString(),
          by,
          action: evaluation.passed ? 'evaluated' : 'refused',
          ...(reasons.length ? { note: `worse than ${against}: ${reasons.join('; ')}` } : {}),
        },
      ],
    }));
  }
}
