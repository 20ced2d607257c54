import { describe, expect, it } from 'vitest';
import { check, claimOf, course, orderFact, rec } from './__fixtures__/helpers.js';
import type { PatientState } from '../core/index.js';
import { recordFromState } from './record.js';

/**
 * Verdicts with clinical meaning (issue 12): for each rule a case that fires and one that must not,
 * in Chinese and English. The records are written here; the pairs suite (pairs.test.ts) is the
 * independent check.
 */

const zhPen = rec(
  '既往史：否认糖尿病史。有青霉素过敏史，表现为皮疹。\n辅助检查：C反应蛋白 96 mg/L。胸部CT（2024-03-04）：右下肺斑片影。\n入院日期：2024-03-04\n诊断：社区获得性肺炎；高血压病。\n诊疗经过：予左氧氟沙星0.5g静滴qd。',
);
const zhNkda = rec('既往史：否认高血压病史，否认药物过敏史。\n诊断：急性阑尾炎。');
const enSulfa = rec(
  'Allergies: sulfa drugs (hives).\nChest X-ray 2024-07-02: no infiltrate. No effusion.\nAdmission date: 2024-07-02\nAssessment: 1. Acute pyelonephritis, left. 2. Hypertension.\nLabs: CRP 96 mg/L.',
  'en',
);
const enNkda = rec('Allergies: NKDA.\nAssessment: Community-acquired pneumonia.', 'en');

describe('allergies, per substance and class, with polarity on both sides', () => {
  it('contradicts a denial of drug allergies against a recorded allergy, with the allergy as evidence (zh, en)', () => {
    const zh = claimOf(check('患者否认药物过敏史。', zhPen, 'zh'), '否认');
    expect(zh).toMatchObject({ verdict: 'contradicted', errorType: 'E02' });
    expect(zh.evidence.some((s) => s.kind === 'text' && s.quote?.includes('青霉素'))).toBe(true);
    const en = claimOf(check('No known drug allergies.', enSulfa, 'en'), 'No known');
    expect(en).toMatchObject({ verdict: 'contradicted', errorType: 'E02' });
    expect(en.evidence.some((s) => s.kind === 'text' && /sulfa/i.test(s.quote ?? ''))).toBe(true);
  });

  it('supports the denial where the record denies drug allergies too (zh, en)', () => {
    expect(claimOf(check('否认药物过敏史。', zhNkda, 'zh'), '否认').verdict).toBe('supported');
    expect(claimOf(check('NKDA.', enNkda, 'en'), 'NKDA').verdict).toBe('supported');
  });

  it('contradicts “no penicillin allergy” against a penicillin allergy, and supports the allergy as written (zh, en)', () => {
    const r = check('无青霉素过敏。患者青霉素过敏。', zhPen, 'zh');
    expect(claimOf(r, '无青霉素').verdict).toBe('contradicted');
    expect(claimOf(r, '患者青霉素过敏').verdict).toBe('supported');
    const en = rec('Allergies: penicillin (anaphylaxis).', 'en');
    const e = check('The patient has no penicillin allergy. Allergic to penicillin.', en, 'en');
    expect(claimOf(e, 'no penicillin').verdict).toBe('contradicted');
    expect(claimOf(e, 'Allergic to').verdict).toBe('supported');
  });

  it('reads a class denial against a member allergy, but not a denial of another class', () => {
    const r = rec('过敏史：阿莫西林过敏（皮疹）。');
    expect(claimOf(check('否认青霉素类过敏。', r, 'zh'), '青霉素类').verdict).toBe('contradicted');
    expect(claimOf(check('否认磺胺类过敏。', r, 'zh'), '磺胺类').verdict).not.toBe('contradicted');
    const e = rec('Allergies: sulfamethoxazole (rash).', 'en');
    expect(claimOf(check('No sulfa allergy.', e, 'en'), 'sulfa').verdict).toBe('contradicted');
    expect(claimOf(check('No cephalosporin allergy.', e, 'en'), 'cephalosporin').verdict).not.toBe('contradicted');
  });

  it('contradicts an invented allergy where the record documents the allergy history; unsupported where it says nothing', () => {
    expect(claimOf(check('患者磺胺过敏。', zhPen, 'zh'), '磺胺')).toMatchObject({
      verdict: 'contradicted',
      errorType: 'E01',
    });
    expect(claimOf(check('Allergic to penicillin.', enNkda, 'en'), 'penicillin')).toMatchObject({
      verdict: 'contradicted',
      errorType: 'E02',
    });
    const silent = rec('主诉：咳嗽3天。', 'zh');
    expect(claimOf(check('患者磺胺过敏。', silent, 'zh'), '磺胺').verdict).toBe('unsupported');
  });

  it('does not read a food-allergy denial as a drug-allergy denial', () => {
    expect(claimOf(check('对青霉素过敏，无食物过敏史。', zhPen, 'zh'), '食物').verdict).not.toBe('contradicted');
  });
});

