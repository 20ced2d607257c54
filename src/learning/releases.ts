import { createHash, randomUUID } from 'node:crypto';
import type { Sql } from '../core/index.js';
import { invalid } from '../core/index.js';
import type { CausalModel, Network } from '../reasoning/index.js';
import { compileNetwork } from '../reasoning/index.js';
import type { Evaluation } from './evaluation.js';
import { evaluateNetwork } from './evaluation.js';
import type { LearnOptions, ModelDiff } from './learned-network.js';
import { diffModels, learnedModel } from './learned-network.js';
import type { ConfirmedCase, StatsJson, SufficientStats } from './sufficient-stats.js';
import { statsFromJson, statsToJson } from './sufficient-stats.js';
import { VersionedStore } from './versioned.js';

/**
 * Learned changes to a causal network, versioned like a knowledge release: a candidate is the source
 * network's parameters updated by counts (src/learning/learned-network.ts), with who proposed it, from
 * what data and when, and its diff against the source. It can be activated only after an evaluation on
 * held-back cases (none of them learned from) shows it is not worse than what is active now (the active
 * learned release, or the source itself): GTPA@1 and GTPA@3 not lower, Brier score not higher, each
 * within a margin that defaults to 0. Roll-back re-activates the previous release in one call.
 *
 * A learned model is always source ⊕ counts (never parent ⊕ counts), so any release can be rebuilt
 * from the source and its own stored counts; to learn cumulatively, propose the sum of the counts.
 */
export type ReleaseStatus = 'candidate' | 'active' | 'refused' | 'retired';

export interface ReleaseEvent {
  readonly at: string;
  readonly by: string;
  readonly action: 'proposed' | 'evaluated' | 'activated' | 'refused' | 'retired' | 'rolled-back' | 'restored';
  readonly note?: string;
}

export interface DataDescription {
  /** What the counts came from, in words (`clinician confirmations 2026-11, ward 5`). */
  readonly label: string;
  readonly cases: number;
  /** Keys of the cases learned from (caseKey), where known: held-back cases must not be among them. */
  readonly caseKeys?: readonly string[];
}

export interface ReleaseEvaluation {
  readonly heldBack: { readonly label: string; readonly cases: number; readonly sha256: string };
  /** The release compared against: the active one at evaluation time (null: the source network). */
  readonly baselineId: string | null;
  readonly candidate: Evaluation;
  readonly baseline: Evaluation;
  readonly passed: boolean;
  readonly reasons: readonly string[];
}

export interface LearnedRelease {
  readonly id: string;
  readonly networkId: string;
  /** The release active when this one was proposed (null: the source network). */
  readonly parentId: string | null;
  readonly status: ReleaseStatus;
  readonly createdBy: string;
  readonly createdAt: string;
  readonly source: { readonly id: string; readonly release?: string };
  readonly data: DataDescription;
  readonly options: LearnOptions;
  readonly diff: ModelDiff;
  readonly stats: StatsJson;
  readonly evaluation?: ReleaseEvaluation;
  readonly history: readonly ReleaseEvent[];
}

export interface Margins {
  /** GTPA points a candidate may lose and still pass. Default 0. */
  readonly gtpa?: number;
  /** Brier score a candidate may gain and still pass. Default 0. */
  readonly brier?: number;
}

/** A stable key for a confirmed case (its id, else its content), to keep held-back cases apart from learned ones. */
export const caseKey = (c: ConfirmedCase): string =>
  createHash('sha256')
    .update(c.id !== undefined ? `id:${c.id}` : JSON.stringify([c.diagnosis, c.input]))
    .digest('hex')
    .slice(0, 24);

export class LearnedReleases extends VersionedStore<LearnedRelease> {
  constructor(sql: Sql) {
    super(sql, 'learning_releases', { thing: 'learned release', baseline: 'the source' });
  }

  protected on(sql: Sql): LearnedReleases {
    return new LearnedReleases(sql);
  }

