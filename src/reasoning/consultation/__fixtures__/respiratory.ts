import type { KnowledgeSource } from '../../../core/index.js';
import type { CausalModel } from '../../diagnosis/index.js';

/**
 * A small bilingual respiratory network for consultation tests. Illustrative numbers written for
 * the tests, not clinical knowledge.
 */
const src = (id: string): KnowledgeSource => ({
  kind: 'knowledge',
  edgeId: `fixture:${id}`,
  authority: { name: 'test fixture (illustrative)' },
});

const diseases = [
  ['cold', '普通感冒', 'Common cold', 0.05, 5],
  ['flu', '流行性感冒', 'Influenza', 0.02, 3],
  ['pneumonia', '肺炎', 'Pneumonia', 0.01, 2],
  ['pe', '肺栓塞', 'Pulmonary embolism', 0.002, 1],
  ['rhinitis', '过敏性鼻炎', 'Allergic rhinitis', 0.03, 5],
] as const;

const findings = [
  ['fever', '发热', 'Fever', 'symptom', ['发烧', '高烧']],
  ['cough', '咳嗽', 'Cough', 'symptom', []],
  ['runny-nose', '流涕', 'Runny nose', 'symptom', ['流鼻涕']],
  ['sneeze', '打喷嚏', 'Sneezing', 'symptom', []],
  ['dyspnoea', '气促', 'Shortness of breath', 'symptom', ['气短', '呼吸急促']],
  ['sputum', '咳痰', 'Productive cough', 'symptom', ['有痰']],
  ['myalgia', '肌肉酸痛', 'Muscle aches', 'symptom', ['全身酸痛']],
  ['calf', '小腿肿胀', 'Calf swelling', 'sign', []],
  ['travel', '近期长途旅行', 'Recent long-haul travel', 'antecedent', []],
  ['itchy-eyes', '眼痒', 'Itchy eyes', 'symptom', []],
] as const;

const edges: [string, string, number][] = [
  ['cold', 'runny-nose', 0.8],
  ['cold', 'sneeze', 0.6],
  ['cold', 'cough', 0.5],
  ['cold', 'fever', 0.2],
  ['flu', 'fever', 0.9],
  ['flu', 'myalgia', 0.8],
  ['flu', 'cough', 0.7],
  ['flu', 'runny-nose', 0.3],
  ['pneumonia', 'fever', 0.8],
  ['pneumonia', 'cough', 0.85],
  ['pneumonia', 'sputum', 0.7],
  ['pneumonia', 'dyspnoea', 0.6],
  ['pe', 'dyspnoea', 0.85],
  ['pe', 'calf', 0.4],
  ['pe', 'travel', 0.3],
  ['pe', 'cough', 0.2],
  ['rhinitis', 'sneeze', 0.9],
  ['rhinitis', 'runny-nose', 0.8],
  ['rhinitis', 'itchy-eyes', 0.7],
];

export const respiratoryModel: CausalModel = {
  id: 'fixture-respiratory',
  title: { en: 'Respiratory test network', zh: '呼吸系统测试网络' },
  release: 'test fixture',
  diseases: diseases.map(([id, zh, en, prior, severity]) => ({ id, name: { zh, en }, prior, severity })),
  findings: findings.map(([id, zh, en, kind, synonyms]) => ({
    id,
    name: { zh, en },
    kind,
    leak: 0.01,
    synonyms: [...synonyms],
  })),
  riskFactors: [{ id: 'surgery', name: { zh: '近期手术', en: 'Recent surgery' }, prevalence: 0.05 }],
  edges: [
    ...edges.map(([d, f, q]) => ({
      kind: 'causes' as const,
      from: d,
      to: f,
      probability: q,
      source: src(`${d}->${f}`),
    })),
    { kind: 'risk' as const, from: 'surgery', to: 'pe', probability: 0.02, source: src('surgery->pe') },
  ],
  questions: [
    ...findings.map(([id, zh, en]) => ({
      id,
      kind: 'binary' as const,
      text: { zh: `您有${zh}吗？`, en: `Do you have ${en.toLowerCase()}?` },
      options: [{ finding: id }],
    })),
  ],
};
