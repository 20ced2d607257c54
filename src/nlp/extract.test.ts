import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { type Fact, isMedSeekError, type LexiconEntry, stableId, type TextSource } from '../core/index.js';
import { extractFacts } from './extract.js';
import { Lexicon } from './lexicon.js';

const fixture = (name: string) => readFileSync(new URL(`./__fixtures__/${name}`, import.meta.url), 'utf8');

function find(facts: readonly Fact[], quote: string, section?: string): Fact {
  const f = facts.find(
    (x) => x.sources[0]?.kind === 'text' && x.sources[0].quote === quote && (!section || x.section === section),
  );
  if (!f)
    throw new Error(
      `no fact '${quote}'${section ? ` in ${section}` : ''}; have ${facts.map((x) => (x.sources[0] as { quote?: string }).quote).join(', ')}`,
    );
  return f;
}

describe('extractFacts on a Chinese admission note', () => {
  const text = fixture('admission-zh.txt');
  const r = extractFacts(text, {
    anchorDate: '2024-03-10',
    admissionDate: '2024-03-05',
    document: 'DocumentReference/1',
    patientId: 'p1',
  });

  it('detects Chinese and the sections', () => {
    expect(r.lang).toBe('zh');
    expect(r.sections.map((s) => s.key)).toEqual([
      'chief_complaint',
      'hpi',
      'past_history',
      'family_history',
      'physical_exam',
      'assessment',
      'discharge_instructions',
    ]);
  });

  it('every span slices its quote out of the original text', () => {
    for (const f of r.facts) {
      const s = f.sources[0]!;
      expect(s.kind).toBe('text');
      if (s.kind === 'text') expect(text.slice(s.start, s.end)).toBe(s.quote);
    }
  });

  it('assertions per type', () => {
    expect(find(r.facts, '发热', 'hpi').assertion).toBe('present');
    expect(find(r.facts, '胸痛', 'hpi').assertion).toBe('absent');
    expect(find(r.facts, '呼吸困难').assertion).toBe('absent');
    expect(find(r.facts, '糖尿病', 'past_history').assertion).toBe('absent');
    expect(find(r.facts, '高血压病').assertion).toBe('historical');
    expect(find(r.facts, '糖尿病', 'family_history')).toMatchObject({
      assertion: 'family',
      subject: { who: 'family', relation: 'father' },
    });
    expect(find(r.facts, '社区获得性肺炎').assertion).toBe('possible');
    expect(find(r.facts, '肺结核').assertion).toBe('possible');
    expect(find(r.facts, '胸痛', 'discharge_instructions').assertion).toBe('hypothetical');
  });

  it('vitals and labs in UCUM with the original kept', () => {
    expect(find(r.facts, 'T').value).toEqual({ value: 38.5, unit: 'Cel', original: '38.5℃' });
    expect(find(r.facts, 'P').value).toEqual({ value: 88, unit: '/min', original: '88次/分' });
    expect(find(r.facts, 'BP').value).toEqual({ value: 120, value2: 80, unit: 'mm[Hg]', original: '120/80 mmHg' });
    expect(find(r.facts, 'SpO2').value).toEqual({ value: 98, unit: '%', original: '98%' });
    expect(find(r.facts, '血钾')).toMatchObject({
      category: 'measurement',
      concept: { code: '2823-3' },
      value: { value: 3.1, unit: 'mmol/L' },
    });
    expect(find(r.facts, 'WBC').value).toEqual({ value: 12.3, unit: '10*9/L', original: '12.3×10^9/L' });
    expect(find(r.facts, 'Hb').value).toEqual({ value: 9.8, unit: 'g/dL', original: '9.8 g/dL' });
  });

  it('times resolved against the anchor and the admission', () => {
    expect(find(r.facts, '发热', 'hpi').time).toMatchObject({ start: '2024-03-07', relative: '3天前' });
    expect(find(r.facts, '发热', 'chief_complaint').time).toMatchObject({
      duration: { value: 3, unit: 'd' },
      start: '2024-03-07',
    });
    expect(find(r.facts, '血钾').time).toMatchObject({
      start: '2024-03-07',
      relative: '入院第3天',
      anchor: 'admission',
    });
  });

  it('laterality', () => {
    expect(find(r.facts, '水肿').laterality).toBe('left');
  });

  it('medication sigs', () => {
    expect(find(r.facts, '阿司匹林肠溶片')).toMatchObject({
      category: 'medication',
      concept: { code: '1191', codings: [{ code: 'B01AC06' }] },
      dosage: { dose: { value: 100, unit: 'mg' }, route: 'PO', frequency: { code: 'QD', perDay: 1 } },
    });
    expect(find(r.facts, '阿托伐他汀').dosage).toMatchObject({
      dose: { value: 20, unit: 'mg' },
      frequency: { code: 'QHS' },
    });
  });

  it('ids are stable and patient and document are carried', () => {
    const again = extractFacts(text, { anchorDate: '2024-03-10', document: 'DocumentReference/1' });
    expect(again.facts.map((f) => f.id)).toEqual(r.facts.map((f) => f.id));
    expect(r.facts[0]!.patientId).toBe('p1');
    expect(r.facts[0]!.sources[0]).toMatchObject({ document: 'DocumentReference/1' });
  });

  it('ids are stableId(document, start, end, code), read as data by JSON, spreads and clones', () => {
    for (const f of r.facts) {
      const s = f.sources[0] as TextSource;
      expect(f.id).toBe(stableId('DocumentReference/1', s.start, s.end, f.concept.code));
    }
    const f = r.facts[0]!;
    expect(Object.keys(f)[0]).toBe('id');
    expect((JSON.parse(JSON.stringify(f)) as Fact).id).toBe(f.id);
    expect({ ...f }.id).toBe(f.id);
    expect(structuredClone(f).id).toBe(f.id);
    const g = extractFacts(text, { document: 'DocumentReference/1' }).facts[0]! as { id: string };
    g.id = 'replaced';
    expect(g.id).toBe('replaced');
  });
});