describe('a drug the patient is allergic to', () => {
  it('contradicts amoxicillin given under a penicillin allergy that the record never gives it under (zh)', () => {
    const c = claimOf(check('予阿莫西林 0.5g 口服 tid。', zhPen, 'zh'), '阿莫西林');
    expect(c).toMatchObject({ verdict: 'contradicted', errorType: 'E13' });
    expect(c.evidence.some((s) => s.kind === 'text' && s.quote?.includes('青霉素'))).toBe(true);
  });

  it('contradicts TMP-SMX at discharge under a sulfonamide allergy, and lists it as a discharge drug (en)', () => {
    const r = check('Discharge medications: trimethoprim-sulfamethoxazole 800/160 mg PO BID.', enSulfa, 'en');
    expect(claimOf(r, 'trimethoprim')).toMatchObject({ verdict: 'contradicted', errorType: 'E13' });
    expect(r.dischargeMedications.some((d) => /sulfamethoxazole/i.test(d.concept.display ?? ''))).toBe(true);
    expect(r.blocked).toBe(true);
  });

  it('leaves a drug the text withholds, and a drug the record itself documents given, to the safety rules', () => {
    expect(claimOf(check('青霉素过敏，避免使用阿莫西林。', zhPen, 'zh'), '阿莫西林').verdict).not.toBe('contradicted');
    const r = rec(
      'Allergies: penicillin (rash).\nHospital course: amoxicillin 500 mg PO given, then stopped for rash.',
      'en',
    );
    expect(claimOf(check('She received amoxicillin 500 mg PO.', r, 'en'), 'amoxicillin').verdict).not.toBe(
      'contradicted',
    );
    // Cross-reactive class (a cephalosporin under a penicillin allergy): the safety rules' warning, not a contradiction.
    expect(claimOf(check('予头孢曲松 2g 静滴 qd。', zhPen, 'zh'), '头孢曲松').errorType).not.toBe('E13');
  });
});

describe('diagnoses and history', () => {
  it('contradicts a diagnosis absent from the record’s diagnoses and history (E01), zh and en', () => {
    expect(claimOf(check('诊断：急性心肌梗死。', zhPen, 'zh'), '心肌梗死')).toMatchObject({
      verdict: 'contradicted',
      errorType: 'E01',
    });
    expect(claimOf(check('Diagnosis: acute myocardial infarction.', enSulfa, 'en'), 'myocardial')).toMatchObject({
      verdict: 'contradicted',
      errorType: 'E01',
    });
  });

  it('leaves it unsupported where the record lists no diagnoses', () => {
    const r = rec('主诉：胸痛2小时。');
    expect(claimOf(check('诊断：急性心肌梗死。', r, 'zh'), '心肌梗死').verdict).toBe('unsupported');
  });

  it('contradicts a diagnosis the record negates, and a history denied that the record documents', () => {
    expect(claimOf(check('既往糖尿病史。', zhPen, 'zh'), '糖尿病').verdict).toBe('contradicted');
    expect(claimOf(check('否认高血压病史。', zhPen, 'zh'), '高血压').verdict).toBe('contradicted');
    expect(claimOf(check('Denies hypertension.', enSulfa, 'en'), 'hypertension').verdict).toBe('contradicted');
  });

  it('does not call a finding resolved at discharge a contradiction in a text about a later moment', () => {
    const r = rec('查体：双下肢水肿。');
    expect(claimOf(check('双下肢无水肿。', r, 'zh', { laterThanRecord: true }), '水肿').verdict).not.toBe(
      'contradicted',
    );
    expect(claimOf(check('入院时双下肢无水肿。', r, 'zh', { laterThanRecord: true }), '水肿').verdict).toBe(
      'contradicted',
    );
  });
});

