import { describe, expect, it } from 'vitest';
import {
  chiefComplaintText,
  composeOutpatientRecord,
  type OutpatientRecordInput,
  verifyOutpatientRecord,
} from './outpatient-record.js';

const input: OutpatientRecordInput = {
  sessionId: 'c1',
  lang: 'zh',
  patient: { age: 35, sex: 'male' },
  turns: [
    { turn: 1, role: 'patient', text: '咳嗽、发烧3天' },
    { turn: 2, role: 'medseek', text: '您现在是不是喘得说不出完整的一句话？' },
    { turn: 3, role: 'patient', text: '没有' },
    { turn: 4, role: 'medseek', text: '有多难受？' },
    { turn: 5, role: 'patient', text: '挺难受的，5分' },
    { turn: 6, role: 'medseek', text: '嗓子疼吗？' },
    { turn: 7, role: 'patient', text: '嗓子有点疼，不流鼻涕' },
    { turn: 8, role: 'medseek', text: '过敏吗？' },
    { turn: 9, role: 'patient', text: '青霉素过敏，起皮疹' },
  ],
  complaint: {
    text: '咳嗽、发烧3天',
    turn: 1,
    symptoms: [
      { zh: '咳嗽', en: 'Cough' },
      { zh: '发热', en: 'Fever' },
    ],
  },
  duration: { text: '3天', turn: 1 },
  hpi: [{ label: { zh: '程度', en: 'Severity' }, text: '挺难受的，5分', turn: 5 }],
  findings: [
    { name: { zh: '咽痛', en: 'Sore throat' }, present: true, turn: 7, code: 'E_97' },
    { name: { zh: '流涕', en: 'Runny nose' }, present: false, turn: 7, code: 'E_181' },
  ],
  allergies: { text: '青霉素过敏，起皮疹', none: false, unknown: false, turn: 9 },
};

describe('draft outpatient record from a pre-consultation', () => {
  it('writes 主诉 as symptoms + duration within 20 characters', () => {
    expect(chiefComplaintText(['咳嗽', '发热'], '3天', 'zh')).toBe('咳嗽、发热3天');
    const long = chiefComplaintText(
      ['咳嗽', '发热', '肌肉酸痛', '咽痛', '流涕', '头痛', '乏力', '恶心呕吐'],
      '两周',
      'zh',
    );
    expect(long.length).toBeLessThanOrEqual(20);
    expect(long.endsWith('两周')).toBe(true);
  });

  it('cites every sentence to the patient turn it came from and verifies the text against the transcript', () => {
    const r = composeOutpatientRecord(input);
    expect(r.status).toBe('draft');
    expect(r.chiefComplaint).toBe('咳嗽、发热3天');
    const sentences = r.sections.flatMap((s) => s.sentences);
    expect(sentences.length).toBeGreaterThanOrEqual(5);
    for (const s of sentences) {
      expect(s.sources.length).toBeGreaterThan(0);
      for (const src of s.sources) expect(src).toMatchObject({ kind: 'patient-reported', sessionId: 'c1' });
    }
    expect(r.sections.find((s) => s.key === 'allergies')!.sentences[0]!.text).toBe('“青霉素过敏，起皮疹”。');
    expect(r.text).toContain('现病史：患者3天前出现咳嗽、发热。');
    expect(r.text).toContain('伴咽痛。无流涕。');
    expect(r.verification.counts.contradicted).toBe(0);
    expect(r.verification.blocked).toBe(false);
  });

  it('re-verifies the clinician edit: an added finding is unsupported, a flipped one contradicted', () => {
    const r = composeOutpatientRecord(input);
    const added = verifyOutpatientRecord(r.text.replace('伴咽痛。', '伴咽痛、咯血。'), input);
    expect(added.claims.find((c) => c.text.includes('咯血'))?.verdict).toBe('unsupported');
    const flipped = verifyOutpatientRecord(r.text.replace('无流涕。', '伴流涕。'), input);
    expect(flipped.claims.find((c) => c.text.includes('伴流涕'))?.verdict).toBe('contradicted');
    expect(flipped.blocked).toBe(true);
  });

  it('refuses a citation to a turn the patient never spoke', () => {
    expect(() =>
      composeOutpatientRecord({ ...input, hpi: [{ label: { zh: '部位', en: 'Site' }, text: '胸口', turn: 4 }] }),
    ).toThrow(/turn 4/);
  });
});

