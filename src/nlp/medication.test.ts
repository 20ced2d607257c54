import { describe, expect, it } from 'vitest';
import type { Fact } from '../core/index.js';
import { extractFacts } from './extract.js';
import { parseMedication, sigClauseEnd } from './medication.js';

function facts(text: string): Fact[] {
  return extractFacts(text).facts;
}

function find(all: readonly Fact[], quote: string): Fact {
  const f = all.find((x) => x.sources[0]?.kind === 'text' && x.sources[0].quote === quote);
  if (!f)
    throw new Error(
      `no fact '${quote}'; have ${all.map((x) => (x.sources[0] as { quote?: string }).quote).join(', ')}`,
    );
  return f;
}

function quotes(all: readonly Fact[]): string[] {
  return all.map((x) => (x.sources[0] as { quote?: string }).quote ?? '');
}

describe('a sig belongs to its own drug', () => {
  it('en: a route written before the next drug is that drug’s, not the previous one’s', () => {
    const all = facts('Treated with prednisone 40 mg daily and nebulized albuterol.');
    const pred = find(all, 'prednisone');
    expect(pred.dosage?.dose).toMatchObject({ value: 40, unit: 'mg' });
    expect(pred.dosage?.frequency?.code).toBe('QD');
    expect(pred.dosage?.route).toBeUndefined();
    expect(find(all, 'albuterol').dosage?.route).toBe('INH');
  });

  it('en: a drug the lexicon does not know keeps its sig to itself', () => {
    const aspirin = find(facts('Aspirin 81 mg daily, tirofiban 10 mL IV push once.'), 'Aspirin');
    expect(aspirin.dosage?.dose).toMatchObject({ value: 81, unit: 'mg' });
    expect(aspirin.dosage?.route).toBeUndefined();
    expect(aspirin.dosage?.frequency?.code).toBe('QD');
  });

  it('en: the next numbered item is not the sig going on', () => {
    const aspirin = find(facts('1. Aspirin 81 mg daily, 2. tirofiban 10 mL IV once'), 'Aspirin');
    expect(aspirin.dosage?.route).toBeUndefined();
  });

  it('en (non-firing): "with meals" does not end the sig', () => {
    expect(find(facts('metformin 500 mg with meals BID'), 'metformin').dosage?.frequency?.code).toBe('BID');
  });

  it('en (non-firing): a sig going on after a comma stays with its drug', () => {
    const m = find(facts('metoprolol 25 mg tablet, 2 tablets, PO, BID with food'), 'metoprolol');
    expect(m.dosage).toMatchObject({
      strength: { value: 25, unit: 'mg' },
      dose: { value: 2, unit: '{tbl}' },
      route: 'PO',
      frequency: { code: 'BID' },
    });
  });

  it('zh: 雾化吸入 before the next drug is not the previous drug’s route', () => {
    const all = facts('予泼尼松 40mg qd及雾化吸入沙丁胺醇。');
    expect(find(all, '泼尼松').dosage?.route).toBeUndefined();
    expect(find(all, '沙丁胺醇').dosage?.route).toBe('INH');
  });

  it('zh: an unknown drug after 、/，keeps its route and frequency', () => {
    const aspirin = find(facts('予阿司匹林100mg qd，替罗非班 10ml 静推 st。'), '阿司匹林');
    expect(aspirin.dosage?.dose).toMatchObject({ value: 100, unit: 'mg' });
    expect(aspirin.dosage?.route).toBeUndefined();
  });

  it('zh (non-firing): 口服、每日一次 and 连用7天 after commas stay with the drug', () => {
    const all = facts('阿司匹林 100mg，口服，每日一次；头孢曲松 2g 静滴 qd，连用7天。');
    expect(find(all, '阿司匹林').dosage).toMatchObject({ route: 'PO', frequency: { code: 'QD' } });
    expect(find(all, '头孢曲松').dosage).toMatchObject({ route: 'IVGTT', duration: { value: 7, unit: 'd' } });
  });

  it('zh: a route written right before the name (口服阿司匹林) is the drug’s', () => {
    expect(find(facts('口服阿司匹林100mg qd。'), '阿司匹林').dosage?.route).toBe('PO');
  });

  it('zh: a route before a 、-list is every listed drug’s; a route after a comma is not carried back', () => {
    expect(
      find(facts('给予静点头孢替唑、炎琥宁、阿奇霉素联合抗感染，口服氨溴索止咳。'), '阿奇霉素').dosage?.route,
    ).toBe('IVGTT');
    expect(find(facts('给予静点头孢替唑、炎琥宁、阿奇霉素联合抗感染，口服氨溴索止咳。'), '氨溴索').dosage?.route).toBe(
      'PO',
    );
    expect(find(facts('给予静点氨曲南，炎琥宁、阿奇霉素联合抗感染。'), '阿奇霉素').dosage?.route).toBeUndefined();
  });

  it('zh (non-firing): 服至… after a comma is still the drug’s course', () => {
    expect(
      find(facts('利伐沙班片 15mg 口服 每日两次，服至2024-09-22（共21天）。'), '利伐沙班').dosage?.duration,
    ).toEqual({ value: 21, unit: 'd' });
  });

  it('a drug name is not a side (二甲双胍 is not 双侧)', () => {
    expect(find(facts('二甲双胍片 0.5g 口服 每日三次。'), '二甲双胍').laterality).toBeUndefined();
  });

  it('sigClauseEnd stops at the separator before the next drug', () => {
    const t = 'prednisone 40 mg daily and nebulized albuterol';
    expect(sigClauseEnd(t, 10, t.length, t.indexOf('albuterol'))).toBe(t.indexOf(' and '));
  });
});