describe('values, dates, studies', () => {
  it('contradicts a value the record gives otherwise; leaves a later one unverified; supports a rounded one', () => {
    expect(claimOf(check('C反应蛋白 960 mg/L。', zhPen, 'zh'), '960')).toMatchObject({
      verdict: 'contradicted',
      errorType: 'E14',
    });
    expect(claimOf(check('治疗后复查C反应蛋白 12 mg/L。', zhPen, 'zh'), '12').verdict).toBe('unsupported');
    expect(claimOf(check('CRP was 960 mg/L on admission and 18 mg/L on repeat.', enSulfa, 'en'), '960').verdict).toBe(
      'contradicted',
    );
    const r = rec('Labs: sodium 138.6 mmol/L, glucose 182 mg/dL.', 'en');
    expect(claimOf(check('Sodium 139 mmol/L.', r, 'en'), 'Sodium').verdict).toBe('supported');
    expect(claimOf(check('Glucose 10.1 mmol/L.', r, 'en'), 'Glucose').verdict).toBe('supported');
  });

  it('contradicts an admission date the record gives otherwise; accepts the same day in another format', () => {
    expect(claimOf(check('患者于2024-03-09入院。', zhPen, 'zh'), '入院')).toMatchObject({
      verdict: 'contradicted',
      errorType: 'E07',
    });
    expect(claimOf(check('患者于2024年3月4日入院。', zhPen, 'zh'), '入院').verdict).toBe('supported');
    expect(claimOf(check('Admitted on 2024-07-09.', enSulfa, 'en'), 'Admitted')).toMatchObject({
      verdict: 'contradicted',
      errorType: 'E07',
    });
    expect(claimOf(check('Admitted on July 2, 2024.', enSulfa, 'en'), 'Admitted').verdict).toBe('supported');
  });

  it('contradicts a study result reversed, either way; a later study is not the record’s', () => {
    expect(
      claimOf(check('Chest X-ray showed a right lower lobe infiltrate.', enSulfa, 'en'), 'infiltrate'),
    ).toMatchObject({ verdict: 'contradicted', errorType: 'E02' });
    expect(claimOf(check('Chest X-ray showed no infiltrate.', enSulfa, 'en'), 'infiltrate').verdict).not.toBe(
      'contradicted',
    );
    expect(claimOf(check('入院胸部CT示双肺未见异常。', zhPen, 'zh'), 'CT').verdict).toBe('contradicted');
    expect(claimOf(check('胸部CT示右下肺斑片影。', zhPen, 'zh'), 'CT').verdict).not.toBe('contradicted');
    expect(claimOf(check('复查胸部CT示双肺未见异常。', zhPen, 'zh'), 'CT').verdict).not.toBe('contradicted');
  });
});

describe('discharge drugs against medication reconciliation', () => {
  const zhOrders = rec(
    '诊疗经过：予布洛芬0.2g口服一次退热，之后未再使用。予左氧氟沙星0.5g静滴qd。\n出院医嘱：苯磺酸氨氯地平片 5mg 口服 qd；左氧氟沙星片 0.5g 口服 qd。',
  );
  const enOrders = rec(
    'Hospital course: ibuprofen 400 mg PO x1. Ceftriaxone 1 g IV daily.\n\nDISCHARGE ORDERS 2024-07-05\n1. Amlodipine 5 mg PO daily.\n2. Levofloxacin 750 mg PO daily.',
    'en',
  );

  it('contradicts a drug given once, or not on the discharge orders, sent home (zh, en)', () => {
    expect(claimOf(check('出院后继续布洛芬 0.2g 口服 tid。', zhOrders, 'zh'), '布洛芬')).toMatchObject({
      verdict: 'contradicted',
      errorType: 'E11',
    });
    expect(claimOf(check('出院带药：地高辛片 0.125mg 口服 qd。', zhOrders, 'zh'), '地高辛')).toMatchObject({
      verdict: 'contradicted',
      errorType: 'E11',
    });
    expect(
      claimOf(check('Discharge medications: ibuprofen 400 mg PO q8h.', enOrders, 'en'), 'ibuprofen'),
    ).toMatchObject({ verdict: 'contradicted', errorType: 'E11' });
  });

  it('supports the drugs on the discharge orders, and contradicts a route or dose that differs from them', () => {
    const r = check('出院带药：苯磺酸氨氯地平片 5mg 口服 qd；左氧氟沙星片 0.5g 口服 qd。', zhOrders, 'zh');
    expect(r.counts.contradicted).toBe(0);
    expect(r.dischargeMedications.map((d) => d.concept.displayZh)).toEqual(['氨氯地平', '左氧氟沙星']);
    expect(r.dischargeMedications[0]!.dosage?.dose?.value).toBe(5);
    expect(claimOf(check('出院带药：左氧氟沙星 0.5g 静脉滴注 qd。', zhOrders, 'zh'), '左氧氟沙星').verdict).toBe(
      'contradicted',
    );
    expect(
      claimOf(check('Discharge medications: amlodipine 10 mg PO daily.', enOrders, 'en'), 'amlodipine'),
    ).toMatchObject({ verdict: 'contradicted', errorType: 'E03' });
    expect(check('Discharge medications: amlodipine 5 mg PO daily.', enOrders, 'en').counts.contradicted).toBe(0);
  });

  it('reads the status from the state’s medication courses (recordFromState)', () => {
    const spiro = orderFact('m1', 'spironolactone', '9997');
    const furo = orderFact('m2', 'furosemide', '4603');
    const state = {
      patientId: 'p',
      phenotype: [],
      intervention: [spiro, furo],
      biology: [],
      timeline: [],
      medications: [course(spiro, 'stopped', false, 'hyperkalaemia'), course(furo, 'active', true)],
    } as unknown as PatientState;
    const record = recordFromState(state);
    expect(record.medications).toHaveLength(2);
    const r = check('Discharge medications: spironolactone 25 mg PO daily; furosemide 40 mg PO daily.', record, 'en');
    expect(claimOf(r, 'spironolactone')).toMatchObject({ verdict: 'contradicted', errorType: 'E11' });
    expect(claimOf(r, 'spironolactone').reason).toMatch(/stopped.*hyperkalaemia/);
    // On the orders: not contradicted (its dose, which the record does not give, stays unverified).
    expect(claimOf(r, 'furosemide').verdict).not.toBe('contradicted');
  });
});