/** A pre-consultation as the engine hands it over: questions, colloquial answers, what it read from them. */
const zh: OutpatientRecordInput = {
  sessionId: 'c2',
  lang: 'zh',
  turns: [
    { turn: 1, role: 'patient', text: '咳嗽3天' },
    { turn: 2, role: 'medseek', text: '您有没有发烧？' },
    { turn: 3, role: 'patient', text: '没有' },
    { turn: 4, role: 'medseek', text: '您有没有咳痰？' },
    { turn: 5, role: 'patient', text: '有点黄痰' },
    { turn: 6, role: 'medseek', text: '您有没有流涕？' },
    { turn: 7, role: 'patient', text: '嗓子有点疼，不流鼻涕' },
    { turn: 8, role: 'medseek', text: '您有没有胸痛？咽部充血吗？' },
    { turn: 9, role: 'patient', text: '不知道' },
    { turn: 10, role: 'medseek', text: '您对什么药物或食物过敏吗？' },
    { turn: 11, role: 'patient', text: '没有' },
  ],
  complaint: { text: '咳嗽3天', turn: 1, symptoms: [{ zh: '咳嗽', en: 'Cough' }] },
  duration: { text: '3天', turn: 1 },
  findings: [
    { name: { zh: '咳痰', en: 'Productive cough' }, present: true, turn: 5, code: 'sputum', terms: ['有痰', '黄痰'] },
    { name: { zh: '发热', en: 'Fever' }, present: false, turn: 3, code: 'fever', terms: ['发烧', '高烧'] },
    { name: { zh: '流涕', en: 'Runny nose' }, present: false, turn: 7, code: 'runny-nose', terms: ['流鼻涕'] },
  ],
  allergies: { text: '没有', none: true, unknown: false, turn: 11 },
  vocabulary: [
    {
      name: { zh: '咽痛', en: 'Sore throat' },
      concept: { system: 'http://snomed.info/sct', code: '162397003' },
      terms: ['嗓子疼', '嗓子有点疼', '喉咙痛'],
    },
  ],
};

const en: OutpatientRecordInput = {
  sessionId: 'c3',
  lang: 'en',
  turns: [
    { turn: 1, role: 'patient', text: 'cough for 3 days' },
    { turn: 2, role: 'medseek', text: 'Do you have a fever?' },
    { turn: 3, role: 'patient', text: 'no' },
    { turn: 4, role: 'medseek', text: 'Do you cough anything up?' },
    { turn: 5, role: 'patient', text: 'a bit of yellow stuff' },
    { turn: 6, role: 'medseek', text: 'How bad is it, from 0 to 10?' },
    { turn: 7, role: 'patient', text: 'pretty bad, 5' },
    { turn: 8, role: 'medseek', text: 'Are you allergic to any medicine?' },
    { turn: 9, role: 'patient', text: 'penicillin, I get a rash' },
    { turn: 10, role: 'medseek', text: 'Is there anything else you want the doctor to know?' },
    { turn: 11, role: 'patient', text: 'my throat is a bit sore' },
  ],
  complaint: { text: 'cough for 3 days', turn: 1, symptoms: [{ zh: '咳嗽', en: 'Cough' }] },
  duration: { text: '3 days', turn: 1 },
  hpi: [{ label: { zh: '程度', en: 'Severity' }, text: 'pretty bad, 5', turn: 7 }],
  findings: [
    { name: { zh: '咳痰', en: 'Productive cough' }, present: true, turn: 5, code: 'sputum' },
    { name: { zh: '发热', en: 'Fever' }, present: false, turn: 3, code: 'fever' },
  ],
  allergies: { text: 'penicillin, I get a rash', none: false, unknown: false, turn: 9 },
  reported: [{ text: 'my throat is a bit sore', present: true, turn: 11 }],
  vocabulary: [
    {
      name: { zh: '咽痛', en: 'Sore throat' },
      concept: { system: 'http://snomed.info/sct', code: '162397003' },
      terms: ['throat is sore', 'throat hurts'],
    },
  ],
};

