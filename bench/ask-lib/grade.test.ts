import { describe, expect, it } from 'vitest';
import type { AskAnswer } from '../../src/agents/index.js';
import type { Fact, PatientState } from '../../src/core/index.js';
import { grade } from './grade.js';
import type { AskQuestion } from './questions.js';

const potassium: Fact = {
  id: 'k1',
  patientId: 'p',
  category: 'measurement',
  concept: { system: 'http://loinc.org', code: '2823-3', display: 'Potassium', displayZh: '血钾' },
  assertion: 'present',
  subject: { who: 'patient' },
  value: { value: 6.5, unit: 'mmol/L' },
  time: { start: '2024-02-22T06:30:00+08:00' },
  sources: [{ kind: 'resource', resourceType: 'Observation', id: 'o1' }],
};
const warfarin: Fact = {
  ...potassium,
  id: 'w1',
  category: 'medication',
  concept: { system: 'x', code: 'w', displayZh: '华法林钠片' },
  value: undefined,
  dosage: { dose: { value: 3, unit: 'mg' }, frequency: { code: 'QD', perDay: 1 } },
};
const state = {
  phenotype: [],
  intervention: [warfarin],
  biology: [potassium],
  medications: [],
} as unknown as PatientState;

const question = (over: Partial<AskQuestion>): AskQuestion => ({
  id: 'q',
  patient: 'p',
  lang: 'zh',
  question: '血钾最高多少',
  reference: '6.5',
  must: [['6.5']],
  ...over,
});

function answer(
  sentences: { text: string; kind?: 'record' | 'absence' | 'refusal'; factIds?: string[] }[],
  refused = false,
) {
  return {
    refused,
    sentences: sentences.map((s) => ({ kind: 'record', factIds: [], sources: [], status: 'verified', ...s })),
  } as unknown as AskAnswer;
}

describe('the ask grader', () => {
  it('counts an answer correct only when every must-group appears and no must-not word does', () => {
    const right = answer([{ text: '血钾的最高值为6.5 mmol/L（2024-02-22 06:30）。', factIds: ['k1'] }]);
    expect(grade(question({}), right, state).outcome).toBe('correct');
    const wrongValue = answer([{ text: '血钾的最高值为7.5 mmol/L。', factIds: ['k1'] }]);
    expect(grade(question({}), wrongValue, state)).toMatchObject({ outcome: 'wrong', unsupportedCitation: true });
    const forbidden = grade(question({ mustNot: ['2024-02-22'] }), right, state);
    expect(forbidden.outcome).toBe('wrong');
  });

  it('counts a refusal as refused on an answerable question and correct on an unanswerable one', () => {
    const no = answer([{ text: '无法回答', kind: 'refusal' }], true);
    expect(grade(question({}), no, state).outcome).toBe('refused');
    expect(grade(question({ unanswerable: true, must: undefined }), no, state).outcome).toBe('correct');
    const absent = answer([{ text: '病历中未见过敏记录。', kind: 'absence' }]);
    expect(grade(question({ unanswerable: true, must: undefined }), absent, state).outcome).toBe('correct');
    const invented = answer([{ text: '血镁0.8 mmol/L。', factIds: ['k1'] }]);
    expect(grade(question({ unanswerable: true, must: undefined }), invented, state)).toMatchObject({
      outcome: 'wrong',
      unsupportedCitation: true,
    });
  });

  it('reads a dose as stated by the order it cites, and not by an order of another dose', () => {
    const dose = answer([{ text: '华法林钠片在用，剂量3 mg，每日一次。', factIds: ['w1'] }]);
    expect(grade(question({ must: [['5 mg']] }), dose, state)).toMatchObject({
      outcome: 'wrong',
      unsupportedCitation: false,
    });
    const otherDose = answer([{ text: '华法林钠片剂量5 mg。', factIds: ['w1'] }]);
    expect(grade(question({ must: [['9 mg']] }), otherDose, state).unsupportedCitation).toBe(true);
  });
});