describe('a salt name belongs to the drug', () => {
  it('en: "Naproxen sodium 220 MG Oral Tablet" is naproxen 220 mg, not a sodium of 220', () => {
    const all = facts('Naproxen sodium 220 MG Oral Tablet');
    expect(all.filter((f) => f.category === 'measurement')).toEqual([]);
    const n = find(all, 'Naproxen sodium');
    expect(n.category).toBe('medication');
    expect(n.dosage?.dose).toMatchObject({ value: 220, unit: 'mg' });
  });

  it('en: "potassium 20 mEq PO daily" is a dose, not serum potassium', () => {
    expect(
      facts('Furosemide 40 mg PO daily, potassium 20 mEq PO daily').filter((f) => f.category === 'measurement'),
    ).toEqual([]);
  });

  it('en (non-firing): "sodium 130 mmol/L" stays a measurement', () => {
    const s = find(facts('Labs: sodium 130 mmol/L, potassium 3.1 mmol/L.'), 'sodium');
    expect(s.category).toBe('measurement');
    expect(s.value).toMatchObject({ value: 130, unit: 'mmol/L' });
  });

  it('zh: 头孢唑林钠 1g and 洛索洛芬钠600mg are drugs, not 血钠', () => {
    const all = facts('予头孢唑林钠 1g 静滴，洛索洛芬钠600mg口服。');
    expect(all.filter((f) => f.category === 'measurement')).toEqual([]);
    expect(find(all, '头孢唑林钠').dosage?.dose).toMatchObject({ value: 1, unit: 'g' });
  });

  it('zh (non-firing): 血钠 130 mmol/L, 钠 140 and 补钾 stay as they are', () => {
    const all = facts('血钠 130 mmol/L，电解质：钠 140，予补钾。');
    expect(find(all, '血钠').value).toMatchObject({ value: 130, unit: 'mmol/L' });
    expect(find(all, '钠').category).toBe('measurement');
    expect(find(all, '补钾').category).toBe('medication');
  });

  it('en and zh: a salt after an acid or a drug the lexicon lacks, or before its anion, is not a lab', () => {
    expect(
      facts('docusate sodium 100 mg PO BID; sodium bicarbonate 650 mg PO TID.').filter(
        (f) => f.category === 'measurement',
      ),
    ).toEqual([]);
    expect(
      facts('予碳酸氢钠片 1g tid，枸橼酸钾 10ml tid，洛索洛芬钠片 60mg。').filter((f) => f.category === 'measurement'),
    ).toEqual([]);
  });

  it('(non-firing) a lab list after an acid value keeps its electrolytes', () => {
    const all = facts('血清钠 128mmol/L，尿酸 420，钾 3.4。Sodium bicarbonate given; sodium 135, potassium 4.2.');
    expect(all.filter((f) => f.category === 'measurement').map((f) => f.value?.value)).toEqual([128, 3.4, 135, 4.2]);
  });

  it('reads capital RxNorm units as UCUM', () => {
    expect(parseMedication(' 0.4 MG Sublingual Tablet').dose).toMatchObject({ value: 0.4, unit: 'mg' });
  });
});