const claimOf = (r: ReturnType<typeof verifyOutpatientRecord>, part: string) => {
  const c = r.claims.find((x) => x.text.includes(part));
  if (!c) throw new Error(`no claim with "${part}" in ${r.claims.map((x) => x.text).join(' | ')}`);
  return c;
};
const turnsOf = (c: { evidence: readonly { kind: string }[] }) =>
  [...new Set(c.evidence.flatMap((e) => ('turn' in e && typeof e.turn === 'number' ? [e.turn] : [])))].sort(
    (a, b) => a - b,
  );

describe('verifying the 门诊病历 against what the patient said', () => {
  it('verifies a faithful zh draft sentence by sentence, each citing the turns it came from', () => {
    const r = composeOutpatientRecord(zh);
    expect(r.text).toContain('伴咳痰。无发热、流涕。');
    expect(r.verification.counts).toMatchObject({ contradicted: 0, unsupported: 0 });
    // The answer "没有" to the fever question is what supports 无发热; "有点黄痰" what supports 咳痰.
    expect(turnsOf(claimOf(r.verification, '无发热'))).toEqual([3]);
    expect(turnsOf(claimOf(r.verification, '伴咳痰'))).toEqual([5]);
    expect(turnsOf(claimOf(r.verification, '主诉'))).toEqual([1]);
    const hpi = r.sections.find((s) => s.key === 'hpi')!.sentences;
    expect(hpi.find((s) => s.text.startsWith('无'))!.turns).toEqual([3, 7]);
    for (const c of r.verification.claims) expect(c.evidence.every((e) => e.kind === 'patient-reported')).toBe(true);
  });

  it('verifies a faithful en draft the same way', () => {
    const r = composeOutpatientRecord(en);
    expect(r.verification.counts).toMatchObject({ contradicted: 0, unsupported: 0 });
    expect(turnsOf(claimOf(r.verification, 'No Fever'))).toEqual([3]);
    expect(turnsOf(claimOf(r.verification, 'Severity'))).toEqual([7]);
    // "penicillin, I get a rash" answered to the allergy question is an allergy to penicillin.
    expect(claimOf(r.verification, 'penicillin').verdict).toBe('supported');
    expect(turnsOf(claimOf(r.verification, 'penicillin'))).toEqual([9]);
  });

  it('supports a pertinent negative by the "没有" answer to the question that named it', () => {
    const r = verifyOutpatientRecord('现病史：无发热。', zh);
    expect(claimOf(r, '无发热').verdict).toBe('supported');
    expect(turnsOf(claimOf(r, '无发热'))).toEqual([3]);
    expect(claimOf(verifyOutpatientRecord('No fever.', en), 'No fever').verdict).toBe('supported');
  });

  it('reads the patient’s colloquial words as the finding they name', () => {
    const r = verifyOutpatientRecord('现病史：伴咽痛。', zh);
    expect(claimOf(r, '咽痛').verdict).toBe('supported');
    expect(turnsOf(claimOf(r, '咽痛'))).toEqual([7]);
    // Without the words patients use, 嗓子有点疼 names nothing: the same line is only unsupported.
    expect(claimOf(verifyOutpatientRecord('现病史：伴咽痛。', { ...zh, vocabulary: [] }), '咽痛').verdict).toBe(
      'unsupported',
    );
    // A hedge inside the phrase ("my throat is a bit sore") still names it.
    const sore = claimOf(verifyOutpatientRecord('Sore throat.', en), 'Sore throat');
    expect(sore.verdict).toBe('supported');
    expect(turnsOf(sore)).toEqual([11]);
    expect(claimOf(verifyOutpatientRecord('No sore throat.', en), 'sore throat').verdict).toBe('contradicted');
  });

  it('never lets the questions or the clinician’s additions count as what the patient said', () => {
    const draft = composeOutpatientRecord(zh).text;
    const edited = verifyOutpatientRecord(`${draft}\n查体：咽部充血。`, zh);
    expect(claimOf(edited, '咽部充血').verdict).toBe('unsupported');
    expect(edited.counts).toMatchObject({ contradicted: 0, unsupported: 1 });
    // Asked about ("您有没有胸痛？咽部充血吗？") but not told: the question's words support nothing.
    expect(claimOf(verifyOutpatientRecord('伴胸痛。', zh), '胸痛').verdict).toBe('unsupported');
    expect(claimOf(verifyOutpatientRecord('咽部充血。', zh), '咽部充血').verdict).toBe('unsupported');
    // Nor when it rides on a finding the patient did tell.
    expect(claimOf(verifyOutpatientRecord('咳嗽伴咽部充血。', zh), '咽部充血').verdict).toBe('unsupported');
    expect(claimOf(verifyOutpatientRecord('咳嗽伴黄痰。', zh), '黄痰').verdict).toBe('supported');
    expect(claimOf(verifyOutpatientRecord('诊断：急性支气管炎。', zh), '支气管炎').verdict).toBe('unsupported');
    expect(claimOf(verifyOutpatientRecord('Exam: pharyngeal erythema.', en), 'erythema').verdict).toBe('unsupported');
    expect(claimOf(verifyOutpatientRecord('He smokes twenty cigarettes a day.', en), 'smokes').verdict).toBe(
      'unsupported',
    );
    // The patient's own words, not negated where they were said, are theirs.
    expect(claimOf(verifyOutpatientRecord('患者诉嗓子有点疼。', zh), '嗓子').verdict).toBe('supported');
  });

  it('contradicts a finding the patient denied', () => {
    const r = verifyOutpatientRecord('主诉：发热3天。', zh);
    expect(claimOf(r, '发热3天').verdict).toBe('contradicted');
    expect(turnsOf(claimOf(r, '发热3天'))).toEqual([3]);
    expect(r.blocked).toBe(true);
    expect(claimOf(verifyOutpatientRecord('Fever for 3 days.', en), 'Fever').verdict).toBe('contradicted');
    expect(claimOf(verifyOutpatientRecord('伴流鼻涕。', zh), '流鼻涕').verdict).toBe('contradicted');
    // And the other way: one moment, so a finding the patient affirmed cannot have resolved since.
    const denied = claimOf(verifyOutpatientRecord('无咳痰。', zh), '咳痰');
    expect(denied.verdict).toBe('contradicted');
    expect(turnsOf(denied)).toEqual([5]);
  });
});

