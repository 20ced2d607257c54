import type { Authority, KnowledgeSource, Sex } from '../../core/index.js';
import { invalid, parseCsv } from '../../core/index.js';
import type { CaseFinding, CaseInput } from './evidence.js';
import type {
  CausalEdge,
  CausalModel,
  DiseaseNode,
  FindingNode,
  HpiSlot,
  QuestionNode,
  StratifiedPrior,
} from './model.js';
import { parsePyLiteral } from './pyliteral.js';

/**
 * DDXPlus (Fansi Tchango et al., NeurIPS 2022 Datasets and Benchmarks, CC-BY;
 * https://github.com/mila-iqia/ddxplus) as a causal model.
 *
 * Structure from `release_conditions.json` (which evidences each pathology has, as symptoms or
 * antecedents) and `release_evidences.json` (question, type, options). The release gives no
 * probabilities, so they are learned from training patients with the structure as the prior: only
 * linked evidences get an edge, with a Beta prior shrinking each estimate towards the evidence's
 * pooled frequency.
 *
 * Evidence types: B (binary) → one finding; M (multi-choice, e.g. pain location, 165 body sites)
 * → one finding per non-default option; C with numeric options (0–10 scales: intensity, speed of
 * onset, precision) → cumulative threshold findings `E_56≥4`, `≥6`…, so a stronger pain also counts
 * as a moderate one; C with named options (rash colour) → one finding per non-default option.
 * The default option (`nowhere`, `N`, `NA`, 0) means none of the findings is present.
 */
export interface DdxEvidence {
  readonly name: string;
  readonly code_question: string;
  readonly question_en: string;
  readonly question_fr?: string;
  readonly is_antecedent: boolean;
  readonly default_value: string | number;
  readonly value_meaning: Record<string, { en: string; fr?: string }>;
  readonly 'possible-values': readonly (string | number)[];
  readonly data_type: 'B' | 'C' | 'M';
}

export interface DdxCondition {
  readonly condition_name: string;
  readonly 'cond-name-eng': string;
  readonly 'cond-name-fr'?: string;
  readonly 'icd10-id'?: string;
  readonly symptoms: Record<string, unknown>;
  readonly antecedents: Record<string, unknown>;
  readonly severity: number;
}

export interface DdxKnowledge {
  readonly conditions: Record<string, DdxCondition>;
  readonly evidences: Record<string, DdxEvidence>;
}

export interface DdxPatient {
  readonly row: number;
  readonly age: number;
  readonly sex: Sex;
  readonly pathology: string;
  /** `E_91`, `E_55_@_V_26`, `E_56_@_7` as in the file. */
  readonly evidences: readonly string[];
  readonly initialEvidence: string;
  /** The data set's own differential: [pathology, probability]. */
  readonly differential: readonly (readonly [string, number])[];
}

/** Thresholds of the 0–10 scales; `E_56≥t` is present when the answer is at least t. */
export const SCALE_THRESHOLDS = [2, 4, 6, 8] as const;

const authority: Authority = {
  name: 'DDXPlus',
  document: 'release_conditions.json, release_evidences.json',
  licence: 'CC-BY',
  url: 'https://github.com/mila-iqia/ddxplus',
};

export function parseDdxKnowledge(conditionsJson: string, evidencesJson: string): DdxKnowledge {
  const conditions = JSON.parse(conditionsJson) as Record<string, DdxCondition>;
  const evidences = JSON.parse(evidencesJson) as Record<string, DdxEvidence>;
  for (const [name, c] of Object.entries(conditions)) {
    for (const e of [...Object.keys(c.symptoms ?? {}), ...Object.keys(c.antecedents ?? {})]) {
      if (!evidences[e])
        throw invalid(`condition '${name}' names unknown evidence '${e}'`, {
          where: 'release_conditions.json',
          field: name,
        });
    }
  }
  return { conditions, evidences };
}

const isNumericScale = (e: DdxEvidence) =>
  e.data_type === 'C' && e['possible-values'].every((v) => typeof v === 'number');

/** The finding ids of one evidence (binary: itself; options: `E_55@V_26`; scales: `E_56≥4`). */
export function evidenceFindingIds(e: DdxEvidence): string[] {
  if (e.data_type === 'B') return [e.name];
  if (isNumericScale(e)) return SCALE_THRESHOLDS.map((t) => `${e.name}≥${t}`);
  return e['possible-values'].filter((v) => v !== e.default_value).map((v) => `${e.name}@${v}`);
}

