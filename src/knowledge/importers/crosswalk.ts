import { CodeSystems } from '../../core/index.js';
import { type BatchData, BatchBuilder } from '../batch.js';
import type { KgSource } from '../model.js';
import { contentHash } from './read-input.js';

/**
 * Links the ICD-10 国家临床版 2.0 codes to the DDXPlus pathologies whose ICD-10 codes they fall
 * under (`J18.900 肺炎` → DDXPlus Pneumonia, coded J17, J18): a `maps-to` edge per code, derived
 * by MedSeek from the codes both sources give. With it, a Chinese name the NLP stage matched to an
 * ICD-10 concept reaches the DDXPlus diagnosis network, and paths cross the two sources.
 */
export const CROSSWALK_SOURCE: KgSource = {
  id: 'medseek-crosswalk',
  name: 'MedSeek (derived)',
  document: 'ICD-10 国家临床版 2.0 codes matched by prefix to the ICD-10 codes DDXPlus gives its pathologies',
  licence: 'Apache-2.0',
  note: 'Derived mechanically from codes; a code prefix match, not a clinical review.',
  shippable: true,
};

export function crosswalkBatch(ddxplus: BatchData, icd10cn: BatchData): BatchData {
  const b = new BatchBuilder();
  const src = b.source(CROSSWALK_SOURCE);
  const icd = icd10cn.concepts.map((c) => ({
    id: c.id,
    code: [...c.codes.values()].find((k) => k.system === CodeSystems.icd10cn)?.code ?? '',
  }));
  for (const d of ddxplus.concepts) {
    if (d.type !== 'disease') continue;
    for (const k of d.codes.values()) {
      if (k.system !== CodeSystems.icd10) continue;
      const prefix = k.code.toUpperCase();
      for (const c of icd) {
        const code = c.code.toUpperCase();
        // `J18` covers `J18.900`; `I48.91` covers `I48.910`…; never `J180` for `J18`.
        if (code === prefix || (code.startsWith(prefix) && (prefix.length === 3 ? code[3] === '.' : true))) {
          b.relation('maps-to', c.id, d.id, src, { match: 'code-prefix', code: k.code });
        }
      }
    }
  }
  return b.build({
    kind: 'crosswalk',
    key: 'crosswalk:ddxplus-icd10cn',
    contentHash: contentHash(ddxplus.contentHash, icd10cn.contentHash),
    external: true,
  });
}
