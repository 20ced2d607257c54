import { describe, expect, it } from 'vitest';
import { contextMatcher, detectAssertions, scopeModifiers } from './context.js';
import { extractFacts } from './extract.js';

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
    expect(assess('Mother had breast cancer.', 'breast cancer', 'en')).toEqual({
      assertion: 'family',
      subject: 'family',
      relation: 'mother',
    });
    expect(assess('Family history of diabetes.', 'diabetes', 'en')).toMatchObject({
      assertion: 'family',
      subject: 'family',
    });
  });

  it('negation wins over family, the subject stays the relative', () => {
    expect(assess('Father has no history of diabetes.', 'diabetes', 'en')).toMatchObject({
      assertion: 'absent',
      subject: 'family',
      relation: 'father',
    });
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
    expect(assess('其父有糖尿病。', '糖尿病', 'zh')).toEqual({
      assertion: 'family',
      subject: 'family',
      relation: 'father',
    });
    expect(assess('母亲患高血压。', '高血压', 'zh')).toMatchObject({ subject: 'family', relation: 'mother' });
    expect(assess('否认家族遗传病史。', '遗传病', 'zh')).toMatchObject({ assertion: 'absent', subject: 'family' });
  });
});

describe('negation across a comma list (issue 12)', () => {
  it.each([
    // zh: 否认 carries over a comma list of bare names (with 病史/史/过敏史/等…史)
    ['既往否认糖尿病，高血压病史，及冠心病史。', ['糖尿病', '高血压', '冠心病']],
    ['否认高血压，心脏病，糖尿病病史，2.患者缘于7天前无明显诱因出现头痛。', ['高血压', '心脏病', '糖尿病']],
    ['否认肝炎，结核，伤寒等传染病史。', ['肝炎', '结核', '伤寒']],
    ['否认肝炎、结核等传染病史。', ['肝炎', '结核']],
    ['否认高血压、糖尿病、冠心病病史。', ['高血压', '糖尿病', '冠心病']],
    ['否认药物、食物过敏史。', ['药物', '食物']],
    ['否认青霉素，头孢类过敏史。', ['青霉素', '头孢类']],
    ['无咳嗽、咳痰、发热。', ['咳嗽', '咳痰', '发热']],
    // zh: after 无 only a history item goes on
    ['无高血压，慢性肾病病史。', ['高血压', '慢性肾病']],
    // zh clinical 不 / 没
    ['患者不发烧，不咳。', ['发烧', '咳']],
    ['近两日没发烧，没怎么咳。', ['发烧', '咳']],
    ['双下肢不肿。', ['肿']],
  ] as const)('%s → all absent', (text, targets) => {
    for (const t of targets) expect(assess(text, t, 'zh').assertion, t).toBe('absent');
  });

  it.each([
    // a new clause with a duration, its own predicate, 有/伴/但/对, a value or a new site is affirmed
    ['无发热，咳嗽3天。', '咳嗽', 'present'],
    ['无发热，咳嗽，咳痰2周。', '咳嗽', 'present'],
    ['无发热，咳嗽，咳痰2周。', '咳痰', 'present'],
    ['否认高血压病史，有糖尿病史10年。', '糖尿病', 'historical'],
    ['否认冠心病史，有哮喘病史。', '哮喘', 'historical'],
    ['无发热，但有咳嗽。', '咳嗽', 'present'],
    ['无恶心，伴腹泻。', '腹泻', 'present'],
    ['否认传染病史，对磺胺类药物过敏。', '磺胺类药物', 'present'],
    ['否认高血压，糖尿病，心率110次/分。', '心率', 'present'],
    ['右肾区无叩击痛，左肾区叩击痛。', '左肾区叩击痛', 'present'],
    ['无头痛，恶心呕吐2次。', '恶心', 'present'],
    ['否认手术史，否认外伤史，胸痛3天。', '胸痛', 'present'],
    // 不 in set phrases and verb complements denies nothing; a lone 不 reaches only the next word
    ['不规则阴道流血1月。', '阴道流血', 'present'],
    ['心律不齐，心悸。', '心悸', 'present'],
    ['不稳定型心绞痛。', '心绞痛', 'present'],
    ['不慎摔倒致左髋部疼痛。', '疼痛', 'present'],
    ['腰痛，不敢用力咳嗽及打喷嚏。', '咳嗽', 'present'],
    ['右上腹不适，恶心。', '恶心', 'present'],
    ['既往史不详，高血压。', '高血压', 'present'],
    ['不正常心电图。', '心电图', 'present'],
  ] as const)('%s → %s is %s', (text, target, expected) => {
    expect(assess(text, target, 'zh').assertion).toBe(expected);
  });

  it('the list holds where 否认 and the items are separated from a later complaint', () => {
    expect(assess('否认高血压，糖尿病，咳嗽3天。', '糖尿病', 'zh').assertion).toBe('absent');
    expect(assess('否认高血压，糖尿病，咳嗽3天。', '咳嗽', 'zh').assertion).toBe('present');
  });

  it.each([
    ['Denies fever, chills, or cough.', ['fever', 'chills', 'cough']],
    ['No history of diabetes, hypertension or CAD.', ['diabetes', 'hypertension', 'CAD']],
    ['Negative for nausea, vomiting, diarrhea.', ['nausea', 'vomiting', 'diarrhea']],
    ['No fever, night sweats, or weight loss for the past 3 months.', ['fever', 'night sweats', 'weight loss']],
    ['She was not tachycardic, nor was she in atrial fibrillation.', ['atrial fibrillation']],
  ] as const)('%s → all absent', (text, targets) => {
    for (const t of targets) expect(assess(text, t, 'en').assertion, t).toBe('absent');
  });

  it.each([
    ['No fever but cough.', 'cough', 'present'],
    ['Denies chest pain; reports dyspnea.', 'dyspnea', 'present'],
    ['Denies chest pain, reports dyspnea on exertion.', 'dyspnea', 'present'],
    ['No fever, cough for 3 days.', 'cough', 'present'],
    ['No rash, has productive cough.', 'productive cough', 'present'],
    ['No edema, the abdomen is tender.', 'tender', 'present'],
  ] as const)('%s → %s is %s', (text, target, expected) => {
    expect(assess(text, target, 'en').assertion).toBe(expected);
  });

  it('without the text (scopeModifiers called alone) a comma still ends the scope', () => {
    const text = '否认糖尿病，高血压病史。';
    const hits = contextMatcher('zh')
      .rules.filter((r) => r.trigger === '否认' || r.trigger === '，')
      .map((rule) => {
        const start = text.indexOf(rule.trigger);
        return { rule, start, end: start + rule.trigger.length };
      });
    const targets = [
      { start: 2, end: 5 },
      { start: 6, end: 9 },
    ];
    const [neg] = scopeModifiers(hits, { start: 0, end: text.length }, targets);
    expect(neg!.scope).toEqual({ start: 2, end: 5 });
    const [carried] = scopeModifiers(hits, { start: 0, end: text.length }, targets, text);
    expect(carried!.scope.end).toBeGreaterThanOrEqual(9);
  });

  it('the note pipeline reads the same scopes (extractFacts)', () => {
    const facts = extractFacts('既往否认糖尿病，高血压病史，及冠心病史。', { lang: 'zh' }).facts;
    expect(facts.map((f) => [f.concept.display, f.assertion])).toEqual([
      ['Diabetes mellitus', 'absent'],
      ['Hypertension', 'absent'],
      ['Coronary artery disease', 'absent'],
    ]);
    const later = extractFacts('否认高血压病史，有糖尿病史10年。', { lang: 'zh' }).facts;
    expect(later.map((f) => [f.concept.display, f.assertion])).toEqual([
      ['Hypertension', 'absent'],
      ['Diabetes mellitus', 'historical'],
    ]);
  });
});

