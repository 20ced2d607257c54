import type { BatchData } from '../../src/knowledge/batch.js';
import type { Network } from '../../src/reasoning/index.js';
import { codingsFromKnowledge, compileNetwork, modelFromKnowledge } from '../../src/reasoning/index.js';
import type { HalfChoice } from '../lib/harness.js';
import { chooseHalf } from '../lib/harness.js';
import type { CaseSet } from './case-sets.js';
import { findCaseFiles, readDdxplusSet, readDxySet } from './case-sets.js';
import { findingMap } from './finding-map.js';
import { type InpatientResult, scoreInpatients } from './inpatients.js';
import { PUBLISHED } from './published.js';
import { mergedConcepts, causalNetworkFromBatches } from './release-network.js';
import { referenceMap } from './reference.js';
import type { Reading, SetScore } from './score.js';
import { nameCodes, scoreCases } from './score.js';

/**
 * The broad bench: the release's diseases ranked for every case of every case set found under
 * `data`, the reference diagnosis mapped by code (reference.ts), the evidence by the release's names
 * (finding-map.ts). Two networks: the release as built, and the release without its DDXPlus batch
 * (and the crosswalk onto it), so DDXPlus cases are also scored on knowledge that did not come from
 * DDXPlus (HPO, Disease Ontology, results evidence). Nothing is learned from any case.
 */
export interface BroadOptions {
  readonly batches: readonly BatchData[];
  readonly data: string;
  readonly half: HalfChoice;
  readonly log: (line: string) => void;
}

const READINGS: Record<CaseSet['set'], readonly Reading[]> = {
  ddxplus: ['explicit'],
  dxy: ['explicit', 'all', 'text'],
};
const WITHOUT_DDXPLUS = new Set(['ddxplus', 'crosswalk']);

export function runBroad({ batches, data, half, log }: BroadOptions) {
  const files = findCaseFiles(data);
  const sets: CaseSet[] = [];
  if (files.ddxplus.length) sets.push(readDdxplusSet(files.ddxplus));
  if (files.dxy.length) sets.push(readDxySet(files.dxy));
  if (sets.length === 0) throw new Error(`--data: no DDXPlus (patients*.csv) or DXY (dxy*.jsonl) file under ${data}`);
  const concepts = mergedConcepts(batches);
  const networks: { name: string; batches: readonly BatchData[] }[] = [
    { name: 'release', batches },
    { name: 'release without DDXPlus', batches: withoutDdxplus(batches) },
  ];
  const rows: Record<string, unknown>[] = [];
  const results: ({ network: string; set: CaseSet['set']; reading: Reading } & SetScore)[] = [];
  const mappings: Record<string, unknown> = {};
  let inpatients: InpatientResult[] = [];
  let release: ReturnType<typeof releaseFigures> | undefined;
  for (const n of networks) {
    const cn = causalNetworkFromBatches(n.batches);
    const net: Network = compileNetwork(modelFromKnowledge(cn));
    const codings = codingsFromKnowledge(cn);
    const refs = referenceMap(net, concepts);
    log(`${n.name}: ${net.diseases.length} diseases, ${net.findings.length} findings`);
    if (n.name === 'release') {
      release = releaseFigures(net, cn);
      log(`release: ${JSON.stringify(release)}`);
      inpatients = scoreInpatients(net, concepts, codings);
      for (const p of inpatients)
        log(
          `demo inpatient ${p.file}: ${p.inTop5}/${p.mapped} recorded diagnoses in the top 5 ` +
            `(${p.recorded.map((r) => `${r.text} ${r.icd10} rank ${r.rank ?? 'unmapped'}`).join('; ')})`,
        );
    }
    for (const set of sets) {
      const scored = chooseHalf(set.cases, (c) => c.key, half);
      const map = findingMap(net, concepts, set.ddx);
      mappings[`${n.name} / ${set.set}`] = describeMapping(set, net, refs, map);
      for (const reading of READINGS[set.set]) {
        const s = scoreCases(net, scored, refs, map, { reading, codings });
        results.push({ network: n.name, set: set.set, reading, ...s });
        rows.push(tableRow(n.name, set.set, reading, s));
        log(`${n.name} · ${set.set} · ${reading}: top-1 ${s.top1}, top-5 ${s.top5} of ${s.cases}`);
      }
    }
  }
  for (const set of sets)
    for (const p of PUBLISHED[set.set].rows)
      rows.push({
        method: `published: ${p.method}`,
        set: set.set,
        cases: null,
        referenceMapped: null,
        top1: p.top1,
        top5: 'top5' in p ? p.top5 : null,
      });
  // The README's figures: per network (release / withoutDdxplus) and set, the first reading.
  const summary: Record<string, Record<string, Pick<SetScore, 'cases' | 'referenceMapped' | 'top1' | 'top5'>>> = {};
  for (const r of results) {
    if (r.reading !== 'explicit') continue;
    const key = r.network === 'release' ? 'release' : 'withoutDdxplus';
    summary[key] ??= {};
    summary[key][r.set] = { cases: r.cases, referenceMapped: r.referenceMapped, top1: r.top1, top5: r.top5 };
  }
  return {
    summary,
    release,
    inpatients,
    sets: sets.map((s) => ({ set: s.set, files: s.files, cases: s.cases.length })),
    inputs: sets.flatMap((s) => s.files),
    results,
    mappings,
    table: rows,
    published: PUBLISHED,
  };
}

