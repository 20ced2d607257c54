/**
 * Peers' figures on the same case sets, with their source. None is the same task as the broad bench
 * (a differential over a whole release's diseases, nothing learned from the cases): every peer below
 * learned from the data set and chooses among its own diseases only (49 for DDXPlus, 5 for DXY).
 */
const DDXPLUS_PAPER =
  'DDXPlus paper (Fansi Tchango et al., NeurIPS 2022 Datasets and Benchmarks), tables 3 and 4, ' +
  'as copied in ../shared/data/ddxplus/SOURCE.md';
const OMCB =
  'Guardianzc/DISCOpen-MedBox-DialoDiagnosis (OpenMedicalChatBox) Readme.md, "Experiment → In real world dataset", ' +
  'Dxy columns (commit 16a7acb6303890ca7e0a6a8d97936f2b6305ecdc), as cited in bench/dxy.ts';

export const PUBLISHED = {
  ddxplus: {
    note:
      'GTPA@k on the full 134k-patient DDXPlus test set, agents trained on ~1 M DDXPlus patients, ' +
      'choosing among the 49 pathologies after an interaction (IL questions).',
    rows: [
      { method: 'AARLC (trained without differential)', top1: 0.9886, top5: 0.9993, source: DDXPLUS_PAPER },
      { method: 'BASD (trained without differential)', top1: 0.9665, top5: 0.9834, source: DDXPLUS_PAPER },
    ],
  },
  dxy: {
    note:
      'Diagnosis accuracy (top 1) on the 104-record DXY test split, models trained on the 423 training records, ' +
      'choosing among the 5 diseases.',
    rows: [
      { method: 'Classifier lower bound (explicit symptoms only)', top1: 0.682, source: OMCB },
      { method: 'Classifier upper bound (explicit + all implicit symptoms)', top1: 0.846, source: OMCB },
      { method: 'KR-DS (Xu et al., AAAI 2019), re-run', top1: 0.74, source: OMCB },
      { method: 'HRL (Liao et al., arXiv 2004.14254)', top1: 0.779, source: OMCB },
    ],
  },
} as const;