describe('extractFacts on an English discharge summary', () => {
  const text = fixture('discharge-en.txt');
  const r = extractFacts(text, { anchorDate: '2024-03-10' });

  it('detects English and the sections', () => {
    expect(r.lang).toBe('en');
    expect(r.sections.map((s) => s.key)).toEqual([
      'chief_complaint',
      'hpi',
      'family_history',
      'medications',
      'physical_exam',
      'labs',
      'discharge_instructions',
    ]);
  });

  it('assertions per type', () => {
    expect(find(r.facts, 'chest pain', 'hpi').assertion).toBe('present');
    expect(find(r.facts, 'hypertension').assertion).toBe('historical');
    expect(find(r.facts, 'shortness of breath').assertion).toBe('absent');
    expect(find(r.facts, 'pneumonia').assertion).toBe('possible');
    expect(find(r.facts, 'breast cancer')).toMatchObject({
      assertion: 'family',
      subject: { who: 'family', relation: 'mother' },
    });
    expect(find(r.facts, 'fever').assertion).toBe('hypothetical');
    expect(find(r.facts, 'vomiting').assertion).toBe('hypothetical');
  });

  it("vitals without written units get the vital sign's unit; labs keep theirs", () => {
    expect(find(r.facts, 'BP').value).toMatchObject({ value: 150, value2: 90, unit: 'mm[Hg]' });
    expect(find(r.facts, 'HR').value).toMatchObject({ value: 102, unit: '/min' });
    expect(find(r.facts, 'T').value).toEqual({ value: 38.5, unit: 'Cel', original: '38.5 C' });
    expect(find(r.facts, 'WBC').value).toMatchObject({ value: 12.3, unit: '10*3/uL' });
    expect(find(r.facts, 'potassium').value).toMatchObject({ value: 3.1, unit: 'mmol/L' });
  });

  it('medication sigs, one per line', () => {
    expect(find(r.facts, 'metoprolol').dosage).toEqual({
      dose: { value: 25, unit: 'mg', original: '25 mg' },
      route: 'PO',
      frequency: { code: 'BID', perDay: 2, original: 'BID' },
      duration: { value: 7, unit: 'd' },
    });
    expect(find(r.facts, 'aspirin').dosage).toMatchObject({
      dose: { value: 81, unit: 'mg' },
      frequency: { code: 'QD' },
    });
    expect(find(r.facts, 'aspirin').dosage?.duration).toBeUndefined();
  });

  it('duration and laterality', () => {
    expect(find(r.facts, 'chest pain', 'hpi').time).toMatchObject({ duration: { value: 2, unit: 'd' } });
    expect(find(r.facts, 'edema').laterality).toBe('right');
  });
});

describe('laterality', () => {
  const side = (text: string) => find(extractFacts(text, { lang: 'en' }).facts, 'edema').laterality;

  it('is a whole word before the mention, in any case, bilateral first', () => {
    expect(side('Left edema.')).toBe('left');
    expect(side('RT edema.')).toBe('right');
    expect(side('Lt and rt edema.')).toBe('left');
    expect(side('right and bilaterally edema.')).toBe('bilateral');
    expect(side('Both legs: edema.')).toBe('bilateral');
  });

  it('is not a word that only starts with a side, nor one after a clause break', () => {
    expect(side('leftover edema.')).toBeUndefined();
    expect(side('brt edema.')).toBeUndefined();
    expect(side('right_ edema.')).toBeUndefined();
    expect(side('left leg, edema.')).toBeUndefined();
    expect(find(extractFacts('左下肢，水肿。', { lang: 'zh' }).facts, '水肿').laterality).toBeUndefined();
    expect(find(extractFacts('双下肢水肿。', { lang: 'zh' }).facts, '水肿').laterality).toBe('bilateral');
  });
});