/**
 * What the network holds: diseases and their Chinese-name coverage, and the diseases of each prior basis (the
 * broad release's prevalence classes, `importers/disease-priors.ts`; `none` where a disease has no prior relation).
 */
function releaseFigures(net: Network, cn: ReturnType<typeof causalNetworkFromBatches>) {
  const withZh = net.diseases.filter((d) => d.name.zh).length;
  const priorClass = new Map(cn.priors.map((r) => [r.from, String(r.attrs.prevalenceClass ?? 'given')]));
  const priors: Record<string, number> = {};
  for (const d of net.diseases) {
    const k = priorClass.get(d.id) ?? 'none';
    priors[k] = (priors[k] ?? 0) + 1;
  }
  return {
    diseases: net.diseases.length,
    diseasesWithZhName: withZh,
    zhCoverage: Math.round((withZh / Math.max(net.diseases.length, 1)) * 1000) / 1000,
    priors,
  };
}

/**
 * The release without its DDXPlus batch and the crosswalk onto it; the priors batch keeps only the priors of
 * diseases that still have findings (a prior alone would put a DDXPlus disease back with nothing to show).
 */
function withoutDdxplus(batches: readonly BatchData[]): BatchData[] {
  const kept = batches.filter((b) => !WITHOUT_DDXPLUS.has(b.kind));
  const withFindings = new Set(
    kept.flatMap((b) => b.relations.filter((r) => r.type === 'has-finding').map((r) => r.from)),
  );
  return kept.map((b) =>
    b.kind === 'disease-priors'
      ? { ...b, relations: b.relations.filter((r) => r.type !== 'prior' || withFindings.has(r.from)) }
      : b,
  );
}

function tableRow(network: string, set: string, reading: Reading, s: SetScore) {
  return {
    method: `MedSeek ${network}, ${reading}`,
    set,
    cases: s.cases,
    referenceMapped: s.referenceMapped,
    top1: s.top1,
    top5: s.top5,
  };
}

/** How each diagnosis and evidence word of a set maps onto the network (counts, and what is unmapped). */
function describeMapping(
  set: CaseSet,
  net: Network,
  refs: ReturnType<typeof referenceMap>,
  map: ReturnType<typeof findingMap>,
) {
  const diagnoses = new Map<string, { codes: string[]; diseases: string[] }>();
  const words = new Map<string, { by: string; findings: string[] }>();
  for (const c of set.cases) {
    if (!diagnoses.has(c.reference.label)) {
      const codes = c.reference.icd10.length ? [...c.reference.icd10] : nameCodes(c.reference.name ?? '', refs);
      diagnoses.set(c.reference.label, { codes, diseases: refs.byCodes(codes).map((i) => net.diseases[i]!.id) });
    }
    for (const w of [...c.explicit, ...c.implicit])
      if (!words.has(w.word)) {
        const m = map(set.set, w.word);
        words.set(w.word, { by: m.by, findings: [...m.findings, ...m.risks] });
      }
  }
  const dx = [...diagnoses].sort(([a], [b]) => a.localeCompare(b));
  const ev = [...words].sort(([a], [b]) => a.localeCompare(b));
  return {
    diagnoses: {
      total: dx.length,
      mapped: dx.filter(([, d]) => d.diseases.length).length,
      how:
        set.set === 'ddxplus'
          ? 'ICD-10 code of release_conditions.json → network diseases with an ICD-10 code in the same line'
          : 'disease name → ICD-10 codes of the release concepts with that exact name (else without 小儿) → ' +
            'network diseases in the same line',
      unmapped: dx.filter(([, d]) => !d.diseases.length).map(([k, d]) => ({ diagnosis: k, codes: d.codes })),
      each: Object.fromEntries(
        dx.map(([k, d]) => [k, { codes: d.codes, diseases: d.diseases.length, examples: d.diseases.slice(0, 5) }]),
      ),
    },
    evidence: {
      total: ev.length,
      byRelease: ev.filter(([, w]) => w.by === 'release').length,
      byName: ev.filter(([, w]) => w.by === 'name').length,
      unmapped: ev.filter(([, w]) => w.by === 'none').map(([k]) => k),
    },
  };
}
