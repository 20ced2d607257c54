import { describe, expect, it } from 'vitest';
import type { Fact } from '../core/index.js';
import { recordFromTexts } from './record.js';
import { verifyText } from './verify.js';

const claimOf = (
  text: string,
  record: ReturnType<typeof recordFromTexts>,
  lang: 'zh' | 'en',
  find: RegExp,
  extra = {},
) => {
  const report = verifyText(text, record, { lang, ...extra });
  const claim = report.claims.find((c) => find.test(c.text));
  return { verdict: claim?.verdict, errorType: claim?.errorType, reason: claim?.reason ?? '' };
};

describe('E10 unsupported causality', () => {
  const zh = recordFromTexts(
    [{ id: 'n', text: '患者3天前出现发热，伴咳嗽。诊断肺炎。慢性肾功能不全病史。因肺炎导致呼吸衰竭。' }],
    { lang: 'zh' },
  );
  const en = recordFromTexts(
    [
      {
        id: 'n',
        text: 'Fever and cough for 3 days. Pneumonia was diagnosed. History of chronic kidney disease. Respiratory failure due to pneumonia.',
      },
    ],
    { lang: 'en' },
  );

  it.each([
    ['zh', '因肺炎导致发热。', 'unsupported', 'E10'],
    ['zh', '咳嗽引起慢性肾功能不全。', 'unsupported', 'E10'],
    ['zh', '因肺炎导致呼吸衰竭。', 'supported', undefined],
    ['zh', '呼吸衰竭继发于肺炎。', 'supported', undefined],
    ['zh', '患者发热，伴咳嗽。', 'supported', undefined],
    ['en', 'Fever due to chronic kidney disease.', 'unsupported', 'E10'],
    ['en', 'Cough caused by chronic kidney disease.', 'unsupported', 'E10'],
    ['en', 'Respiratory failure secondary to pneumonia.', 'supported', undefined],
    ['en', 'Fever and cough.', 'supported', undefined],
  ] as const)('%s: “%s” is %s (%s)', (lang, text, verdict, errorType) => {
    const c = claimOf(text, lang === 'zh' ? zh : en, lang, /./);
    expect(c.verdict).toBe(verdict);
    expect(c.errorType).toBe(errorType);
  });

  it('names the two concepts it could not link', () => {
    expect(claimOf('Fever due to chronic kidney disease.', en, 'en', /./).reason).toMatch(/fever/i);
  });
});

