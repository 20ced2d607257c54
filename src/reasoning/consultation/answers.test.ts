import { describe, expect, it } from 'vitest';
import type { QuestionNode } from '../diagnosis/index.js';
import { parseNumberList, parseQuestionAnswer, parseYesNo } from './answers.js';
import { parseDuration } from './complaint.js';
import { redFlagsInText } from './redflags.js';

describe('reading answers', () => {
  it("reads yes, no and don't know in Chinese and English, and re-prompts otherwise", () => {
    for (const [t, v] of [
      ['是', 'yes'],
      ['有的。', 'yes'],
      ['Yes', 'yes'],
      ['没有', 'no'],
      ['no', 'no'],
      ['不知道', 'unknown'],
      ["don't know", 'unknown'],
      ['有，两天了', 'yes'],
      ['没有发烧', 'no'],
      ['不太清楚', 'unknown'],
    ] as const) {
      expect(parseYesNo(t)).toEqual({ ok: true, value: v });
    }
    const bad = parseYesNo('maybe');
    expect(bad.ok).toBe(false);
    if (!bad.ok) expect(bad.reprompt.zh).toContain('"是"、"否"或"不知道"');
  });

  it('reads option numbers and refuses numbers out of range', () => {
    expect(parseNumberList('1,3', 5)).toEqual({ ok: true, value: [1, 3] });
    expect(parseNumberList('２和4', 5)).toEqual({ ok: true, value: [2, 4] });
    expect(parseNumberList('都没有', 5)).toEqual({ ok: true, value: 'none' });
    expect(parseNumberList('7', 5).ok).toBe(false);
  });

  it('reads a scale and options by label', () => {
    const scale: QuestionNode = {
      id: 'E_56',
      kind: 'scale',
      text: { en: 'How intense?' },
      options: [{ finding: 'E_56≥4', value: 4 }],
    };
    expect(parseQuestionAnswer(scale, '7', 'en')).toEqual({ ok: true, value: { kind: 'values', values: [7] } });
    expect(parseQuestionAnswer(scale, '11', 'en').ok).toBe(false);
    const multi: QuestionNode = {
      id: 'E_55',
      kind: 'multi',
      text: { en: 'Where?' },
      options: [
        { finding: 'a', value: 'V_1', label: { en: 'forehead', zh: '前额' } },
        { finding: 'b', value: 'V_2', label: { en: 'temple', zh: '太阳穴' } },
      ],
    };
    expect(parseQuestionAnswer(multi, '前额和太阳穴', 'zh')).toEqual({
      ok: true,
      value: { kind: 'values', values: ['V_1', 'V_2'] },
    });
    expect(parseQuestionAnswer(multi, '2', 'en')).toEqual({ ok: true, value: { kind: 'values', values: ['V_2'] } });
    expect(parseQuestionAnswer(multi, 'none', 'en')).toEqual({ ok: true, value: { kind: 'no' } });
  });

  it('normalises durations to ISO 8601, keeping the words', () => {
    expect(parseDuration('反复上腹痛3月，加重2天')).toEqual({ text: '3月', iso: 'P3M' });
    expect(parseDuration('咳嗽两周')).toEqual({ text: '两周', iso: 'P2W' });
    expect(parseDuration('fever for 2 days')).toEqual({ text: '2 days', iso: 'P2D' });
    expect(parseDuration('胸闷十二小时')).toEqual({ text: '十二小时', iso: 'PT12H' });
    expect(parseDuration('头痛')).toBeUndefined();
    // Ages are not durations.
    expect(parseDuration('患者刚满一周岁，从昨天发热')).toBeUndefined();
    expect(parseDuration('孩子10个月大，腹泻3天')).toEqual({ text: '3天', iso: 'P3D' });
    expect(parseDuration('a 3 years old boy with cough for 2 weeks')).toEqual({ text: '2 weeks', iso: 'P2W' });
  });

  it('finds stated red flags and ignores negated ones', () => {
    expect(redFlagsInText('今天早上开始胸痛，出汗').map((f) => f.id)).toEqual(['chest-pain']);
    expect(redFlagsInText('没有胸痛，也没有呕血')).toEqual([]);
    // A stiff neck is the flag only with fever (meningism; a stiff neck alone is 落枕, issue 13).
    expect(redFlagsInText('He denies chest pain but has a stiff neck and a fever').map((f) => f.id)).toEqual([
      'fever-rash',
    ]);
    expect(redFlagsInText('He denies chest pain but has a stiff neck')).toEqual([]);
  });
});
