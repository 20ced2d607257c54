import { describe, expect, it } from 'vitest';
import { detectAssertions } from './context.js';

/** The assertion and subject of `target` (its first occurrence) in `text`. */
function assess(text: string, target: string, lang: 'zh' | 'en') {
  const start = text.indexOf(target);
  if (start < 0) throw new Error(`'${target}' not in '${text}'`);
  const [r] = detectAssertions(text, [{ start, end: start + target.length }], { lang });
  return { assertion: r!.assertion, subject: r!.subject.who, relation: r!.subject.relation };
}

describe('ConText assertions, English', () => {
  it.each([
    ['The patient denies chest pain.', 'chest pain', 'absent'],
    ['No fever, chills, or night sweats.', 'night sweats', 'absent'],
    ['Negative for pneumonia.', 'pneumonia', 'absent'],
    ['CT without evidence of pulmonary embolism.', 'pulmonary embolism', 'absent'],
    ['Myocardial infarction was ruled out.', 'Myocardial infarction', 'absent'],
    ['Chest pain is present.', 'Chest pain', 'present'],
    ['Possible pneumonia in the right lower lobe.', 'pneumonia', 'possible'],
    ['Findings are suspicious for malignancy.', 'malignancy', 'possible'],
    ['Rule out myocardial infarction.', 'myocardial infarction', 'possible'],
    ['Pneumonia is likely.', 'Pneumonia', 'possible'],
    ['History of hypertension.', 'hypertension', 'historical'],
    ['He is s/p appendectomy.', 'appendectomy', 'historical'],
    ['Return to the ED if chest pain recurs.', 'chest pain', 'hypothetical'],
    ['Should you develop fever, call the clinic.', 'fever', 'hypothetical'],
  ] as const)('%s → %s is %s', (text, target, expected) => {
    expect(assess(text, target, 'en').assertion).toBe(expected);
  });

  it('a termination term closes the negation scope', () => {
    expect(assess('No fever but has cough.', 'cough', 'en').assertion).toBe('present');
    expect(assess('No fever but has cough.', 'fever', 'en').assertion).toBe('absent');
  });

  it('pseudo-triggers do not negate', () => {
    expect(assess('No change in the pleural effusion.', 'pleural effusion', 'en').assertion).toBe('present');
    expect(assess('Gram negative rods in the blood culture.', 'rods', 'en').assertion).toBe('present');
  });

  it('scope stops at the sentence end', () => {
    expect(assess('Denies dyspnea. Has edema.', 'edema', 'en').assertion).toBe('present');
  });

  it('family members are the subject, with the relation', () => {
    expect(assess('Mother had breast cancer.', 'breast cancer', 'en')).toEqual({ assertion: 'family', subject: 'family', relation: 'mother' });
    expect(assess('Family history of diabetes.', 'diabetes', 'en')).toMatchObject({ assertion: 'family', subject: 'family' });
  });

  it('negation wins over family, the subject stays the relative', () => {
    expect(assess('Father has no history of diabetes.', 'diabetes', 'en')).toMatchObject({ assertion: 'absent', subject: 'family', relation: 'father' });
  });
});

describe('ConText assertions, Chinese', () => {
  it.each([
    ['患者无发热。', '发热', 'absent'],
    ['否认高血压、糖尿病病史。', '糖尿病', 'absent'],
    ['心脏听诊未闻及杂音。', '杂音', 'absent'],
    ['腹部未触及包块。', '包块', 'absent'],
    ['肝脾肋下未及。', '肝脾', 'absent'],
    ['咳嗽，不伴咳痰。', '咳痰', 'absent'],
    ['结核菌素试验阴性。', '结核菌素试验', 'absent'],
    ['已排除肺栓塞。', '肺栓塞', 'absent'],
    ['考虑社区获得性肺炎。', '社区获得性肺炎', 'possible'],
    ['肺炎可能性大。', '肺炎', 'possible'],
    ['疑似肺结核。', '肺结核', 'possible'],
    ['肺癌待排。', '肺癌', 'possible'],
    ['心肌梗死？', '心肌梗死', 'possible'],
    ['既往有高血压。', '高血压', 'historical'],
    ['曾患肺结核。', '肺结核', 'historical'],
    ['高血压病史10年。', '高血压', 'historical'],
    ['冠心病史20余年。', '冠心病', 'historical'],
    ['如出现胸痛，及时就诊。', '胸痛', 'hypothetical'],
    ['若发热不退则复诊。', '发热', 'hypothetical'],
  ] as const)('%s → %s is %s', (text, target, expected) => {
    expect(assess(text, target, 'zh').assertion).toBe(expected);
  });

  it('the negation ends at the clause (comma)', () => {
    expect(assess('无发热，咳嗽3天。', '咳嗽', 'zh').assertion).toBe('present');
  });

  it('"无明显诱因" is not a negation of what follows', () => {
    expect(assess('无明显诱因出现发热。', '发热', 'zh').assertion).toBe('present');
  });

  it('a target that contains a trigger character is not negated by it (无力)', () => {
    expect(assess('四肢无力。', '无力', 'zh').assertion).toBe('present');
  });

  it('family members are the subject', () => {
    expect(assess('其父有糖尿病。', '糖尿病', 'zh')).toEqual({ assertion: 'family', subject: 'family', relation: 'father' });
    expect(assess('母亲患高血压。', '高血压', 'zh')).toMatchObject({ subject: 'family', relation: 'mother' });
    expect(assess('否认家族遗传病史。', '遗传病', 'zh')).toMatchObject({ assertion: 'absent', subject: 'family' });
  });
});