describe('E13 unsafe advice', () => {
  const zhSeizure = recordFromTexts(
    [{ id: 'n', text: '患者突发抽搐1次，诊断癫痫。予华法林 3mg 口服 qd。予甲硝唑 0.4g 口服 tid。' }],
    { lang: 'zh' },
  );
  const zhPlain = recordFromTexts([{ id: 'n', text: '患者咳嗽3天，诊断上呼吸道感染。' }], { lang: 'zh' });
  const enSeizure = recordFromTexts(
    [{ id: 'n', text: 'The patient had a seizure. Warfarin 5 mg PO daily. Metronidazole 500 mg PO TID.' }],
    { lang: 'en' },
  );
  const enPlain = recordFromTexts([{ id: 'n', text: 'Cough for 3 days. Upper respiratory infection.' }], {
    lang: 'en',
  });

  const records = { zhSeizure, zhPlain, enSeizure, enPlain };
  it.each([
    ['zh', 'zhSeizure', '出院后可以继续开车。', 'contradicted', 'E13'],
    ['zh', 'zhSeizure', '出院后禁止驾车。', 'supported', undefined],
    ['zh', 'zhPlain', '出院后可以继续开车。', 'supported', undefined],
    ['zh', 'zhSeizure', '症状好转后可自行停用华法林。', 'contradicted', 'E13'],
    ['zh', 'zhSeizure', '不可自行停用华法林。', 'supported', undefined],
    ['zh', 'zhSeizure', '服药期间可以少量饮酒。', 'contradicted', 'E13'],
    ['zh', 'zhSeizure', '服药期间禁止饮酒。', 'supported', undefined],
    ['zh', 'zhSeizure', '疼痛时可服用布洛芬止痛。', 'contradicted', 'E13'],
    ['zh', 'zhSeizure', '避免服用布洛芬。', 'supported', undefined],
    ['en', 'enSeizure', 'You can continue driving.', 'contradicted', 'E13'],
    ['en', 'enSeizure', 'Do not drive until cleared by neurology.', 'supported', undefined],
    ['en', 'enPlain', 'You can continue driving.', 'supported', undefined],
    ['en', 'enSeizure', 'Stop taking your blood thinner once you feel better.', 'contradicted', 'E13'],
    ['en', 'enSeizure', 'Do not stop your blood thinner on your own.', 'supported', undefined],
    ['en', 'enSeizure', 'You may drink alcohol in moderation.', 'contradicted', 'E13'],
    ['en', 'enSeizure', 'Avoid alcohol while taking metronidazole.', 'supported', undefined],
    ['en', 'enSeizure', 'Take ibuprofen for pain.', 'contradicted', 'E13'],
    ['en', 'enPlain', 'Take ibuprofen for pain.', 'unsupported', undefined],
  ] as const)('%s (%s): “%s” is %s (%s)', (lang, recordName, text, verdict, errorType) => {
    const c = claimOf(text, records[recordName], lang, /./);
    if (verdict === 'contradicted') {
      expect(c.verdict).toBe(verdict);
      expect(c.errorType).toBe(errorType);
    } else expect(c.errorType).not.toBe('E13');
  });

  it('cites the source of the rule', () => {
    expect(claimOf('You can continue driving.', enSeizure, 'en', /./).reason).toMatch(/Hegselmann/);
  });
});

describe('E11 contextual mixing', () => {
  const zh = recordFromTexts([{ id: 'n', text: '入院后予头孢曲松 2g 静滴 qd。予阿司匹林肠溶片 100mg 口服 qd。' }], {
    lang: 'zh',
  });
  const en = recordFromTexts([{ id: 'n', text: 'Ceftriaxone 2 g IV daily was given. Metoprolol 25 mg PO BID.' }], {
    lang: 'en',
  });

  it.each([
    ['zh', '出院带药：头孢曲松 2g 静滴 qd。', /头孢曲松/, 'unsupported', 'E11'],
    ['zh', '出院带药：阿司匹林肠溶片 100mg 口服 qd。', /阿司匹林/, 'supported', undefined],
    ['zh', '住院期间予头孢曲松 2g 静滴 qd。', /头孢曲松/, 'supported', undefined],
    ['en', 'Discharge medications: Ceftriaxone 2 g IV daily.', /Ceftriaxone/, 'unsupported', 'E11'],
    ['en', 'Discharge medications: Metoprolol 25 mg PO BID.', /Metoprolol/, 'supported', undefined],
    ['en', 'Ceftriaxone 2 g IV daily was given.', /Ceftriaxone/, 'supported', undefined],
  ] as const)('%s: “%s” is %s (%s)', (lang, text, find, verdict, errorType) => {
    const c = claimOf(text, lang === 'zh' ? zh : en, lang, find);
    expect(c.verdict).toBe(verdict);
    expect(c.errorType).toBe(errorType);
  });

  it('flags a home drug stopped before discharge, under a discharge-medication heading', () => {
    const base = recordFromTexts([{ id: 'n', text: 'Metoprolol 25 mg PO BID. Lisinopril 10 mg PO daily.' }], {
      lang: 'en',
    });
    const stop = (f: Fact): Fact =>
      /lisinopril/i.test(f.concept.display ?? '')
        ? { ...f, status: 'stopped', time: { ...f.time, end: '2024-03-01' } }
        : f;
    const record = { ...base, facts: base.facts.map(stop) };
    const text =
      'Admitted 2024-03-01, discharged 2024-03-05.\n## Discharge medications\nLisinopril 10 mg PO daily.\nMetoprolol 25 mg PO BID.';
    expect(claimOf(text, record, 'en', /Lisinopril/)).toMatchObject({ verdict: 'unsupported', errorType: 'E11' });
    expect(claimOf(text, record, 'en', /Metoprolol/)).toMatchObject({ verdict: 'supported' });
    // Stopped after discharge: still a discharge medication.
    const later = {
      ...base,
      facts: base.facts.map((f) =>
        /lisinopril/i.test(f.concept.display ?? '')
          ? { ...f, status: 'stopped', time: { ...f.time, end: '2024-06-01' } }
          : f,
      ),
    };
    expect(claimOf(text, later, 'en', /Lisinopril/)).toMatchObject({ verdict: 'supported' });
  });

  it('reads 出院带药 under a 出院医嘱 heading in zh', () => {
    const base = recordFromTexts([{ id: 'n', text: '予阿司匹林肠溶片 100mg 口服 qd。予华法林 3mg 口服 qd。' }], {
      lang: 'zh',
    });
    const record = {
      ...base,
      facts: base.facts.map((f) =>
        f.concept.displayZh?.includes('华法林')
          ? { ...f, status: 'stopped', time: { ...f.time, end: '2024-03-02' } }
          : f,
      ),
    };
    const text =
      '入院日期：2024-03-01，出院日期：2024-03-05。\n## 出院医嘱\n出院带药：华法林 3mg 口服 qd、阿司匹林肠溶片 100mg 口服 qd。';
    expect(claimOf(text, record, 'zh', /华法林/)).toMatchObject({ verdict: 'unsupported', errorType: 'E11' });
    expect(claimOf(text, record, 'zh', /阿司匹林/)).toMatchObject({ verdict: 'supported' });
  });
});