describe('the indication of an as-needed drug is hypothetical', () => {
  it('en: "PRN fever or pain" names when to take it, not findings', () => {
    const all = facts('acetaminophen 650 mg PO q6h PRN fever or pain');
    expect(find(all, 'acetaminophen').dosage?.asNeeded).toBe(true);
    expect(find(all, 'fever').assertion).toBe('hypothetical');
    expect(find(all, 'pain').assertion).toBe('hypothetical');
  });

  it('en: "for pain as needed" too', () => {
    expect(find(facts('Oxycodone 5 mg PO q4h for pain as needed.'), 'pain').assertion).toBe('hypothetical');
  });

  it('en (non-firing): a finding outside the PRN clause stays present', () => {
    const all = facts(
      'Ondansetron 4 mg IV q8h PRN nausea; patient reports pain. He has chest pain; nitroglycerin 0.4 mg SL PRN.',
    );
    expect(find(all, 'nausea').assertion).toBe('hypothetical');
    expect(find(all, 'pain').assertion).toBe('present');
    expect(find(all, 'chest pain').assertion).toBe('present');
    const w = facts('Albuterol 2 puffs q4h PRN wheezing, patient currently has cough.');
    expect(find(w, 'wheezing').assertion).toBe('hypothetical');
    expect(find(w, 'cough').assertion).toBe('present');
    expect(find(facts('患者腹痛时予山莨菪碱肌注，咳嗽时用手按压伤口。'), '腹痛').assertion).toBe('present');
  });

  it('zh: 疼痛时口服 / 发热时口服', () => {
    expect(find(facts('对乙酰氨基酚 0.5g 疼痛时口服。'), '疼痛').assertion).toBe('hypothetical');
    expect(find(facts('布洛芬 0.3g 发热时口服，患者咳嗽。'), '发热').assertion).toBe('hypothetical');
  });

  it('zh (non-firing): a symptom relieved by the drug, or outside the clause, stays present', () => {
    expect(find(facts('患者胸痛时含服硝酸甘油可缓解。'), '胸痛').assertion).toBe('present');
    expect(find(facts('布洛芬 0.3g 发热时口服，患者咳嗽。'), '咳嗽').assertion).toBe('present');
  });
});