describe('the menstrual history in the draft', () => {
  it('gives the last period and a possible pregnancy one sentence each, cited to their own turns', () => {
    const woman: OutpatientRecordInput = {
      ...input,
      patient: { age: 28, sex: 'female' },
      turns: [
        ...input.turns,
        { turn: 10, role: 'medseek', text: '末次月经是什么时候？' },
        { turn: 11, role: 'patient', text: '上个月15号' },
        { turn: 12, role: 'medseek', text: '现在有没有怀孕的可能？' },
        { turn: 13, role: 'patient', text: '不可能' },
      ],
      lmp: { text: '上个月15号', turn: 11 },
      pregnancy: { text: '不可能', turn: 13 },
    };
    const r = composeOutpatientRecord(woman);
    const menstrual = r.sections.find((s) => s.key === 'menstrual');
    expect(menstrual?.sentences.map((s) => s.text)).toEqual(['末次月经：“上个月15号”。', '妊娠可能：“不可能”。']);
    expect(menstrual?.sentences.map((s) => s.sources.map((x) => x.turn))).toEqual([[11], [13]]);
    const text = r.sections.flatMap((s) => s.sentences.map((x) => x.text)).join('\n');
    expect(verifyOutpatientRecord(text, woman).claims.every((c) => c.verdict !== 'contradicted')).toBe(true);
  });
});
