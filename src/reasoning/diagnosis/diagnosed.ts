import type { Coding, Fact, Source } from '../../core/index.js';
import { CodeSystems, conceptKey } from '../../core/index.js';
import { fold } from '../../nlp/index.js';
import type { Network } from './network.js';

/**
 * Diseases of the network the record already diagnoses: a Condition about the patient (coded, or
 * read from a note's 诊断), matched to a disease by code (the same SNOMED CT code; an ICD-10 code
 * under the disease's, dot-aware, ICD-10 国家临床版 codes read at their WHO level) or by name (the
 * disease's zh or en name within the condition's text, the longest name winning, so 不稳定型心绞痛
 * is not also 稳定型心绞痛). A differential shows such a disease as diagnosed, not as a proposal.
 */
const ICD10 = new Set<string>([CodeSystems.icd10, CodeSystems.icd10cm, CodeSystems.icd10cn]);

/** ICD-10 国家临床版 `I50.900` → `I50.9`, `I48.x01` → `I48`, `J18.900x001` → `J18.9`; WHO codes as they are. */
export function whoIcd10(code: string): string {
  const c = code.trim().toUpperCase();
  const m = /^([A-Z]\d\d)(?:\.([0-9X])(\d)?)?/.exec(c);
  if (!m) return c;
  if (!m[2] || m[2] === 'X') return m[1]!;
  return `${m[1]}.${m[2]}${m[3] && m[3] !== '0' ? m[3] : ''}`;
}

/**
 * Whether a disease's ICD-10 code covers a record's. A 国家临床版 `.900` code is the category's
 * unspecified form (N18.900 慢性肾脏病) and covers the whole category (N18.3 CKD stage 3).
 */
function icdCovers(disease: Coding, record: string): boolean {
  const unspecified = disease.system === CodeSystems.icd10cn && /^[A-Z]\d\d\.900$/i.test(disease.code.trim());
  const d = unspecified ? disease.code.trim().slice(0, 3).toUpperCase() : whoIcd10(disease.code);
  const r = whoIcd10(record);
  return r === d || (r.startsWith(d) && (d.length === 3 ? r[3] === '.' : true));
}

/** Note sections whose conditions are diagnoses (入院诊断, 出院诊断, 既往史), not mentions in the history. */
const DIAGNOSIS_SECTIONS = new Set(['assessment', 'discharge_diagnosis', 'past_history']);

/**
 * A Condition resource about the patient, or a condition a note states in a diagnosis section;
 * neither refuted nor entered in error. A condition mentioned in the history ("受凉后感冒") is not one.
 */
function isDiagnosis(f: Fact): boolean {
  if (f.category !== 'condition' || f.subject.who !== 'patient') return false;
  if (f.assertion !== 'present' && f.assertion !== 'historical') return false;
  if (f.status && /^(refuted|entered-in-error)$/i.test(f.status)) return false;
  return f.sources.some((s) => s.kind === 'resource') || (f.section !== undefined && DIAGNOSIS_SECTIONS.has(f.section));
}

export function diagnosedDiseases(
  net: Network,
  facts: readonly Fact[],
  codings?: ReadonlyMap<string, readonly Coding[]>,
): Map<string, Source[]> {
  const names = net.diseases
    .flatMap((d) =>
      [d.name.zh, d.name.en].flatMap((n) => {
        const k = n ? fold(n).trim() : '';
        // Two Chinese characters or four Latin letters at least: 肺炎 yes, "AF" no.
        return k && (/[\u4e00-\u9fff]/u.test(k) ? k.length >= 2 : k.length >= 4) ? [{ id: d.id, key: k }] : [];
      }),
    )
    .sort((a, b) => b.key.length - a.key.length);
  const out = new Map<string, Source[]>();
  const add = (id: string, f: Fact) => out.set(id, [...(out.get(id) ?? []), ...f.sources]);
  for (const f of facts) {
    if (!isDiagnosis(f)) continue;
    const codes = [f.concept, ...(f.concept.codings ?? [])];
    const keys = new Set(codes.map(conceptKey));
    let matched = false;
    net.diseases.forEach((d) => {
      const own = [...(d.coding ? [d.coding] : []), ...(codings?.get(d.id) ?? [])];
      const hit = own.some(
        (k) =>
          keys.has(conceptKey(k)) ||
          (ICD10.has(k.system) && codes.some((c) => ICD10.has(c.system) && icdCovers(k, c.code))),
      );
      if (hit) {
        add(d.id, f);
        matched = true;
      }
    });
    if (matched) continue;
    const texts = [
      f.concept.displayZh,
      f.concept.display,
      ...f.sources.map((s) => (s.kind === 'text' ? s.quote : undefined)),
    ].flatMap((t) => (t ? [fold(t)] : []));
    for (const t of texts) {
      // Longest name first; a shorter name inside an already matched one is the same mention.
      const taken: string[] = [];
      for (const n of names) {
        if (!t.includes(n.key) || taken.some((x) => x.includes(n.key))) continue;
        taken.push(n.key);
        add(n.id, f);
      }
    }
  }
  for (const [id, list] of out) out.set(id, dedupe(list));
  return out;
}

function dedupe(list: readonly Source[]): Source[] {
  const seen = new Set<string>();
  return list.filter((s) => {
    const k = JSON.stringify(s);
    if (seen.has(k)) return false;
    seen.add(k);
    return true;
  });
}