describe('E06 laterality on sites the lexicon does not name', () => {
  const zh = recordFromTexts(
    [{ id: 'n', text: '患者摔倒致右髋部疼痛，活动受限。查体：右肾区无叩击痛，左下肢水肿。右肺门影增大。' }],
    { lang: 'zh' },
  );
  const en = recordFromTexts(
    [{ id: 'n', text: 'Swelling over the right wrist after a fall. Left shoulder range of motion is normal.' }],
    { lang: 'en' },
  );

  it.each([
    ['zh', '左髋部疼痛缓解。', 'contradicted', 'E06'],
    ['zh', '左侧髋部疼痛缓解。', 'contradicted', 'E06'],
    ['zh', '右髋部疼痛缓解。', 'supported', undefined],
    ['zh', '左肾区无叩击痛。', 'supported', undefined],
    // The record's edema is of the left leg: the right leg's is neither stated nor denied (not a side error).
    ['zh', '右下肢无水肿。', 'unsupported', 'E15'],
    ['zh', '左膝关节肿胀。', 'not-E06', undefined],
    ['zh', '左肺门影增大。', 'contradicted', 'E06'],
    ['en', 'The left wrist swelling has improved.', 'contradicted', 'E06'],
    ['en', 'The right wrist swelling has improved.', 'supported', undefined],
    ['en', 'No swelling of the left wrist.', 'not-E06', undefined],
    ['en', 'Left shoulder moves freely.', 'supported', undefined],
  ] as const)('%s: “%s” is %s (%s)', (lang, text, verdict, errorType) => {
    const c = claimOf(text, lang === 'zh' ? zh : en, lang, /./, { laterThanRecord: true });
    if (verdict === 'not-E06') expect(c.errorType).not.toBe('E06');
    else {
      expect(c.errorType).toBe(errorType);
      if (verdict === 'contradicted') expect(c.verdict).toBe(verdict);
    }
  });
});