describe('extractFacts options and errors', () => {
  it('uses a given lexicon (e.g. the knowledge graph export)', () => {
    const entries: LexiconEntry[] = [
      {
        term: '肺动脉高压',
        lang: 'zh',
        category: 'condition',
        concept: { system: 'urn:medseek:concept', code: 'c-pah', display: 'Pulmonary hypertension' },
      },
    ];
    const r = extractFacts('否认肺动脉高压。', { lexicon: new Lexicon(entries) });
    expect(r.facts).toHaveLength(1);
    expect(r.facts[0]).toMatchObject({ concept: { code: 'c-pah' }, assertion: 'absent' });
  });

  it('full-width letters and mixed zh/en match', () => {
    const r = extractFacts('患者ＷＢＣ １２．３×10^9/L，服用aspirin 100mg qd。');
    expect(find(r.facts, 'ＷＢＣ').value).toMatchObject({ value: 12.3, unit: '10*9/L' });
    expect(find(r.facts, 'aspirin').dosage).toMatchObject({
      dose: { value: 100, unit: 'mg' },
      frequency: { code: 'QD' },
    });
  });

  it('a bare vital sign letter without a value is not a fact', () => {
    expect(extractFacts('Plan: T and P stable.', { lang: 'en' }).facts.map((f) => f.concept.code)).not.toContain(
      '8310-5',
    );
  });

  it.each([
    ['', 'invalid', /empty/],
    ['   \n ', 'invalid', /empty/],
    ['abc\u0000def', 'encoding', /binary/],
    ['ç—…åŽ†è®°å½•', 'encoding', /mis-encoded/],
    ['发热\ufffd\ufffd', 'encoding', /replacement/],
  ])('refuses %j with a clear reason', (text, code, message) => {
    try {
      extractFacts(text);
      expect.unreachable();
    } catch (e) {
      expect(isMedSeekError(e)).toBe(true);
      expect((e as { code: string }).code).toBe(code);
      expect((e as Error).message).toMatch(message);
    }
  });

  it('refuses text over the size limit', () => {
    expect(() => extractFacts('a'.repeat(5_000_001))).toThrow(/limit/);
  });
});

describe('extractFacts result flags', () => {
  it('abnormal flags and qualitative results', () => {
    const r = extractFacts('血钾 3.1 mmol/L↓，WBC 15.2×10^9/L(H)，降钙素原阴性，肌钙蛋白阳性。Troponin positive.');
    expect(find(r.facts, '血钾')).toMatchObject({ value: { value: 3.1 }, interpretation: 'L' });
    expect(find(r.facts, 'WBC')).toMatchObject({ value: { value: 15.2 }, interpretation: 'H' });
    expect(find(r.facts, '降钙素原')).toMatchObject({
      valueText: 'negative',
      interpretation: 'NEG',
      assertion: 'absent',
    });
    expect(find(r.facts, '肌钙蛋白')).toMatchObject({
      valueText: 'positive',
      interpretation: 'POS',
      assertion: 'present',
    });
    expect(find(r.facts, 'Troponin')).toMatchObject({ valueText: 'positive', interpretation: 'POS' });
  });
});

describe('extractFacts English plurals', () => {
  it('"No fevers or headaches" negates both', () => {
    const r = extractFacts('ROS: No fevers or headaches.', { lang: 'en' });
    expect(r.facts.map((f) => [f.concept.code, f.assertion])).toEqual([
      ['386661006', 'absent'],
      ['25064002', 'absent'],
    ]);
  });
});

describe('drugs named as allergens or to be withheld', () => {
  it('reads a drug followed by 过敏, or after "allergic to", as an allergy', () => {
    const zh = extractFacts('诊疗计划：患者青霉素过敏，予对症治疗。', { lang: 'zh' }).facts.find(
      (f) => f.concept.code === '7980',
    );
    const en = extractFacts('Plan: allergic to penicillin, supportive care.', { lang: 'en' }).facts.find(
      (f) => f.concept.code === '7980',
    );
    expect(zh).toMatchObject({ category: 'allergy', assertion: 'present' });
    expect(en).toMatchObject({ category: 'allergy', assertion: 'present' });
  });

  it('reads a drug to be avoided as not given', () => {
    const zh = extractFacts('避免使用布洛芬。', { lang: 'zh' }).facts.find((f) => f.concept.code === '5640');
    const en = extractFacts('Avoid ibuprofen.', { lang: 'en' }).facts.find((f) => f.concept.code === '5640');
    expect(zh).toMatchObject({ category: 'medication', assertion: 'absent' });
    expect(en).toMatchObject({ category: 'medication', assertion: 'absent' });
  });
});