/** Findings present for one file entry (`E_55_@_V_26` → `E_55@V_26`; `E_56_@_7` → `E_56≥2`…`E_56≥6`). */
export function entryFindings(kb: DdxKnowledge, entry: string): { question: string; present: string[] } {
  const [name, value] = entry.split('_@_') as [string, string | undefined];
  const e = kb.evidences[name];
  if (!e) throw invalid(`unknown evidence '${name}'`, { field: 'EVIDENCES' });
  if (e.data_type === 'B' || value === undefined) return { question: name, present: [name] };
  if (isNumericScale(e))
    return { question: name, present: SCALE_THRESHOLDS.filter((t) => Number(value) >= t).map((t) => `${name}≥${t}`) };
  return { question: name, present: String(value) === String(e.default_value) ? [] : [`${name}@${value}`] };
}

export function parseDdxPatients(csv: string, where = 'patients.csv'): DdxPatient[] {
  const rows = parseCsv(csv, where).map((r) => r.cells);
  const header = rows[0] ?? [];
  const col = (name: string) => {
    const i = header.indexOf(name);
    if (i < 0) throw invalid(`missing column ${name}`, { where, field: name });
    return i;
  };
  const [cAge, cDiff, cSex, cPath, cEv, cInit] = [
    'AGE',
    'DIFFERENTIAL_DIAGNOSIS',
    'SEX',
    'PATHOLOGY',
    'EVIDENCES',
    'INITIAL_EVIDENCE',
  ].map(col) as number[];
  return rows.slice(1).map((r, k) => {
    const line = `${where} row ${k + 2}`;
    const ev = parsePyLiteral(r[cEv!] ?? '', line);
    const diff = parsePyLiteral(r[cDiff!] ?? '[]', line);
    if (!Array.isArray(ev)) throw invalid('EVIDENCES is not a list', { where: line, field: 'EVIDENCES' });
    const age = Number(r[cAge!]);
    if (!Number.isFinite(age)) throw invalid(`AGE '${r[cAge!]}' is not a number`, { where: line, field: 'AGE' });
    const sex = r[cSex!] === 'M' ? 'male' : r[cSex!] === 'F' ? 'female' : 'unknown';
    return {
      row: k,
      age,
      sex,
      pathology: r[cPath!]!,
      evidences: ev.map(String),
      initialEvidence: r[cInit!]!,
      differential: (diff as PyValue[][]).map((p) => [String(p[0]), Number(p[1])] as const),
    };
  });
}

type PyValue = ReturnType<typeof parsePyLiteral>;

/**
 * The deterministic split used when training and evaluating on the same file: rows with an even
 * 0-based index train, odd rows are evaluated.
 */
export function splitDdxPatients(patients: readonly DdxPatient[]): { train: DdxPatient[]; test: DdxPatient[] } {
  return { train: patients.filter((p) => p.row % 2 === 0), test: patients.filter((p) => p.row % 2 === 1) };
}

export interface LearnOptions {
  /** Beta prior strength (pseudo-patients) pulling each edge towards the evidence's pooled frequency. Default 2. */
  readonly strength?: number;
  /** Scale from training share to the BN2O prior P(disease present). Default 0.3. */
  readonly priorScale?: number;
  /** Names the training data in edge sources, e.g. `patients_part1.csv even rows`. */
  readonly trainingLabel?: string;
}

const AGE_BANDS: readonly [number, number][] = [
  [0, 5],
  [5, 16],
  [16, 35],
  [35, 65],
  [65, 200],
];