describe('the reproduction of issue 12', () => {
  it('zh: blocks the denied allergy, the tenfold CRP, amoxicillin under penicillin allergy and ibuprofen given once', () => {
    const record = rec(
      '既往史：有青霉素过敏史。否认糖尿病史。\n实验室检查：C反应蛋白 96 mg/L。\n诊疗经过：予布洛芬0.2g口服一次退热，之后未再使用。\n出院医嘱：苯磺酸氨氯地平片 5mg 口服 qd；左氧氟沙星片 0.5g 口服 qd。',
    );
    const r = check(
      '患者否认药物过敏史。C反应蛋白 960 mg/L。阿莫西林 0.5g 口服 tid。出院后继续布洛芬 0.2g 口服 tid。',
      record,
      'zh',
    );
    expect(r.claims.map((c) => [c.verdict, c.errorType])).toEqual([
      ['contradicted', 'E02'],
      ['contradicted', 'E14'],
      ['contradicted', 'E13'],
      ['contradicted', 'E11'],
    ]);
    expect(r.blocked).toBe(true);
  });

  it('en: blocks NKDA against a sulfa allergy, a reversed chest X-ray and TMP-SMX at discharge, written on one line', () => {
    const record = rec(
      'Allergies: sulfa drugs (hives).\nChest X-ray: no infiltrate.\nDischarge medications: amlodipine 5 mg PO daily.',
      'en',
    );
    const r = check(
      'No known drug allergies. Chest X-ray showed a right lower lobe infiltrate. Discharge medications: trimethoprim-sulfamethoxazole 800/160 mg PO BID.',
      record,
      'en',
    );
    expect(r.claims.map((c) => c.verdict)).toEqual(['contradicted', 'contradicted', 'contradicted']);
    expect(r.dischargeMedications).toHaveLength(1);
  });
});

describe('what the lexicon cannot read is still checked', () => {
  const zhOrders = rec(
    '诊疗经过：予依达拉奉30mg 静脉滴注 每日两次，共14天。\n出院医嘱：1.阿司匹林肠溶片 100mg 口服 每日一次；2.阿托伐他汀钙片 20mg 口服 每晚一次。',
  );
  it('contradicts a discharge item of a drug it does not know when the discharge orders do not name it, and leaves one they name alone', () => {
    const unknown = claimOf(
      check('出院带药：阿司匹林肠溶片 100mg 口服 每日一次；依达拉奉片 30mg 口服 每日两次。', zhOrders, 'zh'),
      '依达拉奉',
    );
    expect(unknown).toMatchObject({ verdict: 'contradicted', errorType: 'E11' });
    // The evidence is the discharge orders the drug is missing from.
    expect(unknown.evidence.some((s) => s.kind === 'text' && s.quote?.includes('阿托伐他汀'))).toBe(true);
    const ok = check(
      '出院带药：阿司匹林肠溶片 100mg 口服 每日一次；阿托伐他汀钙片 20mg 口服 每晚一次。',
      zhOrders,
      'zh',
    );
    expect(ok.counts.contradicted).toBe(0);
  });
  it('flags a test result whose study the record never mentions as unsupported, not as nothing to check (zh, en)', () => {
    expect(claimOf(check('住院期间查甲状腺功能正常。', zhOrders, 'zh'), '甲状腺')).toMatchObject({
      verdict: 'unsupported',
    });
    expect(claimOf(check('An MRSA nasal swab was negative.', enNkda, 'en'), 'MRSA')).toMatchObject({
      verdict: 'unsupported',
    });
  });
  it('reads a study result written straight after its name (“颈动脉彩超未见明显异常”) against the record', () => {
    const r = rec('辅助检查：颈动脉彩超：右侧颈动脉分叉处斑块形成。');
    expect(claimOf(check('颈动脉彩超未见明显异常。', r, 'zh'), '颈动脉')).toMatchObject({ verdict: 'contradicted' });
    expect(claimOf(check('颈动脉彩超示右侧颈动脉分叉处斑块形成。', r, 'zh'), '颈动脉').verdict).toBe('supported');
  });
});
