import type { Authority } from '../../core/index.js';
import { invalid } from '../../core/index.js';
import type { CaseInput } from './evidence.js';
import type { CausalEdge, CausalModel } from './model.js';

/**
 * The DXY paediatric dialogue data set (Xu et al., "End-to-End Knowledge-Routed Relational Dialogue
 * System for Automatic Diagnosis", AAAI 2019; as vendored in lemuria-wchen/imcs21): 5 diseases,
 * 41 normalised symptoms, each record a self-report with explicit symptoms, implicit symptoms
 * (true/false, revealed only when asked) and the disease.
 *
 * The network is learned from the training split only: P(symptom | disease) is the share of the
 * disease's records with the symptom present, shrunk towards the symptom's pooled share; the prior
 * is the disease's share of the records.
 */
export interface DxyRecord {
  readonly consult_id: string;
  readonly disease_tag: string;
  readonly self_repo?: string;
  readonly goal: {
    readonly explicit_inform_slots: Record<string, boolean>;
    readonly implicit_inform_slots: Record<string, boolean>;
  };
}

/** English names of the 41 DXY symptoms and 5 diseases (our translation). */
export const DXY_ENGLISH: Readonly<Record<string, string>> = {
  上呼吸道感染: 'Upper respiratory tract infection',
  小儿腹泻: 'Infantile diarrhoea',
  过敏性鼻炎: 'Allergic rhinitis',
  小儿手足口病: 'Hand, foot and mouth disease',
  肺炎: 'Pneumonia',
  咳嗽: 'Cough',
  发烧: 'Fever',
  流涕: 'Runny nose',
  咳痰: 'Productive cough',
  呕吐: 'Vomiting',
  精神萎靡: 'Listlessness',
  皮疹: 'Rash',
  鼻塞: 'Nasal congestion',
  稀便: 'Loose stools',
  厌食: 'Poor appetite',
  烦躁不安: 'Irritability',
  呼吸困难: 'Difficulty breathing',
  打喷嚏: 'Sneezing',
  疱疹: 'Vesicles (blisters)',
  过敏: 'Allergy',
  咽部不适: 'Sore throat',
  揉鼻子: 'Rubbing the nose',
  抽搐: 'Convulsions',
  吐泡泡: 'Frothing at the mouth',
  腹痛: 'Abdominal pain',
  尿少: 'Reduced urine output',
  绿便: 'Green stools',
  肺部阴影: 'Lung opacity on imaging',
  肺部湿啰音: 'Moist crackles in the lungs',
  喘气: 'Wheezing',
  蛋花样便: 'Egg-drop-soup stools',
  反胃: 'Nausea',
  流口水: 'Drooling',
  盗汗: 'Night sweats',
  揉眼睛: 'Rubbing the eyes',
  头痛: 'Headache',
  腹胀: 'Abdominal distension',
  肚子咕噜叫: 'Borborygmi (gurgling belly)',
  流鼻血: 'Nosebleed',
  放屁: 'Flatulence',
  体重减轻: 'Weight loss',
  大便酸臭: 'Sour-smelling stools',
  打嗝: 'Hiccups',
  舌苔发白: 'White-coated tongue',
  淋巴结肿大: 'Swollen lymph nodes',
  口渴: 'Thirst',
};

const authority: Authority = {
  name: 'DXY dialogue data set (Xu et al., AAAI 2019)',
  document: 'dxy_train.jsonl (lemuria-wchen/imcs21 task/DDP/KRDS)',
  url: 'https://github.com/lemuria-wchen/imcs21',
  licence: 'research use (no licence file)',
};

export function parseDxyJsonl(text: string, where = 'dxy.jsonl'): DxyRecord[] {
  return text
    .split('\n')
    .map((line, i) => ({ line: line.trim(), i }))
    .filter(({ line }) => line.length > 0)
    .map(({ line, i }) => {
      let r: DxyRecord;
      try {
        r = JSON.parse(line) as DxyRecord;
      } catch (e) {
        throw invalid(`not JSON: ${(e as Error).message}`, { where: `${where} line ${i + 1}` });
      }
      if (!r.disease_tag || !r.goal?.explicit_inform_slots)
        throw invalid('missing disease_tag or goal.explicit_inform_slots', { where: `${where} line ${i + 1}` });
      return r;
    });
}

/**
 * `synonyms`: raw term → normalised symptom (norm_symptom_list.txt), used by the complaint matcher
 * so a free-text self-report ("发热", "拉肚子") finds its symptom.
 */
