import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { seededRandom } from '../../src/core/index.js';
import type { ConfirmedCase, LearnOptions } from '../../src/learning/index.js';
import type { CausalModel, DxyRecord } from '../../src/reasoning/index.js';
import { compileNetwork, learnDxyModel, parseDxyJsonl, parseDxySynonyms } from '../../src/reasoning/index.js';
import type { Half } from '../lib/harness.js';
import { trainingClip } from './clip.js';
import { partitionHospitals } from './hospitals.js';
import { simulate } from './simulate.js';

/**
 * The second simulation of bench federated: DXY (Xu et al., AAAI 2019; ../shared/data/dialog-dxy-krds), its
 * train and test records together (527 paediatric consultations, 5 diseases, 41 symptoms) split into
 * hospitals as DDXPlus's are, each record's half by its consult_id.
 *
 * DXY ships no knowledge release: bench dxy learns its network's edges from the training records
 * (src/reasoning/diagnosis/dxy.ts). Here the source may hold no patient data, so it keeps only the
 * vocabulary (diseases, symptoms and their synonyms, as learnDxyModel lists them) and links every disease to
 * every symptom at probability 0.5 with equal priors; the counts learn the rest. A held-back case is scored
 * on its explicit and implicit symptoms (the full record, bench dxy's "all" mode), the unmentioned unknown.
 * Learning reads a record as learnDxyModel does: a symptom not mentioned counts as absent (so the counts are
 * closed-world and the unobserved cells are not released). A first run that learned with the unmentioned
 * unknown scored pooled below local (a recorded DXY symptom is nearly always present, so P(symptom |
 * disease, observed) barely differs between diseases) and was dropped as a mismatch with bench dxy's
 * learner, not tuned further. Clip: as DDXPlus's, 2 + the most symptoms any training record has present (no
 * training record truncated; the vocabulary bound 2 + 41 was used first and gave a larger σ, see
 * bench/federated.ts). Learning options (but jointDiseaseCounts, bench/federated.ts), disease weight, δ and ε are
 * DDXPlus's.
 */
export function dxyRecords(dir: string): DxyRecord[] {
  const seen = new Set<string>();
  return ['dxy_train.jsonl', 'dxy_test.jsonl']
    .flatMap((f) => parseDxyJsonl(readFileSync(join(dir, f), 'utf8'), join(dir, f)))
    .filter((r) => !seen.has(r.consult_id) && Boolean(seen.add(r.consult_id)));
}

function structureOnly(records: readonly DxyRecord[], dir: string): CausalModel {
  const synPath = join(dir, 'original', 'norm_symptom_list.txt');
  const synonyms = existsSync(synPath) ? parseDxySynonyms(readFileSync(synPath, 'utf8')) : {};
  const vocabulary = learnDxyModel(records, synonyms);
  return {
    ...vocabulary,
    id: 'dxy-structure',
    release: 'DXY vocabulary, every disease linked to every symptom (no patient data)',
    diseases: vocabulary.diseases.map((d) => ({ ...d, prior: 1 / vocabulary.diseases.length })),
    edges: vocabulary.diseases.flatMap((d) =>
      vocabulary.findings.map((f) => ({
        kind: 'causes' as const,
        from: d.id,
        to: f.id,
        probability: 0.5,
        source: { kind: 'knowledge' as const, edgeId: `dxy:${d.id}->${f.id}`, authority: { name: 'DXY vocabulary' } },
      })),
    ),
  };
}

export interface DxySimulationOptions {
  readonly dir: string;
  readonly hospitals: number;
  readonly homeShare: number;
  readonly seed: number;
  readonly heldBack: Half;
  /** Score on an inner split of the training records (bench/federated-lib/hospitals.ts). */
  readonly innerSplit?: boolean;
  readonly repeats: number;
  readonly delta: number;
  readonly diseaseWeight: number;
  readonly colluders: readonly number[];
  readonly learn: LearnOptions;
  readonly log: (line: string) => void;
}

/** DXY's source network (vocabulary only) and its hospitals' learning and scoring cases. */
export function dxySites(
  o: Pick<DxySimulationOptions, 'dir' | 'hospitals' | 'homeShare' | 'seed' | 'heldBack' | 'innerSplit'>,
) {
  const records = dxyRecords(o.dir);
  const model = structureOnly(records, o.dir);
  const source = compileNetwork(model);
  const known = new Set(model.findings.map((f) => f.id));
  const mentioned = (r: DxyRecord) =>
    Object.entries({ ...r.goal.implicit_inform_slots, ...r.goal.explicit_inform_slots }).filter(([s]) => known.has(s));
  // Learning reads an unmentioned symptom as absent (as learnDxyModel does); scoring leaves it unknown.
  const learnCase = (r: DxyRecord): ConfirmedCase => {
    const present = new Set(
      mentioned(r)
        .filter(([, v]) => v)
        .map(([s]) => s),
    );
    const findings = [...known].map((id) => ({ id, present: present.has(id) }));
    return { id: r.consult_id, diagnosis: r.disease_tag, input: { findings } };
  };
  const scoreCase = (r: DxyRecord): ConfirmedCase => ({
    id: r.consult_id,
    diagnosis: r.disease_tag,
    input: { findings: mentioned(r).map(([id, present]) => ({ id, present })) },
  });
  const parts = partitionHospitals(records, {
    hospitals: o.hospitals,
    homeShare: o.homeShare,
    diseases: model.diseases.map((d) => d.id),
    diseaseOf: (r) => r.disease_tag,
    keyOf: (r) => r.consult_id,
    uniform: seededRandom(o.seed),
    heldBack: o.heldBack,
    innerSplit: o.innerSplit ?? false,
  });
  const sites = parts.map((h) => ({
    name: h.name,
    train: h.train.map(learnCase),
    heldBack: h.heldBack.map(scoreCase),
  }));
  return { records, model, source, sites };
}

export function simulateDxy(o: DxySimulationOptions) {
  const { records, model, source, sites } = dxySites(o);
  for (const h of sites) o.log(`DXY ${h.name}: learns from ${h.train.length}, holds back ${h.heldBack.length}`);
  const clip = trainingClip(source, sites);
  const sim = simulate(source, sites, {
    ...{ epsilons: [1, 8], delta: o.delta, clip, diseaseWeight: o.diseaseWeight, closedWorld: true },
    ...{ repeats: o.repeats, seed: o.seed },
    ...{ colluders: o.colluders, learn: o.learn, log: (l: string) => o.log(`DXY ${l}`) },
  });
  return {
    sim,
    clip,
    records: records.length,
    diseases: model.diseases.length,
    findings: model.findings.length,
    split: sites.map((h) => ({ hospital: h.name, train: h.train.length, heldBack: h.heldBack.length })),
  };
}
