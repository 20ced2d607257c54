import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { seededRandom } from '../src/core/index.js';
import type { ConfirmedCase } from '../src/learning/index.js';
import type { DdxPatient } from '../src/reasoning/index.js';
import { compileNetwork, ddxPatientCase, learnDdxModel, parseDdxPatients } from '../src/reasoning/index.js';
import { ddxDir, loadDdxKnowledge, rowKey } from './diagnosis-lib/ddx-data.js';
import { partitionHospitals } from './federated-lib/hospitals.js';
import { accountantCheck, simulate } from './federated-lib/simulate.js';
import type { Benchmark } from './lib/harness.js';

/**
 * Federated learning of the DDXPlus causal network across simulated hospitals (issue 17): disjoint
 * partitions of the patients with skewed case mixes, each hospital holding back its report-half patients
 * (bench/lib/harness.ts halfOf on the row's content) and learning from the rest. Models: local-only,
 * federated at each ε (counts released once per hospital with (ε, δ)-DP Gaussian noise, summed), pooled.
 * GTPA@1 as bench ddxplus scores it in full mode (closed world: every evidence not listed is absent).
 *
 * The source network is the DDXPlus release with no patient data (structure only: learnDdxModel with no
 * training patients). Learning options and δ were fixed before any score was seen: edge strength 2 as
 * the DDXPlus learner's default, prior strength 20, δ = 1e-5. Clip: 44 cells per patient (disease,
 * stratum and up to 42 present findings: the most any patient of the file has; median 21). A first run
 * with clip 32 truncated 10–20% of each hospital's patients and scored no better; 44 truncates none. In a
 * deployment the clip must be a public bound, not read from the private data.
 * DXY is not included (not done in the time: it needs its own network assembly).
 */
export default {
  name: 'federated',
  description: 'federated learning across simulated hospitals (DDXPlus): local, federated at ε = 1 and 8, pooled',
  defaultData: '../shared/data/ddxplus/patients_part1.csv',
  async run({ data, args, log }) {
    const hospitals = Number(args.hospitals ?? 3);
    const homeShare = Number(args['home-share'] ?? 0.6);
    const seed = Number(args.seed ?? 17);
    const repeats = Number(args.repeats ?? 5);
    const delta = Number(args.delta ?? 1e-5);
    const clip = Number(args.clip ?? 44);
    const heldBack = args['held-back'] ?? 'report';
    if (heldBack !== 'report' && heldBack !== 'dev')
      throw new Error(`--held-back must be report or dev, not ${heldBack}`);
    const kb = loadDdxKnowledge(args['ddxplus-dir'] ?? ddxDir());
    const patients = parseDdxPatients(readFileSync(data, 'utf8'), data);
    const diseases = Object.keys(kb.conditions);
    const parts = partitionHospitals(patients, {
      hospitals,
      homeShare,
      diseases,
      diseaseOf: (p: DdxPatient) => p.pathology,
      keyOf: rowKey,
      uniform: seededRandom(seed),
      heldBack,
    });
    const asCase = (p: DdxPatient): ConfirmedCase => ({ input: ddxPatientCase(kb, p, true), diagnosis: p.pathology });
    const sites = parts.map((h) => ({ name: h.name, train: h.train.map(asCase), heldBack: h.heldBack.map(asCase) }));
    for (const h of sites) log(`${h.name}: learns from ${h.train.length}, holds back ${h.heldBack.length}`);
    const source = compileNetwork(learnDdxModel(kb, [], { trainingLabel: 'no patients (release structure only)' }));
    const learn = { label: 'hospital counts', edgePrior: 'pooled' as const, edgeStrength: 2, priorStrength: 20 };
    const sim = simulate(source, sites, { epsilons: [1, 8], delta, clip, repeats, seed, learn, log });
    const eps = (e: number) => sim.federated.find((f) => f.epsilon === e)!;
    const mix = parts.map((h) => {
      const byDisease = new Map<string, number>();
      for (const p of [...h.train, ...h.heldBack]) byDisease.set(p.pathology, (byDisease.get(p.pathology) ?? 0) + 1);
      const top = [...byDisease].sort((a, b) => b[1] - a[1]).slice(0, 3);
      return { hospital: h.name, train: h.train.length, heldBack: h.heldBack.length, commonest: top };
    });
    return {
      local: sim.local.gtpa1,
      federated_eps1: eps(1).gtpa1,
      federated_eps8: eps(8).gtpa1,
      pooled: sim.pooled.gtpa1,
      goal: {
        statement: 'federated at ε = 8 within 1 point of pooled and above local-only (issue 17)',
        eps8WithinOnePointOfPooled: sim.pooled.gtpa1 - eps(8).gtpa1 <= 1,
        eps8AboveLocal: eps(8).gtpa1 > sim.local.gtpa1,
      },
      units: 'percent (GTPA@1, mean over hospitals of each hospital’s held-back patients); brier, ece: 0–1',
      definitions:
        'GTPA@1/3: the confirmed pathology among the 1/3 most probable (bench ddxplus, full mode, closed world). ' +
        'Brier: mean squared error of the top-1 normalised posterior against being right; ECE over 10 bins. ' +
        "local: a hospital's own counts. pooled: all hospitals' exact counts. federated_epsX: a hospital's own " +
        "exact counts plus the sum of the other hospitals' private releases at ε = X (releasesOnly: the noisy " +
        'sum alone). sourceOnly: the release with no patient data.',
      models: { sourceOnly: sim.sourceOnly, local: sim.local, pooled: sim.pooled, federated: sim.federated },
      hospitals: mix,
      privacy: {
        mechanism:
          'Gaussian, calibrated exactly for (ε, δ) (analytic Gaussian mechanism, Balle & Wang 2018); neighbouring ' +
          'data sets differ by one patient; a patient adds 4 to its disease count (released ÷ 4) and 1 to at most ' +
          'clip − 1 other cells (stratum, present findings): L2 sensitivity √(16 + clip − 1); closed world, so ' +
          'unobserved-finding counts (structurally 0) are not released; every released cell noised; one release ' +
          'per hospital; noisy counts read by their posterior under the known noise (src/learning/noisy-counts.ts)',
        delta,
        clip,
        accounting: 'basic sequential composition per hospital; budget = the ε, δ of its one release',
        accountantCheck: accountantCheck(source, sites[0]!.train, 1, delta, clip),
      },
      learning: learn,
      split: {
        rule:
          `${hospitals} hospitals, disjoint, each disease's home hospital (index mod ${hospitals}) gets ` +
          `${homeShare} of its patients in expectation (seed ${seed}); held back: the ${heldBack} half by ` +
          "bench/lib/harness.ts halfOf keyed by the row's content",
        hospitals: mix.map((m) => ({ hospital: m.hospital, train: m.train, heldBack: m.heldBack })),
        noiseDraws: repeats,
      },
      inputs: [
        join(args['ddxplus-dir'] ?? ddxDir(), 'release_conditions.json'),
        join(args['ddxplus-dir'] ?? ddxDir(), 'release_evidences.json'),
      ],
      published: {
        note: 'context only, not comparable (different task: 1 M training patients, interactive, no privacy)',
        source:
          'DDXPlus paper (Fansi Tchango et al., NeurIPS 2022 Datasets and Benchmarks), table 3: GTPA@1 AARLC ' +
          '98.86 / BASD 96.65 without differential, 61.74 / 68.23 trained with differential; as given in ' +
          '../shared/data/ddxplus/SOURCE.md',
      },
    };
  },
} satisfies Benchmark;