describe('lexicon coverage for discharge texts', () => {
  it('en: cefpodoxime, TMP-SMX, tiotropium, pyelonephritis, hydronephrosis', () => {
    const all = facts(
      'Acute pyelonephritis with right hydronephrosis. Discharged on cefpodoxime 200 mg PO q12h and trimethoprim-sulfamethoxazole 1 tab PO BID; tiotropium 18 mcg inhaled daily.',
    );
    expect(find(all, 'Acute pyelonephritis').concept.code).toBe('45816000');
    expect(find(all, 'hydronephrosis').concept.code).toBe('43064006');
    expect(find(all, 'cefpodoxime').dosage).toMatchObject({
      dose: { value: 200, unit: 'mg' },
      frequency: { code: 'Q12H' },
    });
    expect(find(all, 'trimethoprim-sulfamethoxazole').concept.code).toBe('J01EE01');
    expect(find(all, 'tiotropium').dosage).toMatchObject({ dose: { value: 18, unit: 'ug' }, route: 'INH' });
  });

  it('zh: 头孢呋辛酯, 头孢哌酮舒巴坦, 复方磺胺甲噁唑, 胆囊炎', () => {
    const all = facts(
      '急性结石性胆囊炎。予头孢哌酮舒巴坦 3g 静滴 q12h。出院带药：头孢呋辛酯 0.25g 口服 bid，复方磺胺甲噁唑片 2片 bid。',
    );
    expect(find(all, '胆囊炎').concept.code).toBe('76581006');
    expect(find(all, '头孢哌酮舒巴坦').concept.code).toBe('J01DD62');
    expect(find(all, '头孢呋辛酯').dosage).toMatchObject({
      dose: { value: 0.25, unit: 'g' },
      route: 'PO',
      frequency: { code: 'BID' },
    });
    expect(find(all, '复方磺胺甲噁唑').concept.code).toBe('J01EE01');
  });

  it('en: Synthea medication names read with their dose (capital RxNorm units)', () => {
    const a = find(facts('Alendronic acid 10 MG Oral Tablet.'), 'Alendronic acid');
    expect(a.concept.code).toBe('46041');
    expect(a.dosage).toMatchObject({ dose: { value: 10, unit: 'mg' }, route: 'PO' });
    expect(
      find(facts('diphenhydrAMINE Hydrochloride 25 MG Oral Tablet.'), 'diphenhydrAMINE Hydrochloride').dosage?.dose,
    ).toMatchObject({ value: 25, unit: 'mg' });
  });

  it('(non-firing) a longer name is its own drug: 去甲肾上腺素 is not 肾上腺素, 甲钴胺 not cyanocobalamin', () => {
    expect(find(facts('去甲肾上腺素 0.2mg 泵入。'), '去甲肾上腺素').concept.code).toBe('7512');
    expect(find(facts('甲钴胺 0.5mg tid。'), '甲钴胺').concept.code).toBe('B03BA05');
  });

  it('NKDA denies drug allergy; a sulfa allergy is an allergy to the sulfonamide class', () => {
    const nkda = find(facts('NKDA.'), 'NKDA');
    expect(nkda.concept.code).toBe('421961002');
    expect(nkda.assertion).toBe('absent');
    for (const [text, quote] of [
      ['磺胺类药物过敏。', '磺胺类药物'],
      ['He is allergic to sulfa drugs.', 'sulfa drugs'],
    ] as const) {
      const f = find(facts(text), quote);
      expect(f.category).toBe('allergy');
      expect(f.concept.code).toBe('J01E');
    }
  });

  it('(non-firing) "no known drug allergies" is still the denial, and an allergy is not NKDA', () => {
    expect(find(facts('No known drug allergies.'), 'drug allergies').assertion).toBe('absent');
    expect(quotes(facts('Drug allergy: penicillin (rash).'))).not.toContain('NKDA');
    expect(find(facts('Drug allergy: penicillin (rash).'), 'Drug allergy').assertion).toBe('present');
  });
});

describe('a side written after the diagnosis', () => {
  it('"Acute pyelonephritis, left." and 肾盂肾炎（左侧） are left-sided', () => {
    expect(
      find(facts('Assessment: 1. Acute pyelonephritis, left. 2. Acute kidney injury.'), 'Acute pyelonephritis')
        .laterality,
    ).toBe('left');
    expect(find(facts('诊断：急性肾盂肾炎（左侧）。'), '急性肾盂肾炎').laterality).toBe('left');
  });

  it('(non-firing) a side that starts the next item is not the previous finding’s', () => {
    const all = facts('Fever, left flank pain. Acute kidney injury.');
    expect(find(all, 'Fever').laterality).toBeUndefined();
    expect(find(all, 'Acute kidney injury').laterality).toBeUndefined();
  });
});