export function learnDxyModel(
  train: readonly DxyRecord[],
  synonyms: Readonly<Record<string, readonly string[]>> = {},
  strength = 2,
): CausalModel {
  const diseases = [...new Set(train.map((r) => r.disease_tag))].sort();
  const symptoms = [
    ...new Set(
      train.flatMap((r) => [
        ...Object.keys(r.goal.explicit_inform_slots),
        ...Object.keys(r.goal.implicit_inform_slots),
      ]),
    ),
  ].sort();
  const count = (d: string | undefined, s: string, value: boolean) =>
    train.filter((r) => (d === undefined || r.disease_tag === d) && slot(r, s) === value).length;
  const edges: CausalEdge[] = [];
  const leak = 0.01;
  for (const d of diseases) {
    for (const s of symptoms) {
      const yes = count(d, s, true);
      const no = count(d, s, false);
      if (yes === 0) continue;
      // P(present | disease): the share of the disease's records with the symptom present, shrunk
      // towards the pooled share (a Beta prior worth `strength` records).
      const n = train.filter((r) => r.disease_tag === d).length;
      const m0 = count(undefined, s, true) / train.length;
      const p = (yes + strength * m0) / (n + strength);
      const q = Math.max(0, Math.min(1, 1 - (1 - p) / (1 - leak)));
      if (q <= 0) continue;
      edges.push({
        kind: 'causes',
        from: d,
        to: s,
        probability: q,
        source: {
          kind: 'knowledge',
          edgeId: `dxy:${d}->${s}`,
          authority: {
            ...authority,
            document: `${authority.document}: present in ${yes}, absent in ${no} of ${n} records`,
          },
          releaseId: 'dxy-train',
        },
      });
    }
  }
  return {
    id: 'dxy',
    title: {
      en: 'DXY paediatric consultations (5 diseases, 41 symptoms)',
      zh: '丁香园儿科问诊（5 种疾病，41 个症状）',
    },
    release: `dxy; parameters from the training split (${train.length} records)`,
    diseases: diseases.map((d) => ({
      id: d,
      name: { zh: d, en: DXY_ENGLISH[d] ?? d },
      prior: (0.3 * (train.filter((r) => r.disease_tag === d).length + 1)) / (train.length + diseases.length),
      // Pneumonia is the one of the five a paediatrician must not miss.
      severity: d === '肺炎' ? 2 : 4,
    })),
    findings: symptoms.map((s) => ({
      id: s,
      name: { zh: s, en: DXY_ENGLISH[s] ?? s },
      kind: 'symptom' as const,
      leak,
      synonyms: synonyms[s] ?? [],
    })),
    edges,
    questions: symptoms.map((s) => ({
      id: s,
      kind: 'binary' as const,
      text: { zh: `孩子有没有${s}？`, en: `Does the child have ${(DXY_ENGLISH[s] ?? s).toLowerCase()}?` },
      options: [{ finding: s }],
    })),
  };
}

function slot(r: DxyRecord, s: string): boolean | undefined {
  return r.goal.explicit_inform_slots[s] ?? r.goal.implicit_inform_slots[s];
}

/** `norm_symptom_list.txt`: `norm<TAB>raw1/raw2/…` → norm → raws. */
export function parseDxySynonyms(text: string): Record<string, string[]> {
  const out: Record<string, string[]> = {};
  for (const line of text.split('\n')) {
    const [norm, raws] = line.trim().split('\t');
    if (!norm || !raws) continue;
    out[norm] = [...new Set(raws.split('/').filter((r) => r && r !== norm))];
  }
  return out;
}

/**
 * The chance that a simulated DXY patient can answer a question about each symptom: in the data's
 * protocol (Xu et al. 2019; Chen et al. 2022, Diaformer) the patient answers from the implicit
 * symptoms and says "not sure" about every other symptom. Learned from the training split: among
 * the records where the symptom was not self-reported, the share where it is an implicit slot
 * (Laplace-smoothed). Used to scale a question's information gain (`InterviewPolicy.answerRate`).
 */
export function dxyAnswerRates(train: readonly DxyRecord[]): Record<string, number> {
  const symptoms = new Set(
    train.flatMap((r) => [...Object.keys(r.goal.explicit_inform_slots), ...Object.keys(r.goal.implicit_inform_slots)]),
  );
  const out: Record<string, number> = {};
  for (const s of symptoms) {
    const open = train.filter((r) => r.goal.explicit_inform_slots[s] === undefined);
    const answered = open.filter((r) => r.goal.implicit_inform_slots[s] !== undefined).length;
    out[s] = (answered + 1) / (open.length + 2);
  }
  return out;
}

/** The record's explicit symptoms as a case (what the patient says first). */
export function dxyExplicitCase(r: DxyRecord, known: ReadonlySet<string>): CaseInput {
  return {
    findings: Object.entries(r.goal.explicit_inform_slots)
      .filter(([s]) => known.has(s))
      .map(([id, present]) => ({ id, present })),
  };
}
