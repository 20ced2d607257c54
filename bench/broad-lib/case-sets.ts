import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { basename, dirname, join } from 'node:path';
import type { Sex } from '../../src/core/index.js';
import type { DdxKnowledge } from '../../src/reasoning/index.js';
import { parseDdxKnowledge, parseDdxPatients, parseDxyJsonl } from '../../src/reasoning/index.js';
import { rowKey } from '../diagnosis-lib/ddx-data.js';
import { sharedData } from '../lib/harness.js';

/**
 * The case sets the broad bench scores, as cases with a reference diagnosis and evidence words:
 * - DDXPlus (CC-BY): the reference is the pathology's ICD-10 code from release_conditions.json; the
 *   evidence is the patient's binary symptoms and antecedents (by evidence code); options of
 *   categorical and multi-choice questions (pain site, 0–10 scales) are no yes/no finding and are left out.
 * - DXY (Xu et al. 2019; no licence file, research use): the reference is the disease's Chinese name
 *   (no code in the data); the evidence is the explicit (self-reported) symptom slots, and in the
 *   `all` reading also the implicit ones, true or false; the self-report text is kept for the NLP reading.
 */
export interface BroadCase {
  readonly set: 'ddxplus' | 'dxy';
  /** Unique within the set, the key of the dev/report halves. */
  readonly key: string;
  readonly reference: { readonly label: string; readonly icd10: readonly string[]; readonly name?: string };
  readonly age?: number;
  readonly sex?: Sex;
  /** Evidence by the set's own words or codes: present in the first reading, with the second's added. */
  readonly explicit: readonly { readonly word: string; readonly present: boolean }[];
  readonly implicit: readonly { readonly word: string; readonly present: boolean }[];
  readonly text?: string;
}

export interface CaseSet {
  readonly set: BroadCase['set'];
  readonly files: readonly string[];
  readonly cases: readonly BroadCase[];
  /** DDXPlus: the evidence definitions (names, whether an antecedent), for the finding map. */
  readonly ddx?: DdxKnowledge;
}

/** The case files under `data`: a file of either format, or a folder searched for them (two levels). */
export function findCaseFiles(data: string): { ddxplus: string[]; dxy: string[] } {
  const out = { ddxplus: [] as string[], dxy: [] as string[] };
  const visit = (p: string, depth: number) => {
    if (statSync(p).isDirectory()) {
      if (depth < 2) for (const f of readdirSync(p).sort()) visit(join(p, f), depth + 1);
      return;
    }
    if (/^patients.*\.csv$/i.test(basename(p))) out.ddxplus.push(p);
    else if (/^dxy.*\.jsonl$/i.test(basename(p))) out.dxy.push(p);
  };
  visit(data, 0);
  return out;
}

/** DDXPlus patients; the evidence definitions from release_evidences.json beside the file, else the shared ones. */
export function readDdxplusSet(files: readonly string[]): CaseSet {
  const dir = dirname(files[0]!);
  const here = existsSync(join(dir, 'release_evidences.json')) ? dir : sharedData('ddxplus');
  const kb = parseDdxKnowledge(
    readFileSync(join(here, 'release_conditions.json'), 'utf8'),
    readFileSync(join(here, 'release_evidences.json'), 'utf8'),
  );
  const cases: BroadCase[] = [];
  const seen = new Set<string>();
  for (const file of files)
    for (const p of parseDdxPatients(readFileSync(file, 'utf8'), file)) {
      const key = rowKey(p);
      if (seen.has(key)) continue;
      seen.add(key);
      const cond = kb.conditions[p.pathology];
      if (!cond) throw new Error(`${file}: pathology '${p.pathology}' is not in release_conditions.json`);
      const words = [...new Set(p.evidences.filter((e) => !e.includes('_@_')).map(String))];
      cases.push({
        set: 'ddxplus',
        key,
        reference: { label: p.pathology, icd10: splitCodes(cond['icd10-id']) },
        age: p.age,
        sex: p.sex,
        explicit: words.map((word) => ({ word, present: true })),
        implicit: [],
      });
    }
  return { set: 'ddxplus', files: [...files, join(here, 'release_conditions.json')], cases, ddx: kb };
}

/** DXY consultations of every file (a consult_id read once). */
export function readDxySet(files: readonly string[]): CaseSet {
  const cases: BroadCase[] = [];
  const seen = new Set<string>();
  for (const file of files)
    for (const r of parseDxyJsonl(readFileSync(file, 'utf8'), file)) {
      const key = String(r.consult_id);
      if (seen.has(key)) continue;
      seen.add(key);
      const explicit = Object.entries(r.goal.explicit_inform_slots).map(([word, present]) => ({ word, present }));
      const implicit = Object.entries(r.goal.implicit_inform_slots)
        .filter(([w]) => r.goal.explicit_inform_slots[w] === undefined)
        .map(([word, present]) => ({ word, present }));
      cases.push({
        set: 'dxy',
        key,
        reference: { label: r.disease_tag, icd10: [], name: r.disease_tag },
        explicit,
        implicit,
        ...(r.self_repo ? { text: r.self_repo } : {}),
      });
    }
  return { set: 'dxy', files, cases };
}

function splitCodes(field: string | undefined): string[] {
  return (field ?? '')
    .split(/[,;\s]+/)
    .map((c) => c.trim().toUpperCase())
    .filter((c) => /^[A-Z]\d\d/.test(c));
}