/** Learns the network's parameters from training patients (never from the patients under evaluation). */
export function learnDdxModel(kb: DdxKnowledge, train: readonly DdxPatient[], options: LearnOptions = {}): CausalModel {
  const strength = options.strength ?? 2;
  const priorScale = options.priorScale ?? 0.3;
  const label = options.trainingLabel ?? `${train.length} training patients`;
  const names = Object.keys(kb.conditions);
  const evs = Object.values(kb.evidences);
  // Counts: per pathology, how many patients; per pathology × finding, how many had it present.
  const nBy = new Map<string, number>(names.map((n) => [n, 0]));
  const pos = new Map<string, number>();
  const answered = new Map<string, number>(); // per finding: patients whose question was answered
  const answeredPos = new Map<string, number>();
  for (const p of train) {
    nBy.set(p.pathology, (nBy.get(p.pathology) ?? 0) + 1);
    const present = new Set<string>();
    const questions = new Set<string>();
    for (const entry of p.evidences) {
      const r = entryFindings(kb, entry);
      questions.add(r.question);
      for (const f of r.present) present.add(f);
    }
    for (const f of present) pos.set(`${p.pathology}|${f}`, (pos.get(`${p.pathology}|${f}`) ?? 0) + 1);
    for (const q of questions) {
      for (const f of evidenceFindingIds(kb.evidences[q]!)) {
        answered.set(f, (answered.get(f) ?? 0) + 1);
        if (present.has(f)) answeredPos.set(f, (answeredPos.get(f) ?? 0) + 1);
      }
    }
  }
  const findings: FindingNode[] = [];
  const questions: QuestionNode[] = [];
  const pooled = new Map<string, number>();
  for (const e of evs) {
    const ids = evidenceFindingIds(e);
    for (const f of ids) pooled.set(f, ((answeredPos.get(f) ?? 0) + 0.5) / ((answered.get(f) ?? 0) + 1));
    const kind = e.is_antecedent ? 'antecedent' : 'symptom';
    const q = { en: e.question_en };
    if (e.data_type === 'B') {
      findings.push({ id: e.name, name: { en: findingName(e.question_en) }, kind, leak: 0 });
      questions.push({ id: e.name, text: q, kind: 'binary', options: [{ finding: e.name }], ...askIf(e) });
    } else if (isNumericScale(e)) {
      SCALE_THRESHOLDS.forEach((t) => {
        findings.push({ id: `${e.name}≥${t}`, name: { en: `${findingName(e.question_en)} ≥ ${t}/10` }, kind, leak: 0 });
      });
      questions.push({
        id: e.name,
        text: q,
        kind: 'scale',
        options: SCALE_THRESHOLDS.map((t) => ({ finding: `${e.name}≥${t}`, value: t })),
        ...askIf(e),
      });
    } else {
      const options = e['possible-values']
        .filter((v) => v !== e.default_value)
        .map((v) => {
          const meaning = e.value_meaning[String(v)]?.en ?? String(v);
          findings.push({
            id: `${e.name}@${v}`,
            name: { en: `${findingName(e.question_en)}: ${meaning}` },
            kind,
            leak: 0,
          });
          return { finding: `${e.name}@${v}`, value: v, label: { en: meaning } };
        });
      questions.push({
        id: e.name,
        text: q,
        kind: e.data_type === 'M' ? 'multi' : 'choice',
        options,
        none: [e.default_value],
        ...askIf(e),
      });
    }
  }
  // Leak: how often a finding is present in patients whose pathology has no edge to it.
  const linked = new Map<string, Set<string>>();
  for (const n of names) {
    const c = kb.conditions[n]!;
    linked.set(
      n,
      new Set(
        [...Object.keys(c.symptoms ?? {}), ...Object.keys(c.antecedents ?? {})].flatMap((e) =>
          evidenceFindingIds(kb.evidences[e]!),
        ),
      ),
    );
  }
  const leakCount = new Map<string, number>();
  const leakN = new Map<string, number>();
  for (const n of names) {
    const nd = nBy.get(n) ?? 0;
    for (const f of findings) {
      if (linked.get(n)!.has(f.id)) continue;
      leakN.set(f.id, (leakN.get(f.id) ?? 0) + nd);
      leakCount.set(f.id, (leakCount.get(f.id) ?? 0) + (pos.get(`${n}|${f.id}`) ?? 0));
    }
  }
  const leaks = new Map(
    findings.map((f) => [f.id, Math.max(((leakCount.get(f.id) ?? 0) + 0.1) / ((leakN.get(f.id) ?? 0) + 100), 1e-4)]),
  );
  const withLeak = findings.map((f) => ({ ...f, leak: leaks.get(f.id)! }));
  const total = train.length;
  const diseases: DiseaseNode[] = names.map((n) => {
    const c = kb.conditions[n]!;
    const share = ((nBy.get(n) ?? 0) + 1) / (total + names.length);
    return {
      id: n,
      name: { en: c['cond-name-eng'] },
      ...(c['icd10-id']
        ? {
            coding: {
              system: 'http://hl7.org/fhir/sid/icd-10',
              code: c['icd10-id'].toUpperCase(),
              display: c['cond-name-eng'],
            },
          }
        : {}),
      prior: share * priorScale,
      priors: stratifiedPriors(n, train, share, names.length, priorScale),
      severity: c.severity,
    };
  });
  const edges: CausalEdge[] = [];
  for (const n of names) {
    const nd = nBy.get(n) ?? 0;
    for (const f of linked.get(n)!) {
      const k = pos.get(`${n}|${f}`) ?? 0;
      const m0 = pooled.get(f) ?? 0.5;
      const pf = (k + strength * m0) / (nd + strength);
      const leak = leaks.get(f)!;
      const q = Math.max(0, Math.min(1, 1 - (1 - pf) / (1 - leak)));
      if (q <= 0) continue;
      const source: KnowledgeSource = {
        kind: 'knowledge',
        edgeId: `ddxplus:${n}->${f}`,
        authority: { ...authority, document: `${authority.document}; probability learned from ${label} (${k}/${nd})` },
        releaseId: 'ddxplus',
      };
      edges.push({ kind: 'causes', from: n, to: f, probability: q, source });
    }
  }
  return {
    id: 'ddxplus',
    title: { en: 'DDXPlus (49 pathologies, 223 evidences)', zh: 'DDXPlus（49 种疾病，223 项证据）' },
    release: `ddxplus; parameters from ${label}`,
    diseases,
    findings: withLeak,
    edges,
    questions,
  };
}