describe('a bare answer word before a comma negates nothing after it', () => {
  /** The assertion of `target` in `text` under a rule set (clinical or a patient's own words). */
  function assessIn(text: string, target: string, lang: 'zh' | 'en', speech: 'clinical' | 'patient') {
    const start = text.indexOf(target);
    const [r] = detectAssertions(text, [{ start, end: start + target.length }], {
      lang,
      matcher: contextMatcher(lang, speech),
    });
    return r!.assertion;
  }

  it.each([
    ["no, I can't breathe", 'breathe', 'en', 'patient', 'present'],
    ["No, I can't breathe.", 'breathe', 'en', 'clinical', 'present'],
    ['nope, I am sweating', 'sweating', 'en', 'patient', 'present'],
    ['Any fever? No, cough and chills.', 'chills', 'en', 'patient', 'present'],
    ['没有，胸痛', '胸痛', 'zh', 'patient', 'present'],
    // a history (病史), not a denied one
    ['没有，高血压病史', '高血压', 'zh', 'clinical', 'historical'],
  ] as const)('%s → %s is %s', (text, target, lang, speech, expected) => {
    expect(assessIn(text, target, lang, speech)).toBe(expected);
  });

  it.each([
    // a list: the trigger has its first item in its own clause
    ['No fever, chills, or cough.', 'cough', 'en', 'clinical', 'absent'],
    ['no fever, chills, or cough', 'chills', 'en', 'patient', 'absent'],
    ['No, no fever.', 'fever', 'en', 'patient', 'absent'],
    // only a sentence's opener is a bare answer: after a comma it may answer within a contrast
    ['the kids were sick, but me, no, never threw up', 'threw up', 'en', 'patient', 'absent'],
    ['没有高血压，糖尿病病史', '糖尿病', 'zh', 'clinical', 'absent'],
    ['无发热，咳嗽', '发热', 'zh', 'clinical', 'absent'],
    ['无发热，咳嗽', '咳嗽', 'zh', 'clinical', 'present'],
    // a heading's answer after a colon is read as before: the list goes on after it
    ['Allergies: no, penicillin, sulfa.', 'penicillin', 'en', 'clinical', 'absent'],
  ] as const)('%s → %s stays %s', (text, target, lang, speech, expected) => {
    expect(assessIn(text, target, lang, speech)).toBe(expected);
  });

  it('a clause with a subject of its own or closed by a contrast word is not an item of the list', () => {
    expect(assessIn("no chest pain, I'm sweating though", 'sweating', 'en', 'patient')).toBe('present');
    expect(assessIn('No chest pain, my arm hurts.', 'arm', 'en', 'clinical')).toBe('present');
    expect(assessIn('No chest pain, sweating though.', 'sweating', 'en', 'clinical')).toBe('present');
    expect(assessIn('No chest pain, sweating though.', 'chest pain', 'en', 'clinical')).toBe('absent');
    // "though" opening the next clause: the item before it stays denied
    expect(assessIn('No fever, chills, though I have a cough.', 'chills', 'en', 'clinical')).toBe('absent');
  });

  it("didn't hear any / did not see any deny what follows", () => {
    expect(assessIn("didn't hear any wheezing", 'wheezing', 'en', 'clinical')).toBe('absent');
    expect(assessIn('Did not hear any murmur.', 'murmur', 'en', 'clinical')).toBe('absent');
    expect(assessIn("I didn't see any blood in my stool", 'blood', 'en', 'patient')).toBe('absent');
    expect(assessIn("didn't hear any wheezing, but there is a cough", 'cough', 'en', 'clinical')).toBe('present');
  });
});