  async propose(p: {
    readonly source: Network;
    readonly stats: SufficientStats;
    readonly options: LearnOptions;
    readonly data: DataDescription;
    readonly createdBy: string;
  }): Promise<LearnedRelease> {
    if (!p.createdBy.trim()) throw invalid('who proposes a release must be named', { field: 'createdBy' });
    if (p.stats.cases !== p.data.cases)
      throw invalid(`counts hold ${p.stats.cases} cases, data says ${p.data.cases}`, { field: 'data.cases' });
    const networkId = p.source.model.id;
    const parent = await this.active(networkId);
    const model = learnedModel(p.source, p.stats, p.options);
    const createdAt = new Date().toISOString();
    const release: LearnedRelease = {
      id: `${networkId}~learned-${randomUUID().slice(0, 8)}`,
      networkId,
      parentId: parent?.id ?? null,
      status: 'candidate',
      createdBy: p.createdBy,
      createdAt,
      source: { id: p.source.model.id, ...(p.source.model.release ? { release: p.source.model.release } : {}) },
      data: p.data,
      options: p.options,
      diff: diffModels(p.source.model, model),
      stats: statsToJson(p.stats),
      history: [{ at: createdAt, by: p.createdBy, action: 'proposed', note: p.data.label }],
    };
    await this.sql.query(
      `insert into learning_releases (id, network_id, parent_id, status, created_by, created_at, body)
       values ($1, $2, $3, $4, $5, $6, $7)`,
      [release.id, networkId, release.parentId, 'candidate', p.createdBy, createdAt, JSON.stringify(release)],
    );
    return release;
  }

  /** The learned model of a release, rebuilt from the source network and the release's own counts. */
  model(source: Network, release: LearnedRelease): CausalModel {
    if (source.model.id !== release.networkId)
      throw invalid(`release ${release.id} is for network '${release.networkId}'`, { field: 'source' });
    return learnedModel(source, statsFromJson(release.stats, `release ${release.id}`), release.options);
  }

  /** Scores the candidate and what is active now on the same held-back cases; records the verdict. */
  async evaluate(
    id: string,
    source: Network,
    heldBack: { readonly label: string; readonly cases: readonly ConfirmedCase[] },
    by: string,
    margins: Margins = {},
  ): Promise<LearnedRelease> {
    const release = await this.get(id);
    if (release.status !== 'candidate')
      throw invalid(`release ${id} is ${release.status}; only a candidate is evaluated`, { field: 'id' });
    if (heldBack.cases.length === 0) throw invalid('no held-back cases', { field: 'heldBack.cases' });
    const learned = new Set(release.data.caseKeys ?? []);
    const overlap = heldBack.cases.filter((c) => learned.has(caseKey(c))).length;
    if (overlap > 0)
      throw invalid(`${overlap} held-back cases were learned from by ${id}`, { field: 'heldBack.cases' });
    const active = await this.active(release.networkId);
    const baselineNet = active ? compileNetwork(this.model(source, active)) : source;
    const candidate = evaluateNetwork(compileNetwork(this.model(source, release)), heldBack.cases);
    const baseline = evaluateNetwork(baselineNet, heldBack.cases);
    const g = margins.gtpa ?? 0;
    const b = margins.brier ?? 0;
    const reasons: string[] = [];
    if (candidate.gtpa1 < baseline.gtpa1 - g) reasons.push(`GTPA@1 ${candidate.gtpa1} < ${baseline.gtpa1}`);
    if (candidate.gtpa3 < baseline.gtpa3 - g) reasons.push(`GTPA@3 ${candidate.gtpa3} < ${baseline.gtpa3}`);
    if (candidate.brier > baseline.brier + b) reasons.push(`Brier ${candidate.brier} > ${baseline.brier}`);
    const evaluation: ReleaseEvaluation = {
      heldBack: {
        label: heldBack.label,
        cases: heldBack.cases.length,
        sha256: createHash('sha256').update(heldBack.cases.map(caseKey).sort().join('\n')).digest('hex'),
      },
      baselineId: active?.id ?? null,
      candidate,
      baseline,
      passed: reasons.length === 0,
      reasons,
    };
    const note = reasons.length ? `not better than ${active?.id ?? 'the source'}: ${reasons.join('; ')}` : undefined;
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
          ...(note ? { note } : {}),
        },
      ],
    }));
  }
}
