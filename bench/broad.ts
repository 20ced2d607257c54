import { broadReleaseBatches } from '../src/knowledge/broad-release.js';
import { runBroad } from './broad-lib/run.js';
import type { Benchmark } from './lib/harness.js';
import { parseHalf } from './lib/harness.js';

/**
 * The broad knowledge release (src/knowledge/broad-release.ts: HPO + Disease Ontology + DDXPlus +
 * ICD-10 国家临床版 + results evidence) scored on every case set with a reference diagnosis found
 * under --data (default ../shared/data: DDXPlus patients, DXY consultations): top-1 / top-5 of the
 * reference among all the release's diseases, with how each set was mapped (bench/broad-lib/run.ts).
 * The release is built in memory from its import batches (no database). Nothing is learned from the
 * cases; the mapping rules were written before any figure was seen and are the same for every set.
 * Halves: `--split report` (default), `dev` or `all`, by bench/lib/harness.ts devReportHalf keyed by
 * DDXPlus row content and DXY consult_id. It also reports the release's Chinese-name coverage and prior classes, and
 * where the three demo inpatients' recorded discharge diagnoses rank (bench/broad-lib/inpatients.ts).
 */
export default {
  name: 'broad',
  description: 'broad knowledge release: top-1/top-5 of the reference diagnosis on every case set, mapped by code',
  defaultData: '../shared/data',
  async run({ data, args, log }) {
    const half = parseHalf(args.split);
    log('reading the broad release’s sources…');
    const batches = broadReleaseBatches();
    const out = runBroad({ batches, data, half, log });
    return {
      split: {
        scored: half,
        rule:
          `${half === 'all' ? 'every case' : `the ${half} half`} of each set by bench/lib/harness.ts devReportHalf ` +
          '(DDXPlus: row content; DXY: consult_id)',
        sets: out.sets,
      },
      ...out,
      protocol:
        'Per case: the evidence as findings of the release network (binary DDXPlus evidences and antecedents; ' +
        'DXY symptom slots, or the self-report text through the NLP extractor), ' +
        'the noisy-OR posterior over every disease of the network, each disease with its prevalence-class prior ' +
        '(rare / common / unknown, src/knowledge/importers/disease-priors.ts, with the sourced prevalence overrides of ' +
        'src/knowledge/data/epidemiology: tuberculosis and bronchiectasis common), ' +
        'and the rank of the best-ranked disease whose ICD-10 code is in the line of the reference ' +
        '(ties count against). ' +
        'A reference that maps to no disease of the network is a miss in top1/top5 ' +
        '(and excluded from top1OfMapped/top5OfMapped). ' +
        'Demo inpatients (demo/zh, bench/broad-lib/inpatients.ts): the whole record through diagnosePatient, and the ' +
        'rank of each recorded encounter diagnosis, found by a network disease in its ICD-10 category.',
    };
  },
} satisfies Benchmark;
