import { CodeSystems } from '../../src/core/index.js';
import type { KgConcept } from '../../src/knowledge/index.js';
import { normalizeTerm } from '../../src/knowledge/batch.js';
import type { Network } from '../../src/reasoning/index.js';
import { whoIcd10 } from '../../src/reasoning/diagnosis/diagnosed.js';

/**
 * A case's reference diagnosis as diseases of the network, by code only (never picked by hand): the
 * case's ICD-10 codes, or, for a case that names its disease without a code, the ICD-10 codes of the
 * release's concepts that carry that exact name (any source, the ICD-10 国家临床版 names included).
 * A network disease is the reference when one of its ICD-10 codes (WHO, CM or 国家临床版 read at its
 * WHO level) is in the same line as a reference code: the same code, a subcode of it (J45 → J45.0),
 * or the category it belongs to (I48.91 → I48).
 */
const ICD10 = new Set<string>([CodeSystems.icd10, CodeSystems.icd10cm, CodeSystems.icd10cn]);

export interface ReferenceMap {
  /** Network disease indices of these ICD-10 codes (empty when none). */
  byCodes(codes: readonly string[]): number[];
  /** ICD-10 codes of the release concepts named exactly `name` (normalised), in WHO form. */
  codesOfName(name: string): string[];
}

/** Whether two WHO-form ICD-10 codes are in one line (equal, or one the other's category or subcode). */
export function sameLine(a: string, b: string): boolean {
  const under = (x: string, y: string) => x.startsWith(y) && (y.length === 3 ? x[3] === '.' : true);
  return a === b || under(a, b) || under(b, a);
}

export function referenceMap(net: Network, concepts: ReadonlyMap<string, KgConcept>): ReferenceMap {
  const diseaseCodes: { index: number; codes: string[] }[] = [];
  net.diseases.forEach((d, index) => {
    const codes = icdCodes(concepts.get(d.id));
    if (codes.length) diseaseCodes.push({ index, codes });
  });
  const byName = new Map<string, Set<string>>();
  for (const c of concepts.values()) {
    if (c.type !== 'disease') continue;
    const codes = icdCodes(c);
    if (!codes.length) continue;
    const names = [c.name.en, c.name.zh, ...c.terms.filter((t) => t.kind !== 'question').map((t) => t.term)];
    for (const n of names) {
      if (!n) continue;
      const k = normalizeTerm(n);
      const set = byName.get(k) ?? new Set<string>();
      for (const code of codes) set.add(code);
      byName.set(k, set);
    }
  }
  return {
    byCodes(codes) {
      const want = codes.map(whoIcd10);
      return diseaseCodes.filter((d) => d.codes.some((c) => want.some((w) => sameLine(c, w)))).map((d) => d.index);
    },
    codesOfName(name) {
      return [...(byName.get(normalizeTerm(name)) ?? [])].sort();
    },
  };
}

function icdCodes(c: KgConcept | undefined): string[] {
  return [...new Set((c?.codes ?? []).filter((k) => ICD10.has(k.system)).map((k) => whoIcd10(k.code)))];
}