/** DDXPlus pain questions and the HPI slots they fill (E_55 where, E_54 character, E_57 radiation, E_56 intensity, E_59 speed of onset). */
const SLOTS: Record<string, HpiSlot> = {
  E_55: 'site',
  E_54: 'character',
  E_57: 'radiation',
  E_56: 'severity',
  E_59: 'onset',
};

function askIf(e: DdxEvidence): { askIf?: string; slot?: HpiSlot } {
  return {
    ...(e.code_question && e.code_question !== e.name ? { askIf: e.code_question } : {}),
    ...(SLOTS[e.name] ? { slot: SLOTS[e.name] } : {}),
  };
}

/** "Do you have a fever (either felt…)?" → "Fever (either felt…)": short enough for an explanation line. */
function findingName(question: string): string {
  return question
    .replace(
      /^(Do|Did|Are|Have|Is|Does|Were|Has)\s+(you|your|there)\s+(have\s+|had\s+|ever\s+|been\s+|feel\s+|experienced?\s+|recently\s+)*/i,
      '',
    )
    .replace(/\?$/, '')
    .replace(/^./, (c) => c.toUpperCase());
}

function stratifiedPriors(
  n: string,
  train: readonly DdxPatient[],
  share: number,
  k: number,
  scale: number,
): StratifiedPrior[] {
  const out: StratifiedPrior[] = [];
  const beta = 20;
  for (const sex of ['male', 'female'] as const) {
    for (const [from, to] of AGE_BANDS) {
      const stratum = train.filter((p) => p.sex === sex && p.age >= from && p.age < to);
      const count = stratum.filter((p) => p.pathology === n).length;
      const p = (count + beta * share) / (stratum.length + beta + k * 0);
      out.push({ sex, ageFrom: from, ageTo: to, prior: Math.min(p * scale, 0.5) });
    }
  }
  return out;
}

/**
 * A patient as a case. `closedWorld` (the data set's own convention, used in the full-evidence
 * benchmark): every evidence not listed is absent. Otherwise only the listed evidences are known.
 */
export function ddxPatientCase(kb: DdxKnowledge, p: DdxPatient, closedWorld: boolean): CaseInput {
  const findings: CaseFinding[] = [];
  const listed = new Set<string>();
  for (const entry of p.evidences) {
    const [name, value] = entry.split('_@_') as [string, string | undefined];
    listed.add(name);
    const e = kb.evidences[name];
    if (!e) throw invalid(`unknown evidence '${name}'`, { where: `row ${p.row + 2}`, field: 'EVIDENCES' });
    if (value === undefined || e.data_type === 'B') findings.push({ id: name });
    else findings.push({ id: name, value: isNumericScale(e) ? Number(value) : value });
  }
  if (closedWorld) {
    for (const e of Object.values(kb.evidences)) {
      if (listed.has(e.name)) continue;
      for (const f of evidenceFindingIds(e)) findings.push({ id: f, present: false });
    }
  }
  return { age: p.age, sex: p.sex, findings };
}
