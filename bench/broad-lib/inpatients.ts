import { readFileSync } from 'node:fs';
import { CodeSystems } from '../../src/core/index.js';
import type { AnyResource } from '../../src/fusion/index.js';
import { bundleResources, noteText, stateFromBundle } from '../../src/fusion/index.js';
import type { KgConcept } from '../../src/knowledge/index.js';
import { extractFacts } from '../../src/nlp/index.js';
import type { Network } from '../../src/reasoning/index.js';
import { type codingsFromKnowledge, diagnosePatient } from '../../src/reasoning/index.js';
import { whoIcd10 } from '../../src/reasoning/diagnosis/diagnosed.js';

/**
 * The three synthetic Chinese inpatients of `demo/zh` on a release network (as the demo-inpatients test
 * runs them on the demo release: the notes through the NLP extractor, the whole record fused, `diagnosePatient`),
 * and where each recorded discharge diagnosis (the bundle's encounter-diagnosis Conditions) ranks. A recorded
 * diagnosis is found at the best rank of a network disease whose ICD-10 code (WHO, CM or 国家临床版 at its WHO
 * level) is in the same three-character category (N18.3 CKD stage 3b is found as N18.9 CKD): the release has
 * few stage-level diseases. A diagnosis no network disease is coded in that category is `unmapped`.
 */
export const DEMO_INPATIENTS = ['zh-cap-pneumonia.json', 'zh-hf-af-warfarin.json', 'zh-t2dm-cyp2c19.json'] as const;

export interface InpatientResult {
  readonly file: string;
  readonly top5: readonly { readonly name: string; readonly status: string; readonly probability: number }[];
  readonly recorded: readonly { readonly text: string; readonly icd10: string; readonly rank: number | null }[];
  /** Recorded diagnoses that map to the network, and how many of them rank in the top 5. */
  readonly mapped: number;
  readonly inTop5: number;
}

const ICD10 = new Set<string>([CodeSystems.icd10, CodeSystems.icd10cm, CodeSystems.icd10cn]);
const DEPTH = 200;

export function scoreInpatients(
  net: Network,
  concepts: ReadonlyMap<string, KgConcept>,
  codings: ReturnType<typeof codingsFromKnowledge>,
  demoDir: URL = new URL('../../demo/zh/', import.meta.url),
): InpatientResult[] {
  const categories = net.diseases.map(
    (d) =>
      new Set(
        (concepts.get(d.id)?.codes ?? []).filter((k) => ICD10.has(k.system)).map((k) => whoIcd10(k.code).slice(0, 3)),
      ),
  );
  const index = new Map(net.diseases.map((d, i) => [d.id, i]));
  return DEMO_INPATIENTS.map((file) => {
    const bundle = JSON.parse(readFileSync(new URL(file, demoDir), 'utf8'));
    const resources = bundleResources(bundle) as AnyResource[];
    const patientId = (resources.find((x) => x.resourceType === 'Patient') as { id: string }).id;
    const notes = resources.flatMap((r) => {
      const n = r.resourceType === 'DocumentReference' ? noteText(r) : undefined;
      return n ? [n] : [];
    });
    const facts = notes.flatMap(
      (n) =>
        extractFacts(n.text, { lang: 'zh', document: n.document, patientId, ...(n.date ? { anchorDate: n.date } : {}) })
          .facts,
    );
    const r = diagnosePatient(net, stateFromBundle(bundle, facts), {
      codings,
      notes,
      top: DEPTH,
      counterfactual: false,
    });
    const ranked = r.diagnosis.differential.map((d) => index.get(d.id)!);
    const recorded = recordedDiagnoses(resources).map((x) => {
      const cat = whoIcd10(x.icd10).slice(0, 3);
      const at = ranked.findIndex((i) => categories[i]!.has(cat));
      const mapped = categories.some((c) => c.has(cat));
      return { ...x, rank: at >= 0 ? at + 1 : mapped ? DEPTH + 1 : null };
    });
    const mapped = recorded.filter((x) => x.rank !== null);
    return {
      file,
      top5: r.diagnosis.differential.slice(0, 5).map((d) => ({
        name: d.name.zh ?? d.name.en,
        status: d.status,
        probability: Math.round(d.probability * 1000) / 1000,
      })),
      recorded,
      mapped: mapped.length,
      inTop5: mapped.filter((x) => x.rank! <= 5).length,
    };
  });
}

function recordedDiagnoses(resources: readonly AnyResource[]): { text: string; icd10: string }[] {
  return resources.flatMap((r) => {
    if (r.resourceType !== 'Condition') return [];
    const c = r as { code?: { text?: string; coding?: { system?: string; code?: string }[] } };
    const icd = c.code?.coding?.find((k) => k.system === CodeSystems.icd10 && k.code);
    return icd ? [{ text: c.code?.text ?? icd.code!, icd10: icd.code! }] : [];
  });
}
